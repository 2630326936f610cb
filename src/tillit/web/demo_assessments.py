"""Demo assessments of the Miljödata-like HR supplier, one in every state: completed with
findings (and shared with every organisation), submitted and half reviewed, with the supplier
and half answered, and a draft."""

from __future__ import annotations

from tillit.accounts.models import User
from tillit.assessments import services
from tillit.assessments.models import Answer, Assessment, PortalLink, Review
from tillit.suppliers.models import Contract
from tillit.web.demo_suppliers import CUSTOMERS

TITLE = "Årlig säkerhetsbedömning 2026"
SUPPLIER_CONTACT = "sakerhet@exempeldata-hr.test"

# The supplier's answers, by requirement area: what a small supplier typically has in place.
WEAK_AREAS = ("incident", "logg", "kontinuitet", "underleverant")


def _answer_for(area: str, position: int) -> tuple[str, str]:
    if any(word in area.lower() for word in WEAK_AREAS):
        if position % 2:
            return Answer.NOT_MET, "Vi har ingen dokumenterad rutin ännu; den tas fram under året."
        return Answer.PARTIAL, "Rutinen finns men har inte övats eller följts upp."
    return Answer.MET, "Ingår i vårt ledningssystem för informationssäkerhet (ISO/IEC 27001)."


def _answer(link: PortalLink, assessment: Assessment, share: float) -> None:
    questions = list(assessment.questions.all())
    for question in questions[: int(len(questions) * share)]:
        answer, description = _answer_for(question.localised("area"), question.position)
        services.answer_save(
            link=link,
            question=question,
            version=question.version,
            answer=answer,
            description=description,
        )


def _review(reviewer: User, assessment: Assessment, share: float) -> None:
    questions = list(assessment.questions.all())
    for question in questions[: int(len(questions) * share)]:
        rejected = question.answer == Answer.PARTIAL and question.mandatory
        services.answer_review(
            acting_user=reviewer,
            question=question,
            review=Review.REJECTED if rejected else Review.ACCEPTED,
            comment="Beskriv hur rutinen övas och följs upp." if rejected else "",
        )


def load_assessments() -> list[str]:
    """Create the demo assessments if missing; return portal links made now (for the console)."""
    if Assessment.objects.filter(title=TITLE).exists():
        return []
    # (slug, how far it gets): completed, submitted, sent, draft.
    stages = dict(
        zip(
            [slug for slug, *_ in CUSTOMERS],
            ("completed", "submitted", "sent", "draft"),
            strict=True,
        )
    )
    portal_links = []
    for slug, email, _subjects, _protected in CUSTOMERS:
        stage = stages[slug]
        coordinator = User.objects.get(email=email)
        contract = Contract.objects.get(organisation__slug=slug, supplier__orgnr="556677-8899")
        assessment = services.assessment_create(
            acting_user=coordinator,
            organisation=contract.organisation,
            contracts=[contract],
            title=TITLE,
        )
        if stage == "draft":
            continue
        link, token = services.link_issue(
            acting_user=coordinator,
            assessment=assessment,
            contact_name="Sara Säkerhetschef",
            contact_email=SUPPLIER_CONTACT,
        )
        portal_links.append(f"{contract.organisation.name}: {services.portal_url(token)}")
        _answer(link, assessment, share=0.5 if stage == "sent" else 1.0)
        if stage == "sent":
            continue
        services.assessment_submit(link=link)
        _review(coordinator, assessment, share=0.5 if stage == "submitted" else 1.0)
        if stage == "submitted":
            continue
        findings = services.review_complete(acting_user=coordinator, assessment=assessment)
        for number, finding in enumerate(findings):
            if number % 3 == 0:
                services.finding_update(acting_user=coordinator, finding=finding, severity="medium")
            if number % 3 == 1:
                services.finding_respond(
                    link=link,
                    finding=finding,
                    response="Rutinen är nu dokumenterad och övades i oktober.",
                )
        services.consent_give(link=link, all_organisations=True, organisations=[])
    return portal_links
