from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from tillit.conftest import Personas
from tillit.suppliers.gaps import (
    Gap,
    a_year_before,
    certificate_gaps,
    contract_gaps,
    pentest_gaps,
    supplier_gaps,
)
from tillit.suppliers.models import Certificate, Contract, DataLocation, PenTest
from tillit.suppliers.selectors import contracts_with_details
from tillit.suppliers.services import processor_agreement_set
from tillit.testing import make_asset, make_contract

pytestmark = pytest.mark.django_db
TODAY = dt.date(2025, 6, 15)


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


def _gaps(contract: Contract) -> list[Gap]:
    loaded = contracts_with_details(contract.organisation).get(pk=contract.pk)
    return contract_gaps(loaded, TODAY)


def test_personal_data_without_agreement(personas: Personas) -> None:
    personal = make_asset(personas.org_a, personal_data=True)
    contract = make_contract(personas.org_a, assets=[personal], service="Lön")
    [gap] = _gaps(contract)
    assert gap.kind == "missing_agreement"
    assert gap.contract == contract
    assert gap.message.startswith("Lön: the assets hold personal data")


def test_no_agreement_needed_without_personal_data(personas: Personas) -> None:
    plain = make_asset(personas.org_a, confidentiality=2)
    unclassified = make_asset(personas.org_a)
    assert _gaps(make_contract(personas.org_a, assets=[plain, unclassified])) == []


def test_points_not_covered_are_listed(personas: Personas) -> None:
    contract = make_contract(personas.org_a, service="Lön")
    processor_agreement_set(
        acting_user=personas.admin_a, contract=contract, signed_on=None, covered=set("abcf")
    )
    [gap] = _gaps(contract)
    assert gap.kind == "agreement_points"
    assert gap.message == "Lön: the processor agreement does not cover GDPR Art. 28(3) d, e, g, h."


def test_third_country_without_mechanism(personas: Personas) -> None:
    contract = make_contract(personas.org_a, service="Moln")
    # As a bulk import or an older record may leave it: the service itself refuses this.
    DataLocation.objects.create(contract=contract, country="US")
    DataLocation.objects.create(contract=contract, country="IN", transfer_mechanism="scc")
    DataLocation.objects.create(contract=contract, country="DE")
    [gap] = _gaps(contract)
    assert gap.kind == "transfer"
    assert "United States" in gap.message


@pytest.mark.parametrize(
    ("end", "expected"),
    [
        (TODAY, "ends in 0 days"),
        (TODAY + dt.timedelta(days=1), "ends in 1 day,"),
        (TODAY + dt.timedelta(days=90), "ends in 90 days"),
        (TODAY + dt.timedelta(days=91), None),
        (TODAY - dt.timedelta(days=1), None),  # already ended
        (None, None),
    ],
)
def test_contract_ending_within_90_days(
    personas: Personas, end: dt.date | None, expected: str | None
) -> None:
    gaps = _gaps(make_contract(personas.org_a, end=end))
    if expected is None:
        assert gaps == []
    else:
        [gap] = gaps
        assert gap.kind == "contract_end"
        assert expected in gap.message


def _certificate(until: dt.date, kind: str = "iso27001") -> Certificate:
    return Certificate(
        kind=kind,
        issuer="X",
        scope="Y",
        valid_from=until - dt.timedelta(days=300),
        valid_until=until,
    )


def test_expired_certificates_count_only_without_a_valid_one() -> None:
    expired = _certificate(TODAY - dt.timedelta(days=1))
    [gap] = certificate_gaps([expired, _certificate(dt.date(2020, 1, 1), "soc2")], TODAY)
    assert gap.kind == "certificate"
    assert "ISO/IEC 27001 (2025-06-14)" in gap.message
    assert "SOC 2 Type II (2020-01-01)" in gap.message
    assert certificate_gaps([expired, _certificate(TODAY)], TODAY) == []
    assert certificate_gaps([], TODAY) == []


def _pentest(day: dt.date) -> PenTest:
    return PenTest(performed_on=day, performed_by="X", scope="Y")


def test_a_critical_supplier_needs_a_pentest_within_12_months() -> None:
    assert pentest_gaps([], 1, TODAY) == []  # not critical enough
    [never] = pentest_gaps([], 2, TODAY)
    assert never.kind == "pentest"
    assert "No penetration test recorded" in never.message
    [old] = pentest_gaps([_pentest(dt.date(2024, 6, 14))], 3, TODAY)
    assert "the latest was on 2024-06-14" in old.message
    assert pentest_gaps([_pentest(dt.date(2024, 6, 15))], 3, TODAY) == []


def test_a_year_before_a_leap_day() -> None:
    assert a_year_before(dt.date(2024, 2, 29)) == dt.date(2023, 2, 28)
    assert a_year_before(TODAY) == dt.date(2024, 6, 15)


def test_supplier_gaps_need_no_queries_once_loaded(personas: Personas) -> None:
    personal = make_asset(personas.org_a, personal_data=True, confidentiality=2)
    for _ in range(3):
        make_contract(personas.org_a, assets=[personal], end=TODAY)
    contracts = list(contracts_with_details(personas.org_a))
    with CaptureQueriesContext(connection) as queries:
        gaps = supplier_gaps(
            contracts=contracts, certificates=[], pentests=[], criticality=2, today=TODAY
        )
    assert len(queries) == 0
    assert sorted(gap.kind for gap in gaps) == ["contract_end"] * 3 + ["missing_agreement"] * 3 + [
        "pentest"
    ]
