from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tillit.followup.models import Kind, Status


class PlanFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What"),
        required=False,
        choices=[("", _("Everything")), *Kind.choices],
    )
    status = forms.ChoiceField(
        label=_("When"),
        required=False,
        choices=[
            ("", _("Any time")),
            (Status.OVERDUE, _("Overdue")),
            (Status.SOON, _("Within 30 days")),
            (Status.LATER, _("Later")),
        ],
    )
    mine = forms.BooleanField(label=_("Only mine"), required=False)


class PolicyForm(forms.Form):
    level_3_months = forms.IntegerField(
        label=_("Highest level 3: reassess every … months"), min_value=1, max_value=120
    )
    level_2_months = forms.IntegerField(
        label=_("Highest level 2: reassess every … months"), min_value=1, max_value=120
    )
    level_1_months = forms.IntegerField(
        label=_("Highest level 0–1: reassess every … months"), min_value=1, max_value=120
    )
