"""Small helpers of the administration page tests."""

from __future__ import annotations

import re

from zhaoshang.campaigns.models import Campaign, Milestone, Target
from zhaoshang.org.models import Account, Membership, Person, TeamMember, Unit

HTMX = {"HTTP_HX_REQUEST": "true"}


def text(response) -> str:
    """The page without markup, whitespace collapsed, for phrase assertions."""
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def campaign_snapshot() -> tuple:
    """Everything a campaign write could change, history included."""
    return (
        tuple(
            Campaign.objects.values_list(
                "code", "name", "start", "end", "mode", "green_gap_pp", "red_gap_pp"
            )
        ),
        tuple(Milestone.objects.order_by("pk").values_list("pk", "on", "pct")),
        tuple(Target.objects.order_by("pk").values_list("pk", "value", "person_id", "deadline")),
        Campaign.history.count(),
        Milestone.history.count(),
        Target.history.count(),
        Person.objects.count(),
    )


def org_snapshot() -> tuple:
    """Everything an administration write could change, history included."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.order_by("pk")
    return (
        tuple(
            Unit.objects.order_by("pk").values_list(
                "pk", "code", "name", "parent_id", "order", "path"
            )
        ),
        tuple(Person.objects.order_by("pk").values_list("pk", "name", "title", "phone", "user_id")),
        tuple(TeamMember.objects.order_by("pk").values_list("pk", "person_id", "role")),
        tuple(Membership.objects.order_by("pk").values_list("pk", "user_id", "unit_id", "role")),
        tuple(users.values_list("pk", "username", "password", "is_active", "first_name")),
        tuple(Account.objects.order_by("pk").values_list("pk", "must_change_password")),
        Unit.history.count(),
        Person.history.count(),
        TeamMember.history.count(),
        Membership.history.count(),
        Account.history.count(),
    )
