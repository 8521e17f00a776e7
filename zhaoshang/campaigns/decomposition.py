"""The decomposition check: does each parent's target equal the sum of its children's?

Reported, never enforced: a prefecture often keeps a reserve above the sum of
what it hands down, or hands down more than it promised.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from zhaoshang.campaigns.models import Campaign, Indicator, Target


@dataclass(frozen=True)
class Mismatch:
    unit_code: str
    unit_name: str
    indicator: str
    parent_value: Decimal
    children_sum: Decimal
    children_count: int

    @property
    def difference(self) -> Decimal:
        return self.children_sum - self.parent_value

    def message(self) -> str:
        label = Indicator(self.indicator).label
        diff = self.difference
        direction = "多" if diff > 0 else "少"
        return (
            f"{self.unit_name}（{self.unit_code}）「{label}」目标 {self.parent_value:,.2f}，"
            f"下级 {self.children_count} 个单位合计 {self.children_sum:,.2f}，"
            f"{direction} {abs(diff):,.2f}"
        )


def check_decomposition(campaign: Campaign) -> list[Mismatch]:
    """Parents whose target differs from the sum of their children's targets (one query)."""
    rows = list(
        Target.objects.filter(campaign=campaign).values(
            "unit_id",
            "unit__code",
            "unit__name",
            "unit__parent_id",
            "indicator",
            "value",
        )
    )
    own = {(r["unit_id"], r["indicator"]): r for r in rows}
    sums: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    counts: dict[tuple[int, str], int] = defaultdict(int)
    for r in rows:
        if r["unit__parent_id"] is not None:
            key = (r["unit__parent_id"], r["indicator"])
            sums[key] += r["value"]
            counts[key] += 1
    mismatches = []
    for key, total in sums.items():
        parent = own.get(key)
        if parent is not None and parent["value"] != total:
            mismatches.append(
                Mismatch(
                    unit_code=parent["unit__code"],
                    unit_name=parent["unit__name"],
                    indicator=key[1],
                    parent_value=parent["value"],
                    children_sum=total,
                    children_count=counts[key],
                )
            )
    return sorted(mismatches, key=lambda m: (m.unit_code, m.indicator))
