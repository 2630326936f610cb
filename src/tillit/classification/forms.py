from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tillit.accounts.models import User
from tillit.classification.models import Level, ProtectedIdentities
from tillit.classification.questions import QUESTIONS
from tillit.lib.dates import DateField
from tillit.organisations.models import Organisation


class AssetForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)
    # owner: set per organisation in __init__

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members = User.objects.filter(memberships__organisation=organisation).distinct()
        self.fields["owner"] = forms.ModelChoiceField(
            label=_("Owner"), queryset=members, required=False, empty_label=_("(no owner)")
        )


class ClassificationForm(forms.Form):
    """The guided questions, the personal data, and any level chosen against the suggestion."""

    personal_data = forms.BooleanField(
        label=_("The information contains personal data"), required=False
    )
    sensitive_data = forms.BooleanField(
        label=_("Sensitive personal data (GDPR Art. 9), e.g. health or union membership"),
        required=False,
    )
    criminal_data = forms.BooleanField(
        label=_("Personal data on criminal offences (GDPR Art. 10)"), required=False
    )
    personnummer = forms.BooleanField(label=_("Personal identity numbers"), required=False)
    children = forms.BooleanField(label=_("Data on children"), required=False)
    protected_identities = forms.ChoiceField(
        label=_("Protected identities (the strongest measure present)"),
        choices=ProtectedIdentities.choices,
        initial=ProtectedIdentities.NONE,
    )
    data_subjects = forms.IntegerField(
        label=_("Approximate number of people the data is about"), min_value=0, initial=0
    )
    osl_secrecy = forms.BooleanField(
        label=_("Covered by secrecy under OSL (offentlighets- och sekretesslagen)"), required=False
    )
    osl_reference = forms.CharField(
        label=_("OSL chapter and section"), max_length=100, required=False
    )
    review_due = DateField(
        label=_("Review by"), required=False, help_text=_("Leave empty for 12 months from today.")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        level_choices = [("", _("Use the suggested level")), *Level.choices]
        for question in QUESTIONS:
            aspect = question.aspect
            self.fields[f"{aspect}_answer"] = forms.TypedChoiceField(
                label=question.text,
                choices=[
                    (str(level), description)
                    for level, (description, _example) in enumerate(question.levels)
                ],
                coerce=int,
                widget=forms.RadioSelect,
            )
            self.fields[f"{aspect}_level"] = forms.TypedChoiceField(
                label=_("Level to use"),
                choices=level_choices,
                coerce=int,
                empty_value=None,
                required=False,
            )
            self.fields[f"{aspect}_reason"] = forms.CharField(
                label=_("Reason for choosing another level than the suggestion"),
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
            )

    def aspects(self) -> list[dict[str, Any]]:
        """Per question: its bound fields and examples, for the template."""
        return [
            {
                "question": question,
                "answer": self[f"{question.aspect}_answer"],
                "level": self[f"{question.aspect}_level"],
                "reason": self[f"{question.aspect}_reason"],
                "options": zip(
                    self[f"{question.aspect}_answer"],
                    [example for _description, example in question.levels],
                    strict=True,
                ),
            }
            for question in QUESTIONS
        ]

    def flag_fields(self) -> list[forms.BoundField]:
        names = ["personal_data", "sensitive_data", "criminal_data", "personnummer", "children"]
        return [self[name] for name in [*names, "osl_secrecy"]]

    def detail_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("protected_identities", "data_subjects", "osl_reference")]

    def service_arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        aspects = [question.aspect for question in QUESTIONS]
        return {
            "answers": {aspect: data.pop(f"{aspect}_answer") for aspect in aspects},
            "levels": {aspect: data.pop(f"{aspect}_level") for aspect in aspects},
            "reasons": {aspect: data.pop(f"{aspect}_reason") for aspect in aspects},
            **data,
        }
