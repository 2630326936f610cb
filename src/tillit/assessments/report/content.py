"""What the report of an assessment says, independent of file format, in one language."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Tally:
    """One row of the result table: an area, or the total."""

    area: str
    ska_met: int
    ska_unmet: int
    ska_excluded: int
    bor_points: int
    bor_possible: int
    pending: int


@dataclass(frozen=True)
class ReportQuestion:
    label: str  # the requirement's key, or the position of a question added by hand
    area: str
    title: str
    text: str
    mandatory: bool
    answer: str  # "Met", "Partly met", … or "" while unanswered
    answered_by: str
    answered_on: dt.date | None
    description: str
    evidence: tuple[str, ...]  # file names
    review: str  # "Accepted", "Rejected" or "" while not reviewed
    review_comment: str
    reviewed_by: str
    reviewed_on: dt.date | None
    counts_as: str  # how the answer enters the result: "Met", "Not met", "Not reviewed", …


@dataclass(frozen=True)
class ReportFinding:
    question: str  # the question's label, or "" for a finding on the whole assessment
    title: str
    severity: str
    required_action: str
    supplier_owner: str
    deadline: dt.date
    status: str
    supplier_response: str
    responded_on: dt.date | None


@dataclass(frozen=True)
class Report:
    language: str
    title: str
    organisation: str
    supplier: str  # name and organisationsnummer (or country and registration number)
    contracts: tuple[str, ...]
    catalogue: str  # title and version
    status: str
    due_on: dt.date | None
    created_on: dt.date
    submitted_on: dt.date | None
    completed_on: dt.date | None
    generated_on: dt.date
    verdict: str  # "approved", "approved_with_actions", "rejected", or "" while under review
    verdict_label: str
    reason: str  # the verdict's derivation in numbers, or why there is none yet
    rules: tuple[str, ...]  # how any verdict is reached
    areas: tuple[Tally, ...]
    total: Tally
    questions: tuple[ReportQuestion, ...]
    findings: tuple[ReportFinding, ...]
