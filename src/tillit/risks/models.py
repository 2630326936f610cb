"""The risk register: each organisation's risks, and its risk settings (matrix size and risk
appetite). The matrix rules themselves are data in tillit.risks.matrix."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tillit.assessments.models import Finding
from tillit.classification.models import Asset
from tillit.incidents.models import Case
from tillit.organisations.models import Organisation
from tillit.risks.matrix import DEFAULT_SIZE, MATRICES, SIZES, Matrix, size_label
from tillit.suppliers.models import Contract, Supplier

# The largest matrix bounds every stored value; the organisation's own size is checked by the
# services.
_MAX = max(SIZES)


class RiskSettings(models.Model):
    """How an organisation measures risk. Without a record, the defaults apply."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="risk_settings"
    )
    matrix_size = models.PositiveSmallIntegerField(
        _("matrix"),
        choices=[(size, size_label(size)) for size in SIZES],
        default=DEFAULT_SIZE,
    )
    appetite = models.PositiveSmallIntegerField(
        _("risk appetite"), default=MATRICES[DEFAULT_SIZE].default_appetite
    )

    class Meta:
        verbose_name = _("risk settings")
        verbose_name_plural = _("risk settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(matrix_size__in=SIZES), name="risks_settings_size_valid"
            ),
            models.CheckConstraint(
                condition=Q(appetite__gte=1, appetite__lte=2 * models.F("matrix_size") - 1),
                name="risks_settings_appetite_valid",
            ),
        ]

    def __str__(self) -> str:
        return str(self.organisation)

    @property
    def matrix(self) -> Matrix:
        return MATRICES[self.matrix_size]


class Treatment(models.TextChoices):
    REDUCE = "reduce", _("Reduce")
    ACCEPT = "accept", _("Accept")
    TRANSFER = "transfer", _("Transfer")
    AVOID = "avoid", _("Avoid")


class RiskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    TREATING = "treating", _("Being treated")
    ACCEPTED = "accepted", _("Risk accepted")
    CLOSED = "closed", _("Closed")


class Risk(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="risks", db_index=False
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # What the risk concerns; each of the same organisation (the supplier: one it has a
    # relation with). Removing the linked object keeps the risk.
    supplier = models.ForeignKey(
        Supplier, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    contract = models.ForeignKey(
        Contract, on_delete=models.SET_NULL, null=True, blank=True, related_name="risks"
    )
    asset = models.ForeignKey(
        Asset, on_delete=models.SET_NULL, null=True, blank=True, related_name="risks"
    )
    finding = models.ForeignKey(
        Finding, on_delete=models.SET_NULL, null=True, blank=True, related_name="risks"
    )
    case = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="risks"
    )
    inherent_likelihood = models.PositiveSmallIntegerField(_("likelihood before measures"))
    inherent_consequence = models.PositiveSmallIntegerField(_("consequence before measures"))
    residual_likelihood = models.PositiveSmallIntegerField(_("likelihood after measures"))
    residual_consequence = models.PositiveSmallIntegerField(_("consequence after measures"))
    treatment = models.CharField(
        _("treatment"), max_length=10, choices=Treatment.choices, blank=True
    )
    measures = models.TextField(_("measures"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    due_on = models.DateField(_("measures due"), null=True, blank=True)
    review_on = models.DateField(_("next review"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=RiskStatus.choices, default=RiskStatus.OPEN
    )
    # The decision to live with the residual risk (status accepted).
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    acceptance_reason = models.TextField(_("reason for accepting"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title", "created_at"]
        verbose_name = _("risk")
        verbose_name_plural = _("risks")
        constraints = [
            models.CheckConstraint(
                condition=Q(inherent_likelihood__gte=1, inherent_likelihood__lte=_MAX)
                & Q(inherent_consequence__gte=1, inherent_consequence__lte=_MAX)
                & Q(residual_likelihood__gte=1, residual_likelihood__lte=_MAX)
                & Q(residual_consequence__gte=1, residual_consequence__lte=_MAX),
                name="risks_risk_values_on_matrix",
            ),
            # Measures do not make a risk more likely or its consequence worse.
            models.CheckConstraint(
                condition=Q(residual_likelihood__lte=models.F("inherent_likelihood"))
                & Q(residual_consequence__lte=models.F("inherent_consequence")),
                name="risks_risk_residual_not_above_inherent",
            ),
            models.CheckConstraint(
                condition=Q(treatment__in=[*Treatment.values, ""]),
                name="risks_risk_treatment_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=RiskStatus.values), name="risks_risk_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=RiskStatus.ACCEPTED) | Q(accepted_on__isnull=False),
                name="risks_risk_accepted_has_date",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self) -> str:
        return self.title
