from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from tillit.catalogue.schema import CatalogueFileError, load_catalogue_file, parse_catalogue

TEXT = {"sv": "Text", "en": "Text"}
VALID: dict[str, Any] = {
    "catalogue": {
        "id": "test",
        "version": "1",
        "title": TEXT,
        "description": TEXT,
        "areas": [{"id": "general", "title": TEXT}],
    },
    "requirements": [
        {
            "id": "T-GEN-01",
            "area": "general",
            "title": TEXT,
            "ska": {"sv": "Inom {hours} timmar.", "en": "Within {hours} hours."},
            "ar": TEXT,
            "motive": TEXT,
            "verification": TEXT,
            "references": {"iso27001_2022": ["A.8.34"], "gdpr": ["28(3)(h)"]},
            "parameters": {"hours": {"default": 24}},
            "applies_when": True,
            "ska_when": {"confidentiality_min": 2},
        }
    ],
}


def _broken(change: Any) -> list[str]:
    raw = copy.deepcopy(VALID)
    change(raw)
    with pytest.raises(CatalogueFileError) as excinfo:
        parse_catalogue(raw, "broken.yaml")
    return excinfo.value.problems


def test_a_valid_catalogue_parses() -> None:
    data = parse_catalogue(copy.deepcopy(VALID), "ok.yaml")
    assert [r.key for r in data.requirements] == ["T-GEN-01"]
    assert data.requirements[0].parameters["hours"].default == 24
    assert len(data.content_hash) == 64


def _set(path: list[Any], value: Any) -> Any:
    def change(raw: Any) -> None:
        target = raw
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value

    return change


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (
            _set(["requirements", 0, "references", "iso27001_2022"], ["A.5.38"]),
            "broken.yaml: T-GEN-01: references.iso27001_2022: A.5.38 is not a control",
        ),
        (
            _set(["requirements", 0, "references", "cobit"], ["APO13"]),
            "broken.yaml: T-GEN-01: references.cobit: unknown reference scheme 'cobit'",
        ),
        (
            _set(["requirements", 0, "ska_when"], {"confidentiality_min": 7}),
            "broken.yaml: T-GEN-01: ska_when.confidentiality_min: must be a level from 0 to 4",
        ),
        (
            _set(["requirements", 0, "ska", "sv"], "Inom {days} dagar."),
            "broken.yaml: T-GEN-01: ska.sv: {days} is not a declared parameter",
        ),
        (
            _set(["requirements", 0, "title"], {"sv": "Bara svenska"}),
            "broken.yaml: T-GEN-01: title.en: missing or empty",
        ),
        (
            _set(["requirements", 0, "area"], "elsewhere"),
            "broken.yaml: T-GEN-01: area: 'elsewhere' is not one of the catalogue's areas",
        ),
        (
            _set(["requirements", 0, "id"], "lower-case"),
            "broken.yaml: requirements[0]: id: must look like 'TB-INC-02'",
        ),
        (
            _set(["requirements", 0, "colour"], "red"),
            "broken.yaml: T-GEN-01: colour: unknown field",
        ),
        (
            lambda raw: raw["requirements"].append(copy.deepcopy(raw["requirements"][0])),
            "broken.yaml: T-GEN-01: id: used more than once",
        ),
        (
            lambda raw: raw["requirements"][0].pop("applies_when"),
            "broken.yaml: T-GEN-01: applies_when: missing",
        ),
        (
            _set(["catalogue", "version"], ""),
            "broken.yaml: catalogue: version: must be a non-empty string",
        ),
    ],
)
def test_problems_name_file_requirement_and_field(change: Any, problem: str) -> None:
    problems = _broken(change)
    assert any(p.startswith(problem) for p in problems), problems


def test_every_problem_is_reported_at_once() -> None:
    def change(raw: Any) -> None:
        raw["requirements"][0]["references"] = {"gdpr": ["art 28"]}
        raw["requirements"][0]["applies_when"] = {"sensitive_data": False}

    assert len(_broken(change)) == 2


def test_every_character_no_database_stores_is_reported_with_where_it_is() -> None:
    """A lone surrogate was stored on SQLite, and then every page showing it and every backup
    failed; on PostgreSQL it, or a NUL, failed the import with a database error."""

    def change(raw: Any) -> None:
        raw["requirements"][0]["motive"] = {"sv": "Text\x00", "en": "Text"}
        raw["requirements"][0]["parameters"]["hours\x00"] = {"default": 24}
        raw["catalogue"]["description"] = {"sv": "Text", "en": "Broken \ud800 text"}

    assert _broken(change) == [
        "broken.yaml: catalogue.description.en: holds a lone surrogate (a broken character)",
        "broken.yaml: requirements[0].motive.sv: holds a NUL character (code 0)",
        "broken.yaml: requirements[0].parameters: holds a NUL character (code 0)",
    ]


def test_unreadable_yaml_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("catalogue: [unclosed")
    with pytest.raises(CatalogueFileError, match=r"bad\.yaml: cannot read"):
        load_catalogue_file(path)
    path.write_text("- just a list")
    with pytest.raises(CatalogueFileError, match=r"bad\.yaml: the file must have a 'catalogue'"):
        load_catalogue_file(path)
