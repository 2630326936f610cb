"""The database schema as a whole, as the models declare it (the migrations check in CI keeps
the database equal to them)."""

from __future__ import annotations

from django.apps import apps
from django.db import models


def test_no_field_is_indexed_that_another_index_begins_with() -> None:
    """An index on one column that another index or unique constraint begins with only costs
    writes (every contract imported updated one more index): the longer one serves every
    look-up it would. Django indexes each foreign key; where a constraint or index begins with
    the field, the field says db_index=False. Many-to-many tables are Django's own."""
    redundant = []
    for model in apps.get_models():
        if not model.__module__.startswith("tillit."):
            continue
        meta = model._meta
        longer = [list(index.fields) for index in meta.indexes]
        longer += [
            list(constraint.fields)
            for constraint in meta.constraints
            if isinstance(constraint, models.UniqueConstraint)
        ]
        longer += [list(fields) for fields in meta.unique_together]
        firsts = {fields[0].lstrip("-") for fields in longer if len(fields) > 1}
        redundant += [
            f"{meta.label}.{field.name}"
            for field in meta.concrete_fields
            if getattr(field, "db_index", False) and not field.unique and field.name in firsts
        ]
    assert redundant == []
