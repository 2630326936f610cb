"""Supplier assessments: a questionnaire frozen from a requirement profile, the supplier's answers
through a portal link, the review, and the findings that follow."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tillit.catalogue.models import Catalogue, localised
from tillit.documents.models import Document
from tillit.organisations.models import Organisation
from tillit.suppliers.models import Contract, Supplier


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("With the supplier")
    SUBMITTED = "submitted", _("Submitted, under review")
    COMPLETED = "completed", _("Completed")


class Assessment(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="assessments"
    )
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="assessments")
    contracts = models.ManyToManyField(Contract, related_name="assessments")
    title = models.CharField(_("title"), max_length=200)
    # The catalogue version the questionnaire was generated from; the questions are copies.
    catalogue = models.ForeignKey(Catalogue, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=AssessmentStatus.choices,
        default=AssessmentStatus.DRAFT,
    )
    due_on = models.DateField(_("answer by"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=AssessmentStatus.values),
                name="assessment_status_valid",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def editable_by_supplier(self) -> bool:
        return self.status == AssessmentStatus.SENT


class Answer(models.TextChoices):
    MET = "met", _("Met")
    PARTIAL = "partial", _("Partly met")
    NOT_MET = "not_met", _("Not met")
    NOT_APPLICABLE = "na", _("Not applicable")


class Review(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class Question(models.Model):
    """One requirement as asked of the supplier, frozen when the assessment was created, with the
    supplier's answer and the reviewer's verdict on it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="questions", db_index=False
    )
    position = models.PositiveIntegerField()
    # The catalogue requirement's key; empty for a question added by hand.
    requirement_key = models.CharField(max_length=50, blank=True)
    area = models.JSONField(default=dict)  # {"sv": ..., "en": ...}
    title = models.JSONField(default=dict)
    text = models.JSONField(default=dict)
    verification = models.JSONField(default=dict)
    mandatory = models.BooleanField(_("mandatory (ska)"))

    answer = models.CharField(_("answer"), max_length=10, choices=Answer.choices, blank=True)
    description = models.TextField(_("description"), blank=True)
    evidence = models.ManyToManyField(Document, related_name="+", blank=True)
    answered_by = models.CharField(max_length=254, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    # Raised on every save of the answer, so two people editing at once cannot overwrite
    # each other unknowingly.
    version = models.PositiveIntegerField(default=0)

    review = models.CharField(_("review"), max_length=10, choices=Review.choices, blank=True)
    review_comment = models.TextField(_("reviewer's comment"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["assessment", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "position"], name="assessment_question_position_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(answer__in=[*Answer.values, ""]),
                name="assessment_question_answer_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(review__in=[*Review.values, ""]),
                name="assessment_question_review_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.requirement_key or localised(self.title)

    @property
    def label(self) -> str:
        return self.requirement_key or str(self.position)

    def localised(self, field: str) -> str:
        return localised(getattr(self, field))

    # For templates, which cannot pass the field name.
    @property
    def localised_area(self) -> str:
        return self.localised("area")

    @property
    def localised_title(self) -> str:
        return self.localised("title")

    @property
    def localised_text(self) -> str:
        return self.localised("text")

    @property
    def localised_verification(self) -> str:
        return self.localised("verification")


class PortalLink(models.Model):
    """A supplier contact's way into one assessment: a secret token (only its hash is kept) and
    a one-time code by e-mail before anything is shown."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="links")
    contact_name = models.CharField(_("contact's name"), max_length=200)
    contact_email = models.EmailField(_("contact's e-mail"))
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("valid until"))
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    code_hash = models.CharField(max_length=64, blank=True)
    code_expires_at = models.DateTimeField(null=True, blank=True)
    code_attempts = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.contact_email


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class FindingStatus(models.TextChoices):
    OPEN = "open", _("Open")
    REMEDIATED = "remediated", _("Remediated by the supplier")
    VERIFIED = "verified", _("Verified")
    CLOSED = "closed", _("Closed")


class Finding(models.Model):
    """A deviation (avvikelse) found in an assessment, with the action the supplier must take."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="findings")
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, null=True, blank=True, related_name="findings"
    )
    title = models.CharField(_("title"), max_length=300)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    required_action = models.TextField(_("required action"))
    supplier_owner = models.CharField(_("responsible at the supplier"), max_length=200, blank=True)
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=10, choices=FindingStatus.choices, default=FindingStatus.OPEN
    )
    supplier_response = models.TextField(_("the supplier's response"), blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["deadline", "created_at"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(severity__in=Severity.values), name="finding_severity_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=FindingStatus.values), name="finding_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["organisation", "status", "deadline"])]

    def __str__(self) -> str:
        return self.title


class SharingConsent(models.Model):
    """The supplier's consent, given through its portal link, to show a submitted assessment to
    other organisations on the instance: named ones, or all."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    assessment = models.OneToOneField(Assessment, on_delete=models.CASCADE, related_name="consent")
    all_organisations = models.BooleanField(_("every organisation on Tillit"), default=False)
    organisations = models.ManyToManyField(Organisation, related_name="+", blank=True)
    given_by = models.CharField(max_length=254)
    given_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return str(self.assessment)
