from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tillit.audit.models import AuditEvent
from tillit.classification.models import Asset, Classification
from tillit.classification.services import add_months, asset_create, classification_create
from tillit.conftest import Personas
from tillit.testing import make_asset

pytestmark = pytest.mark.django_db

ANSWERS = {"confidentiality": 1, "integrity": 1, "availability": 2, "traceability": 0}
NO_LEVELS: dict[str, int | None] = dict.fromkeys(ANSWERS)


def _classify(personas: Personas, asset: Asset, **kwargs: Any) -> Classification:
    arguments: dict[str, Any] = {"answers": ANSWERS, "levels": NO_LEVELS, "reasons": {}}
    return classification_create(acting_user=personas.admin_a, asset=asset, **(arguments | kwargs))


def test_versions_count_up_and_current_follows(personas: Personas) -> None:
    asset = make_asset(personas.org_a)
    first = _classify(personas, asset)
    second = _classify(personas, asset, answers=ANSWERS | {"integrity": 3})
    assert (first.version, second.version) == (1, 2)
    asset.refresh_from_db()
    assert asset.current == second
    assert second.integrity == 3
    assert second.classified_by == personas.admin_a
    assert second.review_due == add_months(timezone.localdate(), 12)
    assert AuditEvent.objects.filter(action="classification.create").count() == 2


def test_personal_data_raises_the_suggestion(personas: Personas) -> None:
    classification = _classify(
        personas,
        make_asset(personas.org_a),
        sensitive_data=True,
        protected_identities="skyddad_folkbokforing",
        data_subjects=1200,
    )
    assert classification.confidentiality == 3  # protected identities: at least serious harm
    assert classification.traceability == 1  # personal data must be traceable
    assert classification.personal_data  # implied by the details
    assert classification.overrides == {}


def test_choosing_another_level_needs_a_reason(personas: Personas) -> None:
    asset = make_asset(personas.org_a)
    levels = NO_LEVELS | {"availability": 1}
    with pytest.raises(ValidationError) as excinfo:
        _classify(personas, asset, levels=levels, reasons={"availability": "  "})
    assert excinfo.value.error_dict["availability_reason"][0].code == "reason_required"
    assert not Classification.objects.exists()
    assert not AuditEvent.objects.filter(action="classification.create").exists()
    done = _classify(personas, asset, levels=levels, reasons={"availability": "Manuell rutin"})
    assert done.availability == 1
    assert done.overrides == {"availability": {"suggested": 2, "reason": "Manuell rutin"}}


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"answers": ANSWERS | {"confidentiality": 5}}, "confidentiality_answer"),
        ({"answers": ANSWERS | {"integrity": -1}}, "integrity_answer"),
        ({"levels": NO_LEVELS | {"traceability": 9}}, "traceability_level"),
        ({"osl_secrecy": True}, "osl_reference"),
        ({"osl_reference": "21 kap. 1 §"}, "osl_reference"),
        ({"protected_identities": "invisible"}, "protected_identities"),
        ({"data_subjects": -5}, "data_subjects"),
    ],
)
def test_bad_input_is_refused_and_nothing_saved(
    personas: Personas, kwargs: dict[str, Any], field: str
) -> None:
    asset = make_asset(personas.org_a)
    with pytest.raises(ValidationError) as excinfo:
        _classify(personas, asset, **kwargs)
    assert field in excinfo.value.error_dict
    assert not Classification.objects.exists()


def test_asset_names_are_unique_per_organisation_and_owners_are_members(
    personas: Personas,
) -> None:
    asset_create(acting_user=personas.admin_a, organisation=personas.org_a, name="Lön")
    with pytest.raises(ValidationError, match="finns redan"):
        asset_create(acting_user=personas.admin_a, organisation=personas.org_a, name="Lön")
    asset_create(acting_user=personas.coordinator_b, organisation=personas.org_b, name="Lön")
    with pytest.raises(ValidationError, match="medlem"):
        asset_create(
            acting_user=personas.admin_a,
            organisation=personas.org_a,
            name="HR",
            owner=personas.coordinator_b,
        )
    assert Asset.objects.filter(name="HR").count() == 0


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),
        (dt.date(2028, 2, 29), 12, dt.date(2029, 2, 28)),
        (dt.date(2026, 11, 28), 12, dt.date(2027, 11, 28)),
        (dt.date(2026, 12, 15), 1, dt.date(2027, 1, 15)),
    ],
)
def test_add_months(day: dt.date, months: int, expected: dt.date) -> None:
    assert add_months(day, months) == expected
