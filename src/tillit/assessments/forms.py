from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tillit.assessments.models import Answer, Review, Severity
from tillit.lib.dates import DateField
from tillit.organisations.models import Organisation
from tillit.suppliers.models import Contract


class ContractChoice(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Contract) -> str:
        return f"{obj.supplier.name} – {obj.service}"


class AssessmentForm(forms.Form):
    contracts = ContractChoice(
        label=_("Contracts"),
        queryset=Contract.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "All with the same supplier. The questions follow the classification of the "
            "systems the contracts serve."
        ),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    due_on = DateField(label=_("Answer by"), required=False)

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contracts"].queryset = (  # type: ignore[attr-defined]
            Contract.objects.filter(organisation=organisation)
            .select_related("supplier")
            .order_by("supplier__name", "service")
        )


class QuestionForm(forms.Form):
    area = forms.CharField(label=_("Area"), max_length=200, required=False)
    text = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 3}))
    mandatory = forms.BooleanField(label=_("Mandatory (ska-krav)"), required=False)


class LinkForm(forms.Form):
    contact_name = forms.CharField(label=_("Contact's name"), max_length=200)
    contact_email = forms.EmailField(label=_("Contact's e-mail"), max_length=254)


class ReviewForm(forms.Form):
    review = forms.ChoiceField(label=_("Review"), choices=Review.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class FindingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    required_action = forms.CharField(
        label=_("Required action"), widget=forms.Textarea(attrs={"rows": 3})
    )
    supplier_owner = forms.CharField(
        label=_("Responsible at the supplier"), max_length=200, required=False
    )
    deadline = DateField(label=_("Deadline"))


# -- The portal -------------------------------------------------------------------------------


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("One-time code"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]*"}
        ),
    )


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(label=_("Answer"), choices=Answer.choices, widget=forms.RadioSelect)
    description = forms.CharField(
        label=_("How you meet it"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("Evidence file"))


class ResponseForm(forms.Form):
    response = forms.CharField(
        label=_("What you have done"), widget=forms.Textarea(attrs={"rows": 3})
    )


class ConsentForm(forms.Form):
    all_organisations = forms.BooleanField(
        label=_("Share with every organisation on Tillit"), required=False
    )
    organisations = forms.ModelMultipleChoiceField(
        label=_("Or share with these organisations"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
