from __future__ import annotations

from dataclasses import fields, replace
from typing import Any

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from tillit.catalogue import rules
from tillit.catalogue.derivation import Obligation, RequirementRule, derive
from tillit.catalogue.schema import ParameterSpec
from tillit.catalogue.selectors import reason_text

levels = st.integers(0, 3)
leaves = st.one_of(
    st.builds(
        lambda key, n: {key: n}, st.sampled_from(sorted(rules.LEVEL_LEAVES)), st.integers(0, 4)
    ),
    st.builds(lambda key: {key: True}, st.sampled_from(rules.FLAG_LEAVES)),
    st.builds(lambda n: {"data_subjects_min": n}, st.integers(0, 10**6)),
    st.booleans(),
)
rule_strategy = st.recursive(
    leaves,
    lambda children: st.one_of(
        st.builds(lambda items: {"all": items}, st.lists(children, min_size=1, max_size=3)),
        st.builds(lambda items: {"any": items}, st.lists(children, min_size=1, max_size=3)),
    ),
    max_leaves=6,
)
facts_strategy = st.builds(
    rules.Facts,
    confidentiality=levels,
    integrity=levels,
    availability=levels,
    traceability=levels,
    personal_data=st.booleans(),
    sensitive_data=st.booleans(),
    criminal_data=st.booleans(),
    personnummer=st.booleans(),
    children=st.booleans(),
    protected_identities=st.booleans(),
    osl_secrecy=st.booleans(),
    data_subjects=st.integers(0, 10**6),
)
requirements_strategy = st.lists(
    st.builds(
        lambda index, applies, ska: RequirementRule(f"R-{index}", applies, ska, {}),
        st.integers(0, 10**6),
        rule_strategy,
        rule_strategy,
    ),
    max_size=12,
    unique_by=lambda r: r.key,
)


def _stricter(facts: rules.Facts, data: st.DataObject) -> rules.Facts:
    """Raise some levels (staying below 4) and add some flags."""
    changes: dict[str, Any] = {}
    for field in fields(facts):
        value = getattr(facts, field.name)
        if isinstance(value, bool):
            changes[field.name] = value or data.draw(st.booleans())
        elif field.name == "data_subjects":
            changes[field.name] = value + data.draw(st.integers(0, 1000))
        else:
            changes[field.name] = data.draw(st.integers(value, 3))
    return replace(facts, **changes)


@given(facts=facts_strategy, requirements=requirements_strategy, data=st.data())
def test_stricter_classification_never_removes_or_weakens(
    facts: rules.Facts, requirements: list[RequirementRule], data: st.DataObject
) -> None:
    stricter = _stricter(facts, data)
    before = derive(facts, requirements).obligations()
    after = derive(stricter, requirements).obligations()
    assert set(before) <= set(after)
    for key, obligation in before.items():
        if obligation == Obligation.SKA:
            assert after[key] == Obligation.SKA


@given(
    facts=facts_strategy, requirements=requirements_strategy, aspect=st.sampled_from(rules.ASPECTS)
)
def test_level_four_anywhere_is_the_security_protection_track(
    facts: rules.Facts, requirements: list[RequirementRule], aspect: str
) -> None:
    level_four: dict[str, Any] = {aspect: 4}
    profile = derive(replace(facts, **level_four), requirements)
    assert profile.security_protection
    assert profile.items == ()


@given(a=facts_strategy, b=facts_strategy, requirements=requirements_strategy)
def test_merged_facts_cover_each_assets_profile(
    a: rules.Facts, b: rules.Facts, requirements: list[RequirementRule]
) -> None:
    merged = derive(a.merge(b), requirements).obligations()
    for single in (derive(a, requirements), derive(b, requirements)):
        for key, obligation in single.obligations().items():
            assert key in merged
            if obligation == Obligation.SKA:
                assert merged[key] == Obligation.SKA


def test_reasons_name_the_facts_that_made_it_apply() -> None:
    requirement = RequirementRule(
        "T-1",
        {"all": [{"confidentiality_min": 2}, {"sensitive_data": True}]},
        {"any": [{"protected_identities": True}, {"confidentiality_min": 3}]},
        {},
    )
    facts = rules.Facts(confidentiality=3, personal_data=True, sensitive_data=True)
    (item,) = derive(facts, [requirement]).items
    assert item.obligation == Obligation.SKA
    assert item.reasons == (
        rules.Reason("confidentiality", 3),
        rules.Reason("sensitive_data", True),
    )
    assert item.ska_reasons == (rules.Reason("confidentiality", 3),)
    with translation.override("sv"):
        assert reason_text(item.reasons) == "konfidentialitet = 3 och känsliga personuppgifter"
    with translation.override("en"):
        assert reason_text(item.reasons) == "confidentiality = 3 and sensitive personal data"
        assert reason_text(()) == "every classification"
        assert reason_text((rules.Reason("data_subjects", 1500000),)) == (
            "about 1\u00a0500\u00a0000 data subjects"
        )


def test_not_applicable_and_bor() -> None:
    requirement = RequirementRule("T-1", {"availability_min": 2}, {"availability_min": 3}, {})
    assert derive(rules.Facts(availability=1), [requirement]).items == ()
    (item,) = derive(rules.Facts(availability=2), [requirement]).items
    assert item.obligation == Obligation.BOR
    assert item.ska_reasons == ()


def test_parameters_take_the_first_matching_case() -> None:
    hours = ParameterSpec(
        24,
        (({"confidentiality_min": 3}, 8), ({"confidentiality_min": 2}, 12)),
    )
    requirement = RequirementRule("T-1", True, False, {"hours": hours})
    for level, expected in ((1, 24), (2, 12), (3, 8)):
        (item,) = derive(rules.Facts(confidentiality=level), [requirement]).items
        assert item.parameters == {"hours": expected}


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"confidentiality_min": 5}, "level from 0 to 4"),
        ({"integrity_min": -1}, "level from 0 to 4"),
        ({"availability_min": True}, "level from 0 to 4"),
        ({"sensitive_data": False}, "can only be true"),
        ({"colour": "red"}, "unknown rule key"),
        ({"any": []}, "non-empty list"),
        ({"all": [{"confidentiality_min": 1}, {"nope": 1}]}, "rule.all[1]: unknown rule key"),
        ({"a": 1, "b": 2}, "exactly one key"),
        ("always", "exactly one key"),
        ({"data_subjects_min": -3}, "at least 0"),
    ],
)
def test_invalid_rules_are_refused(rule: Any, message: str) -> None:
    with pytest.raises(rules.RuleError, match=message.replace("[", r"\[").replace("]", r"\]")):
        rules.validate(rule)


def test_merge_takes_the_highest_level_and_every_flag() -> None:
    a = rules.Facts(confidentiality=3, personal_data=True, data_subjects=100)
    b = rules.Facts(availability=2, protected_identities=True, data_subjects=50)
    merged = a.merge(b)
    assert (merged.confidentiality, merged.availability) == (3, 2)
    assert merged.personal_data
    assert merged.protected_identities
    assert merged.data_subjects == 100
