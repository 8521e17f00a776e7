"""Filters of the ledger lists (django-filter). The same filterset drives a list page and
its export, so what is downloaded is exactly what is on the screen.

The queryset handed in is already narrowed by ``visible()``. Choices come from
lists the view has read once (the units and parks the user sees), so
validating a choice costs no query and a county user is never offered (nor can
guess) another county's units: an out-of-scope code is an invalid choice.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from zhaoshang.ledger import pinyin
from zhaoshang.ledger.forms import AmountField, CnDateField
from zhaoshang.ledger.models import (
    TOP500_TAG,
    EnterpriseTag,
    FollowUpKind,
    Ownership,
    Project,
    ProjectStatus,
    Stage,
)
from zhaoshang.org.models import Unit

YES_NO = (("1", _("是")), ("0", _("否")))
_INDUSTRY_CSV = Path(__file__).resolve().parent / "data" / "gbt4754_2017.csv"


@cache
def industry_sections() -> tuple[tuple[str, str], ...]:
    """GB/T 4754 sections (A–T) from the shipped data file: the same rows the
    migration loads, read without a query on every list page."""
    with _INDUSTRY_CSV.open(encoding="utf-8", newline="") as handle:
        return tuple(
            (row["code"], f"{row['code']} {row['name']}")
            for row in csv.DictReader(handle)
            if row["code"].isalpha()
        )


def unit_choices(units: list[Unit]) -> list[tuple[str, str]]:
    """Units by code, indented by depth relative to the shallowest one shown."""
    top = min((u.depth for u in units), default=0)
    return [(u.code, "\u3000" * (u.depth - top) + u.name) for u in units]


def units_matching(units: list[Unit], query: str) -> list[int]:
    """Ids of the units whose name (or its pinyin) contains ``query``, with their subtrees."""
    paths = [u.path for u in units if pinyin.matches(u.name, query)]
    if not paths:
        return []
    return [u.pk for u in units if any(u.path.startswith(p) for p in paths)]


class ScopedChoiceField(django_filters.fields.ChoiceField):
    """A choice among thousands of units read for this request.

    Django deep-copies a form field's choices for every form and checks a
    value by walking them; for a province's 3,000 units that is milliseconds
    on every page. These choices never change while the request lives, so
    they are shared, not copied, and a value is checked in a set.
    """

    def __deepcopy__(self, memo):
        return forms.Field.__deepcopy__(self, memo)

    def raw_choices(self) -> list[tuple[str, str]]:
        head = [("", self.empty_label)] if self.empty_label is not None else []
        return head + list(self._choices.choices)

    def valid_value(self, value) -> bool:
        if not hasattr(self, "_valid"):
            self._valid = {str(key) for key, _label in self._choices.choices}
        return str(value) in self._valid


class ScopedChoiceFilter(django_filters.ChoiceFilter):
    field_class = ScopedChoiceField


class AmountFilter(django_filters.Filter):
    field_class = AmountField


class CnDateFilter(django_filters.Filter):
    field_class = CnDateField


def _flag(queryset, field: str, value: str):
    if value == "1":
        return queryset.filter(**{field: True})
    if value == "0":
        return queryset.filter(**{field: False})
    return queryset


# Sort keys offered by the column headers → the fields to ORDER BY. Names sort by
# their pinyin key; units by code, the administrative order every ledger in Excel
# uses. The first field follows the chosen direction (blanks last when
# descending); the rest only break ties, always ascending, so pages never shuffle.
PROJECT_SORTS = {
    "code": ("code",),
    "name": ("name_pinyin", "code"),
    "unit": ("responsible_unit__code", "code"),
    "stage": ("stage", "responsible_unit__code", "code"),
    "amount": ("contract_amount", "code"),
    "planned": ("planned_investment", "code"),
    "contract_on": ("contract_on", "code"),
    "updated": ("updated_at", "code"),
}
DEFAULT_PROJECT_SORT = "unit"


def order_by_key(sorts: dict, key: str, default: str) -> list:
    fields = sorts.get(key.lstrip("-")) or sorts[default]
    first = F(fields[0]).desc(nulls_last=True) if key.startswith("-") else F(fields[0]).asc()
    return [first, *(F(name).asc() for name in fields[1:])]


def sort_choices(sorts: dict) -> list[tuple[str, str]]:
    return [(k, k) for k in sorts] + [(f"-{k}", f"-{k}") for k in sorts]


DATE_FIELDS = (
    ("contract_on", _("合同签订日期")),
    ("signed_on", _("签约日期")),
    ("started_on", _("开工日期")),
    ("operating_on", _("投产日期")),
    ("dropped_on", _("终止日期")),
)
AMOUNT_FIELDS = (
    ("contract_amount", _("合同投资额")),
    ("planned_investment", _("计划总投资")),
)


class ProjectFilter(django_filters.FilterSet):
    """Every filter of the project ledger; ``units`` and ``parks`` are the lists the user sees."""

    q = django_filters.CharFilter(
        label=_("搜索"),
        method="filter_text",
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("编号、名称、单位、投资方，或拼音首字母")}
        ),
    )
    unit = ScopedChoiceFilter(label=_("责任单位"), method="filter_unit", empty_label=_("全部单位"))
    stage = django_filters.ChoiceFilter(
        label=_("项目阶段"), choices=Stage.choices, empty_label=_("全部阶段")
    )
    status = django_filters.ChoiceFilter(
        label=_("状态"), choices=ProjectStatus.choices, empty_label=_("全部状态")
    )
    industry = django_filters.ChoiceFilter(
        label=_("所属行业"),
        field_name="industry__section",
        empty_label=_("全部行业"),
    )
    park = ScopedChoiceFilter(label=_("所在园区"), method="filter_park", empty_label=_("全部"))
    is_industrial = django_filters.ChoiceFilter(
        label=_("工业项目"), choices=YES_NO, method="filter_flag", empty_label=_("全部")
    )
    is_key = django_filters.ChoiceFilter(
        label=_("重点项目"), choices=YES_NO, method="filter_flag", empty_label=_("全部")
    )
    investor = django_filters.CharFilter(
        label=_("投资方"),
        method="filter_investor",
        widget=forms.TextInput(attrs={"placeholder": _("企业名称或拼音首字母")}),
    )
    top500 = django_filters.ChoiceFilter(
        label=_("民营500强"), choices=YES_NO, method="filter_top500", empty_label=_("全部")
    )
    date_field = django_filters.ChoiceFilter(
        label=_("日期类型"), choices=DATE_FIELDS, method="filter_noop", empty_label=None
    )
    date_from = CnDateFilter(label=_("从"), method="filter_noop")
    date_to = CnDateFilter(label=_("到"), method="filter_noop")
    amount_field = django_filters.ChoiceFilter(
        label=_("金额类型"), choices=AMOUNT_FIELDS, method="filter_noop", empty_label=None
    )
    amount_min = AmountFilter(label=_("不少于(万元)"), method="filter_noop")
    amount_max = AmountFilter(label=_("不多于(万元)"), method="filter_noop")
    sort = django_filters.ChoiceFilter(
        choices=sort_choices(PROJECT_SORTS), method="filter_noop", empty_label=None
    )

    # Shown always; the others sit under "更多筛选".
    MAIN = ("q", "unit", "stage", "status")

    def __init__(self, data=None, *args, units: list[Unit], parks, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.units = units
        self.units_by_code = {u.code: u for u in units}
        self.filters["unit"].extra["choices"] = unit_choices(units)
        self.filters["park"].extra["choices"] = [("none", _("（不在园区）"))] + [
            (str(p.pk), p.name) for p in parks
        ]
        self.filters["industry"].extra["choices"] = industry_sections()

    # ---- filters

    def filter_noop(self, queryset, name, value):
        # Applied together in filter_queryset: these come in pairs (field + range).
        return queryset

    def filter_text(self, queryset, name, value):
        query = pinyin.normalize_query(value)
        if not query:
            return queryset
        from zhaoshang.ledger.models import Enterprise

        investors = Project.investors.through.objects.filter(
            enterprise__in=Enterprise.objects.filter(search_text__contains=query)
        ).values("project_id")
        q = Q(search_text__contains=query) | Q(pk__in=investors)
        unit_ids = units_matching(self.units, query)
        if unit_ids:
            q |= Q(responsible_unit_id__in=unit_ids)
        # Matched inside a subquery that reads only the (responsible_unit,
        # search_text) index; the wide rows are then fetched for the matches only.
        return queryset.filter(pk__in=queryset.filter(q).values("pk"))

    def filter_unit(self, queryset, name, value):
        # A unit stands for its whole subtree: 凯里市 includes its townships. The
        # subtree's ids come from the units already read, so the database uses
        # the (responsible_unit, stage) index instead of joining the unit table.
        unit = self.units_by_code[value]
        ids = [u.pk for u in self.units if u.path.startswith(unit.path)]
        return queryset.filter(responsible_unit_id__in=ids)

    def filter_park(self, queryset, name, value):
        if value == "none":
            return queryset.filter(park__isnull=True)
        return queryset.filter(park_id=int(value))

    def filter_flag(self, queryset, name, value):
        return _flag(queryset, name, value)

    def filter_investor(self, queryset, name, value):
        query = pinyin.normalize_query(value)
        if not query:
            return queryset
        from zhaoshang.ledger.models import Enterprise

        through = Project.investors.through.objects.filter(
            enterprise__in=Enterprise.objects.filter(search_text__contains=query)
        )
        return queryset.filter(pk__in=through.values("project_id"))

    def filter_top500(self, queryset, name, value):
        tagged = Project.investors.through.objects.filter(
            project_id=OuterRef("pk"),
            enterprise_id__in=EnterpriseTag.objects.filter(name=TOP500_TAG).values("enterprise_id"),
        )
        if value == "1":
            return queryset.filter(Exists(tagged))
        if value == "0":
            return queryset.exclude(Exists(tagged))
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        field = data.get("date_field") or "contract_on"
        if data.get("date_from"):
            queryset = queryset.filter(**{f"{field}__gte": data["date_from"]})
        if data.get("date_to"):
            queryset = queryset.filter(**{f"{field}__lte": data["date_to"]})
        field = data.get("amount_field") or "contract_amount"
        if data.get("amount_min") is not None:
            queryset = queryset.filter(**{f"{field}__gte": data["amount_min"]})
        if data.get("amount_max") is not None:
            queryset = queryset.filter(**{f"{field}__lte": data["amount_max"]})
        return queryset.order_by(*self.ordering())

    def ordering(self):
        key = (self.form.cleaned_data.get("sort") if self.form.is_valid() else "") or ""
        return project_ordering(key)

    @property
    def sort_key(self) -> str:
        if self.is_bound and self.form.is_valid():
            return self.form.cleaned_data.get("sort") or DEFAULT_PROJECT_SORT
        return DEFAULT_PROJECT_SORT

    def more_is_open(self) -> bool:
        """Whether any filter under "更多筛选" is in use, so the panel opens by itself."""
        if not self.is_bound:
            return False
        return any(
            self.data.get(name)
            for name in self.filters
            if name not in self.MAIN and name not in ("sort", "date_field", "amount_field")
        )


def project_ordering(key: str) -> list:
    return order_by_key(PROJECT_SORTS, key, DEFAULT_PROJECT_SORT)


# ---------------------------------------------------------------- enterprises

ENTERPRISE_SORTS = {
    "name": ("name_pinyin", "pk"),
    "origin": ("origin", "name_pinyin"),
    "projects": ("n_projects", "name_pinyin"),
}


class EnterpriseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("搜索"),
        method="filter_text",
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("名称、信用代码，或拼音首字母")}
        ),
    )
    ownership = django_filters.ChoiceFilter(
        label=_("企业性质"), choices=Ownership.choices, empty_label=_("全部")
    )
    origin = django_filters.CharFilter(label=_("来源地"), lookup_expr="icontains")
    top500 = django_filters.ChoiceFilter(
        label=_("民营500强"), choices=YES_NO, method="filter_top500", empty_label=_("全部")
    )
    sort = django_filters.ChoiceFilter(
        choices=sort_choices(ENTERPRISE_SORTS), method="filter_sort", empty_label=None
    )

    def filter_text(self, queryset, name, value):
        query = pinyin.normalize_query(value)
        return queryset.filter(search_text__contains=query) if query else queryset

    def filter_top500(self, queryset, name, value):
        tagged = EnterpriseTag.objects.filter(enterprise_id=OuterRef("pk"), name=TOP500_TAG)
        if value == "1":
            return queryset.filter(Exists(tagged))
        if value == "0":
            return queryset.exclude(Exists(tagged))
        return queryset

    def filter_sort(self, queryset, name, value):
        return queryset  # applied last, in filter_queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        key = self.form.cleaned_data.get("sort") or "name"
        return queryset.order_by(*order_by_key(ENTERPRISE_SORTS, key, "name"))


# ---------------------------------------------------------------- follow-ups


class FollowUpFilter(django_filters.FilterSet):
    unit = ScopedChoiceFilter(label=_("单位"), method="filter_unit", empty_label=_("全部单位"))
    kind = django_filters.ChoiceFilter(
        label=_("类型"), choices=FollowUpKind.choices, empty_label=_("全部类型")
    )
    date_from = CnDateFilter(label=_("从"), field_name="on", lookup_expr="gte")
    date_to = CnDateFilter(label=_("到"), field_name="on", lookup_expr="lte")
    q = django_filters.CharFilter(
        label=_("搜索"),
        method="filter_text",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("内容或参与人")}),
    )

    def __init__(self, data=None, *args, units: list[Unit], **kwargs):
        super().__init__(data, *args, **kwargs)
        self.units_by_code = {u.code: u for u in units}
        self.filters["unit"].extra["choices"] = unit_choices(units)

    def filter_unit(self, queryset, name, value):
        return queryset.filter(unit__path__startswith=self.units_by_code[value].path)

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(content__contains=value) | Q(participants__contains=value))


class FundsFilter(django_filters.FilterSet):
    """The funds-in-place list: the project's responsible unit (with its subtree), days, project."""

    unit = ScopedChoiceFilter(label=_("单位"), method="filter_unit", empty_label=_("全部单位"))
    date_from = CnDateFilter(label=_("从"), field_name="on", lookup_expr="gte")
    date_to = CnDateFilter(label=_("到"), field_name="on", lookup_expr="lte")
    q = django_filters.CharFilter(
        label=_("搜索"),
        method="filter_text",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("项目编号或名称")}),
    )

    def __init__(self, data=None, *args, units: list[Unit], **kwargs):
        super().__init__(data, *args, **kwargs)
        self.units_by_code = {u.code: u for u in units}
        self.filters["unit"].extra["choices"] = unit_choices(units)

    def filter_unit(self, queryset, name, value):
        return queryset.filter(
            project__responsible_unit__path__startswith=self.units_by_code[value].path
        )

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(project__code__icontains=value) | Q(project__name__contains=value))
