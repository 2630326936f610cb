"""The security annex as PDF, laid out by WeasyPrint from a Django template, and kept.

Laying out a long annex takes WeasyPrint seconds, so the last PDF of each procurement and
language is kept with the digest of the HTML it came from: a download whose HTML is the same
(nothing the annex says has changed, the same day) is answered with the kept copy. The worker
lays the Swedish annex out after each change to the procurement (tasks.prepare_annex), so the
officer's download after editing seldom waits; any other change (a classification, a name) is
laid out by the next download and kept.
"""

from __future__ import annotations

import hashlib

from django.template.loader import render_to_string

from tillit.lib.pdf import html_to_pdf
from tillit.procurement.content import Annex
from tillit.procurement.documents.labels import BASIS_COLUMNS, basis_cells, labels_for
from tillit.procurement.models import AnnexPdf, Procurement
from tillit.procurement.selectors import annex_content


def render_annex_pdf(annex: Annex) -> bytes:
    return html_to_pdf(_annex_html(annex))


def annex_pdf(procurement: Procurement, language: str) -> bytes:
    """The annex as it reads now: the kept copy when it was laid out from the same HTML, else
    laid out now and kept in its place."""
    html = _annex_html(annex_content(procurement, language))
    digest = hashlib.sha256(html.encode()).hexdigest()
    kept = (
        AnnexPdf.objects.filter(procurement=procurement, language=language, digest=digest)
        .values_list("pdf", flat=True)
        .first()
    )
    if kept is not None:
        return bytes(kept)  # PostgreSQL gives a memoryview
    pdf = html_to_pdf(html)
    # One statement that inserts or replaces: two processes laying out the same annex at once
    # both succeed, and the copy kept is one of theirs.
    AnnexPdf.objects.bulk_create(
        [AnnexPdf(procurement=procurement, language=language, digest=digest, pdf=pdf)],
        update_conflicts=True,
        unique_fields=["procurement", "language"],
        update_fields=["digest", "pdf", "made_at"],
    )
    return pdf


def _annex_html(annex: Annex) -> str:
    words = labels_for(annex.language)
    context = {
        "annex": annex,
        "lang": annex.language,
        "organisation": annex.organisation,
        "l": words,
        "basis_header": [words[column] for column in BASIS_COLUMNS],
        "basis_rows": [basis_cells(annex.language, basis) for basis in annex.basis],
    }
    return render_to_string("procurement/documents/annex.html", context)
