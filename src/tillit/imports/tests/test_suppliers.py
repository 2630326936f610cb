from __future__ import annotations

from tillit.conftest import Personas
from tillit.imports.tests.files import counts, csv_bytes, run, where
from tillit.suppliers.models import Supplier, SupplierRelation

HEADER = ["orgnr", "name", "country"]


def test_swedish_and_foreign_suppliers_are_created_and_related(personas: Personas) -> None:
    content = csv_bytes(
        [HEADER, ["5566778899", "Exempeldata HR AB", ""], ["DE-7781234", "Global Backup", "us"]]
    )
    result = run("suppliers", content, organisation=personas.org_a)
    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    swedish = Supplier.objects.get(orgnr="556677-8899")
    foreign = Supplier.objects.get(country="US", registration_number="DE-7781234")
    assert (swedish.country, foreign.orgnr) == ("SE", None)
    related = SupplierRelation.objects.filter(organisation=personas.org_a)
    assert set(related.values_list("supplier_id", flat=True)) == {swedish.pk, foreign.pk}


def test_reimport_changes_nothing(personas: Personas) -> None:
    content = csv_bytes([HEADER, ["556677-8899", "Exempeldata HR AB", "SE"]])
    run("suppliers", content, organisation=personas.org_a)
    before = counts()
    result = run("suppliers", content, organisation=personas.org_a)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)
    assert counts() == before


def test_an_existing_supplier_becomes_another_organisations_without_being_renamed(
    personas: Personas,
) -> None:
    supplier = Supplier.objects.create(name="Exempeldata HR AB", orgnr="556677-8899")
    content = csv_bytes([HEADER, ["556677-8899", "Fel namn AB", "SE"]])
    result = run("suppliers", content, organisation=personas.org_b)
    assert (result.created, result.updated) == (0, 1)
    supplier.refresh_from_db()
    assert supplier.name == "Exempeldata HR AB"
    assert SupplierRelation.objects.filter(organisation=personas.org_b, supplier=supplier).exists()


def test_the_operator_without_organisation_updates_names(personas: Personas) -> None:
    supplier = Supplier.objects.create(name="Gammalt namn AB", orgnr="556677-8899")
    result = run("suppliers", csv_bytes([HEADER, ["556677-8899", "Nytt namn AB", "SE"]]))
    assert (result.created, result.updated) == (0, 1)
    supplier.refresh_from_db()
    assert supplier.name == "Nytt namn AB"
    assert not SupplierRelation.objects.exists()


def test_a_foreign_registration_number_may_carry_its_country_prefix(personas: Personas) -> None:
    Supplier.objects.create(name="Global Backup", country="US", registration_number="DE-7781234")
    content = csv_bytes([HEADER, ["US:DE-7781234", "Global Backup", "US"]])
    result = run("suppliers", content, organisation=personas.org_a)
    assert (result.created, result.updated) == (0, 1)


def test_bad_rows_import_nothing(personas: Personas) -> None:
    before = counts()
    content = csv_bytes(
        [
            HEADER,
            ["556677-8899", "Exempeldata HR AB", "SE"],
            ["556677-8898", "Fel kontrollsiffra AB", "SE"],
            ["", "Utan nummer", "XX"],
            ["556100-1008", "", "SE"],
            ["5566778899", "Samma igen", "SE"],
            ["US:", "Utan registreringsnummer Inc.", "US"],  # was left out without a word
        ]
    )
    result = run("suppliers", content, organisation=personas.org_a)
    assert where(result) == [
        (3, "orgnr", "orgnr_check_digit"),
        (4, "country", "country"),
        (5, "name", "required"),
        (6, "orgnr", "duplicate_row"),
        (7, "orgnr", "registration_number"),
    ]
    assert counts() == before


def test_formula_looking_text_is_imported_as_text(personas: Personas) -> None:
    content = csv_bytes([HEADER, ["556677-8899", '=HYPERLINK("http://x","y")', "SE"]])
    result = run("suppliers", content, organisation=personas.org_a)
    assert result.ok
    assert Supplier.objects.get().name == '=HYPERLINK("http://x","y")'
