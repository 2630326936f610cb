"""Reads of the risk register: lists with their levels, the heat map as plain data (for the
register's table and the management dashboard's chart), choices for the form, and risks
proposed from a finding or an incident case."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from django.db.models import Count, F, QuerySet
from django.db.models.lookups import In
from django.utils import timezone
from django.utils.translation import gettext as _

from tillit.accounts.models import User
from tillit.assessments.models import Finding
from tillit.audit.models import AuditEvent
from tillit.classification.models import Asset
from tillit.incidents.models import Case
from tillit.organisations.models import Organisation
from tillit.risks.matrix import Band
from tillit.risks.models import Risk, RiskSettings, RiskStatus, Treatment
from tillit.suppliers.models import Contract, Supplier

KINDS = ("residual", "inherent")
# A cell's level (tillit.risks.matrix), computed by the database for filters and ordering.
INHERENT_LEVEL = F("inherent_likelihood") + F("inherent_consequence") - 1
RESIDUAL_LEVEL = F("residual_likelihood") + F("residual_consequence") - 1


def settings_of(organisation: Organisation) -> RiskSettings:
    """The organisation's risk settings, or the defaults (unsaved) if it has chosen none."""
    found = RiskSettings.objects.filter(organisation=organisation).first()
    return found or RiskSettings(organisation=organisation)


def risks_of(organisation: Organisation) -> QuerySet[Risk]:
    """The organisation's risks with their levels (inherent_level, residual_level), the highest
    residual level first."""
    return (
        Risk.objects.filter(organisation=organisation)
        .select_related("owner", "supplier")
        .annotate(inherent_level=INHERENT_LEVEL, residual_level=RESIDUAL_LEVEL)
        .order_by("-residual_level", "title", "pk")
    )


def risks_filtered(
    risks: QuerySet[Risk],
    settings: RiskSettings,
    *,
    band: str = "",
    treatment: str = "",
    status: str = "",
    owner: str = "",
) -> QuerySet[Risk]:
    """The risks narrowed by residual band, treatment, status and owner. A value that is not
    one of the choices filters nothing."""
    if band in Band.values:
        risks = risks.filter(In(RESIDUAL_LEVEL, settings.matrix.levels_in(band)))
    if treatment == "none":
        risks = risks.filter(treatment="")
    elif treatment in Treatment.values:
        risks = risks.filter(treatment=treatment)
    if status in RiskStatus.values:
        risks = risks.filter(status=status)
    if owner.isascii() and owner.isdigit():  # "²".isdigit() too, but not int("²")
        risks = risks.filter(owner__pk=int(owner))  # not owner_id: out of range, no match
    return risks


def top_risks(
    organisation: Organisation, settings: RiskSettings, limit: int = 10
) -> list[tuple[Risk, Band, bool]]:
    """The highest risks after measures that are not closed: each with its band and whether
    it lies above the risk appetite (for management)."""
    found = []
    for risk in risks_of(organisation).exclude(status=RiskStatus.CLOSED)[:limit]:
        level: int = risk.residual_level  # type: ignore[attr-defined]  # annotated by risks_of
        found.append((risk, settings.matrix.band(level), level > settings.appetite))
    return found


def members_of(organisation: Organisation) -> QuerySet[User]:
    return (
        User.objects.filter(memberships__organisation=organisation)
        .distinct()
        .order_by("name", "email")
    )


# -- The heat map -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    likelihood: int
    consequence: int
    level: int
    band: str  # a Band value
    band_label: str
    count: int


@dataclass(frozen=True)
class Row:
    likelihood: int
    label: str
    cells: list[Cell]  # consequence 1 first


@dataclass(frozen=True)
class HeatMap:
    """Counts of the organisation's risks that are not closed, per cell of its matrix. Plain
    data: labels are strings in the active language, bands their keys (Band values)."""

    kind: str  # residual or inherent
    size: int
    appetite: int
    likelihoods: list[str]  # labels of likelihood 1, 2, …
    consequences: list[str]  # labels of consequence 1, 2, …
    rows: list[Row]  # the highest likelihood first
    total: int

    def as_data(self) -> dict[str, Any]:
        return asdict(self)


def heatmap_counts(
    organisation: Organisation, *, kind: str = "residual"
) -> dict[tuple[int, int], int]:
    """{(likelihood, consequence): number of risks} for the risks that are not closed (one
    query)."""
    if kind not in KINDS:
        raise ValueError(f"no such heat map: {kind}")
    rows = (
        Risk.objects.filter(organisation=organisation)
        .exclude(status=RiskStatus.CLOSED)
        .values_list(f"{kind}_likelihood", f"{kind}_consequence")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return {(likelihood, consequence): count for likelihood, consequence, count in rows}


def heatmap(
    organisation: Organisation, *, kind: str = "residual", settings: RiskSettings | None = None
) -> HeatMap:
    settings = settings or settings_of(organisation)
    matrix = settings.matrix
    counts = heatmap_counts(organisation, kind=kind)

    def cell(likelihood: int, consequence: int) -> Cell:
        level = matrix.level(likelihood, consequence)
        band = matrix.band(level)
        return Cell(
            likelihood=likelihood,
            consequence=consequence,
            level=level,
            band=band.value,
            band_label=str(band.label),
            count=counts.get((likelihood, consequence), 0),
        )

    rows = [
        Row(
            likelihood=likelihood,
            label=str(matrix.likelihood_label(likelihood)),
            cells=[cell(likelihood, consequence) for consequence in matrix.values],
        )
        for likelihood in reversed(matrix.values)
    ]
    return HeatMap(
        kind=kind,
        size=matrix.size,
        appetite=settings.appetite,
        likelihoods=[str(label) for label in matrix.likelihoods],
        consequences=[str(label) for label in matrix.consequences],
        rows=rows,
        total=sum(cell.count for row in rows for cell in row.cells),
    )


def band_counts(heat: HeatMap) -> dict[str, int]:
    """{band: number of risks} from a heat map, every band present."""
    counts = dict.fromkeys(Band.values, 0)
    for row in heat.rows:
        for cell in row.cells:
            counts[cell.band] += cell.count
    return counts


def above_appetite(heat: HeatMap) -> int:
    """How many of the heat map's risks lie above the risk appetite."""
    return sum(cell.count for row in heat.rows for cell in row.cells if cell.level > heat.appetite)


# -- The form's choices and history -----------------------------------------------------------


def suppliers_for(organisation: Organisation) -> QuerySet[Supplier]:
    return Supplier.objects.filter(relations__organisation=organisation).order_by("name")


def contracts_for(organisation: Organisation) -> QuerySet[Contract]:
    return Contract.objects.filter(organisation=organisation).select_related("supplier")


def assets_for(organisation: Organisation) -> QuerySet[Asset]:
    return Asset.objects.filter(organisation=organisation).order_by("name")


def findings_for(organisation: Organisation) -> QuerySet[Finding]:
    return Finding.objects.filter(organisation=organisation).order_by("-created_at")


def cases_for(organisation: Organisation) -> QuerySet[Case]:
    return Case.objects.filter(organisation=organisation).select_related("incident")


def history(risk: Risk) -> QuerySet[AuditEvent]:
    """The risk's part of the audit log, oldest first."""
    return AuditEvent.objects.filter(
        organisation_id=risk.organisation_id, object_type="risks.risk", object_id=str(risk.pk)
    ).order_by("id")


# -- Proposals --------------------------------------------------------------------------------


def _only(queryset: QuerySet[Any]) -> Any:
    """The one object of the queryset, or None if there are none or several."""
    found = list(queryset[:2])
    return found[0] if len(found) == 1 else None


def proposal_from_finding(finding: Finding) -> dict[str, Any]:
    """The form's initial values for a risk proposed from a finding: nothing is saved."""
    assessment = finding.assessment
    supplier = assessment.supplier
    contracts = assessment.contracts.all()
    description = _(
        "Finding in the assessment “%(assessment)s” of %(supplier)s (severity: %(severity)s)."
    ) % {
        "assessment": assessment.title,
        "supplier": supplier.name,
        "severity": finding.get_severity_display().lower(),
    }
    description += "\n\n" + _("Required of the supplier by %(deadline)s:") % {
        "deadline": f"{finding.deadline:%Y-%m-%d}"
    }
    description += "\n" + finding.required_action
    return {
        "title": finding.title[:200],
        "description": description,
        "finding": finding.pk,
        "supplier": supplier.pk,
        "contract": getattr(_only(contracts.order_by("pk")), "pk", None),
        "asset": getattr(
            _only(Asset.objects.filter(contracts__in=contracts).distinct().order_by("pk")),
            "pk",
            None,
        ),
    }


def proposal_from_case(case: Case) -> dict[str, Any]:
    """The form's initial values for a risk proposed from an incident case: nothing is saved."""
    incident = case.incident
    lines = [incident.description]
    lines.append(
        _("Incident at %(supplier)s, discovered %(date)s; it reaches us through %(path)s.")
        % {
            "supplier": incident.supplier.name,
            "date": f"{timezone.localtime(incident.discovered_at):%Y-%m-%d}",
            "path": " → ".join(case.path) or incident.supplier.name,
        }
    )
    if incident.data_categories:
        lines.append(
            _("Suspected data categories: %(categories)s")
            % {"categories": incident.data_categories}
        )
    systems = [system.get("name", "") for system in case.impact.get("systems", [])]
    if systems:
        lines.append(_("Our systems hit: %(systems)s") % {"systems": ", ".join(systems)})
    supplier = suppliers_for(case.organisation).filter(pk=case.via_supplier_id).first()
    contract = None
    if supplier is not None:
        contract = _only(contracts_for(case.organisation).filter(supplier=supplier).order_by("pk"))
    asset = None
    if len(systems) == 1:
        asset = assets_for(case.organisation).filter(name=systems[0]).first()
    return {
        "title": incident.title[:200],
        "description": "\n\n".join(lines),
        "case": case.pk,
        "supplier": getattr(supplier, "pk", None),
        "contract": getattr(contract, "pk", None),
        "asset": getattr(asset, "pk", None),
    }
