from __future__ import annotations

import datetime as dt
import io
import urllib.request
from dataclasses import replace
from typing import Any

import docx
import openpyxl
import pypdf
import pytest
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn

from tillit.lib.pdf import html_to_pdf
from tillit.procurement.content import (
    Annex,
    AnnexArea,
    AnnexRequirement,
    AssetBasis,
    DroppedRequirement,
    Evaluation,
    TenderResult,
)
from tillit.procurement.documents.annex_docx import render_annex_docx
from tillit.procurement.documents.annex_pdf import render_annex_pdf
from tillit.procurement.documents.evaluation import (
    render_evaluation_docx,
    render_evaluation_pdf,
    render_evaluation_xlsx,
)
from tillit.procurement.documents.labels import LABELS, label

SKA_TEXT = "Leverantören ska kryptera all lagrad information med stark kryptering."
DOWNGRADE = "Få användare; en övergångsperiod på två år är godtagbar för systemet."
DROPPED_WHY = "Systemet hanterar inga betalningar, så kravet på kortdata är inte nödvändigt."


def _basis() -> tuple[AssetBasis, ...]:
    return (
        AssetBasis(
            name="Lönesystem",
            version=3,
            classified_on=dt.date(2025, 9, 1),
            levels="K3 R2 T2 S2",
            personal_data="känsliga personuppgifter, personnummer, skyddade personuppgifter",
            data_subjects=20000,
        ),
        AssetBasis(
            name="Intranät",
            version=1,
            classified_on=dt.date(2025, 5, 12),
            levels="K1 R1 T1 S1",
            personal_data="inga personuppgifter",
            data_subjects=0,
        ),
    )


def _requirement(key: str, title: str, **kwargs: Any) -> AnnexRequirement:
    values: dict[str, Any] = {
        "mandatory": True,
        "text": f"Texten för {key} gäller även för underleverantörer.",
        "motive": "Skyddar känsliga uppgifter om anställda.",
        "verification": "Beskrivning av lösningen och ett intyg från tredje part.",
        "references": ("ISO/IEC 27001:2022 A.8.24 eller likvärdigt", "NIS2 art. 21.2 h"),
        "reason": "konfidentialitet = 3 och känsliga personuppgifter",
    }
    return AnnexRequirement(key=key, title=title, **(values | kwargs))


@pytest.fixture
def annex_sv() -> Annex:
    return Annex(
        language="sv",
        organisation="Exempelby kommun",
        procurement="Nytt lönesystem",
        reference="KS 2026/123",
        procedure="Öppet förfarande",
        officer="Åsa Öberg",
        catalogue="Tillits kravkatalog 2026.1",
        generated_on=dt.date(2026, 2, 3),
        basis=_basis(),
        areas=(
            AnnexArea(
                title="Kryptering och åtkomst",
                requirements=(
                    _requirement("KRY-01", "Kryptering av lagrad data", text=SKA_TEXT),
                    _requirement(
                        "ATK-02",
                        "Flerfaktorsautentisering för administratörer",
                        mandatory=False,
                        downgrade_justification=DOWNGRADE,
                    ),
                ),
            ),
            AnnexArea(
                title="Incidenthantering",
                requirements=(_requirement("INC-01", "Rapportering av incidenter inom 24 timmar"),),
            ),
        ),
        dropped=(DroppedRequirement("PCI-01", "Skydd av kortdata", DROPPED_WHY),),
    )


@pytest.fixture
def annex_en(annex_sv: Annex) -> Annex:
    area = AnnexArea(
        title="Encryption",
        requirements=(
            _requirement(
                "KRY-01",
                "Encryption at rest",
                text="The supplier shall encrypt all stored information.",
                references=("ISO/IEC 27001:2022 A.8.24 or equivalent",),
                reason="confidentiality = 3",
            ),
        ),
    )
    return replace(annex_sv, language="en", procurement="New payroll system", areas=(area,))


@pytest.fixture
def evaluation() -> Evaluation:
    return Evaluation(
        language="sv",
        organisation="Exempelby kommun",
        procurement="Nytt lönesystem",
        reference="KS 2026/123",
        generated_on=dt.date(2026, 3, 1),
        requirement_keys=("KRY-01", "ATK-02", "INC-01"),
        requirement_titles=("Kryptering", "Flerfaktorsautentisering", "Incidentrapportering"),
        mandatory=(True, False, True),
        max_points=1,
        results=(
            TenderResult("Säker Lön AB", rejected=False, failed_mandatory=(), points=1),
            TenderResult("Billig Lön AB", rejected=True, failed_mandatory=("INC-01",), points=0),
            TenderResult(
                '=HYPERLINK("http://x")', rejected=True, failed_mandatory=("KRY-01",), points=0
            ),
        ),
        answers=((True, True, True), (True, False, None), (False, None, True)),
    )


# --- helpers -------------------------------------------------------------------------------


def _docx(data: bytes) -> Document:
    return docx.Document(io.BytesIO(data))


def _headings(document: Document, style: str) -> list[str]:
    return [p.text for p in document.paragraphs if p.style is not None and p.style.name == style]


def _docx_text(document: Document) -> str:
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


# --- annex as DOCX -------------------------------------------------------------------------


def test_annex_docx_has_real_headings(annex_sv: Annex) -> None:
    document = _docx(render_annex_docx(annex_sv))

    assert _headings(document, "Title") == ["Säkerhetsbilaga"]
    assert _headings(document, "Heading 1") == [
        "Grund för kraven",
        "Krav",
        "Svarsformulär",
        "Krav som inte ställs",
    ]
    assert _headings(document, "Heading 2") == ["Kryptering och åtkomst", "Incidenthantering"]
    assert _headings(document, "Heading 3") == [
        "KRY-01 Kryptering av lagrad data",
        "ATK-02 Flerfaktorsautentisering för administratörer",
        "INC-01 Rapportering av incidenter inom 24 timmar",
    ]


def test_annex_docx_carries_the_content(annex_sv: Annex) -> None:
    text = _docx_text(_docx(render_annex_docx(annex_sv)))

    for expected in (
        SKA_TEXT,
        DOWNGRADE,
        DROPPED_WHY,
        "Ska-krav",
        "Bör-krav",
        "KS 2026/123",
        "Åsa Öberg",
        "Gäller eftersom: konfidentialitet = 3 och känsliga personuppgifter",
        "ISO/IEC 27001:2022 A.8.24 eller likvärdigt; NIS2 art. 21.2 h",
        "känsliga personuppgifter, personnummer, skyddade personuppgifter",
        "20\u00a0000",
        "version 3, 2025-09-01",
        "4 kap. 1 § LOU",
        "”eller likvärdigt”",
    ):
        assert expected in text


def test_annex_docx_response_table_has_a_row_per_requirement(annex_sv: Annex) -> None:
    document = _docx(render_annex_docx(annex_sv))
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "ID")

    assert [c.text for c in table.rows[0].cells] == [
        "ID",
        "Krav",
        "Ska/Bör",
        "Uppfylls (Ja/Nej)",
        "Hänvisning till bilaga",
    ]
    assert [row.cells[0].text for row in table.rows[1:]] == ["KRY-01", "ATK-02", "INC-01"]
    assert [row.cells[2].text for row in table.rows[1:]] == ["Ska", "Bör", "Ska"]
    header_properties = table.rows[0]._tr.trPr
    assert header_properties is not None
    assert header_properties.find(qn("w:tblHeader")) is not None


def test_annex_docx_metadata_and_page(annex_sv: Annex) -> None:
    document = _docx(render_annex_docx(annex_sv))
    properties = document.core_properties

    assert properties.title == "Säkerhetsbilaga – Nytt lönesystem"
    assert properties.language == "sv-SE"
    assert properties.author == "Exempelby kommun"
    width = document.sections[0].page_width
    assert width is not None
    assert round(width.mm) == 210  # A4, not python-docx's US Letter


def test_annex_docx_in_english(annex_en: Annex) -> None:
    document = _docx(render_annex_docx(annex_en))
    text = _docx_text(document)

    assert _headings(document, "Title") == ["Security annex"]
    assert "Response form" in _headings(document, "Heading 1")
    for expected in ("Mandatory", "Motive", "Verification", "Applies because", "or equivalent"):
        assert expected in text
    assert "Ska-krav" not in text
    assert document.core_properties.language == "en-GB"


def test_annex_docx_survives_markup_and_control_characters(annex_sv: Annex) -> None:
    hostile = _requirement("XSS-01", "<script>alert(1)</script>", text="Rad ett\x0bRad två & <b>")
    area = AnnexArea(title="Område <i>", requirements=(hostile,))
    annex = replace(annex_sv, areas=(area,), procurement="A\x00B")

    document = _docx(render_annex_docx(annex))

    assert _headings(document, "Heading 3") == ["XSS-01 <script>alert(1)</script>"]
    assert "Rad ett Rad två & <b>" in _docx_text(document)


# --- annex as PDF --------------------------------------------------------------------------


def test_annex_pdf_contains_the_content(annex_sv: Annex) -> None:
    data = render_annex_pdf(annex_sv)
    text = _pdf_text(data)

    assert data.startswith(b"%PDF")
    for expected in ("Säkerhetsbilaga", "KRY-01", "ATK-02", "INC-01", "PCI-01", "eller likvärdigt"):
        assert expected in text
    flat = " ".join(text.split())
    assert "Leverantören ska kryptera all lagrad information" in flat
    assert "Få användare; en övergångsperiod på två år" in flat
    assert "Sida 2 av" in flat
    assert "Nytt lönesystem · KS 2026/123" in flat


def test_annex_pdf_is_tagged_with_language_and_title(annex_sv: Annex) -> None:
    reader = pypdf.PdfReader(io.BytesIO(render_annex_pdf(annex_sv)))
    catalog = reader.root_object

    assert str(catalog["/Lang"]) == "sv"
    assert "/StructTreeRoot" in catalog
    assert reader.metadata is not None
    assert reader.metadata.title == "Säkerhetsbilaga – Nytt lönesystem"


def test_annex_pdf_in_english(annex_en: Annex) -> None:
    text = _pdf_text(render_annex_pdf(annex_en))

    for expected in ("Security annex", "Mandatory", "Motive", "Response form", "or equivalent"):
        assert expected in text
    assert "Säkerhetsbilaga" not in text


def test_annex_pdf_escapes_markup(annex_sv: Annex) -> None:
    hostile = _requirement("XSS-01", "<script>alert(1)</script>", text='<img src="http://x/">')
    annex = replace(annex_sv, areas=(AnnexArea("Område\ud800", (hostile,)),), reference="R\x00")

    text = _pdf_text(render_annex_pdf(annex))

    assert "<script>alert(1)</script>" in text
    assert '<img src="http://x/">' in text


def test_pdf_rendering_fetches_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[object] = []
    monkeypatch.setattr(
        urllib.request.OpenerDirector, "open", lambda self, *a, **k: opened.append(a)
    )
    html = (
        '<link rel="stylesheet" href="file:///etc/passwd">'
        '<img src="http://127.0.0.1:9/x.png"><img src="data:image/png;base64,AAAA">'
        '<p style="background: url(https://example.com/x)">Hej</p>'
    )

    assert html_to_pdf(html).startswith(b"%PDF")
    assert opened == []


# --- evaluation ----------------------------------------------------------------------------


def test_evaluation_docx(evaluation: Evaluation) -> None:
    document = _docx(render_evaluation_docx(evaluation))
    summary = next(t for t in document.tables if t.rows[0].cells[0].text == "Anbudsgivare")
    rows = [[c.text for c in row.cells] for row in summary.rows]

    assert _headings(document, "Title") == ["Utvärdering av säkerhetskrav"]
    assert rows[0] == ["Anbudsgivare", "Förkastas", "Ej uppfyllda ska-krav", "Poäng"]
    assert rows[1] == ["Säker Lön AB", "Nej", "–", "1 / 1"]
    assert rows[2] == ["Billig Lön AB", "Ja", "INC-01", "0 / 1"]
    assert document.sections[-1].orientation == WD_ORIENT.LANDSCAPE
    answers = document.tables[-1]
    assert [c.text for c in answers.rows[0].cells][3:] == [r.tenderer for r in evaluation.results]
    assert [c.text for c in answers.rows[2].cells] == [
        "ATK-02",
        "Flerfaktorsautentisering",
        "Bör",
        "Ja",
        "Nej",
        "–",
    ]


def test_evaluation_pdf(evaluation: Evaluation) -> None:
    flat = " ".join(_pdf_text(render_evaluation_pdf(evaluation)).split())

    for expected in (
        "Utvärdering av säkerhetskrav",
        "Säker Lön AB",
        "Billig Lön AB Ja INC-01 0 / 1",
    ):
        assert expected in flat
    assert '=HYPERLINK("http://x")' in flat


def test_evaluation_xlsx(evaluation: Evaluation) -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(render_evaluation_xlsx(evaluation)))

    assert workbook.sheetnames == ["Sammanställning", "Svar"]
    summary, answers = workbook["Sammanställning"], workbook["Svar"]
    assert summary.freeze_panes == "A2"
    assert answers.freeze_panes == "D2"
    assert all(cell.font.bold for cell in summary[1])
    values = [[cell.value for cell in row] for row in summary.iter_rows()]
    assert values[0] == ["Anbudsgivare", "Förkastas", "Ej uppfyllda ska-krav", "Poäng", "Max poäng"]
    assert values[1] == ["Säker Lön AB", "Nej", "–", 1, 1]
    assert values[2] == ["Billig Lön AB", "Ja", "INC-01", 0, 1]
    assert values[3][0] == '\'=HYPERLINK("http://x")'
    assert summary.cell(row=4, column=1).data_type == "s"
    assert [cell.value for cell in answers[1]][3:] == [
        "Säker Lön AB",
        "Billig Lön AB",
        '\'=HYPERLINK("http://x")',
    ]
    assert [cell.value for cell in answers[3]] == [
        "ATK-02",
        "Flerfaktorsautentisering",
        "Bör",
        "Ja",
        "Nej",
        "–",
    ]


def test_evaluation_xlsx_in_english(evaluation: Evaluation) -> None:
    english = replace(evaluation, language="en")
    workbook = openpyxl.load_workbook(io.BytesIO(render_evaluation_xlsx(english)))

    assert workbook.sheetnames == ["Summary", "Answers"]
    assert workbook["Summary"]["B3"].value == "Yes"


def test_evaluation_survives_control_characters(evaluation: Evaluation) -> None:
    pasted = TenderResult("Rad\x0bbruten\x00 AB", rejected=False, failed_mandatory=(), points=1)
    evaluation = replace(evaluation, results=(pasted,), answers=((True, True, True),))

    assert "Rad bruten  AB" in _docx_text(_docx(render_evaluation_docx(evaluation)))
    assert "Rad bruten" in _pdf_text(render_evaluation_pdf(evaluation))
    workbook = openpyxl.load_workbook(io.BytesIO(render_evaluation_xlsx(evaluation)))
    assert workbook.worksheets[0]["A2"].value == "Rad bruten  AB"


def test_labels_exist_in_both_languages() -> None:
    assert LABELS["sv"].keys() == LABELS["en"].keys()
    assert label("sv", "annex_title") == "Säkerhetsbilaga"
    assert label("de", "annex_title") == "Security annex"
