"""The regulatory clocks of a case, read from data/clocks.yaml (rules with their legal source).

Hours are elapsed time: 72 hours are 72 hours also across a change to or from summer time.
Weeks and months are calendar time in Stockholm: the same local time so many weeks or months
later, whatever the clocks did in between.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from tillit.classification.services import add_months

STOCKHOLM = ZoneInfo("Europe/Stockholm")
CONDITIONS = {"personal_data", "high_risk", "nis2", "state_agency"}
UNITS = {"hours", "days", "weeks", "months"}


class ClockRuleError(ValueError):
    """data/clocks.yaml does not follow its format."""


@dataclass(frozen=True)
class Step:
    key: str
    title: dict[str, str]
    amount: int
    unit: str
    after_step: str = ""


@dataclass(frozen=True)
class Regime:
    key: str
    title: dict[str, str]
    source: str
    recipient: dict[str, str]
    applies_when: frozenset[str]
    steps: tuple[Step, ...]

    def step(self, key: str) -> Step:
        return next(step for step in self.steps if step.key == key)


@dataclass(frozen=True)
class Facts:
    """What decides which regimes apply to an organisation's case."""

    personal_data: bool
    high_risk: bool
    nis2: bool
    state_agency: bool

    def holds(self, condition: str) -> bool:
        return bool(getattr(self, condition))


def _step(raw: dict[str, Any], earlier: set[str], where: str) -> Step:
    after = dict(raw.get("after") or {})
    after_step = after.pop("step", "")
    if after_step and after_step not in earlier:
        raise ClockRuleError(f"{where}: step {after_step!r} must come earlier in the regime")
    if len(after) != 1 or not set(after) <= UNITS:
        raise ClockRuleError(f"{where}: 'after' needs exactly one of {sorted(UNITS)}")
    ((unit, amount),) = after.items()
    if not isinstance(amount, int) or amount <= 0:
        raise ClockRuleError(f"{where}: {unit} must be a positive whole number")
    return Step(raw["key"], raw["title"], amount, unit, after_step)


def parse(raw: dict[str, Any]) -> tuple[Regime, ...]:
    regimes = []
    for entry in raw["regimes"]:
        where = f"regime {entry.get('key')!r}"
        unknown = set(entry["applies_when"]) - CONDITIONS
        if unknown:
            raise ClockRuleError(f"{where}: unknown conditions {sorted(unknown)}")
        if not entry.get("source"):
            raise ClockRuleError(f"{where}: every regime names its legal source")
        steps: list[Step] = []
        for raw_step in entry["steps"]:
            steps.append(
                _step(raw_step, {s.key for s in steps}, f"{where} step {raw_step['key']!r}")
            )
        regimes.append(
            Regime(
                key=entry["key"],
                title=entry["title"],
                source=entry["source"],
                recipient=entry["recipient"],
                applies_when=frozenset(entry["applies_when"]),
                steps=tuple(steps),
            )
        )
    return tuple(regimes)


@cache
def regimes() -> tuple[Regime, ...]:
    path = Path(__file__).parent / "data" / "clocks.yaml"
    return parse(yaml.safe_load(path.read_text(encoding="utf-8")))


def applicable(facts: Facts) -> list[Regime]:
    return [r for r in regimes() if all(facts.holds(c) for c in r.applies_when)]


def due(start: dt.datetime, step: Step) -> dt.datetime:
    """When the step falls due, counted from start (aware)."""
    if step.unit == "hours":
        return (start.astimezone(dt.UTC) + dt.timedelta(hours=step.amount)).astimezone(STOCKHOLM)
    local = start.astimezone(STOCKHOLM)
    if step.unit == "months":
        day = add_months(local.date(), step.amount)
    else:
        day = local.date() + dt.timedelta(days=step.amount * (7 if step.unit == "weeks" else 1))
    return dt.datetime.combine(day, local.time().replace(tzinfo=None), tzinfo=STOCKHOLM)


def schedule(
    regime: Regime, aware_at: dt.datetime, done: dict[str, dt.datetime]
) -> dict[str, dt.datetime]:
    """Each step's due time: from awareness, or from the step it follows (when that step was
    done, else when it was due)."""
    times: dict[str, dt.datetime] = {}
    for step in regime.steps:
        start = aware_at
        if step.after_step:
            start = done.get(step.after_step) or times[step.after_step]
        times[step.key] = due(start, step)
    return times
