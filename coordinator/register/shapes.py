"""Rows of a partner list as people typed them, brought into the register's fields: one
"Name" column ("Vorname Nachname", "Nachname, Vorname", with "Frau Dr." before it), a
salutation or title set aside, a role in parentheses after the organisation, several e-mail
addresses or phone numbers in one cell (the first is kept, the others go to the notes), and
languages separated by "/" or "und" (docs/0010-lists.md)."""

from __future__ import annotations

import re

from coordinator.i18n import _

SALUTATIONS = {
    "herr", "frau", "hr.", "fr.", "dr.", "dr", "prof.", "prof", "mr", "mr.", "mrs", "mrs.",
    "ms", "ms.", "dipl.-ing.", "mag.",
}  # fmt: skip
PARTICLES = {"van", "von", "de", "da", "di", "del", "der", "den", "al", "el", "bin", "ibn", "zu"}
_SEVERAL_MAILS = re.compile(r"[;,\s]+")
_SEVERAL_PHONES = re.compile(r"\s*(?:[;,\n]|\s+oder\s+|\s+or\s+)\s*")
_SLASH = re.compile(r"\s/\s")  # "0521 / 123456" is one number, "0521 123456 / 0171 2345678" two
_WHOLE_NUMBER = 6  # digits from which a part is a number of its own
_ROLE = re.compile(r"^(?P<name>.*\S)\s*\((?P<role>[^()]+)\)\s*$")
_ABBREVIATION = re.compile(r"^[A-ZÄÖÜ0-9&.\- ]{1,6}$")  # "(JMD)", "(MBE)": part of the name


def split_name(name: str) -> tuple[str, str]:
    """(given name, family name) of a whole name, salutations and titles left out."""
    name = " ".join(name.split())
    if "," in name:
        family, _sep, given = name.partition(",")
        return _without_salutation(given), family.strip()
    words = _without_salutation(name).split()
    if not words:
        return "", ""
    if len(words) == 1:
        return "", words[0]
    start = len(words) - 1
    while start > 1 and words[start - 1].lower() in PARTICLES:
        start -= 1
    return " ".join(words[:start]), " ".join(words[start:])


def _without_salutation(text: str) -> str:
    words = text.split()
    while words and words[0].lower() in SALUTATIONS:
        words.pop(0)
    return " ".join(words)


def _first_and_rest(cell: str, separator: re.Pattern[str]) -> tuple[str, list[str]]:
    parts = [p.strip() for p in separator.split(cell) if p.strip()]
    return (parts[0], parts[1:]) if parts else ("", [])


def _phones(cell: str) -> tuple[str, list[str]]:
    found: list[str] = []
    for part in (p.strip() for p in _SEVERAL_PHONES.split(cell) if p.strip()):
        sides = _SLASH.split(part)
        whole = all(sum(ch.isdigit() for ch in side) >= _WHOLE_NUMBER for side in sides)
        found += sides if whole else [part]
    return (found[0], found[1:]) if found else ("", [])


def shaped(row: dict[str, str]) -> dict[str, str]:
    """The row with its name split, several addresses and numbers sorted out."""
    row = dict(row)
    row.pop("salutation", None)
    whole = row.pop("name", "")
    if whole and not row.get("given_name") and not row.get("family_name"):
        row["given_name"], row["family_name"] = split_name(whole)
    elif row.get("given_name") or row.get("family_name"):
        row["given_name"] = _without_salutation(row.get("given_name", ""))
    notes = [row["notes"]] if row.get("notes") else []
    email, more = _first_and_rest(row.get("email", ""), _SEVERAL_MAILS)
    if "email" in row:
        row["email"] = email
    if more:
        notes.append(_("More e-mail addresses: {list}").format(list=", ".join(more)))
    phone, more = _phones(row.get("phone", ""))
    if "phone" in row:
        row["phone"] = phone
    if more:
        notes.append(_("More phone numbers: {list}").format(list=", ".join(more)))
    if notes:
        row["notes"] = "\n".join(notes)
    if row.get("languages"):
        row["languages"] = re.sub(r"\s*[/;\n]\s*", ", ", row["languages"])
    return row


def organisations_of(cell: str, roles_cell: str, multi: str = "|") -> tuple[list[str], list[str]]:
    """Organisation names and their roles: "A | B" with roles "X | Y", or "Verein (Vorsitz)";
    an abbreviation in parentheses ("(JMD)") stays part of the name."""
    names = [n.strip() for n in re.split(rf"[{re.escape(multi)}\n]", cell) if n.strip()]
    roles = [r.strip() for r in re.split(rf"[{re.escape(multi)}\n]", roles_cell)]
    for index, name in enumerate(names):
        found = _ROLE.match(name)
        if found and not _ABBREVIATION.match(found["role"].strip()):
            names[index] = found["name"]
            while len(roles) <= index:
                roles.append("")
            roles[index] = roles[index] or found["role"].strip()
    return names, roles
