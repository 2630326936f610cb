"""The supplier portal, as a supplier uses it: through the mailed link and a one-time code."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tillit.assessments import services
from tillit.assessments.models import Answer, Assessment, AssessmentStatus, Finding, PortalLink
from tillit.assessments.views import portal as portal_views
from tillit.audit.models import AuditEvent
from tillit.documents.models import Document
from tillit.incidents.models import Incident
from tillit.testing import (
    make_assessment,
    make_catalogue,
    make_organisation,
    make_user,
    plain_requirements,
)

pytestmark = pytest.mark.django_db

Capture = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]


@pytest.fixture
def assessment() -> Assessment:
    return make_assessment(make_organisation("Kommunen"), confidentiality=3)


@pytest.fixture
def issued(
    assessment: Assessment, django_capture_on_commit_callbacks: Capture
) -> tuple[PortalLink, str]:
    with django_capture_on_commit_callbacks(execute=True):
        return services.link_issue(
            acting_user=make_user(),
            assessment=assessment,
            contact_name="Kim",
            contact_email="kim@leverantor.test",
        )


def _url(name: str, token: str, **kwargs: Any) -> str:
    return reverse(name, kwargs={"token": token, **kwargs})


def _sign_in(client: Client, token: str, capture: Capture) -> None:
    with capture(execute=True):
        client.post(_url("portal-code-send", token))
    code = re.search(r"\b(\d{6})\b", str(mail.outbox[-1].body))
    assert code is not None
    response = client.post(_url("portal-code-verify", token), {"code": code.group(1)})
    assert response.status_code == 302
    assert response["Location"] == _url("portal-questionnaire", token)


def test_the_link_from_the_mail_opens_after_the_code(
    issued: tuple[PortalLink, str], django_capture_on_commit_callbacks: Capture
) -> None:
    _link, token = issued
    url = re.search(r"http://\S+/portal/\S+/", str(mail.outbox[-1].body))
    assert url is not None
    client = Client()
    entry = client.get(url.group(0))
    assert entry.status_code == 200
    assert "Kommunen" in entry.content.decode()
    assert entry["Referrer-Policy"] == "same-origin"
    # The questions are not shown before the code.
    assert client.get(_url("portal-questionnaire", token))["Location"] == _url(
        "portal-entry", token
    )
    _sign_in(client, token, django_capture_on_commit_callbacks)
    page = client.get(_url("portal-questionnaire", token))
    assert page.status_code == 200
    assert "T-BASE-01" in page.content.decode()
    assert AuditEvent.objects.filter(
        action="request.portal.questionnaire", actor_label="portal: kim@leverantor.test"
    ).exists()


def test_a_wrong_code_is_refused_and_logged(
    issued: tuple[PortalLink, str], django_capture_on_commit_callbacks: Capture
) -> None:
    _link, token = issued
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url("portal-code-send", token))
    response = client.post(_url("portal-code-verify", token), {"code": "abcdef"})
    assert response.status_code == 400
    assert client.get(_url("portal-questionnaire", token)).status_code == 302
    assert AuditEvent.objects.filter(action="portal.code_wrong").count() == 1


def test_codes_are_rate_limited(
    issued: tuple[PortalLink, str], django_capture_on_commit_callbacks: Capture
) -> None:
    _link, token = issued
    client = Client()
    sent = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(portal_views.CODES_PER_QUARTER + 2):
            client.post(_url("portal-code-send", token))
    assert len(mail.outbox) - sent == portal_views.CODES_PER_QUARTER


def test_all_portal_requests_are_rate_limited(
    issued: tuple[PortalLink, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _link, token = issued
    monkeypatch.setattr(portal_views, "PER_TOKEN", 3)
    client = Client()
    statuses = [client.get(_url("portal-entry", token)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


@pytest.mark.parametrize("case", ["forged", "expired", "revoked"])
def test_a_link_that_no_longer_works_shows_nothing(
    issued: tuple[PortalLink, str], django_capture_on_commit_callbacks: Capture, case: str
) -> None:
    link, token = issued
    client = Client()
    _sign_in(client, token, django_capture_on_commit_callbacks)
    if case == "forged":
        token = token[:-2] + "xx"
    elif case == "expired":
        PortalLink.objects.filter(pk=link.pk).update(expires_at=timezone.now())
    else:
        services.link_revoke(acting_user=make_user(), link=link)
    for name in ("portal-entry", "portal-questionnaire"):
        response = client.get(_url(name, token))
        assert response.status_code == 404
        assert "T-BASE-01" not in response.content.decode()
    question = link.assessment.questions.first()
    assert question is not None
    client.post(
        _url("portal-answer", token, question=question.pk),
        {"answer": "met", "description": "x", "version": "0"},
    )
    question.refresh_from_db()
    assert question.answer == ""


def test_answering_saving_and_submitting(
    issued: tuple[PortalLink, str], django_capture_on_commit_callbacks: Capture
) -> None:
    link, token = issued
    client = Client()
    _sign_in(client, token, django_capture_on_commit_callbacks)
    questions = list(link.assessment.questions.all())
    for question in questions:
        response = client.post(
            _url("portal-answer", token, question=question.pk),
            {"answer": "met", "description": "Vi har ISO 27001.", "version": "0"},
            headers={"HX-Request": "true"},
        )
        assert response.status_code == 200
        assert f'id="q-{question.pk}"' in response.content.decode()
    response = client.post(_url("portal-submit", token))
    assert response.status_code == 302
    assessment = Assessment.objects.get(pk=link.assessment_id)
    assert assessment.status == AssessmentStatus.SUBMITTED
    # Submitted answers cannot be changed.
    response = client.post(
        _url("portal-answer", token, question=questions[0].pk),
        {"answer": "not_met", "description": "", "version": "1"},
    )
    questions[0].refresh_from_db()
    assert questions[0].answer == Answer.MET
    assert response.status_code == 400


def test_a_concurrent_edit_is_shown_not_overwritten(
    issued: tuple[PortalLink, str], django_capture_on_commit_callbacks: Capture
) -> None:
    link, token = issued
    anna, bo = Client(), Client()
    _sign_in(anna, token, django_capture_on_commit_callbacks)
    _sign_in(bo, token, django_capture_on_commit_callbacks)
    question = link.assessment.questions.first()
    assert question is not None
    url = _url("portal-answer", token, question=question.pk)
    anna.post(url, {"answer": "met", "description": "Annas text", "version": "0"})
    response = bo.post(url, {"answer": "not_met", "description": "Bos text", "version": "0"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Annas text" in page  # what the other person saved
    assert "Bos text" in page  # what this person wrote, kept to merge
    assert 'name="version" value="1"' in page
    question.refresh_from_db()
    assert (question.answer, question.description) == (Answer.MET, "Annas text")
    # Saved again, knowingly, it replaces the other answer.
    bo.post(url, {"answer": "partial", "description": "Sammanslaget", "version": "1"})
    question.refresh_from_db()
    assert (question.answer, question.description) == (Answer.PARTIAL, "Sammanslaget")


def test_a_link_reaches_only_its_own_assessment(
    issued: tuple[PortalLink, str], django_capture_on_commit_callbacks: Capture
) -> None:
    _link, token = issued
    other = make_assessment(make_organisation(), confidentiality=2)
    foreign = other.questions.first()
    assert foreign is not None
    client = Client()
    _sign_in(client, token, django_capture_on_commit_callbacks)
    response = client.post(
        _url("portal-answer", token, question=foreign.pk),
        {"answer": "met", "description": "", "version": "0"},
    )
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.answer == ""


def test_a_code_opens_only_the_link_it_was_sent_for(
    assessment: Assessment, django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _first, first_token = services.link_issue(
            acting_user=make_user(),
            assessment=assessment,
            contact_name="A",
            contact_email="a@x.test",
        )
        _second, second_token = services.link_issue(
            acting_user=make_user(),
            assessment=assessment,
            contact_name="B",
            contact_email="b@x.test",
        )
    client = Client()
    _sign_in(client, first_token, django_capture_on_commit_callbacks)
    assert client.get(_url("portal-questionnaire", second_token)).status_code == 302


def test_consent_through_the_portal(
    django_capture_on_commit_callbacks: Capture,
) -> None:
    assessment = make_assessment(make_organisation(), confidentiality=1)
    with django_capture_on_commit_callbacks(execute=True):
        link, token = services.link_issue(
            acting_user=make_user(),
            assessment=assessment,
            contact_name="K",
            contact_email="k@x.test",
        )
    for question in assessment.questions.all():
        services.answer_save(
            link=link, question=question, version=0, answer="met", description="Ja"
        )
    services.assessment_submit(link=link)
    partner = make_organisation("Grannkommunen")
    client = Client()
    _sign_in(client, token, django_capture_on_commit_callbacks)
    assert 'id="sharing"' in client.get(_url("portal-questionnaire", token)).content.decode()
    client.post(_url("portal-consent", token), {"organisations": [str(partner.pk)]})
    assert list(assessment.consent.organisations.all()) == [partner]
    client.post(_url("portal-consent", token), {"withdraw": "1"})
    assessment.consent.refresh_from_db()
    assert assessment.consent.withdrawn_at is not None


def test_evidence_is_attached_checked_and_removable(
    issued: tuple[PortalLink, str], django_capture_on_commit_callbacks: Capture
) -> None:
    link, token = issued
    client = Client()
    _sign_in(client, token, django_capture_on_commit_callbacks)
    question = link.assessment.questions.first()
    assert question is not None
    url = _url("portal-evidence-add", token, question=question.pk)
    client.post(url, {"file": SimpleUploadedFile("iso27001.pdf", b"%PDF-1.7 certificate")})
    document = question.evidence.get()
    assert (document.name, document.organisation) == ("iso27001.pdf", link.assessment.organisation)
    assert AuditEvent.objects.filter(
        action="document.upload", actor_label="portal: kim@leverantor.test"
    ).exists()
    # An executable named .pdf, and no file at all, are refused and attach nothing.
    client.post(url, {"file": SimpleUploadedFile("rapport.pdf", b"MZ\x90\x00 program")})
    client.post(url, {})
    assert question.evidence.count() == 1
    assert Document.objects.count() == 1
    client.post(_url("portal-evidence-remove", token, question=question.pk, document=document.pk))
    assert not question.evidence.exists()
    assert Document.objects.filter(pk=document.pk).exists()  # detached, not lost


def test_evidence_cannot_be_attached_after_submission(
    issued: tuple[PortalLink, str], django_capture_on_commit_callbacks: Capture
) -> None:
    link, token = issued
    for each in link.assessment.questions.all():
        services.answer_save(link=link, question=each, version=0, answer="met", description="")
    services.assessment_submit(link=link)
    client = Client()
    _sign_in(client, token, django_capture_on_commit_callbacks)
    question = link.assessment.questions.first()
    assert question is not None
    client.post(
        _url("portal-evidence-add", token, question=question.pk),
        {"file": SimpleUploadedFile("sent.pdf", b"%PDF-1.7 late")},
    )
    assert not question.evidence.exists()
    assert not Document.objects.exists()


def test_the_questionnaire_costs_the_same_for_3_and_15_questions(
    django_capture_on_commit_callbacks: Capture,
) -> None:
    """Every question has an evidence file, an answer and a finding; measured while the
    supplier answers, and again once submitted, reviewed (rejected, with a comment) and shared
    with two organisations."""
    counts = []
    for size in (3, 15):
        make_catalogue(requirements=plain_requirements(size))
        assessment = make_assessment(make_organisation(), confidentiality=3)
        with django_capture_on_commit_callbacks(execute=True):
            link, token = services.link_issue(
                acting_user=make_user(),
                assessment=assessment,
                contact_name="Kim",
                contact_email="kim@leverantor.test",
            )
        for question in assessment.questions.all():
            upload = SimpleUploadedFile(f"{question.label}.pdf", b"%PDF-1.7 bevis")
            services.evidence_add(link=link, question=question, upload=upload)
            services.answer_save(
                link=link, question=question, version=0, answer="partial", description="Delvis"
            )
            Finding.objects.create(
                organisation=assessment.organisation,
                assessment=assessment,
                question=question,
                title="Brist",
                severity="high",
                required_action="Åtgärda",
                deadline=dt.date(2030, 1, 1),
            )
        client = Client()
        _sign_in(client, token, django_capture_on_commit_callbacks)
        with CaptureQueriesContext(connection) as answering:
            page = client.get(_url("portal-questionnaire", token)).content.decode()
        assert page.count('<form method="post" action="/portal/') >= size * 3  # answer, evidence
        assert page.count("<li>T-MANY-") == size
        services.assessment_submit(link=link)
        reviewer = make_user()
        for question in assessment.questions.all():
            services.answer_review(
                acting_user=reviewer, question=question, review="rejected", comment="Saknas"
            )
        partners = [make_organisation("Grannkommunen"), make_organisation("Regionen")]
        services.consent_give(link=link, all_organisations=False, organisations=partners)
        with CaptureQueriesContext(connection) as submitted:
            page = client.get(_url("portal-questionnaire", token)).content.decode()
        assert page.count("<li>T-MANY-") == size
        assert page.count("Saknas") == size
        assert page.count('<article class="question-card" id="f-') == size
        assert "Grannkommunen, Regionen" in page
        counts.append((len(answering), len(submitted)))
    assert counts[0] == counts[1]


def test_the_supplier_reports_an_incident_through_its_link(
    issued: tuple[PortalLink, str], django_capture_on_commit_callbacks: Capture
) -> None:
    link, token = issued
    client = Client()
    _sign_in(client, token, django_capture_on_commit_callbacks)
    url = _url("portal-incident", token)
    assert client.get(url).status_code == 200
    now = timezone.localtime()
    form = {
        "title": "Ransomware i driftmiljön",
        "description": "Krypterade servrar.",
        "started_at": (now - dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
        "discovered_at": (now - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "severity": "critical",
    }
    # A link cannot report for another supplier.
    other = make_assessment(make_organisation(), confidentiality=1).supplier
    refused = client.post(url, form | {"supplier": str(other.pk)})
    assert refused.status_code == 400
    assert not Incident.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, form)
    assert response.status_code == 302
    incident = Incident.objects.get()
    assert (incident.supplier, incident.reported_via, incident.reported_by) == (
        link.assessment.supplier,
        "portal",
        "portal: kim@leverantor.test",
    )
    assert list(incident.cases.values_list("organisation", flat=True)) == [
        link.assessment.organisation_id
    ]
