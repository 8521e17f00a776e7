"""List filters of the project ledger page (django-filter).

The queryset handed in is already narrowed by ``visible()``; the filter
choices are narrowed the same way, so a county user is never offered (nor can
guess) another county's units.
"""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhaoshang.ledger.models import Project, ProjectStatus, Stage
from zhaoshang.org.models import Unit
from zhaoshang.org.scope import visible


def _visible_units(request):
    if request is None:
        return Unit.objects.none()
    # Code order puts each county right after its prefecture (GB/T 2260).
    return visible(Unit.objects.order_by("code"), request.user)


class UnitChoiceField(django_filters.fields.ModelChoiceField):
    """Unit choices indented by tree depth, so the list reads like the organisation chart."""

    def label_from_instance(self, obj: Unit) -> str:
        return "\u3000" * obj.depth + obj.name


class UnitSubtreeFilter(django_filters.ModelChoiceFilter):
    field_class = UnitChoiceField


class ProjectFilter(django_filters.FilterSet):
    """Filters of the project ledger: unit subtree, stage, status, text on code or name."""

    q = django_filters.CharFilter(label=_("编号或名称"), method="filter_text")
    unit = UnitSubtreeFilter(
        label=_("责任单位"),
        queryset=_visible_units,
        to_field_name="code",
        method="filter_unit",
        empty_label=_("全部单位"),
    )
    stage = django_filters.ChoiceFilter(
        label=_("项目阶段"),
        choices=Stage.choices,
        empty_label=_("全部阶段"),
    )
    status = django_filters.ChoiceFilter(
        label=_("状态"),
        choices=ProjectStatus.choices,
        empty_label=_("全部状态"),
    )

    class Meta:
        model = Project
        fields = ["q", "unit", "stage", "status"]

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value))

    def filter_unit(self, queryset, name, value: Unit):
        # A unit stands for its whole subtree: 凯里市 includes its townships.
        return queryset.filter(responsible_unit__path__startswith=value.path)
