from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tillit.incidents.models import Severity
from tillit.lib.dates import DateTimeField
from tillit.suppliers.models import Supplier


class IncidentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("What happened"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Everything written about the incident is seen by every organisation it hits."),
    )
    started_at = DateTimeField(label=_("Started (an estimate will do)"))
    discovered_at = DateTimeField(label=_("Discovered"))
    affected_services = forms.CharField(
        label=_("Affected services or products"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    data_categories = forms.CharField(
        label=_("Suspected data categories"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    sources = forms.CharField(
        label=_("Sources"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Where the information comes from: the supplier's message, news, CERT-SE."),
    )


class StaffIncidentForm(IncidentForm):
    supplier = forms.ModelChoiceField(
        label=_("Supplier"), queryset=Supplier.objects.none(), required=False
    )
    supplier_orgnr = forms.CharField(
        label=_("…or another supplier's organisation number"), max_length=30, required=False
    )
    field_order = ["supplier", "supplier_orgnr"]

    def __init__(self, *args: Any, suppliers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supplier"].queryset = suppliers  # type: ignore[attr-defined]


class OperatorIncidentForm(IncidentForm):
    supplier_orgnr = forms.CharField(
        label=_("Supplier's organisation number (or foreign registration number)"), max_length=30
    )
    field_order = ["supplier_orgnr"]


class AwareForm(forms.Form):
    aware_at = DateTimeField(label=_("We became aware"))


class StepDoneForm(forms.Form):
    done_at = DateTimeField(label=_("Done"))
    reference = forms.CharField(label=_("Reference number"), max_length=100, required=False)


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}))


class CloseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (needed if deadlines were missed)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class LessonForm(forms.Form):
    text = forms.CharField(label=_("What we learnt"), widget=forms.Textarea(attrs={"rows": 5}))
    show_organisation = forms.BooleanField(label=_("Show our organisation's name"), required=False)
    no_personal_data = forms.BooleanField(
        label=_("The text holds no personal data"), required=False
    )
