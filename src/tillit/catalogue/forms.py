from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tillit.catalogue.references import SCHEMES

SCHEME_LABELS = {
    "iso27001_2022": "ISO/IEC 27001:2022",
    "nis2_art21_2": "NIS2 art. 21.2",
    "eu_2024_2690": "(EU) 2024/2690",
    "gdpr": "GDPR",
    "msbfs_2020_7": "MSBFS 2020:7",
    "osl": "OSL",
    "nist_800_53": "NIST SP 800-53",
}


class RequirementSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    scheme = forms.ChoiceField(
        label=_("Reference"),
        required=False,
        choices=[("", _("Any")), *((key, SCHEME_LABELS[key]) for key in SCHEMES)],
    )
    reference = forms.CharField(
        label=_("Article, letter or control"),
        required=False,
        max_length=50,
        help_text=_("E.g. d for NIS2 art. 21.2 d, A.5.24, 28(3)(f)"),
    )
