"""OSCAL 1.x catalogs in and out.

parse_oscal() turns an OSCAL catalog (NIST SP 800-53 and the like) into a CatalogueData: groups
become areas, controls and their enhancements become requirements in document order, and each
statement is rendered to readable text with its parameters filled in. An OSCAL catalog carries no
Tillit parameters or applicability rules, so every imported requirement applies as a bör-krav.

export_oscal() writes a catalogue as an OSCAL 1.1.2 catalog. What OSCAL has no field for (the
Swedish texts, the current-state form, applicability and parameter rules) goes into parts and
props in Tillit's namespace, so nothing is lost.
"""

from __future__ import annotations

import json
import re
import string
import uuid
from collections import ChainMap
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path
from typing import Any

from django.utils.text import slugify

from tillit.catalogue.models import Area, Catalogue, CatalogueSource, Requirement, localised
from tillit.catalogue.references import check_reference
from tillit.catalogue.schema import (
    AreaData,
    CatalogueData,
    CatalogueFileError,
    RequirementData,
    content_hash,
    unstorable_problems,
)
from tillit.catalogue.selectors import requirements_of

OSCAL_VERSION = "1.1.2"
NAMESPACE = "https://tillit.se/ns/oscal"
# Fixed for ever: exported catalog and resource UUIDs derive from it, key and version.
_UUID_NAMESPACE = uuid.UUID("2648b534-4a8d-4a5e-a5f4-2d0ead8b9b71")
_INSERT = re.compile(r"\{\{\s*insert:\s*param,\s*([^\s}]+)\s*\}\}")
_NOT_TOKEN = re.compile(r"[^_A-Za-z0-9.\-]")
_KEY_LENGTH = 50  # Requirement.key
_VERSION_LENGTH = 50  # Catalogue.version
UNGROUPED = AreaData("ungrouped", {"en": "Ungrouped controls"})

Node = dict[str, Any]
Scope = ChainMap[str, Node]


# --- Import -------------------------------------------------------------------------------------


def load_oscal_file(path: Path) -> CatalogueData:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:  # ValueError covers bad JSON and bad UTF-8
        raise CatalogueFileError([f"{path.name}: cannot read: {exc}"]) from None
    return parse_oscal(raw, path.name)


def parse_oscal(raw: Any, name: str) -> CatalogueData:
    if unstorable := unstorable_problems(raw, name):
        raise CatalogueFileError(unstorable)
    if not isinstance(raw, dict) or not isinstance(raw.get("catalog"), dict):
        raise CatalogueFileError([f"{name}: not an OSCAL catalog: no 'catalog' object"])
    catalog = raw["catalog"]
    problems: list[str] = []
    title, version, remarks = _metadata(catalog.get("metadata"), name, problems)
    key = slugify(title)[:100].strip("-")
    if title and not key:
        problems.append(f"{name}: metadata: title: {title!r} gives no usable catalogue key")
    reader = _Reader(name, problems)
    reader.read(catalog)
    if not reader.requirements:
        problems.append(f"{name}: catalog: has no controls")
    if problems:
        raise CatalogueFileError(list(dict.fromkeys(problems)))
    return CatalogueData(
        key=key,
        version=version,
        title={"en": title},
        description=_en(remarks),
        source=CatalogueSource.OSCAL.value,
        areas=reader.areas,
        requirements=reader.requirements,
        content_hash=content_hash(raw),
    )


def _metadata(metadata: Any, name: str, problems: list[str]) -> tuple[str, str, str]:
    if not isinstance(metadata, dict):
        problems.append(f"{name}: metadata: missing")
        return "", "", ""
    title = _string(metadata.get("title"), f"{name}: metadata: title", problems)
    version = _string(metadata.get("version"), f"{name}: metadata: version", problems)
    if len(version) > _VERSION_LENGTH:
        problems.append(f"{name}: metadata: version: longer than {_VERSION_LENGTH} characters")
    remarks = metadata.get("remarks")
    return title, version, remarks.strip() if isinstance(remarks, str) else ""


def _string(value: Any, where: str, problems: list[str]) -> str:
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{where}: missing or empty")
        return ""
    return value.strip()


def _en(text: str) -> dict[str, str]:
    return {"en": text} if text else {}


@dataclass
class _Reader:
    """Walks a catalog in document order, collecting areas, requirements and problems."""

    name: str
    problems: list[str]
    areas: list[AreaData] = field(default_factory=list)
    requirements: list[RequirementData] = field(default_factory=list)
    control_ids: set[str] = field(default_factory=set)
    group_ids: set[str] = field(default_factory=set)

    def read(self, catalog: Node) -> None:
        everywhere: dict[str, Node] = {}
        for param in _all_params(catalog):
            everywhere.setdefault(param["id"], param)
        scope = ChainMap(self._params(catalog, "catalog"), everywhere)
        self._controls_of(catalog, "catalog", scope, UNGROUPED)
        for index, group in enumerate(self._items(catalog, "groups", "catalog")):
            self._group(group, f"catalog: groups[{index}]", scope)

    def _group(self, group: Node, where: str, scope: Scope) -> None:
        raw_id = group.get("id")
        group_id = raw_id.strip() if isinstance(raw_id, str) else ""
        if group_id:
            where = f"group {group_id}"
            if group_id in self.group_ids:
                self.problems.append(f"{self.name}: {where}: id: used more than once")
            self.group_ids.add(group_id)
        title = _string(group.get("title"), f"{self.name}: {where}: title", self.problems)
        key = group_id or slugify(title)[:90] or "group"
        scope = scope.new_child(self._params(group, where))
        self._controls_of(group, where, scope, AreaData(key, {"en": title}))
        for index, child in enumerate(self._items(group, "groups", where)):
            self._group(child, f"{where}: groups[{index}]", scope)

    def _controls_of(self, node: Node, where: str, scope: Scope, area: AreaData) -> None:
        controls = self._items(node, "controls", where)
        if not controls:
            return
        key, number = area.key, 1
        while key in {known.key for known in self.areas}:
            number += 1
            key = f"{area.key}-{number}"
        self.areas.append(AreaData(key, area.title))
        for index, control in enumerate(controls):
            self._control(control, f"{where}: controls[{index}]", scope, key)

    def _control(self, control: Node, where: str, scope: Scope, area: str) -> None:
        control_id = control.get("id")
        if isinstance(control_id, str) and control_id.strip():
            where = control_id
            self._check_id(control_id)
        else:
            self.problems.append(f"{self.name}: {where}: id: missing or empty")
            control_id = ""
        title = _string(control.get("title"), f"{self.name}: {where}: title", self.problems)
        scope = scope.new_child(self._params(control, where))
        render = _Renderer(f"{self.name}: {where}", scope, self.problems)
        for param_id in scope.maps[0]:
            render.param(param_id, f"{self.name}: {where}: params", ())
        requirement = RequirementData(
            key=control_id,
            area=area,
            title={"en": render.prose(title, "title")},
            ska={"en": render.parts(control, "statement")},
            ar={},
            motive=_en(render.parts(control, "guidance")),
            verification=_en(render.parts(control, "assessment-objective")),
            references=_references(control_id),
            parameters={},
            applies_when=True,
            ska_when=False,
        )
        if control_id and title and not _withdrawn(control):
            self.requirements.append(requirement)
        for index, child in enumerate(self._items(control, "controls", where)):
            self._control(child, f"{where}: controls[{index}]", scope, area)

    def _check_id(self, control_id: str) -> None:
        if control_id in self.control_ids:
            self.problems.append(f"{self.name}: {control_id}: id: used more than once")
        if len(control_id) > _KEY_LENGTH:
            self.problems.append(
                f"{self.name}: {control_id}: id: longer than {_KEY_LENGTH} characters"
            )
        self.control_ids.add(control_id)

    def _params(self, node: Node, where: str) -> dict[str, Node]:
        params: dict[str, Node] = {}
        for index, param in enumerate(self._items(node, "params", where)):
            param_id = param.get("id")
            if not isinstance(param_id, str) or not param_id.strip():
                self.problems.append(f"{self.name}: {where}: params[{index}]: id: missing")
            elif param_id in params:
                self.problems.append(f"{self.name}: {where}: params.{param_id}: defined twice")
            else:
                params[param_id] = param
        return params

    def _items(self, node: Node, name: str, where: str) -> list[Node]:
        value = node.get(name)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            self.problems.append(f"{self.name}: {where}: {name}: must be a list of objects")
            return []
        return value


def _all_params(node: Node) -> Iterable[Node]:
    """Every parameter in the document: an insert may name one defined in another control."""
    for param in _dicts(node.get("params")):
        if isinstance(param.get("id"), str):
            yield param
    for child in (*_dicts(node.get("groups")), *_dicts(node.get("controls"))):
        yield from _all_params(child)


def _dicts(value: Any) -> list[Node]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _withdrawn(control: Node) -> bool:
    return any(
        prop.get("name") == "status" and prop.get("value") == "withdrawn"
        for prop in _dicts(control.get("props"))
    )


def _references(control_id: str) -> dict[str, list[str]]:
    if control_id and check_reference("nist_800_53", control_id) is None:
        return {"nist_800_53": [control_id]}
    return {}


@dataclass
class _Renderer:
    """Renders one control's texts: parameters inline, item parts as labelled lines."""

    where: str  # "file: control"
    scope: Scope
    problems: list[str]

    def parts(self, control: Node, name: str) -> str:
        lines = []
        for part in _dicts(control.get("parts")):
            if part.get("name") == name:
                # The part's own label (e.g. "AC-02") is the control's: leave it out.
                lines += self._lines(part, f"{self.where}: {name}", 0, labelled=False)
        return "\n".join(lines)

    def _lines(self, part: Node, where: str, depth: int, *, labelled: bool = True) -> list[str]:
        prose = part.get("prose")
        text = self._text(prose, where, ()).strip() if isinstance(prose, str) else ""
        head = " ".join(piece for piece in (_label(part) if labelled else "", text) if piece)
        indent = "  " * depth
        lines = [f"{indent}{line}" if line else "" for line in head.split("\n")] if head else []
        for child in _dicts(part.get("parts")):
            lines += self._lines(child, where, depth + 1 if head else depth)
        return lines

    def prose(self, text: str, field_name: str) -> str:
        return self._text(text, f"{self.where}: {field_name}", ())

    def _text(self, text: str, where: str, stack: tuple[str, ...]) -> str:
        return _INSERT.sub(lambda match: self.param(match[1], where, stack), text)

    def param(self, param_id: str, where: str, stack: tuple[str, ...]) -> str:
        """The parameter as text: its values, else its choices, else what is to be assigned."""
        param = self.scope.get(param_id)
        if param is None:
            self.problems.append(f"{where}: unknown parameter {param_id!r}")
            return f"[{param_id}]"
        if param_id in stack:
            self.problems.append(f"{where}: parameter {param_id!r} inserts itself")
            return f"[{param_id}]"
        inner = f"{self.where}: params.{param_id}"
        stack = (*stack, param_id)
        values = [
            self._text(v, inner, stack) for v in param.get("values") or [] if isinstance(v, str)
        ]
        if values:
            return ", ".join(value.strip() for value in values)
        select = param.get("select")
        if isinstance(select, dict):
            choices = [
                self._text(choice, inner, stack).strip()
                for choice in select.get("choice") or []
                if isinstance(choice, str)
            ]
            many = " (one or more)" if select.get("how-many") == "one-or-more" else ""
            return f"[Selection{many}: {'; '.join(choices)}]"
        return f"[Assignment: {self._text(_assignment(param), inner, stack).strip()}]"


def _assignment(param: Node) -> str:
    label = param.get("label")
    if isinstance(label, str) and label.strip():
        return label
    for guideline in _dicts(param.get("guidelines")):
        if isinstance(guideline.get("prose"), str) and guideline["prose"].strip():
            return str(guideline["prose"])
    return str(param["id"])


def _label(part: Node) -> str:
    """The part's label, e.g. "a.": the plain one if the part has several (NIST adds classed
    variants such as "AC-02a." for SP 800-53A)."""
    labels = [
        prop
        for prop in _dicts(part.get("props"))
        if prop.get("name") == "label" and isinstance(prop.get("value"), str)
    ]
    chosen = [prop for prop in labels if "class" not in prop] or labels
    return str(chosen[0]["value"]).strip() if chosen else ""


# --- Export -------------------------------------------------------------------------------------


def export_oscal(catalogue: Catalogue) -> dict[str, Any]:
    """The catalogue as an OSCAL 1.1.2 catalog (a JSON-ready dict)."""
    ids = _Ids()
    by_area: dict[int, list[Requirement]] = {}
    for requirement in requirements_of(catalogue):
        by_area.setdefault(requirement.area_id, []).append(requirement)
    document: dict[str, Any] = {
        "uuid": _uuid(catalogue),
        "metadata": _metadata_out(catalogue),
        "groups": [
            _group_out(area, by_area.get(area.pk, []), ids) for area in catalogue.areas.all()
        ],
    }
    resources = [
        _compact(
            {
                "uuid": _uuid(catalogue, language),
                "title": _line(catalogue.title.get(language, "")),
                "description": catalogue.description.get(language, "").strip(),
                "props": [_prop("translation", language)],
            }
        )
        for language in _languages(catalogue.title, catalogue.description)
    ]
    if resources:
        document["back-matter"] = {"resources": resources}
    return {"catalog": document}


def _metadata_out(catalogue: Catalogue) -> dict[str, Any]:
    return _compact(
        {
            "title": _line(localised(catalogue.title, "en")) or catalogue.key,
            "last-modified": catalogue.imported_at.astimezone(UTC).isoformat(),
            "version": catalogue.version.strip(),
            "oscal-version": OSCAL_VERSION,
            "props": [_prop("catalogue-key", catalogue.key), _prop("source", catalogue.source)],
            "remarks": localised(catalogue.description, "en").strip(),
        }
    )


def _group_out(area: Area, requirements: list[Requirement], ids: _Ids) -> dict[str, Any]:
    group_id = ids.claim(area.key)
    return _compact(
        {
            "id": group_id,
            "title": _line(localised(area.title, "en")) or area.key,
            "parts": [
                {
                    "id": ids.claim(f"{group_id}_{language}"),
                    "name": "translation",
                    "ns": NAMESPACE,
                    "class": _token(language),
                    "title": _line(area.title[language]),
                }
                for language in _languages(area.title)
                if _line(area.title[language])
            ],
            "controls": [_control_out(requirement, ids) for requirement in requirements],
        }
    )


# (text field, OSCAL part name, id suffix, in Tillit's namespace)
_PARTS = (
    ("ska", "statement", "smt", False),
    ("motive", "guidance", "gdn", False),
    ("verification", "assessment-objective", "obj", False),
    ("ar", "current-state", "cur", True),
)


def _control_out(requirement: Requirement, ids: _Ids) -> dict[str, Any]:
    control_id = ids.claim(requirement.key.lower())
    inserts = {
        name: ids.claim(f"{control_id}_prm_{_NOT_TOKEN.sub('_', name)}")
        for name in requirement.parameters
    }
    parts = []
    for text_field, part_name, suffix, own in _PARTS:
        prose = _prose(localised(getattr(requirement, text_field), "en"), inserts)
        if prose:
            part = {"id": ids.claim(f"{control_id}_{suffix}"), "name": part_name, "prose": prose}
            parts.append(part | ({"ns": NAMESPACE} if own else {}))
    parts += [
        _translation(requirement, control_id, language, inserts, ids)
        for language in _languages(
            requirement.title,
            requirement.ska,
            requirement.ar,
            requirement.motive,
            requirement.verification,
        )
    ]
    return _compact(
        {
            "id": control_id,
            "title": _line(localised(requirement.title, "en")) or requirement.key,
            "params": [
                _param_out(inserts[name], name, spec)
                for name, spec in requirement.parameters.items()
            ],
            "props": [
                {"name": "label", "value": requirement.key},
                *(
                    _prop("reference", reference.value, reference.scheme)
                    for reference in requirement.references.all()
                ),
                _prop("applies-when", _json(requirement.applies_when)),
                _prop("ska-when", _json(requirement.ska_when)),
            ],
            "parts": parts,
        }
    )


def _translation(
    requirement: Requirement, control_id: str, language: str, inserts: dict[str, str], ids: _Ids
) -> dict[str, Any]:
    part_id = ids.claim(f"{control_id}_{language}")
    texts = [
        (text_field, _prose(getattr(requirement, text_field).get(language, ""), inserts))
        for text_field, _name, _suffix, _own in _PARTS
    ]
    return _compact(
        {
            "id": part_id,
            "name": "translation",
            "ns": NAMESPACE,
            "class": _token(language),
            "title": _line(requirement.title.get(language, "")),
            "parts": [
                {
                    "id": ids.claim(f"{part_id}.{text_field}"),
                    "name": text_field,
                    "ns": NAMESPACE,
                    "prose": prose,
                }
                for text_field, prose in texts
                if prose
            ],
        }
    )


def _param_out(param_id: str, name: str, spec: dict[str, Any]) -> dict[str, Any]:
    default = spec.get("default")
    values = [] if default is None else default if isinstance(default, list) else [default]
    return _compact(
        {
            "id": param_id,
            "label": _line(name) or name,
            "props": [
                _prop("default", _json(default)),
                *([_prop("when", _json(spec["when"]))] if spec.get("when") else []),
            ],
            "values": [text for value in values if (text := str(value).strip())],
        }
    )


def _prose(template: str, inserts: dict[str, str]) -> str:
    """A text template with its {name} placeholders as OSCAL parameter inserts.

    Without parameters a text is stored as written (see Requirement.text), so it is left alone.
    """
    template = template.strip()
    if not inserts:
        return template
    try:
        pieces = list(string.Formatter().parse(template))
    except ValueError:
        return template
    out = []
    for literal, name, _spec, _conversion in pieces:
        out.append(literal)
        if name is not None:
            out.append(
                f"{{{{ insert: param, {inserts[name]} }}}}" if name in inserts else f"{{{name}}}"
            )
    return "".join(out)


def _languages(*texts: dict[str, str]) -> list[str]:
    """Languages other than English that any of the texts has, in a stable order."""
    found = {language for text in texts for language, value in text.items() if value.strip()}
    return sorted(found - {"en"})


def _prop(name: str, value: str, class_: str | None = None) -> dict[str, str]:
    prop = {"name": name, "ns": NAMESPACE, "value": value}
    return prop | ({"class": _token(class_)} if class_ else {})


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _line(text: str) -> str:
    """OSCAL titles are one line."""
    return " ".join(text.split())


def _uuid(catalogue: Catalogue, *extra: str) -> str:
    return str(uuid.uuid5(_UUID_NAMESPACE, "/".join((catalogue.key, catalogue.version, *extra))))


def _compact(node: dict[str, Any]) -> dict[str, Any]:
    """Without empty values: OSCAL forbids empty arrays and empty strings."""
    return {key: value for key, value in node.items() if value not in ("", [], None)}


def _token(text: str) -> str:
    """An OSCAL token: a letter or _ first, then letters, digits, _, . and -."""
    token = _NOT_TOKEN.sub("-", text)
    return (
        token if token[:1].isascii() and (token[:1].isalpha() or token[:1] == "_") else f"_{token}"
    )


class _Ids:
    """Every id in the exported document, kept unique."""

    def __init__(self) -> None:
        self._used: set[str] = set()

    def claim(self, candidate: str) -> str:
        token = _token(candidate)
        found, number = token, 1
        while found in self._used:
            number += 1
            found = f"{token}-{number}"
        self._used.add(found)
        return found
