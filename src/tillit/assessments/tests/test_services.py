from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from tillit.assessments import services
from tillit.assessments.models import (
    Answer,
    Assessment,
    AssessmentStatus,
    FindingStatus,
    PortalLink,
    Review,
    Severity,
)
from tillit.assessments.selectors import result, shared_with
from tillit.assessments.services import EditConflictError
from tillit.audit.models import AuditEvent
from tillit.catalogue.models import Requirement
from tillit.testing import (
    make_assessment,
    make_asset,
    make_catalogue,
    make_contract,
    make_organisation,
    make_supplier,
    make_user,
)

pytestmark = pytest.mark.django_db

Capture = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages are matched in English; the Swedish default is tested where it is stored."""
    with translation.override("en"):
        yield


@pytest.fixture
def assessment() -> Assessment:
    return make_assessment(make_organisation(), confidentiality=3)


def _issue(assessment: Assessment, capture: Capture) -> tuple[PortalLink, str]:
    with capture(execute=True):
        return services.link_issue(
            acting_user=make_user(),
            assessment=assessment,
            contact_name="Kim Kontakt",
            contact_email="Kim@Leverantor.test",
        )


def _answer_all(assessment: Assessment, link: PortalLink, answer: str = Answer.MET) -> None:
    for question in assessment.questions.all():
        services.answer_save(
            link=link,
            question=question,
            version=question.version,
            answer=answer,
            description="Så här gör vi.",
        )


# -- The questionnaire ------------------------------------------------------------------------


def test_the_questionnaire_follows_the_merged_profile_of_the_contracts_assets() -> None:
    make_catalogue()
    organisation = make_organisation()
    supplier = make_supplier()
    low = make_contract(organisation, supplier, assets=[make_asset(organisation, integrity=1)])
    high = make_contract(
        organisation, supplier, assets=[make_asset(organisation, confidentiality=3)]
    )
    assessment = services.assessment_create(
        acting_user=make_user(), organisation=organisation, contracts=[low, high], title="HR"
    )
    questions = {q.requirement_key: q for q in assessment.questions.all()}
    assert set(questions) == {"T-BASE-01", "T-INC-01"}
    assert questions["T-BASE-01"].mandatory  # max level 3 >= 2
    assert questions["T-INC-01"].mandatory  # confidentiality 3
    # The parameter was filled for the strictest asset, in both languages.
    assert questions["T-INC-01"].text == {
        "sv": "Leverantören ska rapportera inom 8 timmar.",
        "en": "The supplier shall report within 8 hours.",
    }
    assert assessment.supplier == supplier
    assert set(assessment.contracts.all()) == {low, high}
    assert AuditEvent.objects.filter(action="assessment.create", object_id=str(assessment.pk))


def test_the_questionnaire_is_frozen_when_the_catalogue_changes(assessment: Assessment) -> None:
    before = list(assessment.questions.values_list("requirement_key", "text"))
    Requirement.objects.filter(catalogue=assessment.catalogue).update(
        ska={"sv": "Ändrad", "en": "Changed"}
    )
    make_catalogue()  # a newer version
    assert list(assessment.questions.values_list("requirement_key", "text")) == before


@pytest.mark.parametrize(
    ("case", "field", "message"),
    [
        ("none", "contracts", "Choose at least one contract."),
        ("foreign", "contracts", "Choose contracts of your own organisation."),
        ("two_suppliers", "contracts", "The contracts must all be with the same supplier."),
        ("unclassified", "contracts", "Classify these systems first: Olabbat"),
        ("level4", "contracts", "security-protection track"),
        ("no_assets", "contracts", "The contracts serve no system"),
        ("title", "title", "Give the assessment a title."),
    ],
)
def test_an_assessment_that_cannot_be_made_is_refused(case: str, field: str, message: str) -> None:
    make_catalogue()
    organisation = make_organisation()
    supplier = make_supplier()
    classified = make_asset(organisation, confidentiality=2)
    contracts = {
        "none": [],
        "foreign": [make_contract(make_organisation(), supplier, assets=[])],
        "two_suppliers": [
            make_contract(organisation, supplier, assets=[classified]),
            make_contract(organisation, assets=[classified]),
        ],
        "unclassified": [
            make_contract(organisation, supplier, assets=[make_asset(organisation, "Olabbat")])
        ],
        "level4": [
            make_contract(organisation, supplier, assets=[make_asset(organisation, integrity=4)])
        ],
        "no_assets": [make_contract(organisation, supplier, assets=[])],
        "title": [make_contract(organisation, supplier, assets=[classified])],
    }[case]
    with pytest.raises(ValidationError) as raised:
        services.assessment_create(
            acting_user=make_user(),
            organisation=organisation,
            contracts=contracts,
            title=" " if case == "title" else "Bedömning",
        )
    assert message in " ".join(raised.value.message_dict[field])
    assert not Assessment.objects.exists()


def test_a_question_can_be_added_by_hand(assessment: Assessment) -> None:
    with translation.override("sv"):
        question = services.question_add(
            acting_user=make_user(),
            assessment=assessment,
            area="",
            text="Hur skyddas skyddade personuppgifter?",
            mandatory=True,
        )
    assert question.position == assessment.questions.count()
    assert question.requirement_key == ""
    assert question.localised("area") == "Ytterligare frågor"
    assert question.text == {"sv": "Hur skyddas skyddade personuppgifter?"} | {
        "en": "Hur skyddas skyddade personuppgifter?"
    }


# -- Links and codes --------------------------------------------------------------------------


def test_a_link_is_mailed_and_only_its_hash_is_kept(
    assessment: Assessment, django_capture_on_commit_callbacks: Capture
) -> None:
    link, token = _issue(assessment, django_capture_on_commit_callbacks)
    assert len(token) >= 43  # 32 random bytes in URL-safe base64
    assert link.token_hash != token
    assert token not in str(PortalLink.objects.filter(pk=link.pk).values().get())
    assert not AuditEvent.objects.filter(changes__icontains=token).exists()
    assert mail.outbox[-1].to == ["kim@leverantor.test"]
    assert f"/portal/{token}/" in mail.outbox[-1].body
    assert services.link_for_token(token) == link
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SENT
    assert (link.expires_at - timezone.now()).days == 29  # 30 days, less the test's seconds


def test_expired_revoked_and_forged_tokens_open_nothing(
    assessment: Assessment, django_capture_on_commit_callbacks: Capture
) -> None:
    link, token = _issue(assessment, django_capture_on_commit_callbacks)
    assert services.link_for_token(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert services.link_for_token("") is None
    assert services.link_for_token("x" * 1000) is None
    PortalLink.objects.filter(pk=link.pk).update(expires_at=timezone.now())
    assert services.link_for_token(token) is None
    PortalLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() + dt.timedelta(days=1))
    assert services.link_for_token(token) == link
    services.link_revoke(acting_user=make_user(), link=link)
    assert services.link_for_token(token) is None


def test_a_reissued_link_works_beside_the_revoked_one(
    assessment: Assessment, django_capture_on_commit_callbacks: Capture
) -> None:
    old, old_token = _issue(assessment, django_capture_on_commit_callbacks)
    services.link_revoke(acting_user=make_user(), link=old)
    new, new_token = _issue(assessment, django_capture_on_commit_callbacks)
    assert services.link_for_token(old_token) is None
    assert services.link_for_token(new_token) == new


def _sent_code(link: PortalLink, capture: Capture) -> str:
    with capture(execute=True):
        services.code_send(link)
    found = re.search(r"\b(\d{6})\b", str(mail.outbox[-1].body))
    assert found
    assert mail.outbox[-1].to == [link.contact_email]
    return found.group(1)


def test_the_one_time_code_works_once(
    assessment: Assessment, django_capture_on_commit_callbacks: Capture
) -> None:
    link, _token = _issue(assessment, django_capture_on_commit_callbacks)
    code = _sent_code(link, django_capture_on_commit_callbacks)
    assert services.code_verify(link, code)
    assert not services.code_verify(link, code)
    assert AuditEvent.objects.filter(action="portal.code_verify", actor_label__contains="kim@")


def test_the_code_allows_five_tries(
    assessment: Assessment, django_capture_on_commit_callbacks: Capture
) -> None:
    link, _token = _issue(assessment, django_capture_on_commit_callbacks)
    code = _sent_code(link, django_capture_on_commit_callbacks)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    assert [services.code_verify(link, wrong) for _ in range(5)] == [False] * 5
    assert not services.code_verify(link, code)  # the right code, too late
    assert AuditEvent.objects.filter(action="portal.code_wrong").count() == 6
    # A new code starts over.
    assert services.code_verify(link, _sent_code(link, django_capture_on_commit_callbacks))


def test_an_expired_code_fails_and_a_new_one_replaces_the_old(
    assessment: Assessment, django_capture_on_commit_callbacks: Capture
) -> None:
    link, _token = _issue(assessment, django_capture_on_commit_callbacks)
    first = _sent_code(link, django_capture_on_commit_callbacks)
    PortalLink.objects.filter(pk=link.pk).update(code_expires_at=timezone.now())
    assert not services.code_verify(link, first)
    second = _sent_code(link, django_capture_on_commit_callbacks)
    if first != second:
        assert not services.code_verify(link, first)
    assert services.code_verify(link, second)


# -- Answers ----------------------------------------------------------------------------------


def test_two_people_cannot_overwrite_each_other(
    assessment: Assessment, django_capture_on_commit_callbacks: Capture
) -> None:
    link, _token = _issue(assessment, django_capture_on_commit_callbacks)
    question = assessment.questions.first()
    assert question is not None
    loaded = question.version
    services.answer_save(
        link=link, question=question, version=loaded, answer=Answer.MET, description="Anna"
    )
    with pytest.raises(EditConflictError) as raised:
        services.answer_save(
            link=link, question=question, version=loaded, answer=Answer.NOT_MET, description="Bo"
        )
    assert raised.value.question.description == "Anna"
    question.refresh_from_db()
    assert (question.answer, question.description, question.version) == (Answer.MET, "Anna", 1)


def test_an_unknown_answer_is_refused(
    assessment: Assessment, django_capture_on_commit_callbacks: Capture
) -> None:
    link, _token = _issue(assessment, django_capture_on_commit_callbacks)
    question = assessment.questions.first()
    assert question is not None
    with pytest.raises(ValidationError):
        services.answer_save(link=link, question=question, version=0, answer="ja", description="")
    question.refresh_from_db()
    assert question.answer == ""
    assert question.version == 0


def test_submission_needs_every_answer_and_then_locks_them(
    assessment: Assessment, django_capture_on_commit_callbacks: Capture
) -> None:
    link, _token = _issue(assessment, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError, match="T-BASE-01"):
        services.assessment_submit(link=link)
    _answer_all(assessment, link)
    with django_capture_on_commit_callbacks(execute=True):
        services.assessment_submit(link=link)
    assert "has submitted its answers" in mail.outbox[-1].body
    question = assessment.questions.first()
    assert question is not None
    with pytest.raises(ValidationError, match="submitted"):
        services.answer_save(
            link=link, question=question, version=question.version, answer="na", description=""
        )
    question.refresh_from_db()
    assert question.answer == Answer.MET
    # The reviewer reopens it, and the supplier can change the answer again.
    services.assessment_reopen(acting_user=make_user(), assessment=Assessment.objects.get())
    services.answer_save(
        link=link, question=question, version=question.version, answer="na", description=""
    )


# -- Review, findings and the result ----------------------------------------------------------


def _submitted(capture: Capture, answer: str = Answer.MET) -> tuple[Assessment, PortalLink]:
    assessment = make_assessment(make_organisation(), confidentiality=3)
    link, _token = _issue(assessment, capture)
    _answer_all(assessment, link, answer)
    services.assessment_submit(link=link)
    assessment.refresh_from_db()
    return assessment, link


def test_completing_turns_unmet_ska_krav_into_findings(
    django_capture_on_commit_callbacks: Capture,
) -> None:
    assessment, _link = _submitted(django_capture_on_commit_callbacks)
    reviewer = make_user()
    base, incident = assessment.questions.order_by("position")
    with pytest.raises(ValidationError, match="Say why"):
        services.answer_review(acting_user=reviewer, question=base, review="rejected", comment="")
    services.answer_review(
        acting_user=reviewer, question=base, review=Review.REJECTED, comment="Inget underlag."
    )
    with pytest.raises(ValidationError, match="Not reviewed: T-INC-01"):
        services.review_complete(acting_user=reviewer, assessment=assessment)
    assert result(assessment).verdict is None
    services.answer_review(acting_user=reviewer, question=incident, review="accepted", comment="")
    findings = services.review_complete(acting_user=reviewer, assessment=assessment)
    assert [(f.question, f.severity, f.required_action) for f in findings] == [
        (base, Severity.HIGH, "Inget underlag.")
    ]
    assert findings[0].deadline == timezone.localdate() + dt.timedelta(days=90)
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.COMPLETED
    outcome = result(assessment)
    assert outcome.verdict == "rejected"
    assert (outcome.total.ska_met, outcome.total.ska_unmet) == (1, 1)
    # Lowering the severity makes it approved with actions; verifying the fix, approved.
    services.finding_update(acting_user=reviewer, finding=findings[0], severity="medium")
    assert result(assessment).verdict == "approved_with_actions"
    services.finding_move(acting_user=reviewer, finding=findings[0], status="closed")
    assert result(assessment).verdict == "approved"


def test_the_finding_lifecycle_through_the_portal(
    django_capture_on_commit_callbacks: Capture,
) -> None:
    assessment, link = _submitted(django_capture_on_commit_callbacks, Answer.NOT_MET)
    reviewer = make_user()
    for question in assessment.questions.all():
        services.answer_review(
            acting_user=reviewer, question=question, review="accepted", comment=""
        )
    finding = services.review_complete(acting_user=reviewer, assessment=assessment)[0]
    with pytest.raises(ValidationError):
        services.finding_move(acting_user=reviewer, finding=finding, status="verified")
    finding.refresh_from_db()
    assert finding.status == FindingStatus.OPEN
    with pytest.raises(ValidationError):
        services.finding_respond(link=link, finding=finding, response=" ")
    services.finding_respond(link=link, finding=finding, response="Vi loggar nu allt.")
    assert finding.status == FindingStatus.REMEDIATED
    with pytest.raises(ValidationError, match="Only an open finding"):
        services.finding_respond(link=link, finding=finding, response="Igen")
    services.finding_move(acting_user=reviewer, finding=finding, status="verified")
    services.finding_move(acting_user=reviewer, finding=finding, status="closed")
    assert finding.closed_at is not None
    actions = list(
        AuditEvent.objects.filter(object_id=str(finding.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["portal.finding_respond", "finding.status", "finding.status"]


def test_a_link_to_another_assessment_cannot_answer_its_findings(
    django_capture_on_commit_callbacks: Capture,
) -> None:
    assessment, _link = _submitted(django_capture_on_commit_callbacks, Answer.NOT_MET)
    _other, other_link = _submitted(django_capture_on_commit_callbacks)
    reviewer = make_user()
    for question in assessment.questions.all():
        services.answer_review(
            acting_user=reviewer, question=question, review="accepted", comment=""
        )
    finding = services.review_complete(acting_user=reviewer, assessment=assessment)[0]
    with pytest.raises(ValidationError, match="not part of this assessment"):
        services.finding_respond(link=other_link, finding=finding, response="Hej")
    finding.refresh_from_db()
    assert finding.status == FindingStatus.OPEN


# -- Sharing with consent ---------------------------------------------------------------------


def test_nothing_is_shared_without_consent(django_capture_on_commit_callbacks: Capture) -> None:
    source, link = _submitted(django_capture_on_commit_callbacks)
    named, everyone_else = make_organisation(), make_organisation()
    assert not shared_with(named, source.supplier).exists()
    services.consent_give(link=link, all_organisations=False, organisations=[named])
    assert list(shared_with(named, source.supplier)) == [source]
    assert not shared_with(everyone_else, source.supplier).exists()
    assert not shared_with(source.organisation, source.supplier).exists()  # not to itself
    services.consent_give(link=link, all_organisations=True, organisations=[])
    assert list(shared_with(everyone_else, source.supplier)) == [source]
    services.consent_withdraw(link=link)
    assert not shared_with(named, source.supplier).exists()
    assert not shared_with(everyone_else, source.supplier).exists()


def test_consent_needs_a_submitted_assessment_and_a_choice(
    assessment: Assessment, django_capture_on_commit_callbacks: Capture
) -> None:
    link, _token = _issue(assessment, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError, match="once it is submitted"):
        services.consent_give(link=link, all_organisations=True, organisations=[])
    _submitted_assessment, submitted_link = _submitted(django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError, match="Choose the organisations"):
        services.consent_give(link=submitted_link, all_organisations=False, organisations=[])


def test_shared_answers_are_imported_where_the_requirement_matches(
    django_capture_on_commit_callbacks: Capture,
) -> None:
    source, link = _submitted(django_capture_on_commit_callbacks, Answer.PARTIAL)
    organisation = make_organisation()
    target = make_assessment(organisation, supplier=source.supplier, confidentiality=3)
    reviewer = make_user()
    with pytest.raises(ValidationError, match="not shared"):
        services.answers_import_shared(acting_user=reviewer, assessment=target, source=source)
    services.consent_give(link=link, all_organisations=False, organisations=[organisation])
    copied = services.answers_import_shared(acting_user=reviewer, assessment=target, source=source)
    assert copied == 2
    assert set(target.questions.values_list("answer", "review")) == {(Answer.PARTIAL, "")}
