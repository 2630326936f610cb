from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tillit.accounts.models import User
from tillit.catalogue.models import Catalogue
from tillit.classification.models import Asset
from tillit.organisations.models import Organisation
from tillit.procurement.models import AdjustmentAction, Procedure


class ProcurementForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    reference = forms.CharField(label=_("Reference number (diarienummer)"), max_length=100)
    procedure = forms.ChoiceField(label=_("Procedure"), choices=Procedure.choices)

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["officer"] = forms.ModelChoiceField(
            label=_("Procurement officer"),
            queryset=User.objects.filter(memberships__organisation=organisation).distinct(),
            required=False,
        )
        self.fields["catalogue"] = forms.ModelChoiceField(
            label=_("Requirement catalogue"), queryset=Catalogue.objects.all(), empty_label=None
        )
        # Required is checked by the service, so the message is the same from every client.
        self.fields["assets"] = forms.ModelMultipleChoiceField(
            label=_("Assets in scope"),
            queryset=Asset.objects.filter(organisation=organisation).order_by("name"),
            widget=forms.CheckboxSelectMultiple,
            required=False,
            help_text=_("The requirements follow from the classification of these assets."),
        )


class AdjustmentForm(forms.Form):
    action = forms.ChoiceField(label=_("Change"), choices=AdjustmentAction.choices)
    justification = forms.CharField(
        label=_("Justification (printed in the annex)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )


class TenderForm(forms.Form):
    tenderer = forms.CharField(label=_("Tenderer"), max_length=200)
    orgnr = forms.CharField(label=_("Organisation number"), max_length=13, required=False)


ANSWER_CHOICES = [("", _("Not answered")), ("yes", _("Met")), ("no", _("Not met"))]
