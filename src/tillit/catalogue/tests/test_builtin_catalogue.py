"""The catalogue Tillit ships, "Tillit baskrav": it loads, covers what the Miljödata analysis and
the law ask of suppliers, is written the way REQUIREMENT-SHAPE.md asks, and derives proportionate
profiles. No database: the file is parsed and derived in memory."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

import pytest

from tillit.catalogue import rules
from tillit.catalogue.derivation import Obligation, RequirementRule, derive
from tillit.catalogue.rules import Facts
from tillit.catalogue.schema import CatalogueData, RequirementData, load_catalogue_file

CATALOGUE_FILE = Path(__file__).resolve().parents[1] / "data" / "tillit-baskrav.yaml"
KEY = re.compile(r"^TB-[A-Z]+-\d{2}$")
# Words that make a requirement unverifiable unless a measure follows; we never use them in ska
# texts. Matched at the start of a word, case-insensitively, so that inflections ("lämpliga",
# "adekvata") are caught but "tillämplighet" (as in "uttalande om tillämplighet", the Statement of
# Applicability) is not.
VAGUE_WORDS = re.compile(r"\b(adekvat|lämplig|branschpraxis|appropriate|adequate)", re.IGNORECASE)
NIS2_LETTERS = "abcdefghij"
GDPR_28_3 = [f"28(3)({letter})" for letter in "abcdefgh"]
# Requirements that may do without an ISO/IEC 27001:2022 Annex A reference, with the reason.
# Empty: every requirement in the catalogue cites at least one Annex A control.
WITHOUT_ISO_REFERENCE: dict[str, str] = {}

HR_SYSTEM = Facts(
    confidentiality=3,
    integrity=2,
    availability=2,
    traceability=2,
    personal_data=True,
    sensitive_data=True,
    personnummer=True,
    protected_identities=True,
    data_subjects=20000,
)


@pytest.fixture(scope="module")
def catalogue() -> CatalogueData:
    return load_catalogue_file(CATALOGUE_FILE)


@pytest.fixture(scope="module")
def requirement_rules(catalogue: CatalogueData) -> list[RequirementRule]:
    return [
        RequirementRule(
            key=r.key, applies_when=r.applies_when, ska_when=r.ska_when, parameters=r.parameters
        )
        for r in catalogue.requirements
    ]


def _references(catalogue: CatalogueData, scheme: str) -> set[str]:
    return {value for r in catalogue.requirements for value in r.references.get(scheme, [])}


def _rule_keys(rule: rules.Rule) -> Iterable[str]:
    """Every leaf key a rule mentions, however deeply nested."""
    if isinstance(rule, bool):
        return
    ((key, value),) = rule.items()
    if key in ("all", "any"):
        for child in value:
            yield from _rule_keys(child)
    else:
        yield key


def test_loads_as_tillit_baskrav(catalogue: CatalogueData) -> None:
    assert catalogue.key == "tillit-baskrav"
    assert catalogue.version == "2026.1"
    assert catalogue.title["sv"] == "Tillit baskrav"


def test_has_at_least_60_requirements(catalogue: CatalogueData) -> None:
    assert len(catalogue.requirements) >= 60


def test_ids_are_unique_and_well_formed(catalogue: CatalogueData) -> None:
    keys = [r.key for r in catalogue.requirements]
    assert len(keys) == len(set(keys))
    assert [key for key in keys if not KEY.match(key)] == []


def test_every_area_is_used(catalogue: CatalogueData) -> None:
    used = {r.area for r in catalogue.requirements}
    assert {area.key for area in catalogue.areas} == used


def test_every_nis2_article_21_2_letter_is_covered(catalogue: CatalogueData) -> None:
    assert set(NIS2_LETTERS) <= _references(catalogue, "nis2_art21_2")


@pytest.mark.parametrize("point", GDPR_28_3)
def test_every_point_of_gdpr_article_28_3_is_covered(catalogue: CatalogueData, point: str) -> None:
    assert point in _references(catalogue, "gdpr")


def test_secrecy_outsourcing_rule_of_osl_is_covered(catalogue: CatalogueData) -> None:
    assert "10 kap. 2 a §" in _references(catalogue, "osl")


def test_protected_identities_drive_some_requirements(catalogue: CatalogueData) -> None:
    assert any("protected_identities" in _rule_keys(r.applies_when) for r in catalogue.requirements)


def test_the_example_requirement_keeps_its_id(catalogue: CatalogueData) -> None:
    incident = {r.key: r for r in catalogue.requirements}["TB-INC-02"]
    assert incident.area == "incidenter"
    assert "{hours}" in incident.ska["sv"]


def _vague_words(requirement: RequirementData) -> list[str]:
    return [
        f"{requirement.key} ska.{language}: {match.group(0)}"
        for language, text in requirement.ska.items()
        for match in VAGUE_WORDS.finditer(text)
    ]


@pytest.mark.parametrize(
    ("text", "vague"),
    [
        ("Leverantören ska ha adekvat IT-säkerhet.", True),
        ("Leverantören ska vidta lämpliga åtgärder.", True),
        ("The supplier shall take Appropriate measures.", True),
        ("Leverantören ska följa branschpraxis.", True),
        ("Leverantören ska visa sitt uttalande om tillämplighet.", False),
    ],
)
def test_vague_word_check_catches_what_it_should(text: str, vague: bool) -> None:
    assert bool(VAGUE_WORDS.search(text)) is vague


def test_ska_texts_avoid_vague_words(catalogue: CatalogueData) -> None:
    found = [hit for r in catalogue.requirements for hit in _vague_words(r)]
    assert found == []


def test_every_ska_text_is_a_supplier_obligation(catalogue: CatalogueData) -> None:
    assert [
        r.key for r in catalogue.requirements if not r.ska["sv"].startswith("Leverantören ska")
    ] == []
    assert [r.key for r in catalogue.requirements if "shall" not in r.ska["en"]] == []


def test_every_requirement_cites_iso_27001_or_says_why_not(catalogue: CatalogueData) -> None:
    missing = [
        r.key
        for r in catalogue.requirements
        if not r.references.get("iso27001_2022") and r.key not in WITHOUT_ISO_REFERENCE
    ]
    assert missing == []


def test_nothing_sensitive_derives_few_or_no_requirements(
    requirement_rules: list[RequirementRule],
) -> None:
    profile = derive(Facts(), requirement_rules)
    assert not profile.security_protection
    assert len(profile.items) <= 3


def test_hr_system_derives_a_mostly_mandatory_profile(
    requirement_rules: list[RequirementRule],
) -> None:
    profile = derive(HR_SYSTEM, requirement_rules)
    obligations = list(profile.obligations().values())
    ska = obligations.count(Obligation.SKA)
    assert len(obligations) >= 45
    assert ska > len(obligations) / 2


def test_hr_system_gets_the_strictest_incident_notification(
    requirement_rules: list[RequirementRule],
) -> None:
    items = {item.key: item for item in derive(HR_SYSTEM, requirement_rules).items}
    assert items["TB-INC-02"].obligation is Obligation.SKA
    assert items["TB-INC-02"].parameters == {"hours": 8}


@pytest.mark.parametrize(
    "facts",
    [
        Facts(confidentiality=4),
        Facts(integrity=4),
        Facts(availability=4),
        Facts(traceability=4),
        replace(HR_SYSTEM, confidentiality=4),
    ],
    ids=["confidentiality", "integrity", "availability", "traceability", "hr-system"],
)
def test_level_4_anywhere_is_security_protection(
    requirement_rules: list[RequirementRule], facts: Facts
) -> None:
    profile = derive(facts, requirement_rules)
    assert profile.security_protection
    assert profile.items == ()
