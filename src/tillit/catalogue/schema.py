"""Tillit's catalogue file format (docs/catalogue-format.md): parsing and validation.

load_catalogue_file() returns a CatalogueData or raises CatalogueFileError listing every problem,
each naming the file, the requirement and the field. Nothing here touches the database.
"""

from __future__ import annotations

import hashlib
import json
import re
import string
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tillit.catalogue import rules
from tillit.catalogue.references import check_reference

LANGUAGES = ("sv", "en")
TEXT_FIELDS = ("title", "ska", "ar", "motive", "verification")
_KEY = re.compile(r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$")
_SLUG = re.compile(r"^[a-z][a-z0-9_-]*$")

Text = dict[str, str]


class CatalogueFileError(ValueError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class ParameterSpec:
    default: Any
    when: tuple[tuple[rules.Rule, Any], ...] = ()

    def resolve(self, facts: rules.Facts) -> tuple[int, Any]:
        """(rank, value): the first matching `when` wins; lower rank is stricter."""
        for rank, (rule, value) in enumerate(self.when):
            if rules.evaluate(rule, facts):
                return rank, value
        return len(self.when), self.default


@dataclass(frozen=True)
class RequirementData:
    key: str
    area: str
    title: Text
    ska: Text
    ar: Text
    motive: Text
    verification: Text
    references: dict[str, list[str]]
    parameters: dict[str, ParameterSpec]
    applies_when: rules.Rule
    ska_when: rules.Rule


@dataclass(frozen=True)
class AreaData:
    key: str
    title: Text


@dataclass(frozen=True)
class CatalogueData:
    key: str
    version: str
    title: Text
    description: Text
    source: str
    areas: list[AreaData]
    requirements: list[RequirementData]
    content_hash: str = field(default="")


def content_hash(raw: Any) -> str:
    return hashlib.sha256(json.dumps(raw, sort_keys=True, default=str).encode()).hexdigest()


def unstorable_problems(raw: Any, name: str) -> list[str]:
    """Where a parsed file holds a character no database can store in text: NUL (JSON can hold
    one as \\u0000, YAML as "\\0") or a lone surrogate (JSON's \\ud800). The rest of Tillit
    refuses them at the door; a catalogue holding one failed on PostgreSQL, and on SQLite
    broke every page showing it and every backup."""
    return [f"{name}: {where}: {problem}" for where, problem in _unstorable(raw, "")]


def _unstorable(value: Any, where: str) -> list[tuple[str, str]]:
    if isinstance(value, str):
        if "\x00" in value:
            return [(where, "holds a NUL character (code 0)")]
        if any("\ud800" <= char <= "\udfff" for char in value):
            return [(where, "holds a lone surrogate (a broken character)")]
        return []
    if isinstance(value, dict):
        return [
            found
            for key, item in value.items()
            for found in _unstorable(key, where)
            + _unstorable(item, f"{where}.{key}" if where else str(key))
        ]
    if isinstance(value, list):
        return [
            found
            for index, item in enumerate(value)
            for found in _unstorable(item, f"{where}[{index}]")
        ]
    return []


def load_catalogue_file(path: Path) -> CatalogueData:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise CatalogueFileError([f"{path.name}: cannot read: {exc}"]) from None
    return parse_catalogue(raw, path.name)


def parse_catalogue(raw: Any, name: str) -> CatalogueData:
    if problems := unstorable_problems(raw, name):
        raise CatalogueFileError(problems)
    problems = []
    if not isinstance(raw, dict) or not isinstance(raw.get("catalogue"), dict):
        raise CatalogueFileError([f"{name}: the file must have a 'catalogue' section"])
    head = raw["catalogue"]
    where = f"{name}: catalogue"
    key = _slug(head.get("id"), f"{where}: id", problems)
    version = head.get("version")
    if not isinstance(version, str) or not version.strip():
        problems.append(f"{where}: version: must be a non-empty string, e.g. '2026.1'")
    title = _text(head.get("title"), f"{where}: title", problems)
    description = _text(head.get("description"), f"{where}: description", problems)
    areas = []
    for index, area in enumerate(head.get("areas") or []):
        area_where = f"{where}: areas[{index}]"
        if not isinstance(area, dict):
            problems.append(f"{area_where}: must be an object with id and title")
            continue
        areas.append(
            AreaData(
                _slug(area.get("id"), f"{area_where}: id", problems),
                _text(area.get("title"), f"{area_where}: title", problems),
            )
        )
    if not areas:
        problems.append(f"{where}: areas: at least one area is needed")
    area_keys = {area.key for area in areas}
    requirements = []
    seen: set[str] = set()
    raw_requirements = raw.get("requirements")
    if not isinstance(raw_requirements, list) or not raw_requirements:
        problems.append(f"{name}: requirements: must be a non-empty list")
        raw_requirements = []
    for index, item in enumerate(raw_requirements):
        requirement = _requirement(item, f"{name}: requirements[{index}]", area_keys, problems)
        if requirement is None:
            continue
        if requirement.key in seen:
            problems.append(f"{name}: {requirement.key}: id: used more than once")
        seen.add(requirement.key)
        requirements.append(requirement)
    if problems:
        raise CatalogueFileError(problems)
    return CatalogueData(
        key=key,
        version=version,
        title=title,
        description=description,
        source="tillit",
        areas=areas,
        requirements=requirements,
        content_hash=content_hash(raw),
    )


def _requirement(
    item: Any, where: str, area_keys: set[str], problems: list[str]
) -> RequirementData | None:
    if not isinstance(item, dict):
        problems.append(f"{where}: must be an object")
        return None
    key = item.get("id")
    if not isinstance(key, str) or not _KEY.match(key):
        problems.append(f"{where}: id: must look like 'TB-INC-02', not {key!r}")
        return None
    where = where.split(": ")[0] + f": {key}"
    known = {"id", "area", *TEXT_FIELDS, "references", "parameters", "applies_when", "ska_when"}
    for unknown in sorted(set(item) - known):
        problems.append(f"{where}: {unknown}: unknown field")
    area = item.get("area")
    if area not in area_keys:
        problems.append(f"{where}: area: {area!r} is not one of the catalogue's areas")
    texts = {name: _text(item.get(name), f"{where}: {name}", problems) for name in TEXT_FIELDS}
    references = _references(item.get("references"), f"{where}: references", problems)
    parameters = _parameters(item.get("parameters") or {}, f"{where}: parameters", problems)
    for name in ("ska", "ar"):
        for language, text in texts[name].items():
            for placeholder in _placeholders(text, f"{where}: {name}.{language}", problems):
                if placeholder not in parameters:
                    problems.append(
                        f"{where}: {name}.{language}: {{{placeholder}}} is not a declared parameter"
                    )
    conditions = {}
    for name in ("applies_when", "ska_when"):
        if name not in item:
            problems.append(f"{where}: {name}: missing")
            continue
        try:
            rules.validate(item[name], name)
        except rules.RuleError as exc:
            problems.append(f"{where}: {exc}")
        conditions[name] = item[name]
    return RequirementData(
        key=key,
        area=area if isinstance(area, str) else "",
        references=references,
        parameters=parameters,
        applies_when=conditions.get("applies_when", False),
        ska_when=conditions.get("ska_when", False),
        **texts,
    )


def _slug(value: Any, where: str, problems: list[str]) -> str:
    if not isinstance(value, str) or not _SLUG.match(value):
        problems.append(f"{where}: must be lower-case letters, digits, - or _, not {value!r}")
        return ""
    return value


def _text(value: Any, where: str, problems: list[str]) -> Text:
    if not isinstance(value, dict):
        problems.append(f"{where}: must have a text for each of {', '.join(LANGUAGES)}")
        return {}
    for language in LANGUAGES:
        text = value.get(language)
        if not isinstance(text, str) or not text.strip():
            problems.append(f"{where}.{language}: missing or empty")
    for language in sorted(set(value) - set(LANGUAGES)):
        problems.append(f"{where}.{language}: unknown language")
    return {language: str(value.get(language, "")).strip() for language in LANGUAGES}


def _placeholders(text: str, where: str, problems: list[str]) -> set[str]:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}
    except ValueError as exc:
        problems.append(f"{where}: bad placeholder: {exc}")
        return set()


def _references(value: Any, where: str, problems: list[str]) -> dict[str, list[str]]:
    if not isinstance(value, dict) or not value:
        problems.append(f"{where}: at least one reference is needed")
        return {}
    references: dict[str, list[str]] = {}
    for scheme, values in value.items():
        if not isinstance(values, list) or not values:
            problems.append(f"{where}.{scheme}: must be a non-empty list")
            continue
        for reference in values:
            problem = check_reference(scheme, reference)
            if problem:
                problems.append(f"{where}.{scheme}: {problem}")
        references[scheme] = [str(reference) for reference in values]
    return references


def _parameters(value: Any, where: str, problems: list[str]) -> dict[str, ParameterSpec]:
    if not isinstance(value, dict):
        problems.append(f"{where}: must be an object of named parameters")
        return {}
    parameters = {}
    for name, spec in value.items():
        if not isinstance(spec, dict) or "default" not in spec:
            problems.append(f"{where}.{name}: needs a default")
            continue
        when = []
        for index, case in enumerate(spec.get("when") or []):
            if not isinstance(case, dict) or set(case) != {"if", "value"}:
                problems.append(f"{where}.{name}.when[{index}]: needs exactly 'if' and 'value'")
                continue
            try:
                rules.validate(case["if"], f"{name}.when[{index}].if")
            except rules.RuleError as exc:
                problems.append(f"{where}: {exc}")
                continue
            when.append((case["if"], case["value"]))
        parameters[name] = ParameterSpec(spec["default"], tuple(when))
    return parameters
