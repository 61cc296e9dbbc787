"""Languages by name (coordinator/languages.py and the checks of the forms): typed as codes or
as names in German, English or the language's own, stored as codes, shown as names."""

from __future__ import annotations

import pytest

from coordinator.languages import language_code, language_name, language_names, split_languages
from coordinator.validation import Checker, ValidationError
from tests.hostile import hostile_strings


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("tr", "tr"), ("Türkisch", "tr"), ("Turkish", "tr"), ("Türkçe", "tr"), ("türkce", "tr"),
        ("TÜRKISCH", "tr"), ("Arabisch", "ar"), ("Arabic", "ar"), ("العربية", "ar"),
        ("Kurdisch", "ku"), ("Persisch", "fa"), ("Русский", "ru"), ("Tigrinya", "ti"),
        ("Deutsch", "de"), (" German ", "de"), ("français", "fr"),
    ],
)  # fmt: skip
def test_a_language_typed_by_code_or_any_name_is_its_code(typed: str, code: str) -> None:
    assert language_code(typed) == code


@pytest.mark.parametrize("typed", ["", "Elbisch", "xx", "zz", "de-DE", "Deutsch Türkisch x"])
def test_what_is_no_language_is_none(typed: str) -> None:
    assert language_code(typed) is None


def test_lists_are_split_as_people_write_them() -> None:
    assert split_languages("Deutsch, Türkisch und Arabisch") == ["Deutsch", "Türkisch", "Arabisch"]
    assert split_languages("de tr ar") == ["de", "tr", "ar"]
    assert split_languages("de;tr/ar") == ["de", "tr", "ar"]
    assert split_languages("Persian and Kurdish") == ["Persian", "Kurdish"]


def test_names_are_shown_in_the_readers_language() -> None:
    assert language_names(["de", "tr", "ar"], "de") == "Deutsch, Türkisch, Arabisch"
    assert language_names(["de", "tr", "ar"], "en") == "German, Turkish, Arabic"
    assert language_name("qq", "de") == "qq"  # unknown to CLDR: the code as stored


def test_the_form_check_stores_codes_and_names_a_bad_part() -> None:
    check = Checker()
    assert check.languages("languages", "Deutsch, Türkçe, ar, Arabisch") == ["de", "tr", "ar"]
    assert check.language("preferred_language", "Türkisch") == "tr"
    check.check()
    check.languages("languages", "Deutsch, Elbisch")
    with pytest.raises(ValidationError) as caught:
        check.check()
    assert "Elbisch" in caught.value.errors["languages"]


@pytest.mark.parametrize("text", hostile_strings())
def test_hostile_text_is_refused_with_one_short_line(text: str) -> None:
    check = Checker()
    codes = check.languages("languages", text)
    if check.errors:
        message = check.errors["languages"]
        assert "\n" not in message and "\r" not in message and len(message) < 200
    else:
        assert all(language_name(code) for code in codes)
