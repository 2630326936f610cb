"""Second-factor secrets are encrypted at rest and move with the document keys."""

from __future__ import annotations

import importlib
from io import StringIO
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from tillit.accounts.mfa import decrypt_secret, secret_key_id
from tillit.documents.keys import decode_key, key_id, new_key
from tillit.documents.storage import DocumentIntegrityError
from tillit.testing import make_user

pytestmark = pytest.mark.django_db

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def _code(secret: str) -> str:
    return str(format_hotp_value(hotp_value(secret, int(timezone.now().timestamp()) // 30)))


def _totp(user: Any) -> Authenticator:
    return Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)


@pytest.fixture
def old_key(settings: Any) -> str:
    key = new_key()
    settings.DOCUMENT_KEYS = [key]
    return key


def test_a_totp_secret_is_stored_encrypted_and_still_checks_codes(old_key: str) -> None:
    user = make_user(mfa=False)
    TOTP.activate(user, SECRET)
    stored = _totp(user).data["secret"]
    assert SECRET not in stored
    assert secret_key_id(stored) == key_id(decode_key(old_key))
    assert TOTP(_totp(user)).validate_code(_code(SECRET))
    assert not TOTP(_totp(user)).validate_code("000000" if _code(SECRET) != "000000" else "1")


def test_recovery_codes_are_made_from_an_encrypted_seed(old_key: str) -> None:
    user = make_user(mfa=False)
    codes = RecoveryCodes.activate(user).generate_codes()
    seed = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES).data["seed"]
    assert seed.startswith("aesgcm:")
    assert len(decrypt_secret(seed)) == 80
    assert RecoveryCodes.activate(user).generate_codes() == codes


def test_a_secret_that_is_not_ours_or_was_altered_is_refused(old_key: str) -> None:
    user = make_user(mfa=False)
    TOTP.activate(user, SECRET)
    stored = _totp(user).data["secret"]
    with pytest.raises(DocumentIntegrityError):
        decrypt_secret(SECRET)
    altered = stored[:-6] + ("AAAAAA" if not stored.endswith("AAAAAA") else "BBBBBB")
    with pytest.raises(DocumentIntegrityError):
        decrypt_secret(altered)


def test_rotation_moves_the_secrets_so_the_old_key_can_go(settings: Any, old_key: str) -> None:
    user = make_user(mfa=False)
    TOTP.activate(user, SECRET)
    codes = RecoveryCodes.activate(user).generate_codes()
    new = new_key()
    settings.DOCUMENT_KEYS = [new, old_key]
    out = StringIO()

    call_command("documents", "rotate-keys", stdout=out)

    assert "2 second-factor secrets re-encrypted" in out.getvalue()
    settings.DOCUMENT_KEYS = [new]
    assert secret_key_id(_totp(user).data["secret"]) == key_id(decode_key(new))
    assert TOTP(_totp(user)).validate_code(_code(SECRET))
    assert RecoveryCodes.activate(user).generate_codes() == codes
    out = StringIO()
    call_command("documents", "rotate-keys", stdout=out)
    assert "0 second-factor secrets re-encrypted" in out.getvalue()


def test_the_migration_encrypts_secrets_stored_in_the_clear_and_back(old_key: str) -> None:
    migration = importlib.import_module("tillit.accounts.migrations.0003_encrypt_mfa_secrets")
    user = make_user(mfa=False)
    clear = Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": SECRET}
    )
    forward, backward = (
        migration.Migration.operations[0].code,
        migration.Migration.operations[0].reverse_code,
    )

    forward(apps, None)
    forward(apps, None)  # already encrypted values are left as they are

    clear.refresh_from_db()
    assert clear.data["secret"].startswith("aesgcm:")
    assert TOTP(clear).validate_code(_code(SECRET))
    backward(apps, None)
    clear.refresh_from_db()
    assert clear.data == {"secret": SECRET}
