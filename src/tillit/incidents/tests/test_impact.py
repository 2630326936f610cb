"""Who an incident hits: direct customers and customers of customers, through any depth."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tillit.incidents.impact import dependants, impact
from tillit.organisations.models import Nis2Category, Organisation, OrganisationKind
from tillit.suppliers.models import SubProcessor, Supplier
from tillit.suppliers.services import processor_agreement_set
from tillit.testing import make_asset, make_contract, make_organisation, make_supplier, make_user

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def _uses(user: Supplier, used: Supplier) -> None:
    SubProcessor.objects.create(supplier=user, subprocessor=used, service="Drift", country="SE")


@pytest.fixture
def chain() -> dict[str, Any]:
    """hr → hosting → backup (a three-level chain), and an unrelated supplier."""
    hr, hosting, backup, other = (
        make_supplier("HR AB"),
        make_supplier("Hosting AB"),
        make_supplier("Backup AB"),
        make_supplier("Annan AB"),
    )
    _uses(hr, hosting)
    _uses(hosting, backup)
    town = make_organisation("Kommunen", kind=OrganisationKind.MUNICIPALITY)
    region = make_organisation("Regionen", kind=OrganisationKind.REGION)
    agency = make_organisation(
        "Verket", kind=OrganisationKind.AGENCY, nis2=Nis2Category.NOT_COVERED
    )
    bystander = make_organisation("Opåverkad")
    payroll = make_asset(
        town,
        "Lön",
        confidentiality=3,
        personal_data=True,
        sensitive_data=True,
        personnummer=True,
        protected_identities="skyddad_folkbokforing",
        data_subjects=4800,
    )
    make_contract(town, hr, assets=[payroll])
    make_contract(region, hosting, assets=[make_asset(region, "Journal", integrity=2)])
    make_contract(agency, backup, assets=[])
    make_contract(bystander, other, assets=[make_asset(bystander, personal_data=True)])
    return {
        "hr": hr,
        "hosting": hosting,
        "backup": backup,
        "town": town,
        "region": region,
        "agency": agency,
    }


def test_an_incident_deep_in_the_chain_reaches_every_customer_above(
    chain: dict[str, Any],
) -> None:
    found = impact(chain["backup"])
    paths = {o.name: o.path for o in found.organisations}
    assert paths == {
        "Verket": ["Backup AB"],
        "Regionen": ["Hosting AB", "Backup AB"],
        "Kommunen": ["HR AB", "Hosting AB", "Backup AB"],
    }
    town = next(o for o in found.organisations if o.name == "Kommunen")
    assert [
        (s.name, s.personal_data, s.protected_identities, s.data_subjects) for s in town.systems
    ] == [("Lön", "sensitive", "skyddad_folkbokforing", 4800)]
    assert found.totals == {
        "organisations": 3,
        "systems": 2,
        "data_subjects": 4800,
        "organisations_with_protected_identities": 1,
    }


def test_an_incident_at_the_top_hits_only_its_own_customers(chain: dict[str, Any]) -> None:
    assert [o.name for o in impact(chain["hr"]).organisations] == ["Kommunen"]


def test_a_cycle_in_the_chain_ends(chain: dict[str, Any]) -> None:
    _uses(chain["backup"], chain["hr"])  # backup uses hr: a loop
    assert set(dependants(chain["hosting"])) == {
        chain["hosting"].pk,
        chain["hr"].pk,
        chain["backup"].pk,
    }
    assert {o.name for o in impact(chain["hosting"]).organisations} == {
        "Kommunen",
        "Regionen",
        "Verket",
    }


def test_the_cost_grows_with_depth_not_with_customers(chain: dict[str, Any]) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            impact(chain["backup"])
        return len(captured)

    before = queries()
    for _ in range(10):
        organisation = make_organisation()
        make_contract(organisation, chain["hr"], assets=[make_asset(organisation, integrity=1)])
    assert queries() == before


def test_clocks_follow_who_the_organisation_is(chain: dict[str, Any]) -> None:
    aware = dt.datetime(2025, 8, 25, 9, 0, tzinfo=STOCKHOLM)
    found = {o.name: o for o in impact(chain["backup"]).organisations}
    town = {(d["regime"], d["step"]): d["due"] for d in found["Kommunen"].deadlines(aware)}
    # Personal data with protected identities (GDPR 33 and 34); a municipality is covered by
    # the cybersecurity act (NIS2).
    assert town[("gdpr_art33", "notification")] == "2025-08-28T09:00:00+02:00"
    assert ("gdpr_art34", "decision") in town
    assert town[("nis2_art23", "early_warning")] == "2025-08-26T09:00:00+02:00"
    assert town[("nis2_art23", "final_report")] == "2025-09-28T09:00:00+02:00"
    # A state agency outside NIS2, with an agreement but no systems linked: MSBFS only.
    agency = {(d["regime"], d["step"]) for d in found["Verket"].deadlines(aware)}
    assert agency == {("msbfs_2020_8", "first_report"), ("msbfs_2020_8", "final_report")}


def test_a_processor_agreement_means_personal_data_even_without_systems(
    chain: dict[str, Any],
) -> None:
    contract = chain["agency"].contracts.get()
    processor_agreement_set(
        acting_user=make_user(),
        contract=contract,
        signed_on=dt.date(2024, 1, 1),
        version="1",
        covered=set("abc"),
    )
    agency = next(o for o in impact(chain["backup"]).organisations if o.name == "Verket")
    assert agency.facts.personal_data
    assert agency.contracts[0].agreement_complete is False


def test_the_command_prints_the_json_contract(
    chain: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    call_command(
        "incident",
        "impact",
        "--supplier",
        chain["hosting"].orgnr.replace("-", ""),
        "--aware-at",
        "2025-08-25T09:00:00+02:00",
        "--json",
    )
    data = json.loads(capsys.readouterr().out)
    assert data["supplier"] == {"orgnr": chain["hosting"].orgnr, "name": "Hosting AB"}
    assert set(data["totals"]) == {
        "organisations",
        "systems",
        "data_subjects",
        "organisations_with_protected_identities",
    }
    town = next(o for o in data["organisations"] if o["name"] == "Kommunen")
    assert set(town) == {
        "orgnr",
        "name",
        "path",
        "systems",
        "data_subjects",
        "protected_identities",
        "deadlines",
    }
    assert town["orgnr"] == Organisation.objects.get(name="Kommunen").orgnr
    assert town["path"] == ["HR AB", "Hosting AB"]
    assert town["systems"] == [
        {
            "name": "Lön",
            "personal_data": "sensitive",
            "protected_identities": "skyddad_folkbokforing",
            "data_subjects": 4800,
        }
    ]
    assert {"regime": "gdpr_art33", "step": "notification", "due": "2025-08-28T09:00:00+02:00"} in (
        town["deadlines"]
    )


def test_an_unknown_supplier_is_a_clear_error() -> None:
    with pytest.raises(CommandError, match="Unknown supplier: 556000-0000"):
        call_command("incident", "impact", "--supplier", "556000-0000")
