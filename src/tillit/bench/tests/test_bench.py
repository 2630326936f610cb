"""The benchmark at small scale, as a smoke test: every operation runs once and returns the
right kind of result. Nothing is asserted about time."""

from __future__ import annotations

import datetime as dt
import gc
import io
import json
from collections.abc import Callable
from dataclasses import replace
from types import SimpleNamespace

import openpyxl
import pytest

from tillit.assessments.models import Answer, Assessment, Finding, Question
from tillit.bench import runner
from tillit.bench.operation import IMPACT_BUDGET, Operation, Outcome
from tillit.bench.operations import xlsx_bytes
from tillit.bench.report import as_json, summary, table
from tillit.bench.runner import Measurement, run_bench
from tillit.bench.scales import SMALL
from tillit.classification.models import Asset
from tillit.imports.parsing import read_table
from tillit.organisations.models import Organisation
from tillit.procurement.models import AnnexPdf
from tillit.suppliers.models import Contract, SubProcessor, Supplier

pytestmark = pytest.mark.django_db

OPERATIONS = [
    "supplier_list",
    "processing_register",
    "dashboard",
    "management",
    "followup_plan",
    "plan_refresh",
    "overview_again",
    "api_suppliers_50",
    "api_suppliers_500",
    "api_contracts_50",
    "api_contracts_500",
    "api_systems_50",
    "api_systems_500",
    "closure_orm_widest",
    "closure_sql_widest",
    "impact_widest",
    "impact_sql_widest",
    "closure_orm_big",
    "closure_sql_big",
    "impact_big",
    "impact_sql_big",
    "questionnaire",
    "annex_docx",
    "annex_pdf",
    "annex_pdf_layout",
    "management_report",
    "import_csv",
    "import_xlsx",
]


def test_every_operation_runs_and_returns_the_right_result() -> None:
    thresholds = gc.get_threshold()
    result = run_bench(SMALL, seed=1)

    # Timed with the collector as a web process has it, then given back as it was.
    assert (gc.get_threshold(), gc.get_freeze_count()) == (thresholds, 0)

    assert [m.operation.key for m in result.measurements] == OPERATIONS
    for measurement in result.measurements:
        assert measurement.outcome.ok, (measurement.operation.key, measurement.outcome.detail)
        assert len(measurement.seconds) == 1
        assert measurement.queries[0] > 0
    ds = result.dataset
    assert Organisation.objects.count() == SMALL.organisations
    assert Supplier.objects.count() == SMALL.suppliers
    assert Asset.objects.count() == SMALL.assets
    # The imports' contracts were removed again after each run.
    assert Contract.objects.count() == SMALL.contracts
    assert SubProcessor.objects.count() == SMALL.subprocessor_links
    assert Assessment.objects.count() == SMALL.assessments
    assert Question.objects.count() == SMALL.assessments * SMALL.questions_per_assessment
    # Findings only on questions answered "not met" of completed assessments.
    assert 0.9 * SMALL.findings <= Finding.objects.count() <= SMALL.findings
    assert not Finding.objects.exclude(question__answer=Answer.NOT_MET).exists()
    pages = [
        result.measurement(key)
        for key in ("supplier_list", "processing_register", "dashboard", "followup_plan")
    ]
    for page in pages:
        assert page.last.status_code == 200
        assert page.constant_queries
    # The widest supplier is under chains that reach it through sub-processors.
    assert len(result.measurement("closure_sql_widest").last) > len(
        Contract.objects.filter(supplier_id=ds.widest_supplier.id)
    )
    big = result.measurement("impact_big").last
    municipalities = round(SMALL.big_supplier_share * SMALL.municipalities)
    assert len(big.organisations) >= municipalities
    assert result.measurement("import_csv").last.created == SMALL.import_rows
    # impact() is compared with its floor, one query.
    assert result.measurement("impact_sql_big").queries == [1]
    assert result.measurement("impact_big").floor_ratio is not None
    assert result.measurement("api_contracts_500").last.status_code == 200
    # The questionnaire of each run was removed again.
    assert not Assessment.objects.filter(title="Benchmark").exists()
    assert result.measurement("annex_pdf").last["Content-Type"] == "application/pdf"
    # Laid out by the worker, the annex is only read; laid out in the request, it is kept too.
    kept, anew = result.measurement("annex_pdf"), result.measurement("annex_pdf_layout")
    assert anew.queries[0] == kept.queries[0] + 1
    assert str(AnnexPdf.objects.get().procurement_id) == ds.procurement_id

    text = table(result)
    for measurement in result.measurements:
        assert measurement.operation.title in text
    assert "scale small" in summary(result)
    assert len(result.reference) == 2
    assert all(seconds > 0 for seconds in result.reference)
    assert "5,000,000 additions in Python" in summary(result)
    # The CPU's speed just before each operation, in the table and the JSON.
    assert all(m.cpu is not None and m.cpu > 0 for m in result.measurements)
    assert text.splitlines()[0].split()[-2:] == ["cpu", "notes"]
    first = json.loads(json.dumps(as_json(result)))["operations"][0]
    assert first["key"] == "supplier_list"
    assert first["reference_seconds"] == round(result.measurements[0].cpu or 0, 3) > 0


def test_the_reference_loop_timed_on_fewer_additions_is_scaled_to_five_million(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = iter([10.0, 10.04])
    monkeypatch.setattr(runner, "time", SimpleNamespace(perf_counter=lambda: next(clock)))
    assert runner.reference_seconds(1_000_000) == pytest.approx(0.2)


def test_a_budget_with_a_floor_holds_only_near_the_floor() -> None:
    operation = Operation("x", "x", lambda: None, lambda _r: Outcome(True, ""), 1, IMPACT_BUDGET)
    near = Measurement(operation, [0.010], [1], Outcome(True, ""), floor_median=0.005)
    far = Measurement(operation, [0.010], [1], Outcome(True, ""), floor_median=0.002)
    assert near.passed
    assert far.floor_ratio == pytest.approx(5)
    assert not far.passed


def test_a_slow_operation_stops_after_three_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner, "TIME_CAP", 0.0)
    operation = Operation("x", "x", lambda: None, lambda _r: Outcome(True, ""), 20)
    assert len(runner.measure([operation], 20, warmup=False)[0].seconds) == 3


def test_every_run_starts_from_its_setup_and_is_undone_by_its_reset() -> None:
    events: list[str] = []
    operation = Operation(
        "x",
        "x",
        lambda: events.append("run"),
        lambda _r: Outcome(True, ""),
        2,
        setup=lambda: events.append("setup"),
        reset=lambda: events.append("reset"),
    )
    runner.measure([operation], 2, warmup=False)
    assert events == ["setup", "run", "reset", "setup", "run", "reset"]


def test_an_operation_and_its_floor_are_timed_in_turn() -> None:
    """So that their ratio compares them at the same speed of the CPU."""
    events: list[str] = []

    def operation(key: str) -> Operation:
        return Operation(key, key, lambda: events.append(key), lambda _r: Outcome(True, ""), 3)

    timed, floor = runner.measure([operation("op"), operation("floor")], 3, warmup=False)
    assert events == ["op", "floor", "floor", "op", "op", "floor"]
    assert (len(timed.seconds), len(floor.seconds)) == (3, 3)


def test_the_ratio_to_the_floor_is_of_runs_timed_together(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the floor's runs in between the operation's count: here the operation takes twice
    its floor each time, while the machine gets four times slower."""
    speed = iter([1, 1, 2, 2, 4, 4])
    clock = [0.0]

    def perf_counter() -> float:
        return clock[0]

    def work(seconds: float) -> Callable[[], None]:
        def run() -> None:
            clock[0] += seconds * next(speed)

        return run

    monkeypatch.setattr(runner, "time", SimpleNamespace(perf_counter=perf_counter))
    monkeypatch.setattr(runner, "reference_seconds", lambda _additions=0: 0.2)
    monkeypatch.setattr(runner, "serve_requests", lambda: None)
    op = Operation("op", "op", work(0.02), lambda _r: Outcome(True, ""), 3, floor="floor")
    floor = Operation("floor", "floor", work(0.01), lambda _r: Outcome(True, ""), 3)
    monkeypatch.setattr(runner, "build", lambda _scale, _seed: SimpleNamespace(seconds={}))
    monkeypatch.setattr(runner, "operations", lambda _dataset: [op, floor])
    result = runner.run_bench(replace(SMALL, warmup=False), seed=1, repeats=3)
    assert [m.operation.key for m in result.measurements] == ["op", "floor"]
    assert result.measurement("op").floor_ratio == pytest.approx(2)


def test_the_xlsx_imported_keeps_dates_and_numbers_as_excel_does() -> None:
    rows = [["start", "incident_notice_hours", "system_name"], ["2025-06-05", "24", "System 1"]]
    content = xlsx_bytes(rows)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    start, hours, name = next(sheet.iter_rows(min_row=2, values_only=True))
    assert (start, hours, name) == (dt.datetime(2025, 6, 5), 24, "System 1")  # noqa: DTZ001
    assert read_table(content, "bench.xlsx").rows == [(2, rows[1])]
