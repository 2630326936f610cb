"""Fixtures of the API tests: tokens for the shared personas, and one of each of organisation
A's objects."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from tillit.accounts.models import User
from tillit.api.models import TokenScope
from tillit.api.services import api_token_create
from tillit.assessments.models import Finding
from tillit.assessments.services import assessment_create
from tillit.conftest import Personas
from tillit.documents.services import document_store
from tillit.incidents.models import ReportedVia
from tillit.incidents.services import incident_register
from tillit.organisations.models import Organisation
from tillit.procurement.services import procurement_create
from tillit.reports.services import report_request
from tillit.risks.services import risk_create
from tillit.suppliers.services import certificate_add, pentest_add
from tillit.testing import make_asset, make_catalogue, make_contract

FEW, MANY = 2, 14


def cost(client: Any, url: str, **params: Any) -> tuple[int, Any]:
    """The number of queries a GET of url takes, and its JSON. A first request, not counted,
    takes what is not the list's: the token recording its use (at most once a minute)."""
    client.get(url, params)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200, response.content
    return len(queries), response.json()


def make_token(
    user: User,
    organisation: Organisation,
    scope: str = TokenScope.READ_WRITE,
    name: str = "Integration",
) -> str:
    _token, secret = api_token_create(
        acting_user=user,
        organisation=organisation,
        name=name,
        scope=scope,
        expires_on=timezone.localdate() + dt.timedelta(days=30),
    )
    return secret


def client_with(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


@dataclass
class World:
    """One of each of organisation A's objects, and tokens to reach them."""

    personas: Personas
    objects: dict[str, Any]
    write_a: str  # admin_a's read-write token for A
    read_a: str  # admin_a's read token for A
    write_b: str  # coordinator_b's read-write token for B

    def client(self, secret: str) -> APIClient:
        return client_with(secret)


def objects_of(personas: Personas) -> dict[str, Any]:
    admin = personas.admin_a
    org = personas.org_a
    catalogue = make_catalogue()
    asset = make_asset(org, confidentiality=2)
    contract = make_contract(org, assets=[asset])
    document = document_store(
        acting_user=admin,
        organisation=org,
        upload=SimpleUploadedFile("avtal.pdf", b"%PDF-1.7 test"),
    )
    procurement = procurement_create(
        acting_user=admin,
        organisation=org,
        name="P",
        reference="KS 2026/1",
        procedure="oppet",
        officer=None,
        catalogue=catalogue,
        assets=[asset],
    )
    certificate = certificate_add(
        acting_user=admin,
        organisation=org,
        supplier=contract.supplier,
        kind="iso27001",
        issuer="Cert AB",
        scope="Allt",
        valid_from=dt.date(2025, 1, 1),
        valid_until=dt.date(2028, 1, 1),
        document=document,
    )
    pentest = pentest_add(
        acting_user=admin,
        organisation=org,
        supplier=contract.supplier,
        performed_on=dt.date(2026, 1, 1),
        performed_by="Test AB",
        scope="Webb",
    )
    assessment = assessment_create(
        acting_user=admin, organisation=org, contracts=[contract], title="Bedömning"
    )
    question = assessment.questions.get(requirement_key="T-BASE-01")
    finding = Finding.objects.create(
        organisation=org,
        assessment=assessment,
        question=question,
        title="F",
        severity="high",
        required_action="Åtgärda",
        deadline=dt.date(2030, 1, 1),
    )
    incident = incident_register(
        acting_user=admin,
        via=ReportedVia.STAFF,
        supplier=contract.supplier,
        title="Intrång",
        description="Något hände",
        started_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        discovered_at=dt.datetime(2026, 1, 2, tzinfo=dt.UTC),
        severity="high",
    )
    case = incident.cases.get(organisation=org)
    step = case.steps.first()
    assert step is not None
    risk = risk_create(
        acting_user=admin,
        organisation=org,
        title="Leverantören faller bort",
        inherent_likelihood=3,
        inherent_consequence=3,
        finding=finding,
    )
    report = report_request(
        acting_user=admin,
        organisation=org,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 3, 31),
        language="sv",
    )
    return {
        "assessment": assessment.pk,
        "question": question.pk,
        "finding": finding.pk,
        "case": case.pk,
        "step": str(step),  # <regime>.<step>
        "draft": "imy",
        "risk": risk.pk,
        "report": report.pk,
        "asset": asset.pk,
        "supplier": contract.supplier.pk,
        "contract": contract.pk,
        "document": document.pk,
        "procurement": procurement.pk,
        "certificate": certificate.pk,
        "pentest": pentest.pk,
        "catalogue": catalogue.pk,
        "requirement": catalogue.requirements.first().pk,  # type: ignore[union-attr]
        "fmt": "pdf",
    }


@pytest.fixture
def world(personas: Personas) -> World:
    return World(
        personas=personas,
        objects=objects_of(personas),
        write_a=make_token(personas.admin_a, personas.org_a),
        read_a=make_token(personas.admin_a, personas.org_a, TokenScope.READ, "Reader"),
        write_b=make_token(personas.coordinator_b, personas.org_b),
    )
