"""The security annex as PDF, laid out by WeasyPrint from a Django template.

`html_to_pdf` is shared with the evaluation document.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from tillit.procurement.content import Annex
from tillit.procurement.documents.annex_docx import clean
from tillit.procurement.documents.labels import BASIS_COLUMNS, basis_cells, labels_for


def refusing_fetcher() -> Any:
    """A URL fetcher that allows no scheme at all: no network, no file:, no data:.

    The templates need nothing from outside, and user text is escaped, so any fetch would be a
    mistake or an attack (server-side request forgery, reading local files).
    """
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols=frozenset(), allow_redirects=False)


def html_to_pdf(html: str) -> bytes:
    # Imported here: loading WeasyPrint (Pango, fonts) takes over a second, and every process
    # that imports the views would pay it, not only those that render a PDF.
    from weasyprint import HTML

    # clean(): characters XML forbids (e.g. lone surrogates) crash WeasyPrint's layout.
    document = HTML(string=clean(html), base_url=None, url_fetcher=refusing_fetcher())
    # Tagged PDF: headings and tables stay navigable for screen readers.
    pdf: bytes = document.write_pdf(pdf_tags=True)
    return pdf


def render_annex_pdf(annex: Annex) -> bytes:
    words = labels_for(annex.language)
    context = {
        "annex": annex,
        "lang": annex.language,
        "organisation": annex.organisation,
        "l": words,
        "basis_header": [words[column] for column in BASIS_COLUMNS],
        "basis_rows": [basis_cells(annex.language, basis) for basis in annex.basis],
    }
    return html_to_pdf(render_to_string("procurement/documents/annex.html", context))
