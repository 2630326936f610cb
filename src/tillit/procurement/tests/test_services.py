from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from tillit.audit.models import AuditEvent
from tillit.catalogue.models import Catalogue, Requirement
from tillit.conftest import Personas
from tillit.procurement.models import Adjustment, Procurement, Tender, TenderAnswer
from tillit.procurement.selectors import (
    AnnexNotReadyError,
    annex_content,
    evaluation_content,
    procurement_profile,
)
from tillit.procurement.services import (
    adjustment_remove,
    adjustment_set,
    procurement_create,
    tender_answers_save,
    tender_create,
)
from tillit.testing import make_asset, make_catalogue

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(db: None) -> Catalogue:
    return make_catalogue()


def _procurement(personas: Personas, catalogue: Catalogue, **facts: Any) -> Procurement:
    assets = [make_asset(personas.org_a, "Lönesystem", **(facts or {"confidentiality": 2}))]
    return procurement_create(
        acting_user=personas.admin_a,
        organisation=personas.org_a,
        name="Nytt lönesystem",
        reference="KS 2026/123",
        procedure="oppet",
        officer=personas.admin_a,
        catalogue=catalogue,
        assets=assets,
    )


def test_profile_merges_the_assets_in_scope(personas: Personas, catalogue: Catalogue) -> None:
    procurement = _procurement(personas, catalogue, confidentiality=1)
    other = make_asset(personas.org_a, "HR", personal_data=True, sensitive_data=True)
    procurement.assets.add(other)
    profile = procurement_profile(procurement)
    keys = {entry.key: entry.mandatory for entry in profile.entries}
    # T-INC-01 applies through HR's personal data and is mandatory through its sensitive data.
    assert keys == {"T-BASE-01": False, "T-INC-01": True}
    assert profile.ready


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"assets": []}, "assets"),
        ({"name": "  "}, "name"),
        ({"reference": ""}, "reference"),
        ({"procedure": "lottery"}, "procedure"),
    ],
)
def test_bad_procurements_are_refused(
    personas: Personas, catalogue: Catalogue, change: dict[str, Any], field: str
) -> None:
    arguments: dict[str, Any] = {
        "acting_user": personas.admin_a,
        "organisation": personas.org_a,
        "name": "Upphandling",
        "reference": "1",
        "procedure": "oppet",
        "officer": None,
        "catalogue": catalogue,
        "assets": [make_asset(personas.org_a)],
    }
    with pytest.raises(ValidationError) as excinfo:
        procurement_create(**(arguments | change))
    assert field in excinfo.value.error_dict
    assert not Procurement.objects.exists()


def test_assets_of_another_organisation_are_refused(
    personas: Personas, catalogue: Catalogue
) -> None:
    with pytest.raises(ValidationError, match="egen organisation"):
        procurement_create(
            acting_user=personas.admin_a,
            organisation=personas.org_a,
            name="X",
            reference="1",
            procedure="oppet",
            officer=None,
            catalogue=catalogue,
            assets=[make_asset(personas.org_b)],
        )


def test_dropping_and_weakening_need_a_justification(
    personas: Personas, catalogue: Catalogue
) -> None:
    procurement = _procurement(personas, catalogue, confidentiality=3)
    base = Requirement.objects.get(catalogue=catalogue, key="T-BASE-01")
    incident = Requirement.objects.get(catalogue=catalogue, key="T-INC-01")
    with pytest.raises(ValidationError, match="motiveringen"):
        adjustment_set(
            acting_user=personas.admin_a,
            procurement=procurement,
            requirement=base,
            action="drop",
            justification=" ",
        )
    assert not Adjustment.objects.exists()
    adjustment_set(
        acting_user=personas.admin_a,
        procurement=procurement,
        requirement=base,
        action="drop",
        justification="Täcks av ramavtalet.",
    )
    adjustment_set(
        acting_user=personas.admin_a,
        procurement=procurement,
        requirement=incident,
        action="downgrade",
        justification="Marknaden kan inte leverera 8 timmar.",
    )
    profile = procurement_profile(procurement)
    assert [entry.key for entry in profile.dropped] == ["T-BASE-01"]
    assert [(entry.key, entry.mandatory) for entry in profile.entries] == [("T-INC-01", False)]
    annex = annex_content(procurement, "sv")
    assert annex.dropped[0].justification == "Täcks av ramavtalet."
    (requirement,) = annex.requirements
    assert requirement.downgrade_justification == "Marknaden kan inte leverera 8 timmar."
    assert not requirement.mandatory
    assert AuditEvent.objects.filter(action="procurement.requirement_drop").exists()
    with pytest.raises(ValidationError, match="redan justerat"):
        adjustment_set(
            acting_user=personas.admin_a,
            procurement=procurement,
            requirement=incident,
            action="drop",
            justification="Igen",
        )
    adjustment_remove(
        acting_user=personas.admin_a, adjustment=Adjustment.objects.get(requirement=base)
    )
    assert "T-BASE-01" in [entry.key for entry in procurement_profile(procurement).entries]


def test_only_mandatory_requirements_can_be_weakened(
    personas: Personas, catalogue: Catalogue
) -> None:
    procurement = _procurement(personas, catalogue, confidentiality=1)  # T-BASE-01 is bör
    base = Requirement.objects.get(catalogue=catalogue, key="T-BASE-01")
    with pytest.raises(ValidationError, match="ska-krav"):
        adjustment_set(
            acting_user=personas.admin_a,
            procurement=procurement,
            requirement=base,
            action="downgrade",
            justification="Varför inte",
        )


def test_annex_content_shows_the_classification_and_reasons(
    personas: Personas, catalogue: Catalogue
) -> None:
    procurement = _procurement(
        personas,
        catalogue,
        confidentiality=3,
        personal_data=True,
        sensitive_data=True,
        personnummer=True,
        protected_identities="skyddad_folkbokforing",
        data_subjects=20000,
    )
    annex = annex_content(procurement, "sv")
    (basis,) = annex.basis
    assert basis.levels == "K3 R0 T0 S0"
    assert basis.personal_data == (
        "känsliga personuppgifter, personnummer, skyddade personuppgifter"
    )
    incident = next(r for r in annex.requirements if r.key == "T-INC-01")
    assert incident.text == "Leverantören ska rapportera inom 8 timmar."
    assert incident.references == ("NIS2 art. 21.2 b", "GDPR art. 33(2)")
    assert incident.reason.startswith("konfidentialitet = 3")
    assert "ska-krav eftersom" in incident.reason
    english = annex_content(procurement, "en")
    assert english.basis[0].personal_data.startswith("sensitive personal data")
    assert "The supplier shall report within 8 hours." in [r.text for r in english.requirements]


def test_level_four_in_scope_gives_no_annex(personas: Personas, catalogue: Catalogue) -> None:
    procurement = _procurement(personas, catalogue, availability=4)
    profile = procurement_profile(procurement)
    assert profile.security_protection
    assert not profile.ready
    assert profile.entries == []
    with pytest.raises(AnnexNotReadyError):
        annex_content(procurement, "sv")


def test_tender_evaluation(personas: Personas, catalogue: Catalogue) -> None:
    procurement = _procurement(personas, catalogue, confidentiality=2)  # BASE ska, INC bör
    good = tender_create(acting_user=personas.admin_a, procurement=procurement, tenderer="Bra AB")
    bad = tender_create(
        acting_user=personas.admin_a,
        procurement=procurement,
        tenderer="Sämre AB",
        orgnr="5560360793",
    )
    assert bad.orgnr == "556036-0793"
    tender_answers_save(
        acting_user=personas.admin_a, tender=good, answers={"T-BASE-01": True, "T-INC-01": True}
    )
    tender_answers_save(
        acting_user=personas.admin_a, tender=bad, answers={"T-BASE-01": False, "T-INC-01": True}
    )
    evaluation = evaluation_content(procurement, "sv")
    results = {result.tenderer: result for result in evaluation.results}
    assert not results["Bra AB"].rejected
    assert results["Bra AB"].points == 1
    assert results["Sämre AB"].rejected
    assert results["Sämre AB"].failed_mandatory == ("T-BASE-01",)
    assert evaluation.max_points == 1


def test_unanswered_mandatory_requirement_rejects(personas: Personas, catalogue: Catalogue) -> None:
    procurement = _procurement(personas, catalogue, confidentiality=2)
    tender = tender_create(
        acting_user=personas.admin_a, procurement=procurement, tenderer="Tyst AB"
    )
    (result,) = evaluation_content(procurement, "sv").results
    assert result.rejected
    assert result.failed_mandatory == ("T-BASE-01",)
    assert tender.answers.count() == 0


def test_bad_tenders_and_answers_are_refused(personas: Personas, catalogue: Catalogue) -> None:
    procurement = _procurement(personas, catalogue, confidentiality=2)
    with pytest.raises(ValidationError):
        tender_create(
            acting_user=personas.admin_a, procurement=procurement, tenderer="X", orgnr="123"
        )
    tender = tender_create(acting_user=personas.admin_a, procurement=procurement, tenderer="X")
    with pytest.raises(ValidationError, match="redan registrerad"):
        tender_create(acting_user=personas.admin_a, procurement=procurement, tenderer="X")
    with pytest.raises(ValidationError, match="T-NOPE-01"):
        tender_answers_save(
            acting_user=personas.admin_a, tender=tender, answers={"T-NOPE-01": True}
        )
    assert Tender.objects.count() == 1
    assert not TenderAnswer.objects.exists()
