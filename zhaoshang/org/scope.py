"""The one scoping primitive: what a user may see and change.

Every read path (pages, exports, API, form choices, dashboards) narrows its
queryset with :func:`visible`; every write re-checks with :func:`require_edit`
inside its transaction. Scope is the subtree of each of the user's
memberships; nothing is granted per object.

Models say how they hang off the tree with ``SCOPE_UNIT`` (the lookup path to
their unit, "" for ``Unit`` itself) or, for shared records, a ``scope_q``
classmethod taking the visible unit paths.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from zhaoshang.org.models import EDITING_ROLES, Membership, Role, Unit


@dataclass(frozen=True)
class Scope:
    """The subtrees a user works in, with the role held in each."""

    everything: bool = False
    # (unit path, role), one per membership
    grants: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(path for path, _role in self.grants)

    @property
    def empty(self) -> bool:
        return not self.everything and not self.grants

    def role_at(self, unit: Unit) -> str | None:
        """The role of the nearest membership above (or at) ``unit``."""
        if self.everything:
            return Role.ADMIN
        best = None
        for path, role in self.grants:
            if unit.path.startswith(path) and (best is None or len(path) > len(best[0])):
                best = (path, role)
        return best[1] if best else None

    def contains(self, unit: Unit) -> bool:
        return self.everything or any(unit.path.startswith(p) for p in self.paths)

    def can_edit(self, unit: Unit) -> bool:
        return self.role_at(unit) in EDITING_ROLES

    def can_manage(self, unit: Unit) -> bool:
        return self.role_at(unit) == Role.ADMIN

    def unit_q(self, prefix: str) -> Q:
        """A Q selecting rows whose unit (at lookup ``prefix``) is in scope."""
        if self.everything:
            return Q()
        if not self.grants:
            return Q(pk__in=[])
        lookup = f"{prefix}__path__startswith" if prefix else "path__startswith"
        q = Q()
        for path in self.paths:
            q |= Q(**{lookup: path})
        return q


_CACHE_ATTR = "_zhaoshang_scope"


def scope_of(user) -> Scope:
    """The user's scope, read once per request (one query) and cached on the user."""
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    if not user or not user.is_authenticated or not user.is_active:
        scope = Scope()
    elif user.is_superuser:
        scope = Scope(everything=True)
    else:
        grants = tuple(
            Membership.objects.filter(user=user)
            .order_by("unit__path")
            .values_list("unit__path", "role")
        )
        scope = Scope(grants=grants)
    setattr(user, _CACHE_ATTR, scope)
    return scope


def forget_scope(user) -> None:
    """Drop the cached scope after memberships change."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def visible(qs: QuerySet, user) -> QuerySet:
    """Narrow any queryset of a scoped model to what ``user`` may see."""
    return restrict(qs, scope_of(user))


def subtree_scope(unit: Unit | None) -> Scope:
    """The scope of an administrator of ``unit`` (``None``: everything), for the command line."""
    if unit is None:
        return Scope(everything=True)
    return Scope(grants=((unit.path, Role.ADMIN),))


def restrict(qs: QuerySet, scope: Scope) -> QuerySet:
    """Narrow any queryset of a scoped model to ``scope`` (what :func:`visible` does for a user)."""
    model = qs.model
    if scope.everything:
        return qs
    if scope.empty:
        return qs.none()
    scope_q = getattr(model, "scope_q", None)
    if scope_q is not None:
        return qs.filter(scope_q(scope)).distinct()
    if not hasattr(model, "SCOPE_UNIT"):
        raise TypeError(f"{model.__name__} declares no SCOPE_UNIT; it cannot be scoped")
    return qs.filter(scope.unit_q(model.SCOPE_UNIT))


def get_visible_or_404(qs: QuerySet, user, **lookup) -> Model:
    """One object the user may see, else 404 (never 403: existence stays hidden)."""
    try:
        return visible(qs, user).get(**lookup)
    except qs.model.DoesNotExist:
        raise Http404 from None


def unit_of(obj: Model) -> Unit:
    """The unit an object of a scoped model hangs off."""
    if isinstance(obj, Unit):
        return obj
    target = obj
    for part in obj.SCOPE_UNIT.split("__"):
        target = getattr(target, part)
    return target


def require_edit(user, unit: Unit) -> None:
    """Raise unless ``user`` may change data of ``unit``: 404 out of scope, 403 read-only."""
    scope = scope_of(user)
    if not scope.contains(unit):
        raise Http404
    if not scope.can_edit(unit):
        raise PermissionDenied


def require_manage(user, unit: Unit) -> None:
    """Raise unless ``user`` administers ``unit`` (accounts, units, campaigns)."""
    scope = scope_of(user)
    if not scope.contains(unit):
        raise Http404
    if not scope.can_manage(unit):
        raise PermissionDenied
