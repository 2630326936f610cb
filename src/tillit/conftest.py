"""Shared test personas: two organisations and four people, so every view test checks the
tenant boundary (who may see what in organisation A, and that B and outsiders may not)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from tillit.accounts.models import User
from tillit.organisations.models import Organisation
from tillit.organisations.roles import Role
from tillit.testing import make_member, make_organisation, make_user


@pytest.fixture(scope="session")
def _media_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings: Any, _media_root: Path) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Uploaded documents go to a temporary folder, never to var/media.
    settings.MEDIA_ROOT = str(_media_root)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.TILLIT_DEMO = False


@dataclass
class Personas:
    org_a: Organisation
    org_b: Organisation
    admin_a: User
    reader_a: User
    coordinator_b: User
    outsider: User

    def client(self, user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client


@pytest.fixture
def personas(db: None) -> Personas:
    org_a = make_organisation("Organisation A", slug="org-a")
    org_b = make_organisation("Organisation B", slug="org-b")
    return Personas(
        org_a=org_a,
        org_b=org_b,
        admin_a=make_member(org_a, Role.ADMIN, "admin@a.test"),
        reader_a=make_member(org_a, Role.MANAGEMENT, "reader@a.test"),
        coordinator_b=make_member(org_b, Role.SECURITY_COORDINATOR, "coordinator@b.test"),
        outsider=make_user("outsider@example.test"),
    )
