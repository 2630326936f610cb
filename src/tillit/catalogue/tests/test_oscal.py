from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tillit.catalogue.models import Catalogue, Requirement
from tillit.catalogue.oscal import NAMESPACE, export_oscal, parse_oscal
from tillit.catalogue.schema import CatalogueFileError, load_catalogue_file
from tillit.catalogue.services import catalogue_import

FIXTURES = Path(__file__).parent / "fixtures"
# The shared folder sits beside the repository: <repo>/../shared.
NIST = (
    Path(__file__).resolve().parents[4].parent
    / "shared/data/oscal/NIST_SP-800-53_rev5_MODERATE-baseline-resolved-profile_catalog-min.json"
)
TOKEN = re.compile(r"^[_A-Za-z][_A-Za-z0-9.\-]*$")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[45][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
DATE_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
ONE_LINE = re.compile(r"^\S(.*\S)?$")


def _mini() -> dict[str, Any]:
    raw: dict[str, Any] = json.loads((FIXTURES / "mini-oscal.json").read_text(encoding="utf-8"))
    return raw


def _ska(raw: Any) -> dict[str, str]:
    return {r.key: r.ska["en"] for r in parse_oscal(raw, "mini-oscal.json").requirements}


def _problems(change: Callable[[dict[str, Any]], None]) -> list[str]:
    raw = _mini()
    change(raw)
    with pytest.raises(CatalogueFileError) as excinfo:
        parse_oscal(raw, "mini-oscal.json")
    return excinfo.value.problems


def _controls(raw: dict[str, Any], group: int) -> list[dict[str, Any]]:
    controls: list[dict[str, Any]] = raw["catalog"]["groups"][group]["controls"]
    return controls


# --- Import -------------------------------------------------------------------------------------


def test_groups_become_areas_and_controls_requirements_in_document_order() -> None:
    data = parse_oscal(_mini(), "mini-oscal.json")
    assert data.key == "mini-control-catalog"
    assert data.version == "1.0"
    assert data.title == {"en": "Mini Control Catalog"}
    assert data.description == {"en": "A small catalog written for Tillit's tests."}
    assert data.source == "oscal"
    assert len(data.content_hash) == 64
    assert [(area.key, area.title) for area in data.areas] == [
        ("ac", {"en": "Access Control"}),
        ("ir", {"en": "Incident Response"}),
    ]
    assert [(r.key, r.area) for r in data.requirements] == [
        ("ac-1", "ac"),
        ("ac-2", "ac"),
        ("ac-2.1", "ac"),
        ("ir-6", "ir"),
        ("org-1", "ir"),
    ]
    enhancement = data.requirements[2]
    assert enhancement.title == {"en": "Automated System Account Management"}


def test_statements_render_items_and_every_kind_of_parameter() -> None:
    ska = _ska(_mini())
    assert ska["ac-1"] == (
        "Develop, document, and disseminate to [Assignment: organization-defined personnel or "
        "roles]:\n"
        "  a. A [Selection (one or more): organization-level; system-level] access control "
        "policy that:\n"
        "    1. Addresses purpose, scope and roles; and\n"
        "  b. Review and update the policy annually."
    )
    # A selection whose choice inserts another parameter.
    assert ska["ac-2"] == (
        "Automatically [Selection: disable; remove after [Assignment: time period]] "
        "temporary accounts."
    )
    # No label: the guideline says what is to be assigned.
    assert ska["ac-2.1"] == (
        "Support the management of system accounts using [Assignment: automated mechanisms]."
    )
    assert ska["ir-6"] == "Require personnel to report suspected incidents within 24 hours."


def test_guidance_objective_references_and_rules() -> None:
    by_key = {r.key: r for r in parse_oscal(_mini(), "mini-oscal.json").requirements}
    assert by_key["ac-1"].motive == {
        "en": "A policy with {braces} in its guidance stays as written."
    }
    assert by_key["ac-2"].motive == {}
    assert by_key["ac-2"].verification == {"en": "temporary accounts are handled as defined."}
    assert by_key["ac-2.1"].references == {"nist_800_53": ["ac-2.1"]}
    assert by_key["org-1"].references == {}
    for requirement in by_key.values():
        assert requirement.applies_when is True
        assert requirement.ska_when is False
        assert requirement.parameters == {}


def test_controls_outside_groups_and_in_nested_groups_are_read() -> None:
    raw = _mini()
    catalog = raw["catalog"]
    catalog["controls"] = [{"id": "top-1", "title": "Top", "parts": []}]
    ir = catalog["groups"][1]
    ir["groups"] = [{"title": "Follow Up", "controls": [{"id": "ir-9", "title": "Lessons"}]}]
    data = parse_oscal(raw, "mini-oscal.json")
    assert [area.key for area in data.areas] == ["ungrouped", "ac", "ir", "follow-up"]
    assert [r.key for r in data.requirements] == [
        "top-1",
        "ac-1",
        "ac-2",
        "ac-2.1",
        "ir-6",
        "org-1",
        "ir-9",
    ]
    assert data.requirements[-1].area == "follow-up"


def test_withdrawn_controls_are_left_out() -> None:
    raw = _mini()
    _controls(raw, 1)[1]["props"] = [{"name": "status", "value": "withdrawn"}]
    assert "org-1" not in _ska(raw)


def _without(*path: Any) -> Callable[[dict[str, Any]], None]:
    def change(raw: dict[str, Any]) -> None:
        target = raw
        for step in path[:-1]:
            target = target[step]
        del target[path[-1]]

    return change


def _setting(value: Any, *path: Any) -> Callable[[dict[str, Any]], None]:
    def change(raw: dict[str, Any]) -> None:
        target = raw
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value

    return change


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (_without("catalog", "metadata"), "mini-oscal.json: metadata: missing"),
        (
            _without("catalog", "metadata", "title"),
            "mini-oscal.json: metadata: title: missing or empty",
        ),
        (
            _without("catalog", "metadata", "version"),
            "mini-oscal.json: metadata: version: missing or empty",
        ),
        (
            _without("catalog", "groups", 1, "controls", 0, "id"),
            "mini-oscal.json: group ir: controls[0]: id: missing or empty",
        ),
        (
            _without("catalog", "groups", 0, "controls", 1, "controls", 0, "title"),
            "mini-oscal.json: ac-2.1: title: missing or empty",
        ),
        (
            _setting("ac-1", "catalog", "groups", 1, "controls", 1, "id"),
            "mini-oscal.json: ac-1: id: used more than once",
        ),
        (
            _setting(
                "Report within {{ insert: param, ir-6_prm_9 }}.",
                *("catalog", "groups", 1, "controls", 0, "parts", 0, "prose"),
            ),
            "mini-oscal.json: ir-6: statement: unknown parameter 'ir-6_prm_9'",
        ),
        (
            _setting(
                ["never", "after {{ insert: param, nowhere }}"],
                *("catalog", "groups", 0, "controls", 1, "params", 1, "select", "choice"),
            ),
            "mini-oscal.json: ac-2: params.ac-2_prm_2: unknown parameter 'nowhere'",
        ),
    ],
)
def test_bad_input_names_file_control_and_field(
    change: Callable[[dict[str, Any]], None], problem: str
) -> None:
    assert problem in _problems(change)


def test_every_problem_is_reported_at_once() -> None:
    def change(raw: dict[str, Any]) -> None:
        del raw["catalog"]["metadata"]["version"]
        del _controls(raw, 0)[0]["title"]
        _controls(raw, 1)[0]["parts"][0]["prose"] = "{{ insert: param, missing }}"

    assert _problems(change) == [
        "mini-oscal.json: metadata: version: missing or empty",
        "mini-oscal.json: ac-1: title: missing or empty",
        "mini-oscal.json: ir-6: statement: unknown parameter 'missing'",
    ]


@pytest.mark.parametrize("raw", [None, [], {"profile": {}}, {"catalog": "x"}])
def test_a_file_that_is_no_catalog_is_refused(raw: Any) -> None:
    with pytest.raises(CatalogueFileError, match=r"^x\.json: not an OSCAL catalog"):
        parse_oscal(raw, "x.json")


@pytest.mark.django_db
def test_stored_text_with_braces_reads_back_as_written() -> None:
    catalogue, _created = catalogue_import(data=parse_oscal(_mini(), "mini-oscal.json"))
    requirement = catalogue.requirements.get(key="ac-1")
    assert requirement.text("motive", {}, "en") == (
        "A policy with {braces} in its guidance stays as written."
    )


def test_nist_moderate_baseline() -> None:
    if not NIST.exists():
        pytest.skip(f"NIST SP 800-53 baseline not found at {NIST}")
    data = parse_oscal(json.loads(NIST.read_text(encoding="utf-8")), NIST.name)
    assert len(data.requirements) == 287
    assert len(data.areas) == 18
    ac2 = next(r for r in data.requirements if r.key == "ac-2")
    assert "{{ insert" not in ac2.ska["en"]
    assert "c. Require [Assignment: prerequisites and criteria] for group" in ac2.ska["en"]
    assert "  1. Authorized users of the system;" in ac2.ska["en"]
    assert ac2.references == {"nist_800_53": ["ac-2"]}
    assert not any("{{" in r.ska["en"] for r in data.requirements)


# --- Export -------------------------------------------------------------------------------------


def _walk(node: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _walk(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, f"{path}[{index}]")


def _assert_valid_oscal(document: dict[str, Any]) -> None:
    """The OSCAL 1.1.2 catalog rules an export can break: required fields, token ids, unique
    ids, one-line strings and titles, no empty arrays or strings."""
    catalog = document["catalog"]
    assert set(catalog) <= {"uuid", "metadata", "params", "controls", "groups", "back-matter"}
    assert UUID.match(catalog["uuid"])
    metadata = catalog["metadata"]
    assert {"title", "last-modified", "version", "oscal-version"} <= set(metadata)
    assert metadata["oscal-version"] == "1.1.2"
    assert DATE_TIME.match(metadata["last-modified"])
    ids = []
    for path, node in _walk(document):
        assert node not in ("", [], {}), path
        if not isinstance(node, dict):
            continue
        last = path.rsplit(".", 1)[-1]
        if last.startswith(("groups[", "controls[", "params[")) or (
            last.startswith("parts[") and "id" in node
        ):
            ids.append(node["id"])
            assert TOKEN.match(node["id"]), path
        if last.startswith(("groups[", "controls[")):
            assert "title" in node, path
        if last.startswith("parts["):
            assert TOKEN.match(node["name"]), path
        if last.startswith("props["):
            assert set(node) <= {"name", "ns", "class", "value", "uuid", "remarks"}, path
            assert TOKEN.match(node["name"]), path
            assert ONE_LINE.match(node["value"]), path
            assert "class" not in node or TOKEN.match(node["class"]), path
        if "title" in node and isinstance(node["title"], str):
            assert "\n" not in node["title"], path
    assert len(ids) == len(set(ids))


@pytest.fixture
def mini_catalogue(db: None) -> Catalogue:
    catalogue, _created = catalogue_import(data=load_catalogue_file(FIXTURES / "mini-tillit.yaml"))
    return catalogue


def _by_id(nodes: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {node["id"]: node for node in nodes}


def test_export_is_a_valid_oscal_catalog(mini_catalogue: Catalogue) -> None:
    document = export_oscal(mini_catalogue)
    _assert_valid_oscal(document)
    catalog = document["catalog"]
    assert catalog["metadata"]["title"] == "Mini catalogue"
    assert catalog["metadata"]["version"] == "2026.1"
    assert [group["id"] for group in catalog["groups"]] == ["governance", "incident"]
    assert [c["id"] for c in catalog["groups"][0]["controls"]] == ["mt-gov-01", "mt-gov-02"]
    assert export_oscal(mini_catalogue) == document  # deterministic, uuid included


def test_export_keeps_parameters_references_rules_and_swedish(mini_catalogue: Catalogue) -> None:
    (control,) = export_oscal(mini_catalogue)["catalog"]["groups"][1]["controls"]
    parts = _by_id(control["parts"])
    assert parts["mt-inc-01_smt"]["prose"] == (
        "The supplier shall report incidents to the customer within "
        "{{ insert: param, mt-inc-01_prm_hours }} hours."
    )
    assert parts["mt-inc-01_gdn"]["name"] == "guidance"
    assert parts["mt-inc-01_obj"]["name"] == "assessment-objective"
    (param,) = control["params"]
    assert param["id"] == "mt-inc-01_prm_hours"
    assert param["values"] == ["24"]
    assert {
        "name": "when",
        "ns": NAMESPACE,
        "value": '[{"if":{"confidentiality_min":3},"value":8}]',
    } in param["props"]
    props = control["props"]
    assert {"name": "label", "value": "MT-INC-01"} in props
    assert {"name": "reference", "ns": NAMESPACE, "class": "gdpr", "value": "33(2)"} in props
    assert {"name": "ska-when", "ns": NAMESPACE, "value": '{"personal_data":true}'} in props
    swedish = parts["mt-inc-01_sv"]
    assert (swedish["name"], swedish["class"], swedish["title"]) == (
        "translation",
        "sv",
        "Incidentrapportering",
    )
    assert _by_id(swedish["parts"])["mt-inc-01_sv.ska"]["prose"] == (
        "Leverantören ska rapportera incidenter till beställaren inom "
        "{{ insert: param, mt-inc-01_prm_hours }} timmar."
    )


def test_export_imports_again_with_the_same_english_statements(
    mini_catalogue: Catalogue,
) -> None:
    data = parse_oscal(export_oscal(mini_catalogue), "export.json")
    requirements: list[Requirement] = list(mini_catalogue.requirements.all())
    assert len(data.requirements) == len(requirements) == 3
    assert [r.ska["en"] for r in data.requirements] == [
        r.text("ska", {"hours": 24}, "en") for r in requirements
    ]
    assert data.requirements[2].ska["en"] == (
        "The supplier shall report incidents to the customer within 24 hours."
    )
    assert data.requirements[2].motive == {"en": "Early reports limit the damage."}


@pytest.mark.django_db
def test_an_imported_oscal_catalogue_exports_and_imports_unchanged() -> None:
    original = parse_oscal(_mini(), "mini-oscal.json")
    catalogue, _created = catalogue_import(data=original)
    document = export_oscal(catalogue)
    _assert_valid_oscal(document)
    again = parse_oscal(copy.deepcopy(document), "export.json")
    assert [(r.key, r.area, r.ska, r.motive) for r in again.requirements] == [
        (r.key, r.area, r.ska, r.motive) for r in original.requirements
    ]
