"""Second-factor secrets encrypted at rest.

allauth keeps each TOTP secret and each recovery-code seed in the database; whoever read them
could make a user's second-factor codes. Tillit encrypts them as it encrypts documents
(AES-256-GCM under the newest of DOCUMENT_KEYS, the key's id in the ciphertext), so a copy of
the database alone yields no second factor. `tillit documents rotate-keys` moves them to a new
key with the documents.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.db import transaction

from tillit.documents import storage

PREFIX = "aesgcm:"
# Bound into every ciphertext, so nothing encrypted for another purpose passes for a secret.
IDENTITY = "mfa-secret"


def encrypt_secret(text: str) -> str:
    blob = storage.encrypt(text.encode(), key_id=storage.newest_key_id(), identity=IDENTITY)
    return PREFIX + base64.urlsafe_b64encode(blob).decode()


def decrypt_secret(value: str) -> str:
    """The secret in value; DocumentIntegrityError if it is not one of ours or its key is gone."""
    if not value.startswith(PREFIX):
        raise storage.DocumentIntegrityError(f"{IDENTITY}: not an encrypted secret")
    blob = base64.urlsafe_b64decode(value[len(PREFIX) :])
    return storage.decrypt(blob, key_id=secret_key_id(value), identity=IDENTITY).decode()


def secret_key_id(value: str) -> str:
    blob = base64.urlsafe_b64decode(value[len(PREFIX) :])
    start = len(storage.MAGIC)
    return blob[start : start + storage.KEY_ID_BYTES].hex()


def rewrite_secrets(data: dict[str, Any], rewrite: Callable[[str], str]) -> dict[str, Any]:
    """data with each secret allauth keeps in it (a TOTP secret, a recovery-code seed, codes
    carried over from elsewhere) passed through rewrite; other values as they were."""
    changed = dict(data)
    for name in ("secret", "seed"):
        if name in changed:
            changed[name] = rewrite(changed[name])
    if "migrated_codes" in changed:
        changed["migrated_codes"] = [rewrite(code) for code in changed["migrated_codes"]]
    return changed


def authenticators_reencrypt() -> int:
    """Re-encrypt every second-factor secret not under the newest key; how many authenticators
    changed. Each is locked and rewritten in its own transaction, so this may be stopped and
    repeated at any time."""
    newest = storage.newest_key_id()

    def to_newest(value: str) -> str:
        if secret_key_id(value) == newest:
            return value
        return encrypt_secret(decrypt_secret(value))

    changed = 0
    for pk in Authenticator.objects.exclude(type=Authenticator.Type.WEBAUTHN).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            authenticator = Authenticator.objects.select_for_update().get(pk=pk)
            data = rewrite_secrets(authenticator.data, to_newest)
            if data != authenticator.data:
                authenticator.data = data
                authenticator.save(update_fields=["data"])
                changed += 1
    return changed


class MFAAdapter(DefaultMFAAdapter):  # type: ignore[misc]
    def encrypt(self, text: str) -> str:
        return encrypt_secret(text)

    def decrypt(self, encrypted_text: str) -> str:
        return decrypt_secret(encrypted_text)
