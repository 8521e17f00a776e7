"""Every page, walked by following its links as the administrator and as a county
reporter, carries the browser-side protections, and none carries inline script
that a Content-Security-Policy without 'unsafe-inline' would block.

A value that slipped into a page unescaped (finding 1: a unit renamed to
``<img src=x onerror=…>``) then still cannot run."""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.urls import Resolver404, resolve

# Links a walk must not follow: they leave the session or change the language.
SKIP = ("/logout/", "/i18n/", "/admin/logout/")
MAX_PAGES = 400
PER_ROUTE = 2


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name, value in attrs.items():
            if name.startswith("on") or name.startswith("hx-on"):
                self.problems.append(f"<{tag} {name}=…>")
            if name in {"href", "src", "action"} and (value or "").lower().startswith(
                "javascript:"
            ):
                self.problems.append(f"<{tag} {name}={value}>")
        if tag == "script" and not attrs.get("src") and attrs.get("type") != "application/json":
            self.problems.append("inline <script>")
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])


def _check_headers(url, response):
    csp = response.headers.get("Content-Security-Policy", "")
    directives = dict(
        (part.strip().split(" ", 1) + [""])[:2] for part in csp.split(";") if part.strip()
    )
    assert directives.get("script-src") == "'self'", (url, csp)
    assert directives.get("object-src") == "'none'", (url, csp)
    assert directives.get("frame-ancestors") == "'none'", (url, csp)
    assert directives.get("base-uri") == "'self'", (url, csp)
    assert response.headers.get("X-Frame-Options") == "DENY", url
    assert response.headers.get("X-Content-Type-Options") == "nosniff", url
    assert response.headers.get("Referrer-Policy") == "same-origin", url
    assert "camera=()" in response.headers.get("Permissions-Policy", ""), url


def _route(path: str) -> str:
    try:
        match = resolve(path)
    except Resolver404:
        return path
    return f"{match.route}?"


def walk(client, start="/"):
    """Follows same-site links from ``start``, opening each URL route at most twice
    (two sets of arguments or filters); returns the HTML pages seen."""
    seen, queue, pages, per_route = set(), [start], {}, Counter()
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        path = urlsplit(url).path
        if url in seen or path.startswith(SKIP) or per_route[_route(path)] >= PER_ROUTE:
            continue
        seen.add(url)
        per_route[_route(path)] += 1
        response = client.get(url)
        assert response.status_code < 500, url
        if response.status_code in (301, 302):
            location = urljoin(url, response.headers["Location"])
            if urlsplit(location).netloc in ("", "testserver"):
                queue.append(urlsplit(location)._replace(scheme="", netloc="").geturl())
            continue
        if not response.headers.get("Content-Type", "").startswith("text/html"):
            continue
        _check_headers(url, response)
        parser = _Page()
        body = response.content.decode()
        parser.feed(body)
        assert not parser.problems, (url, parser.problems)
        pages[url] = body
        for href in parser.links:
            target = urljoin(url, href)
            parts = urlsplit(target)
            if parts.netloc in ("", "testserver") and parts.path.startswith("/"):
                local = parts._replace(scheme="", netloc="", fragment="").geturl()
                if local not in seen:
                    queue.append(local)
    return pages


@pytest.mark.parametrize("who", ["admin", "r522601"])
def test_every_page_sends_the_protections_and_no_inline_script(client_for, personas, cycle, who):
    pages = walk(client_for(who))
    # The walk really went round the product, not just the home page.
    assert len(pages) > 25, sorted(pages)
    for prefix in ("/projects/", "/ledger/enterprises/", "/campaigns/", "/dispatch/"):
        assert any(u.startswith(prefix) for u in pages), prefix


def test_login_and_error_pages_carry_the_protections(client, db):
    for url in ("/login/", "/no-such-page/"):
        response = client.get(url)
        _check_headers(url, response)


def test_api_docs_page_has_no_inline_script(client_for, personas):
    response = client_for("admin").get("/api/v1/docs/")
    assert response.status_code == 200
    _check_headers("/api/v1/docs/", response)
    parser = _Page()
    parser.feed(response.content.decode())
    assert not parser.problems, parser.problems
