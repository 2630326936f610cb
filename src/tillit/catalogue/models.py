"""Requirement catalogues: shared by every organisation on the instance, versioned, read-only
once imported (a change is a new version)."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from tillit.catalogue.derivation import RequirementRule
from tillit.catalogue.schema import ParameterSpec


def localised(text: dict[str, str], language: str | None = None) -> str:
    """The text in the active language, else Swedish, else whatever there is."""
    language = language or translation.get_language() or "sv"
    return text.get(language) or text.get("sv") or next(iter(text.values()), "")


class CatalogueSource(models.TextChoices):
    TILLIT = "tillit", _("Tillit catalogue file")
    OSCAL = "oscal", _("OSCAL catalog")


class Catalogue(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    key = models.SlugField(max_length=100, db_index=False)
    version = models.CharField(max_length=50)
    title = models.JSONField()
    description = models.JSONField(default=dict)
    source = models.CharField(max_length=10, choices=CatalogueSource.choices)
    content_hash = models.CharField(max_length=64)
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["key", "-imported_at"]
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="catalogue_key_version_unique")
        ]

    def __str__(self) -> str:
        return f"{localised(self.title)} {self.version}"


class Area(models.Model):
    catalogue = models.ForeignKey(
        Catalogue, on_delete=models.CASCADE, related_name="areas", db_index=False
    )
    key = models.CharField(max_length=100)
    title = models.JSONField()
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["catalogue", "key"], name="catalogue_area_unique")
        ]

    def __str__(self) -> str:
        return localised(self.title)


class Requirement(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    catalogue = models.ForeignKey(
        Catalogue, on_delete=models.CASCADE, related_name="requirements", db_index=False
    )
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="requirements")
    key = models.CharField(max_length=50)
    position = models.PositiveIntegerField()
    title = models.JSONField()
    ska = models.JSONField()
    ar = models.JSONField(default=dict)
    motive = models.JSONField(default=dict)
    verification = models.JSONField(default=dict)
    parameters = models.JSONField(default=dict)
    applies_when = models.JSONField()
    ska_when = models.JSONField()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["catalogue", "key"], name="catalogue_requirement_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.key} {localised(self.title)}"

    def rule(self) -> RequirementRule:
        return RequirementRule(
            key=self.key,
            applies_when=self.applies_when,
            ska_when=self.ska_when,
            parameters={
                name: ParameterSpec(
                    spec["default"], tuple((case["if"], case["value"]) for case in spec["when"])
                )
                for name, spec in self.parameters.items()
            },
        )

    def text(self, field: str, parameters: dict[str, Any], language: str | None = None) -> str:
        """A text field in the given language with its parameters filled in."""
        template = localised(getattr(self, field), language)
        if not self.parameters:
            return template
        return template.format_map({name: parameters.get(name, "…") for name in self.parameters})


class Reference(models.Model):
    requirement = models.ForeignKey(
        Requirement, on_delete=models.CASCADE, related_name="references", db_index=False
    )
    scheme = models.CharField(max_length=30)
    value = models.CharField(max_length=50)

    class Meta:
        ordering = ["scheme", "value"]
        indexes = [models.Index(fields=["scheme", "value"], name="catalogue_reference_lookup")]
        constraints = [
            models.UniqueConstraint(
                fields=["requirement", "scheme", "value"], name="catalogue_reference_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.scheme} {self.value}"
