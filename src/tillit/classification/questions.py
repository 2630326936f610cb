"""The guided questions behind a classification, written by us.

One question per aspect (the classic three — what if unauthorised people get the information,
what if it is wrong, what if it is unavailable — plus traceability), each answered on the 0–4
harm scale with a description and an example per level. The suggested level of an aspect is the
answer, raised where the personal data recorded demands more (floors below); the user may set
another level with a written reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from tillit.catalogue.rules import Facts

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise


@dataclass(frozen=True)
class Question:
    aspect: str
    title: StrPromise
    text: StrPromise
    help: StrPromise
    levels: tuple[tuple[StrPromise, StrPromise], ...]  # (description, example) for levels 0–4


QUESTIONS = (
    Question(
        "confidentiality",
        _("Confidentiality"),
        _("What harm could it cause if unauthorised people got access to the information?"),
        _(
            "Think of the people the information is about, your organisation's work, its "
            "finances and the public's trust. Answer for the worst realistic case."
        ),
        (
            (
                _("No or negligible harm."),
                _("Published timetables, press releases, the public opening hours of a library."),
            ),
            (
                _("Moderate harm: embarrassing or inconvenient, easily put right."),
                _("Internal staff directory, draft meeting notes without personal details."),
            ),
            (
                _("Significant harm: to people's privacy or finances, or to the organisation."),
                _("Employees' salaries and leave, case files with ordinary personal data."),
            ),
            (
                _("Serious harm: to health, safety or rights, or to important public functions."),
                _("Sick-leave and rehabilitation records, social services case files."),
            ),
            (
                _("Very serious harm: to Sweden's security (security-protection territory)."),
                _("Information classified under the Protective Security Act (2018:585)."),
            ),
        ),
    ),
    Question(
        "integrity",
        _("Integrity"),
        _("What harm could it cause if the information were wrong, incomplete or altered?"),
        _("Think of decisions made on the information and of payments or care that depend on it."),
        (
            (_("No or negligible harm."), _("A wrong date on an internal newsletter.")),
            (
                _("Moderate harm: errors cause extra work but are caught and corrected."),
                _("Errors in a booking system for meeting rooms."),
            ),
            (
                _("Significant harm: wrong decisions or payments affecting individuals."),
                _("Wrong salary or benefit amounts, wrong grades."),
            ),
            (
                _("Serious harm: to health, safety or legal certainty."),
                _("Wrong medication lists, wrong decisions in child protection cases."),
            ),
            (
                _("Very serious harm: to Sweden's security (security-protection territory)."),
                _("Manipulated data in systems vital to national security."),
            ),
        ),
    ),
    Question(
        "availability",
        _("Availability"),
        _("What harm could it cause if the information or system were unavailable?"),
        _(
            "Think of how long the organisation can manage without it, and whether manual "
            "routines exist. Answer for an outage of a few days."
        ),
        (
            (_("No or negligible harm."), _("An archive of old newsletters.")),
            (
                _("Moderate harm: work is delayed but can wait or be done by hand."),
                _("The intranet, a procurement planning tool."),
            ),
            (
                _("Significant harm: important services to residents are disrupted."),
                _("The payroll system near pay day, school administration."),
            ),
            (
                _("Serious harm: to health, safety or vital public functions."),
                _("Home-care planning, systems used by emergency services."),
            ),
            (
                _("Very serious harm: to Sweden's security (security-protection territory)."),
                _("Systems vital to national security."),
            ),
        ),
    ),
    Question(
        "traceability",
        _("Traceability"),
        _(
            "What harm could it cause if you could not tell afterwards who read or changed the "
            "information, and when?"
        ),
        _(
            "Think of investigating incidents, proving what happened, and people's right to "
            "know who looked at their data."
        ),
        (
            (_("No or negligible harm."), _("Public information that anyone may read.")),
            (
                _("Moderate harm: some follow-up is harder."),
                _("Changes to internal documents."),
            ),
            (
                _("Significant harm: misuse or errors affecting individuals cannot be traced."),
                _("Who changed salary data; who read a case file."),
            ),
            (
                _("Serious harm: misuse of sensitive data or of authority cannot be proven."),
                _("Who read a protected person's address or a patient's records."),
            ),
            (
                _("Very serious harm: to Sweden's security (security-protection territory)."),
                _("Access to classified information."),
            ),
        ),
    ),
)


@dataclass(frozen=True)
class Floor:
    aspect: str
    level: int
    reason: StrPromise


def floors(facts: Facts) -> list[Floor]:
    """Lowest levels the personal data recorded calls for."""
    found = []
    if facts.sensitive_data or facts.criminal_data:
        found.append(
            Floor(
                "confidentiality",
                2,
                _("Sensitive or criminal-offence personal data: at least significant harm."),
            )
        )
    if facts.protected_identities:
        found.append(
            Floor(
                "confidentiality",
                3,
                _(
                    "Protected identities: a leaked address can put a person's life in danger, "
                    "so at least serious harm."
                ),
            )
        )
    if facts.osl_secrecy:
        found.append(
            Floor("confidentiality", 2, _("Covered by secrecy (OSL): at least significant harm."))
        )
    if facts.personal_data:
        found.append(
            Floor(
                "traceability",
                1,
                _("Personal data: who has read or changed it must be traceable."),
            )
        )
    return found


def suggest(answers: dict[str, int], facts: Facts) -> dict[str, int]:
    """The suggested level per aspect: the answer, raised to any floor that applies."""
    suggestion = {question.aspect: answers[question.aspect] for question in QUESTIONS}
    for floor in floors(facts):
        suggestion[floor.aspect] = max(suggestion[floor.aspect], floor.level)
    return suggestion
