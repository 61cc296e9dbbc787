"""E-mail messages (RFC 5322, UTF-8): who can be reached, and the message each one gets.

Names and subjects come from the register and from the coordinator's typing; a line break in
them would let a header be smuggled in (``Bcc: ...``), so every header value is flattened to
one line before it is set, and Python's e-mail policy refuses anything that slips through.
Calendar invitations travel as ``text/calendar; method=REQUEST`` parts, so mail programs show
accept and decline buttons.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid

from sqlalchemy import Engine
from sqlmodel import col, select

from coordinator.i18n import _
from coordinator.meetings.invitations import group_members
from storage.models import Person, RecipientGroup
from storage.uow import reading

_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029\x85\x0b\x0c]+")
_EMAIL = re.compile(r"[^@\s<>\"(),;:]+@[^@\s<>\"(),;:]+\.[^@\s<>\"(),;:]+\Z")


def one_line(value: str) -> str:
    """A header value on one line: line breaks become spaces (no header injection)."""
    return _LINE_BREAKS.sub(" ", value).strip()


def address(name: str, email: str) -> str:
    """``Name <address>`` as RFC 5322 writes it: a name with a comma, a quote, angle
    brackets or a semicolon is quoted, line breaks are dropped, so no name can add a
    recipient when the line is pasted into a mail program's "To" or "Bcc"."""
    name, email = one_line(name), one_line(email)
    try:
        return str(Address(name, addr_spec=email))
    except (ValueError, IndexError):  # not an address Python can write: the address alone
        return email


@dataclass(frozen=True)
class Recipient:
    person_id: int
    name: str
    email: str
    language: str  # of the documents made for them: German or English
    reason: str = ""  # why the person cannot be reached; empty when they can
    preferred: str = ""  # their own language, for a translation of the text written in it

    @property
    def reachable(self) -> bool:
        return not self.reason


def recipients(
    engine: Engine, *, group_id: int | None = None, person_ids: list[int] | None = None
) -> list[Recipient]:
    """Everyone a message to a group (or to people picked by hand) is meant for, reachable or
    not: people without an address or without recorded consent are listed with the reason,
    never silently dropped."""
    with reading(engine) as session:
        wanted = list(person_ids or [])
        if group_id is not None:
            group = session.get(RecipientGroup, group_id)
            if group is None:
                raise LookupError(group_id)
            wanted += group_members(session, group)
        people = session.exec(select(Person).where(col(Person.id).in_(sorted(set(wanted))))).all()
    found = []
    for person in sorted(people, key=lambda p: (p.family_name.lower(), p.given_name.lower())):
        reason = ""
        if person.erased_at is not None:
            reason = _("erased")
        elif not person.email or not _EMAIL.match(person.email):
            reason = _("no e-mail address")
        elif person.consent_on is None:
            reason = _("no consent recorded")
        found.append(
            Recipient(
                person.id or 0,
                person.full_name if person.erased_at is None else "–",
                person.email if person.erased_at is None else "",
                "de" if person.preferred_language == "de" else "en",
                reason,
                person.preferred_language,
            )
        )
    return found


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    maintype: str = "application"
    subtype: str = "octet-stream"
    params: tuple[tuple[str, str], ...] = ()


def calendar_attachment(text: str, method: str, filename: str = "invite.ics") -> Attachment:
    return Attachment(
        filename, text.encode(), "text", "calendar", (("method", method), ("charset", "utf-8"))
    )


@dataclass(frozen=True)
class Sender:
    name: str
    email: str


def build_message(
    sender: Sender,
    recipient: Recipient,
    subject: str,
    body: str,
    attachments: list[Attachment],
    *,
    when: datetime,
) -> EmailMessage:
    """One recipient's message: text body, then the attachments; a calendar attachment is
    also a ``text/calendar`` part of its own, which mail programs offer to accept."""
    message = EmailMessage(policy=SMTP)
    if sender.email:  # else a draft: the mail program that sends it puts its own
        message["From"] = Address(one_line(sender.name), addr_spec=one_line(sender.email))
    message["To"] = Address(one_line(recipient.name), addr_spec=one_line(recipient.email))
    message["Subject"] = one_line(subject)
    message["Date"] = format_datetime(when)
    message["Message-ID"] = make_msgid(domain=sender.email.rpartition("@")[2] or None)
    message["Content-Language"] = recipient.language
    message.set_content(body, charset="utf-8")
    for item in attachments:
        if item.maintype == "text" and item.subtype == "calendar":
            message.add_alternative(
                item.content.decode(), subtype="calendar", params=dict(item.params)
            )
    for item in attachments:
        params = dict(item.params)
        if item.maintype == "text":
            message.add_attachment(
                item.content.decode(),
                subtype=item.subtype,
                filename=one_line(item.filename),
                params={k: v for k, v in params.items() if k != "charset"},
            )
        else:
            message.add_attachment(
                item.content, maintype=item.maintype, subtype=item.subtype,
                filename=one_line(item.filename),
            )  # fmt: skip
    return message
