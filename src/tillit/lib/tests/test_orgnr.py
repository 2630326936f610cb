from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from tillit.lib.orgnr import luhn_check_digit, normalise_orgnr


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("212000-0142", "212000-0142"),  # Stockholms kommun
        ("5560360793", "556036-0793"),  # an aktiebolag, written without hyphen
        ("16556036-0793", "556036-0793"),  # twelve-digit form
        ("165560360793", "556036-0793"),
        (" 212000 0142 ", "212000-0142"),
        ("232100-0016", "232100-0016"),  # Region Stockholm
        ("202100-5489", "202100-5489"),  # a state agency
        # Other decimal digits, as pasted from a document, are the same number: they were
        # stored as given and made another supplier of the same company.
        ("556036-0793".translate({ord(d): 0xFF10 + int(d) for d in "0123456789"}), "556036-0793"),
        ("556036-0793".translate({ord(d): 0x0660 + int(d) for d in "0123456789"}), "556036-0793"),
    ],
)
def test_accepts_real_organisation_numbers(raw: str, expected: str) -> None:
    assert normalise_orgnr(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("212000-0143", "orgnr_check_digit"),
        ("556036-0792", "orgnr_check_digit"),
        ("811228-9874", "orgnr_not_legal_person"),  # a personnummer, not an orgnr
        ("21200-0142", "orgnr_format"),
        ("2120000-142", "orgnr_format"),
        ("212000-01423", "orgnr_format"),
        ("ABC000-0142", "orgnr_format"),
        ("", "orgnr_format"),
        ("17556036-0793", "orgnr_format"),
    ],
)
def test_rejects_bad_numbers_with_a_reason(raw: str, code: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        normalise_orgnr(raw)
    assert excinfo.value.code == code


def test_luhn_check_digit_of_known_number() -> None:
    assert luhn_check_digit("212000014") == 2


@given(
    head=st.text("0123456789", min_size=2, max_size=2),
    third=st.sampled_from("23456789"),
    tail=st.text("0123456789", min_size=6, max_size=6),
)
def test_every_number_with_its_check_digit_is_accepted(head: str, third: str, tail: str) -> None:
    digits = head + third + tail
    number = f"{digits[:6]}-{digits[6:]}{luhn_check_digit(digits)}"
    assert normalise_orgnr(number) == number


@given(
    digits=st.text("0123456789", min_size=9, max_size=9).filter(lambda d: int(d[2]) >= 2),
    position=st.sampled_from([0, 1, 3, 4, 5, 6, 7, 8]),
    delta=st.integers(1, 9),
)
def test_any_single_digit_typo_is_caught(digits: str, position: int, delta: int) -> None:
    number = digits + str(luhn_check_digit(digits))
    typo = number[:position] + str((int(number[position]) + delta) % 10) + number[position + 1 :]
    with pytest.raises(ValidationError):
        normalise_orgnr(typo)
