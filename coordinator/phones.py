"""Phone numbers as partners write them ("0231 / 25 11 4", "+49 (0)176 …"), read with
phonenumbers (docs/0010-lists.md): stored in E.164 ("+4923125114"), shown in national form
for German numbers ("0231 25114") and in international form for others. A number that cannot
be read as one is kept as it was written (the import says so); the form refuses it."""

from __future__ import annotations

from functools import lru_cache

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat

REGION = "DE"  # the network's own country: numbers without +country are German


def e164(text: str) -> str | None:
    """``text`` as an E.164 number, or None when it is no valid phone number."""
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
    """What a search may type for a number: as stored, as shown, and the shown digits alone
    ("023125114" finds "+4923125114")."""
    if not stored:
        return ()
    national = shown(stored)
    return (stored, national, "".join(ch for ch in national if ch.isdigit()))


def _parse(text: str) -> phonenumbers.PhoneNumber | None:
    text = text.strip()
    if not text or len(text) > 60:
        return None
    try:
        return phonenumbers.parse(text, REGION)
    except NumberParseException:
        return None
