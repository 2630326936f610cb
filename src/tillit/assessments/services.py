"""Writes for assessments: creating the questionnaire, portal links and one-time codes, the
supplier's answers, the review, findings and the supplier's consent to share.

Staff act as users; the supplier acts through a PortalLink and is recorded in the audit log by
the link's contact e-mail.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tillit.accounts.models import User
from tillit.assessments.models import (
    Answer,
    Assessment,
    AssessmentStatus,
    Finding,
    FindingStatus,
    PortalLink,
    Question,
    Review,
    Severity,
    SharingConsent,
)
from tillit.assessments.selectors import shared_with
from tillit.audit.services import REQUEST, audit_record, audited_update, diff, snapshot
from tillit.catalogue.selectors import default_catalogue, requirement_profile
from tillit.classification.selectors import merged_facts
from tillit.documents.models import Document
from tillit.documents.services import document_stored
from tillit.organisations.models import Organisation
from tillit.suppliers.models import Contract
from tillit.web.tasks import send_email

LINK_VALIDITY = dt.timedelta(days=30)
CODE_VALIDITY = dt.timedelta(minutes=10)
CODE_ATTEMPTS = 5
FINDING_DEADLINE = dt.timedelta(days=90)


class EditConflictError(Exception):
    """Someone else saved the answer after this person loaded it."""

    def __init__(self, question: Question) -> None:
        super().__init__(str(question.pk))
        self.question = question


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _portal_actor(link: PortalLink) -> str:
    return f"portal: {link.contact_email}"


def _audit_portal(
    link: PortalLink, action: str, obj: Any, changes: dict[str, list[Any]] | None = None
) -> None:
    """Record what the supplier did through its link, named by the link's contact."""
    audit_record(
        actor=None,
        actor_label=_portal_actor(link),
        organisation_id=link.assessment.organisation_id,
        action=action,
        obj=obj,
        changes=changes or {},
    )


# -- The questionnaire ------------------------------------------------------------------------


@transaction.atomic
def assessment_create(
    *,
    acting_user: User,
    organisation: Organisation,
    contracts: list[Contract],
    title: str,
    due_on: dt.date | None = None,
) -> Assessment:
    """An assessment of one supplier over one or more of its contracts, with the questionnaire
    generated from the merged requirement profile of the assets those contracts serve."""
    if not contracts:
        raise ValidationError({"contracts": _("Choose at least one contract.")})
    if any(contract.organisation_id != organisation.id for contract in contracts):
        raise ValidationError({"contracts": _("Choose contracts of your own organisation.")})
    suppliers = {contract.supplier_id for contract in contracts}
    if len(suppliers) > 1:
        raise ValidationError({"contracts": _("The contracts must all be with the same supplier.")})
    if not title.strip():
        raise ValidationError({"title": _("Give the assessment a title.")})
    assets = {
        asset.pk: asset
        for contract in contracts
        for asset in contract.assets.select_related("current")
    }
    if not assets:
        raise ValidationError(
            {"contracts": _("The contracts serve no system: link the systems they serve first.")}
        )
    unclassified = sorted(asset.name for asset in assets.values() if asset.current is None)
    if unclassified:
        raise ValidationError(
            {
                "contracts": _("Classify these systems first: %(names)s")
                % {"names": ", ".join(unclassified)}
            }
        )
    facts = merged_facts(asset.current for asset in assets.values() if asset.current)
    if facts.max_level >= 4:
        raise ValidationError(
            {
                "contracts": _(
                    "A system is on the security-protection track (level 4): it needs a "
                    "säkerhetsskyddsanalys and a säkerhetsskyddsavtal, not an ordinary assessment."
                )
            }
        )
    catalogue = default_catalogue()
    if catalogue is None:
        raise ValidationError(_("No requirement catalogue is installed."))
    profile = requirement_profile(facts, catalogue)
    assessment = Assessment.objects.create(
        organisation=organisation,
        supplier=contracts[0].supplier,
        title=title.strip(),
        catalogue=catalogue,
        due_on=due_on,
        created_by=acting_user,
    )
    assessment.contracts.set(contracts)
    Question.objects.bulk_create(
        Question(
            assessment=assessment,
            position=position,
            requirement_key=entry.requirement.key,
            area=entry.requirement.area.title,
            title=entry.requirement.title,
            text={language: entry.text("ska", language) for language in ("sv", "en")},
            verification={
                language: entry.text("verification", language) for language in ("sv", "en")
            },
            mandatory=entry.item.obligation == "ska",
        )
        for position, entry in enumerate(profile.entries, start=1)
    )
    audit_record(
        actor=acting_user,
        organisation_id=organisation.id,
        action="assessment.create",
        obj=assessment,
        changes=diff(
            {},
            {
                "title": assessment.title,
                "supplier": assessment.supplier.identifier,
                "contracts": sorted(str(c.pk) for c in contracts),
                "catalogue": f"{catalogue.key} {catalogue.version}",
                "questions": len(profile.entries),
            },
        ),
    )
    return assessment


@transaction.atomic
def question_add(
    *, acting_user: User, assessment: Assessment, area: str, text: str, mandatory: bool
) -> Question:
    """A question added by hand, asked as written (in whichever language it is written)."""
    if assessment.status not in (AssessmentStatus.DRAFT, AssessmentStatus.SENT):
        raise ValidationError(_("Questions can only be added before the supplier submits."))
    if not text.strip():
        raise ValidationError({"text": _("Write the question.")})
    last = assessment.questions.order_by("-position").values_list("position", flat=True).first()
    area = area.strip() or _("Additional questions")
    question = Question.objects.create(
        assessment=assessment,
        position=(last or 0) + 1,
        area={"sv": area, "en": area},
        title={"sv": text.strip()[:80], "en": text.strip()[:80]},
        text={"sv": text.strip(), "en": text.strip()},
        mandatory=mandatory,
    )
    audit_record(
        actor=acting_user,
        organisation_id=assessment.organisation_id,
        action="assessment.question_add",
        obj=question,
        changes=diff({}, {"text": text.strip(), "mandatory": mandatory}),
    )
    return question


# -- Portal links and one-time codes ----------------------------------------------------------


def portal_url(token: str) -> str:
    return settings.BASE_URL + reverse("portal-entry", kwargs={"token": token})


@transaction.atomic
def link_issue(
    *,
    acting_user: User,
    assessment: Assessment,
    contact_name: str,
    contact_email: str,
    valid_for: dt.timedelta = LINK_VALIDITY,
) -> tuple[PortalLink, str]:
    """A new link for a supplier contact; returns it with the token, which is never stored.

    The token is mailed to the contact and shown to nobody else. Issuing the first link sends
    the assessment to the supplier.
    """
    if assessment.status == AssessmentStatus.COMPLETED and not assessment.findings.exclude(
        status=FindingStatus.CLOSED
    ):
        raise ValidationError(_("The assessment is completed and has no open findings."))
    contact_email = contact_email.strip().lower()
    if not contact_name.strip() or not contact_email:
        raise ValidationError(_("Give the contact's name and e-mail."))
    token = secrets.token_urlsafe(32)  # 256 bits
    link = PortalLink.objects.create(
        assessment=assessment,
        contact_name=contact_name.strip(),
        contact_email=contact_email,
        token_hash=_hash_token(token),
        created_by=acting_user,
        expires_at=timezone.now() + valid_for,
    )
    if assessment.status == AssessmentStatus.DRAFT:
        Assessment.objects.filter(pk=assessment.pk).update(status=AssessmentStatus.SENT)
        assessment.status = AssessmentStatus.SENT
    audit_record(
        actor=acting_user,
        organisation_id=assessment.organisation_id,
        action="assessment.link_issue",
        obj=link,
        changes=diff(
            {},
            {
                "contact": contact_email,
                "expires_at": link.expires_at.isoformat(),
                "status": assessment.status,
            },
        ),
    )
    body = render_to_string(
        "assessments/email/link.txt",
        {
            "assessment": assessment,
            "organisation": assessment.organisation,
            "link": link,
            "url": portal_url(token),
        },
    )
    subject = f"Tillit: {assessment.organisation.name} – {assessment.title}"
    transaction.on_commit(lambda: send_email.enqueue([contact_email], subject, body))
    return link, token


@transaction.atomic
def link_revoke(*, acting_user: User, link: PortalLink) -> None:
    if link.revoked_at is not None:
        return
    link.revoked_at = timezone.now()
    link.save(update_fields=["revoked_at"])
    audit_record(
        actor=acting_user,
        organisation_id=link.assessment.organisation_id,
        action="assessment.link_revoke",
        obj=link,
        changes=diff({}, {"revoked_at": link.revoked_at.isoformat()}),
    )


def link_for_token(token: str) -> PortalLink | None:
    """The link a token opens, if it is still valid (not revoked, not expired)."""
    if not token or len(token) > 100:
        return None
    link = (
        PortalLink.objects.select_related("assessment__organisation", "assessment__supplier")
        .filter(token_hash=_hash_token(token))
        .first()
    )
    if link is None or link.revoked_at is not None or link.expires_at <= timezone.now():
        return None
    return link


def _hash_code(link: PortalLink, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{link.pk}:{code}".encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def code_send(link: PortalLink) -> None:
    """Mail a fresh one-time code to the link's contact; earlier codes stop working."""
    code = f"{secrets.randbelow(1_000_000):06d}"
    link.code_hash = _hash_code(link, code)
    link.code_expires_at = timezone.now() + CODE_VALIDITY
    link.code_attempts = 0
    link.save(update_fields=["code_hash", "code_expires_at", "code_attempts"])
    _audit_portal(link, "portal.code_send", link)
    body = render_to_string(
        "assessments/email/code.txt",
        {"code": code, "minutes": int(CODE_VALIDITY.total_seconds() // 60), "link": link},
    )
    recipient = link.contact_email
    transaction.on_commit(
        lambda: send_email.enqueue([recipient], f"Tillit: {code}", body)  # code in the subject
    )


@transaction.atomic
def code_verify(link: PortalLink, code: str) -> bool:
    """Whether the code is the one last sent. Each code allows CODE_ATTEMPTS tries."""
    # Count the attempt first, atomically, so parallel guesses cannot exceed the limit.
    updated = PortalLink.objects.filter(
        pk=link.pk,
        code_attempts__lt=CODE_ATTEMPTS,
        code_expires_at__gt=timezone.now(),
    ).update(code_attempts=F("code_attempts") + 1)
    link.refresh_from_db(fields=["code_hash", "code_attempts", "code_expires_at"])
    ok = bool(updated) and hmac.compare_digest(link.code_hash, _hash_code(link, code.strip()))
    if ok:
        # Used once: the same code does not open a second session.
        link.code_hash = ""
        link.code_expires_at = None
        link.last_used_at = timezone.now()
        link.save(update_fields=["code_hash", "code_expires_at", "last_used_at"])
    _audit_portal(link, "portal.code_verify" if ok else "portal.code_wrong", link)
    return ok


def portal_log(link: PortalLink, action: str, obj: Any = None) -> None:
    """Record a request made through a portal link (every request is in the audit log, as
    `request.portal.<action>`; what it changes is recorded apart, by the service that does it)."""
    with transaction.atomic():
        PortalLink.objects.filter(pk=link.pk).update(last_used_at=timezone.now())
        _audit_portal(link, f"{REQUEST}portal.{action}", obj or link)


# -- The supplier's answers -------------------------------------------------------------------


def _check_editable(assessment: Assessment) -> None:
    if not assessment.editable_by_supplier:
        raise ValidationError(
            _("The assessment has been submitted and can no longer be changed.")
            if assessment.status in (AssessmentStatus.SUBMITTED, AssessmentStatus.COMPLETED)
            else _("The assessment is not open for answers.")
        )


@transaction.atomic
def answer_save(
    *, link: PortalLink, question: Question, version: int, answer: str, description: str
) -> Question:
    """Save one answer if nobody else saved it since `version` was read; else EditConflictError."""
    assessment = Assessment.objects.select_for_update().get(pk=question.assessment_id)
    _check_editable(assessment)
    if answer not in Answer.values:
        raise ValidationError({"answer": _("Choose one of the answers.")})
    before = snapshot(question, ["answer", "description"])
    now = timezone.now()
    updated = Question.objects.filter(pk=question.pk, version=version).update(
        answer=answer,
        description=description.strip(),
        answered_by=link.contact_email,
        answered_at=now,
        version=F("version") + 1,
    )
    question.refresh_from_db()
    if not updated:
        raise EditConflictError(question)
    _audit_portal(
        link, "portal.answer", question, diff(before, snapshot(question, ["answer", "description"]))
    )
    return question


@transaction.atomic
def evidence_add(*, link: PortalLink, question: Question, upload: UploadedFile | None) -> Document:
    """Attach an evidence file to an answer. The file is checked and stored encrypted as a
    document of the assessing organisation; a refused file raises ValidationError."""
    assessment = Assessment.objects.select_for_update().get(pk=link.assessment_id)
    _check_editable(assessment)
    if question.assessment_id != assessment.pk:
        raise ValidationError(_("The question is not part of this assessment."))
    with document_stored(
        acting_user=None,
        actor_label=_portal_actor(link),
        organisation=assessment.organisation,
        upload=upload,
    ) as document:
        if document is None:
            raise ValidationError(_("Choose a file to attach."))
        question.evidence.add(document)
        _audit_portal(
            link,
            "portal.evidence_add",
            question,
            diff({}, {"document": document.name, "sha256": document.sha256}),
        )
    return document


@transaction.atomic
def evidence_remove(*, link: PortalLink, question: Question, document: Document) -> None:
    """Detach an evidence file from an answer (the stored document itself is kept)."""
    assessment = Assessment.objects.select_for_update().get(pk=link.assessment_id)
    _check_editable(assessment)
    if question.assessment_id != assessment.pk:
        raise ValidationError(_("The question is not part of this assessment."))
    question.evidence.remove(document)
    _audit_portal(link, "portal.evidence_remove", question, diff({"document": document.name}, {}))


@transaction.atomic
def assessment_submit(*, link: PortalLink) -> Assessment:
    assessment = Assessment.objects.select_for_update().get(pk=link.assessment_id)
    _check_editable(assessment)
    unanswered = [q.label for q in assessment.questions.filter(answer="")]
    if unanswered:
        raise ValidationError(
            _("Answer every requirement before submitting. Not answered: %(labels)s")
            % {"labels": ", ".join(unanswered)}
        )
    assessment.status = AssessmentStatus.SUBMITTED
    assessment.submitted_at = timezone.now()
    assessment.save(update_fields=["status", "submitted_at"])
    _audit_portal(
        link,
        "portal.submit",
        assessment,
        diff({"status": AssessmentStatus.SENT}, {"status": assessment.status}),
    )
    if assessment.created_by is not None:
        recipient = assessment.created_by.email
        body = render_to_string(
            "assessments/email/submitted.txt",
            {
                "assessment": assessment,
                "url": settings.BASE_URL
                + reverse(
                    "assessment-detail",
                    kwargs={"org": assessment.organisation.slug, "assessment": assessment.pk},
                ),
            },
        )
        subject = f"Tillit: {assessment.supplier.name} – {assessment.title}"
        transaction.on_commit(lambda: send_email.enqueue([recipient], subject, body))
    return assessment


# -- Review -----------------------------------------------------------------------------------


@transaction.atomic
def assessment_reopen(*, acting_user: User, assessment: Assessment) -> Assessment:
    """Let the supplier change its answers again (after submission, before completion)."""
    if assessment.status != AssessmentStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted assessment can be reopened."))
    assessment.status = AssessmentStatus.SENT
    assessment.save(update_fields=["status"])
    audit_record(
        actor=acting_user,
        organisation_id=assessment.organisation_id,
        action="assessment.reopen",
        obj=assessment,
        changes=diff({"status": AssessmentStatus.SUBMITTED}, {"status": assessment.status}),
    )
    return assessment


@transaction.atomic
def answer_review(*, acting_user: User, question: Question, review: str, comment: str) -> Question:
    assessment = Assessment.objects.get(pk=question.assessment_id)  # its status now
    if assessment.status != AssessmentStatus.SUBMITTED:
        raise ValidationError(_("Answers are reviewed after the supplier submits."))
    if review not in Review.values:
        raise ValidationError({"review": _("Accept or reject the answer.")})
    if review == Review.REJECTED and not comment.strip():
        raise ValidationError({"comment": _("Say why the answer is rejected.")})
    before = snapshot(question, ["review", "review_comment"])
    question.review = review
    question.review_comment = comment.strip()
    question.reviewed_by = acting_user
    question.reviewed_at = timezone.now()
    question.save(update_fields=["review", "review_comment", "reviewed_by", "reviewed_at"])
    audit_record(
        actor=acting_user,
        organisation_id=assessment.organisation_id,
        action="assessment.review",
        obj=question,
        changes=diff(before, snapshot(question, ["review", "review_comment"])),
    )
    return question


def unmet(question: Question) -> bool:
    """Whether the reviewed answer leaves the requirement unmet."""
    return question.review == Review.REJECTED or (
        question.review == Review.ACCEPTED and question.answer in (Answer.PARTIAL, Answer.NOT_MET)
    )


@transaction.atomic
def review_complete(*, acting_user: User, assessment: Assessment) -> list[Finding]:
    """Finish the review: every unmet ska-krav becomes a finding (high severity, 90 days, to be
    adjusted by the reviewer), and the assessment is completed."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.status != AssessmentStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted assessment can be completed."))
    questions = list(assessment.questions.all())
    pending = [q.label for q in questions if not q.review]
    if pending:
        raise ValidationError(
            _("Review every answer first. Not reviewed: %(labels)s")
            % {"labels": ", ".join(pending)}
        )
    with_findings = set(assessment.findings.values_list("question_id", flat=True))
    deadline = timezone.localdate() + FINDING_DEADLINE
    findings = [
        Finding(
            organisation_id=assessment.organisation_id,
            assessment=assessment,
            question=question,
            title=f"{question.label}: {question.localised('title')}",
            severity=Severity.HIGH,
            required_action=question.review_comment
            or _("Meet the requirement: %(text)s") % {"text": question.localised("text")},
            deadline=deadline,
            created_by=acting_user,
        )
        for question in questions
        if question.mandatory and unmet(question) and question.pk not in with_findings
    ]
    Finding.objects.bulk_create(findings)
    assessment.status = AssessmentStatus.COMPLETED
    assessment.completed_at = timezone.now()
    assessment.save(update_fields=["status", "completed_at"])
    audit_record(
        actor=acting_user,
        organisation_id=assessment.organisation_id,
        action="assessment.complete",
        obj=assessment,
        changes=diff(
            {"status": AssessmentStatus.SUBMITTED},
            {"status": assessment.status, "findings_created": len(findings)},
        ),
    )
    return findings


# -- Findings ---------------------------------------------------------------------------------

FINDING_FIELDS = ["title", "severity", "required_action", "supplier_owner", "deadline"]

# Who moves a finding where: the supplier reports it remediated; the reviewer verifies (or sends
# it back), closes, or reopens.
STAFF_TRANSITIONS = {
    FindingStatus.OPEN: {FindingStatus.CLOSED},
    FindingStatus.REMEDIATED: {FindingStatus.VERIFIED, FindingStatus.OPEN},
    FindingStatus.VERIFIED: {FindingStatus.CLOSED, FindingStatus.OPEN},
    FindingStatus.CLOSED: {FindingStatus.OPEN},
}


def _check_finding(finding: Finding) -> None:
    if finding.severity not in Severity.values:
        raise ValidationError({"severity": _("Choose a severity.")})
    if not finding.title.strip():
        raise ValidationError({"title": _("Give the finding a title.")})
    if not finding.required_action.strip():
        raise ValidationError({"required_action": _("Describe the action required.")})
    if finding.deadline is None:
        raise ValidationError({"deadline": _("Set a deadline.")})


@transaction.atomic
def finding_create(
    *, acting_user: User, assessment: Assessment, question: Question | None, **values: Any
) -> Finding:
    if assessment.status != AssessmentStatus.COMPLETED and assessment.status != (
        AssessmentStatus.SUBMITTED
    ):
        raise ValidationError(_("Findings are raised once the supplier has submitted."))
    if question is not None and question.assessment_id != assessment.pk:
        raise ValidationError({"question": _("The question is not part of this assessment.")})
    unknown = values.keys() - set(FINDING_FIELDS)
    if unknown:
        raise TypeError(f"Unknown finding fields: {', '.join(sorted(unknown))}")
    finding = Finding(
        organisation_id=assessment.organisation_id,
        assessment=assessment,
        question=question,
        created_by=acting_user,
        **values,
    )
    _check_finding(finding)
    finding.save()
    audit_record(
        actor=acting_user,
        organisation_id=assessment.organisation_id,
        action="finding.create",
        obj=finding,
        changes=diff({}, snapshot(finding, FINDING_FIELDS)),
    )
    return finding


@transaction.atomic
def finding_update(*, acting_user: User, finding: Finding, **values: Any) -> Finding:
    return audited_update(
        acting_user=acting_user,
        instance=finding,
        editable=FINDING_FIELDS,
        values=values,
        validate=_check_finding,
        action="finding.update",
        organisation_id=finding.organisation_id,
    )


@transaction.atomic
def finding_move(*, acting_user: User, finding: Finding, status: str) -> Finding:
    if status not in STAFF_TRANSITIONS.get(FindingStatus(finding.status), set()):
        raise ValidationError(
            _("A finding that is %(now)s cannot be marked %(then)s.")
            % {
                "now": finding.get_status_display().lower(),
                "then": FindingStatus(status).label.lower()
                if status in FindingStatus.values
                else status,
            }
        )
    before = finding.status
    finding.status = status
    finding.closed_at = timezone.now() if status == FindingStatus.CLOSED else None
    finding.save(update_fields=["status", "closed_at"])
    audit_record(
        actor=acting_user,
        organisation_id=finding.organisation_id,
        action="finding.status",
        obj=finding,
        changes=diff({"status": before}, {"status": status}),
    )
    return finding


@transaction.atomic
def finding_respond(*, link: PortalLink, finding: Finding, response: str) -> Finding:
    """The supplier says what it has done; the finding waits for the reviewer to verify it."""
    if finding.assessment_id != link.assessment_id:
        raise ValidationError(_("The finding is not part of this assessment."))
    if finding.status != FindingStatus.OPEN:
        raise ValidationError(_("Only an open finding can be answered."))
    if not response.strip():
        raise ValidationError({"response": _("Describe what you have done.")})
    finding.supplier_response = response.strip()
    finding.responded_at = timezone.now()
    finding.status = FindingStatus.REMEDIATED
    finding.save(update_fields=["supplier_response", "responded_at", "status"])
    _audit_portal(
        link,
        "portal.finding_respond",
        finding,
        diff(
            {"status": FindingStatus.OPEN},
            {"status": finding.status, "supplier_response": finding.supplier_response},
        ),
    )
    return finding


# -- Sharing with consent ---------------------------------------------------------------------


@transaction.atomic
def consent_give(
    *, link: PortalLink, all_organisations: bool, organisations: list[Organisation]
) -> SharingConsent:
    assessment = Assessment.objects.get(pk=link.assessment_id)  # its status now
    if assessment.status not in (AssessmentStatus.SUBMITTED, AssessmentStatus.COMPLETED):
        raise ValidationError(_("An assessment can be shared once it is submitted."))
    if not all_organisations and not organisations:
        raise ValidationError(_("Choose the organisations to share with, or all of them."))
    consent, _created = SharingConsent.objects.update_or_create(
        assessment=assessment,
        defaults={
            "all_organisations": all_organisations,
            "given_by": link.contact_email,
            "given_at": timezone.now(),
            "withdrawn_at": None,
        },
    )
    consent.organisations.set([] if all_organisations else organisations)
    _audit_portal(
        link,
        "portal.consent_give",
        consent,
        diff(
            {},
            {
                "all_organisations": all_organisations,
                "organisations": sorted(o.name for o in organisations),
            },
        ),
    )
    return consent


@transaction.atomic
def consent_withdraw(*, link: PortalLink) -> None:
    consent = SharingConsent.objects.filter(
        assessment=link.assessment, withdrawn_at__isnull=True
    ).first()
    if consent is None:
        return
    consent.withdrawn_at = timezone.now()
    consent.save(update_fields=["withdrawn_at"])
    _audit_portal(
        link,
        "portal.consent_withdraw",
        consent,
        diff({}, {"withdrawn_at": consent.withdrawn_at.isoformat()}),
    )


@transaction.atomic
def answers_import_shared(*, acting_user: User, assessment: Assessment, source: Assessment) -> int:
    """Copy the answers of a shared assessment into this one where the requirement is the same
    and the question is still unanswered. The reviewer still reviews them. Returns the count."""
    if not shared_with(assessment.organisation, assessment.supplier).filter(pk=source.pk).exists():
        raise ValidationError(_("That assessment is not shared with your organisation."))
    if assessment.status not in (AssessmentStatus.DRAFT, AssessmentStatus.SENT):
        raise ValidationError(_("Answers can only be imported before the supplier submits."))
    answers = {
        q.requirement_key: q
        for q in source.questions.exclude(requirement_key="").exclude(answer="")
    }
    copied = 0
    for question in assessment.questions.filter(answer="").exclude(requirement_key=""):
        shared = answers.get(question.requirement_key)
        if shared is None:
            continue
        question.answer = shared.answer
        question.description = shared.description
        question.answered_by = shared.answered_by
        question.answered_at = shared.answered_at
        question.version += 1
        question.save(
            update_fields=["answer", "description", "answered_by", "answered_at", "version"]
        )
        copied += 1
    audit_record(
        actor=acting_user,
        organisation_id=assessment.organisation_id,
        action="assessment.import_shared",
        obj=assessment,
        changes=diff({}, {"source": str(source.pk), "answers": copied}),
    )
    return copied
