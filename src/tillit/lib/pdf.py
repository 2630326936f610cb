"""HTML to PDF with WeasyPrint, with nothing fetched from anywhere.

Shared by every document Tillit renders to PDF (procurement annex and evaluation, assessment
report): each lays out its own template and stylesheet, and this turns it into a tagged PDF.
"""

from __future__ import annotations

from typing import Any

from tillit.lib.collector import cycle_collector_paused
from tillit.lib.spreadsheet import xml_text


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

    # xml_text(): characters XML forbids (e.g. lone surrogates) crash WeasyPrint's layout.
    document = HTML(string=xml_text(html), base_url=None, url_fetcher=refusing_fetcher())
    # Tagged PDF: headings and tables stay navigable for screen readers. Laying out a long
    # document makes a box tree of hundreds of thousands of objects: the cycle collector is
    # paused while it is made (a sixth of the time).
    with cycle_collector_paused():
        pdf: bytes = document.write_pdf(pdf_tags=True)
    return pdf
