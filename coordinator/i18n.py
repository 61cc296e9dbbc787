"""The one translation function of the app, backed by gettext catalogs in ``locale/``.

English strings are the message ids; ``locale/de`` holds the German catalog and
``locale/en`` an English one (which translates ids to themselves). ``set_language`` is called
once by the entry point; every user-facing string goes through ``_`` when it is shown.
"""

from __future__ import annotations

import gettext
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

DOMAIN = "coordinator"
LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = ("de", "en")
DEFAULT_LANGUAGE = "en"

_translations: gettext.NullTranslations = gettext.NullTranslations()
_language = DEFAULT_LANGUAGE


def detect_language(requested: str | None, environ: Mapping[str, str]) -> str:
    """``--lang`` first, then LANGUAGE, LC_ALL, LC_MESSAGES, LANG; German when they say German."""
    candidates = [requested] if requested else []
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(var, "")
        if value:
            candidates.extend(value.split(":"))
            break
    for candidate in candidates:
        code = (candidate or "").strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return DEFAULT_LANGUAGE


def set_language(language: str) -> None:
    global _translations, _language
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language {language!r}; choose one of {LANGUAGES}")
    _translations = gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)
    _language = language


def current_language() -> str:
    return _language


def _(message: str) -> str:
    """Translate a message into the current language."""
    return _translations.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translations.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a string for extraction without translating it now (translated where shown)."""
    return message


def translator(language: str) -> gettext.NullTranslations:
    """The catalog of one language, for texts written in the reader's language (agendas,
    invitations), whatever language the interface speaks."""
    return _catalog(language if language in LANGUAGES else DEFAULT_LANGUAGE)


@lru_cache(maxsize=8)
def _catalog(code: str) -> gettext.NullTranslations:
    # (gettext.translation looks for the file on each call: a list import asks per row)
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[code], fallback=True)
