from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tillit.organisations.models import Nis2Category, OrganisationKind
from tillit.organisations.roles import Role


class OrganisationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    slug = forms.SlugField(
        label=_("Short name"),
        max_length=60,
        help_text=_("Used in addresses, e.g. 'vaxjo'. Lower-case letters, digits and hyphens."),
    )
    orgnr = forms.CharField(
        label=_("Organisation number"), max_length=13, help_text=_("NNNNNN-NNNN")
    )
    kind = forms.ChoiceField(label=_("Type"), choices=OrganisationKind.choices)
    nis2 = forms.ChoiceField(
        label=_("Covered by the cybersecurity act (NIS2)"), choices=Nis2Category.choices
    )
    security_email = forms.EmailField(
        label=_("E-mail to the security function"),
        max_length=254,
        required=False,
        help_text=_("Incident notifications and reminders go here."),
    )


class OrganisationSettingsForm(OrganisationForm):
    share_concentration = forms.BooleanField(
        label=_("Take part by name in the concentration view"),
        required=False,
        help_text=_(
            "Organisations that take part see, across Tillit, which suppliers serve the most "
            "organisations, systems and people, and are named there. Others are only counted."
        ),
    )


class NewOrganisationForm(OrganisationForm):
    admin_email = forms.EmailField(
        label=_("First administrator's e-mail"),
        max_length=254,
        help_text=_("This person is invited as the organisation's administrator."),
    )


class MemberForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
