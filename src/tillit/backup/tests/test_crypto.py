"""The sealed stream: what goes in comes out, and anything else is refused by name."""

from __future__ import annotations

import io
import os

import pytest
from django.core.exceptions import ImproperlyConfigured

from tillit.backup.crypto import (
    CHUNK_BYTES,
    HEADER_BYTES,
    LENGTH_BYTES,
    TAG_BYTES,
    ArchiveError,
    DecryptingReader,
    EncryptingWriter,
    parse_backup_key,
)

KEY = bytes(range(32))
SEALED_CHUNK = LENGTH_BYTES + CHUNK_BYTES + TAG_BYTES


def _seal(plain: bytes, key: bytes = KEY) -> bytes:
    target = io.BytesIO()
    writer = EncryptingWriter(target, key)
    for start in range(0, len(plain), 100_000):  # in pieces that straddle chunk boundaries
        writer.write(plain[start : start + 100_000])
    writer.finish()
    return target.getvalue()


def _open(sealed: bytes, key: bytes = KEY) -> bytes:
    return DecryptingReader(io.BytesIO(sealed), key).read()


PLAIN = os.urandom(2 * CHUNK_BYTES + 12_345)


def test_what_is_sealed_opens_again_and_is_not_readable_meanwhile() -> None:
    sealed = _seal(PLAIN)
    assert _open(sealed) == PLAIN
    assert PLAIN[:64] not in sealed
    assert len(sealed) == HEADER_BYTES + 3 * (LENGTH_BYTES + TAG_BYTES) + len(PLAIN)
    assert _open(_seal(b"")) == b""


def test_two_archives_of_the_same_content_differ() -> None:
    assert _seal(b"samma") != _seal(b"samma")


def test_another_key_is_named_as_such() -> None:
    with pytest.raises(ArchiveError, match="made with another key"):
        _open(_seal(PLAIN), bytes(32))


def test_not_an_archive() -> None:
    with pytest.raises(ArchiveError, match="not a Tillit backup"):
        _open(b"PK\x03\x04" + bytes(100))
    with pytest.raises(ArchiveError, match="format version 9"):
        _open(b"TLB\x09" + bytes(100))


@pytest.mark.parametrize(
    ("length", "message"),
    [
        (HEADER_BYTES, "ends before chunk 1"),
        (HEADER_BYTES + 2, "ends before chunk 1"),
        (HEADER_BYTES + 1000, "in chunk 1"),
        (HEADER_BYTES + SEALED_CHUNK, "ends after chunk 1"),  # at a chunk boundary
        (HEADER_BYTES + 2 * SEALED_CHUNK, "ends after chunk 2"),
        (-1, "in chunk 3"),
    ],
)
def test_an_archive_cut_short_is_refused(length: int, message: str) -> None:
    with pytest.raises(ArchiveError, match=f"cut short.*{message}"):
        _open(_seal(PLAIN)[:length])


@pytest.mark.parametrize(
    ("position", "chunk"),
    [(15, 1), (HEADER_BYTES - 1, 1), (HEADER_BYTES + 100, 1), (-1, 3)],
)
def test_a_changed_byte_is_refused(position: int, chunk: int) -> None:
    """Header (salt), body and tag of any chunk: the header is authenticated with every chunk."""
    sealed = bytearray(_seal(PLAIN))
    sealed[position] ^= 0x01
    with pytest.raises(ArchiveError, match=f"damaged or altered.*chunk {chunk}"):
        _open(bytes(sealed))


def test_chunks_cannot_be_reordered_dropped_or_added() -> None:
    sealed = _seal(PLAIN)
    header, body = sealed[:HEADER_BYTES], sealed[HEADER_BYTES:]
    first, second = body[:SEALED_CHUNK], body[SEALED_CHUNK : 2 * SEALED_CHUNK]
    last = body[2 * SEALED_CHUNK :]
    for altered in (second + first + last, first + last, first + second + second + last):
        with pytest.raises(ArchiveError, match="damaged or altered"):
            _open(header + altered)
    with pytest.raises(ArchiveError, match="damaged or altered"):
        _open(sealed + b"\x00\x00\x00\x10" + bytes(16))  # something after the last chunk


def test_a_chunk_from_another_archive_is_refused() -> None:
    ours, theirs = _seal(PLAIN), _seal(PLAIN)
    spliced = ours[: HEADER_BYTES + SEALED_CHUNK] + theirs[HEADER_BYTES + SEALED_CHUNK :]
    with pytest.raises(ArchiveError, match="chunk 2 fails"):
        _open(spliced)


def test_backup_key_must_be_a_32_byte_key() -> None:
    assert parse_backup_key("") == ""
    key = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
    assert parse_backup_key(f" {key}\n") == key
    for wrong in ("hemligt", "AAECAwQFBgcICQoLDA0ODw==", key + "x"):
        with pytest.raises(ImproperlyConfigured, match="BACKUP_KEY is not a 32-byte key") as caught:
            parse_backup_key(wrong)
        assert wrong not in str(caught.value)
