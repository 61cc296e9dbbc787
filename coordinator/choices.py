"""Reading a vocabulary value typed by a person or found in a spreadsheet: the stored code,
or its label in English or German ("MSO", "Migrantenorganisation", "first contact")."""

from __future__ import annotations

import gettext
from enum import StrEnum
from functools import cache
from typing import TypeVar

from coordinator.i18n import DOMAIN, LOCALE_DIR
from coordinator.labels import english_label
from storage.search import fold

E = TypeVar("E", bound=StrEnum)


@cache
def _german() -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=["de"], fallback=True)


def parse_choice(enum_cls: type[E], text: str) -> E | None:
    wanted = fold(text.strip()).replace("-", " ").replace("_", " ")
    if not wanted:
        return None
    for member in enum_cls:
        english = english_label(member)
        names = {member.value, english, _german().gettext(english)}
        if wanted in {fold(name).replace("-", " ").replace("_", " ") for name in names}:
            return member
    return None
