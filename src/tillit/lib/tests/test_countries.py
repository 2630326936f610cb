from __future__ import annotations

from tillit.lib.countries import EU_EEA, country_choices, country_name, is_country, is_eu_eea


def test_eu_eea_has_thirty_members() -> None:
    assert len(EU_EEA) == 30
    assert all(is_country(code) for code in EU_EEA)


def test_membership_and_names() -> None:
    assert is_eu_eea("se")
    assert is_eu_eea("NO")
    assert not is_eu_eea("US")
    assert not is_eu_eea("GB")
    assert country_name("DE", "sv") == "Tyskland"
    assert country_name("DE", "en") == "Germany"
    assert not is_country("XX")
    assert not is_country("SWE")


def test_choices_are_sorted_by_name() -> None:
    names = [name for _code, name in country_choices("sv")]
    assert names == sorted(names)
    assert ("SE", "Sverige") in country_choices("sv")
