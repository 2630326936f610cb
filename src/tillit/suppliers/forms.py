"""The HTML input contracts of the supplier register. Rules live in the services: these forms
only parse, and show the services' errors on the right field (add_service_errors)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tillit.classification.models import Asset
from tillit.documents.forms import DocumentField
from tillit.lib.countries import country_choices
from tillit.lib.dates import DateField
from tillit.organisations.models import Organisation
from tillit.suppliers.models import (
    ART_28_POINTS,
    CertificateType,
    Contract,
    ProcessorAgreement,
    Supplier,
    TransferMechanism,
)
from tillit.suppliers.services import CONTRACT_FIELDS


def _document(label: Any) -> DocumentField:
    return DocumentField(
        label=label,
        required=False,
        help_text=_("Optional. PDF, Word, Excel, PowerPoint, image or text; at most 25 MB."),
    )


def _country(label: Any) -> forms.ChoiceField:
    # The names follow the active language, so the choices are made per form.
    return forms.ChoiceField(label=label, choices=country_choices(), initial="SE")


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: an error about a field on that field,
    anything else above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)


def renamed(error: ValidationError, names: dict[str, str]) -> ValidationError:
    """The error with the service's field names changed to the form's."""
    if not hasattr(error, "error_dict"):
        return error
    return ValidationError({names.get(key, key): value for key, value in error.error_dict.items()})


class SupplierIdentityForm(forms.Form):
    """Who a supplier is: Swedish by organisation number, foreign by registration number."""

    name = forms.CharField(label=_("Name"), max_length=200)
    orgnr = forms.CharField(
        label=_("Organisation number"),
        max_length=13,
        required=False,
        help_text=_("For a Swedish supplier: NNNNNN-NNNN."),
    )
    registration_number = forms.CharField(
        label=_("Registration number"),
        max_length=50,
        required=False,
        help_text=_("For a foreign supplier: the number in its country's company register."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"] = _country(_("Country of registration"))
        self.order_fields(["name", "country", "orgnr", "registration_number"])

    def identity(self) -> dict[str, str]:
        data = self.cleaned_data
        return {key: data[key] for key in ("name", "country", "orgnr", "registration_number")}


class SubProcessorForm(SupplierIdentityForm):
    """A sub-processor: one of the organisation's suppliers, or any supplier by identity."""

    service = forms.CharField(label=_("What it does for the supplier"), max_length=200)

    def __init__(
        self, *args: Any, organisation: Organisation, supplier: Supplier, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        known = Supplier.objects.filter(relations__organisation=organisation)
        self.fields["existing"] = forms.ModelChoiceField(
            label=_("One of your suppliers"),
            queryset=known.exclude(pk=supplier.pk).order_by("name"),
            required=False,
            empty_label=_("(another supplier: give its details below)"),
        )
        self.fields["name"].required = False
        self.fields["processing_country"] = _country(_("Where it processes the data"))
        self.order_fields(
            ["existing", "name", "country", "orgnr", "registration_number", "service"]
        )


class ContractForm(forms.Form):
    """Every field of a contract, as the model describes it, and the assets it serves."""

    # Left empty when unknown; the model's null=True numbers are optional here.
    OPTIONAL = (
        "notice_period_days",
        "annual_value",
        "sla_availability",
        "incident_notice_hours",
        "support_response_hours",
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields = forms.fields_for_model(
            Contract,
            fields=CONTRACT_FIELDS,
            field_classes={"start": DateField, "end": DateField},
            widgets={
                "liability_text": forms.Textarea(attrs={"rows": 3}),
                "exit_text": forms.Textarea(attrs={"rows": 3}),
            },
            localized_fields=["annual_value", "sla_availability"],  # 99,5 in Swedish
        )
        for name, field in fields.items():
            if name in self.OPTIONAL:
                field.required = False
            self.fields[name] = field
        for name in ("annual_value", "sla_availability"):
            self.fields[name].widget.attrs["inputmode"] = "decimal"
        self.fields["assets"] = forms.ModelMultipleChoiceField(
            label=_("Assets the contract serves"),
            queryset=Asset.objects.filter(organisation=organisation).order_by("name"),
            widget=forms.CheckboxSelectMultiple,
            required=False,
            help_text=_("Their classification sets the supplier's criticality and personal data."),
        )

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in CONTRACT_FIELDS}


class ProcessorAgreementForm(forms.Form):
    signed_on = DateField(label=_("Signed"), required=False)
    version = forms.CharField(label=_("Version"), max_length=50, required=False)
    document = _document(_("The agreement"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(forms.fields_for_model(ProcessorAgreement, fields=self.point_names()))

    @staticmethod
    def point_names() -> list[str]:
        return [f"covers_{point}" for point in ART_28_POINTS]

    def points(self) -> list[forms.BoundField]:
        return [self[name] for name in self.point_names()]

    def covered(self) -> set[str]:
        return {point for point in ART_28_POINTS if self.cleaned_data[f"covers_{point}"]}


class DataLocationForm(forms.Form):
    storage = forms.BooleanField(label=_("The data is stored there"), required=False, initial=True)
    processing = forms.BooleanField(
        label=_("The data is processed there"), required=False, initial=True
    )
    transfer_mechanism = forms.ChoiceField(
        label=_("Transfer mechanism"),
        choices=TransferMechanism.choices,
        required=False,
        help_text=_("Needed when the country is outside the EU/EEA (GDPR chapter V)."),
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"] = _country(_("Country"))
        self.order_fields(["country"])


class CertificateForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=CertificateType.choices)
    issuer = forms.CharField(label=_("Issued by"), max_length=200)
    scope = forms.CharField(label=_("Scope"), widget=forms.Textarea(attrs={"rows": 2}))
    valid_from = DateField(label=_("Valid from"))
    valid_until = DateField(label=_("Valid until"))
    document = _document(_("The certificate"))


class PenTestForm(forms.Form):
    performed_on = DateField(label=_("Date"))
    performed_by = forms.CharField(label=_("Performed by"), max_length=200)
    scope = forms.CharField(label=_("Scope"), widget=forms.Textarea(attrs={"rows": 2}))
    summary = forms.CharField(
        label=_("Summary of the findings"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    report = _document(_("The report"))


class SupplierFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or organisation number"), required=False, max_length=100)
    min_criticality = forms.TypedChoiceField(
        label=_("Criticality at least"),
        choices=[("", _("Any")), *[(str(level), str(level)) for level in range(5)]],
        coerce=int,
        empty_value=None,
        required=False,
    )
    personal_data = forms.BooleanField(label=_("Personal data"), required=False)
    third_country = forms.BooleanField(label=_("Data outside the EU/EEA"), required=False)
    missing_dpa = forms.BooleanField(label=_("Processor agreement missing"), required=False)
    expired_certificate = forms.BooleanField(label=_("Certificate expired"), required=False)
