"""The register's rules: values on the organisation's matrix, links within the organisation,
who may accept what, and changing the matrix."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from tillit.audit.models import AuditEvent
from tillit.conftest import Personas
from tillit.organisations.access import access_organisation
from tillit.organisations.roles import Permission, Role
from tillit.risks.models import Risk, RiskSettings, RiskStatus
from tillit.risks.selectors import settings_of
from tillit.risks.services import risk_accept, risk_settings_set, risk_update
from tillit.risks.tests.helpers import make_case, make_finding, make_risk
from tillit.testing import make_asset, make_contract, make_member, make_supplier

TODAY = dt.date(2026, 3, 2)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """The messages are matched as written in the code; their Swedish is checked elsewhere."""
    with translation.override("en"):
        yield


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def test_a_risk_without_measures_has_its_inherent_level_after_them(personas: Personas) -> None:
    risk = make_risk(personas.org_a, personas.admin_a, inherent_likelihood=2)
    assert (risk.residual_likelihood, risk.residual_consequence) == (2, 3)
    assert risk.status == RiskStatus.OPEN
    (event,) = _events("risk.create")
    assert event.changes["title"] == [None, "Leverantören tappar kunddata"]
    assert event.organisation_id == personas.org_a.id


@pytest.mark.parametrize(
    "values",
    [
        {"inherent_likelihood": 0},
        {"inherent_likelihood": 5},  # the default matrix is 4 by 4
        {"inherent_consequence": "hög"},
        {"inherent_consequence": None},
        {"residual_likelihood": 4, "inherent_likelihood": 3},  # measures made it worse
        {"residual_consequence": 9},
        {"title": "   "},
        {"treatment": "ignore"},
        {"treatment": "reduce", "measures": ""},
        {"status": "forgotten"},
        {"status": RiskStatus.ACCEPTED},  # acceptance is its own decision
    ],
)
def test_nonsense_is_refused_and_nothing_is_saved(
    personas: Personas, values: dict[str, object]
) -> None:
    with pytest.raises(ValidationError):
        make_risk(personas.org_a, personas.admin_a, **values)
    assert not Risk.objects.exists()
    assert not _events("risk.create")


def test_the_organisation_s_matrix_bounds_the_values(personas: Personas) -> None:
    risk_settings_set(
        acting_user=personas.admin_a, organisation=personas.org_a, matrix_size=5, appetite=5
    )
    assert make_risk(personas.org_a, personas.admin_a, inherent_likelihood=5).pk
    risk_settings_set(
        acting_user=personas.admin_a,
        organisation=personas.org_a,
        matrix_size=3,
        appetite=3,
        rescale_risks=True,
    )
    with pytest.raises(ValidationError, match="1 to 3"):
        make_risk(personas.org_a, personas.admin_a, inherent_likelihood=4)


def test_links_must_be_the_organisation_s_own(personas: Personas) -> None:
    own_asset = make_asset(personas.org_a, "HR")
    own_contract = make_contract(personas.org_a, assets=[own_asset])
    risk = make_risk(
        personas.org_a,
        personas.admin_a,
        supplier=own_contract.supplier,
        contract=own_contract,
        asset=own_asset,
        finding=make_finding(personas.org_a),
        case=make_case(personas.org_a, personas.admin_a),
        owner=personas.reader_a,
    )
    assert risk.contract == own_contract
    others = {
        "supplier": make_contract(personas.org_b).supplier,
        "contract": make_contract(personas.org_b),
        "asset": make_asset(personas.org_b),
        "finding": make_finding(personas.org_b),
        "case": make_case(personas.org_b, personas.coordinator_b),
        "owner": personas.coordinator_b,
    }
    for name, other in others.items():
        with pytest.raises(ValidationError) as caught:
            make_risk(personas.org_a, personas.admin_a, **{name: other})
        assert name in caught.value.error_dict, name
        with pytest.raises(ValidationError):
            risk_update(acting_user=personas.admin_a, risk=risk, **{name: other})
    # A supplier known on the instance but not to this organisation is not one of its own.
    with pytest.raises(ValidationError, match="organisation's suppliers"):
        make_risk(personas.org_a, personas.admin_a, supplier=make_supplier())
    with pytest.raises(ValidationError, match="another supplier"):
        make_risk(
            personas.org_a,
            personas.admin_a,
            supplier=own_contract.supplier,
            contract=make_contract(personas.org_a),
        )
    risk.refresh_from_db()
    assert risk.contract == own_contract
    assert Risk.objects.count() == 1


def _accept(personas: Personas, user_role: Role | None, risk: Risk, reason: str = "") -> Risk:
    user = personas.admin_a if user_role is None else make_member(personas.org_a, user_role)
    access = access_organisation(user, "org-a")
    return risk_accept(
        acting_user=user,
        permissions=access.permissions,
        risk=risk,
        accepted_on=timezone.localdate(),
        reason=reason,
    )


def test_at_or_below_the_appetite_any_editor_accepts(personas: Personas) -> None:
    # Level 4 (medium) on 4 by 4; the default appetite is 4.
    risk = make_risk(personas.org_a, personas.admin_a, inherent_likelihood=2)
    _accept(personas, Role.SYSTEM_OWNER, risk)
    risk.refresh_from_db()
    assert risk.status == RiskStatus.ACCEPTED
    (event,) = _events("risk.accept")
    assert event.changes["above_appetite"] == [None, False]


def test_above_the_appetite_only_management_accepts_and_with_a_reason(
    personas: Personas,
) -> None:
    risk = make_risk(personas.org_a, personas.admin_a, inherent_likelihood=4)  # level 6
    with pytest.raises(PermissionDenied, match="only management"):
        _accept(personas, Role.SECURITY_COORDINATOR, risk, reason="Det går bra")
    with pytest.raises(ValidationError, match="reason"):
        _accept(personas, Role.MANAGEMENT, risk, reason="  ")
    risk.refresh_from_db()
    assert risk.status == RiskStatus.OPEN
    assert not _events("risk.accept")
    _accept(personas, Role.MANAGEMENT, risk, reason="Beslut i kommunstyrelsens arbetsutskott.")
    risk.refresh_from_db()
    assert risk.status == RiskStatus.ACCEPTED
    assert risk.acceptance_reason == "Beslut i kommunstyrelsens arbetsutskott."
    (event,) = _events("risk.accept")
    assert event.changes["above_appetite"] == [None, True]
    assert event.changes["residual_level"] == [None, 6]
    assert event.changes["appetite"] == [None, 4]
    assert event.changes["status"] == [RiskStatus.OPEN, RiskStatus.ACCEPTED]
    assert event.changes["acceptance_reason"][1] == "Beslut i kommunstyrelsens arbetsutskott."
    with pytest.raises(ValidationError, match="already accepted"):
        _accept(personas, None, risk, reason="Igen")


def test_management_without_edit_accepts_below_the_appetite_too(personas: Personas) -> None:
    risk = make_risk(personas.org_a, personas.admin_a, inherent_likelihood=1)
    access = access_organisation(personas.reader_a, "org-a")
    assert not access.can(Permission.EDIT)
    risk_accept(
        acting_user=personas.reader_a,
        permissions=access.permissions,
        risk=risk,
        accepted_on=timezone.localdate(),
        reason="",
    )
    assert Risk.objects.get().status == RiskStatus.ACCEPTED


def test_a_decision_needs_a_date_not_in_the_future(personas: Personas) -> None:
    risk = make_risk(personas.org_a, personas.admin_a, inherent_likelihood=1)
    for day in (None, timezone.localdate() + dt.timedelta(days=1)):
        with pytest.raises(ValidationError):
            risk_accept(
                acting_user=personas.admin_a,
                permissions=frozenset(Permission),
                risk=risk,
                accepted_on=day,
                reason="",
            )
    assert Risk.objects.get().status == RiskStatus.OPEN


def test_a_changed_residual_risk_is_no_longer_accepted(personas: Personas) -> None:
    risk = make_risk(personas.org_a, personas.admin_a, inherent_likelihood=2)
    _accept(personas, None, risk)
    risk_update(acting_user=personas.admin_a, risk=risk, measures="Ny text", treatment="accept")
    assert Risk.objects.get().status == RiskStatus.ACCEPTED
    risk_update(acting_user=personas.admin_a, risk=risk, residual_likelihood=1)
    risk.refresh_from_db()
    assert risk.status == RiskStatus.OPEN
    assert risk.accepted_on is None
    assert risk.accepted_by is None
    event = _events("risk.update")[-1]
    assert event.changes["status"] == [RiskStatus.ACCEPTED, RiskStatus.OPEN]


def test_changing_the_matrix_of_an_empty_register_is_free(personas: Personas) -> None:
    settings = risk_settings_set(
        acting_user=personas.admin_a, organisation=personas.org_a, matrix_size=5, appetite=6
    )
    assert (settings.matrix_size, settings.appetite) == (5, 6)
    assert _events("risk.settings")[0].changes == {"appetite": [4, 6], "matrix_size": [4, 5]}


@pytest.mark.parametrize(
    ("size", "appetite"), [(6, 4), (2, 1), (4, 0), (4, 8), (3, 6), ("4", 4), (4, "4")]
)
def test_settings_off_the_matrix_are_refused(
    personas: Personas, size: object, appetite: object
) -> None:
    with pytest.raises(ValidationError):
        risk_settings_set(
            acting_user=personas.admin_a,
            organisation=personas.org_a,
            matrix_size=size,  # type: ignore[arg-type]
            appetite=appetite,  # type: ignore[arg-type]
        )
    assert not RiskSettings.objects.exists()
    assert settings_of(personas.org_a).matrix_size == 4


def test_changing_the_matrix_of_a_register_with_risks_must_be_confirmed(
    personas: Personas,
) -> None:
    risk = make_risk(
        personas.org_a,
        personas.admin_a,
        inherent_likelihood=4,
        inherent_consequence=3,
        residual_likelihood=2,
        residual_consequence=3,
    )
    with pytest.raises(ValidationError, match="Confirm"):
        risk_settings_set(
            acting_user=personas.admin_a, organisation=personas.org_a, matrix_size=5, appetite=5
        )
    risk.refresh_from_db()
    assert (risk.inherent_likelihood, risk.inherent_consequence) == (4, 3)
    # The appetite alone may change.
    risk_settings_set(
        acting_user=personas.admin_a, organisation=personas.org_a, matrix_size=4, appetite=3
    )
    risk_settings_set(
        acting_user=personas.admin_a,
        organisation=personas.org_a,
        matrix_size=5,
        appetite=5,
        rescale_risks=True,
    )
    risk.refresh_from_db()
    # 4 → 5 maps 1, 2, 3, 4 to 1, 2, 4, 5.
    assert (risk.inherent_likelihood, risk.inherent_consequence) == (5, 4)
    assert (risk.residual_likelihood, risk.residual_consequence) == (2, 4)
    (event,) = _events("risk.rescale")
    assert event.changes["matrix_size"] == [4, 5]
    assert event.changes["inherent_likelihood"] == [4, 5]
