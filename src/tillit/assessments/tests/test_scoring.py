"""The verdict rules, over plain values."""

from __future__ import annotations

import pytest

from tillit.assessments.scoring import Item, Outcome, Verdict, outcome, score


def _ska(answer: str = "met", review: str = "accepted", **findings: object) -> Item:
    return Item(area="Drift", mandatory=True, answer=answer, review=review, **findings)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        (_ska(review=""), Outcome.PENDING),
        (_ska(), Outcome.MET),
        (_ska("na"), Outcome.EXCLUDED),
        (_ska("na", "rejected"), Outcome.UNMET),  # "not applicable" not accepted
        (_ska("met", "rejected"), Outcome.UNMET),  # the claim was not believed
        (_ska("partial"), Outcome.UNMET),
        (_ska("not_met"), Outcome.UNMET),
        (_ska("not_met", findings_resolved=1), Outcome.REMEDIATED),
        (_ska("not_met", findings_resolved=1, finding_severities=("low",)), Outcome.UNMET),
    ],
)
def test_outcome_of_one_answer(item: Item, expected: Outcome) -> None:
    assert outcome(item) == expected


def test_every_ska_krav_met_is_approved() -> None:
    result = score([_ska(), _ska("na"), Item("Drift", False, "not_met", "accepted")])
    assert result.verdict == Verdict.APPROVED
    assert (result.total.ska_met, result.total.ska_excluded) == (1, 1)
    assert (result.total.bor_points, result.total.bor_possible) == (0, 1)


def test_unmet_ska_krav_with_low_or_medium_findings_is_approved_with_actions() -> None:
    result = score(
        [
            _ska("partial", finding_severities=("low",)),
            _ska("not_met", finding_severities=("medium",)),
        ]
    )
    assert result.verdict == Verdict.APPROVED_WITH_ACTIONS
    assert result.total.ska_unmet == 2


@pytest.mark.parametrize("findings", [(), ("medium", "high")])
def test_unmet_ska_krav_without_a_finding_or_with_a_high_one_is_rejected(
    findings: tuple[str, ...],
) -> None:
    result = score([_ska(), _ska("not_met", finding_severities=findings)])
    assert result.verdict == Verdict.REJECTED


def test_bor_krav_never_decide_the_verdict() -> None:
    items = [_ska()] + [Item("Drift", False, "not_met", "rejected") for _ in range(10)]
    assert score(items).verdict == Verdict.APPROVED


def test_no_verdict_until_every_answer_is_reviewed() -> None:
    result = score([_ska(), _ska(review="")])
    assert result.verdict is None
    assert result.total.pending == 1


def test_tallies_per_area_add_up_to_the_total() -> None:
    items = [
        Item("Drift", True, "met", "accepted"),
        Item("Drift", False, "met", "accepted"),
        Item("Incidenter", True, "not_met", "accepted", ("high",)),
        Item("Incidenter", False, "partial", "accepted"),
    ]
    result = score(items)
    assert set(result.areas) == {"Drift", "Incidenter"}
    assert result.areas["Drift"].ska_met == 1
    assert result.areas["Drift"].bor_points == 1
    assert result.areas["Incidenter"].ska_unmet == 1
    assert result.areas["Incidenter"].bor_possible == 1
    assert result.total.ska_met + result.total.ska_unmet == 2
    assert result.verdict == Verdict.REJECTED
