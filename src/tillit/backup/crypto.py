"""The encryption of backup archives: BACKUP_KEY, and a stream of AES-256-GCM chunks.

An archive can be larger than memory, so it is encrypted in chunks of 1 MiB, each sealed on its
own, in the STREAM construction (Hoang, Reyhanitabar, Rogaway and Vizár, 2015): a chunk's nonce
is its position, and the last chunk's nonce says that it is the last. Chunks cannot be
reordered, dropped or replayed from another archive, and an archive cut short, even at a chunk
boundary, fails instead of restoring part of what it held.

    b"TLB\\x01"      magic and format version, 4 bytes
    key id          8 bytes: the start of the SHA-256 of BACKUP_KEY (16 hex digits written)
    salt            16 random bytes; the archive's own key is HKDF-SHA256(BACKUP_KEY, salt)
    chunks          each: its length (4 bytes, big-endian) and the chunk sealed with AES-256-GCM
                    under the archive's key, nonce = position (11 bytes) + last (1 byte), the
                    header above as associated data

The key id lets a wrong key be named as such rather than as damage. A key of its own for every
archive keeps nonces unique however many archives one BACKUP_KEY seals.

This module is imported by settings.py: it must not use Django's settings or models.
"""

from __future__ import annotations

import io
import os
from typing import IO, TYPE_CHECKING

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.core.exceptions import ImproperlyConfigured

# A backup key is made, written and named like a document key.
from tillit.documents.keys import KEY_BYTES, NEW_KEY_COMMAND, decode_key, key_id

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer, WriteableBuffer

MAGIC = b"TLB\x01"
KEY_ID_BYTES = 8
SALT_BYTES = 16
HEADER_BYTES = len(MAGIC) + KEY_ID_BYTES + SALT_BYTES
CHUNK_BYTES = 1024 * 1024
TAG_BYTES = 16
LENGTH_BYTES = 4


class ArchiveError(Exception):
    """The archive cannot be read: not an archive, another key, cut short or altered."""


def parse_backup_key(raw: str) -> str:
    """BACKUP_KEY as configured ("" if unset); ImproperlyConfigured if it is not a key. The
    message never repeats the value: configuration errors end up in logs."""
    text = raw.strip()
    if text:
        try:
            decode_key(text)
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"BACKUP_KEY is not a 32-byte key in URL-safe base64 ({exc}); "
                f"make one with: {NEW_KEY_COMMAND}"
            ) from None
    return text


def _archive_cipher(key: bytes, salt: bytes) -> AESGCM:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=salt, info=b"tillit backup")
    return AESGCM(hkdf.derive(key))


def _nonce(position: int, last: bool) -> bytes:
    return position.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


class EncryptingWriter(io.RawIOBase):
    """Write plain bytes, and the sealed archive goes to target. finish() seals the last chunk;
    an archive never finished (the backup failed half-way) is refused as cut short."""

    def __init__(self, target: IO[bytes], key: bytes) -> None:
        super().__init__()
        self._target = target
        self._header = MAGIC + bytes.fromhex(key_id(key)) + os.urandom(SALT_BYTES)
        self._cipher = _archive_cipher(key, self._header[-SALT_BYTES:])
        self._buffer = bytearray()
        self._position = 0
        target.write(self._header)

    def writable(self) -> bool:
        return True

    def write(self, data: ReadableBuffer) -> int:
        self._buffer += data
        while len(self._buffer) > CHUNK_BYTES:
            self._seal(bytes(self._buffer[:CHUNK_BYTES]), last=False)
            del self._buffer[:CHUNK_BYTES]
        return memoryview(data).nbytes

    def finish(self) -> None:
        self._seal(bytes(self._buffer), last=True)
        self._buffer.clear()

    def _seal(self, chunk: bytes, *, last: bool) -> None:
        sealed = self._cipher.encrypt(_nonce(self._position, last), chunk, self._header)
        self._target.write(len(sealed).to_bytes(LENGTH_BYTES, "big") + sealed)
        self._position += 1


class DecryptingReader(io.RawIOBase):
    """Read the plain bytes of an archive; ArchiveError as soon as something does not add up.

    Everything read has been authenticated, but only reading to the end proves the archive
    complete: restore reads it all once before it writes anything."""

    def __init__(self, source: IO[bytes], key: bytes) -> None:
        super().__init__()
        self._source = source
        header = source.read(HEADER_BYTES)
        if len(header) < HEADER_BYTES or not header.startswith(MAGIC[:3]):
            raise ArchiveError("this is not a Tillit backup archive")
        if header[: len(MAGIC)] != MAGIC:
            raise ArchiveError(
                f"the archive is in format version {header[3]}, which this Tillit cannot read"
            )
        made_with = header[len(MAGIC) : len(MAGIC) + KEY_ID_BYTES].hex()
        if made_with != key_id(key):
            raise ArchiveError(
                f"the archive was made with another key (key id {made_with}; BACKUP_KEY has "
                f"id {key_id(key)}): set BACKUP_KEY to the key it was made with"
            )
        self._header = header
        self._cipher = _archive_cipher(key, header[-SALT_BYTES:])
        self._position = 0
        self._plain = b""
        self._offset = 0
        self._done = False
        self._next_length = source.read(LENGTH_BYTES)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        while self._offset == len(self._plain) and not self._done:
            self._plain, self._offset = self._open_next(), 0
        target = memoryview(buffer).cast("B")
        count = min(len(target), len(self._plain) - self._offset)
        target[:count] = self._plain[self._offset : self._offset + count]
        self._offset += count
        return count

    def _open_next(self) -> bytes:
        chunk = self._position + 1
        if len(self._next_length) < LENGTH_BYTES:
            raise ArchiveError(f"the archive is cut short (it ends before chunk {chunk})")
        length = int.from_bytes(self._next_length, "big")
        if not TAG_BYTES <= length <= CHUNK_BYTES + TAG_BYTES:
            raise ArchiveError(f"the archive is damaged or altered (chunk {chunk})")
        sealed = self._source.read(length)
        if len(sealed) < length:
            raise ArchiveError(f"the archive is cut short (in chunk {chunk})")
        self._next_length = self._source.read(LENGTH_BYTES)
        last = not self._next_length
        try:
            plain = self._cipher.decrypt(_nonce(self._position, last), sealed, self._header)
        except InvalidTag:
            raise ArchiveError(self._why_not(sealed, last, chunk)) from None
        self._position += 1
        self._done = last
        return plain

    def _why_not(self, sealed: bytes, last: bool, chunk: int) -> str:
        if last:
            try:
                self._cipher.decrypt(_nonce(self._position, False), sealed, self._header)
            except InvalidTag:
                pass
            else:
                return f"the archive is cut short (it ends after chunk {chunk})"
        return f"the archive is damaged or altered (chunk {chunk} fails authentication)"
