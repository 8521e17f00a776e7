"""The decomposition check: does each parent's target equal the sum of its children's?

Reported, never enforced: a prefecture often keeps a reserve above the sum of
what it hands down, or hands down more than it promised.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from zhaoshang.campaigns.models import Campaign, Indicator, Target
from zhaoshang.org.models import Unit


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


@dataclass(frozen=True)
class ChildrenSum:
    """What a parent's children were given for one indicator."""

    total: Decimal
    count: int


def children_sums(rows: Iterable[dict]) -> dict[tuple[int, str], ChildrenSum]:
    """(parent unit id, indicator) → the sum and number of its children's targets.

    ``rows`` are target rows with ``unit__parent_id``, ``indicator`` and ``value``
    (as :func:`check_decomposition` reads them); no query here, so the
    decomposition editor reuses the targets it has already loaded.
    """
    sums: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    counts: dict[tuple[int, str], int] = defaultdict(int)
    for r in rows:
        if r["unit__parent_id"] is not None:
            key = (r["unit__parent_id"], r["indicator"])
            sums[key] += r["value"]
            counts[key] += 1
    return {key: ChildrenSum(total, counts[key]) for key, total in sums.items()}


def mismatches(rows: Iterable[dict]) -> list[Mismatch]:
    """Parents among ``rows`` whose value differs from the sum of their children's."""
    rows = list(rows)
    own = {(r["unit_id"], r["indicator"]): r for r in rows}
    found = []
    for key, part in children_sums(rows).items():
        parent = own.get(key)
        if parent is not None and parent["value"] != part.total:
            found.append(
                Mismatch(
                    unit_code=parent["unit__code"],
                    unit_name=parent["unit__name"],
                    indicator=key[1],
                    parent_value=parent["value"],
                    children_sum=part.total,
                    children_count=part.count,
                )
            )
    return sorted(found, key=lambda m: (m.unit_code, m.indicator))


ROW_FIELDS = ("unit_id", "unit__code", "unit__name", "unit__parent_id", "indicator", "value")


def check_decomposition(campaign: Campaign, *, within: Unit | None = None) -> list[Mismatch]:
    """Parents whose target differs from the sum of their children's targets (one query).

    ``within`` limits the check to a subtree (a county's view of its own
    townships); a parent's children always lie in its subtree, so sums stay whole.
    """
    targets = Target.objects.filter(campaign=campaign)
    if within is not None:
        targets = targets.filter(unit__path__startswith=within.path)
    return mismatches(targets.values(*ROW_FIELDS))
