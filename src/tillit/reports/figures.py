"""An organisation's key figures for management: critical systems and their suppliers' status,
open findings, overdue follow-up, incidents. Computed from the data at a fixed number of queries;
stored monthly as a Snapshot for the trends."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from tillit.assessments.models import Finding, FindingStatus, Severity
from tillit.catalogue.rules import ASPECTS
from tillit.classification.models import Asset
from tillit.followup.models import Kind, PlanItem, Status, overdue_by_kind, status_filter
from tillit.followup.store import plan_items
from tillit.incidents.models import Case, CaseStatus
from tillit.organisations.models import Organisation
from tillit.reports.models import Snapshot
from tillit.suppliers.gaps import agreement_of
from tillit.suppliers.models import ART_28_POINTS, Certificate, Contract, SupplierRelation

CRITICAL = 3


@dataclass(frozen=True)
class CriticalAsset:
    name: str
    level: int
    suppliers: list[str]
    assessed: bool  # no contract serving it is due for (re)assessment
    certified: bool  # every supplier serving it has a valid certificate on record
    agreement: bool  # every contract holding personal data has a complete PUB-avtal
    data_subjects: int = 0

    @property
    def security_protection(self) -> bool:
        return self.level >= 4


@dataclass
class Figures:
    critical_assets: int = 0
    critical_not_assessed: int = 0
    critical_not_certified: int = 0
    critical_without_agreement: int = 0
    findings_open: dict[str, int] = field(default_factory=dict)
    overdue: int = 0
    overdue_by_kind: dict[str, int] = field(default_factory=dict)
    incidents_12_months: int = 0
    open_cases: int = 0
    suppliers: int = 0

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def critical_assets(
    organisation: Organisation, today: dt.date, overdue: QuerySet[PlanItem]
) -> list[CriticalAsset]:
    due_contracts = {
        key.split(":", 1)[1]
        for key in overdue.filter(kind=Kind.REASSESSMENT).values_list("key", flat=True)
    }
    valid = set(
        Certificate.objects.filter(organisation=organisation, valid_until__gte=today).values_list(
            "supplier_id", flat=True
        )
    )
    # Only the critical systems, and for each contract whether it holds personal data, asked
    # of the database: a large organisation has thousands of systems.
    critical = Q()
    for aspect in ASPECTS:
        critical |= Q(**{f"current__{aspect}__gte": CRITICAL})
    personal = Contract.assets.through.objects.filter(
        contract=OuterRef("pk"), asset__current__personal_data=True
    )
    # Only the fields read below: a large organisation has thousands of critical systems and
    # contracts, and making model instances with every field took most of the time.
    serving = (
        Contract.objects.select_related("supplier", "processor_agreement")
        .only(
            "supplier__name",
            *(f"processor_agreement__covers_{point}" for point in ART_28_POINTS),
        )
        .annotate(personal=Exists(personal))
    )
    assets = (
        Asset.objects.filter(critical, organisation=organisation)
        .select_related("current")
        .only("name", *(f"current__{field}" for field in (*ASPECTS, "data_subjects")))
        .prefetch_related(Prefetch("contracts", queryset=serving))
        .order_by("name")
    )
    found = []
    for asset in assets:
        level = asset.current.max_level if asset.current is not None else -1
        subjects = asset.current.data_subjects if asset.current is not None else 0
        contracts = list(asset.contracts.all())
        found.append(
            CriticalAsset(
                name=asset.name,
                level=level,
                suppliers=sorted({c.supplier.name for c in contracts}),
                assessed=bool(contracts) and not any(str(c.pk) in due_contracts for c in contracts),
                certified=bool(contracts) and all(c.supplier_id in valid for c in contracts),
                agreement=all(
                    (agreement := agreement_of(c)) is not None and not agreement.gaps
                    for c in contracts
                    if c.personal  # type: ignore[attr-defined]  # the Exists annotation above
                ),
                data_subjects=subjects,
            )
        )
    return found


@dataclass(frozen=True)
class SupplierLoad:
    """What one supplier carries of the organisation's critical systems."""

    name: str
    systems: int  # critical systems it serves
    data_subjects: int  # people in those systems
    highest: int  # the highest level among them
    not_assessed: int  # of those systems, how many lack a valid supplier assessment


def supplier_load(critical: list[CriticalAsset]) -> list[SupplierLoad]:
    """The suppliers that carry the most: critical systems served, then people in them times
    the systems' level (the concentration of sensitive data)."""
    served: dict[str, list[CriticalAsset]] = {}
    for asset in critical:
        for name in asset.suppliers:
            served.setdefault(name, []).append(asset)
    loads = [
        SupplierLoad(
            name=name,
            systems=len(assets),
            data_subjects=sum(a.data_subjects for a in assets),
            highest=max(a.level for a in assets),
            not_assessed=sum(1 for a in assets if not a.assessed),
        )
        for name, assets in served.items()
    ]
    weight = {
        name: sum(a.data_subjects * a.level for a in assets) for name, assets in served.items()
    }
    loads.sort(key=lambda load: (-load.systems, -weight[load.name], load.name))
    return loads


@dataclass(frozen=True)
class Trend:
    """The key figures month by month, from the snapshots: the dashboard's lines."""

    months: list[str]  # YYYY-MM
    findings: dict[str, list[int]]  # severity → open findings per month
    overdue: list[int]
    incidents: list[int]  # supplier incidents in the 12 months up to each month
    assessed_share: list[float | None]  # % of critical systems with a valid assessment


def trend_series(snapshots: list[Snapshot]) -> Trend:
    def share(figures: dict[str, int]) -> float | None:
        total = figures.get("critical_assets", 0)
        if not total:
            return None  # no critical system: no share to speak of
        return 100 * (total - figures.get("critical_not_assessed", 0)) / total

    return Trend(
        months=[f"{s.month:%Y-%m}" for s in snapshots],
        findings={
            severity: [s.figures.get("findings_open", {}).get(severity, 0) for s in snapshots]
            for severity in reversed(Severity.values)  # high first
        },
        overdue=[s.figures.get("overdue", 0) for s in snapshots],
        incidents=[s.figures.get("incidents_12_months", 0) for s in snapshots],
        assessed_share=[share(s.figures) for s in snapshots],
    )


def key_figures(organisation: Organisation, today: dt.date) -> tuple[Figures, list[CriticalAsset]]:
    items = plan_items(organisation, today)
    critical = critical_assets(
        organisation, today, items.filter(status_filter(Status.OVERDUE, today))
    )
    by_kind = overdue_by_kind(items, today)
    open_findings = dict(
        Finding.objects.filter(
            organisation=organisation,
            status__in=(FindingStatus.OPEN, FindingStatus.REMEDIATED),
        )
        .values_list("severity")
        .annotate(Count("pk"))
    )
    since = timezone.now() - dt.timedelta(days=365)
    cases = Case.objects.filter(organisation=organisation)
    figures = Figures(
        critical_assets=len(critical),
        critical_not_assessed=sum(1 for a in critical if not a.assessed),
        critical_not_certified=sum(1 for a in critical if not a.certified),
        critical_without_agreement=sum(1 for a in critical if not a.agreement),
        findings_open={severity: open_findings.get(severity, 0) for severity in Severity.values},
        overdue=sum(by_kind.values()),
        overdue_by_kind=by_kind,
        incidents_12_months=cases.filter(created_at__gte=since).count(),
        open_cases=cases.filter(status=CaseStatus.OPEN).count(),
        suppliers=SupplierRelation.objects.filter(organisation=organisation).count(),
    )
    return figures, critical


def snapshot_take(organisation: Organisation, today: dt.date) -> Snapshot | None:
    """This month's snapshot, taken once (the first daily pass of the month)."""
    month = today.replace(day=1)
    if Snapshot.objects.filter(organisation=organisation, month=month).exists():
        return None
    figures, _critical = key_figures(organisation, today)
    try:
        with transaction.atomic():
            return Snapshot.objects.create(
                organisation=organisation, month=month, figures=figures.as_dict()
            )
    except IntegrityError:  # another worker took it meanwhile
        return None


def trend(organisation: Organisation, months: int = 12) -> list[Snapshot]:
    """The last months' snapshots, oldest first."""
    recent = Snapshot.objects.filter(organisation=organisation).order_by("-month")[:months]
    return list(reversed(list(recent)))
