"""Stages: the member the pages are requested as, a procurement, and assessments of the
organisations' suppliers with their questionnaires and findings."""

from __future__ import annotations

import base64
import datetime as dt
import random
from collections import Counter
from collections.abc import Sequence
from typing import Any

from allauth.mfa.totp.internal.auth import TOTP
from django.db import models

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
from tillit.bench.dataset.contracts import PROCUREMENT_ASSETS
from tillit.bench.dataset.plan import BATCH, EPOCH, Dataset, OrgPlan, Stage, T, apportion
from tillit.catalogue.models import Requirement
from tillit.catalogue.selectors import default_catalogue
from tillit.classification.models import Asset
from tillit.organisations.models import Membership, Organisation
from tillit.organisations.roles import Role
from tillit.procurement.models import Procedure
from tillit.procurement.services import procurement_create

BENCH_EMAIL = "bench@tillit.invalid"


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
    ds.procurement_id = str(procurement.pk)


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


STAGES: list[tuple[str, Stage]] = [
    ("people", _people),
    ("procurement", _procurement),
    ("assessments", _assessments),
]
