"""The keys that encrypt documents at rest, as configured in DOCUMENT_KEYS.

A key is 32 random bytes written in URL-safe base64 (44 characters ending in "="); DOCUMENT_KEYS
lists them comma-separated, newest first. A key's id is not configured but derived: the first
16 hex digits of the SHA-256 of its bytes. The id is stored with every encrypted file and on its
Document row, so a file names the key that opens it and `tillit documents rotate-keys` knows
which files are not yet under the newest key.

A Fernet key is also 32 bytes in URL-safe base64, so the keys of earlier versions of Tillit are
valid keys here.

This module is imported by settings.py: it must not use Django's settings or models.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os

from django.core.exceptions import ImproperlyConfigured

KEY_BYTES = 32
NEW_KEY_COMMAND = (
    "python -c 'import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())'"
)


def new_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(KEY_BYTES)).decode()


def decode_key(text: str) -> bytes:
    """The key's bytes; ValueError if text is not 32 bytes in (URL-safe) base64."""
    try:
        key = base64.b64decode(text, altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("not base64") from None
    if len(key) != KEY_BYTES:
        raise ValueError(f"{len(key)} bytes, not {KEY_BYTES}")
    return key


def key_id(key: bytes) -> str:
    return hashlib.sha256(key).hexdigest()[:16]


def parse_document_keys(raw: str, *, source: str = "DOCUMENT_KEYS") -> list[str]:
    """The comma-separated keys in raw, newest first; ImproperlyConfigured if any is not a key.

    The message names the key by its position only: configuration errors end up in logs."""
    keys = [key.strip() for key in raw.split(",") if key.strip()]
    seen: set[bytes] = set()
    for number, text in enumerate(keys, start=1):
        try:
            key = decode_key(text)
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"{source}: key {number} of {len(keys)} is not a 32-byte key in URL-safe base64 "
                f"({exc}); make one with: {NEW_KEY_COMMAND}"
            ) from None
        if key in seen:
            raise ImproperlyConfigured(f"{source}: key {number} of {len(keys)} is listed twice")
        seen.add(key)
    return keys
