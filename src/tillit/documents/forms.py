from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from tillit.documents.validation import MAX_SIZE, content_type_for, safe_name


class DocumentField(forms.FileField):
    """A file upload checked like document_store() checks it, so a refused file is reported on
    its own field before anything is saved."""

    def clean(self, data: Any, initial: Any = None) -> Any:
        upload = super().clean(data, initial)
        if isinstance(upload, UploadedFile):
            # Checked before reading, so an oversized upload is never held in memory.
            if upload.size is not None and upload.size > MAX_SIZE:
                raise ValidationError(
                    _("The file is larger than %(size)s MB.") % {"size": MAX_SIZE // (1024 * 1024)},
                    code="too_large",
                )
            content_type_for(safe_name(upload.name or ""), upload.read())
            upload.seek(0)
        return upload
