"""Demo risks of Exempelstads kommun: the HR supplier behind the demo incident, a finding of its
assessment, and the municipality's own systems, with every treatment, one risk accepted within
the risk appetite and one above it (by management, with a reason)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from tillit.accounts.models import User
from tillit.assessments.models import Finding, FindingStatus
from tillit.classification.models import Asset
from tillit.incidents.models import Case
from tillit.organisations.models import Organisation
from tillit.organisations.roles import Role, permissions_for
from tillit.risks.models import Risk
from tillit.risks.services import risk_accept, risk_create, risk_settings_set
from tillit.suppliers.models import Contract

SLUG = "exempelstad"
HR_ORGNR = "556677-8899"


def _user(email: str) -> User:
    return User.objects.get(email=email)


def _asset(organisation: Organisation, name: str) -> Asset | None:
    return Asset.objects.filter(organisation=organisation, name=name).first()


def load_risks() -> None:
    organisation = Organisation.objects.get(slug=SLUG)
    if Risk.objects.filter(organisation=organisation).exists():
        return
    today = timezone.localdate()
    coordinator = _user("samordnare@exempelstad.test")
    owner = _user("systemagare@exempelstad.test")
    management = _user("ledning@exempelstad.test")
    risk_settings_set(acting_user=management, organisation=organisation, matrix_size=4, appetite=4)
    contract = Contract.objects.filter(organisation=organisation, supplier__orgnr=HR_ORGNR).first()
    hr = {
        "supplier": contract.supplier if contract else None,
        "contract": contract,
        "asset": _asset(organisation, "Personalsystem (HR och lön)"),
    }
    finding = (
        Finding.objects.filter(organisation=organisation, status=FindingStatus.OPEN)
        .order_by("created_at")
        .first()
    )
    case = Case.objects.filter(
        organisation=organisation, incident__supplier__orgnr=HR_ORGNR
    ).first()

    def create(**values: Any) -> Risk:
        return risk_create(acting_user=coordinator, organisation=organisation, **values)

    create(
        title="Personuppgifter hos HR-leverantören läcker igen",
        description=(
            "Leverantören har redan drabbats av ett utpressningsangrepp. Systemet rymmer "
            "personnummer, sjukfrånvaro och anställda med skyddade personuppgifter."
        ),
        **hr,
        case=case,
        inherent_likelihood=3,
        inherent_consequence=4,
        residual_likelihood=2,
        residual_consequence=4,
        treatment="reduce",
        measures=(
            "Kräv en aktuell förteckning över underbiträden, kryptering av säkerhetskopior och "
            "att skyddade personuppgifter hålls utanför systemet. Öva incidentrapportering med "
            "leverantören."
        ),
        owner=coordinator,
        due_on=today + dt.timedelta(days=90),
        review_on=today + dt.timedelta(days=180),
        status="treating",
    )
    if finding is not None:
        create(
            title=finding.title[:200],
            description="Föreslagen från en avvikelse i årets säkerhetsbedömning.",
            supplier=hr["supplier"],
            contract=contract,
            finding=finding,
            inherent_likelihood=3,
            inherent_consequence=3,
            residual_likelihood=2,
            residual_consequence=3,
            treatment="reduce",
            measures="Följ upp leverantörens åtgärd och begär bevis på att rutinen har övats.",
            owner=owner,
            due_on=finding.deadline,
            review_on=today + dt.timedelta(days=120),
            status="treating",
        )
    backups = create(
        title="Säkerhetskopior lagras hos ett underbiträde i USA",
        description="HR-leverantörens driftleverantör säkerhetskopierar hos ett bolag i USA.",
        **hr,
        inherent_likelihood=2,
        inherent_consequence=3,
        treatment="accept",
        owner=_user("dso@exempelstad.test"),
        review_on=today + dt.timedelta(days=365),
    )
    risk_accept(
        acting_user=coordinator,
        permissions=permissions_for({Role.SECURITY_COORDINATOR}),
        risk=backups,
        accepted_on=today - dt.timedelta(days=20),
        reason=(
            "Standardavtalsklausuler finns och säkerhetskopiorna är krypterade med nycklar i EU. "
            "Omprövas vid nästa avtalsförlängning."
        ),
    )
    invoices = create(
        title="Falska fakturor betalas ut via ekonomisystemet",
        description="Bedragare utger sig för att vara en leverantör och byter bankgiro.",
        asset=_asset(organisation, "Ekonomisystem"),
        inherent_likelihood=3,
        inherent_consequence=4,
        residual_likelihood=2,
        residual_consequence=4,
        treatment="reduce",
        measures="Ändrade betalningsuppgifter bekräftas per telefon med känd kontakt.",
        owner=owner,
        review_on=today + dt.timedelta(days=90),
        status="treating",
    )
    risk_accept(
        acting_user=management,
        permissions=permissions_for({Role.MANAGEMENT}),
        risk=invoices,
        accepted_on=today - dt.timedelta(days=7),
        reason=(
            "Dubbel attest av varje betalning står inte i proportion till risken. Beslutat av "
            "kommundirektören; omprövas efter årsbokslutet."
        ),
    )
    create(
        title="Skolplattformen är otillgänglig under nationella prov",
        asset=_asset(organisation, "Skolplattform"),
        inherent_likelihood=2,
        inherent_consequence=3,
        residual_likelihood=1,
        residual_consequence=3,
        treatment="reduce",
        measures="Reservrutin på papper; förstärkt support från leverantören under provveckorna.",
        owner=owner,
        due_on=today + dt.timedelta(days=45),
    )
    create(
        title="Känsliga uppgifter skickas till leverantörer med vanlig e-post",
        **hr,
        inherent_likelihood=3,
        inherent_consequence=3,
        residual_likelihood=1,
        residual_consequence=3,
        treatment="avoid",
        measures="Uppgifter lämnas bara via leverantörens krypterade portal; e-post stängs av.",
        owner=coordinator,
        due_on=today + dt.timedelta(days=30),
        status="treating",
    )
    create(
        title="Kommunens webbplats slås ut av en överbelastningsattack",
        asset=_asset(organisation, "Kommunens webbplats"),
        inherent_likelihood=3,
        inherent_consequence=2,
        residual_likelihood=2,
        residual_consequence=1,
        treatment="transfer",
        measures="Skydd mot överbelastningsattacker ingår nu i driftavtalet.",
        owner=owner,
        status="closed",
    )
