"""The questionnaire as an Excel workbook and back, so a supplier can answer offline.

The workbook has one sheet with a header row and a row per question: two hidden columns with the
question's identifier and the version of its answer, then the requirement (locked) and the answer
and description (unlocked; the answer with a drop-down of the answers). A hidden second sheet
holds the drop-down's list. The sheet and the workbook's structure are protected *without a
password*: the protection guards against slips (typing over a requirement, sorting or deleting
rows), not against a determined person. What protects Tillit is the upload, which compares every
locked cell with the question and refuses the whole file if any differs.

An upload is read with the imports' parser (defusedxml, no formulas, no links to other workbooks,
size limits), every row is checked, and only a file without a single problem is written: all its
answers in one transaction, each through services.answer_save (so each is audited as an answer
from the web form is). An empty answer cell leaves the question as it is in Tillit.

Someone may answer in the web form while a colleague fills in the file. Each row carries the
version of the answer when the file was made; a row that would change an answer someone has saved
in Tillit since then is refused, naming who and when, rather than overwriting an answer the file's
author never saw. Clearing the row's answer cell keeps Tillit's answer; downloading the file
again shows it. A row that says what Tillit already holds is left alone whatever its version, so
uploading the same file twice is harmless.
"""

from __future__ import annotations

import dataclasses
import io
import uuid
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from tillit.assessments import services
from tillit.assessments.models import Answer, Assessment, PortalLink, Question
from tillit.catalogue.models import localised
from tillit.imports.parsing import FileRefusedError, Table, read_table
from tillit.imports.problems import Problem
from tillit.lib.spreadsheet import safe_cell

LANGUAGES = ("sv", "en")
# A questionnaire of a few hundred questions is well below 1 MB.
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# The hidden sheet with the drop-down's answers; the workbook's structure is locked, so nobody
# sees it, and its name is Tillit's, in every language.
CHOICES_SHEET = "tillit"
UNLOCKED_FILL = PatternFill("solid", start_color="FFF8E1")


@dataclass(frozen=True)
class Column:
    key: str
    # The hidden columns carry Tillit's check data under fixed names, the others a header in the
    # file's language.
    header: str | Promise
    width: int
    locked: bool = True
    hidden: bool = False
    wrap: bool = False


COLUMNS = (
    Column("question_id", "question_id", 38, hidden=True),
    Column("version", "version", 8, hidden=True),
    Column("label", gettext_lazy("ID"), 14),
    Column("area", gettext_lazy("Area"), 24, wrap=True),
    Column("title", gettext_lazy("Title"), 30, wrap=True),
    Column("text", gettext_lazy("Requirement"), 60, wrap=True),
    Column("obligation", gettext_lazy("Ska/bör"), 9),
    Column("answer", gettext_lazy("Answer"), 20, locked=False),
    Column("description", gettext_lazy("How you meet it"), 60, locked=False, wrap=True),
)
LOCKED_TEXT = ("label", "area", "title", "text", "obligation")


def _locked_text(question: Question, language: str) -> dict[str, str]:
    """What the locked columns show of a question, in one language."""
    with translation.override(language):
        obligation = _("ska") if question.mandatory else _("bör")
    return {
        "label": question.label,
        "area": localised(question.area, language),
        "title": localised(question.title, language),
        "text": localised(question.text, language),
        "obligation": obligation,
    }


# -- Download ---------------------------------------------------------------------------------


def questionnaire_xlsx(assessment: Assessment, language: str) -> bytes:
    """The questionnaire with the current answers, in Swedish or English."""
    with translation.override(language):
        workbook = Workbook()
        workbook.properties.title = safe_cell(assessment.title)
        workbook.properties.language = language
        workbook.remove(workbook.worksheets[0])  # a named sheet instead, first: the one read back
        sheet = workbook.create_sheet(_("Questionnaire"))
        sheet.append([safe_cell(str(column.header)) for column in COLUMNS])
        questions = list(assessment.questions.order_by("position"))
        for question in questions:
            sheet.append(_row(question, language))
        _format(sheet)
        _answer_list(workbook, sheet, len(questions))
        workbook.security = WorkbookProtection(lockStructure=True)
        buffer = io.BytesIO()
        workbook.save(buffer)
    return buffer.getvalue()


def _row(question: Question, language: str) -> list[str | int]:
    values: dict[str, str | int] = {
        "question_id": str(question.pk),
        "version": question.version,
        **_locked_text(question, language),
        "answer": str(Answer(question.answer).label) if question.answer else "",
        "description": question.description,
    }
    return [
        safe_cell(value) if isinstance(value, str) else value
        for value in (values[column.key] for column in COLUMNS)
    ]


def _format(sheet: Worksheet) -> None:
    for index, column in enumerate(COLUMNS, start=1):
        dimension = sheet.column_dimensions[get_column_letter(index)]
        dimension.width = column.width
        dimension.hidden = column.hidden
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in sheet.iter_rows(min_row=2):
        for cell, column in zip(row, COLUMNS, strict=True):
            cell.alignment = Alignment(wrap_text=column.wrap, vertical="top")
            if not column.locked:
                cell.protection = Protection(locked=False)
                cell.fill = UNLOCKED_FILL
    sheet.freeze_panes = "D2"  # the header and the requirement's ID stay in view
    sheet.protection.sheet = True  # no password: see the module's docstring
    sheet.protection.formatRows = False  # rows may be made taller, for long descriptions


def _answer_list(workbook: Workbook, sheet: Worksheet, rows: int) -> None:
    choices = workbook.create_sheet(CHOICES_SHEET)
    labels = [str(label) for _value, label in Answer.choices]
    for label in labels:
        choices.append([safe_cell(label)])
    choices.sheet_state = "hidden"
    choices.protection.sheet = True
    if not rows:
        return
    validation = DataValidation(
        type="list",
        formula1=f"{CHOICES_SHEET}!$A$1:$A${len(labels)}",
        allow_blank=True,
        showErrorMessage=True,
        error=_("Choose one of the answers."),
    )
    sheet.add_data_validation(validation)
    letter = get_column_letter(_index("answer") + 1)
    validation.add(f"{letter}2:{letter}{rows + 1}")


def _index(key: str) -> int:
    return next(index for index, column in enumerate(COLUMNS) if column.key == key)


# -- Upload -----------------------------------------------------------------------------------


@dataclass
class UploadResult:
    """Every problem found (then nothing was written), or how many answers were saved."""

    problems: list[Problem] = field(default_factory=list)
    saved: int = 0
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class _Change:
    row: int
    question: Question
    answer: str
    description: str


def questionnaire_upload(link: PortalLink, upload: UploadedFile) -> UploadResult:
    """Check the uploaded questionnaire row by row and save its answers: all, or none."""
    closed = _closed(Assessment.objects.get(pk=link.assessment_id))
    if closed:
        return UploadResult([closed])
    try:
        table = _read(upload)
    except FileRefusedError as exc:
        return UploadResult([_named(problem) for problem in exc.problems])
    with transaction.atomic():
        # The lock answer_save takes: saves from the web form wait until this upload is done, so
        # the versions checked are the versions written over.
        assessment = Assessment.objects.select_for_update().get(pk=link.assessment_id)
        closed = _closed(assessment)
        if closed:
            return UploadResult([closed])
        check = _Check({q.pk: q for q in assessment.questions.order_by("position")})
        check.table(table)
        if check.problems:
            return UploadResult(check.problems)
        for change in check.changes:
            try:
                services.answer_save(
                    link=link,
                    question=change.question,
                    version=change.question.version,
                    answer=change.answer,
                    description=change.description,
                )
            except services.EditConflictError as exc:
                # Saved from the web form between the check and this write (a database without
                # row locks, such as SQLite): nothing of the file is kept.
                transaction.set_rollback(True)
                return UploadResult([check.conflict(change.row, exc.question)])
    return UploadResult(saved=len(check.changes), unchanged=len(check.seen) - len(check.changes))


def _closed(assessment: Assessment) -> Problem | None:
    try:
        # The portal's own rule and message for answers to an assessment that is not open.
        services._check_editable(assessment)
    except ValidationError as exc:
        return Problem(None, None, " ".join(exc.messages), "not_open")
    return None


def _refused(message: str, code: str) -> FileRefusedError:
    return FileRefusedError([Problem(None, None, message, code)])


def _read(upload: UploadedFile) -> Table:
    if not (upload.name or "").lower().endswith(".xlsx"):
        raise _refused(
            _("Upload the questionnaire as the Excel workbook (.xlsx) downloaded from Tillit."),
            "file_type",
        )
    too_large = _refused(
        _("The file is larger than %(size)s MB, far larger than a questionnaire.")
        % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)},
        "too_large",
    )
    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        raise too_large
    content = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(content) > MAX_UPLOAD_BYTES:
        raise too_large
    return read_table(content, "questionnaire.xlsx")


def _headers() -> dict[str, str]:
    """Each column's header in either language, lower-case as the parser gives it, to its key."""
    names: dict[str, str] = {}
    for language in LANGUAGES:
        with translation.override(language):
            names |= {str(column.header).lower(): column.key for column in COLUMNS}
    return names


def _shown(key: str) -> str:
    """A column as named to the person: its header in the active language."""
    return str(COLUMNS[_index(key)].header)


def _named(problem: Problem) -> Problem:
    """The parser's problem with the column named as in the questionnaire, not lower-case."""
    key = _headers().get(problem.column or "")
    return dataclasses.replace(problem, column=_shown(key)) if key else problem


def _normal(text: str) -> str:
    return " ".join(text.split())


EXCEL_CELL = 32_767  # characters a cell holds; openpyxl cuts longer text when it writes


def _description(cell: str, stored: str) -> str:
    """The description a row gives: the stored one where the cell holds it as the download
    did (quoted, blanked, cut at Excel's limit, and read back), so that a row left as it was
    changes nothing; else the cell's text as the supplier wrote it."""
    return stored if cell == safe_cell(stored)[:EXCEL_CELL].strip() else _unquoted(cell)


def _unquoted(text: str) -> str:
    """Text as written before safe_cell quoted it (a description downloaded as "'=…")."""
    text = text.replace("\r\n", "\n")
    return text[1:] if text.startswith("'") and safe_cell(text[1:]) == text else text


def _short(text: str, length: int = 80) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def _answers() -> dict[str, str]:
    """The values and the labels in both languages, case-folded, to the answer."""
    answers = {value: value for value in Answer.values}
    for language in LANGUAGES:
        with translation.override(language):
            answers |= {str(label).casefold(): value for value, label in Answer.choices}
    return answers


class _Check:
    """Checks the rows of one file against the questions, collecting problems and changes."""

    def __init__(self, questions: dict[uuid.UUID, Question]) -> None:
        self.questions = questions
        self.answers = _answers()
        self.positions: dict[str, int] = {}
        self.problems: list[Problem] = []
        self.changes: list[_Change] = []
        self.seen: dict[uuid.UUID, int] = {}

    def problem(self, row: int | None, key: str | None, message: str, code: str) -> None:
        self.problems.append(Problem(row, _shown(key) if key else None, message, code))

    def table(self, table: Table) -> None:
        names = _headers()
        for position, header in enumerate(table.headers):
            key = names.get(header)
            if key and key not in self.positions:
                self.positions[key] = position
        missing = [column.key for column in COLUMNS if column.key not in self.positions]
        for key in missing:
            message = _("The column is missing: upload the questionnaire as downloaded.")
            self.problem(1, key, message, "missing_column")
        if missing:
            return
        for number, cells in table.rows:
            self.row(number, cells)
        absent = [q.label for pk, q in self.questions.items() if pk not in self.seen]
        if absent:
            message = _(
                "The file has no row for %(labels)s. Rows must not be removed; if questions were "
                "added after the file was downloaded, download the questionnaire again."
            ) % {"labels": ", ".join(absent)}
            self.problem(None, None, message, "missing_rows")

    def cell(self, cells: list[str], key: str) -> str:
        position = self.positions[key]
        return cells[position] if position < len(cells) else ""

    def row(self, number: int, cells: list[str]) -> None:
        question = self.question(number, cells)
        if question is None:
            return
        texts = {language: _locked_text(question, language) for language in LANGUAGES}
        for key in LOCKED_TEXT:
            self.locked(number, cells, key, texts)
        try:
            version = int(self.cell(cells, "version"))
        except ValueError:
            message = _("The hidden check data was changed: download the questionnaire again.")
            self.problem(number, "version", message, "version")
            return
        self.answer(number, cells, question, version)

    def question(self, number: int, cells: list[str]) -> Question | None:
        try:
            pk: uuid.UUID | None = uuid.UUID(self.cell(cells, "question_id"))
        except ValueError:
            pk = None
        question = self.questions.get(pk) if pk else None
        if pk is None or question is None:
            message = _(
                "The row is not a question of this questionnaire: its hidden identifier is missing "
                "or was changed. Rows cannot be added, or copied from another file."
            )
            self.problem(number, "question_id", message, "unknown_question")
            return None
        if pk in self.seen:
            message = _("The question %(label)s is also in row %(row)s.") % {
                "label": question.label,
                "row": self.seen[pk],
            }
            self.problem(number, "question_id", message, "duplicate")
            return None
        self.seen[pk] = number
        return question

    def locked(
        self, number: int, cells: list[str], key: str, texts: dict[str, dict[str, str]]
    ) -> None:
        """The cell as downloaded in either language (spaces and line breaks aside)."""
        expected = {_normal(safe_cell(text[key])) for text in texts.values()}
        if _normal(self.cell(cells, key)) in expected:
            return
        language = translation.get_language() or "sv"
        shown = texts["en" if language.startswith("en") else "sv"][key]
        message = _("The cell is locked and was changed. It must read “%(text)s”.") % {
            "text": _short(shown)
        }
        self.problem(number, key, message, "locked_changed")

    def answer(self, number: int, cells: list[str], question: Question, version: int) -> None:
        given = self.cell(cells, "answer")
        description = _description(self.cell(cells, "description"), question.description)
        if not given:
            if description and description != question.description:
                message = _(
                    "A description is saved together with an answer: choose an answer as well, "
                    "or clear the description."
                )
                self.problem(number, "answer", message, "no_answer")
            return  # left as it is in Tillit
        answer = self.answers.get(given.casefold())
        if answer is None:
            message = _("“%(value)s” is not one of the answers: %(choices)s.") % {
                "value": _short(given),
                "choices": ", ".join(str(label) for _value, label in Answer.choices),
            }
            self.problem(number, "answer", message, "answer")
            return
        if answer == question.answer and description == question.description:
            return
        if version != question.version:
            self.problems.append(self.conflict(number, question))
            return
        self.changes.append(_Change(number, question, answer, description))

    def conflict(self, number: int, question: Question) -> Problem:
        at = question.answered_at
        when = f"{timezone.localtime(at):%Y-%m-%d %H:%M}" if at else "–"
        message = _(
            "%(who)s changed this answer in Tillit at %(when)s, after the file was downloaded. "
            "To keep that answer, clear the answer cell in the file; to replace it, download the "
            "questionnaire again and answer there."
        ) % {"who": question.answered_by or _("Someone"), "when": when}
        return Problem(number, _shown("answer"), message, "changed_in_tillit")
