"""Suppliers (one identity across the instance), and each organisation's own contracts,
processor agreements, data locations, certificates and penetration tests with them.

Sub-processor links are facts about suppliers, shared by the whole instance: an incident at a
sub-processor must be traced through every chain, whichever organisation recorded the link.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tillit.classification.models import Asset
from tillit.documents.models import Document
from tillit.organisations.models import Organisation

ART_28_POINTS = ("a", "b", "c", "d", "e", "f", "g", "h")


class Supplier(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=200)
    country = models.CharField(_("country"), max_length=2, default="SE")
    # Swedish suppliers are keyed by organisationsnummer, foreign ones by registration number.
    # NULL rather than "" for the one that does not apply, so uniqueness ignores it.
    orgnr = models.CharField(  # noqa: DJ001
        _("organisation number"), max_length=11, null=True, blank=True
    )
    registration_number = models.CharField(  # noqa: DJ001
        _("registration number"), max_length=50, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")
        constraints = [
            models.UniqueConstraint(fields=["orgnr"], name="suppliers_supplier_orgnr_unique"),
            models.UniqueConstraint(
                fields=["country", "registration_number"],
                name="suppliers_supplier_registration_unique",
            ),
            models.CheckConstraint(
                condition=(Q(country="SE") & Q(orgnr__isnull=False))
                | (~Q(country="SE") & Q(orgnr__isnull=True) & Q(registration_number__isnull=False)),
                name="suppliers_supplier_identity",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def identifier(self) -> str:
        return self.orgnr or f"{self.country} {self.registration_number}"


class SupplierRelation(models.Model):
    """An organisation's own relationship to a supplier, and its private notes."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="supplier_relations", db_index=False
    )
    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="relations")
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "supplier"], name="suppliers_relation_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.supplier}"


class Contract(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="contracts", db_index=False
    )
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="contracts")
    assets: models.ManyToManyField[Asset, ContractAsset] = models.ManyToManyField(
        Asset, through="ContractAsset", related_name="contracts", verbose_name=_("assets")
    )
    service = models.CharField(_("service"), max_length=200)
    start = models.DateField(_("start"), null=True, blank=True)
    end = models.DateField(_("end"), null=True, blank=True)
    notice_period_days = models.PositiveIntegerField(_("notice period (days)"), null=True)
    annual_value = models.DecimalField(
        _("annual value (SEK)"), max_digits=14, decimal_places=2, null=True
    )
    customer_contact = models.CharField(_("our contact"), max_length=200, blank=True)
    supplier_contact = models.CharField(_("supplier's contact"), max_length=200, blank=True)
    sla_availability = models.DecimalField(
        _("availability (%)"), max_digits=6, decimal_places=3, null=True
    )
    incident_notice_hours = models.PositiveIntegerField(
        _("maximum time to notify us of an incident (hours)"), null=True
    )
    support_response_hours = models.PositiveIntegerField(
        _("support response time (hours)"), null=True
    )
    liability = models.BooleanField(_("liability and compensation for breaches"), default=False)
    liability_text = models.TextField(_("liability terms"), blank=True)
    right_to_audit = models.BooleanField(_("right to audit"), default=False)
    exit_clause = models.BooleanField(_("exit and return of data"), default=False)
    exit_text = models.TextField(_("exit terms"), blank=True)
    documents = models.ManyToManyField(Document, related_name="+", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["supplier__name", "service"]
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        # The supplier list's flags look up one organisation's contracts with a supplier; a
        # supplier alone may have contracts with hundreds of organisations.
        indexes = [
            models.Index(fields=["organisation", "supplier"], name="contract_org_supplier_idx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True)
                | Q(start__isnull=True)
                | Q(end__gte=models.F("start")),
                name="suppliers_contract_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(sla_availability__isnull=True)
                | Q(sla_availability__gte=0, sla_availability__lte=100),
                name="suppliers_contract_availability_percent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supplier} – {self.service}"


class ContractAsset(models.Model):
    """An asset a contract serves: the table Django would make for Contract.assets, less its
    index on the contract alone, which the unique (contract, asset) index serves as well. It
    cost every contract written one more index entry at a random place (100,000 of them in a
    national import)."""

    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="+")

    class Meta:
        db_table = "suppliers_contract_assets"
        unique_together = [("contract", "asset")]

    def __str__(self) -> str:
        return f"{self.contract} – {self.asset}"


class ProcessorAgreement(models.Model):
    """The personal-data processing agreement (PUB-avtal) of a contract, with a checklist of
    what GDPR Art. 28(3)(a)–(h) demands; a point not covered is a gap."""

    contract = models.OneToOneField(
        Contract, on_delete=models.CASCADE, related_name="processor_agreement"
    )
    signed_on = models.DateField(_("signed"), null=True, blank=True)
    version = models.CharField(_("version"), max_length=50, blank=True)
    covers_a = models.BooleanField(_("(a) documented instructions, incl. transfers"), default=False)
    covers_b = models.BooleanField(_("(b) confidentiality of staff"), default=False)
    covers_c = models.BooleanField(_("(c) security measures under Art. 32"), default=False)
    covers_d = models.BooleanField(_("(d) conditions for sub-processors"), default=False)
    covers_e = models.BooleanField(_("(e) help with data subjects' rights"), default=False)
    covers_f = models.BooleanField(_("(f) help with Art. 32–36 duties"), default=False)
    covers_g = models.BooleanField(_("(g) deletion or return at the end"), default=False)
    covers_h = models.BooleanField(_("(h) information and audits"), default=False)
    document = models.ForeignKey(Document, on_delete=models.SET_NULL, null=True, related_name="+")

    def __str__(self) -> str:
        return f"PUB {self.contract}"

    @property
    def gaps(self) -> list[str]:
        return [point for point in ART_28_POINTS if not getattr(self, f"covers_{point}")]


class TransferMechanism(models.TextChoices):
    NONE = "", _("None (within the EU/EEA)")
    ADEQUACY = "adequacy", _("Adequacy decision (Art. 45)")
    SCC = "scc", _("Standard contractual clauses (Art. 46)")
    BCR = "bcr", _("Binding corporate rules (Art. 47)")
    OTHER = "other", _("Other")


class DataLocation(models.Model):
    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="locations", db_index=False
    )
    country = models.CharField(_("country"), max_length=2)
    storage = models.BooleanField(_("stored"), default=True)
    processing = models.BooleanField(_("processed"), default=True)
    transfer_mechanism = models.CharField(
        _("transfer mechanism"), max_length=10, choices=TransferMechanism.choices, blank=True
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["country"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "country"], name="suppliers_location_unique"
            )
        ]

    def __str__(self) -> str:
        return self.country


class SubProcessor(models.Model):
    """supplier uses subprocessor for a service in a country (instance-wide fact)."""

    supplier = models.ForeignKey(
        Supplier, on_delete=models.CASCADE, related_name="subprocessors", db_index=False
    )
    subprocessor = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="used_by")
    service = models.CharField(_("service"), max_length=200)
    country = models.CharField(_("country"), max_length=2)
    recorded_by = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["supplier", "subprocessor", "service"], name="suppliers_subprocessor_unique"
            ),
            models.CheckConstraint(
                condition=~Q(supplier=models.F("subprocessor")),
                name="suppliers_subprocessor_not_self",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supplier} → {self.subprocessor}"


class SubProcessorList(models.Model):
    """The date of a supplier's published list of sub-processors, as last checked."""

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="published_lists")
    published_on = models.DateField(_("published"))
    source = models.CharField(_("where it is published"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-published_on"]

    def __str__(self) -> str:
        return f"{self.supplier} {self.published_on}"


class CertificateType(models.TextChoices):
    ISO_27001 = "iso27001", "ISO/IEC 27001"
    ISO_22301 = "iso22301", "ISO 22301"
    SOC2_TYPE2 = "soc2", "SOC 2 Type II"
    OTHER = "other", _("Other")


class Certificate(models.Model):
    """A certificate or assurance report of a supplier, as held by one organisation."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="certificates")
    kind = models.CharField(_("type"), max_length=10, choices=CertificateType.choices)
    issuer = models.CharField(_("issuer"), max_length=200)
    scope = models.TextField(_("scope"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    document = models.ForeignKey(Document, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-valid_until"]
        indexes = [
            models.Index(fields=["organisation", "supplier"], name="certificate_org_supplier_idx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")),
                name="suppliers_certificate_valid_period",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.supplier}"


class PenTest(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="pentests")
    performed_on = models.DateField(_("date"))
    performed_by = models.CharField(_("performed by"), max_length=200)
    scope = models.TextField(_("scope"))
    summary = models.TextField(_("summary"), blank=True)
    report = models.ForeignKey(Document, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-performed_on"]
        verbose_name = _("penetration test")
        verbose_name_plural = _("penetration tests")

    def __str__(self) -> str:
        return f"{self.supplier} {self.performed_on}"
