"""Each resource: another organisation's object is 404, a read token cannot write, a revoked or
expired token is 401; and the writes go through the services, audited with the token's name."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tillit.api.models import ApiToken
from tillit.api.tests.conftest import World
from tillit.audit.models import AuditEvent
from tillit.risks.matrix import DEFAULT_SIZE
from tillit.suppliers.models import Contract, Supplier

# Every resource of one object, by the objects its URL names.
DETAILS = [
    "assets/{asset}/",
    "assets/{asset}/classifications/",
    "assets/{asset}/requirement-profile/",
    "procurements/{procurement}/",
    "procurements/{procurement}/annex.{fmt}",
    "suppliers/{supplier}/",
    "suppliers/{supplier}/subprocessors/",
    "contracts/{contract}/",
    "contracts/{contract}/processor-agreement/",
    "certificates/{certificate}/",
    "pentests/{pentest}/",
    "documents/{document}/",
    "documents/{document}/content",
    "assessments/{assessment}/",
    "assessments/{assessment}/links/",
    "assessments/{assessment}/questions/",
    "assessments/{assessment}/questions/{question}/",
    "findings/{finding}/",
    "cases/{case}/",
    "cases/{case}/notes/",
    "cases/{case}/drafts/{draft}/",
    "cases/{case}/impact/",
    "risks/{risk}/",
    "reports/management/{report}/",
    "reports/management/{report}/content",
]
# What the owner's own token gets where it is not 200.
OWN_STATUS = {
    "contracts/{contract}/processor-agreement/": 404,  # none recorded yet
    "reports/management/{report}/content": 409,  # not made yet
}
LISTS = [
    "",
    "assets/",
    "procurements/",
    "suppliers/",
    "contracts/",
    "certificates/",
    "pentests/",
    "documents/",
    "assessments/",
    "findings/",
    "followup/",
    "cases/",
    "lessons/",  # shared by every organisation, and none yet
    "risks/",
    "risks/settings/",  # one resource, the organisation's own
    "reports/key-figures/",
    "reports/snapshots/",
    "reports/management/",
]
WRITES = [
    ("post", "assets/", {"name": "Nytt"}),
    ("patch", "assets/{asset}/", {"name": "Nytt"}),
    ("post", "assets/{asset}/classifications/", {"answers": {}}),
    ("post", "procurements/", {"name": "P"}),
    ("post", "suppliers/", {"name": "X"}),
    ("post", "suppliers/{supplier}/subprocessors/", {"service": "X"}),
    ("post", "contracts/", {"service": "X"}),
    ("patch", "contracts/{contract}/", {"service": "X"}),
    ("put", "contracts/{contract}/processor-agreement/", {"covers": []}),
    ("post", "contracts/{contract}/locations/", {"country": "SE"}),
    ("post", "certificates/", {"kind": "iso27001"}),
    ("post", "pentests/", {"scope": "X"}),
    ("post", "documents/", {}),
    ("post", "assessments/", {"title": "X"}),
    ("post", "assessments/{assessment}/complete/", {}),
    ("post", "assessments/{assessment}/reopen/", {}),
    ("post", "assessments/{assessment}/links/", {"contact_name": "X"}),
    ("post", "assessments/{assessment}/questions/", {"text": "X"}),
    ("patch", "assessments/{assessment}/questions/{question}/", {"review": "accepted"}),
    ("post", "findings/", {"title": "X"}),
    ("patch", "findings/{finding}/", {"title": "X"}),
    ("post", "findings/{finding}/status/", {"status": "closed"}),
    ("post", "incidents/", {"title": "X"}),
    ("patch", "cases/{case}/", {"aware_at": "2026-01-03T00:00:00Z"}),
    ("post", "cases/{case}/notes/", {"text": "X"}),
    ("post", "cases/{case}/close/", {"reason": "X"}),
    ("post", "cases/{case}/lesson/", {"text": "X", "no_personal_data": True}),
    ("post", "cases/{case}/steps/{step}/done/", {"reference": "X"}),
    ("post", "risks/", {"title": "X"}),
    ("patch", "risks/{risk}/", {"title": "X"}),
    ("post", "risks/{risk}/acceptance/", {"reason": "X"}),
    ("patch", "risks/settings/", {"appetite": 3}),
    ("put", "risks/settings/", {"matrix_size": 4, "appetite": 3}),
    ("post", "reports/management/", {"language": "sv"}),
]


def _url(org: str, path: str, objects: dict[str, Any]) -> str:
    return f"/api/v1/organisations/{org}/" + path.format(**objects)


@pytest.mark.parametrize("path", DETAILS)
def test_another_organisation_s_object_is_404(world: World, path: str) -> None:
    own = world.client(world.write_a).get(_url("org-a", path, world.objects))
    assert own.status_code == OWN_STATUS.get(path, 200), path
    b = world.client(world.write_b)
    # B's token for A's address, and for A's object under B's own address.
    for org in ("org-a", "org-b"):
        response = b.get(_url(org, path, world.objects))
        assert response.status_code == 404, (org, path)
        assert response["Content-Type"] == "application/problem+json"
    session = world.personas.client(world.personas.outsider)
    assert session.get(_url("org-a", path, world.objects)).status_code == 404


@pytest.mark.parametrize("path", LISTS)
def test_lists_show_only_the_organisation_s_own(world: World, path: str) -> None:
    response = world.client(world.write_b).get(_url("org-b", path, world.objects))
    assert response.status_code == 200
    if path == "reports/key-figures/":
        assert response.json()["figures"]["suppliers"] == 0
    elif path == "risks/settings/":
        assert response.json()["matrix_size"] == DEFAULT_SIZE
    elif path:
        assert response.json()["count"] == 0
    assert world.client(world.write_b).get(_url("org-a", path, {})).status_code == 404


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
def test_a_read_token_cannot_write(
    world: World, method: str, path: str, body: dict[str, Any]
) -> None:
    client = world.client(world.read_a)
    response = getattr(client, method)(_url("org-a", path, world.objects), body, format="json")
    assert response.status_code == 403
    assert response.json()["detail"]


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
def test_another_organisation_cannot_write(
    world: World, method: str, path: str, body: dict[str, Any]
) -> None:
    client = world.client(world.write_b)
    # At A's address; and, for A's objects, at B's own address.
    for org in ("org-a", "org-b") if "{" in path else ("org-a",):
        url = _url(org, path, world.objects)
        response = getattr(client, method)(url, body, format="json")
        assert response.status_code == 404, (org, path)


@pytest.mark.parametrize("path", [*DETAILS, *LISTS])
@pytest.mark.parametrize("state", ["revoked", "expired"])
def test_a_revoked_or_expired_token_is_401(world: World, path: str, state: str) -> None:
    if state == "revoked":
        ApiToken.objects.update(revoked_at=timezone.now())
    else:
        ApiToken.objects.update(expires_at=timezone.now())
    response = world.client(world.write_a).get(_url("org-a", path, world.objects))
    assert response.status_code == 401


def test_a_management_member_cannot_write_in_the_browser(world: World) -> None:
    client = world.personas.client(world.personas.reader_a)
    url = _url("org-a", "suppliers/", {})
    assert client.get(url).status_code == 200
    assert client.post(url, {"name": "X"}, content_type="application/json").status_code == 403


def test_the_browser_session_needs_csrf_for_writes(world: World) -> None:
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.personas.admin_a)
    url = _url("org-a", "suppliers/", {})
    response = client.post(
        url, {"name": "X", "orgnr": "556677-8899"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_register_a_supplier_and_a_contract_audited_with_the_token(world: World) -> None:
    client = world.client(world.write_a)
    response = client.post(
        _url("org-a", "suppliers/", {}),
        {"name": "Lönesystem AB", "orgnr": "5566778899"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    supplier = response.json()
    assert supplier["orgnr"] == "556677-8899"
    assert response["Location"].endswith(f"/suppliers/{supplier['id']}/")
    again = client.post(
        _url("org-a", "suppliers/", {}),
        {"name": "Annat namn", "orgnr": "556677-8899"},
        format="json",
    )
    assert again.status_code == 200
    assert again.json()["name"] == "Lönesystem AB"
    response = client.post(
        _url("org-a", "contracts/", {}),
        {
            "supplier": supplier["id"],
            "service": "Lön",
            "assets": [str(world.objects["asset"])],
            "end": "2028-12-31",
            "sla_availability": "99.5",
            "incident_notice_hours": 24,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["sla_availability"] == "99.500"
    contract = Contract.objects.get(pk=response.json()["id"])
    event = AuditEvent.objects.get(action="contract.create", object_id=str(contract.pk))
    assert event.actor_label.startswith('admin@a.test via API token "Integration" (tillit_')
    assert AuditEvent.objects.filter(action="supplier.create", actor_label__contains="API token")


def test_a_supplier_of_another_organisation_cannot_be_named_in_a_contract(world: World) -> None:
    other = Supplier.objects.create(name="B:s", orgnr="556677-8899")
    response = world.client(world.write_a).post(
        _url("org-a", "contracts/", {}),
        {
            "supplier": str(other.pk),
            "service": "X",
            "assets": ["7d6b0b52-0d3a-4c1e-8a4e-000000000000"],
        },
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"supplier"}


def test_patch_needs_the_current_etag(world: World) -> None:
    client = world.client(world.write_a)
    url = _url("org-a", "contracts/{contract}/", world.objects)
    etag = client.get(url)["ETag"]
    missing = client.patch(url, {"service": "Ny"}, format="json")
    assert missing.status_code == 428
    assert missing.json()["type"] == "tag:tillit,2026:problem:if-match-required"
    updated = client.patch(
        url, {"service": "Ny", "right_to_audit": True}, format="json", HTTP_IF_MATCH=etag
    )
    assert updated.status_code == 200
    assert updated["ETag"] != etag
    assert updated.json()["right_to_audit"] is True
    stale = client.patch(url, {"service": "Äldre"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert Contract.objects.get(pk=world.objects["contract"]).service == "Ny"


def test_patch_an_asset(world: World) -> None:
    client = world.client(world.write_a)
    url = _url("org-a", "assets/{asset}/", world.objects)
    etag = client.get(url)["ETag"]
    response = client.patch(url, {"owner": "reader@a.test"}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200, response.json()
    assert response.json()["owner"]["email"] == "reader@a.test"
    etag = response["ETag"]
    response = client.patch(url, {"owner": "coordinator@b.test"}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"owner"}


def test_classify_an_asset(world: World) -> None:
    client = world.client(world.write_a)
    url = _url("org-a", "assets/{asset}/classifications/", world.objects)
    answers = {"confidentiality": 3, "integrity": 1, "availability": 1, "traceability": 1}
    response = client.post(url, {"answers": answers, "levels": {"integrity": 2}}, format="json")
    assert response.status_code == 400
    assert "reasons.integrity" in response.json()["errors"]
    response = client.post(
        url,
        {
            "answers": answers,
            "levels": {"integrity": 2},
            "reasons": {"integrity": "Löner"},
            "personal_data": True,
            "data_subjects": 5000,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["version"] == 2
    profile = client.get(_url("org-a", "assets/{asset}/requirement-profile/", world.objects))
    assert {r["key"]: r["obligation"] for r in profile.json()["requirements"]} == {
        "T-BASE-01": "ska",
        "T-INC-01": "ska",
    }


def test_create_an_asset_and_a_procurement_and_download_its_annex(world: World) -> None:
    client = world.client(world.write_a)
    asset = client.post(_url("org-a", "assets/", {}), {"name": "Ekonomi"}, format="json")
    assert asset.status_code == 201
    duplicate = client.post(_url("org-a", "assets/", {}), {"name": "Ekonomi"}, format="json")
    assert duplicate.status_code == 400
    assert "name" in duplicate.json()["errors"]
    response = client.post(
        _url("org-a", "procurements/", {}),
        {
            "name": "Ekonomisystem",
            "reference": "KS 2026/9",
            "procedure": "oppet",
            "catalogue": str(world.objects["catalogue"]),
            "assets": [asset.json()["id"]],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["profile"]["ready"] is False  # the new asset is unclassified
    annex = client.get(response.json()["annex"]["pdf"])
    assert annex.status_code == 409
    ready = client.get(_url("org-a", "procurements/{procurement}/annex.docx", world.objects))
    assert ready.status_code == 200
    assert ready["Content-Type"].startswith("application/vnd.openxmlformats")


def test_processor_agreement_locations_and_subprocessors(world: World) -> None:
    client = world.client(world.write_a)
    url = _url("org-a", "contracts/{contract}/processor-agreement/", world.objects)
    assert client.get(url).status_code == 404
    body = {
        "signed_on": "2026-01-01",
        "covers": ["a", "b", "c"],
        "document": str(world.objects["document"]),
    }
    created = client.put(url, body, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["gaps"] == ["d", "e", "f", "g", "h"]
    assert client.put(url, body, format="json").status_code == 428
    replaced = client.put(
        url, body | {"covers": list("abcdefgh")}, format="json", HTTP_IF_MATCH=created["ETag"]
    )
    assert replaced.status_code == 200
    assert replaced.json()["gaps"] == []
    locations = _url("org-a", "contracts/{contract}/locations/", world.objects)
    refused = client.post(locations, {"country": "US"}, format="json")
    assert refused.status_code == 400
    assert "transfer_mechanism" in refused.json()["errors"]
    added = client.post(locations, {"country": "US", "transfer_mechanism": "scc"}, format="json")
    assert added.status_code == 201
    assert added.json()["eu_eea"] is False
    subprocessors = _url("org-a", "suppliers/{supplier}/subprocessors/", world.objects)
    response = client.post(
        subprocessors,
        {
            "subprocessor": {"name": "Moln Inc", "country": "US", "registration_number": "123"},
            "service": "Drift",
            "country": "US",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    bad = client.post(
        subprocessors,
        {"subprocessor": {"name": "X", "orgnr": "123"}, "service": "Drift", "country": "SE"},
        format="json",
    )
    assert bad.status_code == 400
    assert "subprocessor.orgnr" in bad.json()["errors"]
    listed = client.get(subprocessors).json()["results"]
    assert [(link["subprocessor"]["name"], link["eu_eea"]) for link in listed] == [
        ("Moln Inc", False)
    ]


def test_evidence_and_documents(world: World) -> None:
    client = world.client(world.write_a)
    upload = client.post(
        _url("org-a", "documents/", {}),
        {"file": SimpleUploadedFile("rapport.pdf", b"%PDF-1.7 rapport")},
        format="multipart",
    )
    assert upload.status_code == 201, upload.json()
    refused = client.post(
        _url("org-a", "documents/", {}),
        {"file": SimpleUploadedFile("rapport.pdf", b"not a pdf")},
        format="multipart",
    )
    assert refused.status_code == 400
    assert list(refused.json()["errors"]) == ["file"]  # the field, as for any other
    content = client.get(upload.json()["content"])
    assert content.content == b"%PDF-1.7 rapport"
    pentest = client.post(
        _url("org-a", "pentests/", {}),
        {
            "supplier": str(world.objects["supplier"]),
            "performed_on": "2026-03-01",
            "performed_by": "Säkerhet AB",
            "scope": "Webb och API",
            "report": upload.json()["id"],
        },
        format="json",
    )
    assert pentest.status_code == 201, pentest.json()
    certificate = client.post(
        _url("org-a", "certificates/", {}),
        {
            "supplier": str(world.objects["supplier"]),
            "kind": "iso27001",
            "issuer": "Cert AB",
            "scope": "Drift",
            "valid_from": "2026-01-01",
            "valid_until": "2025-01-01",
        },
        format="json",
    )
    assert certificate.status_code == 400
    assert "valid_until" in certificate.json()["errors"]
    expired = client.get(_url("org-a", "certificates/", {}), {"expired": "true"})
    assert expired.json()["count"] == 0


def test_filters_and_ordering(world: World) -> None:
    client = world.client(world.write_a)
    for name in ("Beta AB", "Alfa AB"):
        client.post(
            _url("org-a", "suppliers/", {}),
            {"name": name, "country": "NO", "registration_number": name},
            format="json",
        )
    names = [
        s["name"]
        for s in client.get(_url("org-a", "suppliers/", {}), {"ordering": "-name"}).json()[
            "results"
        ]
    ]
    assert names == sorted(names, reverse=True)
    found = client.get(_url("org-a", "suppliers/", {}), {"q": "alfa"}).json()
    assert [s["name"] for s in found["results"]] == ["Alfa AB"]
    critical = client.get(_url("org-a", "suppliers/", {}), {"min_criticality": 2}).json()
    assert critical["count"] == 1
    bad = client.get(_url("org-a", "suppliers/", {}), {"ordering": "password"})
    assert bad.status_code == 400
    assert "ordering" in bad.json()["errors"]


def test_catalogues_are_for_members(world: World) -> None:
    client = world.client(world.read_a)
    catalogues = client.get("/api/v1/catalogues/").json()
    assert catalogues["count"] == 1
    requirements = client.get(
        f"/api/v1/catalogues/{world.objects['catalogue']}/requirements/", {"scheme": "gdpr"}
    ).json()
    assert [r["key"] for r in requirements["results"]] == ["T-INC-01"]
    detail = client.get(
        f"/api/v1/catalogues/{world.objects['catalogue']}/requirements/{world.objects['requirement']}/"
    )
    assert detail.status_code == 200
    outsider = world.personas.client(world.personas.outsider)
    assert outsider.get("/api/v1/catalogues/").status_code == 404


def test_datetimes_carry_their_offset(world: World) -> None:
    created = world.client(world.read_a).get(_url("org-a", "", {})).json()["created_at"]
    parsed = dt.datetime.fromisoformat(created)
    assert parsed.utcoffset() is not None
