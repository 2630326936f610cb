"""The token lifecycle: made in the UI, shown once, stored hashed, used, revoked, expired."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tillit.api.models import ApiToken, TokenScope
from tillit.api.services import api_token_create, api_token_revoke
from tillit.api.tests.conftest import client_with, make_token
from tillit.audit.models import AuditEvent
from tillit.conftest import Personas

ORG_A = "/api/v1/organisations/org-a/"


def _create_in_ui(personas: Personas, scope: str = TokenScope.READ) -> str:
    client = personas.client(personas.admin_a)
    expires = timezone.localdate() + dt.timedelta(days=10)
    response = client.post(
        reverse("api-token-list", args=["org-a"]),
        {"name": "Ärendesystem", "scope": scope, "expires_on": expires.isoformat()},
    )
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    return str(response.context["secret"])


def test_a_token_made_in_the_ui_is_shown_once_and_stored_hashed(personas: Personas) -> None:
    secret = _create_in_ui(personas)
    token = ApiToken.objects.get()
    assert secret.startswith("tillit_")
    assert len(secret) >= 7 + 43
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(ApiToken.objects.values().get())
    page = personas.client(personas.admin_a).get(reverse("api-token-list", args=["org-a"]))
    assert secret not in page.content.decode()
    assert token.prefix in page.content.decode()
    assert AuditEvent.objects.filter(action="api_token.create", object_id=str(token.pk)).exists()


def test_a_token_reads_and_records_when_it_was_last_used(personas: Personas) -> None:
    secret = _create_in_ui(personas)
    assert ApiToken.objects.get().last_used_at is None
    response = client_with(secret).get(ORG_A)
    assert response.status_code == 200
    assert response.json()["permissions"] == ["view"]
    assert ApiToken.objects.get().last_used_at is not None


def test_a_revoked_token_is_refused(personas: Personas) -> None:
    secret = _create_in_ui(personas)
    token = ApiToken.objects.get()
    client = personas.client(personas.admin_a)
    assert client.post(reverse("api-token-revoke", args=["org-a", token.pk])).status_code == 302
    response = client_with(secret).get(ORG_A)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert AuditEvent.objects.filter(action="api_token.revoke").count() == 1


def test_an_expired_token_is_refused(personas: Personas) -> None:
    secret = make_token(personas.admin_a, personas.org_a)
    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client_with(secret).get(ORG_A).status_code == 401


def test_a_token_expires_at_the_end_of_its_last_day(personas: Personas) -> None:
    today = timezone.localdate()
    token, _secret = api_token_create(
        acting_user=personas.admin_a,
        organisation=personas.org_a,
        name="T",
        scope=TokenScope.READ,
        expires_on=today,
    )
    assert token.active
    assert timezone.localtime(token.expires_at).date() == today + dt.timedelta(days=1)


def test_a_deactivated_user_s_token_is_refused(personas: Personas) -> None:
    secret = make_token(personas.admin_a, personas.org_a)
    personas.admin_a.is_active = False
    personas.admin_a.save(update_fields=["is_active"])
    assert client_with(secret).get(ORG_A).status_code == 401


def test_a_former_member_s_token_finds_nothing(personas: Personas) -> None:
    secret = make_token(personas.admin_a, personas.org_a)
    personas.admin_a.memberships.all().delete()
    assert client_with(secret).get(ORG_A).status_code == 404
    assert client_with(secret).get("/api/v1/organisations/").json()["count"] == 0


@pytest.mark.parametrize(
    "header",
    ["Bearer", "Bearer a b", "Bearer tillit_unknown", "Bearer nottillit", "Bearer tillit_ö"],
)
def test_a_bad_token_header_is_401(personas: Personas, header: str) -> None:
    from rest_framework.test import APIClient

    client = APIClient()
    response = client.get(ORG_A, HTTP_AUTHORIZATION=header.encode().decode("latin-1"))
    assert response.status_code == 401
    assert response.json()["status"] == 401


def test_a_reader_can_only_make_read_tokens(personas: Personas) -> None:
    with pytest.raises(ValidationError) as caught:
        api_token_create(
            acting_user=personas.reader_a,
            organisation=personas.org_a,
            name="T",
            scope=TokenScope.READ_WRITE,
            expires_on=timezone.localdate(),
        )
    assert "scope" in caught.value.message_dict
    page = personas.client(personas.reader_a).get(reverse("api-token-list", args=["org-a"]))
    assert list(page.context["form"].fields["scope"].choices) == [
        (TokenScope.READ, TokenScope.READ.label)
    ]


@pytest.mark.parametrize(("days", "field"), [(-1, "expires_on"), (367, "expires_on"), (10, None)])
def test_expiry_is_today_to_a_year(personas: Personas, days: int, field: str | None) -> None:
    arguments = {
        "acting_user": personas.admin_a,
        "organisation": personas.org_a,
        "name": "T",
        "scope": TokenScope.READ,
        "expires_on": timezone.localdate() + dt.timedelta(days=days),
    }
    if field is None:
        api_token_create(**arguments)  # type: ignore[arg-type]
        return
    with pytest.raises(ValidationError) as caught:
        api_token_create(**arguments)  # type: ignore[arg-type]
    assert field in caught.value.message_dict


def test_an_outsider_cannot_make_a_token(personas: Personas) -> None:
    with pytest.raises(ValidationError):
        api_token_create(
            acting_user=personas.outsider,
            organisation=personas.org_a,
            name="T",
            scope=TokenScope.READ,
            expires_on=timezone.localdate(),
        )


def test_members_revoke_their_own_tokens_and_administrators_anyone_s(
    personas: Personas,
) -> None:
    make_token(personas.reader_a, personas.org_a, TokenScope.READ, "Läsare")
    reader_token = ApiToken.objects.get(user=personas.reader_a)
    make_token(personas.admin_a, personas.org_a)
    admin_token = ApiToken.objects.get(user=personas.admin_a)
    reader = personas.client(personas.reader_a)
    url = reverse("api-token-revoke", args=["org-a", admin_token.pk])
    assert reader.post(url).status_code == 404
    admin_page = personas.client(personas.admin_a).get(reverse("api-token-list", args=["org-a"]))
    assert reader_token in admin_page.context["others"]
    url = reverse("api-token-revoke", args=["org-a", reader_token.pk])
    assert personas.client(personas.admin_a).post(url).status_code == 302
    reader_token.refresh_from_db()
    assert reader_token.revoked_at is not None


def test_revoking_twice_changes_nothing(personas: Personas) -> None:
    make_token(personas.admin_a, personas.org_a)
    token = ApiToken.objects.get()
    api_token_revoke(acting_user=personas.admin_a, token=token)
    first = token.revoked_at
    api_token_revoke(acting_user=personas.admin_a, token=token)
    assert token.revoked_at == first
    assert AuditEvent.objects.filter(action="api_token.revoke").count() == 1


def test_a_token_works_only_in_its_own_organisation(personas: Personas) -> None:
    from tillit.organisations.models import Membership
    from tillit.organisations.roles import Role

    Membership.objects.create(organisation=personas.org_b, user=personas.admin_a, role=Role.ADMIN)
    secret = make_token(personas.admin_a, personas.org_a)
    client = client_with(secret)
    assert client.get("/api/v1/organisations/org-b/").status_code == 404
    listed = client.get("/api/v1/organisations/").json()["results"]
    assert [organisation["slug"] for organisation in listed] == ["org-a"]
