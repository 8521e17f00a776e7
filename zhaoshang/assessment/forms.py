"""The scheme editor: one row per indicator and per bonus/penalty item."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from zhaoshang.assessment.models import Item, Method
from zhaoshang.campaigns.models import Indicator


class SchemeForm(forms.Form):
    """Every indicator (used or not, weight, method) and every item (used or not, points, cap)."""

    def __init__(self, *args, indicators=None, items=None, **kwargs):
        super().__init__(*args, **kwargs)
        indicators = indicators or {}
        items = items or {}
        for value, label in Indicator.choices:
            row = indicators.get(value)
            self.fields[f"use_{value}"] = forms.BooleanField(
                label=label, required=False, initial=row is not None
            )
            self.fields[f"weight_{value}"] = forms.DecimalField(
                label=_("权重(分)"),
                required=False,
                min_value=Decimal(0),
                max_digits=7,
                decimal_places=2,
                initial=row.weight if row else None,
            )
            self.fields[f"method_{value}"] = forms.ChoiceField(
                label=_("计分方法"),
                choices=Method.choices,
                initial=row.method if row else Method.CAPPED,
            )
        for value, label in Item.choices:
            row = items.get(value)
            self.fields[f"use_{value}"] = forms.BooleanField(
                label=label, required=False, initial=row is not None
            )
            self.fields[f"points_{value}"] = forms.DecimalField(
                label=_("每项分值"),
                required=False,
                max_digits=7,
                decimal_places=2,
                initial=row.points if row else None,
            )
            self.fields[f"cap_{value}"] = forms.DecimalField(
                label=_("上限(分)"),
                required=False,
                min_value=Decimal(0),
                max_digits=7,
                decimal_places=2,
                initial=row.cap if row else None,
            )

    def clean(self):
        data = super().clean()
        for value, label in Indicator.choices:
            if data.get(f"use_{value}") and data.get(f"weight_{value}") is None:
                self.add_error(f"weight_{value}", _("请填写「%(name)s」的权重") % {"name": label})
        for value, label in Item.choices:
            if data.get(f"use_{value}") and data.get(f"points_{value}") is None:
                self.add_error(
                    f"points_{value}", _("请填写「%(name)s」的每项分值") % {"name": label}
                )
        return data

    def indicator_rows(self):
        return [
            (label, self[f"use_{v}"], self[f"weight_{v}"], self[f"method_{v}"])
            for v, label in Indicator.choices
        ]

    def item_rows(self):
        return [
            (label, self[f"use_{v}"], self[f"points_{v}"], self[f"cap_{v}"])
            for v, label in Item.choices
        ]
