"""Template helpers of the administration pages and the top bar."""

from __future__ import annotations

from django import template

from zhaoshang.org.models import Role
from zhaoshang.org.scope import scope_of

register = template.Library()


@register.simple_tag(takes_context=True)
def administers(context) -> bool:
    """Whether the signed-in user administers any unit (shows the 单位与账号 link).

    Reads the scope the page has usually loaded already (cached on the user).
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    scope = scope_of(user)
    return scope.everything or any(role == Role.ADMIN for _path, role in scope.grants)
