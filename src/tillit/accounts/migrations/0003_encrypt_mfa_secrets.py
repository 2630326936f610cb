"""Encrypt the second-factor secrets stored before Tillit encrypted them (accounts/mfa.py)."""

from django.db import migrations

from tillit.accounts.mfa import PREFIX, decrypt_secret, encrypt_secret, rewrite_secrets


def _encrypt(value: str) -> str:
    return value if value.startswith(PREFIX) else encrypt_secret(value)


def _decrypt(value: str) -> str:
    return decrypt_secret(value) if value.startswith(PREFIX) else value


def _rewrite(rewrite):
    def run(apps, schema_editor):
        Authenticator = apps.get_model("mfa", "Authenticator")
        for authenticator in Authenticator.objects.exclude(type="webauthn"):
            authenticator.data = rewrite_secrets(authenticator.data, rewrite)
            authenticator.save(update_fields=["data"])

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_user_language"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(_rewrite(_encrypt), _rewrite(_decrypt))]
