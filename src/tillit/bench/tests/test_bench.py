"""The benchmark at small scale, as a smoke test: every operation runs once and returns the
right kind of result. Nothing is asserted about time."""

from __future__ import annotations

import json

import pytest

from tillit.bench.report import as_json, summary, table
from tillit.bench.runner import run_bench
from tillit.bench.scales import SMALL
from tillit.classification.models import Asset
from tillit.organisations.models import Organisation
from tillit.suppliers.models import Contract, SubProcessor, Supplier

pytestmark = pytest.mark.django_db

OPERATIONS = [
    "supplier_list",
    "processing_register",
    "closure_orm_widest",
    "closure_sql_widest",
    "impact_widest",
    "closure_orm_big",
    "closure_sql_big",
    "impact_big",
    "annex_docx",
    "annex_pdf",
    "import_csv",
    "import_xlsx",
]


def test_every_operation_runs_and_returns_the_right_result() -> None:
    result = run_bench(SMALL, seed=1)

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
    pages = [result.measurement(key) for key in ("supplier_list", "processing_register")]
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
    assert result.measurement("annex_pdf").last["Content-Type"] == "application/pdf"

    text = table(result)
    for measurement in result.measurements:
        assert measurement.operation.title in text
    assert "scale small" in summary(result)
    assert json.loads(json.dumps(as_json(result)))["operations"][0]["key"] == "supplier_list"
