"""Announcements (Rundbriefe): written for a group, translated, with files and a meeting's
invitation or minutes attached, previewed per language, listed with their state.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import col, select

from coordinator.i18n import _
from coordinator.mail.messages import (
    Attachment,
    Recipient,
)
from coordinator.validation import Checker, ValidationError
from storage.enums import AnnouncementStatus, DeliveryStatus
from storage.models import Announcement, AnnouncementFile, Delivery
from storage.uow import reading, transaction

AttachmentSource = Callable[[Announcement, Recipient], list[Attachment]]


def announcement_of(engine: Engine, announcement_id: int) -> Announcement:
    with reading(engine) as session:
        found = session.get(Announcement, announcement_id)
    if found is None:
        raise LookupError(announcement_id)
    return found


def create_announcement(
    engine: Engine,
    subject: str,
    body: str,
    *,
    group_id: int,
    meeting_id: int | None = None,
    language: str = "de",
    attach: str = "invitation",
    files: Sequence[Path] = (),
) -> int:
    """A new announcement with copies of ``files``, written together or not at all (a file
    that cannot be read or is too big leaves nothing behind)."""
    contents = [(path.name[:255], _file_content(path)) for path in files]
    check = Checker()
    if attach not in ATTACH:
        check.fail("attach", _("invitation, minutes or nothing."))
    subject = check.required("subject", subject, max_length=300)
    if "\n" in subject or "\r" in subject:
        check.fail("subject", _("The subject must be one line."))
    check.required("body", body, max_length=100_000)
    if meeting_id is not None:
        from storage.models import Meeting, Minutes

        with reading(engine) as session:
            if session.get(Meeting, meeting_id) is None:
                check.fail("meeting", _("No meeting with ID {id}.").format(id=meeting_id))
            elif (
                attach == "minutes"
                and not session.exec(
                    select(Minutes.id).where(Minutes.meeting_id == meeting_id)
                ).first()
            ):
                check.fail("attach", _("The meeting has no minutes yet."))
    check.check()
    with transaction(engine) as session:
        row = Announcement(
            subject=subject, body=body, group_id=group_id, meeting_id=meeting_id,
            language=language, attach=attach,
        )  # fmt: skip
        session.add(row)
        session.flush()
        for filename, content in contents:
            session.add(
                AnnouncementFile(announcement_id=row.id, filename=filename, content=content)
            )
        return row.id or 0


ATTACH = ("invitation", "minutes", "")


def standard_attachments(engine: Engine, now: datetime) -> AttachmentSource:
    """What an announcement carries, in the recipient's language: about a meeting, either its
    invitation (a calendar part, or the cancellation when it is cancelled, and the agenda) or
    its minutes and to-do list; then the files attached to it. A calendar part names the
    recipient alone: an invitee gets their own invitation, anybody else the meeting without
    attendees, so nobody learns who else is invited."""
    files: dict[int, list[Attachment]] = {}
    parts: dict[tuple[int, str, str], list[Attachment]] = {}

    def source(announcement: Announcement, recipient: Recipient) -> list[Attachment]:
        number = announcement.id or 0
        key = (number, recipient.language, recipient.email)
        if key not in parts:
            parts[key] = _meeting_parts(engine, announcement, recipient, now)
        if number not in files:
            files[number] = _files(engine, number)
        return parts[key] + files[number]

    return source


def _meeting_parts(
    engine: Engine, announcement: Announcement, recipient: Recipient, now: datetime
) -> list[Attachment]:
    from coordinator.calendar import itip
    from coordinator.mail.messages import calendar_attachment
    from coordinator.meetings import agenda_files
    from coordinator.minutes import minutes_files
    from coordinator.minutes.tasks import TaskFilter
    from storage.enums import MeetingStatus
    from storage.models import Meeting

    meeting_id = announcement.meeting_id
    language = recipient.language
    if meeting_id is None or not announcement.attach:
        return []
    with reading(engine) as session:
        meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        return []
    if announcement.attach == "minutes":
        try:
            minutes = minutes_files.render_minutes(engine, meeting_id, "txt", language)
        except LookupError:
            raise ValidationError({"attach": _("The meeting has no minutes yet.")}) from None
        todo = minutes_files.render_todo(
            engine, TaskFilter(meeting_id=meeting_id), "txt", title=meeting.title,
            language=language, today=now.date(),
        )  # fmt: skip
        return [_text_file("minutes.txt", minutes), _text_file("todo.txt", todo)]
    if meeting.status == MeetingStatus.CANCELLED:
        cancel = itip.cancellation(engine, meeting_id, now, for_email=recipient.email)
        return [calendar_attachment(cancel, "CANCEL", "cancel.ics")]
    invite = itip.invitation(engine, meeting_id, language, now, for_email=recipient.email)
    agenda = agenda_files.render(engine, meeting_id, "txt", language)
    method = itip.method_of(invite)
    return [calendar_attachment(invite, method), _text_file("agenda.txt", agenda)]


def _text_file(name: str, text: str) -> Attachment:
    return Attachment(name, text.encode(), "text", "plain", (("charset", "utf-8"),))


def _files(engine: Engine, announcement_id: int) -> list[Attachment]:
    import mimetypes

    with reading(engine) as session:
        rows = session.exec(
            select(AnnouncementFile)
            .where(AnnouncementFile.announcement_id == announcement_id)
            .order_by(col(AnnouncementFile.id))
        ).all()
    found = []
    for row in rows:
        kind = mimetypes.guess_type(row.filename)[0] or "application/octet-stream"
        maintype, subtype = kind.split("/", 1)
        if maintype == "text":  # sent as bytes: the file's own encoding is kept
            maintype, subtype = "application", "octet-stream"
        found.append(Attachment(row.filename, row.content, maintype, subtype))
    return found


MAX_FILE = 10 * 1024 * 1024


def _file_content(path: Path) -> bytes:
    """A file to send along, read whole: ValidationError when it cannot be or is too big."""
    try:
        content = path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise ValidationError(
            {"file": _("cannot read {path}: {reason}").format(path=path, reason=reason)}
        ) from None
    if len(content) > MAX_FILE:
        raise ValidationError({"file": _("{path}: a file of at most 10 MB.").format(path=path)})
    return content


def attach_file(engine: Engine, announcement_id: int, path: Path) -> None:
    """Keep a copy of a file to send with the announcement (at most 10 MB)."""
    content = _file_content(path)
    announcement_of(engine, announcement_id)
    with transaction(engine) as session:
        session.add(
            AnnouncementFile(
                announcement_id=announcement_id, filename=path.name[:255], content=content
            )
        )


def translate(engine: Engine, announcement_id: int, language: str, subject: str, body: str) -> None:
    """The announcement in another language (replacing an earlier translation)."""
    from storage.models import AnnouncementTranslation

    check = Checker()
    code = check.language("language", language) or ""
    subject = check.required("subject", subject, max_length=300)
    if "\n" in subject or "\r" in subject:
        check.fail("subject", _("The subject must be one line."))
    check.required("body", body, max_length=100_000)
    check.check()
    announcement_of(engine, announcement_id)
    with transaction(engine) as session:
        row = session.get(AnnouncementTranslation, (announcement_id, code))
        if row is None:
            session.add(
                AnnouncementTranslation(
                    announcement_id=announcement_id, language=code, subject=subject, body=body
                )
            )
        else:
            row.subject, row.body = subject, body


def wording(engine: Engine, announcement: Announcement, language: str) -> tuple[str, str]:
    """Subject and text in ``language`` when a translation was written, else the original."""
    from storage.models import AnnouncementTranslation

    with reading(engine) as session:
        row = session.get(AnnouncementTranslation, (announcement.id or 0, language))
    return (row.subject, row.body) if row is not None else (announcement.subject, announcement.body)


def languages(engine: Engine, announcement_id: int) -> list[str]:
    """The original's language and those of its translations."""
    from storage.models import AnnouncementTranslation

    announcement = announcement_of(engine, announcement_id)
    with reading(engine) as session:
        found = session.exec(
            select(AnnouncementTranslation.language).where(
                AnnouncementTranslation.announcement_id == announcement_id
            )
        ).all()
    return [announcement.language, *sorted(set(found) - {announcement.language})]


@dataclass(frozen=True)
class AnnouncementRow:
    id: int
    subject: str
    group: str
    status: AnnouncementStatus
    counts: dict[DeliveryStatus, int]


def announcements(engine: Engine) -> list[AnnouncementRow]:
    """All announcements, newest first, with how many deliveries are in each state."""
    from sqlalchemy import func

    from storage.models import RecipientGroup

    with reading(engine) as session:
        counts: dict[int, dict[DeliveryStatus, int]] = {}
        for aid, status, number in session.exec(  # type: ignore[call-overload]
            select(Delivery.announcement_id, Delivery.status, func.count()).group_by(
                Delivery.announcement_id, Delivery.status
            )
        ):
            counts.setdefault(aid, {})[status] = number
        rows = session.exec(  # type: ignore[call-overload]
            select(Announcement, RecipientGroup.name)
            .outerjoin(RecipientGroup, col(RecipientGroup.id) == col(Announcement.group_id))
            .order_by(col(Announcement.id).desc())
        ).all()
    return [
        AnnouncementRow(a.id or 0, a.subject, name or "", a.status, counts.get(a.id or 0, {}))
        for a, name in rows
    ]


def preview(engine: Engine, announcement_id: int, language: str) -> str:
    """The message as a recipient in ``language`` reads it: subject, text, attachments."""
    announcement = announcement_of(engine, announcement_id)
    reader = Recipient(0, "", "", language)  # somebody who is not invited
    source = standard_attachments(engine, datetime.now(UTC))
    names = [a.filename for a in source(announcement, reader)]
    subject, body = wording(engine, announcement, language)
    lines = [f"[{language}] {subject}", "", body.rstrip()]
    if names:
        lines += ["", _("Attachments: {names}").format(names=", ".join(names))]
    return "\n".join(lines)
