"""Reading a vocabulary value typed by a person or found in a spreadsheet: the stored code,
or its label in English or German ("MSO", "Migrantenorganisation", "first contact")."""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

from coordinator.i18n import translator
from coordinator.labels import english_label
from storage.search import fold

E = TypeVar("E", bound=StrEnum)


def parse_choice(enum_cls: type[E], text: str) -> E | None:
    wanted = fold(text.strip()).replace("-", " ").replace("_", " ")
    if not wanted:
        return None
    for member in enum_cls:
        english = english_label(member)
        names = {member.value, english, translator("de").gettext(english)}
        if wanted in {fold(name).replace("-", " ").replace("_", " ") for name in names}:
            return member
    return None
