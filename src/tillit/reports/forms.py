from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tillit.lib.dates import DateField


class ReportForm(forms.Form):
    period_start = DateField(label=_("From"))
    period_end = DateField(label=_("To"))
    language = forms.ChoiceField(
        label=_("Language"), choices=[("sv", "Svenska"), ("en", "English")]
    )
    reference = forms.CharField(
        label=_("Reference number (diarienummer)"), max_length=100, required=False
    )
    secrecy_marking = forms.CharField(
        label=_("Secrecy marking"),
        max_length=200,
        required=False,
        help_text=_("Printed on every page, e.g. “Hemlig enligt OSL 18 kap. 8 §”."),
    )
    decisions = forms.CharField(
        label=_("Decisions asked of management"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
