"""The figures of an event, computed in one place (contracts/cli.md, ``event --json``).

- Invitations are counted by their current status (``confirmed`` holds neither
  the attended nor the declined ones).
- ``top500_confirmed``: distinct enterprises tagged 中国民营企业500强 whose
  invitation is 已确认 or 已到会.
- Fulfilment (履约) over the projects signed at the event, as of a day D: a
  project has reached 合同 when its contract day (or a later stage's day) is on
  or before D, 开工 likewise with the start day, and is funded when a funds
  entry dated on or before D exists; a project dropped on or before D counts
  in ``projects`` and in none of the others, its funds included. Percentages
  are of ``projects``, half-up to 2 decimals (null when nothing was signed).

Three queries for the event's totals (invitations by status, top-500
enterprises, signed projects with fulfilment), whatever their number; the
per-unit table adds two (the units, and the same aggregates grouped by unit).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    BigIntegerField,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.db.models.functions import Cast, Round

from zhaoshang.events.models import STATUS_KEYS, Event, Invitation, InvitationStatus, Signing
from zhaoshang.ledger.models import TOP500_TAG, EnterpriseTag, FundsEntry
from zhaoshang.org.models import Unit

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
SHOWN_STATUSES = (InvitationStatus.CONFIRMED, InvitationStatus.ATTENDED)


def pct(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(CENT, rounding=ROUND_HALF_UP)


def cents_to_money(cents: int | None) -> Decimal:
    return (Decimal(cents or 0) / HUNDRED).quantize(CENT)


@dataclass
class Fulfilment:
    projects: int = 0
    contract: int = 0
    started: int = 0
    funded: int = 0
    funds_cents: int = 0

    @property
    def contract_pct(self) -> Decimal | None:
        return pct(self.contract, self.projects)

    @property
    def started_pct(self) -> Decimal | None:
        return pct(self.started, self.projects)

    @property
    def funded_pct(self) -> Decimal | None:
        return pct(self.funded, self.projects)

    @property
    def funds_in_place(self) -> Decimal:
        return cents_to_money(self.funds_cents)

    def add(self, other: Fulfilment) -> None:
        self.projects += other.projects
        self.contract += other.contract
        self.started += other.started
        self.funded += other.funded
        self.funds_cents += other.funds_cents


@dataclass
class Tally:
    """One event's figures, for the whole event or for one unit's part of it."""

    invitations: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(STATUS_KEYS.values(), 0)
    )
    top500: set[int] = field(default_factory=set)
    signing_cents: int = 0
    fulfilment: Fulfilment = field(default_factory=Fulfilment)

    @property
    def top500_confirmed(self) -> int:
        return len(self.top500)

    @property
    def signings(self) -> int:
        return self.fulfilment.projects

    @property
    def signing_amount(self) -> Decimal:
        return cents_to_money(self.signing_cents)

    @property
    def invited_total(self) -> int:
        """Every enterprise on the list, planned ones included."""
        return sum(self.invitations.values())

    @property
    def coming(self) -> int:
        return self.invitations["confirmed"] + self.invitations["attended"]

    def add(self, other: Tally) -> None:
        for key, n in other.invitations.items():
            self.invitations[key] += n
        self.top500 |= other.top500
        self.signing_cents += other.signing_cents
        self.fulfilment.add(other.fulfilment)


@dataclass
class UnitRow:
    unit_id: int
    code: str
    name: str
    tally: Tally

    @property
    def invited_nobody(self) -> bool:
        return self.tally.invited_total == 0


@dataclass
class EventFigures:
    event: Event
    as_of: date
    total: Tally
    units: list[UnitRow] | None = None

    @property
    def idle_units(self) -> list[UnitRow]:
        """Units that have invited nobody yet."""
        return [u for u in self.units or [] if u.invited_nobody]


def _cents(expr) -> Sum:
    return Sum(Cast(Round(expr * 100), BigIntegerField()))


def _signing_rows(event: Event, as_of: date, group: str | None, restrict: Q):
    """Signed projects aggregated (by ``group`` when given): counts for fulfilment."""
    alive = Q(project__dropped_on__isnull=True) | Q(project__dropped_on__gt=as_of)
    contract = (
        Q(project__contract_on__lte=as_of)
        | Q(project__started_on__lte=as_of)
        | Q(project__operating_on__lte=as_of)
    )
    started = Q(project__started_on__lte=as_of) | Q(project__operating_on__lte=as_of)
    funds = (
        FundsEntry.objects.filter(project_id=OuterRef("project_id"), on__lte=as_of)
        .order_by()
        .values("project_id")
        .annotate(c=Sum(Cast(Round(F("amount") * 100), BigIntegerField())))
        .values("c")
    )
    funded = Exists(
        FundsEntry.objects.filter(project_id=OuterRef("project_id"), on__lte=as_of, amount__gt=0)
    )
    qs = Signing.objects.filter(restrict, event=event).annotate(
        funds_cents=Subquery(funds, output_field=BigIntegerField()),
        is_funded=funded,
    )
    aggregates = dict(
        n=Count("id"),
        cents=_cents(F("amount")),
        contract=Count("id", filter=alive & contract),
        started=Count("id", filter=alive & started),
        funded=Count("id", filter=alive & Q(is_funded=True)),
        funds=Sum("funds_cents", filter=alive),
    )
    if group:
        return qs.values(group).annotate(**aggregates).order_by()
    return [qs.aggregate(**aggregates)]


def _fill(tally: Tally, row: dict) -> None:
    tally.signing_cents += row["cents"] or 0
    tally.fulfilment.add(
        Fulfilment(
            projects=row["n"] or 0,
            contract=row["contract"] or 0,
            started=row["started"] or 0,
            funded=row["funded"] or 0,
            funds_cents=row["funds"] or 0,
        )
    )


def compute(
    event: Event, as_of: date, *, restrict_to=None, by_unit: Unit | None = None
) -> EventFigures:
    """The event's figures as of the day.

    ``restrict_to`` is a Scope: only the invitations and signings it sees are
    counted (a county's own share). ``by_unit`` also splits the figures over
    that unit's children (invitations by inviting unit, signings by the
    project's responsible unit), each child's subtree rolled up into its row.
    """
    inv_q = Invitation.scope_q(restrict_to) if restrict_to is not None else Q()
    sig_q = Signing.scope_q(restrict_to) if restrict_to is not None else Q()
    if restrict_to is not None and restrict_to.everything:
        inv_q = sig_q = Q()
    total = Tally()
    tagged = EnterpriseTag.objects.filter(name=TOP500_TAG).values("enterprise_id")

    if by_unit is None:
        for row in (
            Invitation.objects.filter(inv_q, event=event)
            .values("status")
            .annotate(n=Count("id"))
            .order_by()
        ):
            total.invitations[STATUS_KEYS[row["status"]]] += row["n"]
        total.top500 = set(
            Invitation.objects.filter(
                inv_q, event=event, status__in=SHOWN_STATUSES, enterprise_id__in=tagged
            ).values_list("enterprise_id", flat=True)
        )
        _fill(total, _signing_rows(event, as_of, None, sig_q)[0])
        return EventFigures(event=event, as_of=as_of, total=total)

    children = list(
        Unit.objects.filter(parent=by_unit)
        .order_by("order", "code")
        .values("id", "code", "name", "path")
    )
    rows = {c["path"]: UnitRow(c["id"], c["code"], c["name"], Tally()) for c in children}
    own = UnitRow(by_unit.pk, by_unit.code, by_unit.name, Tally())

    def row_of(path: str) -> UnitRow | None:
        if not path.startswith(by_unit.path):
            return None
        rest = path[len(by_unit.path) :]
        if not rest:
            return own
        child = by_unit.path + rest.split("/", 1)[0] + "/"
        return rows.get(child)

    for r in (
        Invitation.objects.filter(inv_q, event=event)
        .values("inviting_unit__path", "status")
        .annotate(n=Count("id"))
        .order_by()
    ):
        total.invitations[STATUS_KEYS[r["status"]]] += r["n"]
        target = row_of(r["inviting_unit__path"])
        if target is not None:
            target.tally.invitations[STATUS_KEYS[r["status"]]] += r["n"]
    for path, enterprise_id in (
        Invitation.objects.filter(
            inv_q, event=event, status__in=SHOWN_STATUSES, enterprise_id__in=tagged
        )
        .values_list("inviting_unit__path", "enterprise_id")
        .distinct()
    ):
        total.top500.add(enterprise_id)
        target = row_of(path)
        if target is not None:
            target.tally.top500.add(enterprise_id)
    for r in _signing_rows(event, as_of, "project__responsible_unit__path", sig_q):
        _fill(total, r)
        target = row_of(r["project__responsible_unit__path"])
        if target is not None:
            _fill(target.tally, r)
    # Several units sit at the same path only through different paths, so
    # summing the per-path rows into a child row is exact.
    units = list(rows.values())
    if own.tally.invited_total or own.tally.signings:
        units.insert(0, own)
    return EventFigures(event=event, as_of=as_of, total=total, units=units)


def event_document(figures: EventFigures, *, signing_list: list[dict] | None = None) -> dict:
    """The JSON of ``zhaoshang event CODE --json`` (contracts/cli.md)."""
    t = figures.total
    f = t.fulfilment

    def number(value: Decimal | None):
        return None if value is None else float(value)

    doc = {
        "code": figures.event.code,
        "name": figures.event.name,
        "as_of": figures.as_of.isoformat(),
        "invitations": dict(t.invitations),
        "top500_confirmed": t.top500_confirmed,
        "signings": {"count": t.signings, "amount": f"{t.signing_amount:.2f}"},
        "fulfilment": {
            "projects": f.projects,
            "contract": f.contract,
            "started": f.started,
            "funded": f.funded,
            "contract_pct": number(f.contract_pct),
            "started_pct": number(f.started_pct),
            "funded_pct": number(f.funded_pct),
            "funds_in_place": f"{f.funds_in_place:.2f}",
        },
    }
    if figures.units is not None:
        doc["units"] = [
            {
                "code": u.code,
                "name": u.name,
                "invitations": dict(u.tally.invitations),
                "top500_confirmed": u.tally.top500_confirmed,
                "signings": {"count": u.tally.signings, "amount": f"{u.tally.signing_amount:.2f}"},
                "fulfilment": {
                    "projects": u.tally.fulfilment.projects,
                    "contract": u.tally.fulfilment.contract,
                    "started": u.tally.fulfilment.started,
                    "funded": u.tally.fulfilment.funded,
                    "funds_in_place": f"{u.tally.fulfilment.funds_in_place:.2f}",
                },
            }
            for u in figures.units
        ]
    if signing_list is not None:
        doc["signing_list"] = signing_list
    return doc


def signing_list(event: Event, as_of: date, qs=None) -> list[dict]:
    """The signing list in signing order, each line with its project's stage as of the day (one query)."""
    from zhaoshang.ledger.models import Stage

    qs = qs if qs is not None else Signing.objects.filter(event=event)
    lines = []
    for s in qs.select_related("project__responsible_unit", "investor").order_by(
        F("order").asc(nulls_last=True), "project__code"
    ):
        p = s.project
        dropped = p.dropped_on is not None and p.dropped_on <= as_of
        reached = None
        for stage, day in (
            (Stage.OPERATING, p.operating_on),
            (Stage.STARTED, p.started_on),
            (Stage.CONTRACTED, p.contract_on),
            (Stage.SIGNED, p.signed_on),
        ):
            if day is not None and day <= as_of:
                reached = stage
                break
        lines.append(
            {
                "order": s.order,
                "project": p.code,
                "project_name": p.name,
                "unit": p.responsible_unit.code,
                "unit_name": p.responsible_unit.name,
                "investor": s.investor.name if s.investor_id else None,
                "amount": f"{s.amount:.2f}",
                "our_signatory": s.our_signatory,
                "their_signatory": s.their_signatory,
                "stage": None if reached is None else str(Stage(reached).label),
                "dropped": dropped,
            }
        )
    return lines
