"""The permission matrix's harness: every URL route of the platform, found by walking
the URL resolver, with the arguments that name an object of 凯里市 ("own" for its
reporter r522601) and of 黎平县 ("other")."""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

PERSONAS = ("anon", "admin", "leader", "own", "other")


@dataclass(frozen=True)
class Route:
    name: str
    pattern: str
    params: tuple[str, ...]


def all_routes() -> list[Route]:
    """Every named route once (the admin site and format-suffix duplicates left out)."""
    seen: dict[str, Route] = {}

    def walk(patterns, prefix: str, namespace: str | None):
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace == "admin":
                    continue
                ns = p.namespace or namespace
                if p.namespace and namespace:
                    ns = f"{namespace}:{p.namespace}"
                walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern):
                name = f"{namespace}:{p.name}" if namespace else (p.name or "")
                params = tuple(k for k in p.pattern.regex.groupindex if k != "format")
                if "format" in p.pattern.regex.groupindex and name in seen:
                    continue
                seen.setdefault(name, Route(name, prefix + str(p.pattern), params))

    walk(get_resolver().url_patterns, "", None)
    return list(seen.values())


def snapshot() -> tuple:
    """Row counts of every table (history included): any write changes one."""
    return tuple(m._default_manager.count() for m in apps.get_models() if m._meta.managed)
