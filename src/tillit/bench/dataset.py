"""The synthetic instance the benchmark runs on.

Organisations of every kind with skewed sizes (one much larger than the rest), suppliers in
five tiers whose sub-processor links run downwards, so chains are up to four links deep and a
few cloud providers sit under most of them; assets with a classification each; contracts with
processor agreements and data locations; certificates; one supplier contracted by most
municipalities; a procurement; one member to sign in as.

Deterministic: every value, ids included, comes from one random.Random(seed), so a seed always
builds the same data. Rows go in with imports.bulk (one executemany per batch of BATCH rows)
inside one transaction. The build is a list of stages, each timed; a feature the benchmark
should cover later becomes one more stage in STAGES.
"""

from __future__ import annotations

import base64
import datetime as dt
import random
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import accumulate
from typing import Any, TypeVar
from uuid import UUID

from allauth.mfa.totp.internal.auth import TOTP
from django.db import connection, models, transaction

from tillit.accounts.models import User
from tillit.assessments.models import (
    Answer,
    Assessment,
    AssessmentStatus,
    Finding,
    FindingStatus,
    Question,
    Review,
    Severity,
)
from tillit.bench.scales import Scale
from tillit.catalogue.models import Requirement
from tillit.catalogue.selectors import default_catalogue
from tillit.catalogue.services import catalogue_import_builtin
from tillit.classification.models import Asset, Classification, ProtectedIdentities
from tillit.imports import bulk
from tillit.lib.orgnr import luhn_check_digit
from tillit.organisations.models import Membership, Nis2Category, Organisation, OrganisationKind
from tillit.organisations.roles import Role
from tillit.procurement.models import Procedure
from tillit.procurement.services import procurement_create
from tillit.suppliers.models import (
    Certificate,
    CertificateType,
    Contract,
    DataLocation,
    ProcessorAgreement,
    SubProcessor,
    Supplier,
    SupplierRelation,
    TransferMechanism,
)

T = TypeVar("T")
BATCH = 10_000
ASPECTS = ("confidentiality", "integrity", "availability", "traceability")
# Each tier's share of the suppliers, from the application vendors organisations contract
# (tier 0) down to the cloud providers (tier 4); tier 0 takes what is left.
TIER_SHARES = (0.0, 0.11, 0.04, 0.009, 0.001)
TIER_NAMES = ("Systemleverantör", "Plattform", "Drift", "Datacenter", "Moln")
# How a link's source tier is drawn once the backbone is in place: mostly the application
# vendors, which list their sub-processors; deeper tiers get about one more link each, so a
# vendor's tree holds some 30 sub-processors over four levels.
SOURCE_TIERS = (0.9, 0.07, 0.025, 0.005)
SERVICES = ("Drift", "Lagring", "Säkerhetskopiering", "Support", "E-post", "Identitet")
EU_COUNTRIES = ("FI", "DK", "DE", "IE", "NL")
THIRD_COUNTRIES = ("US", "IN", "GB")
BENCH_EMAIL = "bench@tillit.invalid"
# Dates are fixed, not today's, so the same seed gives the same data on any day.
EPOCH = dt.date(2026, 1, 1)


@dataclass
class OrgPlan:
    index: int
    id: UUID
    orgnr: str
    slug: str
    name: str
    kind: str
    weight: float
    assets: list[UUID] = field(default_factory=list)
    asset_names: list[str] = field(default_factory=list)
    personal: list[bool] = field(default_factory=list)  # per asset
    suppliers: set[int] = field(default_factory=set)  # indices into Dataset.suppliers
    contracts: int = 0
    first_contract: dict[int, UUID] = field(default_factory=dict)  # per supplier index


@dataclass
class SupplierPlan:
    index: int
    id: UUID
    name: str
    tier: int
    country: str
    orgnr: str | None
    registration_number: str | None

    @property
    def reference(self) -> str:
        """How an import file names the supplier."""
        return self.orgnr or f"{self.country}:{self.registration_number}"


@dataclass
class Dataset:
    scale: Scale
    seed: int
    rng: random.Random
    organisations: list[OrgPlan] = field(default_factory=list)
    suppliers: list[SupplierPlan] = field(default_factory=list)
    tiers: list[list[int]] = field(default_factory=list)
    # (organisation, supplier, asset position in the organisation) of every contract's
    # systems: an import file must name others to create new contracts.
    served: set[tuple[int, int, int]] = field(default_factory=set)
    rows: Counter[str] = field(default_factory=Counter)  # rows written, per table
    seconds: dict[str, float] = field(default_factory=dict)  # per stage
    user_id: int = 0
    procurement_id: UUID | None = None
    median_index: int = 0

    @property
    def largest(self) -> OrgPlan:
        return self.organisations[0]

    @property
    def median(self) -> OrgPlan:
        return self.organisations[self.median_index]

    @property
    def big_supplier(self) -> SupplierPlan:
        """The one most municipalities contract directly."""
        return self.suppliers[0]

    @property
    def widest_supplier(self) -> SupplierPlan:
        """The cloud provider under the most chains: an incident there hits the most."""
        return self.suppliers[self.tiers[4][0]]

    def uuid(self) -> UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def write(self, model: type[models.Model], rows: Iterable[dict[str, Any]]) -> None:
        for batch in batched(rows, BATCH):
            bulk.insert(model, batch)
            self.rows[model._meta.db_table] += len(batch)


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def orgnr(prefix: str, number: int) -> str:
    digits = f"{prefix}{number:0{9 - len(prefix)}d}"
    return f"{digits[:6]}-{digits[6:]}{luhn_check_digit(digits)}"


def apportion(total: int, weights: Sequence[float], minimum: int = 1) -> list[int]:
    """total split in proportion to weights, at least minimum each (largest remainders)."""
    rest = total - minimum * len(weights)
    if rest < 0:
        raise ValueError("too few to give each its minimum")
    whole = sum(weights)
    shares = [rest * weight / whole for weight in weights]
    counts = [int(share) for share in shares]
    order = sorted(range(len(weights)), key=lambda i: counts[i] - shares[i])
    for index in order[: rest - sum(counts)]:
        counts[index] += 1
    return [count + minimum for count in counts]


def zipf_weights(count: int, exponent: float, offset: float = 1.0) -> list[float]:
    return [1 / (rank + offset) ** exponent for rank in range(count)]


def draw_distinct(
    rng: random.Random, population: Sequence[int], cum_weights: Sequence[float], count: int
) -> list[int]:
    """count distinct items, drawn by weight (all of them if there are not that many)."""
    if count >= len(population):
        return list(population)
    chosen: dict[int, None] = {}
    while len(chosen) < count:
        for item in rng.choices(population, cum_weights=cum_weights, k=count - len(chosen)):
            chosen.setdefault(item)
    return list(chosen)


# Stages, in order.


def _catalogue(ds: Dataset) -> None:
    catalogue_import_builtin()


def _organisations(ds: Dataset) -> None:
    scale, rng = ds.scale, ds.rng
    kinds = (
        [(OrganisationKind.MUNICIPALITY, "kommun", "Kommun", "2120", 1.0)] * scale.municipalities
        + [(OrganisationKind.REGION, "region", "Region", "2321", 5.0)] * scale.regions
        + [(OrganisationKind.AGENCY, "myndighet", "Myndighet", "2021", 1.5)] * scale.agencies
        + [(OrganisationKind.MUNICIPAL_COMPANY, "bolag", "Kommunalt bolag", "5569", 0.3)]
        * scale.companies
    )
    numbers: Counter[str] = Counter()
    for index, (kind, slug, name, prefix, factor) in enumerate(kinds):
        numbers[kind] += 1
        number = numbers[kind]
        ds.organisations.append(
            OrgPlan(
                index=index,
                id=ds.uuid(),
                orgnr=orgnr(prefix, number),
                slug=f"{slug}-{number:03d}",
                name=f"{name} {number:03d}",
                kind=kind,
                weight=rng.lognormvariate(0, 1) * factor,
            )
        )
    # The first municipality is the largest organisation by a margin (a Stockholm): at least
    # 3 % of everything and a fifth more than the next.
    others = [org.weight for org in ds.organisations[1:]]
    ds.largest.weight = max(1.2 * max(others), 0.03 / 0.97 * sum(others))
    by_size = sorted(ds.organisations[1:], key=lambda org: org.weight)
    ds.median_index = by_size[len(by_size) // 2].index
    nis2 = {
        OrganisationKind.MUNICIPALITY: [Nis2Category.ESSENTIAL],
        OrganisationKind.REGION: [Nis2Category.ESSENTIAL],
        OrganisationKind.AGENCY: list(Nis2Category),
        OrganisationKind.MUNICIPAL_COMPANY: [Nis2Category.IMPORTANT, Nis2Category.NOT_COVERED],
    }
    ds.write(
        Organisation,
        (
            {
                "id": org.id,
                "slug": org.slug,
                "name": org.name,
                "orgnr": org.orgnr,
                "kind": org.kind,
                "nis2": rng.choice(nis2[OrganisationKind(org.kind)]),
                "security_email": f"security@{org.slug}.invalid",
            }
            for org in ds.organisations
        ),
    )


def _suppliers(ds: Dataset) -> None:
    count, rng = ds.scale.suppliers, ds.rng
    sizes = [max(1, round(count * share)) for share in TIER_SHARES]
    sizes[0] = count - sum(sizes[1:])
    start = 0
    for size in sizes:
        ds.tiers.append(list(range(start, start + size)))
        start += size
    for tier, members in enumerate(ds.tiers):
        for position, index in enumerate(members):
            # Cloud providers are foreign, half the data centres too; the rest Swedish.
            foreign = tier == 4 or (tier == 3 and position % 2 == 1)
            country = rng.choice(("US", "IE")) if tier == 4 else "DE" if foreign else "SE"
            ds.suppliers.append(
                SupplierPlan(
                    index=index,
                    id=ds.uuid(),
                    name=f"{TIER_NAMES[tier]} {position + 1:05d} AB",
                    tier=tier,
                    country=country,
                    orgnr=None if foreign else orgnr("556", index),
                    registration_number=f"REG{index:07d}" if foreign else None,
                )
            )
    ds.suppliers[0].name = "Storleverantören HR AB"
    ds.widest_supplier.name = "Molnet Inc."
    ds.write(
        Supplier,
        (
            {
                "id": s.id,
                "name": s.name,
                "country": s.country,
                "orgnr": s.orgnr,
                "registration_number": s.registration_number,
            }
            for s in ds.suppliers
        ),
    )


def _subprocessors(ds: Dataset) -> None:
    """Links run from a tier to a deeper one: every supplier of tiers 1–3 uses one of the next
    tier (so chains reach four links), the rest are drawn with popular targets (Zipf)."""
    rng, tiers = ds.rng, ds.tiers
    cum = [list(accumulate(zipf_weights(len(members), 1.2))) for members in tiers]

    def pick(tier: int) -> int:
        return rng.choices(tiers[tier], cum_weights=cum[tier])[0]

    links: dict[tuple[int, int], None] = {}
    for tier in (1, 2, 3):
        for source in tiers[tier]:
            links.setdefault((source, pick(tier + 1)))
    big = ds.big_supplier.index
    links.setdefault((big, pick(1)))
    for source in rng.sample(tiers[0][1:], ds.scale.big_supplier_users):
        links.setdefault((source, big))
    target = ds.scale.subprocessor_links
    attempts = 0
    while len(links) < target and attempts < 20 * target:
        attempts += 1
        tier = rng.choices(range(4), weights=SOURCE_TIERS)[0]
        deeper = tier + 1 if tier == 3 or rng.random() < 0.8 else tier + 2
        links.setdefault((rng.choice(tiers[tier]), pick(deeper)))
    ds.write(
        SubProcessor,
        (
            {
                "supplier_id": ds.suppliers[source].id,
                "subprocessor_id": ds.suppliers[used].id,
                "service": rng.choice(SERVICES),
                "country": ds.suppliers[used].country,
            }
            for source, used in links
        ),
    )


def _classification(ds: Dataset, asset_id: UUID, fixed: dict[str, Any]) -> dict[str, Any]:
    rng = ds.rng
    levels = {aspect: rng.choices(range(4), weights=(15, 35, 35, 15))[0] for aspect in ASPECTS}
    personal = rng.random() < 0.45
    values: dict[str, Any] = {
        **levels,
        "personal_data": personal,
        "sensitive_data": personal and rng.random() < 0.15,
        "criminal_data": personal and rng.random() < 0.03,
        "personnummer": personal and rng.random() < 0.6,
        "children": personal and rng.random() < 0.1,
        "protected_identities": rng.choice(
            (ProtectedIdentities.SECRECY_MARKING, ProtectedIdentities.PROTECTED_REGISTRATION)
        )
        if personal and rng.random() < 0.05
        else ProtectedIdentities.NONE,
        "data_subjects": rng.randint(10, 200_000) if personal else 0,
    } | fixed
    classified = dt.datetime(2025, 1, 1, tzinfo=dt.UTC) + dt.timedelta(
        minutes=rng.randrange(500_000)
    )
    return values | {
        "id": ds.uuid(),
        "asset_id": asset_id,
        "version": 1,
        "answers": {},
        "overrides": {},
        "classified_at": classified,
        "review_due": classified.date() + dt.timedelta(days=365),
    }


# The systems the benchmark's procurement covers, classified so that most of the catalogue
# applies (and none at level 4, which would put it on the security-protection track).
PROCUREMENT_ASSETS = (
    {"confidentiality": 3, "integrity": 3, "availability": 2, "traceability": 3}
    | {"personal_data": True, "sensitive_data": True, "personnummer": True}
    | {"data_subjects": 120_000},
    {"confidentiality": 2, "integrity": 2, "availability": 3, "traceability": 2},
    {"confidentiality": 1, "integrity": 2, "availability": 2, "traceability": 1},
)


def _assets(ds: Dataset) -> None:
    counts = apportion(ds.scale.assets, [org.weight for org in ds.organisations], minimum=5)

    def rows() -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
        for org, count in zip(ds.organisations, counts, strict=True):
            for position in range(count):
                asset_id = ds.uuid()
                fixed = (
                    PROCUREMENT_ASSETS[position]
                    if org.index == 0 and position < len(PROCUREMENT_ASSETS)
                    else {}
                )
                classification = _classification(ds, asset_id, fixed)
                name = f"System {position + 1:05d}"
                org.assets.append(asset_id)
                org.asset_names.append(name)
                org.personal.append(classification["personal_data"])
                asset = {
                    "id": asset_id,
                    "organisation_id": org.id,
                    "name": name,
                    "current_id": classification["id"],
                }
                yield asset, classification

    # Both tables in one pass, a batch at a time: the foreign keys between them are checked at
    # the end of the transaction.
    for batch in batched(rows(), BATCH):
        assets = [asset for asset, _classification in batch]
        classifications = [classification for _asset, classification in batch]
        ds.write(Asset, assets)
        ds.write(Classification, classifications)


def _contracts(ds: Dataset) -> None:
    """Contracts, the systems they serve, processor agreements, data locations and the
    organisations' relations to their suppliers."""
    rng, scale = ds.rng, ds.scale
    municipalities = [o for o in ds.organisations if o.kind == OrganisationKind.MUNICIPALITY]
    big_customers = rng.sample(
        municipalities, round(scale.big_supplier_share * len(municipalities))
    )
    counts = apportion(
        scale.contracts - len(big_customers), [org.weight for org in ds.organisations], minimum=5
    )
    # Organisations contract application vendors mostly, and some platforms and operators
    # directly; the big supplier only where it is placed below.
    direct = ds.tiers[0][1:] + ds.tiers[1] + ds.tiers[2] + ds.tiers[3]
    vendors = zipf_weights(len(ds.tiers[0]) - 1, 1.0, offset=5)
    others = len(direct) - len(vendors)
    # A tenth of the draws go to platforms and operators, evenly.
    weights = vendors + [sum(vendors) / 9 / others] * others
    cum = list(accumulate(weights))
    writer = _ContractWriter(ds)
    for org, count in zip(ds.organisations, counts, strict=True):
        pool = draw_distinct(rng, direct, cum, max(1, round(count / 4)))
        rng.shuffle(pool)
        for number in range(count):
            # Round robin over the pool: every supplier drawn has a contract.
            writer.add(org, pool[number % len(pool)], number)
    for org in big_customers:
        writer.add(org, ds.big_supplier.index, org.contracts, personal_first=True)
    writer.flush()


class _ContractWriter:
    def __init__(self, ds: Dataset) -> None:
        self.ds = ds
        self.tables: dict[type[models.Model], list[dict[str, Any]]] = {
            Contract: [],
            Contract.assets.through: [],
            ProcessorAgreement: [],
            DataLocation: [],
            SupplierRelation: [],
        }

    def add(
        self, org: OrgPlan, supplier: int, number: int, *, personal_first: bool = False
    ) -> None:
        rng = self.ds.rng
        contract_id = self.ds.uuid()
        positions = [number % len(org.assets)]
        if personal_first and True in org.personal:
            positions = [org.personal.index(True)]
        elif rng.random() < 0.25:
            positions.append(rng.randrange(len(org.assets)))
        positions = sorted(set(positions))
        start = EPOCH - dt.timedelta(days=rng.randrange(8 * 365))
        tables = self.tables
        tables[Contract].append(
            {
                "id": contract_id,
                "organisation_id": org.id,
                "supplier_id": self.ds.suppliers[supplier].id,
                "service": f"Avtal {number + 1:05d}",
                "start": start,
                "end": start + dt.timedelta(days=365 * rng.randint(2, 6))
                if rng.random() < 0.8
                else None,
                "notice_period_days": rng.choice((90, 180, None)),
                "annual_value": Decimal(rng.randrange(10_000, 5_000_000)),
                "sla_availability": Decimal("99.500"),
                "incident_notice_hours": rng.choice((24, 48, 72, None)),
                "support_response_hours": rng.choice((4, 8, None)),
                "liability": rng.random() < 0.6,
                "right_to_audit": rng.random() < 0.5,
                "exit_clause": rng.random() < 0.7,
            }
        )
        for position in positions:
            tables[Contract.assets.through].append(
                {"contract_id": contract_id, "asset_id": org.assets[position]}
            )
            self.ds.served.add((org.index, supplier, position))
        if any(org.personal[p] for p in positions) and rng.random() < 0.75:
            covered = {f"covers_{point}": rng.random() > 0.05 for point in "abcdefgh"}
            tables[ProcessorAgreement].append(
                {"contract_id": contract_id, "signed_on": start, "version": "1.0"} | covered
            )
        tables[DataLocation].append({"contract_id": contract_id, "country": "SE"})
        if rng.random() < 0.15:
            tables[DataLocation].append(
                {"contract_id": contract_id, "country": rng.choice(EU_COUNTRIES)}
            )
        if rng.random() < 0.05:
            mechanism = TransferMechanism.SCC if rng.random() < 0.7 else TransferMechanism.NONE
            tables[DataLocation].append(
                {
                    "contract_id": contract_id,
                    "country": rng.choice(THIRD_COUNTRIES),
                    "transfer_mechanism": mechanism,
                }
            )
        org.first_contract.setdefault(supplier, contract_id)
        if supplier not in org.suppliers:
            org.suppliers.add(supplier)
            tables[SupplierRelation].append(
                {"organisation_id": org.id, "supplier_id": self.ds.suppliers[supplier].id}
            )
        org.contracts += 1
        if len(tables[Contract]) >= BATCH:
            self.flush()

    def flush(self) -> None:
        for model, rows in self.tables.items():
            self.ds.write(model, rows)
            rows.clear()


def _certificates(ds: Dataset) -> None:
    """An ISO 27001 certificate held for about one relation in six, a fifth of them expired."""
    rng = ds.rng

    def rows() -> Iterator[dict[str, Any]]:
        for org in ds.organisations:
            for supplier in sorted(org.suppliers):
                if rng.random() >= 1 / 6:
                    continue
                until = EPOCH + dt.timedelta(days=rng.randint(-300, 1000))
                yield {
                    "id": ds.uuid(),
                    "organisation_id": org.id,
                    "supplier_id": ds.suppliers[supplier].id,
                    "kind": CertificateType.ISO_27001,
                    "issuer": "Certifieringsorgan AB",
                    "scope": "Drift och utveckling",
                    "valid_from": until - dt.timedelta(days=3 * 365),
                    "valid_until": until,
                }

    ds.write(Certificate, rows())


def _people(ds: Dataset) -> None:
    """The member the pages are requested as: a security coordinator of the largest and the
    median organisation, with TOTP set up (Tillit lets no one without MFA past setup)."""
    user = User.objects.create_user(BENCH_EMAIL)
    for org in (ds.largest, ds.median):
        Membership.objects.create(organisation_id=org.id, user=user, role=Role.SECURITY_COORDINATOR)
    TOTP.activate(user, base64.b32encode(ds.rng.randbytes(20)).decode())
    ds.user_id = user.pk


def _procurement(ds: Dataset) -> None:
    catalogue = default_catalogue()
    if catalogue is None:
        raise RuntimeError("the built-in catalogue was not imported")
    user = User.objects.get(pk=ds.user_id)
    organisation = Organisation.objects.get(pk=ds.largest.id)
    assets = list(
        Asset.objects.filter(pk__in=ds.largest.assets[: len(PROCUREMENT_ASSETS)]).order_by("name")
    )
    procurement = procurement_create(
        acting_user=user,
        organisation=organisation,
        name="E-tjänsteplattform",
        reference="BENCH-2026-0001",
        procedure=Procedure.OPEN,
        officer=user,
        catalogue=catalogue,
        assets=assets,
    )
    ds.procurement_id = procurement.pk


# An assessment's status, by weight: most are done, some are with the supplier or in review.
ASSESSMENT_STATUSES = (
    (AssessmentStatus.COMPLETED, 0.6),
    (AssessmentStatus.SUBMITTED, 0.1),
    (AssessmentStatus.SENT, 0.2),
    (AssessmentStatus.DRAFT, 0.1),
)
ANSWERS = ((Answer.MET, 0.75), (Answer.PARTIAL, 0.12), (Answer.NOT_APPLICABLE, 0.13))
FINDING_STATUSES = (
    (FindingStatus.OPEN, 0.4),
    (FindingStatus.REMEDIATED, 0.15),
    (FindingStatus.VERIFIED, 0.1),
    (FindingStatus.CLOSED, 0.35),
)


def _weighted(rng: random.Random, pairs: Sequence[tuple[T, float]]) -> T:
    return rng.choices([value for value, _weight in pairs], [w for _value, w in pairs])[0]


def _assessments(ds: Dataset) -> None:
    """Assessments of the organisations' suppliers (each over its first contract with them),
    a questionnaire of catalogue requirements each, answered as far as the status says, and the
    findings of the completed ones, on questions answered "not met"."""
    rng, scale = ds.rng, ds.scale
    catalogue = default_catalogue()
    if catalogue is None:
        raise RuntimeError("the built-in catalogue was not imported")
    requirements = list(
        Requirement.objects.filter(catalogue=catalogue).select_related("area").order_by("position")
    )
    chosen = requirements[: scale.questions_per_assessment]
    people = [org for org in ds.organisations if org.suppliers]
    counts = apportion(scale.assessments, [org.weight for org in people], minimum=0)
    plans: list[tuple[OrgPlan, int, str]] = []
    for org, count in zip(people, counts, strict=True):
        suppliers = sorted(org.suppliers)
        for _number in range(count):
            plans.append((org, rng.choice(suppliers), _weighted(rng, ASSESSMENT_STATUSES)))
    completed = [i for i, plan in enumerate(plans) if plan[2] == AssessmentStatus.COMPLETED]
    findings = Counter(rng.choices(completed, k=scale.findings))
    tables: dict[type[models.Model], list[dict[str, Any]]] = {
        Assessment: [],
        Assessment.contracts.through: [],
        Question: [],
        Finding: [],
    }

    def flush() -> None:
        for model, rows in tables.items():
            ds.write(model, rows)
            rows.clear()

    for index, (org, supplier, status) in enumerate(plans):
        assessment_id = ds.uuid()
        created = dt.datetime.combine(
            EPOCH - dt.timedelta(days=rng.randrange(3 * 365)), dt.time(9), tzinfo=dt.UTC
        )
        done = status in (AssessmentStatus.SUBMITTED, AssessmentStatus.COMPLETED)
        tables[Assessment].append(
            {
                "id": assessment_id,
                "organisation_id": org.id,
                "supplier_id": ds.suppliers[supplier].id,
                "title": f"Bedömning {index + 1:05d}",
                "catalogue_id": catalogue.pk,
                "status": status,
                "due_on": (created + dt.timedelta(days=30)).date(),
                "created_at": created,
                "submitted_at": created + dt.timedelta(days=20) if done else None,
                "completed_at": created + dt.timedelta(days=40)
                if status == AssessmentStatus.COMPLETED
                else None,
            }
        )
        tables[Assessment.contracts.through].append(
            {"assessment_id": assessment_id, "contract_id": org.first_contract[supplier]}
        )
        unmet = set(rng.sample(range(len(chosen)), min(findings[index], len(chosen))))
        for position, requirement in enumerate(chosen, start=1):
            answered = done or (status == AssessmentStatus.SENT and rng.random() < 0.5)
            answer = (
                Answer.NOT_MET
                if position - 1 in unmet
                else _weighted(rng, ANSWERS)
                if answered
                else ""
            )
            question_id = ds.uuid()
            tables[Question].append(
                {
                    "id": question_id,
                    "assessment_id": assessment_id,
                    "position": position,
                    "requirement_key": requirement.key,
                    "area": requirement.area.title,
                    "title": requirement.title,
                    "text": requirement.ska,
                    "verification": requirement.verification,
                    "mandatory": True,
                    "answer": answer,
                    "description": "Se bifogad policy." if answer else "",
                    "answered_by": "kontakt@leverantor.invalid" if answer else "",
                    "answered_at": created + dt.timedelta(days=10) if answer else None,
                    "version": 1 if answer else 0,
                    "review": (Review.REJECTED if answer == Answer.NOT_MET else Review.ACCEPTED)
                    if status == AssessmentStatus.COMPLETED
                    else "",
                }
            )
            if answer == Answer.NOT_MET and status == AssessmentStatus.COMPLETED:
                finding_status = _weighted(rng, FINDING_STATUSES)
                tables[Finding].append(
                    {
                        "id": ds.uuid(),
                        "organisation_id": org.id,
                        "assessment_id": assessment_id,
                        "question_id": question_id,
                        "title": f"{requirement.key} uppfylls inte",
                        "severity": rng.choice(list(Severity)),
                        "required_action": "Åtgärda bristen och visa underlag.",
                        "deadline": EPOCH + dt.timedelta(days=rng.randint(-200, 400)),
                        "status": finding_status,
                        "created_at": created + dt.timedelta(days=40),
                        "closed_at": created + dt.timedelta(days=120)
                        if finding_status == FindingStatus.CLOSED
                        else None,
                    }
                )
        if len(tables[Question]) >= BATCH:
            flush()
    flush()


Stage = Callable[[Dataset], None]
STAGES: list[tuple[str, Stage]] = [
    ("catalogue", _catalogue),
    ("organisations", _organisations),
    ("suppliers", _suppliers),
    ("sub-processors", _subprocessors),
    ("assets", _assets),
    ("contracts", _contracts),
    ("certificates", _certificates),
    ("people", _people),
    ("procurement", _procurement),
    ("assessments", _assessments),
]


def build(scale: Scale, seed: int) -> Dataset:
    """Write the dataset into the default database, which should hold nothing else."""
    # A seeded generator is the point here: the same seed builds the same data.
    ds = Dataset(scale=scale, seed=seed, rng=random.Random(seed))  # noqa: S311
    with transaction.atomic():
        for name, stage in STAGES:
            started = time.perf_counter()
            stage(ds)
            ds.seconds[name] = time.perf_counter() - started
    if connection.vendor == "postgresql":
        # What autovacuum would have done by the time anyone asks: planner statistics.
        # (Tillit never runs ANALYZE on SQLite, so neither does the benchmark.)
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        ds.seconds["analyze"] = time.perf_counter() - started
    return ds


def import_rows(ds: Dataset, count: int) -> list[list[str]]:
    """Rows of a contracts import file (header first) that each create a contract: an
    organisation, a supplier and one of the organisation's systems not yet served by it."""
    rng = random.Random(ds.seed + 1)  # noqa: S311 (seeded: the same file whatever ran before)
    orgs = ds.organisations
    cum = list(accumulate(org.weight for org in orgs))
    suppliers = ds.tiers[0][1:] + ds.tiers[1]
    header = [
        "organisation_orgnr",
        "supplier_orgnr",
        "system_name",
        "start",
        "end",
        "dpa_signed",
        "data_locations",
        "incident_notice_hours",
    ]
    rows = [header]
    taken = set(ds.served)
    while len(rows) <= count:
        org = rng.choices(orgs, cum_weights=cum)[0]
        supplier = rng.choice(suppliers)
        position = rng.randrange(len(org.assets))
        if (org.index, supplier, position) in taken:
            continue
        taken.add((org.index, supplier, position))
        start = EPOCH - dt.timedelta(days=rng.randrange(3 * 365))
        rows.append(
            [
                org.orgnr,
                ds.suppliers[supplier].reference,
                org.asset_names[position],
                start.isoformat(),
                (start + dt.timedelta(days=4 * 365)).isoformat(),
                start.isoformat() if org.personal[position] else "",
                rng.choice(("SE", "SE", "SE;FI", "SE;US")),
                rng.choice(("24", "48", "72", "")),
            ]
        )
    return rows
