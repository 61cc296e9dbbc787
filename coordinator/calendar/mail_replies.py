"""Partners' answers that come back by mail (issue 20, iMIP): the messages of a mailbox, read for
the calendar answers in them, each answer recorded through the calendar import's own rules.

A message is understood when it holds a ``text/calendar`` part with METHOD:REPLY (also inside
a forwarded message), or when it is the plain notice a mail program sends ("Accepted: Title",
"Zugesagt: Title", "Abgelehnt: …"). Each answer is matched like an imported REPLY: the UID
must be one of ours, the attendee one of the invitees (by address), RECURRENCE-ID names one
date of a series, an older answer never wins. A reply to a date poll's hold counts as that
person's answer for the slot (accepted = yes, tentative = if need be, declined = no).

The answer must come from the invitee: the message's sender is the attendee, or the one the
attendee named in SENT-BY (a delegate). Each message read is remembered (its Message-ID, in
``mail_reply``), so reading the same mailbox twice changes nothing; a message that cannot be
understood is listed with its sender and subject and left where it is; a hostile one (huge,
broken, another organiser's UID, an answer for somebody else) changes nothing and is said."""

from __future__ import annotations

import hashlib
import mailbox
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parseaddr
from pathlib import Path
from typing import Protocol

from sqlalchemy import Engine, func
from sqlmodel import col, select

from coordinator.calendar import importing
from coordinator.calendar.contentlines import IcsError
from coordinator.calendar.import_plan import OLDER, REPLY, UNCHANGED
from coordinator.calendar.parsing import CalendarFile, IncomingEvent, read_calendar
from coordinator.i18n import N_, _
from storage.enums import Availability, MeetingStatus, Rsvp
from storage.models import (
    DatePoll,
    Invitation,
    MailReply,
    Meeting,
    Person,
    PollSlot,
    PollVote,
)
from storage.search import fold
from storage.uow import reading, transaction

MAX_MESSAGE = 10 * 1024 * 1024  # bytes: a larger message is refused unread
MAX_PART = 1024 * 1024  # bytes of one calendar part (an answer is a few kilobytes)

RECORDED, UNCHANGED_, ALREADY, NOT_UNDERSTOOD, REFUSED = (
    "recorded", "unchanged", "already read", "not understood", "refused",
)  # fmt: skip
OUTCOME_LABELS = {
    RECORDED: N_("recorded"),
    UNCHANGED_: N_("unchanged"),
    ALREADY: N_("already read"),
    NOT_UNDERSTOOD: N_("not understood"),
    REFUSED: N_("refused"),
}
_VOTES = {
    Rsvp.ACCEPTED: Availability.YES,
    Rsvp.TENTATIVE: Availability.IF_NEED_BE,
    Rsvp.DECLINED: Availability.NO,
}
# The subject lines mail programs write for an answer sent without a calendar part.
_NOTICES = {
    "accepted": Rsvp.ACCEPTED, "angenommen": Rsvp.ACCEPTED, "zugesagt": Rsvp.ACCEPTED,
    "akzeptiert": Rsvp.ACCEPTED, "tentative": Rsvp.TENTATIVE,
    "tentatively accepted": Rsvp.TENTATIVE, "mit vorbehalt angenommen": Rsvp.TENTATIVE,
    "vorläufig angenommen": Rsvp.TENTATIVE, "vorlaufig angenommen": Rsvp.TENTATIVE,
    "declined": Rsvp.DECLINED, "abgelehnt": Rsvp.DECLINED, "abgesagt": Rsvp.DECLINED,
}  # fmt: skip
_NOTICE = re.compile(r"^\s*([^:]{4,30}?)\s*:\s*(.+?)\s*$", re.DOTALL)
_GOOGLE_WHEN = re.compile(r"\s+@\s+.*$")  # "Title @ Thu Dec 10, 2026 6pm - 8pm (CET) (…)"


@dataclass(frozen=True)
class Outcome:
    """What one message did: its sender and subject as they came, and the result in words."""

    sender: str
    subject: str
    result: str  # one of OUTCOME_LABELS
    detail: str = ""


def message_key(raw: bytes, message: EmailMessage) -> str:
    """The message's identity: its Message-ID (a mailbox read twice has the same), else the
    bytes themselves."""
    ident = str(message.get("Message-ID", "") or "").strip()
    return hashlib.sha256(ident.encode() if ident else raw).hexdigest()


def read_replies(
    engine: Engine, messages: Iterable[bytes], *, now: datetime | None = None
) -> list[Outcome]:
    """Each message read, its answers recorded (see the module's text), in mailbox order."""
    now = now or datetime.now(UTC)
    return [_read_one(engine, raw, now) for raw in messages]


def _read_one(engine: Engine, raw: bytes, now: datetime) -> Outcome:
    if len(raw) > MAX_MESSAGE:
        return Outcome("", "", REFUSED, _("larger than 10 MB: not read"))
    try:
        message = BytesParser(policy=policy.default).parsebytes(raw)
        sender = parseaddr(str(message.get("From", "") or ""))[1].strip().lower()
        subject = " ".join(str(message.get("Subject", "") or "").split())
    except Exception:  # a header the parser cannot take (broken MIME)
        return Outcome("", "", REFUSED, _("a message that cannot be read"))
    key = message_key(raw, message)
    if _read_before(engine, key):
        return Outcome(sender, subject, ALREADY)
    try:
        parts = list(_calendar_parts(message))
    except _TooLarge:
        outcome = Outcome(sender, subject, REFUSED, _("a calendar part larger than 1 MB"))
    else:
        if parts:
            outcome = _answers(engine, parts, sender, subject, now)
        else:
            outcome = _notice(engine, sender, subject, now)
    if outcome.result != NOT_UNDERSTOOD:  # (not understood: listed again next time)
        _remember(engine, key, outcome)
    return outcome


class _TooLarge(Exception):
    pass


def _calendar_parts(message: EmailMessage) -> Iterator[bytes]:
    """The calendar files in a message, also in a forwarded message inside it."""
    for part in message.walk():
        if part.is_multipart():
            continue
        kind = part.get_content_type()
        name = (part.get_filename() or "").lower()
        if kind in ("text/calendar", "application/ics") or name.endswith(".ics"):
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes) and payload.strip():
                if len(payload) > MAX_PART:
                    raise _TooLarge
                yield payload


def _answers(
    engine: Engine, parts: list[bytes], sender: str, subject: str, now: datetime
) -> Outcome:
    replies: list[IncomingEvent] = []
    broken: list[str] = []
    for payload in parts:
        try:
            calendar = read_calendar(payload, lenient=True)
        except IcsError as exc:
            return Outcome(sender, subject, REFUSED, _("a broken calendar part: {reason}").format(
                reason=exc))  # fmt: skip
        replies += [e for e in calendar.events if e.method == "REPLY"]
        broken += [bad.reason for bad in calendar.bad]
    if not replies and broken:
        return Outcome(sender, subject, REFUSED, _("a broken calendar part: {reason}").format(
            reason=broken[0]))  # fmt: skip
    if not replies:
        return Outcome(sender, subject, NOT_UNDERSTOOD, _("a calendar part, but no answer in it"))
    delegates = _delegates(parts)
    for event in replies:
        who = {a.email.lower() for a in event.attendees}
        allowed = who | {d for a in who for d in delegates.get(a, set())}
        if sender not in allowed:  # (no sender at all: nobody vouches for the answer)
            return Outcome(sender, subject, REFUSED, _("an answer for {who}, sent by {sender}").format(
                who=", ".join(sorted(who)) or "–", sender=sender))  # fmt: skip
    slots = _poll_slots(engine, {e.uid for e in replies})
    held = [e for e in replies if e.uid in slots]
    done = [_vote(engine, slots[e.uid], e) for e in held]
    rest = [e for e in replies if e.uid not in slots]
    if rest:
        plan = importing.apply(engine, CalendarFile(rest, {}), f"mail: {sender}", now=now)
        for row in plan.rows:
            if row.action == REPLY:
                done.append((RECORDED, f"{row.title}: {row.detail}"))
            elif row.action in (UNCHANGED, OLDER):
                done.append((UNCHANGED_, f"{row.title}: {row.detail}"))
            else:
                done.append((REFUSED, f"{row.title or row.uid}: {row.detail}"))
    results = [r for r, _d in done]
    result = RECORDED if RECORDED in results else REFUSED if REFUSED in results else UNCHANGED_
    return Outcome(sender, subject, result, "; ".join(d for _r, d in done))


def _delegates(parts: list[bytes]) -> dict[str, set[str]]:
    """Who answered for whom: an ATTENDEE's SENT-BY (a delegate writing for the invitee)."""
    import icalendar

    found: dict[str, set[str]] = {}
    for payload in parts:
        try:
            calendar = icalendar.Calendar.from_ical(payload)
        except Exception:  # (already read by our own parser: nothing more to learn)
            continue
        for event in calendar.walk("VEVENT"):
            attendees = event.get("ATTENDEE") or []
            for attendee in attendees if isinstance(attendees, list) else [attendees]:
                sent_by = str(attendee.params.get("SENT-BY", "") or "")
                if sent_by:
                    email = str(attendee).removeprefix("mailto:").removeprefix("MAILTO:").lower()
                    found.setdefault(email, set()).add(
                        sent_by.removeprefix("mailto:").removeprefix("MAILTO:").lower()
                    )
    return found


def _poll_slots(engine: Engine, uids: set[str]) -> dict[str, tuple[int, int]]:
    """The date-poll holds among ``uids``: uid -> (slot, the poll's meeting)."""
    with reading(engine) as session:
        rows = session.exec(
            select(PollSlot.uid, PollSlot.id, DatePoll.meeting_id)
            .join(DatePoll, col(DatePoll.id) == col(PollSlot.poll_id))
            .where(col(PollSlot.uid).in_(list(uids)))
        ).all()
    return {uid: (sid or 0, mid) for uid, sid, mid in rows}


def _vote(engine: Engine, slot: tuple[int, int], event: IncomingEvent) -> tuple[str, str]:
    """A reply to a poll's hold: that person's answer for the slot."""
    from coordinator.meetings import date_poll

    slot_id, meeting_id = slot
    (attendee,) = event.attendees[:1] or [None]
    answer = _VOTES.get(attendee.rsvp) if attendee is not None else None
    if attendee is None or answer is None:
        return REFUSED, _("a reply to a date poll without an answer")
    with reading(engine) as session:
        person_id = session.exec(
            select(Person.id)
            .join(Invitation, col(Invitation.person_id) == col(Person.id))
            .where(col(Invitation.meeting_id) == meeting_id)
            .where(func.lower(col(Person.email)) == attendee.email.lower())
        ).first()
        if person_id is None:
            return REFUSED, _("{email} is not invited.").format(email=attendee.email)
        vote = session.get(PollVote, (slot_id, person_id))
        same = vote is not None and vote.answer == answer
    if same:
        return UNCHANGED_, f"{event.title}: {answer.value}"
    date_poll.record_answer(engine, slot_id, person_id, answer)
    return RECORDED, f"{event.title}: {answer.value}"


def _notice(engine: Engine, sender: str, subject: str, now: datetime) -> Outcome:
    """ "Accepted: Netzwerktreffen" without a calendar part: the sender's answer to the next
    meeting of that title they are invited to."""
    found = _NOTICE.match(subject)
    rsvp = _NOTICES.get(fold(found[1])) if found else None
    if found is None or rsvp is None:
        return Outcome(sender, subject, NOT_UNDERSTOOD)
    title = fold(_GOOGLE_WHEN.sub("", found[2]))
    with reading(engine) as session:
        candidates = session.exec(
            select(
                Invitation.meeting_id,
                Invitation.person_id,
                Invitation.rsvp,
                Meeting.title,
                Meeting.starts_at,
            )
            .join(Meeting, col(Meeting.id) == col(Invitation.meeting_id))
            .join(Person, col(Person.id) == col(Invitation.person_id))
            .where(func.lower(col(Person.email)) == sender)  # (not LIKE: "_" is no wildcard)
            .where(Meeting.status != MeetingStatus.CANCELLED)
        ).all()
    fitting = sorted(
        (starts, mid, pid, current) for mid, pid, current, t, starts in candidates
        if fold(t) == title
    )  # fmt: skip
    if not fitting:
        return Outcome(sender, subject, NOT_UNDERSTOOD, _("no meeting of that title invites them"))
    _starts, meeting_id, person_id, current = next((f for f in fitting if f[0] >= now), fitting[-1])
    from coordinator.meetings import invitations

    if current == rsvp:
        return Outcome(sender, subject, UNCHANGED_, rsvp.value)
    invitations.set_rsvp(engine, meeting_id, person_id, rsvp)
    return Outcome(sender, subject, RECORDED, rsvp.value)


def _read_before(engine: Engine, key: str) -> bool:
    with reading(engine) as session:
        return (
            session.exec(select(MailReply.id).where(MailReply.message_key == key)).first()
            is not None
        )


def _remember(engine: Engine, key: str, outcome: Outcome) -> None:
    with transaction(engine) as session:
        session.add(
            MailReply(
                message_key=key, sender=outcome.sender[:254], subject=outcome.subject[:300],
                outcome=outcome.result[:16], detail=outcome.detail,
            )
        )  # fmt: skip


# -- mailboxes -------------------------------------------------------------------------------


class Box(Protocol):
    """A mailbox on a server (coordinator.mail.imap.Mailbox): its unread messages by id, and
    marking those read."""

    def unread(self) -> list[tuple[bytes, bytes]]: ...

    def mark(self, ids: list[bytes]) -> None: ...


def read_box(engine: Engine, box: Box, *, now: datetime | None = None) -> list[Outcome]:
    """The unread messages of a server's mailbox read; each one understood (recorded,
    unchanged, refused) is marked as read there, one not understood stays as it is."""
    found = box.unread()
    outcomes = read_replies(engine, [raw for _id, raw in found], now=now)
    box.mark(
        [i for (i, _raw), o in zip(found, outcomes, strict=True) if o.result != NOT_UNDERSTOOD]
    )
    return outcomes


def mbox_messages(path: Path) -> Iterator[bytes]:
    """The messages of an mbox file, as they are (the file is not changed)."""
    if not path.is_file():
        raise FileNotFoundError(path)
    box = mailbox.mbox(path, create=False)
    try:
        for key in box.iterkeys():
            yield box.get_bytes(key)
    finally:
        box.close()


def maildir_messages(path: Path) -> Iterator[bytes]:
    """The messages of a Maildir folder (new and cur), as they are."""
    if not (path / "cur").is_dir() and not (path / "new").is_dir():
        raise FileNotFoundError(path)
    box = mailbox.Maildir(path, factory=None, create=False)
    for key in sorted(box.iterkeys()):
        yield box.get_bytes(key)
