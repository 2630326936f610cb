from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tillit.organisations.roles import Role


class OrganisationKind(models.TextChoices):
    MUNICIPALITY = "kommun", _("Municipality")
    REGION = "region", _("Region")
    AGENCY = "myndighet", _("Government agency")
    MUNICIPAL_COMPANY = "kommunalt_bolag", _("Municipal company")
    OTHER = "annan", _("Other")


class Nis2Category(models.TextChoices):
    """Classification under the Swedish cybersecurity act (cybersäkerhetslagen 2025:1506)."""

    ESSENTIAL = "vasentlig", _("Essential entity")
    IMPORTANT = "viktig", _("Important entity")
    NOT_COVERED = "ej", _("Not covered")


class Organisation(models.Model):
    """A tenant: a municipality, region, agency or company that uses Tillit."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    orgnr = models.CharField(_("organisation number"), max_length=11, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=OrganisationKind.choices)
    nis2 = models.CharField(
        _("cybersecurity act (NIS2)"), max_length=10, choices=Nis2Category.choices
    )
    security_email = models.EmailField(_("security function e-mail"), blank=True)
    # Whether the organisation takes part, by name, in the instance-wide concentration view
    # (and sees it). Organisations that do not are counted but never named.
    share_concentration = models.BooleanField(_("share in the concentration view"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=OrganisationKind.values),
                name="organisations_organisation_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(nis2__in=Nis2Category.values),
                name="organisations_organisation_nis2_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """One role a user holds in an organisation. A user may hold several roles."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships", db_index=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user", "role"], name="organisations_membership_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values),
                name="organisations_membership_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.organisation}"
