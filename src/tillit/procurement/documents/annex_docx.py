"""The security annex as an editable Word document: real headings, real tables.

The small helpers at the top are shared with the evaluation document.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import docx
from docx.document import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm
from docx.table import Table

from tillit.lib.spreadsheet import xml_text
from tillit.procurement.content import Annex, AnnexRequirement
from tillit.procurement.documents.labels import (
    BASIS_COLUMNS,
    basis_cells,
    label,
    labels_for,
    locale_code,
)

# Characters XML 1.0 forbids are blanked: lxml refuses them, and text pasted from Word carries
# some (\x0b).
clean = xml_text


def new_document(*, title: str, language: str, author: str) -> Document:
    document = docx.Document()
    properties = document.core_properties
    properties.title = clean(title)
    properties.language = locale_code(language)
    properties.author = clean(author)
    properties.last_modified_by = clean(author)
    properties.comments = ""
    _set_proofing_language(document, locale_code(language))
    section = document.sections[0]  # python-docx's template is US Letter
    section.page_width, section.page_height = Mm(210), Mm(297)
    return document


def landscape_section(document: Document) -> None:
    """Start a landscape page, for tables too wide for portrait."""
    section = document.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width


def _set_proofing_language(document: Document, code: str) -> None:
    """So Word spell-checks the text in its own language rather than the editor's default."""
    path = f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}"
    run_defaults = document.styles.element.find(path)
    if run_defaults is None:
        return
    lang = run_defaults.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        run_defaults.append(lang)
    lang.set(qn("w:val"), code)


def add_field(document: Document, name: str, value: str) -> None:
    """A paragraph "Name: value" with the name in bold."""
    paragraph = document.add_paragraph()
    paragraph.add_run(f"{clean(name)}: ").bold = True
    paragraph.add_run(clean(value))


def add_table(document: Document, header: Sequence[str], rows: Sequence[Sequence[str]]) -> Table:
    """A grid table whose bold header row repeats on every page."""
    table: Table = document.add_table(rows=1 + len(rows), cols=len(header))
    table.style = "Table Grid"
    header_row, *body = table.rows
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header_row._tr.get_or_add_trPr().append(repeat)
    for cell, text in zip(header_row.cells, header, strict=True):
        cell.paragraphs[0].add_run(clean(text)).bold = True
    for row, values in zip(body, rows, strict=True):
        for cell, text in zip(row.cells, values, strict=True):
            cell.text = clean(text)
    return table


def add_key_value_table(document: Document, pairs: Sequence[tuple[str, str]]) -> Table:
    """A two-column table of labels and values, for cover pages."""
    table: Table = document.add_table(rows=len(pairs), cols=2)
    table.style = "Table Grid"
    for row, (name, value) in zip(table.rows, pairs, strict=True):
        row.cells[0].paragraphs[0].add_run(clean(name)).bold = True
        row.cells[1].text = clean(value)
    return table


def page_break(document: Document) -> None:
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def to_bytes(document: Document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def render_annex_docx(annex: Annex) -> bytes:
    title = label(annex.language, "annex_title")
    document = new_document(
        title=f"{title} – {annex.procurement}", language=annex.language, author=annex.organisation
    )
    _cover(document, annex)
    _basis(document, annex)
    _requirements(document, annex)
    _response_form(document, annex)
    if annex.dropped:
        _dropped(document, annex)
    return to_bytes(document)


def _cover(document: Document, annex: Annex) -> None:
    words = labels_for(annex.language)
    document.add_heading(words["annex_title"], level=0)
    document.add_paragraph(clean(annex.procurement), style="Subtitle")
    add_key_value_table(
        document,
        [
            (words["procurement"], annex.procurement),
            (words["reference"], annex.reference),
            (words["procedure"], annex.procedure),
            (words["organisation"], annex.organisation),
            (words["officer"], annex.officer),
            (words["catalogue"], annex.catalogue),
            (words["date"], annex.generated_on.isoformat()),
        ],
    )
    page_break(document)


def _basis(document: Document, annex: Annex) -> None:
    words = labels_for(annex.language)
    document.add_heading(words["basis_heading"], level=1)
    document.add_paragraph(words["basis_intro"])
    add_table(
        document,
        [words[column] for column in BASIS_COLUMNS],
        [basis_cells(annex.language, basis) for basis in annex.basis],
    )
    document.add_paragraph()
    document.add_paragraph(words["proportionality"])
    document.add_paragraph(words["self_contained"])


def _requirements(document: Document, annex: Annex) -> None:
    document.add_heading(label(annex.language, "requirements_heading"), level=1)
    for area in annex.areas:
        document.add_heading(clean(area.title), level=2)
        for requirement in area.requirements:
            _requirement(document, annex.language, requirement)


def _requirement(document: Document, language: str, requirement: AnnexRequirement) -> None:
    words = labels_for(language)
    document.add_heading(clean(f"{requirement.key} {requirement.title}"), level=3)
    obligation = words["mandatory"] if requirement.mandatory else words["desirable"]
    document.add_paragraph().add_run(obligation).bold = True
    document.add_paragraph(clean(requirement.text))
    add_field(document, words["motive"], requirement.motive)
    add_field(document, words["verification"], requirement.verification)
    add_field(document, words["references"], "; ".join(requirement.references) or "–")
    add_field(document, words["applies_because"], requirement.reason)
    if requirement.downgrade_justification:
        add_field(document, words["downgrade"], requirement.downgrade_justification)


def _response_form(document: Document, annex: Annex) -> None:
    words = labels_for(annex.language)
    document.add_heading(words["response_heading"], level=1)
    document.add_paragraph(words["response_intro"])
    header = [
        words[column]
        for column in ("col_id", "col_requirement", "col_obligation", "col_met", "col_evidence")
    ]
    rows = [
        (r.key, r.title, words["ska"] if r.mandatory else words["bor"], "", "")
        for r in annex.requirements
    ]
    add_table(document, header, rows)


def _dropped(document: Document, annex: Annex) -> None:
    words = labels_for(annex.language)
    document.add_heading(words["dropped_heading"], level=1)
    document.add_paragraph(words["dropped_intro"])
    for dropped in annex.dropped:
        add_field(document, f"{dropped.key} {dropped.title}", dropped.justification)
