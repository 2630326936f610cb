from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One write, as an append-only, hash-chained row.

    Actor and organisation are kept as plain values rather than foreign keys so that no later
    deletion or cascade can rewrite a row (and so break the chain). Database triggers refuse
    UPDATE and DELETE; the chain detects what gets past them (see tillit.audit.chain).
    """

    id = models.BigAutoField(primary_key=True)
    created_at = models.DateTimeField(_("time"))
    actor_id = models.BigIntegerField(null=True)
    actor_label = models.CharField(_("who"), max_length=254)
    organisation_id = models.UUIDField(null=True, db_index=False)
    action = models.CharField(_("action"), max_length=100)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    changes = models.JSONField(_("changes"), default=dict)
    prev_hash = models.CharField(max_length=64, unique=True)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-id"]
        # An organisation's events, newest first; also its latest event (followup.store).
        indexes = [models.Index(fields=["organisation_id", "id"], name="audit_organisation_id")]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"
