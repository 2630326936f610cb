"""The register's pages: list with filters and heat map, proposals, the form, acceptance and
settings, each checked against who may do it."""

from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tillit.audit.models import AuditEvent
from tillit.conftest import Personas
from tillit.organisations.roles import Role
from tillit.risks.models import Risk, RiskSettings, RiskStatus
from tillit.risks.selectors import above_appetite, band_counts, heatmap
from tillit.risks.services import risk_update
from tillit.risks.tests.helpers import make_case, make_finding, make_risk
from tillit.testing import make_contract, make_member


def _url(name: str, *args: object) -> str:
    return reverse(name, args=["org-a", *args])


def _post_values(**changes: object) -> dict[str, object]:
    return {
        "title": "Leverantören saknar övad incidentrutin",
        "description": "",
        "inherent_likelihood": "3",
        "inherent_consequence": "3",
        "residual_likelihood": "",
        "residual_consequence": "",
        "treatment": "",
        "measures": "",
        "status": "open",
    } | changes


def test_the_list_filters_and_counts_per_cell(personas: Personas) -> None:
    make_risk(personas.org_a, personas.admin_a, title="Kritisk risk", inherent_likelihood=4)
    make_risk(
        personas.org_a,
        personas.admin_a,
        title="Låg risk",
        inherent_likelihood=1,
        inherent_consequence=1,
        treatment="accept",
        owner=personas.reader_a,
    )
    make_risk(personas.org_b, personas.coordinator_b, title="B:s risk")
    client = personas.client(personas.reader_a)
    page = client.get(_url("risk-list")).content.decode()
    assert "Kritisk risk" in page
    assert "Låg risk" in page
    assert "B:s risk" not in page
    assert '<table class="heatmap"' in page
    only_critical = client.get(_url("risk-list"), {"band": "critical"}).content.decode()
    assert "Kritisk risk" in only_critical
    assert "Låg risk" not in only_critical
    accepted = client.get(_url("risk-list"), {"treatment": "accept"}).content.decode()
    assert "Kritisk risk" not in accepted
    owned = client.get(_url("risk-list"), {"owner": personas.reader_a.pk}).content.decode()
    assert "Låg risk" in owned
    assert "Kritisk risk" not in owned
    closed = client.get(_url("risk-list"), {"status": "closed"}).content.decode()
    assert "Låg risk" not in closed
    # Nonsense filters filter nothing.
    nonsense = client.get(
        _url("risk-list"), {"band": "x", "treatment": "<b>", "status": "1", "owner": "abc"}
    )
    assert nonsense.status_code == 200
    assert "Kritisk risk" in nonsense.content.decode()
    heat = heatmap(personas.org_a)
    assert heat.total == 2
    assert heat.rows[0].likelihood == 4  # the highest likelihood on top
    assert heat.rows[0].cells[2].count == 1  # (4, 3): level 6
    assert heat.rows[-1].cells[0].count == 1  # (1, 1)
    assert band_counts(heat) == {"low": 1, "medium": 0, "high": 0, "critical": 1}
    assert above_appetite(heat) == 1
    data = heat.as_data()
    assert data["rows"][0]["cells"][2] == {
        "likelihood": 4,
        "consequence": 3,
        "level": 6,
        "band": "critical",
        "band_label": "Kritisk",
        "count": 1,
    }


def test_the_list_costs_the_same_for_few_and_many_risks(personas: Personas) -> None:
    client = personas.client(personas.admin_a)
    counts = []
    for total in (1, 15):
        contract = make_contract(personas.org_a)
        while Risk.objects.count() < total:
            make_risk(
                personas.org_a,
                personas.admin_a,
                owner=personas.reader_a,
                supplier=contract.supplier,
                title=f"Risk {Risk.objects.count()}",
            )
        with CaptureQueriesContext(connection) as queries:
            response = client.get(_url("risk-list"), {"band": "high", "status": "open"})
            assert response.status_code == 200
            assert client.get(_url("risk-list")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_heat_maps_cost_the_same_for_2_and_12_risks(personas: Personas) -> None:
    client = personas.client(personas.admin_a)
    contract = make_contract(personas.org_a)

    def risks(count: int) -> None:
        for index in range(count):
            make_risk(
                personas.org_a,
                personas.admin_a,
                owner=personas.reader_a,
                supplier=contract.supplier,
                inherent_likelihood=index % 4 + 1,
                residual_likelihood=1,
                residual_consequence=index % 3 + 1,
            )

    def heat_maps() -> list[int]:
        totals = []
        for kind in ("inherent", "residual"):
            response = client.get(_url("risk-heatmap"), {"kind": kind}, headers={"HX-Request": "1"})
            assert f'id="heatmap-{kind}"' in response.content.decode()
            totals.append(response.context["heat"].total)
        return totals

    risks(2)
    with CaptureQueriesContext(connection) as few:
        heat_maps()
    risks(10)
    with CaptureQueriesContext(connection) as many:
        assert heat_maps() == [12, 12]
    assert len(many) == len(few)


def test_the_risk_page_costs_the_same_for_2_and_14_changes_in_its_history(
    personas: Personas,
) -> None:
    finding = make_finding(personas.org_a)
    contract = finding.assessment.contracts.get()
    risk = make_risk(
        personas.org_a,
        personas.admin_a,
        owner=personas.reader_a,
        supplier=contract.supplier,
        contract=contract,
        asset=contract.assets.get(),
        finding=finding,
        case=make_case(personas.org_a, personas.admin_a),
    )

    def change(count: int) -> None:
        for _ in range(count):
            measures = f"Åtgärd {AuditEvent.objects.count()}"
            risk_update(acting_user=personas.admin_a, risk=risk, measures=measures)

    client = personas.client(personas.reader_a)
    change(2)
    with CaptureQueriesContext(connection) as few:
        client.get(_url("risk-detail", risk.pk))
    change(12)
    with CaptureQueriesContext(connection) as many:
        page = client.get(_url("risk-detail", risk.pk)).content.decode()
    assert page.count(": risk.update</li>") == 14
    assert "Intrång hos lönesystemets leverantör" in page  # the linked case's incident
    assert len(many) == len(few)


def test_a_risk_is_created_edited_and_shown(personas: Personas) -> None:
    client = personas.client(personas.admin_a)
    response = client.post(_url("risk-create"), _post_values(owner=personas.reader_a.pk))
    risk = Risk.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url("risk-detail", risk.pk)
    assert (risk.residual_likelihood, risk.residual_consequence) == (3, 3)
    response = client.post(
        _url("risk-edit", risk.pk),
        _post_values(
            residual_likelihood="2",
            residual_consequence="3",
            treatment="reduce",
            measures="Kräv övning av incidentrutinen.",
            status="treating",
        ),
    )
    assert response.status_code == 302
    risk.refresh_from_db()
    assert risk.status == RiskStatus.TREATING
    page = client.get(_url("risk-detail", risk.pk)).content.decode()
    assert "Kräv övning av incidentrutinen." in page
    assert "risk.update" in page  # the history


def test_bad_input_changes_nothing(personas: Personas) -> None:
    risk = make_risk(personas.org_a, personas.admin_a)
    client = personas.client(personas.admin_a)
    before = AuditEvent.objects.count()
    for values in (
        _post_values(inherent_likelihood="7"),
        _post_values(inherent_likelihood="hög"),
        _post_values(residual_likelihood="4"),  # worse after measures than before
        _post_values(status="accepted"),
        _post_values(treatment="bribe"),
        _post_values(title=""),
        _post_values(supplier="00000000-0000-0000-0000-000000000000"),
        _post_values(owner="abc"),
        _post_values(review_on="next tuesday"),
    ):
        assert client.post(_url("risk-create"), values).status_code == 200
        assert client.post(_url("risk-edit", risk.pk), values).status_code == 200
    for accepted_on in ("igår", ""):
        response = client.post(_url("risk-accept", risk.pk), {"accepted_on": accepted_on})
        assert response.status_code == 200
    settings = _url("risk-settings")
    for posted in (
        {"matrix_size": "7", "appetite": "3"},
        {"matrix_size": "3", "appetite": "9"},
        {"matrix_size": "x"},
    ):
        assert client.post(settings, posted).status_code == 200
    assert Risk.objects.count() == 1
    assert AuditEvent.objects.count() == before
    assert not RiskSettings.objects.exists()
    risk.refresh_from_db()
    assert risk.status == RiskStatus.OPEN


def test_a_finding_proposes_a_risk_that_is_saved_only_when_confirmed(
    personas: Personas,
) -> None:
    finding = make_finding(personas.org_a, "Loggar sparas inte")
    client = personas.client(personas.admin_a)
    detail = client.get(reverse("finding-detail", args=["org-a", finding.pk])).content.decode()
    proposal_url = f"{_url('risk-create')}?finding={finding.pk}"
    assert proposal_url in detail
    before = AuditEvent.objects.count()
    page = client.get(proposal_url).content.decode()
    assert Risk.objects.count() == 0
    assert AuditEvent.objects.count() == before
    assert 'value="Loggar sparas inte"' in page
    assert "Dokumentera och öva rutinen." in page
    supplier = finding.assessment.supplier
    assert re.search(rf'<option value="{supplier.pk}" selected>', page)
    assert re.search(rf'<option value="{finding.pk}" selected>', page)
    contract = finding.assessment.contracts.get()
    assert re.search(rf'<option value="{contract.pk}" selected>', page)
    response = client.post(
        proposal_url,
        _post_values(
            title="Loggar sparas inte",
            finding=finding.pk,
            supplier=supplier.pk,
            contract=contract.pk,
        ),
    )
    assert response.status_code == 302
    risk = Risk.objects.get()
    assert (risk.finding, risk.supplier, risk.contract) == (finding, supplier, contract)


def test_an_incident_case_proposes_a_risk(personas: Personas) -> None:
    case = make_case(personas.org_a, personas.admin_a)
    client = personas.client(personas.admin_a)
    detail = client.get(reverse("case-detail", args=["org-a", case.pk])).content.decode()
    proposal_url = f"{_url('risk-create')}?case={case.pk}"
    assert proposal_url in detail
    page = client.get(proposal_url).content.decode()
    assert not Risk.objects.exists()
    assert 'value="Intrång hos lönesystemets leverantör"' in page
    assert "Namn och personnummer" in page
    assert re.search(rf'<option value="{case.pk}" selected>', page)
    assert re.search(rf'<option value="{case.via_supplier_id}" selected>', page)
    asset = case.organisation.assets.get(name="Lönesystem")
    assert re.search(rf'<option value="{asset.pk}" selected>', page)


def test_proposals_come_only_from_the_organisation_s_own_objects(personas: Personas) -> None:
    theirs = make_finding(personas.org_b)
    client = personas.client(personas.admin_a)
    assert client.get(_url("risk-create"), {"finding": str(theirs.pk)}).status_code == 404
    assert client.get(_url("risk-create"), {"finding": "nonsense"}).status_code == 404
    assert client.get(_url("risk-create"), {"case": "nonsense"}).status_code == 404
    # Posting another organisation's finding as a link is refused by the form.
    response = client.post(_url("risk-create"), _post_values(finding=theirs.pk))
    assert response.status_code == 200
    assert not Risk.objects.exists()


def test_readers_see_but_do_not_edit(personas: Personas) -> None:
    risk = make_risk(personas.org_a, personas.admin_a)
    client = personas.client(personas.reader_a)
    assert client.get(_url("risk-detail", risk.pk)).status_code == 200
    assert client.get(_url("risk-heatmap"), {"kind": "inherent"}).status_code == 200
    assert client.get(_url("risk-create")).status_code == 403
    assert client.post(_url("risk-edit", risk.pk), _post_values()).status_code == 403


def test_acceptance_above_the_appetite_through_the_pages(personas: Personas) -> None:
    risk = make_risk(personas.org_a, personas.admin_a, inherent_likelihood=4)  # level 6
    coordinator = personas.client(make_member(personas.org_a, Role.SECURITY_COORDINATOR))
    page = coordinator.get(_url("risk-detail", risk.pk)).content.decode()
    assert _url("risk-accept", risk.pk) not in page
    today = f"{timezone.localdate():%Y-%m-%d}"
    response = coordinator.post(
        _url("risk-accept", risk.pk), {"accepted_on": today, "reason": "Vi tar den"}
    )
    assert response.status_code == 403
    management = personas.client(personas.reader_a)
    page = management.get(_url("risk-detail", risk.pk)).content.decode()
    assert _url("risk-accept", risk.pk) in page
    response = management.post(_url("risk-accept", risk.pk), {"accepted_on": today})
    assert response.status_code == 200
    assert Risk.objects.get().status == RiskStatus.OPEN
    response = management.post(
        _url("risk-accept", risk.pk), {"accepted_on": today, "reason": "Beslut i ledningen."}
    )
    assert response.status_code == 302
    risk.refresh_from_db()
    assert risk.status == RiskStatus.ACCEPTED
    assert risk.accepted_by == personas.reader_a
    assert AuditEvent.objects.filter(action="risk.accept", actor_id=personas.reader_a.pk).exists()


def test_the_settings_are_management_s(personas: Personas) -> None:
    make_risk(personas.org_a, personas.admin_a)
    url = _url("risk-settings")
    coordinator = personas.client(make_member(personas.org_a, Role.SECURITY_COORDINATOR))
    assert coordinator.get(url).status_code == 403
    management = personas.client(personas.reader_a)
    response = management.post(url, {"matrix_size": "5", "appetite": "5"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "How each step would move" in page or "Så flyttas varje steg" in page
    assert not RiskSettings.objects.exists()
    response = management.post(url, {"matrix_size": "5", "appetite": "5", "rescale_risks": "on"})
    assert response.status_code == 302
    assert RiskSettings.objects.get().matrix_size == 5
    assert Risk.objects.get().inherent_likelihood == 4  # 3 on 4 by 4 is 4 on 5 by 5


def test_digits_that_are_no_number_are_refused_without_an_error(personas: Personas) -> None:
    """str.isdigit() holds for "²", which int() refuses: such a value was a server error."""
    make_risk(personas.org_a, personas.admin_a, title="Kritisk risk")
    client = personas.client(personas.reader_a)
    response = client.get(_url("risk-list"), {"owner": "²"})
    assert response.status_code == 200
    assert "Kritisk risk" in response.content.decode()  # filters nothing, as other nonsense
    response = client.get(_url("risk-list"), {"owner": "99999999999999999999999"})
    assert response.status_code == 200
    assert "Kritisk risk" not in response.content.decode()  # nobody's
    response = client.post(_url("risk-settings"), {"matrix_size": "⁵", "appetite": "5"})
    assert response.status_code == 200
    assert response.context["form"].errors["matrix_size"]
    assert not RiskSettings.objects.exists()
