from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tillit.audit.models import AuditEvent
from tillit.conftest import Personas
from tillit.organisations.models import Membership, Organisation
from tillit.organisations.roles import Role
from tillit.testing import make_member, make_organisation

SETTINGS_FORM = {
    "name": "Organisation A",
    "slug": "org-a",
    "orgnr": "212000-0142",
    "kind": "kommun",
    "nis2": "viktig",
    "security_email": "sec@a.test",
}


def test_admin_updates_the_organisation(personas: Personas) -> None:
    client = personas.client(personas.admin_a)
    response = client.post("/o/org-a/settings/", SETTINGS_FORM)
    assert response.status_code == 302
    personas.org_a.refresh_from_db()
    assert personas.org_a.nis2 == "viktig"
    assert personas.org_a.orgnr == "212000-0142"


def test_bad_orgnr_gets_a_swedish_error_and_changes_nothing(personas: Personas) -> None:
    before = Organisation.objects.get(pk=personas.org_a.pk).orgnr
    client = personas.client(personas.admin_a)
    response = client.post("/o/org-a/settings/", SETTINGS_FORM | {"orgnr": "212000-0143"})
    assert response.status_code == 200
    assert "Kontrollsiffran stämmer inte" in response.content.decode()
    assert Organisation.objects.get(pk=personas.org_a.pk).orgnr == before
    assert not AuditEvent.objects.exists()


def test_the_same_error_in_english(personas: Personas) -> None:
    client = personas.client(personas.admin_a)
    client.cookies["django_language"] = "en"
    response = client.post("/o/org-a/settings/", SETTINGS_FORM | {"orgnr": "212000-0143"})
    assert "The check digit does not match" in response.content.decode()


def test_settings_and_members_are_for_administrators_only(personas: Personas) -> None:
    reader = personas.client(personas.reader_a)
    assert reader.get("/o/org-a/settings/").status_code == 403
    assert reader.get("/o/org-a/members/").status_code == 403
    assert reader.post("/o/org-a/settings/", SETTINGS_FORM | {"name": "X"}).status_code == 403
    assert Organisation.objects.get(pk=personas.org_a.pk).name == "Organisation A"


def test_admin_adds_a_member(personas: Personas) -> None:
    client = personas.client(personas.admin_a)
    response = client.post(
        "/o/org-a/members/", {"email": "ny@a.test", "name": "Ny Person", "role": "system_owner"}
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user__email="ny@a.test")
    assert membership.organisation == personas.org_a
    assert membership.role == Role.SYSTEM_OWNER
    assert membership.user.name == "Ny Person"


def test_unknown_role_is_refused_in_swedish(personas: Personas) -> None:
    client = personas.client(personas.admin_a)
    response = client.post("/o/org-a/members/", {"email": "ny@a.test", "role": "king"})
    assert response.status_code == 200
    assert "Välj ett giltigt alternativ" in response.content.decode()
    assert not Membership.objects.filter(user__email="ny@a.test").exists()


def test_duplicate_role_is_refused(personas: Personas) -> None:
    client = personas.client(personas.admin_a)
    response = client.post("/o/org-a/members/", {"email": "reader@a.test", "role": "management"})
    assert "har redan den här rollen" in response.content.decode()
    assert Membership.objects.filter(user=personas.reader_a).count() == 1


def test_admin_removes_a_role(personas: Personas) -> None:
    membership = Membership.objects.get(user=personas.reader_a)
    client = personas.client(personas.admin_a)
    response = client.post(f"/o/org-a/members/{membership.pk}/remove/")
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_remove_needs_post(personas: Personas) -> None:
    membership = Membership.objects.get(user=personas.reader_a)
    client = personas.client(personas.admin_a)
    assert client.get(f"/o/org-a/members/{membership.pk}/remove/").status_code == 405
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_removing_the_last_admin_shows_why(personas: Personas) -> None:
    membership = Membership.objects.get(user=personas.admin_a)
    client = personas.client(personas.admin_a)
    response = client.post(f"/o/org-a/members/{membership.pk}/remove/", follow=True)
    assert "minst en administratör" in response.content.decode()
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_cannot_remove_a_membership_of_another_organisation(personas: Personas) -> None:
    other = Membership.objects.get(user=personas.coordinator_b)
    client = personas.client(personas.admin_a)
    assert client.post(f"/o/org-a/members/{other.pk}/remove/").status_code == 404
    assert Membership.objects.filter(pk=other.pk).exists()


def test_csrf_is_enforced_on_writes(personas: Personas) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.admin_a)
    response = client.post("/o/org-a/members/", {"email": "ny@a.test", "role": "management"})
    assert response.status_code == 403
    assert not Membership.objects.filter(user__email="ny@a.test").exists()


def test_members_page_query_count_does_not_grow(personas: Personas) -> None:
    client = personas.client(personas.admin_a)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/o/org-a/members/").status_code == 200
    for _ in range(10):
        make_member(personas.org_a, Role.SYSTEM_OWNER)
    with CaptureQueriesContext(connection) as many:
        client.get("/o/org-a/members/")
    assert len(many) == len(few)


def test_operator_creates_an_organisation_with_its_first_admin(personas: Personas) -> None:
    personas.outsider.is_superuser = True
    personas.outsider.save(update_fields=["is_superuser"])
    client = personas.client(personas.outsider)
    data = SETTINGS_FORM | {"slug": "ny", "orgnr": "5560360793", "admin_email": "chef@ny.test"}
    response = client.post("/operator/organisations/", data)
    assert response.status_code == 302
    organisation = Organisation.objects.get(slug="ny")
    assert organisation.memberships.get().user.email == "chef@ny.test"
    assert organisation.memberships.get().role == Role.ADMIN


def test_operator_duplicate_organisation_is_refused(personas: Personas) -> None:
    personas.outsider.is_superuser = True
    personas.outsider.save(update_fields=["is_superuser"])
    client = personas.client(personas.outsider)
    data = SETTINGS_FORM | {"slug": "ny", "orgnr": personas.org_b.orgnr, "admin_email": "c@ny.test"}
    response = client.post("/operator/organisations/", data)
    assert response.status_code == 200
    assert "redan registrerad" in response.content.decode()
    assert not Organisation.objects.filter(slug="ny").exists()
    assert not Membership.objects.filter(user__email="c@ny.test").exists()


def test_the_operator_list_costs_the_same_for_2_and_12_organisations(personas: Personas) -> None:
    personas.outsider.is_superuser = True
    personas.outsider.save(update_fields=["is_superuser"])
    client = personas.client(personas.outsider)
    with CaptureQueriesContext(connection) as few:
        client.get("/operator/organisations/")
    for _ in range(10):
        make_member(make_organisation(), Role.ADMIN)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/operator/organisations/")
    assert response.content.decode().count("<td>Kommun</td>") == 12
    assert len(many) == len(few)


def test_operator_page_is_for_operators_only(personas: Personas) -> None:
    assert personas.client(personas.admin_a).get("/operator/organisations/").status_code == 403
