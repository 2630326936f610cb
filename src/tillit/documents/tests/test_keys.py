"""DOCUMENT_KEYS: what settings.py accepts, and the storage backend it can be told to use."""

from __future__ import annotations

import base64
import os
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from tillit import settings as tillit_settings
from tillit.documents.keys import decode_key, key_id, new_key, parse_document_keys


def test_new_keys_are_32_random_bytes() -> None:
    first, second = new_key(), new_key()
    assert len(decode_key(first)) == 32
    assert first != second
    assert parse_document_keys(f"{first}, {second}") == [first, second]


def test_a_fernet_key_of_an_earlier_tillit_is_a_valid_key() -> None:
    fernet_key = Fernet.generate_key().decode()
    assert parse_document_keys(fernet_key) == [fernet_key]


def test_standard_base64_is_accepted_too() -> None:
    raw = os.urandom(32)
    assert decode_key(base64.b64encode(raw).decode()) == raw
    assert decode_key(base64.urlsafe_b64encode(raw).decode()) == raw


def test_the_key_id_is_derived_from_the_key() -> None:
    raw = os.urandom(32)
    assert key_id(raw) == key_id(raw)
    assert len(key_id(raw)) == 16
    assert key_id(raw) != key_id(os.urandom(32))


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("not a key at all", "not base64"),
        (base64.urlsafe_b64encode(os.urandom(16)).decode(), "16 bytes, not 32"),
        (base64.urlsafe_b64encode(os.urandom(48)).decode(), "48 bytes, not 32"),
        (base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("="), "not base64"),
    ],
)
def test_a_key_that_is_not_32_bytes_of_base64_is_refused(bad: str, message: str) -> None:
    good = new_key()
    with pytest.raises(ImproperlyConfigured, match="key 2 of 2 is not a 32-byte key") as caught:
        parse_document_keys(f"{good},{bad}")
    assert message in str(caught.value)
    assert "make one with" in str(caught.value)
    assert bad not in str(caught.value)  # keys are secrets: never in a log


def test_a_key_listed_twice_is_refused() -> None:
    key = new_key()
    with pytest.raises(ImproperlyConfigured, match="key 2 of 2 is listed twice"):
        parse_document_keys(f"{key},{key}")


def test_settings_refuse_a_bad_key_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCUMENT_KEYS", f"{new_key()},{Fernet.generate_key().decode()[:20]}")
    with pytest.raises(ImproperlyConfigured, match="DOCUMENT_KEYS: key 2 of 2"):
        tillit_settings._document_keys()


def test_settings_read_the_keys_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    keys = [new_key(), new_key()]
    monkeypatch.setenv("DOCUMENT_KEYS", ",".join(keys))
    assert tillit_settings._document_keys() == keys


def test_the_default_storage_is_the_file_system(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TILLIT_STORAGE_BACKEND", raising=False)
    monkeypatch.delenv("TILLIT_STORAGE_OPTIONS", raising=False)
    assert tillit_settings._default_storage() == {
        "BACKEND": "django.core.files.storage.FileSystemStorage"
    }


def test_another_storage_backend_can_be_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TILLIT_STORAGE_BACKEND", "storages.backends.s3.S3Storage")
    monkeypatch.setenv("TILLIT_STORAGE_OPTIONS", '{"bucket_name": "tillit", "region_name": "x"}')
    expected: dict[str, Any] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {"bucket_name": "tillit", "region_name": "x"},
    }
    assert tillit_settings._default_storage() == expected


@pytest.mark.parametrize(
    ("options", "message"),
    [('{"secret_key": "abc123"', "is not JSON"), ('["a"]', "must be a JSON object")],
)
def test_storage_options_that_are_not_a_json_object_are_refused(
    monkeypatch: pytest.MonkeyPatch, options: str, message: str
) -> None:
    monkeypatch.setenv("TILLIT_STORAGE_OPTIONS", options)
    with pytest.raises(ImproperlyConfigured, match=message) as caught:
        tillit_settings._default_storage()
    assert "abc123" not in str(caught.value)
