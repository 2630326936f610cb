from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from pytest_django import DjangoAssertNumQueries

from tillit.imports.tests.conftest import World
from tillit.imports.tests.files import CONTRACT_COLUMNS, counts, csv_bytes, run, where
from tillit.organisations.models import Organisation
from tillit.suppliers.models import Contract, DataLocation, ProcessorAgreement, SupplierRelation
from tillit.testing import make_asset, make_contract, sqlite_index_statistics


def _file(world: World, *rows: list[str]) -> bytes:
    return csv_bytes([CONTRACT_COLUMNS, *rows])


def _row(world: World, **values: str) -> list[str]:
    row = {
        "organisation_orgnr": world.orgnr,
        "supplier_orgnr": "556677-8899",
        "system_name": "Personalsystem",
        "start": "2024-01-01",
        "end": "2027-12-31",
        "dpa_signed": "2024-01-15",
        "data_locations": "SE;FI",
        "incident_notice_hours": "24",
    } | values
    return [row[column] for column in CONTRACT_COLUMNS]


def test_a_contract_is_created_with_its_agreement_locations_and_supplier(world: World) -> None:
    org_a = world.personas.org_a
    result = run("contracts", _file(world, _row(world)), organisation=org_a)
    assert result.ok, result.errors
    assert (result.rows, result.created, result.updated, result.unchanged) == (1, 1, 0, 0)
    contract = Contract.objects.get(organisation=org_a)
    assert contract.supplier == world.supplier
    assert contract.service == "Personalsystem"
    assert list(contract.assets.all()) == [world.system]
    assert (contract.start, contract.end) == (dt.date(2024, 1, 1), dt.date(2027, 12, 31))
    assert contract.incident_notice_hours == 24
    agreement = ProcessorAgreement.objects.get(contract=contract)
    assert agreement.signed_on == dt.date(2024, 1, 15)
    assert agreement.gaps == list("abcdefgh")
    assert sorted(contract.locations.values_list("country", flat=True)) == ["FI", "SE"]
    assert SupplierRelation.objects.filter(organisation=org_a, supplier=world.supplier).exists()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner statistics")
def test_an_import_leaves_sqlite_statistics_that_count_its_rows(world: World) -> None:
    assert run("contracts", _file(world, _row(world)), organisation=world.personas.org_a).ok
    rows = sqlite_index_statistics("contract_org_supplier_idx").split()[0]
    assert rows == str(Contract.objects.count())


def test_reimporting_the_same_file_changes_nothing(world: World) -> None:
    content = _file(world, _row(world))
    run("contracts", content, organisation=world.personas.org_a)
    before = counts()
    result = run("contracts", content, organisation=world.personas.org_a)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)
    assert counts() == before


def test_a_changed_row_updates_the_contract_and_keeps_the_checklist(world: World) -> None:
    org_a = world.personas.org_a
    run("contracts", _file(world, _row(world)), organisation=org_a)
    agreement = ProcessorAgreement.objects.get()
    agreement.covers_a = True
    agreement.save(update_fields=["covers_a"])
    kept = DataLocation.objects.get(country="SE")
    changed = _row(
        world,
        end="2028-06-30",
        dpa_signed="2024-02-01",
        data_locations="SE;US",
        incident_notice_hours="",
    )
    result = run("contracts", _file(world, changed), organisation=org_a)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)
    contract = Contract.objects.get()
    assert contract.end == dt.date(2028, 6, 30)
    assert contract.incident_notice_hours is None
    agreement.refresh_from_db()
    assert agreement.signed_on == dt.date(2024, 2, 1)
    assert agreement.covers_a
    assert sorted(contract.locations.values_list("country", flat=True)) == ["SE", "US"]
    assert DataLocation.objects.filter(pk=kept.pk).exists()


def test_a_contract_serving_several_systems_is_found_by_any_of_them(world: World) -> None:
    org_a = world.personas.org_a
    payroll = make_asset(org_a, "Lönesystem", confidentiality=2)
    run("contracts", _file(world, _row(world)), organisation=org_a)
    Contract.objects.get().assets.add(payroll)

    result = run(
        "contracts",
        _file(world, _row(world, system_name="Lönesystem", end="2029-01-31")),
        organisation=org_a,
    )

    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)
    assert Contract.objects.get().end == dt.date(2029, 1, 31)


def test_a_row_matching_two_contracts_is_refused_and_nothing_changes(world: World) -> None:
    org_a = world.personas.org_a
    for service in ("Lön", "Lön, tillägg"):
        make_contract(org_a, world.supplier, [world.system], service=service)
    before = counts()

    result = run("contracts", _file(world, _row(world)), organisation=org_a)

    assert where(result) == [(2, "system_name", "ambiguous_contract")]
    assert counts() == before


def test_only_the_contract_of_the_same_supplier_and_system_is_matched(world: World) -> None:
    org_a, org_b = world.personas.org_a, world.personas.org_b
    payroll = make_asset(org_a, "Lönesystem", confidentiality=2)
    others = [
        make_contract(org_a, world.hosting, [world.system], service="Drift"),
        make_contract(org_a, world.supplier, [payroll], service="Lön"),
        make_contract(org_b, world.supplier, [make_asset(org_b, "Personalsystem")]),
    ]
    before = {contract.pk: contract.end for contract in others}

    result = run("contracts", _file(world, _row(world)), organisation=org_a)

    assert (result.created, result.updated) == (1, 0)
    new = Contract.objects.exclude(pk__in=before).get()
    assert (new.organisation, new.supplier, list(new.assets.all())) == (
        org_a,
        world.supplier,
        [world.system],
    )
    assert dict(Contract.objects.filter(pk__in=before).values_list("pk", "end")) == before


def test_a_row_naming_an_unknown_supplier_is_not_also_told_its_system_is_unknown(
    world: World,
) -> None:
    row = _row(world, supplier_orgnr="559000-0005")
    result = run("contracts", _file(world, row), organisation=world.personas.org_a)
    assert where(result) == [(2, "supplier_orgnr", "unknown_supplier")]


def test_a_third_country_is_accepted_without_a_transfer_mechanism(world: World) -> None:
    row = _row(world, data_locations="US")
    result = run("contracts", _file(world, row), organisation=world.personas.org_a)
    assert result.ok
    assert DataLocation.objects.get().transfer_mechanism == ""


def test_an_empty_dpa_cell_leaves_the_agreement_alone(world: World) -> None:
    org_a = world.personas.org_a
    run("contracts", _file(world, _row(world)), organisation=org_a)
    result = run("contracts", _file(world, _row(world, dpa_signed="")), organisation=org_a)
    assert result.unchanged == 1
    assert ProcessorAgreement.objects.get().signed_on == dt.date(2024, 1, 15)


def test_a_foreign_supplier_is_named_by_country_and_registration_number(world: World) -> None:
    row = _row(world, supplier_orgnr="us:DE-7781234")
    result = run("contracts", _file(world, row), organisation=world.personas.org_a)
    assert result.ok, result.errors
    assert Contract.objects.get().supplier == world.foreign


def test_every_bad_cell_of_every_row_is_reported(world: World) -> None:
    before = counts()
    rows = [
        _row(world, start="2024-13-01", data_locations="SE;XX"),
        _row(world, supplier_orgnr="556677-8898", system_name="Okänt system"),
        _row(world, supplier_orgnr="556100-1008", end="2023-12-31", incident_notice_hours="-1"),
        # Dates beyond reach: 9999-12-31 was imported, and the reminders after it were no dates.
        _row(
            world,
            supplier_orgnr="US:DE-7781234",
            start="0001-01-01",
            end="9999-12-31",
            dpa_signed="2200-01-01",
            incident_notice_hours="100001",  # more than a contract may state anywhere else
        ),
    ]
    result = run("contracts", _file(world, *rows), organisation=world.personas.org_a)
    assert where(result) == [
        (2, "start", "date"),
        (2, "data_locations", "country"),
        (3, "supplier_orgnr", "orgnr_check_digit"),
        (3, "system_name", "unknown_system"),
        (4, "end", "end_before_start"),
        (4, "incident_notice_hours", "integer"),
        (5, "start", "date_range"),
        (5, "end", "date_range"),
        (5, "dpa_signed", "date_range"),
        (5, "incident_notice_hours", "integer"),
    ]
    assert result.errors[6].message == "Give a date between 1900-01-01 and 2199-12-31."
    assert counts() == before


def test_a_row_repeating_another_is_refused(world: World) -> None:
    rows = [_row(world), _row(world, end="2029-01-01")]
    result = run("contracts", _file(world, *rows), organisation=world.personas.org_a)
    assert where(result) == [(3, "system_name", "duplicate_row")]
    assert "Row 2" in result.errors[0].message


def test_the_same_bad_cell_on_many_rows_is_reported_on_each_in_the_users_language(
    world: World,
) -> None:
    bad = {"supplier_orgnr": "SE:556677-8898", "start": "2024-02-30", "data_locations": "se;xx"}
    rows = [_row(world, **bad) for _number in range(3)]
    english = run("contracts", _file(world, *rows), organisation=world.personas.org_a)
    with translation.override("sv"):
        swedish = run("contracts", _file(world, *rows), organisation=world.personas.org_a)
    expected = [
        (row, column, code)
        for row in (2, 3, 4)
        for column, code in [
            ("supplier_orgnr", "orgnr_check_digit"),
            ("start", "date"),
            ("data_locations", "country"),
        ]
    ]
    assert where(english) == where(swedish) == expected
    assert "Unknown country codes: XX." in english.errors[2].message
    assert all(str(problem) for problem in swedish.errors)
    assert [problem.message for problem in english.errors] != [
        problem.message for problem in swedish.errors
    ]


def test_an_import_takes_as_many_queries_for_many_rows_as_for_few(
    world: World, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    def contracts_for(organisation: Organisation, systems: int) -> bytes:
        rows = []
        for number in range(systems):
            make_asset(organisation, f"Import {number}")
            supplier = world.hosting if number % 2 else world.supplier
            rows.append(
                _row(
                    world,
                    organisation_orgnr=organisation.orgnr,
                    supplier_orgnr=str(supplier.orgnr),
                    system_name=f"Import {number}",
                    dpa_signed="2024-01-15" if number % 3 else "",
                )
            )
        return _file(world, *rows)

    few = contracts_for(world.personas.org_a, 2)
    many = contracts_for(world.personas.org_b, 40)
    with CaptureQueriesContext(connection) as queries:
        assert run("contracts", few).created == 2
    with django_assert_num_queries(len(queries)):
        assert run("contracts", many).created == 40


def test_a_system_name_longer_than_any_system_has_is_reported_on_its_row(world: World) -> None:
    # Matched against the systems before the row is checked: the database must not refuse it.
    row = _row(world, system_name="S" * 250)
    result = run("contracts", _file(world, row), organisation=world.personas.org_a)
    assert where(result) == [(2, "system_name", "too_long"), (2, "system_name", "unknown_system")]
