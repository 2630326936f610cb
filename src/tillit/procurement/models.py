"""Procurements, the requirement adjustments the officer justifies, tenders and their answers."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tillit.catalogue.models import Catalogue, Requirement
from tillit.classification.models import Asset
from tillit.organisations.models import Organisation


class Procedure(models.TextChoices):
    """Procurement procedures under LOU (2016:1145)."""

    OPEN = "oppet", _("Open procedure")
    SIMPLIFIED = "forenklat", _("Simplified procedure")
    RESTRICTED = "selektivt", _("Restricted procedure")
    NEGOTIATED = "forhandlat", _("Negotiated procedure")
    DIRECT = "direkt", _("Direct award")
    MINI_COMPETITION = "fornyad", _("Mini-competition under a framework agreement")


class Procurement(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="procurements"
    )
    name = models.CharField(_("name"), max_length=200)
    reference = models.CharField(_("reference number (diarienummer)"), max_length=100)
    procedure = models.CharField(_("procedure"), max_length=20, choices=Procedure.choices)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("procurement officer"),
    )
    catalogue = models.ForeignKey(Catalogue, on_delete=models.PROTECT, related_name="+")
    assets = models.ManyToManyField(Asset, related_name="procurements", verbose_name=_("assets"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("procurement")
        verbose_name_plural = _("procurements")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(procedure__in=Procedure.values),
                name="procurement_procedure_valid",
            )
        ]

    def __str__(self) -> str:
        return self.name


class AnnexPdf(models.Model):
    """The annex as laid out to PDF last, in one language, kept so that a download need not wait
    the seconds WeasyPrint takes over a long annex. `digest` is the SHA-256 of the HTML it was
    laid out from: when anything the annex says has changed since (requirements, adjustments,
    classifications, names, the date it carries), the digest differs and the copy is not used."""

    procurement = models.ForeignKey(
        Procurement, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    language = models.CharField(max_length=2)
    digest = models.CharField(max_length=64)
    pdf = models.BinaryField()
    made_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["procurement", "language"], name="procurement_annexpdf_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.procurement_id} ({self.language})"


class AdjustmentAction(models.TextChoices):
    DROP = "drop", _("Drop the requirement")
    DOWNGRADE = "downgrade", _("Make it desirable (bör) instead of mandatory (ska)")


class Adjustment(models.Model):
    """A derived requirement the officer dropped or weakened, with the written justification
    that the annex prints."""

    procurement = models.ForeignKey(
        Procurement, on_delete=models.CASCADE, related_name="adjustments", db_index=False
    )
    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=10, choices=AdjustmentAction.choices)
    justification = models.TextField(_("justification"))
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    made_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["requirement__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["procurement", "requirement"], name="procurement_adjustment_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(justification=""), name="procurement_adjustment_justified"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.requirement.key}: {self.action}"


class Tender(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    procurement = models.ForeignKey(
        Procurement, on_delete=models.CASCADE, related_name="tenders", db_index=False
    )
    tenderer = models.CharField(_("tenderer"), max_length=200)
    orgnr = models.CharField(_("organisation number"), max_length=11, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["tenderer"]
        constraints = [
            models.UniqueConstraint(
                fields=["procurement", "tenderer"], name="procurement_tender_unique"
            )
        ]

    def __str__(self) -> str:
        return self.tenderer


class TenderAnswer(models.Model):
    tender = models.ForeignKey(
        Tender, on_delete=models.CASCADE, related_name="answers", db_index=False
    )
    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT, related_name="+")
    fulfilled = models.BooleanField(_("fulfilled"))
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tender", "requirement"], name="procurement_answer_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.tender}: {self.requirement.key}"
