"""The HTML input contracts of the risk register. They parse; the rules are the services'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tillit.incidents.models import Case
from tillit.lib.dates import DateField
from tillit.organisations.models import Organisation
from tillit.risks import selectors
from tillit.risks.matrix import SIZES, Matrix, size_label
from tillit.risks.models import RiskStatus, Treatment
from tillit.suppliers.models import Contract


def _scale(label: Any, labels: tuple[Any, ...], *, required: bool = True) -> forms.TypedChoiceField:
    choices: list[tuple[Any, Any]] = [(n, f"{n} {label_}") for n, label_ in enumerate(labels, 1)]
    if not required:
        choices = [("", _("Same as before measures")), *choices]
    return forms.TypedChoiceField(
        label=label, choices=choices, coerce=int, required=required, empty_value=None
    )


class _CaseChoice(forms.ModelChoiceField[Case]):
    def label_from_instance(self, obj: Case) -> str:
        return f"{obj.incident.title} ({timezone.localtime(obj.created_at):%Y-%m-%d})"


class _ContractChoice(forms.ModelChoiceField[Contract]):
    def label_from_instance(self, obj: Contract) -> str:
        return f"{obj.supplier.name} – {obj.service}"


class RiskForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What could happen, why, and what it would hit."),
    )

    def __init__(
        self, *args: Any, organisation: Organisation, matrix: Matrix, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        none = _("(none)")
        self.fields["supplier"] = forms.ModelChoiceField(
            label=_("Supplier"),
            queryset=selectors.suppliers_for(organisation),
            required=False,
            empty_label=none,
        )
        self.fields["contract"] = _ContractChoice(
            label=_("Contract"),
            queryset=selectors.contracts_for(organisation),
            required=False,
            empty_label=none,
        )
        self.fields["asset"] = forms.ModelChoiceField(
            label=_("System or information asset"),
            queryset=selectors.assets_for(organisation),
            required=False,
            empty_label=none,
        )
        self.fields["finding"] = forms.ModelChoiceField(
            label=_("Finding"),
            queryset=selectors.findings_for(organisation),
            required=False,
            empty_label=none,
        )
        self.fields["case"] = _CaseChoice(
            label=_("Incident case"),
            queryset=selectors.cases_for(organisation),
            required=False,
            empty_label=none,
        )
        self.fields["inherent_likelihood"] = _scale(
            _("Likelihood before measures"), matrix.likelihoods
        )
        self.fields["inherent_consequence"] = _scale(
            _("Consequence before measures"), matrix.consequences
        )
        self.fields["residual_likelihood"] = _scale(
            _("Likelihood after measures"), matrix.likelihoods, required=False
        )
        self.fields["residual_consequence"] = _scale(
            _("Consequence after measures"), matrix.consequences, required=False
        )
        self.fields["treatment"] = forms.ChoiceField(
            label=_("Treatment"),
            choices=[("", _("(not decided)")), *Treatment.choices],
            required=False,
        )
        self.fields["measures"] = forms.CharField(
            label=_("Measures"),
            required=False,
            widget=forms.Textarea(attrs={"rows": 4}),
            help_text=_("What is done to reduce, transfer or avoid the risk, and by whom."),
        )
        self.fields["owner"] = forms.ModelChoiceField(
            label=_("Risk owner"),
            queryset=selectors.members_of(organisation),
            required=False,
            empty_label=none,
        )
        self.fields["due_on"] = DateField(label=_("Measures due"), required=False)
        self.fields["review_on"] = DateField(label=_("Next review"), required=False)
        # Accepted is its own decision (RiskAcceptForm); an accepted risk may keep its status.
        accepted = self.initial.get("status") == RiskStatus.ACCEPTED
        self.fields["status"] = forms.ChoiceField(
            label=_("Status"),
            choices=[
                (value, label)
                for value, label in RiskStatus.choices
                if value != RiskStatus.ACCEPTED or accepted
            ],
            initial=RiskStatus.OPEN,
        )


class RiskAcceptForm(forms.Form):
    accepted_on = DateField(label=_("Date of the decision"))
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why the organisation can live with the risk. Needed above the risk appetite."),
    )


def _appetite_label(matrix: Matrix, level: int) -> str:
    if level not in matrix.levels:
        return str(level)
    return f"{level} ({matrix.band(level).label.lower()})"


class RiskSettingsForm(forms.Form):
    matrix_size = forms.TypedChoiceField(
        label=_("Matrix"),
        choices=[(size, size_label(size)) for size in SIZES],
        coerce=int,
    )
    # appetite: made per organisation in __init__

    rescale_risks = forms.BooleanField(
        label=_("Move the existing risks to the new matrix"),
        required=False,
        help_text=_(
            "Each likelihood and consequence keeps its relative place, rounded half up "
            "(on a smaller matrix two steps may become one)."
        ),
    )

    def __init__(self, *args: Any, matrix: Matrix, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Levels of every size are offered (the size may change in the same post); the service
        # checks the level against the chosen matrix. Labels name the current matrix's bands.
        self.fields["appetite"] = forms.TypedChoiceField(
            label=_("Risk appetite: the highest level accepted without management"),
            choices=[(level, _appetite_label(matrix, level)) for level in range(1, 2 * max(SIZES))],
            coerce=int,
            help_text=_(
                "A risk whose level after measures is above this may be accepted only by "
                "management."
            ),
        )
        self.order_fields(["matrix_size", "appetite", "rescale_risks"])
