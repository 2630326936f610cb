"""The security annex as PDF, laid out by WeasyPrint from a Django template."""

from __future__ import annotations

from django.template.loader import render_to_string

from tillit.lib.pdf import html_to_pdf
from tillit.procurement.content import Annex
from tillit.procurement.documents.labels import BASIS_COLUMNS, basis_cells, labels_for


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
