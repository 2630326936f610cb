"""The risk register through the API: register and change risks through the services, accept
one only as the service allows (above the risk appetite: management's decision), and the risk
settings (management's and administrators')."""

from __future__ import annotations

import datetime as dt

from tillit.api.tests.conftest import World, client_with, cost, make_token
from tillit.audit.models import AuditEvent
from tillit.organisations.roles import Permission, Role
from tillit.risks.models import Risk, RiskSettings, RiskStatus
from tillit.risks.services import risk_accept, risk_create
from tillit.testing import make_asset, make_contract, make_member

ORG = "/api/v1/organisations/org-a/"


def test_register_and_change_a_risk(world: World) -> None:
    client = world.client(world.write_a)
    response = client.post(
        ORG + "risks/",
        {
            "title": "Lönerna stannar",
            "supplier": str(world.objects["supplier"]),
            "contract": str(world.objects["contract"]),
            "case": str(world.objects["case"]),
            "inherent_likelihood": 2,
            "inherent_consequence": 4,
            "owner": "Reader@a.test",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    risk = response.json()
    assert (risk["residual_likelihood"], risk["residual_consequence"]) == (2, 4)
    assert (risk["residual_level"], risk["residual_band"]) == (5, "high")
    assert risk["above_appetite"] is True
    assert risk["owner"]["email"] == "reader@a.test"
    url = ORG + f"risks/{risk['id']}/"
    assert response["Location"].endswith(url)
    assert client.patch(url, {"treatment": "reduce"}, format="json").status_code == 428
    etag = client.get(url)["ETag"]
    unmeasured = client.patch(url, {"treatment": "reduce"}, format="json", HTTP_IF_MATCH=etag)
    assert unmeasured.status_code == 400
    assert set(unmeasured.json()["errors"]) == {"measures"}
    worse = client.patch(url, {"residual_likelihood": 3}, format="json", HTTP_IF_MATCH=etag)
    assert set(worse.json()["errors"]) == {"residual_likelihood"}
    changed = client.patch(
        url,
        {"treatment": "reduce", "measures": "Reservrutin", "residual_consequence": 2},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert changed.status_code == 200, changed.json()
    assert (changed.json()["residual_level"], changed.json()["above_appetite"]) == (3, False)
    event = AuditEvent.objects.filter(action="risk.update", object_id=risk["id"]).get()
    assert "via API token" in event.actor_label


def test_links_must_be_the_organisation_s_own(world: World) -> None:
    org_b = world.personas.org_b
    theirs = make_contract(org_b, assets=[make_asset(org_b)])
    response = world.client(world.write_a).post(
        ORG + "risks/",
        {
            "title": "X",
            "contract": str(theirs.pk),
            "owner": "coordinator@b.test",
            "inherent_likelihood": 1,
            "inherent_consequence": 1,
        },
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"contract"}
    off_matrix = world.client(world.write_a).post(
        ORG + "risks/",
        {"title": "X", "inherent_likelihood": 5, "inherent_consequence": 1},
        format="json",
    )
    # A 4 by 4 matrix (the residual value is the inherent one unless given).
    assert set(off_matrix.json()["errors"]) == {"inherent_likelihood", "residual_likelihood"}
    assert Risk.objects.count() == 1


def test_accepting_above_the_appetite_is_management_s(world: World) -> None:
    url = ORG + "risks/{risk}/acceptance/".format(**world.objects)  # level 5, appetite 4
    coordinator = make_member(world.personas.org_a, Role.SECURITY_COORDINATOR, "sc@a.test")
    editor = client_with(make_token(coordinator, world.personas.org_a))
    body = {"accepted_on": "2026-01-15", "reason": "Kostnaden för åtgärder är för hög"}
    refused = editor.post(url, body, format="json")
    assert refused.status_code == 403
    assert refused.json()["detail"].endswith("bara ledningen får acceptera den.")
    assert world.client(world.read_a).post(url, body, format="json").status_code == 403
    assert Risk.objects.get().status == RiskStatus.OPEN
    admin = world.client(world.write_a)
    unexplained = admin.post(url, {"accepted_on": "2026-01-15"}, format="json")
    assert set(unexplained.json()["errors"]) == {"reason"}
    accepted = admin.post(url, body, format="json")
    assert accepted.status_code == 200, accepted.json()
    assert accepted.json()["status"] == "accepted"
    assert accepted.json()["accepted_by"]["email"] == "admin@a.test"
    again = admin.post(url, body, format="json")
    assert set(again.json()["errors"]) == {"status"}


def test_an_editor_accepts_within_the_appetite(world: World) -> None:
    coordinator = make_member(world.personas.org_a, Role.SECURITY_COORDINATOR, "sc@a.test")
    editor = client_with(make_token(coordinator, world.personas.org_a))
    created = editor.post(
        ORG + "risks/",
        {"title": "Liten", "inherent_likelihood": 1, "inherent_consequence": 2},
        format="json",
    ).json()
    accepted = editor.post(
        ORG + f"risks/{created['id']}/acceptance/", {"accepted_on": "2026-01-15"}, format="json"
    )
    assert accepted.status_code == 200, accepted.json()


def test_the_list_filters_and_takes_a_constant_number_of_queries(world: World) -> None:
    client = world.client(world.write_a)
    for likelihood in (1, 2, 4, 4):
        client.post(
            ORG + "risks/",
            {
                "title": f"R{likelihood}",
                "inherent_likelihood": likelihood,
                "inherent_consequence": 4,
                "owner": "admin@a.test",
            },
            format="json",
        )
    few, listed = cost(client, ORG + "risks/", limit=500)
    assert [r["residual_level"] for r in listed["results"]] == [7, 7, 5, 5, 4]
    critical = client.get(ORG + "risks/", {"band": "critical"}).json()
    assert critical["count"] == 2
    owned = client.get(ORG + "risks/", {"owner": "ADMIN@a.test", "ordering": "title"}).json()
    assert [r["title"] for r in owned["results"]] == ["R1", "R2", "R4", "R4"]
    assert client.get(ORG + "risks/", {"treatment": "none"}).json()["count"] == 5
    org, admin = world.personas.org_a, world.personas.admin_a
    for number in range(12):  # each owned by someone else, and accepted
        risk = risk_create(
            acting_user=admin,
            organisation=org,
            title=f"Liten {number}",
            supplier=make_contract(org).supplier,
            inherent_likelihood=1,
            inherent_consequence=2,
            owner=make_member(org, Role.SYSTEM_OWNER),
        )
        risk_accept(
            acting_user=admin,
            permissions=frozenset(Permission),
            risk=risk,
            accepted_on=dt.date(2026, 1, 15),
            reason="",
        )
    many, listed = cost(client, ORG + "risks/", limit=500)
    assert len(listed["results"]) == listed["count"] == 17
    accepted = [r for r in listed["results"] if r["status"] == RiskStatus.ACCEPTED]
    assert len({(r["owner"]["email"], r["accepted_by"]["email"]) for r in accepted}) == 12
    assert many == few


def test_the_risk_settings(world: World) -> None:
    url = ORG + "risks/settings/"
    shown = world.client(world.read_a).get(url)
    assert shown.status_code == 200
    assert (shown.json()["matrix_size"], shown.json()["appetite"]) == (4, 4)  # the defaults
    assert shown.json()["bands"][0] == {"band": "low", "first": 1, "last": 2}
    client = world.client(world.write_a)
    etag = client.get(url)["ETag"]
    assert etag == shown["ETag"]
    larger = {"matrix_size": 5, "appetite": 6}
    assert client.patch(url, larger, format="json").status_code == 428
    unconfirmed = client.patch(url, larger, format="json", HTTP_IF_MATCH=etag)
    assert unconfirmed.status_code == 400
    assert set(unconfirmed.json()["errors"]) == {"rescale_risks"}
    off_matrix = client.patch(url, {"appetite": 8}, format="json", HTTP_IF_MATCH=etag)
    assert set(off_matrix.json()["errors"]) == {"appetite"}
    assert not RiskSettings.objects.exists()
    confirmed = larger | {"rescale_risks": True}
    response = client.patch(url, confirmed, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200, response.json()
    assert (response.json()["matrix_size"], response.json()["appetite"]) == (5, 6)
    assert response["ETag"] != etag
    risk = Risk.objects.get()
    assert (risk.inherent_likelihood, risk.inherent_consequence) == (4, 4)  # 3 of 4 → 4 of 5
    stale = client.patch(url, {"appetite": 5}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert RiskSettings.objects.get().appetite == 6
    event = AuditEvent.objects.get(action="risk.settings")
    assert "via API token" in event.actor_label
    assert AuditEvent.objects.filter(action="risk.rescale", object_id=str(risk.pk)).exists()
    incomplete = client.put(url, {"appetite": 5}, format="json", HTTP_IF_MATCH=response["ETag"])
    assert set(incomplete.json()["errors"]) == {"matrix_size"}
    replaced = client.put(url, {"matrix_size": 5, "appetite": 5}, format="json")
    assert replaced.status_code == 428
    replaced = client.put(
        url, {"matrix_size": 5, "appetite": 5}, format="json", HTTP_IF_MATCH=response["ETag"]
    )
    assert replaced.status_code == 200, replaced.json()
    assert RiskSettings.objects.get().appetite == 5
    # Another organisation keeps its own.
    theirs = world.client(world.write_b).get("/api/v1/organisations/org-b/risks/settings/")
    assert theirs.json()["matrix_size"] == 4


def test_only_management_and_administrators_set_the_risk_settings(world: World) -> None:
    url = ORG + "risks/settings/"
    coordinator = make_member(world.personas.org_a, Role.SECURITY_COORDINATOR, "sc@a.test")
    editor = client_with(make_token(coordinator, world.personas.org_a))
    etag = editor.get(url)["ETag"]
    body = {"appetite": 3}
    assert editor.patch(url, body, format="json", HTTP_IF_MATCH=etag).status_code == 403
    reader = world.client(world.read_a)
    assert reader.patch(url, body, format="json", HTTP_IF_MATCH=etag).status_code == 403
    management = world.personas.client(world.personas.reader_a)
    response = management.patch(
        url, body, content_type="application/json", headers={"If-Match": etag}
    )
    assert response.status_code == 200, response.json()
    assert RiskSettings.objects.get().appetite == 3
