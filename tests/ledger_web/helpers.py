"""Helpers of the ledger page tests."""

from __future__ import annotations

from zhaoshang.ledger.models import (
    Attachment,
    Enterprise,
    EnterpriseTag,
    FollowUp,
    FundsEntry,
    Project,
    SavedFilter,
    StageEvent,
)


def everything() -> tuple:
    """Counts (records and history rows) that any write of the ledger pages would change."""
    return (
        Project.objects.count(),
        Project.history.count(),
        tuple(Project.objects.order_by("code").values_list("code", "version", "stage", "status")),
        StageEvent.objects.count(),
        FundsEntry.objects.count(),
        FundsEntry.history.count(),
        Attachment.objects.count(),
        Attachment.history.count(),
        Enterprise.objects.count(),
        Enterprise.history.count(),
        EnterpriseTag.objects.count(),
        FollowUp.objects.count(),
        FollowUp.history.count(),
        SavedFilter.objects.count(),
    )


def codes(response) -> list[str]:
    return [p.code for p in response.context["page"].object_list]
