"""Every organisation-scoped route, as every persona: B and outsiders get 404 for A's data.

Routes are discovered from the URL resolver, so a new route under /o/<org>/ is covered (or makes
this test fail until it says which object its extra URL arguments point at)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from tillit.api.services import api_token_create
from tillit.assessments.models import Finding
from tillit.assessments.services import link_issue
from tillit.catalogue.models import Requirement
from tillit.conftest import Personas
from tillit.documents.services import document_store
from tillit.imports.models import ImportJob
from tillit.incidents.models import ReportedVia
from tillit.incidents.services import incident_register
from tillit.organisations.models import Membership
from tillit.organisations.roles import Role
from tillit.procurement.services import adjustment_set, procurement_create, tender_create
from tillit.reports.services import report_request
from tillit.risks.services import risk_create
from tillit.suppliers.services import certificate_add, pentest_add
from tillit.testing import (
    make_assessment,
    make_asset,
    make_catalogue,
    make_contract,
    make_member,
)


def _org_routes() -> list[str]:
    names = []
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and "<slug:org>" in str(entry.pattern):
            names += [p.name for p in entry.url_patterns if isinstance(p, URLPattern) and p.name]
    return names


def _objects_of_a(personas: Personas) -> dict[str, Any]:
    """One object of organisation A for every kind of URL argument."""
    catalogue = make_catalogue()
    asset = make_asset(personas.org_a, confidentiality=2)
    procurement = procurement_create(
        acting_user=personas.admin_a,
        organisation=personas.org_a,
        name="P",
        reference="1",
        procedure="oppet",
        officer=None,
        catalogue=catalogue,
        assets=[asset],
    )
    requirement = Requirement.objects.get(catalogue=catalogue, key="T-BASE-01")
    adjustment = adjustment_set(
        acting_user=personas.admin_a,
        procurement=procurement,
        requirement=requirement,
        action="downgrade",
        justification="test",
    )
    tender = tender_create(acting_user=personas.admin_a, procurement=procurement, tenderer="T")
    contract = make_contract(personas.org_a, assets=[asset])
    document = document_store(
        acting_user=personas.admin_a,
        organisation=personas.org_a,
        upload=SimpleUploadedFile("avtal.pdf", b"%PDF-1.7 test"),
    )
    assessment = make_assessment(personas.org_a, supplier=contract.supplier)
    link, _token = link_issue(
        acting_user=personas.admin_a,
        assessment=assessment,
        contact_name="Kim",
        contact_email="kim@leverantor.test",
    )
    question = assessment.questions.get(requirement_key="T-BASE-01")
    finding = Finding.objects.create(
        organisation=personas.org_a,
        assessment=assessment,
        question=question,
        title="F",
        severity="high",
        required_action="Fix",
        deadline=dt.date(2030, 1, 1),
    )
    incident = incident_register(
        acting_user=personas.admin_a,
        via=ReportedVia.STAFF,
        supplier=contract.supplier,
        title="Intrång",
        description="Något hände",
        started_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        discovered_at=dt.datetime(2026, 1, 2, tzinfo=dt.UTC),
        severity="high",
    )
    case = incident.cases.get(organisation=personas.org_a)
    step = case.steps.first()
    assert step is not None
    job = ImportJob.objects.create(
        organisation=personas.org_a, kind="contracts", document=document, dry_run=True
    )
    return {
        "membership": Membership.objects.get(user=personas.reader_a).pk,
        "job": job.pk,
        "case": case.pk,
        "draft": "imy",
        "step": step.pk,
        "assessment": assessment.pk,
        "link": link.pk,
        "question": question.pk,
        "finding": finding.pk,
        # Another organisation's assessment shared with A would be importable; one of A's own
        # stands in, so B must get 404 before any sharing check.
        "source": assessment.pk,
        "asset": asset.pk,
        "requirement": requirement.pk,
        "procurement": procurement.pk,
        "adjustment": adjustment.pk,
        "tender": tender.pk,
        "supplier": contract.supplier.pk,
        "contract": contract.pk,
        "document": document.pk,
        "fmt": "pdf",
        "kind": "contracts",  # an import template
        "api_token": api_token_create(
            acting_user=personas.admin_a,
            organisation=personas.org_a,
            name="Integration",
            scope="read",
            expires_on=timezone.localdate(),
        )[0].pk,
        "certificate": certificate_add(
            acting_user=personas.admin_a,
            organisation=personas.org_a,
            supplier=contract.supplier,
            kind="iso27001",
            issuer="Cert AB",
            scope="Drift",
            valid_from=dt.date(2026, 1, 1),
            valid_until=dt.date(2029, 1, 1),
        ).pk,
        "pentest": pentest_add(
            acting_user=personas.admin_a,
            organisation=personas.org_a,
            supplier=contract.supplier,
            performed_on=dt.date(2026, 1, 1),
            performed_by="Test AB",
            scope="Webb",
        ).pk,
        "report": report_request(
            acting_user=personas.admin_a,
            organisation=personas.org_a,
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2026, 3, 31),
            language="sv",
        ).pk,
        "risk": risk_create(
            acting_user=personas.admin_a,
            organisation=personas.org_a,
            title="R",
            inherent_likelihood=2,
            inherent_consequence=2,
            finding=finding,
            case=case,
        ).pk,
    }


def test_other_organisations_and_outsiders_get_404(personas: Personas) -> None:
    objects = _objects_of_a(personas)
    routes = _org_routes()
    assert len(routes) >= 5
    for name in routes:
        pattern = get_resolver().reverse_dict.getlist(name)[0][0][0][1]
        missing = set(pattern) - {"org"} - set(objects)
        assert not missing, f"route {name} takes {missing}: add an object of organisation A"
        kwargs = {key: objects[key] for key in pattern if key != "org"}
        url = reverse(name, kwargs=kwargs | {"org": "org-a"})
        for user in (personas.coordinator_b, personas.outsider):
            client = personas.client(user)
            # 405 (wrong method) says nothing about the organisation; one method must reach
            # the access check and get 404.
            statuses = {client.get(url).status_code, client.post(url).status_code}
            assert statuses <= {404, 405}, f"{url} as {user}: {statuses}"
            assert 404 in statuses, f"{url} as {user}: {statuses}"
    assert Membership.objects.filter(user=personas.reader_a).exists()


# URL arguments that do not name an organisation's data: formats, import kinds, and the
# requirements of the catalogues every organisation shares.
NOT_OBJECTS = {"org", "fmt", "kind", "draft", "requirement"}


def test_a_member_of_another_organisation_cannot_reach_its_objects_through_its_own(
    personas: Personas,
) -> None:
    """B's administrator (who may do everything in B) asks for A's objects under B's own
    address: 404, never A's data."""
    objects = _objects_of_a(personas)
    client = personas.client(make_member(personas.org_b, Role.ADMIN, "admin@b.test"))
    checked = 0
    for name in _org_routes():
        pattern = get_resolver().reverse_dict.getlist(name)[0][0][0][1]
        if not set(pattern) - NOT_OBJECTS:
            continue  # a list or a form of B's own
        kwargs = {key: objects[key] for key in pattern if key != "org"}
        url = reverse(name, kwargs=kwargs | {"org": "org-b"})
        statuses = {client.get(url).status_code, client.post(url).status_code}
        assert statuses <= {404, 405}, f"{url}: {statuses}"
        assert 404 in statuses, f"{url}: {statuses}"
        checked += 1
    assert checked >= 20


# The REST API: the same boundary for every route under /api/v1/organisations/<org>/, with a
# token of organisation B and in the browser.


def _api_routes() -> list[str]:
    """The API's organisation routes, wherever they sit in the resolver tree."""

    def walk(entries: list[Any], prefix: str) -> list[str]:
        names = []
        for entry in entries:
            full = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                names += walk(entry.url_patterns, full)
            elif entry.name and full.startswith("api/") and "<slug:org>" in full:
                names.append(entry.name)
        return names

    return walk(get_resolver().url_patterns, "")


def _api_statuses(client: Any, url: str, headers: dict[str, str]) -> set[int]:
    return {
        getattr(client, method)(url, headers=headers).status_code
        for method in ("get", "post", "put", "patch", "delete")
    }


def test_the_api_gives_other_organisations_and_outsiders_404(
    personas: Personas, settings: Any
) -> None:
    # Hundreds of requests with one token: no rate limit gets in the way of the test.
    rates = {"token": "100000/minute", "user": "100000/minute", "anonymous": "100000/minute"}
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {"DEFAULT_THROTTLE_RATES": rates}
    objects = _objects_of_a(personas)
    _token, secret = api_token_create(
        acting_user=personas.coordinator_b,
        organisation=personas.org_b,
        name="B",
        scope="read_write",
        expires_on=timezone.localdate(),
    )
    routes = _api_routes()
    assert len(routes) >= 20
    for name in routes:
        pattern = get_resolver().reverse_dict.getlist(name)[0][0][0][1]
        missing = set(pattern) - {"org"} - set(objects)
        assert not missing, f"route {name} takes {missing}: add an object of organisation A"
        kwargs = {key: objects[key] for key in pattern if key != "org"}
        url = reverse(name, kwargs=kwargs | {"org": "org-a"})
        callers = [
            (personas.client(personas.coordinator_b), {}),
            (personas.client(personas.outsider), {}),
            (Client(), {"Authorization": f"Bearer {secret}"}),
        ]
        for client, headers in callers:
            statuses = _api_statuses(client, url, headers)
            assert statuses <= {404, 405}, f"{url}: {statuses}"
            assert 404 in statuses, f"{url}: {statuses}"
        if set(pattern) - NOT_OBJECTS:
            # A's object under B's own address, with B's token.
            url = reverse(name, kwargs=kwargs | {"org": "org-b"})
            statuses = _api_statuses(Client(), url, {"Authorization": f"Bearer {secret}"})
            assert statuses <= {404, 405}, f"{url}: {statuses}"
            assert 404 in statuses, f"{url}: {statuses}"
