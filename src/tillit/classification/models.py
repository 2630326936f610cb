"""Information assets (informationsmängder / system) and their versioned classifications."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tillit.catalogue.rules import ASPECTS, Facts
from tillit.organisations.models import Organisation

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Level(models.IntegerChoices):
    """SKR's KLASSA / MSB scale of harm, 0–4."""

    NONE = 0, _("0 – no or negligible harm")
    MODERATE = 1, _("1 – moderate harm")
    SIGNIFICANT = 2, _("2 – significant harm")
    SERIOUS = 3, _("3 – serious harm")
    VERY_SERIOUS = 4, _("4 – very serious harm")


class ProtectedIdentities(models.TextChoices):
    """Protection of identity, in rising order (skyddade personuppgifter)."""

    NONE = "none", _("None")
    SECRECY_MARKING = "sekretessmarkering", _("Secrecy marking (sekretessmarkering)")
    PROTECTED_REGISTRATION = (
        "skyddad_folkbokforing",
        _("Protected population registration (skyddad folkbokföring)"),
    )
    FICTITIOUS_IDENTITY = "fingerade", _("Fictitious identity (fingerade personuppgifter)")


class Asset(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="assets", db_index=False
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="owned_assets",
        verbose_name=_("owner"),
    )
    # The latest classification version, kept by classification_create in the same transaction.
    current = models.OneToOneField(
        "Classification", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("information asset")
        verbose_name_plural = _("information assets")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="classification_asset_name_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


def _level_field(label: StrOrPromise) -> models.PositiveSmallIntegerField[int, int]:
    return models.PositiveSmallIntegerField(label, choices=Level.choices)


class Classification(models.Model):
    """One version of an asset's classification. Never edited: a change is a new version."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    asset = models.ForeignKey(
        Asset, on_delete=models.CASCADE, related_name="classifications", db_index=False
    )
    version = models.PositiveIntegerField()
    confidentiality = _level_field(_("confidentiality"))
    integrity = _level_field(_("integrity"))
    availability = _level_field(_("availability"))
    traceability = _level_field(_("traceability"))
    # The guided answers per aspect, and for each aspect whose level differs from the
    # suggestion: {"aspect": {"suggested": n, "reason": "..."}}.
    answers = models.JSONField(default=dict)
    overrides = models.JSONField(default=dict)
    personal_data = models.BooleanField(_("personal data"), default=False)
    sensitive_data = models.BooleanField(_("sensitive personal data (GDPR Art. 9)"), default=False)
    criminal_data = models.BooleanField(_("criminal offence data (GDPR Art. 10)"), default=False)
    personnummer = models.BooleanField(_("personal identity numbers"), default=False)
    children = models.BooleanField(_("data on children"), default=False)
    protected_identities = models.CharField(
        _("protected identities"),
        max_length=30,
        choices=ProtectedIdentities.choices,
        default=ProtectedIdentities.NONE,
    )
    data_subjects = models.PositiveIntegerField(_("approximate number of data subjects"), default=0)
    osl_secrecy = models.BooleanField(_("covered by secrecy (OSL)"), default=False)
    osl_reference = models.CharField(_("OSL chapter and section"), max_length=100, blank=True)
    classified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    classified_at = models.DateTimeField()
    review_due = models.DateField(_("review due"))

    class Meta:
        ordering = ["-version"]
        verbose_name = _("classification")
        verbose_name_plural = _("classifications")
        constraints = [
            models.UniqueConstraint(
                fields=["asset", "version"], name="classification_version_unique"
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{aspect}__lte": 4}), name=f"classification_{aspect}_0_4"
                )
                for aspect in ASPECTS
            ],
            # Every personal-data detail implies personal data.
            models.CheckConstraint(
                condition=Q(personal_data=True)
                | Q(
                    sensitive_data=False,
                    criminal_data=False,
                    personnummer=False,
                    children=False,
                    protected_identities=ProtectedIdentities.NONE,
                    data_subjects=0,
                ),
                name="classification_personal_data_consistent",
            ),
            models.CheckConstraint(
                condition=Q(osl_secrecy=True) | Q(osl_reference=""),
                name="classification_osl_reference_needs_secrecy",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.asset} v{self.version}"

    @property
    def max_level(self) -> int:
        return max(self.confidentiality, self.integrity, self.availability, self.traceability)

    @property
    def security_protection(self) -> bool:
        return self.max_level >= Level.VERY_SERIOUS

    def facts(self) -> Facts:
        return Facts(
            confidentiality=self.confidentiality,
            integrity=self.integrity,
            availability=self.availability,
            traceability=self.traceability,
            personal_data=self.personal_data,
            sensitive_data=self.sensitive_data,
            criminal_data=self.criminal_data,
            personnummer=self.personnummer,
            children=self.children,
            protected_identities=self.protected_identities != ProtectedIdentities.NONE,
            osl_secrecy=self.osl_secrecy,
            data_subjects=self.data_subjects,
        )
