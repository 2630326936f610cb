"""The worked example of docs/api.md, step by step: register a supplier, a contract, start an
assessment, and fetch the impact of an incident at the supplier."""

from __future__ import annotations

from tillit.api.tests.conftest import World
from tillit.classification.models import Asset

ORG = "/api/v1/organisations/org-a/"


def test_the_worked_example(world: World) -> None:
    client = world.client(world.write_a)
    supplier = client.post(
        ORG + "suppliers/", {"name": "Lönesystem AB", "orgnr": "556677-8899"}, format="json"
    )
    assert supplier.status_code == 201, supplier.json()
    contract = client.post(
        ORG + "contracts/",
        {
            "supplier": supplier.json()["id"],
            "service": "Lön och HR som tjänst",
            "assets": [str(world.objects["asset"])],
            "start": "2026-01-01",
            "end": "2028-12-31",
            "incident_notice_hours": 24,
            "sla_availability": "99.5",
            "right_to_audit": True,
        },
        format="json",
    )
    assert contract.status_code == 201, contract.json()
    assessment = client.post(
        ORG + "assessments/",
        {"title": "Bedömning 2026", "contracts": [contract.json()["id"]], "due_on": "2026-05-31"},
        format="json",
    )
    assert assessment.status_code == 201, assessment.json()
    assert assessment.json()["supplier"]["id"] == supplier.json()["id"]
    link = client.post(
        assessment["Location"] + "links/",
        {"contact_name": "Kim Svensson", "contact_email": "kim@lonesystem.se"},
        format="json",
    )
    assert link.status_code == 201
    incident = client.post(
        ORG + "incidents/",
        {
            "supplier": supplier.json()["id"],
            "title": "Intrång i lönesystemet",
            "description": "Obehörig åtkomst till lönefiler.",
            "severity": "high",
            "started_at": "2026-03-01T08:00:00+01:00",
            "discovered_at": "2026-03-02T10:30:00+01:00",
        },
        format="json",
    )
    assert incident.status_code == 201, incident.json()
    impact = client.get(incident["Location"] + "impact/")
    assert impact.status_code == 200
    body = impact.json()
    assert body["supplier"] == {"orgnr": "556677-8899", "name": "Lönesystem AB"}
    (own,) = body["organisations"]
    assert own["path"] == ["Lönesystem AB"]
    asset = Asset.objects.get(pk=world.objects["asset"])
    assert [system["name"] for system in own["systems"]] == [asset.name]
    assert body["totals"]["organisations"] == 1
