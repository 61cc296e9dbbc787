"""Delivering announcements: as .eml files for the coordinator's own mail program, or through
the coordinator's SMTP server, with a send log.

Every recipient has one delivery row (pending, sent, failed, written). Sending commits each
delivery as soon as the server has accepted its message, so a run that breaks off (the server
drops the connection, the coordinator cancels) is resumed by sending again: the pending and
failed ones go out, nobody gets a message twice, nobody is skipped. The SMTP password never
touches the database or a file: it comes from COORDINATOR_SMTP_PASSWORD or the system keyring.
"""

from __future__ import annotations

import contextlib
import os
import smtplib
import ssl
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import col, select

from coordinator.i18n import _
from coordinator.mail import Attachment, Recipient, Sender, address, build_message, recipients
from coordinator.validation import Checker, ValidationError
from storage.enums import AnnouncementStatus, DeliveryStatus
from storage.models import Announcement, AnnouncementFile, Delivery, Meta
from storage.uow import reading, transaction

SECURITY = ("starttls", "tls", "none")
PASSWORD_VARIABLE = "COORDINATOR_SMTP_PASSWORD"


@dataclass(frozen=True)
class MailSettings:
    host: str = ""
    port: int = 587
    security: str = "starttls"
    user: str = ""
    sender_name: str = ""
    sender_email: str = ""
    per_minute: int = 30  # the server's limit; a pause between messages keeps under it

    @property
    def sender(self) -> Sender:
        return Sender(self.sender_name, self.sender_email)


_KEYS = ("host", "port", "security", "user", "sender_name", "sender_email", "per_minute")


def load_settings(engine: Engine) -> MailSettings:
    with reading(engine) as session:
        stored = {
            m.key[5:]: m.value
            for m in session.exec(select(Meta).where(col(Meta.key).startswith("mail."))).all()
        }
    values: dict[str, object] = {k: v for k, v in stored.items() if k in _KEYS}
    for number in ("port", "per_minute"):
        if number in values:
            values[number] = int(str(values[number]))
    return MailSettings(**values)  # type: ignore[arg-type]


def save_settings(engine: Engine, **typed: str) -> MailSettings:
    """Check and store the mail settings (never a password)."""
    check = Checker()
    host = check.required("host", typed.get("host", ""), max_length=200)
    port = typed.get("port", "587").strip()
    if not port.isdigit() or not 0 < int(port) < 65536:
        check.fail("port", _("A port number from 1 to 65535."))
    security = typed.get("security", "starttls").strip()
    if security not in SECURITY:
        check.fail("security", _("starttls, tls or none."))
    per_minute = typed.get("per_minute", "30").strip()
    if not per_minute.isdigit() or not 0 < int(per_minute) <= 1000:
        check.fail("per_minute", _("Messages per minute: 1 to 1000."))
    sender_email = check.email("sender_email", typed.get("sender_email", ""))
    if not sender_email and "sender_email" not in check.errors:
        check.fail("sender_email", _("This field is required."))
    check.check()
    values = {
        "host": host,
        "port": port,
        "security": security,
        "user": typed.get("user", "").strip(),
        "sender_name": typed.get("sender_name", "").strip(),
        "sender_email": sender_email,
        "per_minute": per_minute,
    }
    with transaction(engine) as session:
        for key, value in values.items():
            row = session.get(Meta, f"mail.{key}")
            if row is None:
                session.add(Meta(key=f"mail.{key}", value=value))
            else:
                row.value = value
    return load_settings(engine)


def password(environ: dict[str, str] | None = None) -> str:
    """The SMTP password: from the environment, else from the system keyring (if the
    ``keyring`` package is installed and the system has a keyring it can use), else empty."""
    environ = dict(os.environ) if environ is None else environ
    if environ.get(PASSWORD_VARIABLE):
        return environ[PASSWORD_VARIABLE]
    try:
        import keyring  # type: ignore[import-not-found]
    except ImportError:
        return ""
    try:
        return keyring.get_password("coordinator", "smtp") or ""
    except Exception:  # keyring.errors.KeyringError: no usable keyring (a server, a container)
        return ""


def connect(settings: MailSettings, secret: str, timeout: float = 30) -> smtplib.SMTP:
    """An open, logged-in connection to the coordinator's mail server."""
    if not settings.host:
        raise ValidationError({"host": _("No mail server is set up (coordinator mail set).")})
    context = ssl.create_default_context()
    if settings.security == "tls":
        server: smtplib.SMTP = smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=timeout, context=context
        )
    else:
        server = smtplib.SMTP(settings.host, settings.port, timeout=timeout)
        if settings.security == "starttls":
            server.starttls(context=context)
    if settings.user:
        server.login(settings.user, secret)
    return server


def test_settings(settings: MailSettings, secret: str) -> str:
    """Connect, log in and say goodbye: what the server answered, for ``mail test``."""
    server = connect(settings, secret)
    try:
        code, answer = server.noop()
    finally:
        server.quit()
    return f"{code} {answer.decode(errors='replace')}"


# --- deliveries ------------------------------------------------------------------------------


@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0
    written: int = 0
    unreachable: list[Recipient] = field(default_factory=list)
    error: str = ""  # why a run stopped early


def _announcement(engine: Engine, announcement_id: int) -> Announcement:
    with reading(engine) as session:
        found = session.get(Announcement, announcement_id)
    if found is None:
        raise LookupError(announcement_id)
    return found


def audience(engine: Engine, announcement_id: int) -> list[Recipient]:
    announcement = _announcement(engine, announcement_id)
    if announcement.group_id is None:
        raise ValidationError({"group": _("The announcement has no recipient group.")})
    return recipients(engine, group_id=announcement.group_id)


def prepare(engine: Engine, announcement_id: int) -> tuple[list[Recipient], list[Recipient]]:
    """A pending delivery for every reachable recipient who has none yet (a re-run adds
    nobody twice). Returns (reachable, unreachable)."""
    everyone = audience(engine, announcement_id)
    reachable = [r for r in everyone if r.reachable]
    with transaction(engine) as session:
        known = set(
            session.exec(
                select(Delivery.person_id).where(Delivery.announcement_id == announcement_id)
            ).all()
        )
        for person in reachable:
            if person.person_id not in known:
                session.add(
                    Delivery(
                        announcement_id=announcement_id,
                        person_id=person.person_id,
                        email=person.email,
                    )
                )
    return reachable, [r for r in everyone if not r.reachable]


def _open_deliveries(engine: Engine, announcement_id: int) -> list[Delivery]:
    with reading(engine) as session:
        return list(
            session.exec(
                select(Delivery)
                .where(
                    Delivery.announcement_id == announcement_id,
                    col(Delivery.status).in_([DeliveryStatus.PENDING, DeliveryStatus.FAILED]),
                )
                .order_by(col(Delivery.id))
            ).all()
        )


def _mark(engine: Engine, delivery_id: int, status: DeliveryStatus, **values: object) -> None:
    with transaction(engine) as session:
        row = session.get(Delivery, delivery_id)
        assert row is not None
        row.status = status
        row.attempts += 1
        for key, value in values.items():
            setattr(row, key, value)


# What an announcement carries to one recipient (their language; a calendar part naming
# them alone).
AttachmentSource = Callable[[Announcement, Recipient], list[Attachment]]


def send(
    engine: Engine,
    announcement_id: int,
    settings: MailSettings,
    secret: str,
    *,
    attachments: AttachmentSource,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> SendReport:
    """Send the pending and failed deliveries through the mail server, at most
    ``settings.per_minute`` a minute; each is committed as sent when the server accepts it."""
    announcement = _announcement(engine, announcement_id)
    reachable, unreachable = prepare(engine, announcement_id)
    by_person = {r.person_id: r for r in reachable}
    report = SendReport(unreachable=unreachable)
    todo = _open_deliveries(engine, announcement_id)
    if not todo:
        return report
    pause = 60 / settings.per_minute
    server = connect(settings, secret)
    try:
        for done, delivery in enumerate(todo, start=1):
            if cancelled is not None and cancelled():
                report.error = _("Stopped by the coordinator.")
                break
            person = by_person.get(delivery.person_id)
            if person is None:  # no longer reachable (erased, address removed)
                _mark(engine, delivery.id or 0, DeliveryStatus.FAILED, error=_("not reachable"))
                report.failed += 1
                continue
            subject, body = wording(engine, announcement, person.preferred or person.language)
            message = build_message(
                settings.sender,
                person,
                subject,
                body,
                attachments(announcement, person),
                when=now(),
            )
            try:
                refused = server.send_message(message)
            except smtplib.SMTPRecipientsRefused as exc:
                refused = {person.email: next(iter(exc.recipients.values()))}
            except (smtplib.SMTPServerDisconnected, OSError) as exc:
                report.error = _("The mail server broke off: {reason}").format(reason=exc)
                break  # this one and the rest stay pending: sending again resumes here
            except smtplib.SMTPResponseException as exc:
                if exc.smtp_code == 421:  # "closing the channel": the same as breaking off
                    report.error = _("The mail server broke off: {reason}").format(reason=exc)
                    break
                _mark(engine, delivery.id or 0, DeliveryStatus.FAILED, error=str(exc))
                report.failed += 1
                continue
            except smtplib.SMTPException as exc:
                _mark(engine, delivery.id or 0, DeliveryStatus.FAILED, error=str(exc))
                report.failed += 1
                continue
            if refused:
                _mark(engine, delivery.id or 0, DeliveryStatus.FAILED, error=str(refused))
                report.failed += 1
            else:
                _mark(
                    engine, delivery.id or 0, DeliveryStatus.SENT, error="",
                    message_id=str(message["Message-ID"]), sent_at=now(),
                )  # fmt: skip
                _told(engine, announcement, delivery.person_id)
                report.sent += 1
            if progress is not None:
                progress(done, len(todo))
            if done < len(todo):
                sleep(pause)
    finally:
        with contextlib.suppress(smtplib.SMTPException, OSError):
            server.quit()
    _finish(engine, announcement_id)
    return report


def _told(engine: Engine, announcement: Announcement, person_id: int) -> None:
    """An invitation (or its update, or cancellation) that went out: the invitee no longer
    waits to be told (the meeting screen's "update due" column)."""
    from sqlalchemy import update

    from storage.models import Invitation, Meeting

    if announcement.meeting_id is None or announcement.attach != "invitation":
        return
    with transaction(engine) as session:
        meeting = session.get(Meeting, announcement.meeting_id)
        if meeting is None:
            return
        session.exec(  # type: ignore[call-overload]
            update(Invitation)
            .where(
                col(Invitation.meeting_id) == (meeting.series_id or meeting.id),
                col(Invitation.person_id) == person_id,
            )
            .values(needs_update=False)
        )


def _finish(engine: Engine, announcement_id: int) -> None:
    """An announcement is sent once no delivery is left pending or failed."""
    if _open_deliveries(engine, announcement_id):
        return
    with transaction(engine) as session:
        row = session.get(Announcement, announcement_id)
        if row is not None and row.status != AnnouncementStatus.SENT:
            row.status = AnnouncementStatus.SENT
            row.sent_at = datetime.now(UTC)


def write_eml(
    engine: Engine,
    announcement_id: int,
    folder: Path,
    sender: Sender,
    *,
    attachments: AttachmentSource,
    now: datetime | None = None,
) -> SendReport:
    """One .eml file per reachable recipient in ``folder`` (any mail program opens them),
    and ``addresses.txt`` to copy into a mail program's "To" or "Bcc"."""
    if not folder.is_dir():
        raise ValidationError(
            {"folder": _("The folder {path} does not exist.").format(path=folder)}
        )
    announcement = _announcement(engine, announcement_id)
    reachable, unreachable = prepare(engine, announcement_id)
    report = SendReport(unreachable=unreachable)
    when = now or datetime.now(UTC)
    from coordinator.files import write_private

    with reading(engine) as session:
        deliveries = {
            d.person_id: d
            for d in session.exec(
                select(Delivery).where(Delivery.announcement_id == announcement_id)
            ).all()
        }
    for number, person in enumerate(reachable, start=1):
        subject, body = wording(engine, announcement, person.preferred or person.language)
        message = build_message(
            sender, person, subject, body, attachments(announcement, person), when=when
        )
        write_private(folder / f"{number:04d}-{person.person_id}.eml", message.as_string())
        delivery = deliveries.get(person.person_id)
        if delivery is not None and delivery.status != DeliveryStatus.SENT:
            _mark(engine, delivery.id or 0, DeliveryStatus.WRITTEN, sent_at=when, error="")
        report.written += 1
    write_private(
        folder / "addresses.txt",
        ", ".join(address(r.name, r.email) for r in reachable) + "\n",
    )
    return report


@dataclass(frozen=True)
class LogLine:
    announcement_id: int
    subject: str
    person_id: int
    email: str
    status: DeliveryStatus
    error: str
    sent_at: datetime | None


def send_log(
    engine: Engine,
    *,
    announcement_id: int | None = None,
    person_id: int | None = None,
    meeting_id: int | None = None,
) -> list[LogLine]:
    """Who was sent what and when: per announcement, per person (their detail view), or per
    meeting (everything sent about it: invitation, updates, minutes)."""
    with reading(engine) as session:
        query = select(Delivery, Announcement.subject).join(
            Announcement, col(Announcement.id) == col(Delivery.announcement_id)
        )
        if announcement_id is not None:
            query = query.where(Delivery.announcement_id == announcement_id)
        if person_id is not None:
            query = query.where(Delivery.person_id == person_id)
        if meeting_id is not None:
            query = query.where(Announcement.meeting_id == meeting_id)
        rows = session.exec(query.order_by(col(Delivery.id))).all()  # type: ignore[call-overload]
    return [
        LogLine(d.announcement_id, subject, d.person_id, d.email, d.status, d.error, d.sent_at)
        for d, subject in rows
    ]


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
    from coordinator import agenda_export, minutes_export
    from coordinator.calendar import itip
    from coordinator.mail import calendar_attachment
    from coordinator.tasks import TaskFilter
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
            minutes = minutes_export.render_minutes(engine, meeting_id, "txt", language)
        except LookupError:
            raise ValidationError({"attach": _("The meeting has no minutes yet.")}) from None
        todo = minutes_export.render_todo(
            engine, TaskFilter(meeting_id=meeting_id), "txt", title=meeting.title,
            language=language, today=now.date(),
        )  # fmt: skip
        return [_text_file("minutes.txt", minutes), _text_file("todo.txt", todo)]
    if meeting.status == MeetingStatus.CANCELLED:
        cancel = itip.cancellation(engine, meeting_id, now, for_email=recipient.email)
        return [calendar_attachment(cancel, "CANCEL", "cancel.ics")]
    invite = itip.invitation(engine, meeting_id, language, now, for_email=recipient.email)
    agenda = agenda_export.render(engine, meeting_id, "txt", language)
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
    _announcement(engine, announcement_id)
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
    _announcement(engine, announcement_id)
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

    announcement = _announcement(engine, announcement_id)
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
    announcement = _announcement(engine, announcement_id)
    reader = Recipient(0, "", "", language)  # somebody who is not invited
    source = standard_attachments(engine, datetime.now(UTC))
    names = [a.filename for a in source(announcement, reader)]
    subject, body = wording(engine, announcement, language)
    lines = [f"[{language}] {subject}", "", body.rstrip()]
    if names:
        lines += ["", _("Attachments: {names}").format(names=", ".join(names))]
    return "\n".join(lines)
