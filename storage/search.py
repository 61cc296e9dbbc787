"""Search keys: text folded for case- and accent-insensitive matching in any database.

SQLite's LIKE and lower() fold ASCII only ("Çelik" would not match "celik"), so each
organisation and person keeps a ``search_text`` column: the searchable fields, folded once
when written. A query folds its words the same way and matches them with LIKE.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

_SPECIAL = str.maketrans({"ß": "ss", "ı": "i", "ł": "l", "đ": "d", "ø": "o", "æ": "ae", "œ": "oe"})


def fold(text: str) -> str:
    """Lower case, without accents: "Çelik-Yıldırım" -> "celik-yildirim"."""
    if text.isascii():
        return text.lower()
    lowered = text.casefold().translate(_SPECIAL)
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def search_key(parts: Iterable[str | None]) -> str:
    return " ".join(fold(part) for part in parts if part)


def sort_key(*parts: str | None) -> str:
    """What a list sorts by, as a reader expects: case and accents aside, so "Çelik" comes
    with the C and "Öztürk" with the O, not after Z (byte order). Parts (family name, given
    name) are kept apart by a separator that sorts before every letter."""
    return "\x1f".join(" ".join(fold(part or "").split()) for part in parts)


def like_pattern(word: str) -> str:
    """A LIKE pattern matching ``word`` anywhere, with LIKE's wildcards escaped (ESCAPE '\\')."""
    escaped = fold(word).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
