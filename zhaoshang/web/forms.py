"""Forms of the progress pages (the ledger's forms are in zhaoshang/ledger/forms.py)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        # ISO format is what <input type="date"> sends and expects.
        super().__init__(format="%Y-%m-%d", **kwargs)


class ProgressQueryForm(forms.Form):
    """Which campaign and which day the progress pages show."""

    campaign = forms.ChoiceField(label=_("专项行动"), required=False)
    as_of = forms.DateField(label=_("截至日期"), required=False, widget=DateInput())

    def __init__(self, *args, campaigns, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].choices = [(c.code, c.name) for c in campaigns]
