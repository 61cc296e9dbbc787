"""Phone numbers as partners write them ("0231 / 25 11 4", "+49 (0)176 …"), read with
phonenumbers (docs/0010-lists.md): stored in E.164 ("+4923125114"), shown in national form
for German numbers ("0231 25114") and in international form for others. A number that cannot
be read as one is kept as it was written (the import says so); the form refuses it."""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat

REGION = "DE"  # the network's own country: numbers without +country are German


def e164(text: str) -> str | None:
    """``text`` as an E.164 number, or None when it is no valid phone number."""
    if _STORED.fullmatch(text):
        return text if _valid_e164(text) else None
    parsed = _parse(text)
    if parsed is None or not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, PhoneNumberFormat.E164)


@lru_cache(maxsize=4096)
def shown(stored: str) -> str:
    """How a stored number is read: national in the network's country, else international;
    a number kept as written (not E.164) as it is."""
    if not stored.startswith("+"):
        return stored
    parsed = _parse(stored)
    if parsed is None:
        return stored
    home = phonenumbers.region_code_for_number(parsed) == REGION
    return phonenumbers.format_number(
        parsed, PhoneNumberFormat.NATIONAL if home else PhoneNumberFormat.INTERNATIONAL
    )


def search_forms(stored: str) -> tuple[str, ...]:
    """What a search may type for a number: as stored and as dialled at home, digits alone
    ("0521 123456" finds "+49521123456": each typed word is a part of "0521123456")."""
    if not stored:
        return ()
    if stored.startswith("+49"):
        return (stored, "0" + stored[3:])
    return (stored, "".join(ch for ch in stored if ch.isdigit()))


_STORED = re.compile(r"\+[1-9][0-9]{6,14}")  # already E.164 (as stored): checked once


@lru_cache(maxsize=65536)
def _valid_e164(text: str) -> bool:
    parsed = _parse(text)
    return parsed is not None and phonenumbers.is_valid_number(parsed)


def _parse(text: str) -> phonenumbers.PhoneNumber | None:
    text = text.strip()
    if not text or len(text) > 60:
        return None
    try:
        return phonenumbers.parse(text, REGION)
    except NumberParseException:
        return None
