"""The report of an assessment: its content, the PDF and XLSX renderers, and the download."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any

import openpyxl
import pypdf
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from tillit.assessments import selectors, services
from tillit.assessments.models import Answer, Assessment, Finding, PortalLink, Review
from tillit.assessments.report import pdf as report_pdf
from tillit.assessments.report.pdf import render_report_pdf
from tillit.assessments.report.selectors import report_content
from tillit.assessments.report.xlsx import render_report_xlsx
from tillit.audit.models import AuditEvent
from tillit.conftest import Personas
from tillit.documents.services import document_store
from tillit.lib.pdf import html_to_pdf
from tillit.organisations.models import Organisation
from tillit.testing import (
    make_assessment,
    make_asset,
    make_catalogue,
    make_contract,
    make_organisation,
    make_supplier,
    make_user,
    plain_requirements,
)

Capture = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]

STATES = ("draft", "sent", "submitted", "completed")
INCIDENT_TEXT = "The supplier shall report within 8 hours."
RULE = "Approved with actions: some ska-krav are not met"
EVIDENCE = "=cmd()<img src=x onerror=alert(2)>.pdf"


def _payload(field: str) -> str:
    """Text that a spreadsheet would run as a formula and a browser as markup."""
    return f'=HYPERLINK("http://evil.test/{field}","{field}")<script>alert(1)</script>'


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages are matched in English; the view tests choose their language themselves."""
    with translation.override("en"):
        yield


def _link(assessment: Assessment, capture: Capture) -> PortalLink:
    with capture(execute=True):
        link, _token = services.link_issue(
            acting_user=make_user(),
            assessment=assessment,
            contact_name="Kim Kontakt",
            contact_email="kim@leverantor.test",
        )
    return link


def _in_state(organisation: Organisation, state: str, capture: Capture) -> Assessment:
    """An assessment of the two test requirements (T-BASE-01, T-INC-01), taken to `state` by
    the services, with hostile text wherever the supplier or the reviewer writes."""
    assessment = make_assessment(organisation, confidentiality=3)
    if state == "draft":
        return assessment
    link = _link(assessment, capture)
    base, incident = assessment.questions.order_by("position")
    services.answer_save(
        link=link,
        question=base,
        version=base.version,
        answer=Answer.PARTIAL,
        description=_payload("description"),
    )
    if state == "sent":
        return assessment
    services.evidence_add(
        link=link,
        question=base,
        upload=SimpleUploadedFile(EVIDENCE, b"%PDF-1.7 test"),
    )
    services.answer_save(
        link=link, question=incident, version=0, answer=Answer.MET, description="Inom 4 timmar."
    )
    services.assessment_submit(link=link)
    assessment.refresh_from_db()
    if state == "submitted":
        return assessment
    reviewer = make_user()
    services.answer_review(
        acting_user=reviewer, question=base, review=Review.ACCEPTED, comment=_payload("comment")
    )
    services.answer_review(acting_user=reviewer, question=incident, review="accepted", comment="")
    (finding,) = services.review_complete(acting_user=reviewer, assessment=assessment)
    services.finding_update(
        acting_user=reviewer,
        finding=finding,
        title=_payload("title"),
        severity="medium",
        supplier_owner=_payload("owner"),
    )
    services.finding_respond(link=link, finding=finding, response=_payload("response"))
    assessment.refresh_from_db()
    return assessment


def _pdf_text(data: bytes) -> str:
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.split())


def _workbook(data: bytes) -> Any:
    return openpyxl.load_workbook(io.BytesIO(data))


def _xlsx_text(data: bytes) -> str:
    workbook = _workbook(data)
    values = [
        str(cell.value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    ]
    return " ".join(" ".join(values).split())


def _text(fmt: str, data: bytes) -> str:
    return _pdf_text(data) if fmt == "pdf" else _xlsx_text(data)


# -- Content ----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("state", STATES)
def test_the_content_follows_the_assessment_in_every_state(
    state: str, django_capture_on_commit_callbacks: Capture
) -> None:
    assessment = _in_state(
        make_organisation("Exempelby kommun"), state, django_capture_on_commit_callbacks
    )
    report = report_content(assessment, "en")

    assert report.organisation == "Exempelby kommun"
    assert report.supplier.startswith(assessment.supplier.name)
    assert report.contracts == tuple(assessment.contracts.values_list("service", flat=True))
    assert report.catalogue == f"Test catalogue {assessment.catalogue.version}"
    assert [q.label for q in report.questions] == ["T-BASE-01", "T-INC-01"]
    assert report.questions[1].text == INCIDENT_TEXT
    assert report.rules[1].startswith(RULE)
    assert (report.submitted_on is not None) == (state in ("submitted", "completed"))
    assert (report.completed_on is not None) == (state == "completed")
    if state == "draft":
        assert report.questions[0].answer == ""
    else:
        assert report.questions[0].answer == "Partly met"
        assert report.questions[0].description == _payload("description")
    if state == "completed":
        assert report.verdict == "approved_with_actions"
        assert report.reason == "1 ska-krav not met, each with a finding of low or medium severity."
        (finding,) = report.findings
        assert (finding.question, finding.severity, finding.status) == (
            "T-BASE-01",
            "Medium",
            "Remediated by the supplier",
        )
        assert finding.supplier_response == _payload("response")
        assert report.questions[0].evidence == (EVIDENCE,)
    else:
        assert (report.verdict, report.verdict_label) == ("", "")
        assert report.reason == "The review is not finished."
        assert report.findings == ()


@pytest.mark.django_db
def test_each_answer_says_how_it_counts_and_the_counts_add_up(
    django_capture_on_commit_callbacks: Capture,
) -> None:
    assessment = _in_state(make_organisation(), "completed", django_capture_on_commit_callbacks)
    report = report_content(assessment, "en")
    result = selectors.result(assessment)

    # Partly met and accepted is unmet; its finding is not yet verified, so it still counts.
    assert [q.counts_as for q in report.questions] == ["Not met", "Met"]
    assert (report.total.ska_met, report.total.ska_unmet, report.total.pending) == (1, 1, 0)
    assert (report.total.ska_met, report.total.ska_unmet) == (
        result.total.ska_met,
        result.total.ska_unmet,
    )
    assert [tally.area for tally in report.areas] == ["General"]
    assert report.total.area == "Total"
    # Once the reviewer verifies the fix, the answer counts as met and the verdict follows.
    finding = Finding.objects.get(assessment=assessment)
    services.finding_move(acting_user=make_user(), finding=finding, status="verified")
    report = report_content(assessment, "en")
    assert report.questions[0].counts_as == "Met, its findings verified or closed"
    assert (report.verdict, report.total.ska_met) == ("approved", 2)


@pytest.mark.django_db
def test_the_content_is_in_the_chosen_language(
    django_capture_on_commit_callbacks: Capture,
) -> None:
    assessment = _in_state(make_organisation(), "completed", django_capture_on_commit_callbacks)

    swedish = report_content(assessment, "sv")

    assert swedish.language == "sv"
    assert swedish.questions[1].text == "Leverantören ska rapportera inom 8 timmar."
    assert [tally.area for tally in swedish.areas] == ["Allmänt"]
    assert swedish.total.area == "Totalt"
    assert swedish.status == "Avslutad"
    assert swedish.catalogue.startswith("Testkatalog")
    assert translation.get_language() == "en"  # the caller's language is left alone


@pytest.mark.django_db
def test_building_the_content_costs_the_same_for_3_and_30_questions() -> None:
    organisation = make_organisation()
    document = document_store(
        acting_user=make_user(),
        organisation=organisation,
        upload=SimpleUploadedFile("underlag.pdf", b"%PDF-1.7 test"),
    )
    counts = []
    for size in (3, 30):
        make_catalogue(requirements=plain_requirements(size))
        assessment = make_assessment(organisation)
        for question in assessment.questions.all():
            question.evidence.add(document)
            Finding.objects.create(
                organisation=organisation,
                assessment=assessment,
                question=question,
                title="F",
                severity="low",
                required_action="Gör",
                deadline="2030-01-01",
            )
        assessment = Assessment.objects.get(pk=assessment.pk)  # nothing cached
        with CaptureQueriesContext(connection) as queries:
            report = report_content(assessment, "en")
        assert len(report.questions) == size
        assert all(q.evidence == ("underlag.pdf",) for q in report.questions)
        counts.append(len(queries))
    assert counts[0] == counts[1]


# -- Renderers --------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("fmt", ["pdf", "xlsx"])
def test_each_format_carries_the_report_in_every_state(
    state: str, fmt: str, django_capture_on_commit_callbacks: Capture
) -> None:
    assessment = _in_state(make_organisation(), state, django_capture_on_commit_callbacks)
    report = report_content(assessment, "en")
    render = render_report_pdf if fmt == "pdf" else render_report_xlsx

    text = _text(fmt, render(report))

    for expected in (assessment.title, assessment.supplier.name, RULE, INCIDENT_TEXT):
        assert expected in text
    if state == "draft":
        assert "Not answered" in text
        assert "The review is not finished." in text
    else:
        assert "Partly met" in text
    if state == "completed":
        assert "Approved with actions" in text
        assert "1 ska-krav not met, each with a finding of low or medium severity." in text
        assert "Remediated by the supplier" in text
        assert "Meet the requirement" not in text  # the reviewer's comment is the action
        assert "alert(1)" in text
    else:
        assert "No verdict yet." in text


@pytest.mark.django_db
def test_the_pdf_shows_the_derivation_in_order(
    django_capture_on_commit_callbacks: Capture,
) -> None:
    assessment = _in_state(make_organisation(), "completed", django_capture_on_commit_callbacks)
    data = render_report_pdf(report_content(assessment, "en"))
    text = _pdf_text(data)

    assert data.startswith(b"%PDF")
    verdict = text.index("Approved with actions – 1 ska-krav not met")
    rules = text.index("How the verdict is reached")
    table = text.index("General 1 1 0 0 0 0")
    total = text.index("Total 1 1 0 0 0 0")
    assert verdict < rules < table < total < text.index("Questions and answers")
    assert "Counts as Not met" in text
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert str(reader.root_object["/Lang"]) == "en"
    assert "/StructTreeRoot" in reader.root_object


@pytest.mark.django_db
def test_the_workbook_has_three_sheets_with_frozen_headers(
    django_capture_on_commit_callbacks: Capture,
) -> None:
    assessment = _in_state(make_organisation(), "completed", django_capture_on_commit_callbacks)
    workbook = _workbook(render_report_xlsx(report_content(assessment, "en")))

    assert workbook.sheetnames == ["Summary", "Questions", "Findings"]
    summary, questions, findings = workbook.worksheets
    assert (summary.freeze_panes, questions.freeze_panes, findings.freeze_panes) == (
        "A2",
        "B2",
        "B2",
    )
    for sheet in workbook.worksheets:
        assert all(cell.font.bold for cell in sheet[1] if cell.value is not None)
        assert sheet.column_dimensions["A"].width >= 8
        assert sheet.column_dimensions["B"].width >= 8
    rows = [[cell.value for cell in row] for row in summary.iter_rows()]
    assert rows[0][:2] == ["Assessment report", assessment.title]
    labels = {row[0]: row[1] for row in rows if row and row[0]}
    assert labels["Supplier"].startswith(assessment.supplier.name)
    assert labels["Status"] == "Completed"
    assert labels["Verdict"] == "Approved with actions"
    assert labels["Reason"] == "1 ska-krav not met, each with a finding of low or medium severity."
    assert labels["How the verdict is reached"].startswith("Approved: every ska-krav is met")
    table = next(index for index, row in enumerate(rows) if row[0] == "Area")
    assert table > [row[0] for row in rows].index("Verdict")
    assert rows[table][:3] == ["Area", "Ska-krav met", "Ska-krav not met"]
    assert all(cell.font.bold for cell in summary[table + 1])
    assert rows[table + 1] == ["General", 1, 1, 0, 0, 0, 0]  # numbers a spreadsheet can sum
    assert rows[table + 2] == ["Total", 1, 1, 0, 0, 0, 0]
    assert summary.max_row == table + 3
    header = [cell.value for cell in questions[1]]
    assert header[:6] == ["ID", "Area", "Requirement", "Ska/bör", "Question", "Answer"]
    incident = [cell.value for cell in questions[3]]
    assert incident[:6] == ["T-INC-01", "General", "Incident report", "ska", INCIDENT_TEXT, "Met"]
    assert incident[-1] == "Met"
    finding = [cell.value for cell in findings[2]]
    assert finding[0] == "T-BASE-01"
    deadline = findings.cell(row=2, column=6)
    assert deadline.is_date  # the deadline sorts as a date
    assert deadline.number_format == "yyyy-mm-dd"


@pytest.mark.django_db
def test_hostile_text_comes_out_inert(
    django_capture_on_commit_callbacks: Capture, monkeypatch: pytest.MonkeyPatch
) -> None:
    assessment = _in_state(make_organisation(), "completed", django_capture_on_commit_callbacks)
    report = report_content(assessment, "en")

    workbook = _workbook(render_report_xlsx(report))
    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    texts = [cell.value for cell in cells if isinstance(cell.value, str)]
    assert not [text for text in texts if text.lstrip(" ").startswith(("=", "+", "-", "@"))]
    for field in ("description", "comment", "title", "owner", "response"):
        assert f"'{_payload(field)}" in texts
    assert f"'{EVIDENCE}" in texts

    rendered: list[str] = []

    def keep(html: str) -> bytes:
        rendered.append(html)
        return html_to_pdf(html)

    monkeypatch.setattr(report_pdf, "html_to_pdf", keep)
    text = _pdf_text(render_report_pdf(report))
    (html,) = rendered
    assert "<script" not in html
    assert "<img" not in html
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 5
    assert "=cmd()&lt;img src=x onerror=alert(2)&gt;.pdf" in html
    assert "<script>alert(1)</script>" in text  # shown as the text it is


# -- The download -----------------------------------------------------------------------------


def _url(assessment: Assessment, fmt: str, org: str = "org-a") -> str:
    return reverse("assessment-report", args=[org, assessment.pk, fmt])


@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [
        ("pdf", "application/pdf"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ],
)
def test_a_reader_downloads_the_report(
    personas: Personas, fmt: str, content_type: str, django_capture_on_commit_callbacks: Capture
) -> None:
    assessment = _in_state(personas.org_a, "completed", django_capture_on_commit_callbacks)
    events = AuditEvent.objects.count()

    response = personas.client(personas.reader_a).get(_url(assessment, fmt), {"lang": "en"})

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert re.fullmatch(
        rf'attachment; filename="assessment-report-supplier-\d+-bedomning-\d+\.{fmt}"',
        response["Content-Disposition"],
    )
    assert "Approved with actions" in _text(fmt, response.content)
    # Like the procurement documents, a download is a read and is not in the audit log.
    assert AuditEvent.objects.count() == events


def test_the_language_is_asked_for_or_the_persons_own(personas: Personas) -> None:
    assessment = make_assessment(personas.org_a)
    client = personas.client(personas.reader_a)

    swedish = _xlsx_text(client.get(_url(assessment, "xlsx")).content)
    english = _xlsx_text(client.get(_url(assessment, "xlsx"), {"lang": "en"}).content)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    own = client.get(_url(assessment, "xlsx"))
    chosen = client.get(_url(assessment, "xlsx"), {"lang": "sv"})

    assert "Leverantören ska rapportera inom 8 timmar." in swedish
    assert "Totalt" in swedish
    assert INCIDENT_TEXT in english
    assert "Total" in english.split()
    assert INCIDENT_TEXT in _xlsx_text(own.content)
    assert own["Content-Disposition"].startswith('attachment; filename="assessment-report-')
    assert "Totalt" in _xlsx_text(chosen.content)


def test_an_unknown_format_is_not_found(personas: Personas) -> None:
    assessment = make_assessment(personas.org_a)
    client = personas.client(personas.admin_a)

    for fmt in ("docx", "csv", "PDF", "pdf.exe"):
        assert client.get(_url(assessment, fmt)).status_code == 404
    assert client.post(_url(assessment, "pdf")).status_code == 405


def test_other_organisations_and_outsiders_get_404(personas: Personas) -> None:
    assessment = make_assessment(personas.org_a)

    for user in (personas.coordinator_b, personas.outsider):
        client = personas.client(user)
        for fmt in ("pdf", "xlsx"):
            assert client.get(_url(assessment, fmt)).status_code == 404
            assert client.get(_url(assessment, fmt, org="org-b")).status_code == 404
    # Nor can A reach B's assessment through its own organisation.
    foreign = make_assessment(personas.org_b)
    client = personas.client(personas.admin_a)
    assert client.get(_url(foreign, "pdf")).status_code == 404


def test_a_file_name_cannot_be_smuggled_in(personas: Personas) -> None:
    make_catalogue()
    supplier = make_supplier('Evil"; filename="x.exe\r\nSet-Cookie: a=b')
    contract = make_contract(
        personas.org_a, supplier, assets=[make_asset(personas.org_a, confidentiality=2)]
    )
    assessment = services.assessment_create(
        acting_user=personas.admin_a,
        organisation=personas.org_a,
        contracts=[contract],
        title="../../Åtgärder",
    )

    response = personas.client(personas.reader_a).get(_url(assessment, "pdf"), {"lang": "en"})

    assert response["Content-Disposition"] == (
        'attachment; filename="assessment-report-evil-filenamexexe-set-cookie-ab-atgarder.pdf"'
    )


def test_the_detail_page_links_the_reports(personas: Personas) -> None:
    assessment = make_assessment(personas.org_a)

    page = personas.client(personas.reader_a).get(
        reverse("assessment-detail", args=["org-a", assessment.pk])
    )

    content = page.content.decode()
    for fmt in ("pdf", "xlsx"):
        for language in ("sv", "en"):
            assert f"{_url(assessment, fmt)}?lang={language}" in content
