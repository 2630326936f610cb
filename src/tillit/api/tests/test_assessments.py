"""Assessments through the API: start one, send it, review the answers, complete it, and move
its findings along; each through the services the pages use."""

from __future__ import annotations

from typing import Any

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from pytest_django.fixtures import DjangoCaptureOnCommitCallbacks as Capture

from tillit.api.tests.conftest import World, cost
from tillit.assessments import services
from tillit.assessments.models import Assessment, AssessmentStatus, Finding, FindingStatus
from tillit.audit.models import AuditEvent
from tillit.testing import make_assessment, make_asset, make_contract

ORG = "/api/v1/organisations/org-a/"
QUESTIONS = ORG + "assessments/{assessment}/questions/"


def _submitted(world: World) -> Assessment:
    """The world's assessment, answered and submitted by the supplier through its link."""
    assessment = Assessment.objects.get(pk=world.objects["assessment"])
    link, _token = services.link_issue(
        acting_user=world.personas.admin_a,
        assessment=assessment,
        contact_name="Kim",
        contact_email="kim@leverantor.test",
    )
    for question in assessment.questions.all():
        services.answer_save(
            link=link, question=question, version=0, answer="not_met", description="Inte än"
        )
    return services.assessment_submit(link=link)


def test_start_an_assessment_and_send_it(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    client = world.client(world.write_a)
    response = client.post(
        ORG + "assessments/",
        {"title": "Årlig bedömning", "contracts": [str(world.objects["contract"])]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["status"] == "draft"
    assert created["question_count"] == 2
    assert created["result"]["verdict"] is None
    assert response["Location"].endswith(f"/assessments/{created['id']}/")
    event = AuditEvent.objects.get(action="assessment.create", object_id=created["id"])
    assert "via API token" in event.actor_label
    questions = client.get(ORG + f"assessments/{created['id']}/questions/").json()
    assert [q["requirement_key"] for q in questions["results"]] == ["T-BASE-01", "T-INC-01"]
    assert questions["results"][0]["answer"] == ""
    with django_capture_on_commit_callbacks(execute=True):
        link = client.post(
            ORG + f"assessments/{created['id']}/links/",
            {"contact_name": "Kim", "contact_email": "Kim@Leverantor.test"},
            format="json",
        )
    assert link.status_code == 201, link.json()
    assert link.json()["contact_email"] == "kim@leverantor.test"
    assert "token" not in link.json()
    assert mail.outbox[-1].to == ["kim@leverantor.test"]
    assert client.get(ORG + f"assessments/{created['id']}/").json()["status"] == "sent"


def test_an_address_longer_than_any_column_holds_is_refused(world: World) -> None:
    """262 characters passed the e-mail validator (320): a server error on PostgreSQL, and
    stored as given on SQLite."""
    assessment = Assessment.objects.get(pk=world.objects["assessment"])
    response = world.client(world.write_a).post(
        ORG + f"assessments/{assessment.pk}/links/",
        {"contact_name": "Kim", "contact_email": "a" * 250 + "@example.com"},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"contact_email"}
    assert not assessment.links.exists()
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.DRAFT


def test_revoke_a_link(world: World) -> None:
    assessment = Assessment.objects.get(pk=world.objects["assessment"])
    link, token = services.link_issue(
        acting_user=world.personas.admin_a,
        assessment=assessment,
        contact_name="Kim",
        contact_email="kim@leverantor.test",
    )
    url = ORG + f"assessments/{assessment.pk}/links/{link.pk}/revoke/"
    assert world.client(world.read_a).post(url).status_code == 403
    b = world.client(world.write_b)
    assert b.post(url).status_code == 404
    assert b.post(url.replace("org-a", "org-b")).status_code == 404
    assert services.link_for_token(token) == link
    client = world.client(world.write_a)
    elsewhere = services.assessment_create(
        acting_user=world.personas.admin_a,
        organisation=world.personas.org_a,
        contracts=[assessment.contracts.get()],
        title="En annan",
    )
    assert client.post(url.replace(str(assessment.pk), str(elsewhere.pk))).status_code == 404
    revoked = client.post(url)
    assert revoked.status_code == 200, revoked.json()
    assert revoked.json()["revoked_at"] is not None
    assert services.link_for_token(token) is None
    event = AuditEvent.objects.get(action="assessment.link_revoke", object_id=str(link.pk))
    assert "via API token" in event.actor_label
    again = client.post(url)
    assert again.status_code == 200
    assert again.json()["revoked_at"] == revoked.json()["revoked_at"]
    assert AuditEvent.objects.filter(action="assessment.link_revoke").count() == 1


def test_add_a_question_by_hand(world: World) -> None:
    client = world.client(world.write_a)
    url = ORG + "assessments/{assessment}/questions/".format(**world.objects)
    blank = client.post(url, {"text": "  "}, format="json")
    assert blank.status_code == 400
    assert set(blank.json()["errors"]) == {"text"}
    response = client.post(
        url, {"text": "Hur ofta testas återläsning?", "mandatory": True}, format="json"
    )
    assert response.status_code == 201, response.json()
    added = response.json()
    assert added["requirement_key"] == ""
    assert added["position"] == 3
    assert added["mandatory"] is True
    assert added["text"]["sv"] == "Hur ofta testas återläsning?"
    assert response["Location"].endswith(f"/questions/{added['id']}/")
    assert client.get(response["Location"]).json() == added
    event = AuditEvent.objects.get(action="assessment.question_add", object_id=added["id"])
    assert "via API token" in event.actor_label
    _submitted(world)
    late = client.post(url, {"text": "För sent"}, format="json")
    assert late.status_code == 400
    assert late.json()["errors"]["non_field_errors"]
    assert Assessment.objects.get().questions.count() == 3


def test_an_assessment_that_cannot_be_made_is_refused(world: World) -> None:
    client = world.client(world.write_a)
    unclassified = make_contract(world.personas.org_a, assets=[make_asset(world.personas.org_a)])
    response = client.post(
        ORG + "assessments/",
        {"title": "X", "contracts": [str(unclassified.pk)]},
        format="json",
    )
    assert response.status_code == 400
    assert "contracts" in response.json()["errors"]
    theirs = make_contract(world.personas.org_b, assets=[make_asset(world.personas.org_b)])
    response = client.post(
        ORG + "assessments/", {"title": "X", "contracts": [str(theirs.pk)]}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"contracts.0"}
    assert Assessment.objects.count() == 1


def test_review_needs_a_submitted_assessment_and_the_current_etag(world: World) -> None:
    client = world.client(world.write_a)
    url = ORG + "assessments/{assessment}/questions/{question}/".format(**world.objects)
    etag = client.get(url)["ETag"]
    early = client.patch(url, {"review": "accepted"}, format="json", HTTP_IF_MATCH=etag)
    assert early.status_code == 400
    assert early.json()["errors"]["non_field_errors"]
    _submitted(world)
    assert client.patch(url, {"review": "accepted"}, format="json").status_code == 428
    stale = client.patch(url, {"review": "accepted"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412  # the supplier answered since
    etag = client.get(url)["ETag"]
    unexplained = client.patch(url, {"review": "rejected"}, format="json", HTTP_IF_MATCH=etag)
    assert unexplained.status_code == 400
    assert "comment" in unexplained.json()["errors"]
    reviewed = client.patch(
        url, {"review": "rejected", "comment": "Ingen plan"}, format="json", HTTP_IF_MATCH=etag
    )
    assert reviewed.status_code == 200, reviewed.json()
    assert reviewed.json()["review"] == "rejected"
    assert reviewed.json()["reviewed_by"]["email"] == "admin@a.test"


def test_complete_the_review_and_move_the_findings(world: World) -> None:
    client = world.client(world.write_a)
    assessment = _submitted(world)
    complete = ORG + f"assessments/{assessment.pk}/complete/"
    pending = client.post(complete)
    assert pending.status_code == 400  # not every answer is reviewed
    for question in assessment.questions.all():
        services.answer_review(
            acting_user=world.personas.admin_a, question=question, review="accepted", comment=""
        )
    done = client.post(complete)
    assert done.status_code == 200, done.json()
    assert done.json()["status"] == "completed"
    # T-BASE-01 already had a finding (the world's); T-INC-01 is a bör-krav here.
    findings = client.get(ORG + "findings/", {"assessment": str(assessment.pk)}).json()
    assert findings["count"] == 1
    finding = findings["results"][0]
    assert finding["moves"] == ["closed"]
    url = ORG + f"findings/{finding['id']}/"
    etag = client.get(url)["ETag"]
    changed = client.patch(
        url, {"deadline": "2031-01-01", "severity": "medium"}, format="json", HTTP_IF_MATCH=etag
    )
    assert changed.status_code == 200, changed.json()
    assert changed.json()["deadline"] == "2031-01-01"
    wrong = client.post(url + "status/", {"status": "verified"}, format="json")
    assert wrong.status_code == 400
    closed = client.post(url + "status/", {"status": "closed"}, format="json")
    assert closed.status_code == 200
    assert closed.json()["status"] == "closed"
    assert closed.json()["closed_at"] is not None
    assert client.post(url + "status/", {"status": "open"}, format="json").json()["moves"] == [
        "closed"
    ]


def test_raise_a_finding(world: World) -> None:
    client = world.client(world.write_a)
    body: dict[str, Any] = {
        "assessment": str(world.objects["assessment"]),
        "question": str(world.objects["question"]),
        "title": "Saknar loggning",
        "severity": "medium",
        "required_action": "Inför loggning",
        "deadline": "2030-06-30",
    }
    early = client.post(ORG + "findings/", body, format="json")
    assert early.status_code == 400  # the supplier has not submitted
    _submitted(world)
    created = client.post(ORG + "findings/", body, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["supplier"]["id"] == str(world.objects["supplier"])
    another = services.assessment_create(
        acting_user=world.personas.admin_a,
        organisation=world.personas.org_a,
        contracts=[Assessment.objects.get().contracts.get()],
        title="En annan",
    )
    elsewhere = client.post(
        ORG + "findings/",
        body | {"question": str(another.questions.first().pk)},  # type: ignore[union-attr]
        format="json",
    )
    assert elsewhere.status_code == 400
    assert set(elsewhere.json()["errors"]) == {"question"}


def test_management_reads_but_cannot_review(world: World) -> None:
    """Management's role only reads (its tokens too): in the browser it is refused by role."""
    client = world.personas.client(world.personas.reader_a)
    assert client.get(ORG + "assessments/").status_code == 200
    response = client.post(
        ORG + "findings/{finding}/status/".format(**world.objects),
        {"status": "closed"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert Finding.objects.get().status == FindingStatus.OPEN


def _answered_with_evidence(world: World, count: int) -> None:
    """count questions more in the world's assessment, and then every one answered with a file
    as evidence, submitted, and reviewed."""
    assessment = Assessment.objects.get(pk=world.objects["assessment"])
    admin = world.personas.admin_a
    for number in range(count):
        services.question_add(
            acting_user=admin,
            assessment=assessment,
            area="",
            text=f"Fråga {number}",
            mandatory=False,
        )
    link, _token = services.link_issue(
        acting_user=admin, assessment=assessment, contact_name="Kim", contact_email="kim@l.test"
    )
    for question in assessment.questions.all():
        services.answer_save(link=link, question=question, version=0, answer="met", description="")
        upload = SimpleUploadedFile("bevis.pdf", b"%PDF-1.7 test")
        services.evidence_add(link=link, question=question, upload=upload)
    services.assessment_submit(link=link)
    for question in assessment.questions.all():
        services.answer_review(acting_user=admin, question=question, review="accepted", comment="")


def test_lists_take_a_constant_number_of_queries(world: World) -> None:
    client = world.client(world.read_a)
    lists = (ORG + "assessments/", ORG + "findings/", QUESTIONS.format(**world.objects))
    few = {url: cost(client, url, limit=500) for url in lists}
    assert [a["status"] for a in few[lists[0]][1]["results"]] == [AssessmentStatus.DRAFT]
    assert few[lists[2]][1]["count"] == 2
    for _number in range(12):  # each of its own supplier and contract, with a finding
        assessment = make_assessment(world.personas.org_a)
        Finding.objects.create(
            organisation=world.personas.org_a,
            assessment=assessment,
            question=assessment.questions.first(),
            title="F",
            severity="low",
            required_action="Gör",
            deadline="2030-01-01",
        )
    _answered_with_evidence(world, 28)
    assessments, listed = cost(client, lists[0], limit=500)
    assert len(listed["results"]) == listed["count"] == 13
    assert all(a["contracts"] for a in listed["results"])
    drafts = [a for a in listed["results"] if a["status"] == AssessmentStatus.DRAFT]
    assert len(drafts) == 12
    assert assessments == few[lists[0]][0]
    findings, found = cost(client, lists[1], limit=500)
    assert len(found["results"]) == found["count"] == 13
    assert findings == few[lists[1]][0]
    questions, asked = cost(client, lists[2], limit=500)
    assert len(asked["results"]) == asked["count"] == 30
    assert all(q["evidence"] and q["reviewed_by"] for q in asked["results"])
    assert questions == few[lists[2]][0]
