"""The follow-up plan: everything an organisation must look at again, with its due date, owner
and reminder stages, worked out from the data at a constant number of queries.

store.py keeps the result as PlanItem rows; reminders.py decides from them which reminders to
send.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone

from tillit.accounts.models import User
from tillit.assessments.models import Assessment, AssessmentStatus, Finding, FindingStatus
from tillit.catalogue.rules import ASPECTS
from tillit.classification.models import Asset
from tillit.classification.services import add_months
from tillit.followup.models import SOON, Kind, PlanItem, Policy
from tillit.incidents.models import Case
from tillit.organisations.models import Membership, Organisation
from tillit.organisations.roles import Role
from tillit.suppliers.gaps import PENTEST_CRITICALITY
from tillit.suppliers.models import ART_28_POINTS, Certificate, Contract, PenTest


def policy_of(organisation: Organisation) -> Policy:
    policy = Policy.objects.filter(organisation=organisation).first()
    return policy or Policy(organisation=organisation)


def _item(kind: Kind, pk: object, due: dt.date, url: str, **values: Any) -> PlanItem:
    return PlanItem(key=f"{kind.value}:{pk}", kind=kind.value, due=due, url=url, **values)


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
) -> tuple[list[PlanItem], dict[Any, _SupplierFacts]]:
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
    items: list[PlanItem] = []
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


def _certificate_items(organisation: Organisation, urls: _Urls) -> list[PlanItem]:
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
                "certificate": certificate.kind,  # named in the reader's language
                "supplier": certificate.supplier.name,
            },
        )
        for certificate in latest.values()
    ]


def _pentest_items(
    organisation: Organisation, suppliers: dict[Any, _SupplierFacts], urls: _Urls
) -> list[PlanItem]:
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


def _finding_items(organisation: Organisation, urls: _Urls) -> list[PlanItem]:
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
            else [],
        )
        for finding in findings
    ]


def _contacts(assessment: Assessment, now: dt.datetime) -> list[str]:
    return sorted(
        {
            link.contact_email
            for link in assessment.links.all()
            if link.revoked_at is None and link.expires_at > now
        }
    )


def _questionnaire_items(organisation: Organisation, urls: _Urls) -> list[PlanItem]:
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


def _classification_items(organisation: Organisation, urls: _Urls) -> list[PlanItem]:
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


def _incident_items(organisation: Organisation, urls: _Urls) -> list[PlanItem]:
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


def follow_up_plan(organisation: Organisation, today: dt.date) -> list[PlanItem]:
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
    return _coordinators_among(_memberships([organisation])[organisation.pk])


def _memberships(organisations: Iterable[Organisation]) -> defaultdict[Any, list[Membership]]:
    """Each organisation's memberships, with their users, in one query."""
    found: defaultdict[Any, list[Membership]] = defaultdict(list)
    for membership in Membership.objects.filter(organisation__in=organisations).select_related(
        "user"
    ):
        found[membership.organisation_id].append(membership)
    return found


def _coordinators_among(memberships: list[Membership]) -> list[User]:
    eligible = [
        membership
        for membership in memberships
        if membership.user.is_active and membership.role in (Role.SECURITY_COORDINATOR, Role.ADMIN)
    ]
    chosen = [m.user for m in eligible if m.role == Role.SECURITY_COORDINATOR] or [
        m.user for m in eligible
    ]
    return sorted(set(chosen), key=lambda user: user.email)


@dataclass(frozen=True)
class Responsibility:
    """Who answers for an organisation's items: an item's owner while they are an active
    member, else the fallback people (the coordinators). people() decides it for one item,
    answered_by() as a filter on stored items; the two say the same."""

    fallback: list[User]
    members: set[int]

    @classmethod
    def of(cls, organisation: Organisation) -> Responsibility:
        return cls.of_each([organisation])[organisation.pk]

    @classmethod
    def of_each(cls, organisations: list[Organisation]) -> dict[Any, Responsibility]:
        """Each organisation's, by its pk, in one query however many."""
        memberships = _memberships(organisations)
        return {
            organisation.pk: cls(
                _coordinators_among(memberships[organisation.pk]),
                {membership.user_id for membership in memberships[organisation.pk]},
            )
            for organisation in organisations
        }

    def people(self, item: PlanItem) -> list[User]:
        owner = item.owner
        if owner is not None and owner.is_active and owner.pk in self.members:
            return [owner]
        return self.fallback

    def answered_by(self, user: User) -> Q:
        owner_counts = Q(owner__is_active=True, owner_id__in=self.members)
        mine = owner_counts & Q(owner=user)
        if user in self.fallback:
            mine |= Q(owner__isnull=True) | ~owner_counts
        return mine
