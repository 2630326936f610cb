"""The organisation's pages for assessments: start, send, review, findings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tillit.assessments import services
from tillit.assessments.models import (
    Answer,
    Assessment,
    AssessmentStatus,
    Finding,
    FindingStatus,
    PortalLink,
)
from tillit.conftest import Personas
from tillit.testing import (
    make_assessment,
    make_asset,
    make_catalogue,
    make_contract,
    make_organisation,
    make_user,
    plain_requirements,
)

Capture = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]


def _submitted(
    organisation: Any, capture: Capture, answer: str = Answer.NOT_MET
) -> tuple[Assessment, PortalLink]:
    assessment = make_assessment(organisation, confidentiality=3)
    with capture(execute=True):
        link, _token = services.link_issue(
            acting_user=make_user(), assessment=assessment, contact_name="K", contact_email="k@x.se"
        )
    for question in assessment.questions.all():
        services.answer_save(link=link, question=question, version=0, answer=answer, description="")
    services.assessment_submit(link=link)
    assessment.refresh_from_db()
    return assessment, link


def test_start_an_assessment_from_contracts(personas: Personas) -> None:
    make_catalogue()
    asset = make_asset(personas.org_a, confidentiality=2)
    contract = make_contract(personas.org_a, assets=[asset])
    client = personas.client(personas.admin_a)
    form = client.get(reverse("assessment-create", args=["org-a"]), {"contract": str(contract.pk)})
    assert form.status_code == 200
    assert f'value="{contract.pk}"' in form.content.decode()
    response = client.post(
        reverse("assessment-create", args=["org-a"]),
        {"contracts": [str(contract.pk)], "title": "Årlig bedömning", "due_on": "2027-01-31"},
    )
    assessment = Assessment.objects.get()
    assert response["Location"] == reverse("assessment-detail", args=["org-a", assessment.pk])
    assert assessment.questions.count() == 2
    assert assessment.due_on == dt.date(2027, 1, 31)


def test_an_unclassified_system_is_explained_on_the_form(personas: Personas) -> None:
    make_catalogue()
    contract = make_contract(personas.org_a, assets=[make_asset(personas.org_a, "Lönesystem")])
    response = personas.client(personas.admin_a).post(
        reverse("assessment-create", args=["org-a"]),
        {"contracts": [str(contract.pk)], "title": "Bedömning"},
    )
    assert response.status_code == 200
    assert "Lönesystem" in response.content.decode()
    assert not Assessment.objects.exists()


def test_another_organisations_contract_cannot_be_chosen(personas: Personas) -> None:
    make_catalogue()
    foreign = make_contract(personas.org_b, assets=[make_asset(personas.org_b, confidentiality=2)])
    response = personas.client(personas.admin_a).post(
        reverse("assessment-create", args=["org-a"]),
        {"contracts": [str(foreign.pk)], "title": "Bedömning"},
    )
    assert response.status_code == 200  # the form says the choice is not valid
    assert not Assessment.objects.exists()


def test_a_reader_sees_but_cannot_act(personas: Personas) -> None:
    assessment = make_assessment(personas.org_a)
    client = personas.client(personas.reader_a)
    assert client.get(reverse("assessment-list", args=["org-a"])).status_code == 200
    page = client.get(reverse("assessment-detail", args=["org-a", assessment.pk]))
    assert page.status_code == 200
    assert reverse("assessment-link-issue", args=["org-a", assessment.pk]) not in (
        page.content.decode()
    )
    response = client.post(
        reverse("assessment-link-issue", args=["org-a", assessment.pk]),
        {"contact_name": "K", "contact_email": "k@x.se"},
    )
    assert response.status_code == 403
    assert not PortalLink.objects.exists()
    assert client.get(reverse("assessment-create", args=["org-a"])).status_code == 403


def test_send_and_revoke_a_link(
    personas: Personas, django_capture_on_commit_callbacks: Capture
) -> None:
    assessment = make_assessment(personas.org_a)
    client = personas.client(personas.admin_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("assessment-link-issue", args=["org-a", assessment.pk]),
            {"contact_name": "Kim", "contact_email": "kim@leverantor.test"},
        )
    link = PortalLink.objects.get()
    assert mail.outbox[-1].to == ["kim@leverantor.test"]
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SENT
    client.post(reverse("assessment-link-revoke", args=["org-a", assessment.pk, link.pk]))
    link.refresh_from_db()
    assert link.revoked_at is not None


def test_a_bad_contact_address_changes_nothing(personas: Personas) -> None:
    assessment = make_assessment(personas.org_a)
    for address in ("inte en adress", "a" * 250 + "@example.com"):  # longer than the column
        personas.client(personas.admin_a).post(
            reverse("assessment-link-issue", args=["org-a", assessment.pk]),
            {"contact_name": "Kim", "contact_email": address},
        )
    assert not PortalLink.objects.exists()
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.DRAFT


def test_review_complete_and_handle_a_finding(
    personas: Personas, django_capture_on_commit_callbacks: Capture
) -> None:
    assessment, _link = _submitted(personas.org_a, django_capture_on_commit_callbacks)
    client = personas.client(personas.admin_a)
    page = client.get(reverse("assessment-detail", args=["org-a", assessment.pk])).content.decode()
    assert reverse("assessment-complete", args=["org-a", assessment.pk]) in page
    for question in assessment.questions.all():
        response = client.post(
            reverse("assessment-review", args=["org-a", assessment.pk, question.pk]),
            {"review": "accepted", "comment": ""},
        )
        assert response["Location"].endswith(f"#q-{question.pk}")
    client.post(reverse("assessment-complete", args=["org-a", assessment.pk]))
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.COMPLETED
    findings = list(Finding.objects.filter(assessment=assessment))
    assert len(findings) == 2  # both ska-krav answered "not met"
    finding = findings[0]
    response = client.post(
        reverse("finding-detail", args=["org-a", finding.pk]),
        {
            "title": "Incidentrapportering saknas",
            "severity": "medium",
            "required_action": "Inför rutin",
            "supplier_owner": "Driftchef",
            "deadline": "2027-03-01",
        },
    )
    assert response.status_code == 302
    finding.refresh_from_db()
    assert (finding.severity, finding.supplier_owner) == ("medium", "Driftchef")
    client.post(reverse("finding-move", args=["org-a", finding.pk]), {"status": "closed"})
    finding.refresh_from_db()
    assert finding.status == FindingStatus.CLOSED
    listing = client.get(reverse("finding-list", args=["org-a"]), {"status": "closed"})
    assert "Incidentrapportering saknas" in listing.content.decode()


def test_a_finding_with_a_bad_deadline_is_not_saved(
    personas: Personas, django_capture_on_commit_callbacks: Capture
) -> None:
    assessment, _link = _submitted(personas.org_a, django_capture_on_commit_callbacks)
    question = assessment.questions.first()
    assert question is not None
    response = personas.client(personas.admin_a).post(
        reverse("assessment-finding-create", args=["org-a", assessment.pk, question.pk]),
        {"title": "X", "severity": "low", "required_action": "Y", "deadline": "31/02/2027"},
    )
    assert response.status_code == 200
    assert not Finding.objects.exists()


def test_import_shared_answers_only_with_consent(
    personas: Personas, django_capture_on_commit_callbacks: Capture
) -> None:
    source, link = _submitted(personas.org_b, django_capture_on_commit_callbacks, Answer.MET)
    target = make_assessment(personas.org_a, supplier=source.supplier)
    client = personas.client(personas.admin_a)
    url = reverse("assessment-import-shared", args=["org-a", target.pk, source.pk])
    page = client.get(reverse("assessment-detail", args=["org-a", target.pk])).content.decode()
    assert source.title not in page
    assert client.post(url).status_code == 404
    services.consent_give(link=link, all_organisations=True, organisations=[])
    page = client.get(reverse("assessment-detail", args=["org-a", target.pk])).content.decode()
    assert source.title in page
    client.post(url)
    assert set(target.questions.values_list("answer", flat=True)) == {Answer.MET}


def test_the_detail_page_costs_the_same_for_3_and_30_questions(personas: Personas) -> None:
    client = personas.client(personas.admin_a)
    counts = []
    for size in (3, 30):
        make_catalogue(requirements=plain_requirements(size))
        assessment = make_assessment(personas.org_a)
        assert assessment.questions.count() == size
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("assessment-detail", args=["org-a", assessment.pk]))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_lists_cost_the_same_for_2_and_12_assessments(personas: Personas) -> None:
    """Each assessment (of its own supplier) has a finding on a question, so the finding list
    shows a supplier per row too."""
    client = personas.client(personas.admin_a)
    counts = []
    for total in (2, 12):
        while Assessment.objects.count() < total:
            assessment = make_assessment(personas.org_a)
            Finding.objects.create(
                organisation=personas.org_a,
                assessment=assessment,
                question=assessment.questions.first(),
                title="Brist",
                severity="low",
                required_action="Åtgärda",
                deadline=dt.date(2030, 1, 1),
            )
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("assessment-list", args=["org-a"])).status_code == 200
            findings = client.get(reverse("finding-list", args=["org-a"]))
        counts.append(len(queries))
    assert findings.content.decode().count('class="badge severity-low"') == 12
    assert counts[0] == counts[1]


def test_other_organisations_see_no_assessment(personas: Personas) -> None:
    assessment = make_assessment(make_organisation())
    client = personas.client(personas.admin_a)
    assert client.get(reverse("assessment-detail", args=["org-a", assessment.pk])).status_code == (
        404
    )
    assert (
        assessment.title
        not in client.get(reverse("assessment-list", args=["org-a"])).content.decode()
    )


def test_shared_answers_say_who_gave_them_to_share(
    personas: Personas, django_capture_on_commit_callbacks: Capture
) -> None:
    """The organisation that sent the questionnaire chose the address it went to: the reviewer
    sees which address consented, so answers the sender gave itself are not taken for the
    supplier's."""
    source, link = _submitted(make_organisation("Annanstad"), django_capture_on_commit_callbacks)
    services.consent_give(link=link, all_organisations=True, organisations=[])
    mine = make_assessment(personas.org_a, supplier=source.supplier)
    page = personas.client(personas.admin_a).get(
        reverse("assessment-detail", args=["org-a", mine.pk])
    )
    shared = page.content.decode().split('id="shared-heading"')[1].split("</section>")[0]
    assert "Annanstad" in shared
    assert "delat av k@x.se" in shared
