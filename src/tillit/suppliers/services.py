"""Writes to suppliers, contracts and what hangs on them: validated, atomic, audit-logged."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tillit.accounts.models import User
from tillit.audit.services import audit_record, audited_update, diff, snapshot
from tillit.classification.models import Asset
from tillit.documents.models import Document
from tillit.lib.countries import is_country, is_eu_eea
from tillit.lib.orgnr import normalise_orgnr
from tillit.organisations.models import Organisation
from tillit.suppliers.models import (
    ART_28_POINTS,
    Certificate,
    Contract,
    DataLocation,
    PenTest,
    ProcessorAgreement,
    SubProcessor,
    Supplier,
    SupplierRelation,
    TransferMechanism,
)

CONTRACT_FIELDS = [
    "service",
    "start",
    "end",
    "notice_period_days",
    "annual_value",
    "customer_contact",
    "supplier_contact",
    "sla_availability",
    "incident_notice_hours",
    "support_response_hours",
    "liability",
    "liability_text",
    "right_to_audit",
    "exit_clause",
    "exit_text",
]
# The largest terms a contract may state: what no contract says, and a date's reach (the plan
# works the last day for notice out from the end).
MAX_NOTICE_DAYS = 36_500
MAX_HOURS = 100_000


def supplier_identity(
    *, country: str, orgnr: str = "", registration_number: str = ""
) -> dict[str, Any]:
    """The lookup that identifies a supplier, or ValidationError saying what is missing."""
    country = (country or "SE").strip().upper()
    if not is_country(country):
        raise ValidationError({"country": _("Unknown country code: %(code)s") % {"code": country}})
    if country == "SE":
        try:
            return {"orgnr": normalise_orgnr(orgnr or "")}
        except ValidationError as exc:
            raise ValidationError({"orgnr": exc.error_list}) from None
    registration_number = (registration_number or "").strip()
    if not registration_number:
        raise ValidationError(
            {"registration_number": _("A foreign supplier needs its registration number.")}
        )
    return {"country": country, "registration_number": registration_number}


@transaction.atomic
def supplier_get_or_create(
    *,
    acting_user: User | None,
    name: str,
    country: str = "SE",
    orgnr: str = "",
    registration_number: str = "",
) -> tuple[Supplier, bool]:
    """The one supplier with this identity, created if it is new to the instance."""
    identity = supplier_identity(
        country=country, orgnr=orgnr, registration_number=registration_number
    )
    existing = Supplier.objects.filter(**identity).first()
    if existing is not None:
        return existing, False
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the supplier's name.")})
    supplier = Supplier.objects.create(name=name, **({"country": "SE"} | identity))
    audit_record(
        actor=acting_user,
        organisation_id=None,
        action="supplier.create",
        obj=supplier,
        changes=diff({}, {"name": name, **identity}),
    )
    return supplier, True


@transaction.atomic
def relation_ensure(
    *, acting_user: User | None, organisation: Organisation, supplier: Supplier
) -> SupplierRelation:
    """The organisation's relationship to the supplier; its creation is audited."""
    relation, created = SupplierRelation.objects.get_or_create(
        organisation=organisation, supplier=supplier
    )
    if created:
        audit_record(
            actor=acting_user,
            organisation_id=organisation.id,
            action="supplier.relation_create",
            obj=relation,
            changes=diff({}, {"supplier": supplier.identifier}),
        )
    return relation


def _check_contract(contract: Contract, assets: list[Asset] | None = None) -> None:
    errors: dict[str, list[ValidationError]] = {}
    if not contract.service.strip():
        errors["service"] = [ValidationError(_("Describe the service."))]
    if contract.start and contract.end and contract.end < contract.start:
        errors["end"] = [ValidationError(_("The contract cannot end before it starts."))]
    if contract.sla_availability is not None and not (
        Decimal(0) <= contract.sla_availability <= Decimal(100)
    ):
        errors["sla_availability"] = [ValidationError(_("Availability is a percentage, 0–100."))]
    for name, most in (
        ("notice_period_days", MAX_NOTICE_DAYS),
        ("incident_notice_hours", MAX_HOURS),
        ("support_response_hours", MAX_HOURS),
    ):
        value = getattr(contract, name)
        if value is not None and not 0 <= value <= most:
            errors[name] = [
                ValidationError(_("Give a number from 0 to %(most)s.") % {"most": most})
            ]
    if assets is not None and any(a.organisation_id != contract.organisation_id for a in assets):
        errors["assets"] = [ValidationError(_("Choose assets of your own organisation."))]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def contract_create(
    *,
    acting_user: User,
    organisation: Organisation,
    supplier: Supplier,
    assets: list[Asset],
    **values: Any,
) -> Contract:
    unknown = values.keys() - set(CONTRACT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown contract fields: {', '.join(sorted(unknown))}")
    contract = Contract(organisation=organisation, supplier=supplier, **values)
    _check_contract(contract, assets)
    contract.save()
    contract.assets.set(assets)
    relation_ensure(acting_user=acting_user, organisation=organisation, supplier=supplier)
    audit_record(
        actor=acting_user,
        organisation_id=organisation.id,
        action="contract.create",
        obj=contract,
        changes=diff(
            {},
            snapshot(contract, CONTRACT_FIELDS)
            | {"supplier": supplier.identifier, "assets": sorted(a.name for a in assets)},
        ),
    )
    return contract


@transaction.atomic
def contract_update(
    *, acting_user: User, contract: Contract, assets: list[Asset] | None = None, **values: Any
) -> Contract:
    if assets is not None:
        _check_contract(contract, assets)
        before = sorted(contract.assets.values_list("name", flat=True))
        after = sorted(asset.name for asset in assets)
        if before != after:
            contract.assets.set(assets)
            audit_record(
                actor=acting_user,
                organisation_id=contract.organisation_id,
                action="contract.assets",
                obj=contract,
                changes={"assets": [before, after]},
            )
    return audited_update(
        acting_user=acting_user,
        instance=contract,
        editable=CONTRACT_FIELDS,
        values=values,
        validate=_check_contract,
        action="contract.update",
        organisation_id=contract.organisation_id,
    )


@transaction.atomic
def processor_agreement_set(
    *,
    acting_user: User,
    contract: Contract,
    signed_on: dt.date | None,
    version: str = "",
    covered: set[str],
    document: Document | None = None,
) -> ProcessorAgreement:
    unknown = covered - set(ART_28_POINTS)
    if unknown:
        raise ValidationError(
            _("Unknown Art. 28(3) points: %(points)s") % {"points": ", ".join(sorted(unknown))}
        )
    agreement = ProcessorAgreement.objects.filter(contract=contract).first()
    fields = ["signed_on", "version", *[f"covers_{p}" for p in ART_28_POINTS]]
    before = snapshot(agreement, fields) if agreement else {}
    agreement = agreement or ProcessorAgreement(contract=contract)
    agreement.signed_on = signed_on
    agreement.version = version.strip()
    for point in ART_28_POINTS:
        setattr(agreement, f"covers_{point}", point in covered)
    if document is not None:
        agreement.document = document
    agreement.save()
    changes = diff(before, snapshot(agreement, fields))
    if changes:
        audit_record(
            actor=acting_user,
            organisation_id=contract.organisation_id,
            action="processor_agreement.set",
            obj=agreement,
            changes=changes,
        )
    return agreement


@transaction.atomic
def data_location_add(
    *,
    acting_user: User,
    contract: Contract,
    country: str,
    storage: bool = True,
    processing: bool = True,
    transfer_mechanism: str = "",
    note: str = "",
) -> DataLocation:
    country = country.strip().upper()
    errors: dict[str, list[ValidationError]] = {}
    if not is_country(country):
        errors["country"] = [
            ValidationError(_("Unknown country code: %(code)s") % {"code": country})
        ]
    elif contract.locations.filter(country=country).exists():
        errors["country"] = [ValidationError(_("This country is already listed."))]
    if transfer_mechanism not in TransferMechanism.values:
        errors["transfer_mechanism"] = [ValidationError(_("Choose one of the listed mechanisms."))]
    elif is_country(country) and not is_eu_eea(country) and not transfer_mechanism:
        errors["transfer_mechanism"] = [
            ValidationError(
                _("Data leaves the EU/EEA: choose the transfer mechanism (GDPR chapter V)."),
                code="transfer_mechanism_required",
            )
        ]
    if errors:
        raise ValidationError(errors)
    location = DataLocation.objects.create(
        contract=contract,
        country=country,
        storage=storage,
        processing=processing,
        transfer_mechanism=transfer_mechanism,
        note=note.strip(),
    )
    audit_record(
        actor=acting_user,
        organisation_id=contract.organisation_id,
        action="contract.location_add",
        obj=contract,
        changes=diff({}, {"country": country, "transfer_mechanism": transfer_mechanism}),
    )
    return location


@transaction.atomic
def subprocessor_add(
    *,
    acting_user: User | None,
    organisation: Organisation | None,
    supplier: Supplier,
    subprocessor: Supplier,
    service: str,
    country: str,
) -> SubProcessor:
    country = country.strip().upper()
    errors: dict[str, list[ValidationError]] = {}
    if supplier.pk == subprocessor.pk:
        errors["subprocessor"] = [ValidationError(_("A supplier cannot be its own sub-processor."))]
    if not service.strip():
        errors["service"] = [ValidationError(_("Describe what the sub-processor does."))]
    if not is_country(country):
        errors["country"] = [
            ValidationError(_("Unknown country code: %(code)s") % {"code": country})
        ]
    if SubProcessor.objects.filter(
        supplier=supplier, subprocessor=subprocessor, service=service.strip()
    ).exists():
        errors["subprocessor"] = [ValidationError(_("This sub-processor is already recorded."))]
    if errors:
        raise ValidationError(errors)
    link = SubProcessor.objects.create(
        supplier=supplier,
        subprocessor=subprocessor,
        service=service.strip(),
        country=country,
        recorded_by=organisation,
    )
    audit_record(
        actor=acting_user,
        organisation_id=organisation.id if organisation else None,
        action="supplier.subprocessor_add",
        obj=supplier,
        changes=diff(
            {},
            {"subprocessor": subprocessor.identifier, "service": link.service, "country": country},
        ),
    )
    return link


@transaction.atomic
def certificate_add(
    *,
    acting_user: User,
    organisation: Organisation,
    supplier: Supplier,
    kind: str,
    issuer: str,
    scope: str,
    valid_from: dt.date,
    valid_until: dt.date,
    document: Document | None = None,
) -> Certificate:
    certificate = Certificate(
        organisation=organisation,
        supplier=supplier,
        kind=kind,
        issuer=issuer.strip(),
        scope=scope.strip(),
        valid_from=valid_from,
        valid_until=valid_until,
        document=document,
    )
    # Checked first: full_clean() would report the database constraint in words of its own.
    if valid_until < valid_from:
        raise ValidationError({"valid_until": _("A certificate cannot expire before it is valid.")})
    certificate.full_clean(exclude=["organisation", "supplier", "document"])
    certificate.save()
    relation_ensure(acting_user=acting_user, organisation=organisation, supplier=supplier)
    audit_record(
        actor=acting_user,
        organisation_id=organisation.id,
        action="certificate.add",
        obj=certificate,
        changes=diff({}, snapshot(certificate, ["kind", "issuer", "valid_from", "valid_until"])),
    )
    return certificate


@transaction.atomic
def pentest_add(
    *,
    acting_user: User,
    organisation: Organisation,
    supplier: Supplier,
    performed_on: dt.date,
    performed_by: str,
    scope: str,
    summary: str = "",
    report: Document | None = None,
) -> PenTest:
    pentest = PenTest(
        organisation=organisation,
        supplier=supplier,
        performed_on=performed_on,
        performed_by=performed_by.strip(),
        scope=scope.strip(),
        summary=summary.strip(),
        report=report,
    )
    pentest.full_clean(exclude=["organisation", "supplier", "report"])
    pentest.save()
    relation_ensure(acting_user=acting_user, organisation=organisation, supplier=supplier)
    audit_record(
        actor=acting_user,
        organisation_id=organisation.id,
        action="pentest.add",
        obj=pentest,
        changes=diff({}, snapshot(pentest, ["performed_on", "performed_by"])),
    )
    return pentest
