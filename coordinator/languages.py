"""Languages by name: stored as ISO 639 codes (de, tr, ar), shown and typed as names in the
reader's language ("Türkisch", "Turkish"), or in the language's own ("Türkçe"), from Babel's
CLDR data rather than a hand-kept list (docs/0008-languages.md)."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from babel import Locale, UnknownLocaleError

from coordinator.i18n import LANGUAGES, current_language

# Codes as the register stores them: two or three lower-case letters (no regions).
_CODE = re.compile(r"^[a-z]{2,3}$")
_SEPARATORS = re.compile(r"\s*(?:[,;/+&]|\s(?:und|and|u\.)\s)\s*", re.IGNORECASE)


def _fold(text: str) -> str:
    """Case and accents ignored, so "turkce" finds Türkçe and "ARABISCH" finds Arabisch."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().strip())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@cache
def _names(language: str) -> dict[str, str]:
    """The names of the plain language codes in one language, as CLDR writes them."""
    try:
        names = Locale.parse(language).languages
    except (UnknownLocaleError, ValueError):
        return {}
    return {code: name for code, name in names.items() if _CODE.match(code)}


@cache
def _own_name(code: str) -> str:
    return _names(code).get(code, "")


@cache
def _by_name() -> dict[str, str]:
    """Every name of a language in the app's languages, folded, to its code."""
    found: dict[str, str] = {}
    for language in LANGUAGES:
        for code, name in _names(language).items():
            found.setdefault(_fold(name), code)
    return found


@cache
def _by_own_name() -> dict[str, str]:
    """Each language's name in itself ("Türkçe", "العربية"), folded, to its code; read only
    when a typed name is not a German or English one (it opens every locale's data)."""
    found: dict[str, str] = {}
    for code in _names("en"):
        own = _own_name(code)
        if own:
            found.setdefault(_fold(own), code)
    return found


def is_known(code: str) -> bool:
    return code in _names("en")


def language_name(code: str, language: str | None = None) -> str:
    """A code's name in ``language`` (the interface's by default), capitalised as a list
    shows it; a code CLDR does not know stays as it is."""
    name = _names(language or current_language()).get(code, "")
    return name[:1].upper() + name[1:] if name else code


def language_names(codes: list[str] | tuple[str, ...], language: str | None = None) -> str:
    return ", ".join(language_name(code, language) for code in codes)


def language_code(text: str) -> str | None:
    """The code of a language typed as a code or by name (German, English or its own);
    None when it is neither."""
    value = text.strip()
    if not value:
        return None
    lowered = value.lower()
    if _CODE.match(lowered) and is_known(lowered):
        return lowered
    folded = _fold(value)
    return _by_name().get(folded) or _by_own_name().get(folded)


def split_languages(text: str) -> list[str]:
    """The parts of a list typed as "Deutsch, Türkisch und Arabisch" or "de tr ar"."""
    parts = [part for part in _SEPARATORS.split(text.strip()) if part.strip()]
    if len(parts) == 1 and " " in parts[0] and language_code(parts[0]) is None:
        parts = parts[0].split()  # codes or one-word names separated by spaces
    return [part.strip() for part in parts]


def choices(language: str | None = None) -> list[tuple[str, str]]:
    """(name, code) of every language, by name, for pickers and suggesters."""
    names = _names(language or current_language())
    return sorted(
        ((language_name(code, language), code) for code in names), key=lambda c: _fold(c[0])
    )
