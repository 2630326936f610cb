from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import translation

from tillit.organisations.models import Organisation
from tillit.reports.charts import Series, accessible, bar_chart, line_chart, management_charts
from tillit.reports.figures import (
    CriticalAsset,
    Figures,
    supplier_load,
    trend_series,
)
from tillit.reports.models import Snapshot

SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314  # the charts' own output


def _bars(labels: list[str], values: list[float | None], key: str = "chart-test") -> str:
    return bar_chart(
        key=key,
        title="Öppna avvikelser",
        labels=labels,
        series=Series("Antal", values),
        heading="X",
    ).svg


def test_a_chart_is_an_image_labelled_by_its_title_and_description() -> None:
    chart = bar_chart(
        key="chart-findings",
        title="Open findings by severity",
        labels=["High", "Medium", "Low"],
        series=Series("Open findings", [4, 0, 7]),
        heading="Severity",
    )
    root = _parse(chart.svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "chart-findings-title chart-findings-desc"
    title, desc = root[0], root[1]
    assert (title.tag, title.get("id"), title.text) == (
        f"{SVG}title",
        "chart-findings-title",
        "Open findings by severity",
    )
    assert (desc.tag, desc.get("id")) == (f"{SVG}desc", "chart-findings-desc")
    assert desc.text == "Open findings by severity. High: 4; Medium: 0; Low: 7."
    # The numbers are written on the bars, and the table holds the same.
    drawn = [text.text for text in root.iter(f"{SVG}text")]
    assert {"High", "Medium", "Low", "4", "0", "7"} <= set(drawn)
    assert chart.table.columns == ["Severity", "Open findings"]
    assert chart.table.rows == [("High", ["4"]), ("Medium", ["0"]), ("Low", ["7"])]


def test_large_counts_are_written_out() -> None:
    chart = bar_chart(
        key="chart-people",
        title="People",
        labels=["Skoldata AB"],
        series=Series("Data subjects", [1250000]),
        heading="Supplier",
    )
    assert chart.table.rows == [("Skoldata AB", ["1250000"])]
    assert ">1250000</text>" in chart.svg


def test_a_line_chart_sums_up_each_line_and_tabulates_every_month() -> None:
    with translation.override("en"):
        chart = line_chart(
            key="chart-trend",
            title="Share assessed",
            months=["2027-01", "2027-02", "2027-03"],
            series=[Series("Assessed", [None, 50, 75])],
            percent=True,
        )
    assert chart.description == (
        "Share assessed, 2027-01 to 2027-03. Assessed: 50 % in 2027-02, 75 % in 2027-03."
    )
    assert chart.table.rows == [
        ("2027-01", ["–"]),
        ("2027-02", ["50 %"]),
        ("2027-03", ["75 %"]),
    ]
    assert "<desc" in chart.svg
    assert "Assessed" in chart.svg  # the legend


def test_text_from_users_is_escaped() -> None:
    svg = _bars(["<script>alert(1)</script>", 'Bolag "AB" & Co'], [2, 1])
    assert "<script" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    assert 'Bolag "AB" &amp; Co' in svg
    root = _parse(svg)
    assert not [element for element in root.iter() if element.tag.endswith("script")]


def test_dollar_signs_in_names_are_text_not_mathematics() -> None:
    """matplotlib reads $…$ as mathematics: a supplier named so by any organisation (a supplier
    is shared) made another's management page a server error."""
    svg = _bars([r"Evil $\foo{$ AB", "Pris $5 och $6"], [2, 1])
    assert r"Evil $\foo{$ AB" in svg
    assert "Pris $5 och $6" in svg


def test_the_same_data_make_the_same_bytes() -> None:
    first = _bars(["A", "B"], [3, 1])
    assert _bars(["A", "B"], [3, 1]) == first
    assert "Date" not in first
    assert "Matplotlib" not in first


def test_charts_on_one_page_share_no_id() -> None:
    one, other = _bars(["A"], [1], key="chart-one"), _bars(["A"], [1], key="chart-other")
    ids = re.findall(r' id="([^"]+)"', one) + re.findall(r' id="([^"]+)"', other)
    assert len(ids) == len(set(ids))


def test_no_inline_style_the_pages_policy_would_block() -> None:
    svg = _bars(["A"], [1])
    assert "style=" not in svg
    assert "<style" not in svg
    root = _parse(svg)
    assert root.get("stroke-linecap") == "butt"
    assert any(element.get("fill") == "#ffffff" for element in root.iter())


def test_an_unexpected_stylesheet_is_refused() -> None:
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg"><defs><style>text { fill: red }</style></defs>'
        "</svg>"
    )
    with pytest.raises(ValueError, match="unexpected stylesheet"):
        accessible(svg, key="k", title="t", description="d")


def _snapshot(month: int, **figures: object) -> Snapshot:
    return Snapshot(
        organisation=Organisation(), month=dt.date(2027, month, 1), figures=dict(figures)
    )


def test_the_trend_from_the_snapshots() -> None:
    trend = trend_series(
        [
            _snapshot(
                1,
                critical_assets=4,
                critical_not_assessed=3,
                findings_open={"high": 2, "medium": 1, "low": 0},
                overdue=5,
                incidents_12_months=1,
            ),
            _snapshot(2, critical_assets=0, findings_open={"high": 1}, overdue=2),
        ]
    )
    assert trend.months == ["2027-01", "2027-02"]
    assert trend.findings == {"high": [2, 1], "medium": [1, 0], "low": [0, 0]}
    assert trend.overdue == [5, 2]
    assert trend.incidents == [1, 0]
    assert trend.assessed_share == [25.0, None]  # no critical system: no share


def _asset(
    name: str, level: int, suppliers: list[str], subjects: int, assessed: bool = True
) -> CriticalAsset:
    return CriticalAsset(name, level, suppliers, assessed, True, True, subjects)


def test_the_suppliers_that_carry_the_most() -> None:
    loads = supplier_load(
        [
            _asset("Lön", 3, ["HR AB", "Drift AB"], 5000, assessed=False),
            _asset("Elevregister", 4, ["Skol AB"], 9000),
            _asset("Ekonomi", 3, ["Drift AB"], 0),
        ]
    )
    assert [(s.name, s.systems, s.data_subjects, s.highest, s.not_assessed) for s in loads] == [
        ("Drift AB", 2, 5000, 3, 1),
        # Both serve one system: more people in more sensitive systems first.
        ("Skol AB", 1, 9000, 4, 0),
        ("HR AB", 1, 5000, 3, 1),
    ]


def test_the_management_charts_in_both_languages() -> None:
    figures = Figures(
        findings_open={"high": 1, "medium": 2, "low": 3},
        critical_assets=3,
        critical_not_assessed=2,
        overdue_by_kind={"pentest": 1, "finding": 4},
    )
    trend = trend_series([_snapshot(1, critical_assets=2, critical_not_assessed=1)])
    loads = supplier_load([_asset("Lön", 3, ["HR AB"], 10)])
    with translation.override("en"):
        charts = management_charts(figures, trend, loads)
        assert [chart.title for chart in charts] == [
            "Open findings by severity",
            "What the 3 critical systems lack",
            "Overdue follow-up by kind",
            "Suppliers carrying the most critical systems",
            "Open findings by severity, month by month",
            "Overdue follow-up and supplier incidents, month by month",
            "Critical systems with a valid supplier assessment, month by month",
        ]
        assert charts[0].table.rows == [("High", ["1"]), ("Medium", ["2"]), ("Low", ["3"])]
        assert charts[1].table.rows[0] == ("A valid supplier assessment", ["2"])
        assert charts[2].table.rows == [("Finding", ["4"]), ("Penetration test", ["1"])]
    # Without snapshots, critical systems or anything overdue, only the findings.
    with translation.override("sv"):
        only = management_charts(
            Figures(findings_open={"high": 1, "medium": 2, "low": 3}), trend_series([]), []
        )
    assert len(only) == 1
    assert "Hög" in only[0].svg


def test_other_namespaces_registered_in_the_process_change_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = _bars(["A"], [1])
    # E.g. an office-document library registering prefixes of its own.
    registry = dict(ET._namespace_map)  # type: ignore[attr-defined]  # restored after the test
    monkeypatch.setattr(ET, "_namespace_map", registry)
    ET.register_namespace("s", "http://www.w3.org/2000/svg")
    ET.register_namespace("x", "http://www.w3.org/1999/xlink")
    after = _bars(["A"], [1])
    assert after == before
    assert after.startswith("<svg ")
    assert "xlink:href=" in after
