"""Address books as phones and mail programs export them (vCard 2.1, 3.0 and 4.0: Android,
iOS, Outlook, Google Contacts), read with vobject into the rows a list import plans: name,
organisation and title, e-mail addresses, phone numbers, languages and notes."""

from __future__ import annotations

from coordinator.i18n import _
from coordinator.register.workbooks import TableError, decode


def is_vcard(data: bytes) -> bool:
    text, _encoding = decode(data[:4096])
    return text.lstrip("\ufeff \r\n\t").upper().startswith("BEGIN:VCARD")


def _values(card: object, name: str) -> list[object]:
    found = list(card.contents.get(name, []))  # type: ignore[attr-defined]

    # PREF first (vCard 3.0 TYPE=PREF, vCard 4.0 PREF=1): the address to keep.
    def preferred(line: object) -> int:
        params = {k.upper(): [str(v).upper() for v in vs] for k, vs in line.params.items()}  # type: ignore[attr-defined]
        return 0 if "PREF" in params.get("TYPE", []) or "PREF" in params else 1

    return [line.value for line in sorted(found, key=preferred)]  # type: ignore[attr-defined]


def _text(value: object) -> str:
    if isinstance(value, list | tuple):
        return " ".join(str(v) for v in value if v)
    return str(value or "")


def _row(card: object) -> dict[str, str]:
    row: dict[str, str] = {}
    names = _values(card, "n")
    if names:
        n = names[0]
        row["given_name"] = " ".join(p for p in (_text(n.given), _text(n.additional)) if p)  # type: ignore[attr-defined]
        row["family_name"] = _text(n.family)  # type: ignore[attr-defined]
    if not row.get("given_name") and not row.get("family_name"):
        whole = _values(card, "fn")
        if whole:
            row["name"] = _text(whole[0])
    emails = [_text(v).strip() for v in _values(card, "email") if _text(v).strip()]
    if emails:
        row["email"] = "\n".join(emails)
    phones = [_text(v).strip() for v in _values(card, "tel") if _text(v).strip()]
    if phones:
        row["phone"] = "\n".join(p.removeprefix("tel:") for p in phones)
    orgs, roles = [], []
    grouped = {  # a role in the organisation's property group (our own export) is its role
        line.group: _text(line.value)  # type: ignore[attr-defined]
        for line in list(card.contents.get("role", [])) + list(card.contents.get("title", []))  # type: ignore[attr-defined]
        if getattr(line, "group", None)
    }
    loose = [
        _text(line.value)  # type: ignore[attr-defined]
        for line in list(card.contents.get("title", [])) or list(card.contents.get("role", []))  # type: ignore[attr-defined]
        if not getattr(line, "group", None)
    ]
    for line in card.contents.get("org", []):  # type: ignore[attr-defined]
        value = line.value
        parts = value if isinstance(value, list | tuple) else [value]
        if parts and str(parts[0]).strip():
            orgs.append(str(parts[0]).strip())
            group = getattr(line, "group", None)
            roles.append(grouped.get(group, "") if group else (loose.pop(0) if loose else ""))
    if orgs:
        row["organisations"] = "\n".join(orgs)
        if any(roles):
            row["roles"] = "\n".join(roles)
    languages = [_text(v) for v in _values(card, "lang")]
    if languages:
        row["languages"] = ", ".join(languages)
    notes = [_text(v) for v in _values(card, "note")]
    if notes:
        row["notes"] = "\n".join(notes)
    return row


def vcard_rows(data: bytes) -> list[tuple[int, dict[str, str]]]:
    """(line where the card begins, its fields) for each card of the file."""
    import vobject

    text, _encoding = decode(data)
    starts = [
        number
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip().upper() == "BEGIN:VCARD"
    ]
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        for index, card in enumerate(vobject.readComponents(text, ignoreUnreadable=True)):
            if card.name.upper() != "VCARD":
                continue
            row = _row(card)
            if any(row.values()):
                rows.append((starts[index] if index < len(starts) else index + 1, row))
    except Exception as exc:  # vobject's ParseError and what a broken card makes it raise
        line = getattr(exc, "lineNumber", None)
        raise TableError(
            _("Line {line}: the address book cannot be read there.").format(line=line or "?")
        ) from exc
    if not rows:
        raise TableError(_("The address book holds no contacts."))
    return rows
