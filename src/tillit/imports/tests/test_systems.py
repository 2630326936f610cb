from __future__ import annotations

from tillit.classification.models import Asset, Classification
from tillit.conftest import Personas
from tillit.imports.kinds.base import Row
from tillit.imports.kinds.systems import SystemImporter
from tillit.imports.tests.files import counts, csv_bytes, run, where
from tillit.testing import make_asset

HEADER = [
    "organisation_orgnr",
    "name",
    "confidentiality",
    "integrity",
    "availability",
    "traceability",
    "personal_data",
    "protected_identities",
    "data_subjects",
]


def _row(personas: Personas, *values: object) -> list[object]:
    return [personas.org_a.orgnr, *values]


def test_a_system_is_created_with_its_first_classification(personas: Personas) -> None:
    row = _row(personas, "Personalsystem", 3, 2, 2, 2, "sensitive", "yes", 4800)
    result = run(
        "systems", csv_bytes([HEADER, row]), organisation=personas.org_a, user=personas.admin_a
    )
    assert result.ok, result.errors
    assert result.created == 1
    asset = Asset.objects.get(organisation=personas.org_a, name="Personalsystem")
    current = asset.current
    assert current is not None
    assert (current.version, current.confidentiality, current.traceability) == (1, 3, 2)
    assert (current.personal_data, current.sensitive_data, current.criminal_data) == (
        True,
        True,
        False,
    )
    assert current.protected_identities == "sekretessmarkering"
    assert current.data_subjects == 4800
    assert current.answers == {
        "confidentiality": 3,
        "integrity": 2,
        "availability": 2,
        "traceability": 2,
    }
    assert current.overrides == {}
    assert current.classified_by == personas.admin_a


def test_reimport_changes_nothing_and_a_change_adds_a_version(personas: Personas) -> None:
    row = _row(personas, "Ekonomisystem", 2, 2, 1, 1, "ordinary", "no", "")
    run("systems", csv_bytes([HEADER, row]), organisation=personas.org_a)
    before = counts()
    result = run("systems", csv_bytes([HEADER, row]), organisation=personas.org_a)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)
    assert counts() == before
    changed = _row(personas, "Ekonomisystem", 2, 3, 1, 1, "ordinary", "no", "")
    result = run("systems", csv_bytes([HEADER, changed]), organisation=personas.org_a)
    assert result.updated == 1
    asset = Asset.objects.get(name="Ekonomisystem")
    assert asset.current is not None
    assert (asset.current.version, asset.current.integrity) == (2, 3)
    assert asset.classifications.count() == 2


def test_an_existing_unclassified_asset_gets_classified(personas: Personas) -> None:
    asset = make_asset(personas.org_a, "Diariet")
    row = _row(personas, "Diariet", 1, 1, 1, 0, "none", "no", 0)
    result = run("systems", csv_bytes([HEADER, row]), organisation=personas.org_a)
    assert (result.created, result.updated) == (0, 1)
    asset.refresh_from_db()
    assert asset.current is not None
    assert asset.current.version == 1


def test_a_stronger_protection_of_identities_is_kept(personas: Personas) -> None:
    make_asset(
        personas.org_a,
        "HR",
        confidentiality=3,
        traceability=1,
        personal_data=True,
        personnummer=True,
        protected_identities="fingerade",
    )
    row = _row(personas, "HR", 4, 0, 0, 1, "ordinary", "yes", 10)
    result = run("systems", csv_bytes([HEADER, row]), organisation=personas.org_a)
    assert result.updated == 1
    current = Asset.objects.get(name="HR").current
    assert current is not None
    assert current.protected_identities == "fingerade"
    assert current.personnummer  # the file does not speak of it: kept


def test_bad_values_are_reported_and_nothing_is_written(personas: Personas) -> None:
    before = counts()
    rows = [
        _row(personas, "A", 5, 2, 2, 2, "ordinary", "no", 0),
        _row(personas, "B", 2, 2, 2, 2, "many", "maybe", -3),
        _row(personas, "C", 1, 0, 0, 0, "none", "yes", 12),
        _row(personas, "D", 1, 0, 0, 0, "sensitive", "no", 1),
        [personas.org_b.orgnr, "E", 0, 0, 0, 0, "none", "no", 0],
        _row(personas, "F", 1, 1, 1, 1, "ordinary", "no", 2_000_000_001),  # past the services
    ]
    result = run("systems", csv_bytes([HEADER, *rows]), organisation=personas.org_a)
    assert where(result) == [
        (2, "confidentiality", "level_range"),
        (3, "personal_data", "choice"),
        (3, "protected_identities", "choice"),
        (3, "data_subjects", "integer"),
        (4, "protected_identities", "personal_data_needed"),
        (4, "data_subjects", "personal_data_needed"),
        (5, "confidentiality", "below_floor"),
        (5, "traceability", "below_floor"),
        (6, "organisation_orgnr", "other_organisation"),
        (7, "data_subjects", "integer"),
    ]
    assert counts() == before
    assert not Classification.objects.exists()


def test_only_the_systems_the_file_names_are_read(personas: Personas) -> None:
    org_a, org_b = personas.org_a, personas.org_b
    hr = make_asset(org_a, "HR", confidentiality=2, traceability=1)
    make_asset(org_a, "Diariet")
    make_asset(org_b, "Ekonomi")
    rows = [
        [org_a.orgnr, "HR", 2, 2, 1, 1, "none", "no", 0],
        [org_a.orgnr, "Ekonomi", 1, 1, 1, 1, "none", "no", 0],
    ]
    index = {name: position for position, name in enumerate(HEADER)}
    importer = SystemImporter(organisation=None, acting_user=None)

    importer.load(
        [
            Row(number, [str(cell) for cell in cells], index, [])
            for number, cells in enumerate(rows, start=2)
        ]
    )

    # Not Diariet, which the file does not name, nor Ekonomi at organisation B.
    assert importer._assets == {(org_a.pk, "HR"): hr}
    assert importer._versions == {hr.pk: 1}
    result = run("systems", csv_bytes([HEADER, *rows]), organisation=None)
    assert (result.created, result.updated) == (1, 1)
    assert Asset.objects.filter(name="Ekonomi").count() == 2


def test_a_name_longer_than_a_system_may_have_is_reported_on_its_row(personas: Personas) -> None:
    # Matched against the systems before the row is checked: the database must not refuse it.
    row = _row(personas, "S" * 250, 1, 1, 1, 1, "none", "no", 0)
    result = run("systems", csv_bytes([HEADER, row]), organisation=personas.org_a)
    assert where(result) == [(2, "name", "too_long")]
