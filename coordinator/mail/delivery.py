"""Delivering announcements: as .eml files for the coordinator's own mail program, or through
the coordinator's SMTP server, with a send log.

Every recipient has one delivery row (pending, sent, failed, written). Sending commits each
delivery as soon as the server has accepted its message, so a run that breaks off (the server
drops the connection, the coordinator cancels) is resumed by sending again: the pending and
failed ones go out, nobody gets a message twice, nobody is skipped.
"""

from __future__ import annotations

import contextlib
import smtplib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import col, select

from coordinator.i18n import _
from coordinator.mail.announcements import AttachmentSource, announcement_of, wording
from coordinator.mail.messages import (
    Recipient,
    Sender,
    address,
    build_message,
    recipients,
)
from coordinator.mail.smtp import MailSettings, connect
from coordinator.validation import ValidationError
from storage.enums import AnnouncementStatus, DeliveryStatus
from storage.models import Announcement, Delivery
from storage.uow import reading, transaction

# --- deliveries ------------------------------------------------------------------------------


@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0
    written: int = 0
    unreachable: list[Recipient] = field(default_factory=list)
    error: str = ""  # why a run stopped early


def audience(engine: Engine, announcement_id: int) -> list[Recipient]:
    announcement = announcement_of(engine, announcement_id)
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
    announcement = announcement_of(engine, announcement_id)
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
    announcement = announcement_of(engine, announcement_id)
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
