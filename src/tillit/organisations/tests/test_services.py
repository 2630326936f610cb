from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from tillit.accounts.models import User
from tillit.audit.models import AuditEvent
from tillit.conftest import Personas
from tillit.organisations.models import Membership, Organisation
from tillit.organisations.roles import Role
from tillit.organisations.services import (
    membership_add,
    membership_remove,
    organisation_create,
    organisation_update,
)

pytestmark = pytest.mark.django_db

VALID = {
    "name": "Växjö kommun",
    "slug": "vaxjo",
    "orgnr": "2120000647",
    "kind": "kommun",
    "nis2": "vasentlig",
    "security_email": "informationssakerhet@vaxjo.test",
}


def test_organisation_create_normalises_and_audits(personas: Personas) -> None:
    organisation = organisation_create(acting_user=personas.outsider, **VALID)
    assert organisation.orgnr == "212000-0647"
    event = AuditEvent.objects.get(action="organisation.create")
    assert event.organisation_id == organisation.id
    assert event.actor_label == personas.outsider.email
    assert event.changes["orgnr"] == [None, "212000-0647"]


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("orgnr", "212000-0648", "orgnr_check_digit"),
        ("orgnr", "212000-0142", "duplicate"),  # org A's number, set below
        ("slug", "org-a", "duplicate"),
        ("kind", "kingdom", "invalid_choice"),
        ("nis2", "sometimes", "invalid_choice"),
        ("security_email", "not-an-address", "invalid"),
        ("name", "", "blank"),
    ],
)
def test_organisation_create_rejects_bad_input_and_saves_nothing(
    personas: Personas, field: str, value: str, code: str
) -> None:
    Organisation.objects.filter(pk=personas.org_a.pk).update(orgnr="212000-0142")
    before = (Organisation.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError) as excinfo:
        organisation_create(acting_user=personas.outsider, **(VALID | {field: value}))
    assert [error.code for error in excinfo.value.error_dict[field]] == [code]
    assert (Organisation.objects.count(), AuditEvent.objects.count()) == before


def test_organisation_update_records_before_and_after(personas: Personas) -> None:
    old_name = personas.org_a.name
    organisation_update(acting_user=personas.admin_a, organisation=personas.org_a, name="Nytt namn")
    personas.org_a.refresh_from_db()
    assert personas.org_a.name == "Nytt namn"
    event = AuditEvent.objects.get(action="organisation.update")
    assert event.changes == {"name": [old_name, "Nytt namn"]}


def test_organisation_update_without_change_writes_nothing(personas: Personas) -> None:
    organisation_update(
        acting_user=personas.admin_a, organisation=personas.org_a, name=personas.org_a.name
    )
    assert not AuditEvent.objects.exists()


def test_organisation_update_refuses_duplicate_orgnr(personas: Personas) -> None:
    with pytest.raises(ValidationError) as excinfo:
        organisation_update(
            acting_user=personas.admin_a,
            organisation=personas.org_a,
            orgnr=personas.org_b.orgnr,
        )
    assert excinfo.value.error_dict["orgnr"][0].code == "duplicate"
    assert Organisation.objects.get(pk=personas.org_a.pk).orgnr != personas.org_b.orgnr


def test_membership_add_creates_account_and_invites(
    personas: Personas, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        membership = membership_add(
            acting_user=personas.admin_a,
            organisation=personas.org_a,
            email="New.Person@Example.TEST",
            role=Role.DATA_PROTECTION_OFFICER,
        )
    user = membership.user
    assert user.email == "new.person@example.test"
    assert not user.has_usable_password()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.person@example.test"]
    assert "Dataskyddsombud" in message.body
    assert "Data protection officer" in message.body
    assert "Glömt lösenordet?" in message.body
    assert AuditEvent.objects.filter(action="membership.add").count() == 1


def test_membership_add_reuses_an_existing_account(personas: Personas) -> None:
    membership_add(
        acting_user=personas.admin_a,
        organisation=personas.org_a,
        email=personas.coordinator_b.email.upper(),
        role=Role.SYSTEM_OWNER,
    )
    assert User.objects.filter(email=personas.coordinator_b.email).count() == 1
    assert personas.coordinator_b.memberships.count() == 2


@pytest.mark.parametrize(
    ("email", "role", "code"),
    [
        ("someone@example.test", "king", "unknown_role"),
        ("reader@a.test", Role.MANAGEMENT, "duplicate"),
    ],
)
def test_membership_add_rejects_bad_input_and_saves_nothing(
    personas: Personas, email: str, role: str, code: str
) -> None:
    before = (User.objects.count(), Membership.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError) as excinfo:
        membership_add(
            acting_user=personas.admin_a, organisation=personas.org_a, email=email, role=role
        )
    assert excinfo.value.error_dict["role"][0].code == code
    after = (User.objects.count(), Membership.objects.count(), AuditEvent.objects.count())
    assert after == before


def test_the_last_administrator_cannot_be_removed(personas: Personas) -> None:
    admin = Membership.objects.get(user=personas.admin_a)
    with pytest.raises(ValidationError) as excinfo:
        membership_remove(acting_user=personas.admin_a, membership=admin)
    assert excinfo.value.code == "last_admin"
    assert Membership.objects.filter(pk=admin.pk).exists()


def test_membership_remove_audits(personas: Personas) -> None:
    reader = Membership.objects.get(user=personas.reader_a)
    membership_remove(acting_user=personas.admin_a, membership=reader)
    assert not Membership.objects.filter(pk=reader.pk).exists()
    event = AuditEvent.objects.get(action="membership.remove")
    assert event.changes == {"role": ["management", None], "user": ["reader@a.test", None]}
