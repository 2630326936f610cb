from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tillit.audit.models import AuditEvent
from tillit.catalogue import services
from tillit.catalogue.models import Area, Catalogue, Reference, Requirement
from tillit.catalogue.oscal import parse_oscal

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"
MINI = FIXTURES / "mini-tillit.yaml"
BROKEN = FIXTURES / "broken-tillit.yaml"
MINI_OSCAL = FIXTURES / "mini-oscal.json"
# The shared folder sits beside the repository: <repo>/../shared.
NIST = (
    Path(__file__).resolve().parents[4].parent
    / "shared/data/oscal/NIST_SP-800-53_rev5_MODERATE-baseline-resolved-profile_catalog-min.json"
)


def _counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count() for model in (Catalogue, Area, Requirement, Reference, AuditEvent)
    )


def _import(capsys: pytest.CaptureFixture[str], *args: str | Path) -> list[str]:
    call_command("catalogue", "import", *map(str, args))
    return capsys.readouterr().out.splitlines()


def test_import_stores_the_catalogue_and_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    assert _import(capsys, MINI) == ["imported mini-tillit 2026.1: 3 requirements"]
    catalogue = Catalogue.objects.get(key="mini-tillit")
    assert catalogue.version == "2026.1"
    assert [r.key for r in catalogue.requirements.all()] == ["MT-GOV-01", "MT-GOV-02", "MT-INC-01"]
    assert catalogue.requirements.get(key="MT-INC-01").parameters["hours"]["default"] == 24


def test_importing_the_same_file_twice_changes_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    _import(capsys, MINI)
    before = _counts()
    assert _import(capsys, MINI) == ["unchanged mini-tillit 2026.1"]
    assert _counts() == before
    assert Catalogue.objects.count() == 1


def test_a_changed_file_with_the_same_version_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _import(capsys, MINI)
    before = _counts()
    changed = tmp_path / "mini-tillit.yaml"
    changed.write_text(
        MINI.read_text(encoding="utf-8").replace("within {hours} hours", "within {hours} hours!"),
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match=r"mini-tillit\.yaml: Catalogue mini-tillit version"):
        _import(capsys, changed)
    assert _counts() == before
    stored = Requirement.objects.get(key="MT-INC-01")
    assert stored.text("ska", {"hours": 24}, "en").endswith("within 24 hours.")


def test_a_broken_file_imports_nothing_and_names_every_problem(
    capsys: pytest.CaptureFixture[str],
) -> None:
    before = _counts()
    with pytest.raises(CommandError) as excinfo:
        _import(capsys, MINI, BROKEN)
    message = str(excinfo.value)
    assert "broken-tillit.yaml: BT-GEN-02: title.en: missing or empty" in message
    assert "broken-tillit.yaml: BT-GEN-02: references.iso27001_2022: A.5.99" in message
    assert _counts() == before  # not even the good file


def test_a_version_conflict_in_one_file_imports_none_of_them(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _import(capsys, MINI)
    before = _counts()
    changed = tmp_path / "changed.yaml"
    changed.write_text(
        MINI.read_text(encoding="utf-8").replace("Governance", "Control"), encoding="utf-8"
    )
    with pytest.raises(CommandError, match=r"changed\.yaml: Catalogue mini-tillit version 2026\.1"):
        _import(capsys, MINI_OSCAL, changed)
    assert _counts() == before
    assert capsys.readouterr().out == ""


def test_a_broken_oscal_file_names_file_control_and_field(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    raw = json.loads(MINI_OSCAL.read_text(encoding="utf-8"))
    del raw["catalog"]["groups"][1]["controls"][0]["title"]
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(CommandError, match=r"broken\.json: ir-6: title: missing or empty"):
        _import(capsys, broken)
    assert Catalogue.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("notes.txt", "hello", "notes.txt: unknown file type"),
        ("bad.json", "{not json", "bad.json: cannot read"),
        ("bad.yaml", "catalogue: [", "bad.yaml: cannot read"),
        # PostgreSQL cannot store a NUL in text: such a file failed there with a database error.
        pytest.param(
            "nul.yaml",
            MINI.read_text(encoding="utf-8").replace(
                "en: Mini catalogue}", 'en: "Mini\\0 catalogue"}'
            ),
            r"nul\.yaml: catalogue\.title\.en: holds a NUL character",
            id="nul.yaml",
        ),
        pytest.param(
            "nul.json",
            MINI_OSCAL.read_text(encoding="utf-8").replace(
                "Access Control", "Access\\u0000Control"
            ),
            r"nul\.json: catalog\.groups\[0\]\.title: holds a NUL character",
            id="nul.json",
        ),
    ],
)
def test_unreadable_files_are_reported(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str, content: str, problem: str
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=problem):
        _import(capsys, path)
    assert _counts() == (0, 0, 0, 0, 0)


def test_a_missing_file_is_reported(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"absent\.yaml: cannot read"):
        _import(capsys, tmp_path / "absent.yaml")


def test_import_without_files_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(CommandError, match="name catalogue files or use --builtin"):
        _import(capsys)


def test_import_oscal_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert _import(capsys, MINI_OSCAL) == ["imported mini-control-catalog 1.0: 5 requirements"]
    catalogue = Catalogue.objects.get(key="mini-control-catalog")
    assert catalogue.source == "oscal"
    assert list(Reference.objects.filter(requirement__key="ac-2.1").values_list("value")) == [
        ("ac-2.1",)
    ]


def test_import_builtin_reads_every_yaml_file_in_the_data_folder(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(MINI, tmp_path / "mini-tillit.yaml")
    (tmp_path / "README.txt").write_text("not a catalogue", encoding="utf-8")
    monkeypatch.setattr(services, "BUILTIN_DIR", tmp_path)
    assert _import(capsys, "--builtin") == ["imported mini-tillit 2026.1: 3 requirements"]
    assert _import(capsys, "--builtin") == ["unchanged mini-tillit 2026.1"]


def test_import_nist_moderate_baseline(capsys: pytest.CaptureFixture[str]) -> None:
    if not NIST.exists():
        pytest.skip(f"NIST SP 800-53 baseline not found at {NIST}")
    (line,) = _import(capsys, NIST)
    assert line.endswith(": 287 requirements")
    catalogue = Catalogue.objects.get()
    assert catalogue.areas.count() == 18
    ac2 = catalogue.requirements.get(key="ac-2")
    assert "[Assignment: frequency]" in ac2.text("ska", {}, "en")


def _export(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    call_command("catalogue", "export", "--format", "oscal", *args)
    return capsys.readouterr().out


def test_export_writes_an_oscal_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    _import(capsys, MINI)
    output = tmp_path / "mini.json"
    assert _export(capsys, "mini-tillit", "--output", str(output)) == (
        f"exported mini-tillit 2026.1 to {output}\n"
    )
    document = json.loads(output.read_text(encoding="utf-8"))
    assert document["catalog"]["metadata"]["oscal-version"] == "1.1.2"
    data = parse_oscal(document, output.name)
    assert [r.key for r in data.requirements] == ["mt-gov-01", "mt-gov-02", "mt-inc-01"]


def test_export_writes_to_standard_output_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    _import(capsys, MINI)
    document = json.loads(_export(capsys, "mini-tillit"))
    assert document["catalog"]["metadata"]["title"] == "Mini catalogue"


def test_export_takes_the_latest_version_unless_told(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    newer = tmp_path / "newer.yaml"
    newer.write_text(
        MINI.read_text(encoding="utf-8").replace('"2026.1"', '"2026.2"'), encoding="utf-8"
    )
    _import(capsys, MINI)
    _import(capsys, newer)
    latest = json.loads(_export(capsys, "mini-tillit"))
    assert latest["catalog"]["metadata"]["version"] == "2026.2"
    older = json.loads(_export(capsys, "mini-tillit", "--version", "2026.1"))
    assert older["catalog"]["metadata"]["version"] == "2026.1"


def test_export_of_an_unknown_catalogue_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    _import(capsys, MINI)
    with pytest.raises(CommandError, match="No catalogue nowhere has been imported"):
        _export(capsys, "nowhere")
    with pytest.raises(CommandError, match="No catalogue mini-tillit version 9 has been imported"):
        _export(capsys, "mini-tillit", "--version", "9")
