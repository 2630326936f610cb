"""The evaluation of tenders against the security annex, as DOCX, PDF and XLSX."""

from __future__ import annotations

import io

from django.template.loader import render_to_string

from tillit.lib.pdf import html_to_pdf
from tillit.lib.spreadsheet import fill_sheet, safe_cell
from tillit.procurement.content import Evaluation, TenderResult
from tillit.procurement.documents.annex_docx import (
    add_key_value_table,
    add_table,
    clean,
    landscape_section,
    new_document,
    to_bytes,
)
from tillit.procurement.documents.labels import label, labels_for, yes_no


def _failed(result: TenderResult) -> str:
    return ", ".join(result.failed_mandatory) or "–"


def _summary_rows(evaluation: Evaluation) -> list[tuple[str, str, str, str]]:
    """Tenderer, rejected, failed ska-krav, points out of max: for DOCX and PDF."""
    lang = evaluation.language
    return [
        (
            r.tenderer,
            yes_no(lang, r.rejected),
            _failed(r),
            f"{r.points} / {evaluation.max_points}",
        )
        for r in evaluation.results
    ]


def _answer_rows(evaluation: Evaluation) -> list[tuple[str, ...]]:
    """Per requirement: key, title, ska/bör, then each tenderer's Ja/Nej/–."""
    lang = evaluation.language
    rows = []
    for index, key in enumerate(evaluation.requirement_keys):
        obligation = label(lang, "ska" if evaluation.mandatory[index] else "bor")
        answers = tuple(yes_no(lang, tender[index]) for tender in evaluation.answers)
        rows.append((key, evaluation.requirement_titles[index], obligation, *answers))
    return rows


def _summary_header(language: str) -> list[str]:
    words = labels_for(language)
    return [words["tenderer"], words["rejected"], words["failed_mandatory"], words["points"]]


def _answer_header(evaluation: Evaluation) -> list[str]:
    words = labels_for(evaluation.language)
    fixed = [words["col_id"], words["col_requirement"], words["col_obligation"]]
    return fixed + [r.tenderer for r in evaluation.results]


def _cover_pairs(evaluation: Evaluation) -> list[tuple[str, str]]:
    words = labels_for(evaluation.language)
    return [
        (words["procurement"], evaluation.procurement),
        (words["reference"], evaluation.reference),
        (words["organisation"], evaluation.organisation),
        (words["date"], evaluation.generated_on.isoformat()),
    ]


def render_evaluation_docx(evaluation: Evaluation) -> bytes:
    words = labels_for(evaluation.language)
    document = new_document(
        title=f"{words['evaluation_title']} – {evaluation.procurement}",
        language=evaluation.language,
        author=evaluation.organisation,
    )
    document.add_heading(words["evaluation_title"], level=0)
    document.add_paragraph(clean(evaluation.procurement), style="Subtitle")
    add_key_value_table(document, _cover_pairs(evaluation))
    document.add_paragraph(words["evaluation_intro"])
    document.add_heading(words["summary_heading"], level=1)
    add_table(document, _summary_header(evaluation.language), _summary_rows(evaluation))
    landscape_section(document)
    document.add_heading(words["answers_heading"], level=1)
    add_table(document, _answer_header(evaluation), _answer_rows(evaluation))
    return to_bytes(document)


def render_evaluation_pdf(evaluation: Evaluation) -> bytes:
    context = {
        "evaluation": evaluation,
        "lang": evaluation.language,
        "organisation": evaluation.organisation,
        "l": labels_for(evaluation.language),
        "summary_header": _summary_header(evaluation.language),
        "summary_rows": [
            (row, result.rejected)
            for row, result in zip(_summary_rows(evaluation), evaluation.results, strict=True)
        ],
        "answer_header": _answer_header(evaluation),
        "answer_rows": _answer_rows(evaluation),
    }
    return html_to_pdf(render_to_string("procurement/documents/evaluation.html", context))


def render_evaluation_xlsx(evaluation: Evaluation) -> bytes:
    # Imported here, like WeasyPrint: only the processes that write a workbook pay the load.
    from openpyxl import Workbook

    words = labels_for(evaluation.language)
    workbook = Workbook()
    workbook.remove(workbook.worksheets[0])  # named sheets only, created below
    workbook.properties.title = safe_cell(f"{words['evaluation_title']} – {evaluation.procurement}")
    workbook.properties.creator = safe_cell(evaluation.organisation)
    workbook.properties.language = evaluation.language
    summary = workbook.create_sheet(words["summary_sheet"])
    header = [*_summary_header(evaluation.language)[:3], words["points"], words["max_points"]]
    fill_sheet(summary, header, _summary_cells(evaluation), freeze="A2")
    answers = workbook.create_sheet(words["answers_sheet"])
    fill_sheet(answers, _answer_header(evaluation), _answer_rows(evaluation), freeze="D2")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _summary_cells(evaluation: Evaluation) -> list[list[str | int]]:
    """Like the summary rows, but with points as numbers a spreadsheet can sort and sum."""
    lang = evaluation.language
    return [
        [
            safe_cell(r.tenderer),
            yes_no(lang, r.rejected),
            safe_cell(_failed(r)),
            r.points,
            evaluation.max_points,
        ]
        for r in evaluation.results
    ]
