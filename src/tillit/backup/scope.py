"""What a backup holds: every model of every installed app, except what the list below leaves
out and why, in an order where a model comes after the models it refers to."""

from __future__ import annotations

from django.apps import apps
from django.db import models

SKIPPED = {
    "sessions.session": "sessions: everyone signs in again after a restore",
    "usersessions.usersession": "the list of sessions, which end with the restore",
    "contenttypes.contenttype": "made by migrate on every database (referred to by natural key)",
    "auth.permission": "made by migrate on every database (referred to by natural key)",
    "django_tasks_database.dbtaskresult": "the background task queue and its results",
    "web.requestcount": "the rate limits' request counts, which start again",
    "followup.planitem": "the stored follow-up plans, worked out again from the data",
    "followup.planstate": "the stored follow-up plans, worked out again from the data",
    "procurement.annexpdf": "annexes kept as PDF, laid out again by the next download",
}

# Rows that migrate makes on every database, each under ids of its own: a backup refers to them
# by their natural keys (content type and codename), never by their ids.
BY_NATURAL_KEY = ("contenttypes.contenttype", "auth.permission")


def label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def backed_up_models() -> list[type[models.Model]]:
    """The models whose rows a backup holds, referenced models first as far as cycles allow (a
    cycle, such as an asset and its current classification, does no harm: foreign keys are
    checked when the restore commits)."""
    chosen = [
        model
        for model in apps.get_models()
        if model._meta.managed
        and not model._meta.proxy
        and not model._meta.swapped
        and label(model) not in SKIPPED
    ]
    ordered: list[type[models.Model]] = []
    remaining = list(chosen)
    while remaining:
        placed = set(ordered)
        ready = [m for m in remaining if _refers_to(m, set(chosen)) <= placed | {m}]
        # In a cycle nothing is ready: take the first and carry on.
        for model in ready or remaining[:1]:
            ordered.append(model)
            remaining.remove(model)
    return ordered


def link_fields(
    model: type[models.Model],
) -> list[models.ManyToManyField[models.Model, models.Model]]:
    """The model's many-to-many fields with a table of Django's own: their links are stored with
    the model's rows (a table of the project's own is a model and is backed up as one)."""
    return [
        field
        for field in model._meta.local_many_to_many
        if isinstance(field, models.ManyToManyField) and link_model(field)._meta.auto_created
    ]


def link_model(field: models.ManyToManyField[models.Model, models.Model]) -> type[models.Model]:
    through = field.remote_field.through
    if not isinstance(through, type):  # a name not yet resolved: never once apps are ready
        raise TypeError(f"{field} has no through model")
    return through


def _refers_to(
    model: type[models.Model], among: set[type[models.Model]]
) -> set[type[models.Model]]:
    related = {
        field.related_model
        for field in [*model._meta.concrete_fields, *model._meta.local_many_to_many]
        if field.is_relation and isinstance(field.related_model, type)
    }
    return {other for other in related if other in among}
