"""The questionnaire as Excel: download, answer offline, upload; every bad file refused whole."""

from __future__ import annotations

import io
import time
import uuid
import zipfile
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from tillit.assessments import services, spreadsheet
from tillit.assessments.models import Answer, Assessment, PortalLink
from tillit.assessments.spreadsheet import UploadResult, questionnaire_upload, questionnaire_xlsx
from tillit.assessments.views.portal import SESSION_KEY
from tillit.audit.models import AuditEvent
from tillit.conftest import Personas
from tillit.imports.tests.files import rewrite_zip
from tillit.imports.tests.test_parsing import BILLION_LAUGHS
from tillit.testing import make_assessment, make_organisation, make_user

pytestmark = pytest.mark.django_db

COLUMN = {column.key: number for number, column in enumerate(spreadsheet.COLUMNS, start=1)}
FORMULA_LIKE = '=HYPERLINK("http://evil.test","klicka")'


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Problems name columns in the active language; English keeps the expectations plain."""
    with translation.override("en"):
        yield


@pytest.fixture
def assessment() -> Assessment:
    """Two questions from the catalogue and two added by hand, the last formula-like."""
    assessment = make_assessment(make_organisation("Kommunen"), confidentiality=3)
    for text in ("Beskriv er säkerhetskopiering.", FORMULA_LIKE):
        services.question_add(
            acting_user=make_user(), assessment=assessment, area="", text=text, mandatory=False
        )
    return assessment


@pytest.fixture
def link(assessment: Assessment) -> PortalLink:
    link, _token = services.link_issue(
        acting_user=make_user(),
        assessment=assessment,
        contact_name="Kim",
        contact_email="kim@leverantor.test",
    )
    return link


def _sheet(content: bytes) -> tuple[Workbook, Worksheet]:
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook.worksheets[0]
    assert isinstance(sheet, Worksheet)
    return workbook, sheet


def _bytes(workbook: Workbook) -> bytes:
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _upload(link: PortalLink, content: bytes, name: str = "svar.xlsx") -> UploadResult:
    return questionnaire_upload(link, SimpleUploadedFile(name, content))


def _where(result: UploadResult) -> list[tuple[int | None, str | None, str]]:
    return [(problem.row, problem.column, problem.code) for problem in result.problems]


def _state(assessment: Assessment) -> list[tuple[str, str, int]]:
    return list(assessment.questions.values_list("answer", "description", "version"))


def _answered(assessment: Assessment) -> dict[str, tuple[str, str]]:
    return {q.label: (q.answer, q.description) for q in assessment.questions.all()}


def _fill(sheet: Worksheet, row: int, answer: str, description: str = "") -> None:
    sheet.cell(row=row, column=COLUMN["answer"]).value = answer
    sheet.cell(row=row, column=COLUMN["description"]).value = description


# -- Download ---------------------------------------------------------------------------------


def test_the_download_has_a_row_per_question_and_only_the_answers_unlocked(
    assessment: Assessment,
) -> None:
    workbook, sheet = _sheet(questionnaire_xlsx(assessment, "en"))
    questions = list(assessment.questions.order_by("position"))
    assert [cell.value for cell in sheet[1]] == [
        "question_id",
        "version",
        "ID",
        "Area",
        "Title",
        "Requirement",
        "Ska/bör",
        "Answer",
        "How you meet it",
    ]
    assert sheet.max_row == len(questions) + 1
    first = questions[0]
    assert sheet.cell(row=2, column=COLUMN["question_id"]).value == str(first.pk)
    assert sheet.cell(row=2, column=COLUMN["label"]).value == "T-BASE-01"
    assert sheet.cell(row=2, column=COLUMN["text"]).value == "Do the basics."
    assert sheet.column_dimensions["A"].hidden
    assert sheet.column_dimensions["B"].hidden
    assert sheet.protection.sheet
    assert workbook.security is not None
    assert workbook.security.lockStructure
    for row in sheet.iter_rows(min_row=2):
        unlocked = {cell.column for cell in row if not cell.protection.locked}
        assert unlocked == {COLUMN["answer"], COLUMN["description"]}
    # The drop-down offers the answers in the file's language, from the hidden sheet.
    (validation,) = sheet.data_validations.dataValidation
    assert validation.type == "list"
    assert str(validation.sqref) == f"H2:H{len(questions) + 1}"
    choices = workbook[spreadsheet.CHOICES_SHEET]
    assert choices.sheet_state == "hidden"
    assert [row[0].value for row in choices.iter_rows()] == [
        str(label) for _value, label in Answer.choices
    ]
    # Text that a spreadsheet would run is written as text.
    last = sheet.cell(row=len(questions) + 1, column=COLUMN["text"]).value
    assert last == f"'{FORMULA_LIKE}"


def test_the_download_is_in_the_chosen_language(assessment: Assessment) -> None:
    _workbook, sheet = _sheet(questionnaire_xlsx(assessment, "sv"))
    assert sheet.cell(row=2, column=COLUMN["text"]).value == "Leverantören ska göra grunderna."
    assert sheet.cell(row=2, column=COLUMN["title"]).value == "Grundkrav"
    with translation.override("sv"):
        assert sheet.cell(row=1, column=COLUMN["answer"]).value == translation.gettext("Answer")


# -- Round trip -------------------------------------------------------------------------------


def test_answers_filled_in_excel_are_saved_and_audited(
    assessment: Assessment, link: PortalLink
) -> None:
    workbook, sheet = _sheet(questionnaire_xlsx(assessment, "sv"))
    with translation.override("sv"):
        swedish_met = str(Answer.MET.label)
    _fill(sheet, 2, swedish_met, "Vi gör grunderna.\nSe bilaga 1.")
    _fill(sheet, 3, "Partly met", "Delvis.")  # English labels are understood too
    _fill(sheet, 4, "NA")  # and the values, in any case
    before = AuditEvent.objects.filter(action="portal.answer").count()

    result = _upload(link, _bytes(workbook))

    assert result.ok, result.problems
    assert (result.saved, result.unchanged) == (3, 1)
    answers = _answered(assessment)
    assert answers["T-BASE-01"] == (Answer.MET, "Vi gör grunderna.\nSe bilaga 1.")
    assert answers["T-INC-01"] == (Answer.PARTIAL, "Delvis.")
    assert list(answers.values())[2] == (Answer.NOT_APPLICABLE, "")
    assert list(answers.values())[3] == ("", "")  # the empty row is left as it was
    events = AuditEvent.objects.filter(action="portal.answer")
    assert events.count() == before + 3
    assert {event.actor_label for event in events} == {"portal: kim@leverantor.test"}
    assert assessment.questions.get(requirement_key="T-BASE-01").answered_by == link.contact_email


def test_uploading_the_same_file_again_changes_nothing(
    assessment: Assessment, link: PortalLink
) -> None:
    first = assessment.questions.order_by("position").first()
    assert first is not None
    # A description a spreadsheet would run comes back as written.
    services.answer_save(link=link, question=first, version=0, answer="met", description="-inget")
    workbook, sheet = _sheet(questionnaire_xlsx(assessment, "en"))
    assert sheet.cell(row=2, column=COLUMN["description"]).value == "'-inget"
    _fill(sheet, 3, "Not met", "Nej.")
    content = _bytes(workbook)
    assert _upload(link, content).saved == 1
    state = _state(assessment)

    again = _upload(link, content)

    assert (again.ok, again.saved) == (True, 0)
    assert _state(assessment) == state
    assert _answered(assessment)["T-BASE-01"] == ("met", "-inget")


@pytest.mark.parametrize(
    "description",
    [
        "x" * 40_000,  # Excel holds 32,767 characters a cell: it came back cut
        "'=1+1",  # read as "=1+1": a quote taken for the one the download adds
        "Från Word\x0bny rad",  # a character XML forbids, blanked in the download
        "rad1\r\nrad2",  # read as "rad1\nrad2"
    ],
    ids=["long", "quote", "control", "crlf"],
)
def test_a_description_downloaded_and_uploaded_unchanged_is_kept_as_it_was(
    assessment: Assessment, link: PortalLink, description: str
) -> None:
    first = assessment.questions.order_by("position").first()
    assert first is not None
    services.answer_save(
        link=link, question=first, version=0, answer="met", description=description
    )
    result = _upload(link, questionnaire_xlsx(assessment, "en"))
    assert (result.ok, result.saved) == (True, 0)
    first.refresh_from_db()
    assert first.description == description


def test_an_empty_answer_cell_keeps_the_answer_in_tillit(
    assessment: Assessment, link: PortalLink
) -> None:
    first = assessment.questions.order_by("position").first()
    assert first is not None
    services.answer_save(link=link, question=first, version=0, answer="met", description="Ja.")
    workbook, sheet = _sheet(questionnaire_xlsx(assessment, "en"))
    _fill(sheet, 2, "", "Ja.")
    assert _upload(link, _bytes(workbook)).ok
    assert _answered(assessment)["T-BASE-01"] == ("met", "Ja.")


# -- Bad input: every problem named, nothing saved ----------------------------------------------

Change = Callable[[Worksheet, Assessment], None]


def _other_id(sheet: Worksheet, _assessment: Assessment) -> None:
    sheet.cell(row=2, column=COLUMN["question_id"]).value = str(uuid.uuid4())


def _other_label(sheet: Worksheet, _assessment: Assessment) -> None:
    sheet.cell(row=2, column=COLUMN["label"]).value = "T-INC-01"


def _other_text(sheet: Worksheet, _assessment: Assessment) -> None:
    sheet.cell(row=3, column=COLUMN["text"]).value = "Leverantören får göra som den vill."


def _other_obligation(sheet: Worksheet, _assessment: Assessment) -> None:
    cell = sheet.cell(row=2, column=COLUMN["obligation"])
    cell.value = "bör" if cell.value == "ska" else "ska"


def _unknown_answer(sheet: Worksheet, _assessment: Assessment) -> None:
    sheet.cell(row=3, column=COLUMN["answer"]).value = "Kanske"


def _formula(sheet: Worksheet, _assessment: Assessment) -> None:
    sheet.cell(row=3, column=COLUMN["answer"]).value = '=IF(1,"met","na")'


def _duplicate(sheet: Worksheet, _assessment: Assessment) -> None:
    sheet.append([cell.value for cell in sheet[2]])


def _removed_row(sheet: Worksheet, _assessment: Assessment) -> None:
    sheet.delete_rows(3)


def _removed_column(sheet: Worksheet, _assessment: Assessment) -> None:
    sheet.delete_cols(COLUMN["answer"])


def _description_only(sheet: Worksheet, _assessment: Assessment) -> None:
    _fill(sheet, 3, "", "Vi har en plan.")


def _bad_version(sheet: Worksheet, _assessment: Assessment) -> None:
    sheet.cell(row=3, column=COLUMN["version"]).value = "ny"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (_other_id, [(2, "question_id", "unknown_question"), (None, None, "missing_rows")]),
        (_other_label, [(2, "ID", "locked_changed")]),
        (_other_text, [(3, "Requirement", "locked_changed")]),
        (_other_obligation, [(2, "Ska/bör", "locked_changed")]),
        (_unknown_answer, [(3, "Answer", "answer")]),
        (_formula, [(3, "Answer", "formula")]),
        (_duplicate, [(6, "question_id", "duplicate")]),
        (_removed_row, [(None, None, "missing_rows")]),
        (_removed_column, [(1, "Answer", "missing_column")]),
        (_description_only, [(3, "Answer", "no_answer")]),
        (_bad_version, [(3, "version", "version")]),
    ],
)
def test_a_changed_workbook_is_refused_whole(
    assessment: Assessment, link: PortalLink, change: Change, expected: list[Any]
) -> None:
    workbook, sheet = _sheet(questionnaire_xlsx(assessment, "sv"))
    for row in range(2, sheet.max_row + 1):
        _fill(sheet, row, "met", "Uppfyllt.")
    change(sheet, assessment)
    state = _state(assessment)
    audit = AuditEvent.objects.count()

    result = _upload(link, _bytes(workbook))

    assert _where(result) == expected
    assert all(problem.message for problem in result.problems)
    assert _state(assessment) == state
    assert AuditEvent.objects.count() == audit


def _xlsx(assessment: Assessment) -> bytes:
    return questionnaire_xlsx(assessment, "en")


def _bomb(assessment: Assessment) -> bytes:
    return rewrite_zip(_xlsx(assessment), {"xl/worksheets/sheet1.xml": BILLION_LAUGHS})


def _linked(assessment: Assessment) -> bytes:
    link = b'<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'
    return rewrite_zip(_xlsx(assessment), {"xl/externalLinks/externalLink1.xml": link})


def _zip_not_xlsx(_assessment: Assessment) -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("word/document.xml", b"<document/>")
    return output.getvalue()


@pytest.mark.parametrize(
    ("content", "name", "code"),
    [
        (lambda _a: b"%PDF-1.7 not a workbook", "svar.xlsx", "not_xlsx"),
        (_zip_not_xlsx, "svar.xlsx", "not_xlsx"),
        (_xlsx, "svar.csv", "file_type"),
        (_xlsx, "svar", "file_type"),
        (_bomb, "svar.xlsx", "xml_entities"),
        (_linked, "svar.xlsx", "external_link"),
    ],
)
def test_a_file_that_is_not_a_safe_workbook_is_refused(
    assessment: Assessment,
    link: PortalLink,
    content: Callable[[Assessment], bytes],
    name: str,
    code: str,
) -> None:
    state = _state(assessment)
    result = _upload(link, content(assessment), name)
    assert _where(result) == [(None, None, code)]
    assert _state(assessment) == state


def test_a_file_too_large_is_refused_unread(
    assessment: Assessment, link: PortalLink, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(spreadsheet, "MAX_UPLOAD_BYTES", 100)
    monkeypatch.setattr(spreadsheet, "read_table", None)  # never reached
    assert _where(_upload(link, _xlsx(assessment))) == [(None, None, "too_large")]


def test_answers_to_a_submitted_assessment_are_refused(
    assessment: Assessment, link: PortalLink
) -> None:
    workbook, sheet = _sheet(questionnaire_xlsx(assessment, "en"))
    for row in range(2, sheet.max_row + 1):
        _fill(sheet, row, "met")
    content = _bytes(workbook)
    assert _upload(link, content).ok
    services.assessment_submit(link=link)
    for row in range(2, sheet.max_row + 1):
        _fill(sheet, row, "Not met", "Ändrat efter inskickning.")
    state = _state(assessment)

    result = _upload(link, _bytes(workbook))

    assert _where(result) == [(None, None, "not_open")]
    assert "submitted" in result.problems[0].message
    assert _state(assessment) == state


def test_a_row_whose_answer_was_changed_in_tillit_after_the_download_is_refused(
    assessment: Assessment, link: PortalLink
) -> None:
    workbook, sheet = _sheet(questionnaire_xlsx(assessment, "en"))
    first = assessment.questions.order_by("position").first()
    assert first is not None
    # A colleague answers in the web form while the file is being filled in.
    services.answer_save(link=link, question=first, version=0, answer="met", description="Ja.")
    _fill(sheet, 2, "Not met", "Nej.")
    _fill(sheet, 3, "Met", "Ja.")
    state = _state(assessment)

    result = _upload(link, _bytes(workbook))

    assert _where(result) == [(2, "Answer", "changed_in_tillit")]
    assert "kim@leverantor.test" in result.problems[0].message
    assert _state(assessment) == state
    # Clearing the row's answer keeps the colleague's answer and saves the rest.
    _fill(sheet, 2, "")
    assert _upload(link, _bytes(workbook)).saved == 1
    assert _answered(assessment)["T-BASE-01"] == ("met", "Ja.")
    assert _answered(assessment)["T-INC-01"] == ("met", "Ja.")


def test_an_answer_saved_between_the_check_and_the_write_undoes_the_whole_upload(
    assessment: Assessment, link: PortalLink, monkeypatch: pytest.MonkeyPatch
) -> None:
    workbook, sheet = _sheet(questionnaire_xlsx(assessment, "en"))
    for row in range(2, sheet.max_row + 1):
        _fill(sheet, row, "met")
    save = services.answer_save
    calls = 0

    def save_after_a_colleague(**kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == 2:  # someone saves this answer in the web form just before
            question = kwargs["question"]
            save(
                link=link, question=question, version=question.version, answer="na", description=""
            )
        return save(**kwargs)

    monkeypatch.setattr(services, "answer_save", save_after_a_colleague)
    state = _state(assessment)

    result = _upload(link, _bytes(workbook))

    assert _where(result) == [(3, "Answer", "changed_in_tillit")]
    assert _state(assessment) == state  # the first row's answer and the colleague's are undone


# -- The portal's pages -----------------------------------------------------------------------


def _portal_client(link: PortalLink) -> Client:
    """A browser that has entered the link's code, with the pages in English."""
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    session = client.session
    session[SESSION_KEY] = {str(link.pk): time.time() + 3600}
    session.save()
    return client


def _portal_url(name: str, token: str) -> str:
    return reverse(name, kwargs={"token": token})


@pytest.fixture
def issued(assessment: Assessment) -> tuple[PortalLink, str]:
    return services.link_issue(
        acting_user=make_user(),
        assessment=assessment,
        contact_name="Kim",
        contact_email="kim@leverantor.test",
    )


def test_the_portal_offers_the_workbook_and_takes_it_back(
    assessment: Assessment, issued: tuple[PortalLink, str]
) -> None:
    link, token = issued
    client = _portal_client(link)
    page = client.get(_portal_url("portal-questionnaire", token)).content.decode()
    assert _portal_url("portal-questionnaire-xlsx", token) in page
    assert f'action="{_portal_url("portal-questionnaire-upload", token)}"' in page

    download = client.get(_portal_url("portal-questionnaire-xlsx", token) + "?lang=en")
    assert download.status_code == 200
    assert download["Content-Type"] == spreadsheet_content_type()
    assert download["Cache-Control"] == "no-store"
    assert AuditEvent.objects.filter(action="request.portal.questionnaire_download").exists()
    workbook, sheet = _sheet(download.content)
    _fill(sheet, 2, "Met", "Ja.")

    form = client.get(_portal_url("portal-questionnaire-upload", token))
    assert form.status_code == 200
    upload = SimpleUploadedFile("svar.xlsx", _bytes(workbook))
    saved = client.post(_portal_url("portal-questionnaire-upload", token), {"file": upload})
    assert saved.status_code == 200
    assert "1 answer was saved" in saved.content.decode()
    assert _answered(assessment)["T-BASE-01"] == ("met", "Ja.")


def test_the_portal_lists_every_problem_with_row_and_column(
    assessment: Assessment, issued: tuple[PortalLink, str]
) -> None:
    link, token = issued
    workbook, sheet = _sheet(questionnaire_xlsx(assessment, "en"))
    _fill(sheet, 2, "Kanske")
    sheet.cell(row=3, column=COLUMN["text"]).value = "Annat krav"
    upload = SimpleUploadedFile("svar.xlsx", _bytes(workbook))
    state = _state(assessment)

    response = _portal_client(link).post(
        _portal_url("portal-questionnaire-upload", token), {"file": upload}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "The file has 2 problems. No answer was saved" in page
    assert "<td>2</td>" in page
    assert "<td>Answer</td>" in page
    assert "<td>3</td>" in page
    assert "<td>Requirement</td>" in page
    assert _state(assessment) == state


def test_the_portal_pages_need_the_code(issued: tuple[PortalLink, str]) -> None:
    _link, token = issued
    client = Client()
    for name in ("portal-questionnaire-xlsx", "portal-questionnaire-upload"):
        response = client.get(_portal_url(name, token))
        assert response["Location"] == _portal_url("portal-entry", token)


def test_a_submitted_assessment_offers_the_download_but_no_upload(
    assessment: Assessment, issued: tuple[PortalLink, str]
) -> None:
    link, token = issued
    for question in assessment.questions.all():
        services.answer_save(link=link, question=question, version=0, answer="met", description="")
    services.assessment_submit(link=link)
    client = _portal_client(link)
    page = client.get(_portal_url("portal-questionnaire", token)).content.decode()
    assert _portal_url("portal-questionnaire-xlsx", token) in page
    assert _portal_url("portal-questionnaire-upload", token) not in page
    upload_page = client.get(_portal_url("portal-questionnaire-upload", token)).content.decode()
    assert 'type="file"' not in upload_page
    upload = SimpleUploadedFile("svar.xlsx", _xlsx(assessment))
    refused = client.post(_portal_url("portal-questionnaire-upload", token), {"file": upload})
    assert refused.status_code == 400
    assert "submitted" in refused.content.decode()


def spreadsheet_content_type() -> str:
    return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# -- Staff ------------------------------------------------------------------------------------


def test_members_download_the_questionnaire_and_others_get_404(personas: Personas) -> None:
    assessment = make_assessment(personas.org_a)
    url = reverse("assessment-xlsx", args=["org-a", assessment.pk])
    for user in (personas.admin_a, personas.reader_a):
        response = personas.client(user).get(url + "?lang=en")
        assert response.status_code == 200
        assert response["Content-Type"] == spreadsheet_content_type()
        _workbook, sheet = _sheet(response.content)
        assert sheet.cell(row=1, column=COLUMN["text"]).value == "Requirement"
    for user in (personas.coordinator_b, personas.outsider):
        assert personas.client(user).get(url).status_code == 404
    detail = personas.client(personas.reader_a).get(
        reverse("assessment-detail", args=["org-a", assessment.pk])
    )
    assert url in detail.content.decode()
