"""From a classification to a requirement profile: a pure function, no database.

A requirement is in the profile when its applies_when rule holds, and is a ska-krav when its
ska_when rule holds too (otherwise a bör-krav). Each item carries the facts that made it apply,
so the annex can print why ("gäller eftersom konfidentialitet = 3 och känsliga personuppgifter").
Any aspect at level 4 is security-protection territory (säkerhetsskyddslagen): no ordinary
requirements are derived at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from tillit.catalogue import rules
from tillit.catalogue.schema import ParameterSpec

SECURITY_PROTECTION_LEVEL = 4


class Obligation(StrEnum):
    SKA = "ska"
    BOR = "bor"


@dataclass(frozen=True)
class RequirementRule:
    """What derivation needs to know of a requirement."""

    key: str
    applies_when: rules.Rule
    ska_when: rules.Rule
    parameters: dict[str, ParameterSpec]


@dataclass(frozen=True)
class ProfileItem:
    key: str
    obligation: Obligation
    reasons: tuple[rules.Reason, ...]  # why it applies
    ska_reasons: tuple[rules.Reason, ...]  # why it is mandatory (empty for bör)
    parameters: dict[str, Any]


@dataclass(frozen=True)
class Profile:
    security_protection: bool
    items: tuple[ProfileItem, ...]

    def obligations(self) -> dict[str, Obligation]:
        return {item.key: item.obligation for item in self.items}


def derive(facts: rules.Facts, requirements: Iterable[RequirementRule]) -> Profile:
    if facts.max_level >= SECURITY_PROTECTION_LEVEL:
        return Profile(security_protection=True, items=())
    items = []
    for requirement in requirements:
        reasons = rules.explain(requirement.applies_when, facts)
        if reasons is None:
            continue
        ska_reasons = rules.explain(requirement.ska_when, facts)
        parameters = {name: spec.resolve(facts)[1] for name, spec in requirement.parameters.items()}
        obligation = Obligation.BOR if ska_reasons is None else Obligation.SKA
        items.append(
            ProfileItem(requirement.key, obligation, reasons, ska_reasons or (), parameters)
        )
    return Profile(security_protection=False, items=tuple(items))
