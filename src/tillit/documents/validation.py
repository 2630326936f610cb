"""What may be uploaded: size, a safe file name, and content that matches the extension."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_SIZE = 25 * 1024 * 1024
# Zip-based Office files are unpacked by those who open them: refuse archives that would expand
# beyond this (zip bombs).
MAX_UNPACKED = 200 * 1024 * 1024

OFFICE = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
SIGNATURES = {
    ".pdf": (b"%PDF-", "application/pdf"),
    ".png": (b"\x89PNG\r\n\x1a\n", "image/png"),
    ".jpg": (b"\xff\xd8\xff", "image/jpeg"),
    ".jpeg": (b"\xff\xd8\xff", "image/jpeg"),
}
TEXT = {".txt": "text/plain", ".csv": "text/csv"}
ALLOWED = sorted({*OFFICE, *SIGNATURES, *TEXT})


def safe_name(name: str) -> str:
    """The file's own name without any path, control characters or leading dots."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"[\x00-\x1f\x7f]", "", name).strip().lstrip(".")
    return name[:255] or "document"


def _extension(name: str) -> str:
    return "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""


def content_type_for(name: str, content: bytes) -> str:
    """The content type, or ValidationError if the file is not one Tillit accepts."""
    if len(content) > MAX_SIZE:
        raise ValidationError(
            _("The file is larger than %(size)s MB.") % {"size": MAX_SIZE // (1024 * 1024)},
            code="too_large",
        )
    extension = _extension(name)
    if extension not in ALLOWED:
        raise ValidationError(
            _("Files of this type cannot be uploaded. Allowed: %(types)s")
            % {"types": ", ".join(ALLOWED)},
            code="type",
        )
    mismatch = ValidationError(
        _("The file's content does not match its extension %(extension)s.")
        % {"extension": extension},
        code="mismatch",
    )
    if extension in SIGNATURES:
        signature, content_type = SIGNATURES[extension]
        if not content.startswith(signature):
            raise mismatch
        return content_type
    if extension in OFFICE:
        _check_office(content, mismatch)
        return OFFICE[extension]
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        raise mismatch from None
    if "\x00" in text:
        raise mismatch
    return TEXT[extension]


def _check_office(content: bytes, mismatch: ValidationError) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    # Not only BadZipFile: a damaged directory fails in many ways (NotImplementedError for an
    # unknown version, UnicodeDecodeError for a name), which all mean the same.
    except Exception:
        raise mismatch from None
    with archive:
        if "[Content_Types].xml" not in archive.namelist():
            raise mismatch
        if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED:
            raise ValidationError(
                _("The file expands to more than %(size)s MB when unpacked.")
                % {"size": MAX_UNPACKED // (1024 * 1024)},
                code="zip_bomb",
            )
