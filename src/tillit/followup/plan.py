"""The follow-up plan: everything an organisation must look at again, with its due date, owner
and reminder stages, computed from the data at a constant number of queries.

Nothing here is stored; reminders.py decides from this plan which reminders to send.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tillit.accounts.models import User
from tillit.assessments.models import Assessment, AssessmentStatus, Finding, FindingStatus
from tillit.catalogue.rules import ASPECTS
from tillit.classification.models import Asset
from tillit.classification.services import add_months
from tillit.followup.models import Policy
from tillit.incidents.models import Case
from tillit.organisations.models import Membership, Organisation
from tillit.organisations.roles import Role
from tillit.suppliers.gaps import PENTEST_CRITICALITY
from tillit.suppliers.models import ART_28_POINTS, Certificate, Contract, PenTest

SOON = dt.timedelta(days=30)


class Kind(StrEnum):
    REASSESSMENT = "reassessment"
    CERTIFICATE = "certificate"
    PENTEST = "pentest"
    FINDING = "finding"
    AGREEMENT = "agreement"
    NOTICE = "notice"
    CONTRACT_END = "contract_end"
    CLASSIFICATION = "classification"
    QUESTIONNAIRE = "questionnaire"
    INCIDENT_REASSESSMENT = "incident_reassessment"


KIND_LABELS = {
    Kind.REASSESSMENT: _("Reassessment"),
    Kind.CERTIFICATE: _("Certificate"),
    Kind.PENTEST: _("Penetration test"),
    Kind.FINDING: _("Finding"),
    Kind.AGREEMENT: _("Processor agreement"),
    Kind.NOTICE: _("Notice date"),
    Kind.CONTRACT_END: _("Contract end"),
    Kind.CLASSIFICATION: _("Classification review"),
    Kind.QUESTIONNAIRE: _("Unanswered questionnaire"),
    Kind.INCIDENT_REASSESSMENT: _("Reassessment after an incident"),
}

TITLES = {
    Kind.REASSESSMENT: _("Reassess %(supplier)s (%(service)s)"),
    Kind.CERTIFICATE: _("%(certificate)s of %(supplier)s expires"),
    Kind.PENTEST: _("Penetration test of %(supplier)s"),
    Kind.FINDING: _("Finding at %(supplier)s: %(finding)s"),
    Kind.AGREEMENT: _("Processor agreement with %(supplier)s is missing or incomplete"),
    Kind.NOTICE: _("Last day to give notice: %(supplier)s (%(service)s)"),
    Kind.CONTRACT_END: _("Contract with %(supplier)s ends (%(service)s)"),
    Kind.CLASSIFICATION: _("Review the classification of %(asset)s"),
    Kind.QUESTIONNAIRE: _("%(supplier)s has not answered %(assessment)s"),
    Kind.INCIDENT_REASSESSMENT: _("Reassess %(supplier)s after the incident “%(incident)s”"),
}


@dataclass(frozen=True)
class Stage:
    """A reminder sent when today ≥ due + offset days: to the owner, the supplier, or both."""

    offset: int
    owner: bool = True
    supplier: bool = False


OWNER_STAGES = {
    Kind.REASSESSMENT: (Stage(-30), Stage(0), Stage(30)),
    # The day after valid_until the certificate has expired.
    Kind.CERTIFICATE: (Stage(-90), Stage(-30), Stage(-7), Stage(1), Stage(30)),
    Kind.PENTEST: (Stage(-30), Stage(0), Stage(30)),
    Kind.FINDING: (Stage(-7, supplier=True), Stage(1, supplier=True), Stage(14)),
    Kind.AGREEMENT: (Stage(0), Stage(30), Stage(90)),
    Kind.NOTICE: (Stage(-60), Stage(-14), Stage(0)),
    Kind.CONTRACT_END: (Stage(-90), Stage(-30), Stage(0)),
    Kind.CLASSIFICATION: (Stage(-30), Stage(0), Stage(30)),
    Kind.INCIDENT_REASSESSMENT: (Stage(0), Stage(14)),
    # The supplier is reminded first; the owner when the supplier still has not answered.
    Kind.QUESTIONNAIRE: (
        Stage(-7, owner=False, supplier=True),
        Stage(1, owner=False, supplier=True),
        Stage(7),
    ),
}


class Status(StrEnum):
    OVERDUE = "overdue"
    SOON = "soon"
    LATER = "later"


@dataclass(frozen=True)
class Item:
    key: str  # stable identity: "<kind>:<object id>"
    kind: Kind
    due: dt.date
    url: str
    params: dict[str, Any]
    owner: User | None = None
    supplier_contacts: tuple[str, ...] = ()
    stages: tuple[Stage, ...] = field(default=())

    @property
    def title(self) -> str:
        """In the active language."""
        return str(TITLES[self.kind]) % self.params

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])

    def status(self, today: dt.date) -> Status:
        if self.due < today:
            return Status.OVERDUE
        if self.due <= today + SOON:
            return Status.SOON
        return Status.LATER

    def stage_reached(self, today: dt.date) -> Stage | None:
        reached = [s for s in self.stages if today >= self.due + dt.timedelta(days=s.offset)]
        return reached[-1] if reached else None


def policy_of(organisation: Organisation) -> Policy:
    policy = Policy.objects.filter(organisation=organisation).first()
    return policy or Policy(organisation=organisation)


def _item(kind: Kind, pk: object, due: dt.date, url: str, **values: Any) -> Item:
    return Item(
        key=f"{kind}:{pk}", kind=kind, due=due, url=url, stages=OWNER_STAGES[kind], **values
    )


class _Urls:
    """An object's page, by URL name: reversed once with a stand-in id that is then replaced,
    instead of once per item (thousands at a large organisation)."""

    STAND_IN = "00000000-0000-4000-8000-000000000000"

    def __init__(self, organisation: Organisation) -> None:
        self.slug = organisation.slug
        self.templates: dict[str, str] = {}

    def __call__(self, name: str, pk: object) -> str:
        if name not in self.templates:
            self.templates[name] = reverse(name, args=[self.slug, self.STAND_IN])
        return self.templates[name].replace(self.STAND_IN, str(pk))


def _owners(ids: set[int]) -> dict[int, User]:
    return User.objects.in_bulk(ids) if ids else {}


@dataclass
class _SupplierFacts:
    name: str
    criticality: int
    since: dt.date  # the organisation's first contract with it


@dataclass
class _System:
    """What the plan needs of a system a contract serves."""

    level: int  # its highest classification level; -1 when unclassified
    personal_data: bool
    owner_id: int | None


AGREEMENT_POINTS = [f"processor_agreement__covers_{point}" for point in ART_28_POINTS]


def _systems(organisation: Organisation) -> dict[Any, list[_System]]:
    """The systems each contract serves, most critical first (by name among equals)."""
    current = [f"asset__current__{aspect}" for aspect in ASPECTS]
    rows = (
        Contract.assets.through.objects.filter(contract__organisation=organisation)
        .values_list("contract_id", "asset__owner_id", "asset__current__personal_data", *current)
        .order_by("asset__name", "asset_id")
    )
    systems: dict[Any, list[_System]] = {}
    for contract_id, owner_id, personal, *levels in rows:
        level = -1 if levels[0] is None else max(levels)
        systems.setdefault(contract_id, []).append(_System(level, bool(personal), owner_id))
    for found in systems.values():
        found.sort(key=lambda system: system.level, reverse=True)
    return systems


def _contract_items(
    organisation: Organisation, policy: Policy, today: dt.date, urls: _Urls
) -> tuple[list[Item], dict[Any, _SupplierFacts]]:
    """Reassessment, agreement, notice and contract-end items; and what they tell of each
    supplier (its criticality to the organisation, and since when it is used). Read as plain
    values: a large organisation has thousands of contracts."""
    contracts = (
        Contract.objects.filter(organisation=organisation)
        .annotate(
            last_assessed=Max(
                "assessments__completed_at",
                filter=Q(assessments__status=AssessmentStatus.COMPLETED),
            )
        )
        .values(
            "pk",
            "supplier_id",
            "supplier__name",
            "service",
            "created_at",
            "end",
            "notice_period_days",
            "last_assessed",
            "processor_agreement__pk",
            *AGREEMENT_POINTS,
        )
        .order_by()  # the items are sorted at the end
    )
    systems = _systems(organisation)
    owners = _owners(
        {found[0].owner_id for found in systems.values() if found[0].owner_id is not None}
    )
    items: list[Item] = []
    suppliers: dict[Any, _SupplierFacts] = {}
    for contract in contracts:
        pk = contract["pk"]
        url = urls("supplier-contract-detail", pk)
        names = {"supplier": contract["supplier__name"], "service": contract["service"]}
        served = systems.get(pk, [])
        level = served[0].level if served else -1
        created = contract["created_at"].date()
        facts = suppliers.setdefault(
            contract["supplier_id"], _SupplierFacts(contract["supplier__name"], level, created)
        )
        facts.criticality = max(facts.criticality, level)
        facts.since = min(facts.since, created)
        owner = owners.get(served[0].owner_id) if served and served[0].owner_id else None
        if 0 <= level < 4:  # level 4 is the security-protection track, not ordinary follow-up
            last = contract["last_assessed"]
            due = add_months(last.date(), policy.months_for(level)) if last else created
            items.append(_item(Kind.REASSESSMENT, pk, due, url, params=names, owner=owner))
        complete = contract["processor_agreement__pk"] is not None and all(
            contract[point] for point in AGREEMENT_POINTS
        )
        if any(system.personal_data for system in served) and not complete:
            items.append(_item(Kind.AGREEMENT, pk, created, url, params=names, owner=owner))
        end = contract["end"]
        if end is not None and end >= today - SOON:
            if contract["notice_period_days"]:
                notice = end - dt.timedelta(days=contract["notice_period_days"])
                items.append(_item(Kind.NOTICE, pk, notice, url, params=names, owner=owner))
            items.append(_item(Kind.CONTRACT_END, pk, end, url, params=names, owner=owner))
    return items, suppliers


def _certificate_items(organisation: Organisation, urls: _Urls) -> list[Item]:
    """The latest certificate of each kind per supplier: an older one that a newer one
    replaced needs no reminder."""
    latest: dict[tuple[object, str], Certificate] = {}
    for certificate in Certificate.objects.filter(organisation=organisation).select_related(
        "supplier"
    ):
        key = (certificate.supplier_id, certificate.kind)
        if key not in latest or certificate.valid_until > latest[key].valid_until:
            latest[key] = certificate
    return [
        _item(
            Kind.CERTIFICATE,
            certificate.pk,
            certificate.valid_until,
            urls("supplier-detail", certificate.supplier_id),
            params={
                "certificate": certificate.get_kind_display(),
                "supplier": certificate.supplier.name,
            },
        )
        for certificate in latest.values()
    ]


def _pentest_items(
    organisation: Organisation, suppliers: dict[Any, _SupplierFacts], urls: _Urls
) -> list[Item]:
    critical = {pk: f for pk, f in suppliers.items() if f.criticality >= PENTEST_CRITICALITY}
    latest = dict(
        PenTest.objects.filter(organisation=organisation, supplier_id__in=critical)
        .values_list("supplier_id")
        .annotate(Max("performed_on"))
    )
    items = []
    for pk, facts in critical.items():
        performed = latest.get(pk)
        items.append(
            _item(
                Kind.PENTEST,
                pk,
                add_months(performed, 12) if performed else facts.since,
                urls("supplier-detail", pk),
                params={"supplier": facts.name},
            )
        )
    return items


def _finding_items(organisation: Organisation, urls: _Urls) -> list[Item]:
    findings = (
        Finding.objects.filter(
            organisation=organisation, status__in=(FindingStatus.OPEN, FindingStatus.REMEDIATED)
        )
        .select_related("assessment__supplier", "assessment__created_by")
        .prefetch_related("assessment__links")
    )
    now = timezone.now()
    return [
        _item(
            Kind.FINDING,
            finding.pk,
            finding.deadline,
            urls("finding-detail", finding.pk),
            params={"supplier": finding.assessment.supplier.name, "finding": finding.title},
            owner=finding.assessment.created_by,
            # The supplier is reminded of what it must still do, not of what it has reported.
            supplier_contacts=_contacts(finding.assessment, now)
            if finding.status == FindingStatus.OPEN
            else (),
        )
        for finding in findings
    ]


def _contacts(assessment: Assessment, now: dt.datetime) -> tuple[str, ...]:
    return tuple(
        sorted(
            {
                link.contact_email
                for link in assessment.links.all()
                if link.revoked_at is None and link.expires_at > now
            }
        )
    )


def _questionnaire_items(organisation: Organisation, urls: _Urls) -> list[Item]:
    assessments = (
        Assessment.objects.filter(organisation=organisation, status=AssessmentStatus.SENT)
        .select_related("supplier", "created_by")
        .prefetch_related("links")
    )
    now = timezone.now()
    items = []
    for assessment in assessments:
        due = assessment.due_on or (assessment.created_at.date() + dt.timedelta(days=30))
        items.append(
            _item(
                Kind.QUESTIONNAIRE,
                assessment.pk,
                due,
                urls("assessment-detail", assessment.pk),
                params={"supplier": assessment.supplier.name, "assessment": assessment.title},
                owner=assessment.created_by,
                supplier_contacts=_contacts(assessment, now),
            )
        )
    return items


def _classification_items(organisation: Organisation, urls: _Urls) -> list[Item]:
    assets = list(
        Asset.objects.filter(organisation=organisation, current__isnull=False).values_list(
            "pk", "name", "current__review_due", "owner_id"
        )
    )
    owners = _owners({owner for *_rest, owner in assets if owner is not None})
    return [
        _item(
            Kind.CLASSIFICATION,
            pk,
            review_due,
            urls("asset-detail", pk),
            params={"asset": name},
            owner=owners.get(owner) if owner is not None else None,
        )
        for pk, name, review_due, owner in assets
    ]


# An incident at a supplier calls for a reassessment within this time.
AFTER_INCIDENT = dt.timedelta(days=30)


def _incident_items(organisation: Organisation, urls: _Urls) -> list[Item]:
    """For every incident case, a reassessment of the organisation's own supplier on the path,
    until an assessment of that supplier is completed after the case was opened."""
    cases = Case.objects.filter(organisation=organisation).select_related(
        "incident", "via_supplier"
    )
    completed: dict[Any, dt.datetime] = dict(
        Assessment.objects.filter(organisation=organisation, status=AssessmentStatus.COMPLETED)
        .values_list("supplier_id")
        .annotate(Max("completed_at"))
    )
    return [
        _item(
            Kind.INCIDENT_REASSESSMENT,
            case.pk,
            timezone.localdate(case.created_at) + AFTER_INCIDENT,
            urls("case-detail", case.pk),
            params={"supplier": case.via_supplier.name, "incident": case.incident.title},
        )
        for case in cases
        if completed.get(case.via_supplier_id) is None
        or completed[case.via_supplier_id] < case.created_at
    ]


def follow_up_plan(organisation: Organisation, today: dt.date) -> list[Item]:
    """Every follow-up item of the organisation, soonest due first."""
    policy = policy_of(organisation)
    urls = _Urls(organisation)
    contract_items, suppliers = _contract_items(organisation, policy, today, urls)
    items = (
        contract_items
        + _certificate_items(organisation, urls)
        + _pentest_items(organisation, suppliers, urls)
        + _finding_items(organisation, urls)
        + _questionnaire_items(organisation, urls)
        + _classification_items(organisation, urls)
        + _incident_items(organisation, urls)
    )
    return sorted(items, key=lambda item: (item.due, item.kind, item.key))


def coordinators(organisation: Organisation) -> list[User]:
    """Who gets the items nobody owns: the security coordinators, else the administrators."""
    members = list(
        Membership.objects.filter(
            organisation=organisation,
            user__is_active=True,
            role__in=(Role.SECURITY_COORDINATOR, Role.ADMIN),
        ).select_related("user")
    )
    chosen = [m.user for m in members if m.role == Role.SECURITY_COORDINATOR] or [
        m.user for m in members
    ]
    return sorted(set(chosen), key=lambda user: user.email)


def responsible(item: Item, fallback: list[User], members: set[int]) -> list[User]:
    """The item's owner while they are an active member; else the fallback people."""
    if item.owner is not None and item.owner.is_active and item.owner.pk in members:
        return [item.owner]
    return fallback


def member_ids(organisation: Organisation) -> set[int]:
    return set(
        Membership.objects.filter(organisation=organisation).values_list("user_id", flat=True)
    )


def items_for(user: User, today: dt.date) -> list[tuple[Organisation, Item]]:
    """The items the user answers for, in every organisation they belong to."""
    found = []
    organisations = Organisation.objects.filter(memberships__user=user).distinct().order_by("name")
    for organisation in organisations:
        fallback, members = coordinators(organisation), member_ids(organisation)
        found += [
            (organisation, item)
            for item in follow_up_plan(organisation, today)
            if user in responsible(item, fallback, members)
        ]
    return sorted(found, key=lambda pair: (pair[1].due, pair[0].name))
