"""vCard 4.0 (RFC 6350) export of contact people, for phones and mail programs."""

from __future__ import annotations

from collections.abc import Iterable

from coordinator.register.exports import PersonRecord

LINE_OCTETS = 75


def escape(value: str) -> str:
    return (
        value.replace("\\", "\\\\")
        .replace(",", "\\,")
        .replace(";", "\\;")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line at 75 octets without splitting a UTF-8 character (RFC 6350 3.2)."""
    encoded = line.encode("utf-8")
    if len(encoded) <= LINE_OCTETS:
        return line
    parts: list[str] = []
    current = b""
    limit = LINE_OCTETS
    for char in line:
        piece = char.encode("utf-8")
        if len(current) + len(piece) > limit:
            parts.append(current.decode("utf-8"))
            current = b""
            limit = LINE_OCTETS - 1  # continuation lines start with a space
        current += piece
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)


def card(person: PersonRecord) -> str:
    name = " ".join(p for p in (person.given_name, person.family_name) if p)
    lines = [
        "BEGIN:VCARD",
        "VERSION:4.0",
        f"UID:urn:coordinator:person:{person.id}",
        f"FN:{escape(name)}",
        f"N:{escape(person.family_name)};{escape(person.given_name)};;;",
    ]
    if person.email:
        lines.append(f"EMAIL;TYPE=work:{escape(person.email)}")
    if person.phone:
        lines.append(f"TEL;VALUE=uri;TYPE=voice:tel:{person.phone.replace(' ', '-')}")
    # Every affiliation, its role beside it in the same property group (RFC 6350 3.3): a
    # person in two organisations keeps both.
    for index, (org, role) in enumerate(person.organisations, start=1):
        lines.append(f"org{index}.ORG;PREF={index}:{escape(org)}")
        if role:
            lines.append(f"org{index}.ROLE:{escape(role)}")
    languages = [person.preferred_language] + [
        lang for lang in person.languages if lang != person.preferred_language
    ]
    for index, language in enumerate(languages, start=1):
        lines.append(f"LANG;PREF={index}:{escape(language)}")
    if person.notes:
        lines.append(f"NOTE:{escape(person.notes)}")
    lines.append("END:VCARD")
    return "".join(fold(line) + "\r\n" for line in lines)


def vcards(people: Iterable[PersonRecord]) -> str:
    return "".join(card(person) for person in people)
