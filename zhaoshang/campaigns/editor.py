"""What the decomposition editor shows: the unit tree of a campaign with one indicator's targets.

Two queries whatever the size of the tree: the visible units of the part of
the tree shown (one prefix query), and every target of the campaign in the
user's part of the tree (one ``values()`` query, all indicators, so the list
of mismatches covers every indicator while the table shows one). Sums and
mismatches come from :mod:`zhaoshang.campaigns.decomposition` on those rows.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Q

from zhaoshang.campaigns.decomposition import (
    ROW_FIELDS,
    ChildrenSum,
    Mismatch,
    children_sums,
    mismatches,
)
from zhaoshang.campaigns.models import Campaign, Target
from zhaoshang.org.models import Unit
from zhaoshang.org.scope import Scope, scope_of, visible

# Levels shown below the top of the tree; deeper units are reached by focusing.
DEFAULT_DEPTH = 2

OK, MORE, LESS, NO_OWN, UNSPLIT, LEAF = "ok", "more", "less", "no_own", "unsplit", "leaf"


@dataclass
class TargetCell:
    """One unit's target for the indicator shown."""

    id: int
    value: Decimal
    person_id: int | None
    person_name: str
    deadline: date | None


@dataclass
class TreeRow:
    unit: Unit
    level: int
    target: TargetCell | None
    children_count: int
    children: ChildrenSum | None
    check: str
    can_set_value: bool
    can_set_person: bool
    # Children exist below the depth shown: the row offers to focus on the unit.
    folded: bool

    @property
    def difference(self) -> Decimal | None:
        if self.children is None or self.target is None:
            return None
        return self.children.total - self.target.value

    @property
    def can_edit(self) -> bool:
        return self.can_set_value or self.can_set_person

    @property
    def unassigned_children(self) -> int:
        return self.children_count - (self.children.count if self.children else 0)


@dataclass
class Tree:
    campaign: Campaign
    indicator: str
    root: Unit
    focus: Unit | None
    rows: list[TreeRow] = field(default_factory=list)
    mismatches: list[Mismatch] = field(default_factory=list)
    # Units above the focus (inside the campaign and the user's view), for the trail.
    trail: list[Unit] = field(default_factory=list)

    @property
    def shortfalls(self) -> list[Mismatch]:
        """Children adding up to less than their parent: part of the target is unallocated."""
        return [m for m in self.mismatches if m.difference < 0]

    @property
    def overshoots(self) -> list[Mismatch]:
        """Children adding up to more (加压分解): common practice, shown as information."""
        return [m for m in self.mismatches if m.difference > 0]

    def row_for(self, code: str) -> TreeRow | None:
        return next((r for r in self.rows if r.unit.code == code), None)


def _check(target: TargetCell | None, part: ChildrenSum | None, children_count: int) -> str:
    if children_count == 0:
        return LEAF
    if part is None:
        return UNSPLIT
    if target is None:
        return NO_OWN
    if part.total == target.value:
        return OK
    return MORE if part.total > target.value else LESS


def build_tree(
    campaign: Campaign,
    root: Unit,
    user,
    indicator: str,
    *,
    focus: Unit | None = None,
    depth: int = DEFAULT_DEPTH,
) -> Tree:
    """The rows of the editor for ``user``; ``focus`` (a unit inside ``root``) narrows the tree."""
    scope = scope_of(user)
    top = focus or root
    # One level more than shown: a row needs to know whether it has children.
    units = list(
        visible(
            Unit.objects.filter(
                path__startswith=top.path, depth__lte=_top_depth(scope, top) + depth + 1
            ),
            user,
        )
    )
    # All targets in the user's part of the campaign tree, every indicator (mismatch list).
    rows = list(
        Target.objects.filter(campaign=campaign, unit__path__startswith=root.path)
        .filter(_visible_units_q(scope))
        .values(*ROW_FIELDS, "id", "person_id", "person__name", "deadline")
    )
    tree = Tree(campaign=campaign, indicator=indicator, root=root, focus=focus)
    tree.mismatches = mismatches(rows)

    shown = [r for r in rows if r["indicator"] == indicator]
    sums = children_sums(shown)
    cells = {
        r["unit_id"]: TargetCell(
            r["id"], r["value"], r["person_id"], r["person__name"] or "", r["deadline"]
        )
        for r in shown
    }
    by_id = {u.pk: u for u in units}
    children: dict[int | None, list[Unit]] = defaultdict(list)
    for unit in units:
        parent_key = unit.parent_id if unit.parent_id in by_id else None
        children[parent_key].append(unit)
    for kids in children.values():
        kids.sort(key=lambda u: (u.order, u.code))

    def walk(unit: Unit, level: int) -> None:
        if level > depth:
            return
        kids = children.get(unit.pk, [])
        cell = cells.get(unit.pk)
        part = sums.get((unit.pk, indicator))
        tree.rows.append(
            TreeRow(
                unit=unit,
                level=level,
                target=cell,
                children_count=len(kids),
                children=part,
                check=_check(cell, part, len(kids)),
                can_set_value=scope.can_manage(_governor_stub(campaign, unit)),
                can_set_person=scope.can_manage(unit),
                folded=bool(kids) and level == depth,
            )
        )
        for kid in kids:
            walk(kid, level + 1)

    for top_unit in children.get(None, []):
        walk(top_unit, 0)
    return tree


def _top_depth(scope: Scope, top: Unit) -> int:
    """Depth of the highest unit the user sees at or below ``top``.

    A county reporter opening the prefecture's campaign sees the tree from their
    county down, so the levels shown count from there.
    """
    if scope.contains(top):
        return top.depth
    depths = [p.count("/") - 2 for p in scope.paths if p.startswith(top.path)]
    return min(depths, default=top.depth)


def _governor_stub(campaign: Campaign, unit: Unit) -> Unit:
    """:func:`target_governor` without reading the parent: its path is a prefix of the unit's.

    Scope checks only look at paths, so a stub carrying the parent's path is enough.
    """
    if unit.parent_id is None or unit.pk == campaign.unit_id:
        return unit
    trimmed = unit.path.rstrip("/")
    return Unit(pk=unit.parent_id, path=trimmed[: trimmed.rfind("/") + 1])


def _visible_units_q(scope: Scope) -> Q:
    return scope.unit_q("unit")
