"""Charts for management, drawn on the server as SVG with matplotlib: the same markup goes into
the management overview and, through WeasyPrint, into the management report's PDF.

Each chart is accessible: the SVG has a <title> and a <desc> that sums up the data in words and
is role="img", its colours hold at least 3:1 against white and are never the only carrier (bars
are hatched and labelled with their values, lines differ in marker and dash), and it comes with
a table of the very numbers drawn.

matplotlib writes its styling as style attributes and a <style> element, which the pages' CSP
(style-src 'self') would block in the browser; they become SVG presentation attributes instead.
Output is deterministic (a fixed hash salt per chart, no date): the same data give the same
bytes, and two charts on one page never share an id.
"""

from __future__ import annotations

import io
import re
import threading
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from tillit.assessments.models import Severity
from tillit.followup.models import Kind
from tillit.reports.figures import Figures, SupplierLoad, Trend

if TYPE_CHECKING:
    from matplotlib.axes import Axes

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"

# Dark enough for 3:1 against white (WCAG 1.4.11), told apart also by pattern and marker.
INK = "#1a1a1a"
COLOURS = ("#1f4e79", "#a50f15", "#8c510a", "#2e6b30")
HATCHES = ("//", "xx", "\\\\", "--")  # dots would weigh tens of kilobytes
MARKERS = ("o", "s", "^", "D")
DASHES = ("-", "--", ":", "-.")

TOP_SUPPLIERS = 10  # in the suppliers' chart

# rcParams are process-wide: one chart at a time, so no chart is drawn with another's salt.
_LOCK = threading.Lock()


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]  # None: no value (a gap in a line)


@dataclass(frozen=True)
class Table:
    """The numbers behind a chart: a heading per column, then rows, each led by its heading."""

    columns: list[str]
    rows: list[tuple[str, list[str]]]


@dataclass(frozen=True)
class Chart:
    key: str  # unique on the page; the SVG's ids start with it
    title: str
    description: str
    table: Table
    svg: SafeString


def _shorten(label: str, length: int = 32) -> str:
    return label if len(label) <= length else label[: length - 1] + "…"


def _number(value: float | None, percent: bool) -> str:
    if value is None:
        return "–"
    return f"{value:.0f} %" if percent else f"{value:.0f}"  # counts, or shares rounded


def bar_chart(
    *, key: str, title: str, labels: Sequence[str], series: Series, heading: str
) -> Chart:
    """Horizontal bars, one per label, each written out with its value."""
    from matplotlib.ticker import MaxNLocator

    def draw(ax: Axes) -> None:
        positions = range(len(labels))[::-1]  # the first label on top
        values = [value or 0 for value in series.values]
        bars = ax.barh(
            list(positions),
            values,
            color=[COLOURS[i % len(COLOURS)] for i in range(len(labels))],
            edgecolor=[COLOURS[i % len(COLOURS)] for i in range(len(labels))],
            hatch=[HATCHES[i % len(HATCHES)] for i in range(len(labels))],
            hatchcolor="white",
            height=0.6,
        )
        ax.bar_label(bars, labels=[_number(v, False) for v in values], padding=4, color=INK)
        ax.set_yticks(list(positions), [_shorten(label) for label in labels])
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlim(0, max([*values, 1]) * 1.15)
        ax.set_xlabel(series.name, color=INK)

    parts = [
        f"{label}: {_number(value, False)}"
        for label, value in zip(labels, series.values, strict=True)
    ]
    description = _("%(title)s. %(values)s.") % {"title": title, "values": "; ".join(parts)}
    table = Table(
        columns=[heading, series.name],
        rows=[
            (label, [_number(value, False)])
            for label, value in zip(labels, series.values, strict=True)
        ],
    )
    height = 0.9 + 0.45 * len(labels)
    # Room on the left for the longest label (shortened; the table has it in full).
    left = min(0.45, 0.04 + 0.0105 * max((len(label) for label in labels), default=1))
    svg = _render(key, title, description, draw, height, (left, 0.92, 0.5, 0.95))
    return Chart(key, title, description, table, svg)


def line_chart(
    *, key: str, title: str, months: Sequence[str], series: Sequence[Series], percent: bool = False
) -> Chart:
    """One line per series over the months, each with its own marker and dash, and a legend."""
    from matplotlib.ticker import MaxNLocator, PercentFormatter

    def draw(ax: Axes) -> None:
        x = list(range(len(months)))
        for i, line in enumerate(series):
            ax.plot(
                x,
                [float("nan") if value is None else value for value in line.values],
                label=line.name,
                color=COLOURS[i % len(COLOURS)],
                marker=MARKERS[i % len(MARKERS)],
                linestyle=DASHES[i % len(DASHES)],
                linewidth=2,
            )
        ax.set_xticks(
            x,
            list(months),
            rotation=45 if len(months) > 6 else 0,
            ha="right" if len(months) > 6 else "center",
        )
        if percent:
            ax.set_ylim(-3, 105)  # a line at naught stays clear of the axis
            ax.yaxis.set_major_formatter(PercentFormatter(decimals=0))
        else:
            top = max([v for line in series for v in line.values if v is not None] or [0])
            upper = max(top * 1.15, 1)
            ax.set_ylim(-upper / 30, upper)
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(axis="y", color="#c9c9c9", linewidth=0.6)
        ax.legend(
            loc="lower left",
            bbox_to_anchor=(0, 1.02),
            ncols=len(series),
            frameon=False,
            labelcolor=INK,
        )

    description = _("%(title)s, %(first)s to %(last)s. %(lines)s") % {
        "title": title,
        "first": months[0],
        "last": months[-1],
        "lines": " ".join(_summary(line, months, percent) for line in series),
    }
    table = Table(
        columns=[_("Month"), *(line.name for line in series)],
        rows=[
            (month, [_number(line.values[i], percent) for line in series])
            for i, month in enumerate(months)
        ],
    )
    bottom = 0.75 if len(months) > 6 else 0.4  # room for the months, turned when many
    svg = _render(key, title, description, draw, 3.2, (0.07, 0.97, bottom, 0.84))  # legend above
    return Chart(key, title, description, table, svg)


def _summary(line: Series, months: Sequence[str], percent: bool) -> str:
    known = [(month, v) for month, v in zip(months, line.values, strict=True) if v is not None]
    if not known:
        return _("%(name)s: no value.") % {"name": line.name}
    return _("%(name)s: %(first)s in %(first_month)s, %(last)s in %(last_month)s.") % {
        "name": line.name,
        "first": _number(known[0][1], percent),
        "first_month": known[0][0],
        "last": _number(known[-1][1], percent),
        "last_month": known[-1][0],
    }


def _render(
    key: str,
    title: str,
    description: str,
    draw: Callable[[Axes], None],
    height: float,
    margins: tuple[float, float, float, float],
) -> SafeString:
    """Margins left, right and top as fractions of the figure, bottom in inches: fixed,
    because matplotlib's automatic layout would double the time to draw."""
    import matplotlib
    from matplotlib.figure import Figure

    rc_context = matplotlib.rc_context(
        {
            "svg.hashsalt": key,
            "svg.fonttype": "none",  # text stays text: searchable, and copied into the PDF
            "text.parse_math": False,  # "$" in a supplier's name is a dollar, not mathematics
            "font.family": "DejaVu Sans",
            "font.size": 9,
            "text.color": INK,
            "axes.edgecolor": INK,
            "axes.labelcolor": INK,
            "xtick.color": INK,
            "ytick.color": INK,
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )
    with _LOCK, rc_context:
        figure = Figure(figsize=(7.2, height))
        figure.subplots_adjust(
            left=margins[0], right=margins[1], bottom=margins[2] / height, top=margins[3]
        )
        draw(figure.add_subplot())
        out = io.StringIO()
        figure.savefig(
            out,
            format="svg",
            metadata={"Date": None, "Creator": None, "Format": None, "Type": None},
        )
    svg = accessible(out.getvalue(), key=key, title=title, description=description)
    return mark_safe(svg)  # noqa: S308  # serialised by ElementTree, which escapes all text


_STYLE_RULE = re.compile(r"^\s*\*\s*\{([^}]*)\}\s*$")
_REFERENCE = re.compile(r"#([\w.-]+)")


def _declarations(style: str) -> list[tuple[str, str]]:
    pairs = (part.split(":", 1) for part in style.split(";") if part.strip())
    return [(name.strip(), value.strip()) for name, value in pairs]


def _plain_names(root: ET.Element) -> None:
    """Names without ElementTree's {namespace}, the namespaces declared on the root: written
    unprefixed, and xlink:href under the one prefix an HTML parser knows, whatever else in the
    process registered with ElementTree."""
    for element in root.iter():
        element.tag = element.tag.removeprefix(f"{{{SVG}}}")
        for name in [name for name in element.attrib if name.startswith(f"{{{XLINK}}}")]:
            element.set("xlink:" + name.removeprefix(f"{{{XLINK}}}"), element.attrib.pop(name))
    root.set("xmlns", SVG)
    root.set("xmlns:xlink", XLINK)


def accessible(svg: str, *, key: str, title: str, description: str) -> str:
    """matplotlib's SVG made fit to inline in a page: styles as presentation attributes, a
    title and description it is labelled by, and no ids but those referred to."""
    root = ET.fromstring(svg)  # noqa: S314  # matplotlib's output, not a stranger's
    _plain_names(root)
    for parent in root.iter():
        for child in list(parent):
            if child.tag == "style":
                rule = _STYLE_RULE.match(child.text or "")
                if rule is None:
                    raise ValueError(f"unexpected stylesheet in the chart: {child.text!r}")
                for name, value in _declarations(rule.group(1)):
                    root.set(name, value)  # inherited by every element, as * applied to all
                parent.remove(child)
    referred: set[str] = set()
    for element in root.iter():
        if (style := element.attrib.pop("style", None)) is not None:
            for name, value in _declarations(style):
                element.set(name, value)  # a style attribute outranks presentation attributes
        for name, value in element.attrib.items():
            if name != "id":
                referred.update(_REFERENCE.findall(value))
    for element in root.iter():
        if element.get("id") not in referred:
            element.attrib.pop("id", None)
    label = ET.Element("title", id=f"{key}-title")
    label.text = title
    desc = ET.Element("desc", id=f"{key}-desc")
    desc.text = description
    root.insert(0, desc)
    root.insert(0, label)
    root.set("role", "img")
    root.set("aria-labelledby", f"{key}-title {key}-desc")
    root.set("class", "chart")
    return ET.tostring(root, encoding="unicode")


# -- The management overview's charts ---------------------------------------------------------


def management_charts(figures: Figures, trend: Trend, loads: list[SupplierLoad]) -> list[Chart]:
    """The charts of the management overview and report, in their order on the page."""
    severities = list(reversed(Severity.choices))  # high first
    charts = [
        bar_chart(
            key="chart-findings",
            title=_("Open findings by severity"),
            labels=[str(label) for _value, label in severities],
            series=Series(
                _("Open findings"),
                [figures.findings_open.get(value, 0) for value, _l in severities],
            ),
            heading=_("Severity"),
        )
    ]
    if figures.critical_assets:
        charts.append(
            bar_chart(
                key="chart-critical",
                title=_("What the %(count)s critical systems lack")
                % {"count": figures.critical_assets},
                labels=[
                    _("A valid supplier assessment"),
                    _("A valid certificate of every supplier"),
                    _("A complete processor agreement"),
                ],
                series=Series(
                    _("Critical systems"),
                    [
                        figures.critical_not_assessed,
                        figures.critical_not_certified,
                        figures.critical_without_agreement,
                    ],
                ),
                heading=_("Lacking"),
            )
        )
    if figures.overdue_by_kind:
        overdue = sorted(figures.overdue_by_kind.items(), key=lambda item: (-item[1], item[0]))
        charts.append(
            bar_chart(
                key="chart-overdue",
                title=_("Overdue follow-up by kind"),
                labels=[str(Kind(kind).label) for kind, _count in overdue],
                series=Series(_("Overdue items"), [count for _kind, count in overdue]),
                heading=_("Kind"),
            )
        )
    if loads:
        charts.append(
            bar_chart(
                key="chart-suppliers",
                title=_("Suppliers carrying the most critical systems"),
                labels=[load.name for load in loads[:TOP_SUPPLIERS]],
                series=Series(
                    _("Critical systems"), [load.systems for load in loads[:TOP_SUPPLIERS]]
                ),
                heading=_("Supplier"),
            )
        )
    if not trend.months:
        return charts
    return [
        *charts,
        line_chart(
            key="chart-findings-trend",
            title=_("Open findings by severity, month by month"),
            months=trend.months,
            series=[Series(str(label), trend.findings[value]) for value, label in severities],
        ),
        line_chart(
            key="chart-followup-trend",
            title=_("Overdue follow-up and supplier incidents, month by month"),
            months=trend.months,
            series=[
                Series(_("Overdue follow-up items"), trend.overdue),
                Series(_("Supplier incidents, last 12 months"), trend.incidents),
            ],
        ),
        line_chart(
            key="chart-assessed-trend",
            title=_("Critical systems with a valid supplier assessment, month by month"),
            months=trend.months,
            series=[Series(_("Share assessed"), trend.assessed_share)],
            percent=True,
        ),
    ]
