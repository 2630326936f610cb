"""Rows as JSON Lines and back, through Django's serializers, exactly as they are.

Django's JSON encoder cuts times to milliseconds: an audit event's hash covers its time to the
microsecond, so times are written in full here. Every reference is the primary key as it is,
except to content types and permissions (scope.BY_NATURAL_KEY). Loading inserts each row as it
was (a raw save: no save() method, no defaults, auto_now left alone) and Django's own
many-to-many links in bulk.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any

from django.core.serializers import jsonl
from django.core.serializers.base import DeserializedObject
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from tillit.backup.scope import BY_NATURAL_KEY, label, link_fields, link_model


class _Encoder(DjangoJSONEncoder):
    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime | dt.time):
            return o.isoformat()
        return super().default(o)


class _Serializer(jsonl.Serializer):
    """JSON Lines with natural keys only for rows that migrate makes (see the module)."""

    def handle_fk_field(self, obj: models.Model, field: models.Field[Any, Any]) -> None:
        self.use_natural_foreign_keys = _by_natural_key(field)
        super().handle_fk_field(obj, field)

    def handle_m2m_field(self, obj: models.Model, field: models.Field[Any, Any]) -> None:
        self.use_natural_foreign_keys = _by_natural_key(field)
        super().handle_m2m_field(obj, field)


def _by_natural_key(field: models.Field[Any, Any]) -> bool:
    related = field.related_model
    return isinstance(related, type) and label(related) in BY_NATURAL_KEY


# What str.splitlines() (and with it Django's JSON Lines deserializer) takes for a line break
# but JSON leaves unescaped in text: escaped, so that each record stays on its line.
_LINE_BREAKS = str.maketrans({"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def dump(rows: Iterable[models.Model]) -> str:
    text: str = _Serializer().serialize(rows, cls=_Encoder)
    return text.translate(_LINE_BREAKS)


def count(text: str, model: type[models.Model]) -> dict[str, int]:
    """How many rows of model, and links of each of its own many-to-many tables, text holds;
    ValueError if it holds anything else."""
    counts = dict.fromkeys([label(model), *(label(link_model(f)) for f in link_fields(model))], 0)
    for line in text.splitlines():
        record = json.loads(line)
        if record.get("model") != label(model):
            raise ValueError(f"a row of {record.get('model')} among those of {label(model)}")
        counts[label(model)] += 1
        for field in link_fields(model):
            counts[label(link_model(field))] += len(record["fields"].get(field.name, []))
    return counts


def load(text: str, model: type[models.Model]) -> dict[str, int]:
    """Insert the rows text holds, with their links; count them as count() does."""
    objects: list[DeserializedObject] = list(jsonl.Deserializer(text))
    linked = [(item.object.pk, item.m2m_data or {}) for item in objects]  # save() drops them
    for item in objects:
        if type(item.object) is not model:
            raise ValueError(f"a row of {label(type(item.object))} among those of {label(model)}")
        item.save(save_m2m=False, force_insert=True)
    counts = {label(model): len(objects)}
    for field in link_fields(model):
        through = link_model(field)
        source, target = f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"
        links = through._base_manager.bulk_create(
            through(**{source: pk, target: other})
            for pk, m2m in linked
            for other in m2m.get(field.name, [])
        )
        counts[label(through)] = len(links)
    return counts
