from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from tillit.audit.models import AuditEvent
from tillit.conftest import Personas
from tillit.suppliers.models import (
    Contract,
    DataLocation,
    ProcessorAgreement,
    SubProcessor,
    Supplier,
    SupplierRelation,
)
from tillit.suppliers.services import (
    certificate_add,
    contract_create,
    contract_update,
    data_location_add,
    pentest_add,
    processor_agreement_set,
    subprocessor_add,
    supplier_get_or_create,
)
from tillit.testing import make_asset, make_contract, make_supplier

pytestmark = pytest.mark.django_db


def _codes(error: ValidationError, field: str) -> list[str | None]:
    return [e.code for e in error.error_dict[field]]


def test_a_swedish_supplier_is_one_identity_whatever_the_spelling() -> None:
    first, created = supplier_get_or_create(
        acting_user=None, name="Säker Lön AB", orgnr="5560360793"
    )
    again, created_again = supplier_get_or_create(
        acting_user=None, name="Another name", orgnr="16556036-0793"
    )
    assert (created, created_again) == (True, False)
    assert again == first
    assert first.orgnr == "556036-0793"
    assert again.name == "Säker Lön AB"  # the name first given is kept
    assert AuditEvent.objects.filter(action="supplier.create").count() == 1


@pytest.mark.parametrize(
    ("orgnr", "code"),
    [
        ("556036-0792", "orgnr_check_digit"),
        ("811228-9874", "orgnr_not_legal_person"),  # a personnummer
        ("", "orgnr_format"),
    ],
)
def test_a_bad_orgnr_is_refused(orgnr: str, code: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        supplier_get_or_create(acting_user=None, name="X", orgnr=orgnr)
    assert _codes(excinfo.value, "orgnr") == [code]
    assert not Supplier.objects.exists()


def test_a_foreign_supplier_is_keyed_by_country_and_registration_number() -> None:
    backup, created = supplier_get_or_create(
        acting_user=None, name="Global Backup Inc.", country="us", registration_number=" 77-1 "
    )
    assert created
    assert (backup.country, backup.registration_number, backup.orgnr) == ("US", "77-1", None)
    assert backup.identifier == "US 77-1"
    same, created = supplier_get_or_create(
        acting_user=None, name="GB", country="US", registration_number="77-1"
    )
    assert (same, created) == (backup, False)
    other, created = supplier_get_or_create(
        acting_user=None, name="GB UK", country="GB", registration_number="77-1"
    )
    assert created
    assert other != backup


def test_a_foreign_supplier_needs_a_registration_number_and_a_real_country() -> None:
    with pytest.raises(ValidationError) as excinfo:
        supplier_get_or_create(acting_user=None, name="X", country="DE")
    assert "registration_number" in excinfo.value.error_dict
    with pytest.raises(ValidationError) as excinfo:
        supplier_get_or_create(acting_user=None, name="X", country="XX", registration_number="1")
    assert "country" in excinfo.value.error_dict


def test_a_new_supplier_needs_a_name() -> None:
    with pytest.raises(ValidationError) as excinfo:
        supplier_get_or_create(acting_user=None, name=" ", orgnr="556036-0793")
    assert "name" in excinfo.value.error_dict


def test_contract_create_links_assets_and_makes_the_supplier_ours(personas: Personas) -> None:
    asset = make_asset(personas.org_a, "HR")
    supplier = make_supplier()
    contract = contract_create(
        acting_user=personas.admin_a,
        organisation=personas.org_a,
        supplier=supplier,
        assets=[asset],
        service="HR-system",
        sla_availability=Decimal("99.5"),
    )
    assert list(contract.assets.all()) == [asset]
    assert SupplierRelation.objects.filter(organisation=personas.org_a, supplier=supplier).exists()
    event = AuditEvent.objects.get(action="contract.create")
    assert event.changes["assets"] == [None, ["HR"]]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"service": " "}, "service"),
        ({"start": dt.date(2025, 1, 2), "end": dt.date(2025, 1, 1)}, "end"),
        ({"sla_availability": Decimal("100.5")}, "sla_availability"),
    ],
)
def test_contract_validation(personas: Personas, values: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        contract_create(
            acting_user=personas.admin_a,
            organisation=personas.org_a,
            supplier=make_supplier(),
            assets=[],
            **({"service": "S"} | values),
        )
    assert field in excinfo.value.error_dict
    assert not Contract.objects.exists()


def test_a_contract_cannot_serve_another_organisations_asset(personas: Personas) -> None:
    with pytest.raises(ValidationError) as excinfo:
        make_contract(personas.org_a, assets=[make_asset(personas.org_b)])
    assert "assets" in excinfo.value.error_dict
    contract = make_contract(personas.org_a)
    with pytest.raises(ValidationError):
        contract_update(
            acting_user=personas.admin_a, contract=contract, assets=[make_asset(personas.org_b)]
        )


def test_contract_update_records_only_changes(personas: Personas) -> None:
    contract = make_contract(personas.org_a, service="Old")
    contract_update(acting_user=personas.admin_a, contract=contract, service="New", end=None)
    event = AuditEvent.objects.get(action="contract.update")
    assert event.changes == {"service": ["Old", "New"]}
    contract_update(acting_user=personas.admin_a, contract=contract, service="New")
    assert AuditEvent.objects.filter(action="contract.update").count() == 1


def test_processor_agreement_gaps_list_the_points_not_covered(personas: Personas) -> None:
    contract = make_contract(personas.org_a)
    agreement = processor_agreement_set(
        acting_user=personas.admin_a,
        contract=contract,
        signed_on=dt.date(2024, 1, 1),
        version=" 2.0 ",
        covered={"a", "b", "c", "f"},
    )
    assert agreement.gaps == ["d", "e", "g", "h"]
    assert agreement.version == "2.0"
    again = processor_agreement_set(
        acting_user=personas.admin_a, contract=contract, signed_on=None, covered=set("abcdefgh")
    )
    assert again.pk == agreement.pk
    assert again.gaps == []
    assert ProcessorAgreement.objects.count() == 1
    with pytest.raises(ValidationError):
        processor_agreement_set(
            acting_user=personas.admin_a, contract=contract, signed_on=None, covered={"i"}
        )


def test_data_outside_the_eu_needs_a_transfer_mechanism(personas: Personas) -> None:
    contract = make_contract(personas.org_a)
    with pytest.raises(ValidationError) as excinfo:
        data_location_add(acting_user=personas.admin_a, contract=contract, country="US")
    assert _codes(excinfo.value, "transfer_mechanism") == ["transfer_mechanism_required"]
    us = data_location_add(
        acting_user=personas.admin_a, contract=contract, country="us", transfer_mechanism="scc"
    )
    assert us.country == "US"
    norway = data_location_add(acting_user=personas.admin_a, contract=contract, country="NO")
    assert norway.transfer_mechanism == ""  # EEA: none needed


def test_a_data_location_is_listed_once_and_must_be_a_country(personas: Personas) -> None:
    contract = make_contract(personas.org_a)
    data_location_add(acting_user=personas.admin_a, contract=contract, country="SE")
    for country in ("SE", "XX"):
        with pytest.raises(ValidationError) as excinfo:
            data_location_add(acting_user=personas.admin_a, contract=contract, country=country)
        assert "country" in excinfo.value.error_dict
    with pytest.raises(ValidationError) as excinfo:
        data_location_add(
            acting_user=personas.admin_a, contract=contract, country="FI", transfer_mechanism="x"
        )
    assert "transfer_mechanism" in excinfo.value.error_dict
    assert DataLocation.objects.count() == 1


def test_a_supplier_cannot_be_its_own_subprocessor(personas: Personas) -> None:
    supplier = make_supplier()
    with pytest.raises(ValidationError) as excinfo:
        subprocessor_add(
            acting_user=personas.admin_a,
            organisation=personas.org_a,
            supplier=supplier,
            subprocessor=supplier,
            service="Drift",
            country="SE",
        )
    assert "subprocessor" in excinfo.value.error_dict
    assert not SubProcessor.objects.exists()


def test_a_subprocessor_is_recorded_once_per_service(personas: Personas) -> None:
    supplier, hosting = make_supplier(), make_supplier()
    arguments: dict[str, Any] = {
        "acting_user": personas.admin_a,
        "organisation": personas.org_a,
        "supplier": supplier,
        "subprocessor": hosting,
        "country": "SE",
    }
    link = subprocessor_add(service="Drift", **arguments)
    assert link.recorded_by == personas.org_a
    with pytest.raises(ValidationError) as excinfo:
        subprocessor_add(service=" Drift ", **arguments)
    assert "subprocessor" in excinfo.value.error_dict
    subprocessor_add(service="Backup", **arguments)
    assert SubProcessor.objects.count() == 2


def test_certificate_dates(personas: Personas) -> None:
    supplier = make_supplier()
    arguments: dict[str, Any] = {
        "acting_user": personas.admin_a,
        "organisation": personas.org_a,
        "supplier": supplier,
        "kind": "iso27001",
        "issuer": "Cert AB",
        "scope": "Drift",
    }
    with pytest.raises(ValidationError) as excinfo:
        certificate_add(
            valid_from=dt.date(2025, 1, 2), valid_until=dt.date(2025, 1, 1), **arguments
        )
    assert "valid_until" in excinfo.value.error_dict
    with pytest.raises(ValidationError) as excinfo:
        certificate_add(
            valid_from=dt.date(2025, 1, 1),
            valid_until=dt.date(2026, 1, 1),
            **(arguments | {"kind": "iso9001"}),
        )
    assert "kind" in excinfo.value.error_dict
    certificate = certificate_add(
        valid_from=dt.date(2025, 1, 1), valid_until=dt.date(2025, 1, 1), **arguments
    )
    assert certificate.valid_until == certificate.valid_from  # a one-day certificate is valid
    assert SupplierRelation.objects.filter(supplier=supplier, organisation=personas.org_a).exists()


def test_a_pentest_needs_who_and_what(personas: Personas) -> None:
    with pytest.raises(ValidationError) as excinfo:
        pentest_add(
            acting_user=personas.admin_a,
            organisation=personas.org_a,
            supplier=make_supplier(),
            performed_on=dt.date(2025, 1, 1),
            performed_by=" ",
            scope="",
        )
    assert {"performed_by", "scope"} <= excinfo.value.error_dict.keys()
