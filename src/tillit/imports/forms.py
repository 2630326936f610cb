from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tillit.imports.kinds import KINDS, OPERATOR_KINDS


def _kind_field(kinds: list[str], **options: Any) -> forms.ChoiceField:
    return forms.ChoiceField(choices=[(kind, KINDS[kind].label) for kind in kinds], **options)


class UploadForm(forms.Form):
    kind = forms.ChoiceField()
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV (UTF-8, separated by commas or semicolons) or Excel (.xlsx)."),
    )

    def __init__(self, *args: Any, kinds: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"] = _kind_field(kinds, label=_("What the file holds"))


class OperatorConfirmForm(forms.Form):
    """The previewed file itself, base64 in a hidden field: an organisations file is small, has
    no organisation to be kept as a document of, and is checked again on confirm."""

    kind = _kind_field(OPERATOR_KINDS, widget=forms.HiddenInput)
    filename = forms.CharField(widget=forms.HiddenInput, max_length=255)
    content = forms.CharField(widget=forms.HiddenInput)
