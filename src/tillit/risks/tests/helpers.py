"""Objects the risk tests link risks to: a finding and an incident case of an organisation."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tillit.accounts.models import User
from tillit.assessments.models import Finding
from tillit.incidents.models import Case, ReportedVia
from tillit.incidents.services import incident_register
from tillit.organisations.models import Organisation
from tillit.risks.models import Risk
from tillit.risks.services import risk_create
from tillit.testing import make_assessment, make_asset, make_contract


def make_finding(organisation: Organisation, title: str = "Ingen övad incidentrutin") -> Finding:
    assessment = make_assessment(organisation)
    return Finding.objects.create(
        organisation=organisation,
        assessment=assessment,
        title=title,
        severity="high",
        required_action="Dokumentera och öva rutinen.",
        deadline=dt.date(2030, 1, 1),
    )


def make_case(organisation: Organisation, user: User) -> Case:
    """An incident at a supplier of a contract serving one system, and the organisation's case."""
    asset = make_asset(organisation, "Lönesystem", confidentiality=3, personal_data=True)
    contract = make_contract(organisation, assets=[asset])
    incident = incident_register(
        acting_user=user,
        via=ReportedVia.STAFF,
        supplier=contract.supplier,
        title="Intrång hos lönesystemets leverantör",
        description="Kunddata kopierades.",
        started_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        discovered_at=dt.datetime(2026, 1, 2, tzinfo=dt.UTC),
        data_categories="Namn och personnummer",
        severity="high",
    )
    return incident.cases.get(organisation=organisation)


def make_risk(organisation: Organisation, user: User, **values: Any) -> Risk:
    defaults: dict[str, Any] = {
        "title": "Leverantören tappar kunddata",
        "inherent_likelihood": 3,
        "inherent_consequence": 3,
    }
    return risk_create(acting_user=user, organisation=organisation, **(defaults | values))
