"""Eligibility rules (认定规则) of a campaign: which projects are not counted (不予认定) or flagged.

A campaign keeps its rule set in ``Campaign.eligibility`` (a list of rule
dicts), read with the campaign itself: a campaign without rules costs no
query and counts exactly as before. The engine narrows its counted projects
with :func:`eligible_q`; the bulletin's project list does the same, so the
progress table, the bulletin, the diagnostics and the assessment agree.

Rules, each ``{"kind": …, "action": "exclude" | "flag", …}``:

- ``real_estate``: the project's industry lies in one of ``sections``
  (GB/T 4754-2017 section letters; default ``["K"]``, 房地产业).
- ``local_capital``: the project has at least one investor and every
  investor's origin (来源地) is local: the origin, trimmed, is 省内, 州内,
  本地 or 本州, or begins with one of ``places`` (default ``["贵州"]``, so 贵州省
  and 贵州省凯里市 are local). An investor with no origin recorded is not
  local, so missing data never excludes a project.
- ``government_funded``: the project is flagged 政府投资项目.
- ``later_phase``: the project names an earlier phase (前期项目) that had
  reached 合同 by the as-of day: that investment was counted once already.
- ``below_threshold``: the contract amount is below ``amount`` (万元).

``exclude`` takes the project out of every figure; ``flag`` keeps it counted
and only marks it for review.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db.models import Exists, OuterRef, Q

EXCLUDE, FLAG = "exclude", "flag"
ACTIONS = {EXCLUDE: "不予认定", FLAG: "提示核查"}

REAL_ESTATE = "real_estate"
LOCAL_CAPITAL = "local_capital"
GOVERNMENT_FUNDED = "government_funded"
LATER_PHASE = "later_phase"
BELOW_THRESHOLD = "below_threshold"

# kind → the rule's wording as the office writes it
KINDS = {
    REAL_ESTATE: "房地产项目",
    LOCAL_CAPITAL: "纯本地资本项目",
    GOVERNMENT_FUNDED: "政府投资项目",
    LATER_PHASE: "已认定项目的后续分期",
    BELOW_THRESHOLD: "合同投资额低于门槛的项目",
}
LOCAL_WORDS = ("省内", "州内", "本地", "本州")
DEFAULT_SECTIONS = ("K",)
DEFAULT_PLACES = ("贵州",)


class RuleProblem(ValueError):
    """A rule set that cannot be used; the message is Chinese."""


@dataclass(frozen=True)
class Rule:
    kind: str
    action: str = EXCLUDE
    sections: tuple[str, ...] = field(default=DEFAULT_SECTIONS)
    places: tuple[str, ...] = field(default=DEFAULT_PLACES)
    amount: Decimal | None = None

    @property
    def label(self) -> str:
        """E.g. 房地产项目不予认定, 合同投资额低于1000万元的项目不予认定."""
        if self.kind == BELOW_THRESHOLD:
            subject = f"合同投资额低于{_plain(self.amount)}万元的项目"
        elif self.kind == REAL_ESTATE and self.sections != DEFAULT_SECTIONS:
            subject = f"{'、'.join(self.sections)}门类项目"
        elif self.kind == LOCAL_CAPITAL and self.places != DEFAULT_PLACES:
            subject = f"投资方均来自{'、'.join(self.places)}的项目"
        else:
            subject = KINDS[self.kind]
        return f"{subject}{ACTIONS[self.action]}"

    def as_dict(self) -> dict:
        data: dict = {"kind": self.kind, "action": self.action}
        if self.kind == REAL_ESTATE:
            data["sections"] = list(self.sections)
        elif self.kind == LOCAL_CAPITAL:
            data["places"] = list(self.places)
        elif self.kind == BELOW_THRESHOLD:
            data["amount"] = f"{self.amount:.2f}"
        return data


def _plain(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def parse_rules(raw) -> list[Rule]:
    """The rules of a stored rule set; :class:`RuleProblem` names what is wrong."""
    if not raw:
        return []
    if not isinstance(raw, list):
        raise RuleProblem("认定规则须为列表")
    rules: list[Rule] = []
    seen = set()
    for item in raw:
        if not isinstance(item, dict) or item.get("kind") not in KINDS:
            raise RuleProblem(f"未知的认定规则：{item!r}")
        kind = item["kind"]
        if kind in seen:
            raise RuleProblem(f"认定规则「{KINDS[kind]}」重复")
        seen.add(kind)
        action = item.get("action", EXCLUDE)
        if action not in ACTIONS:
            raise RuleProblem(f"认定规则「{KINDS[kind]}」的处理方式须为不予认定或提示核查")
        extra: dict = {}
        if kind == REAL_ESTATE:
            sections = tuple(
                str(s).strip().upper() for s in item.get("sections") or DEFAULT_SECTIONS
            )
            bad = [s for s in sections if len(s) != 1 or not "A" <= s <= "T"]
            if bad or not sections:
                raise RuleProblem(f"行业门类「{'、'.join(bad)}」不是 GB/T 4754 的门类字母（A–T）")
            extra["sections"] = sections
        elif kind == LOCAL_CAPITAL:
            places = tuple(
                str(p).strip() for p in item.get("places") or DEFAULT_PLACES if str(p).strip()
            )
            extra["places"] = places or DEFAULT_PLACES
        elif kind == BELOW_THRESHOLD:
            try:
                amount = Decimal(str(item.get("amount", "")))
            except InvalidOperation:
                raise RuleProblem("合同投资额门槛须为数字（万元）") from None
            if not amount.is_finite() or amount <= 0:
                raise RuleProblem("合同投资额门槛须大于 0（万元）")
            extra["amount"] = amount.quantize(Decimal("0.01"))
        rules.append(Rule(kind=kind, action=action, **extra))
    return rules


def rules_of(campaign) -> list[Rule]:
    """The campaign's rules (no query: they are stored on the campaign)."""
    try:
        return parse_rules(getattr(campaign, "eligibility", None))
    except RuleProblem:
        # Stored rules are checked when saved; a broken set counts as none
        # rather than stopping every page.
        return []


def _local_origin_q(places: tuple[str, ...], lookup: str) -> Q:
    q = Q(**{f"{lookup}__in": LOCAL_WORDS})
    for place in places:
        q |= Q(**{f"{lookup}__startswith": place})
    return q


def rule_q(rule: Rule, as_of: date, prefix: str = "") -> Q:
    """The projects ``rule`` hits as of the day; ``prefix`` leads from another model to the project."""
    from zhaoshang.ledger.models import Project

    if rule.kind == REAL_ESTATE:
        return Q(**{f"{prefix}industry__section__in": rule.sections})
    if rule.kind == GOVERNMENT_FUNDED:
        return Q(**{f"{prefix}is_government_funded": True})
    if rule.kind == LATER_PHASE:
        return Q(**{f"{prefix}earlier_phase__contract_on__lte": as_of})
    if rule.kind == BELOW_THRESHOLD:
        return Q(**{f"{prefix}contract_amount__lt": rule.amount})
    # local capital: some investor, and none whose origin is not local
    project_ref = OuterRef(f"{prefix}pk" if not prefix else f"{prefix}id")
    links = Project.investors.through.objects.filter(project_id=project_ref)
    not_local = links.exclude(_local_origin_q(rule.places, "enterprise__origin"))
    return Q(Exists(links)) & ~Q(Exists(not_local))


def eligible_q(campaign, as_of: date, prefix: str = "") -> Q:
    """A Q keeping the projects no exclusion rule of the campaign hits; ``Q()`` without such rules."""
    q = Q()
    for rule in rules_of(campaign):
        if rule.action == EXCLUDE:
            q &= ~rule_q(rule, as_of, prefix)
    return q


def hits(campaign, as_of: date, project_ids) -> dict[int, list[Rule]]:
    """For each of ``project_ids``, the rules that hit it (one query per rule, none without rules)."""
    from zhaoshang.ledger.models import Project

    found: dict[int, list[Rule]] = {}
    ids = list(project_ids)
    for rule in rules_of(campaign):
        for pk in Project.objects.filter(rule_q(rule, as_of), pk__in=ids).values_list(
            "pk", flat=True
        ):
            found.setdefault(pk, []).append(rule)
    return found
