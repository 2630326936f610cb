"""What the security annex and the evaluation summary say, independent of file format.

Built in one language (Swedish or English) from a procurement; the DOCX, PDF and XLSX renderers
in tillit.procurement.documents only lay these out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class AssetBasis:
    """One classified asset behind the requirements: the proportionality shown, not claimed."""

    name: str
    version: int
    classified_on: dt.date
    levels: str  # "K3 R2 T2 S2"
    personal_data: str  # "känsliga personuppgifter, personnummer, …" or "inga personuppgifter"
    data_subjects: int


@dataclass(frozen=True)
class AnnexRequirement:
    key: str
    title: str
    mandatory: bool
    text: str  # the ska sentence, parameters filled in
    motive: str
    verification: str
    references: tuple[str, ...]
    reason: str  # why it applies (and why mandatory)
    downgrade_justification: str = ""  # set when the officer made a ska-krav a bör-krav


@dataclass(frozen=True)
class AnnexArea:
    title: str
    requirements: tuple[AnnexRequirement, ...]


@dataclass(frozen=True)
class DroppedRequirement:
    key: str
    title: str
    justification: str


@dataclass(frozen=True)
class Annex:
    language: str
    organisation: str
    procurement: str
    reference: str
    procedure: str
    officer: str
    catalogue: str
    generated_on: dt.date
    basis: tuple[AssetBasis, ...]
    areas: tuple[AnnexArea, ...]
    dropped: tuple[DroppedRequirement, ...]

    @property
    def requirements(self) -> tuple[AnnexRequirement, ...]:
        return tuple(r for area in self.areas for r in area.requirements)


@dataclass(frozen=True)
class TenderResult:
    tenderer: str
    rejected: bool
    failed_mandatory: tuple[str, ...]  # keys of ska-krav not fulfilled or not answered
    points: int  # bör-krav fulfilled


@dataclass(frozen=True)
class Evaluation:
    language: str
    organisation: str
    procurement: str
    reference: str
    generated_on: dt.date
    requirement_keys: tuple[str, ...]
    requirement_titles: tuple[str, ...]
    mandatory: tuple[bool, ...]
    max_points: int
    results: tuple[TenderResult, ...]
    # answers[tender index][requirement index]: True, False or None (not answered)
    answers: tuple[tuple[bool | None, ...], ...]
