"""Encrypted storage of uploaded documents.

Files are encrypted with AES-256-GCM before they reach the file storage, so a copied disk,
bucket or backup holds no readable evidence. DOCUMENT_KEYS lists keys newest first (format in
keys.py): the newest encrypts, every listed key decrypts the files written under it, and
`tillit documents rotate-keys` moves every file to the newest key so that older keys can go.

A stored file, format version 1:

    b"TLD\\x01"      magic and format version, 4 bytes
    key id          8 bytes: the 16 hex digits of the key's id (keys.key_id), as bytes
    nonce           12 random bytes, new for every file
    ciphertext      the content encrypted with AES-256-GCM, followed by its 16-byte tag

The associated data is those first 24 bytes followed by the document's identity
(`documents/<organisation id>/<document id>`): a file decrypts only as the document it was
written for, so files cannot be swapped between documents without the tag failing. The key id
is also kept on the Document row (it chooses the file's name, see Document.storage_name); the
two must agree. On top of the tag, the SHA-256 of the plain content recorded at upload is
checked on every read.

Documents stored before AES-GCM (key_id "" on their row) are Fernet tokens under the same keys;
they are still read, and rotate-keys re-encrypts them with AES-GCM.

Only save, open, exists and delete of Django's default storage are used, so any storage
backend will do: the local file system by default, an S3-compatible store for several servers.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from functools import cache

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from tillit.documents import keys

MAGIC = b"TLD\x01"
KEY_ID_BYTES = 8
NONCE_BYTES = 12
HEADER_BYTES = len(MAGIC) + KEY_ID_BYTES + NONCE_BYTES


class DocumentIntegrityError(Exception):
    """The stored file cannot be decrypted or does not match its recorded hash."""


@dataclass(frozen=True)
class _Keyring:
    newest: str
    ciphers: dict[str, AESGCM]
    fernet: MultiFernet  # for files written before AES-GCM


@cache
def _keyring_for(configured: tuple[str, ...]) -> _Keyring:
    raw = [keys.decode_key(key) for key in configured]
    return _Keyring(
        newest=keys.key_id(raw[0]),
        ciphers={keys.key_id(key): AESGCM(key) for key in raw},
        fernet=MultiFernet([Fernet(key) for key in configured]),
    )


def _keyring() -> _Keyring:
    return _keyring_for(tuple(settings.DOCUMENT_KEYS))


def newest_key_id() -> str:
    return _keyring().newest


def encrypt(content: bytes, *, key_id: str, identity: str) -> bytes:
    cipher = _keyring().ciphers[key_id]
    header = MAGIC + bytes.fromhex(key_id) + os.urandom(NONCE_BYTES)
    return header + cipher.encrypt(header[-NONCE_BYTES:], content, header + identity.encode())


def decrypt(blob: bytes, *, key_id: str, identity: str) -> bytes:
    """The content of blob, written under key_id for identity; DocumentIntegrityError if the key
    is not configured, the file is not in the format above, or its tag fails."""
    header = blob[:HEADER_BYTES]
    if len(blob) < HEADER_BYTES or not header.startswith(MAGIC):
        raise DocumentIntegrityError(f"{identity}: not an encrypted document file")
    stored_key_id = header[len(MAGIC) : len(MAGIC) + KEY_ID_BYTES].hex()
    if stored_key_id != key_id:
        raise DocumentIntegrityError(f"{identity}: file is under key {stored_key_id}, not {key_id}")
    cipher = _keyring().ciphers.get(key_id)
    if cipher is None:
        raise DocumentIntegrityError(f"{identity}: key {key_id} is not in DOCUMENT_KEYS")
    try:
        return cipher.decrypt(
            header[-NONCE_BYTES:], blob[HEADER_BYTES:], header + identity.encode()
        )
    except InvalidTag:
        raise DocumentIntegrityError(f"{identity}: authentication tag fails") from None


def write_encrypted(name: str, content: bytes, *, key_id: str, identity: str) -> str:
    """Store content encrypted under name; return its SHA-256 (of the plain content).

    name must be free: a storage that would save under another name is an error."""
    saved = default_storage.save(
        name, ContentFile(encrypt(content, key_id=key_id, identity=identity))
    )
    if saved != name:
        default_storage.delete(saved)
        raise FileExistsError(f"{name} already exists in the document storage")
    return hashlib.sha256(content).hexdigest()


def read_decrypted(name: str, *, sha256: str, key_id: str, identity: str) -> bytes:
    with default_storage.open(name, "rb") as stored:
        blob = stored.read()
    if key_id:
        content = decrypt(blob, key_id=key_id, identity=identity)
    else:
        try:
            content = _keyring().fernet.decrypt(blob)
        except InvalidToken:
            raise DocumentIntegrityError(f"{identity}: Fernet token fails") from None
    if hashlib.sha256(content).hexdigest() != sha256:
        raise DocumentIntegrityError(f"{identity}: content does not match its SHA-256")
    return content


def exists(name: str) -> bool:
    return default_storage.exists(name)


def delete(name: str) -> None:
    default_storage.delete(name)
