from __future__ import annotations

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from tillit.audit.services import audit_record
from tillit.conftest import Personas


def _events(personas: Personas, n: int) -> None:
    for i in range(n):
        with transaction.atomic():
            audit_record(
                actor=personas.admin_a,
                organisation_id=personas.org_a.id,
                action="test.write",
                obj=personas.org_a,
                changes={"name": [f"<b>{i}</b>", "after"]},
            )


def test_admin_sees_the_organisations_audit_log(personas: Personas) -> None:
    _events(personas, 3)
    with transaction.atomic():
        audit_record(
            actor=personas.coordinator_b,
            organisation_id=personas.org_b.id,
            action="other.org",
            obj=personas.org_b,
            changes={},
        )
    response = personas.client(personas.admin_a).get("/o/org-a/audit/")
    assert response.status_code == 200
    content = response.content.decode()
    assert content.count("test.write") == 3
    assert "other.org" not in content
    assert "&lt;b&gt;0&lt;/b&gt;" in content  # escaped, never rendered as markup


def test_boundary(personas: Personas) -> None:
    assert personas.client(personas.reader_a).get("/o/org-a/audit/").status_code == 403
    assert personas.client(personas.coordinator_b).get("/o/org-a/audit/").status_code == 404
    assert personas.client(personas.outsider).get("/o/org-a/audit/").status_code == 404
    assert personas.client(personas.coordinator_b).get("/o/org-b/audit/").status_code == 200


def test_htmx_gets_only_the_events_partial(personas: Personas) -> None:
    _events(personas, 60)
    response = personas.client(personas.admin_a).get(
        "/o/org-a/audit/?page=2", headers={"HX-Request": "true"}
    )
    content = response.content.decode()
    assert content.lstrip().startswith('<div id="audit-events">')
    assert "<html" not in content
    assert content.count("test.write") == 10


def test_query_count_does_not_grow_with_events(personas: Personas) -> None:
    client = personas.client(personas.admin_a)
    _events(personas, 2)
    with CaptureQueriesContext(connection) as few:
        client.get("/o/org-a/audit/")
    _events(personas, 40)
    with CaptureQueriesContext(connection) as many:
        client.get("/o/org-a/audit/")
    assert len(many) == len(few)
