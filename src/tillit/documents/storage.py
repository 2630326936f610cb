"""Encrypted storage of uploaded documents.

Files are encrypted with Fernet (AES-128-CBC with HMAC-SHA256) before they reach the file
storage, so a copied disk or backup of var/media holds no readable evidence. DOCUMENT_KEYS lists
keys newest first: the first encrypts, all decrypt, which lets keys be rotated.
"""

from __future__ import annotations

import hashlib
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage


class DocumentIntegrityError(Exception):
    """The stored file cannot be decrypted or does not match its recorded hash."""


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def _cipher() -> MultiFernet:
    return _fernet(tuple(settings.DOCUMENT_KEYS))


def write_encrypted(name: str, content: bytes) -> str:
    """Store content encrypted under name; return its SHA-256 (of the plain content)."""
    default_storage.save(name, ContentFile(_cipher().encrypt(content)))
    return hashlib.sha256(content).hexdigest()


def read_decrypted(name: str, sha256: str) -> bytes:
    with default_storage.open(name, "rb") as stored:
        token = stored.read()
    try:
        content = _cipher().decrypt(token)
    except InvalidToken:
        raise DocumentIntegrityError(name) from None
    if hashlib.sha256(content).hexdigest() != sha256:
        raise DocumentIntegrityError(name)
    return content


def delete(name: str) -> None:
    default_storage.delete(name)
