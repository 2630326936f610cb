"""Applicability rules: data over a classification, never code per requirement.

A rule is `true`, `false`, `{"all": [rule, ...]}`, `{"any": [rule, ...]}` or a single-key leaf:

    confidentiality_min / integrity_min / availability_min / traceability_min / max_level_min: 0–4
    data_subjects_min: a whole number of people
    personal_data / sensitive_data / criminal_data / personnummer / children /
    protected_identities / osl_secrecy: true

There is no negation and flags can only be required, never excluded, so every rule is monotone:
raising a level or adding a personal-data flag can only make more rules true. The requirement
profile's guarantees (stricter classification never removes a requirement or weakens ska to bör)
rest on that.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

ASPECTS = ("confidentiality", "integrity", "availability", "traceability")
LEVEL_LEAVES = {f"{aspect}_min": aspect for aspect in ASPECTS} | {"max_level_min": "max_level"}
FLAG_LEAVES = (
    "personal_data",
    "sensitive_data",
    "criminal_data",
    "personnummer",
    "children",
    "protected_identities",
    "osl_secrecy",
)
COUNT_LEAVES = {"data_subjects_min": "data_subjects"}

Rule = bool | dict[str, Any]


class RuleError(ValueError):
    """A rule that does not follow the grammar; the message names the path inside the rule."""


@dataclass(frozen=True)
class Facts:
    """What a classification says, in the terms rules speak."""

    confidentiality: int = 0
    integrity: int = 0
    availability: int = 0
    traceability: int = 0
    personal_data: bool = False
    sensitive_data: bool = False
    criminal_data: bool = False
    personnummer: bool = False
    children: bool = False
    protected_identities: bool = False
    osl_secrecy: bool = False
    data_subjects: int = 0

    @property
    def max_level(self) -> int:
        return max(self.confidentiality, self.integrity, self.availability, self.traceability)

    def merge(self, other: Facts) -> Facts:
        """The facts of information held together: the highest level, every flag, the sum of
        people would double-count, so the largest count."""
        values = {}
        for field in fields(self):
            mine, theirs = getattr(self, field.name), getattr(other, field.name)
            values[field.name] = (mine or theirs) if isinstance(mine, bool) else max(mine, theirs)
        return replace(self, **values)


@dataclass(frozen=True)
class Reason:
    """One fact that made a rule true, e.g. ("confidentiality", 3) or ("sensitive_data", True)."""

    fact: str
    value: int | bool


def validate(rule: Any, path: str = "") -> None:
    where = path or "rule"
    if isinstance(rule, bool):
        return
    if not isinstance(rule, dict) or len(rule) != 1:
        raise RuleError(f"{where}: a rule is true, false or an object with exactly one key")
    ((key, value),) = rule.items()
    if key in ("all", "any"):
        if not isinstance(value, list) or not value:
            raise RuleError(f"{where}.{key}: must be a non-empty list of rules")
        for index, child in enumerate(value):
            validate(child, f"{where}.{key}[{index}]")
    elif key in LEVEL_LEAVES:
        if not _is_int(value) or not 0 <= value <= 4:
            raise RuleError(f"{where}.{key}: must be a level from 0 to 4, not {value!r}")
    elif key in COUNT_LEAVES:
        if not _is_int(value) or value < 0:
            raise RuleError(f"{where}.{key}: must be a whole number of at least 0, not {value!r}")
    elif key in FLAG_LEAVES:
        if value is not True:
            raise RuleError(f"{where}.{key}: can only be true (rules cannot exclude a flag)")
    else:
        raise RuleError(f"{where}: unknown rule key {key!r}")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def evaluate(rule: Rule, facts: Facts) -> bool:
    return explain(rule, facts) is not None


def explain(rule: Rule, facts: Facts) -> tuple[Reason, ...] | None:
    """The facts that make the rule true (empty for `true`), or None if it is false."""
    if isinstance(rule, bool):
        return () if rule else None
    ((key, value),) = rule.items()
    if key == "all":
        reasons: list[Reason] = []
        for child in value:
            found = explain(child, facts)
            if found is None:
                return None
            reasons += found
        return _unique(reasons)
    if key == "any":
        satisfied = [found for child in value if (found := explain(child, facts)) is not None]
        if not satisfied:
            return None
        return _unique([reason for found in satisfied for reason in found])
    if key in LEVEL_LEAVES:
        actual = getattr(facts, LEVEL_LEAVES[key])
        return (Reason(LEVEL_LEAVES[key], actual),) if actual >= value else None
    if key in COUNT_LEAVES:
        actual = getattr(facts, COUNT_LEAVES[key])
        return (Reason(COUNT_LEAVES[key], actual),) if actual >= value else None
    return (Reason(key, True),) if getattr(facts, key) else None


def _unique(reasons: list[Reason]) -> tuple[Reason, ...]:
    return tuple(dict.fromkeys(reasons))
