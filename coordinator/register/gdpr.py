"""The GDPR (DSGVO) duties towards a contact person: show everything held about them, and
erase them on request while the network's minutes and tasks stay readable."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, update
from sqlmodel import Session, col, select

from coordinator.i18n import N_, _, translator
from storage import audit
from storage.models import (
    Affiliation,
    AgendaItem,
    Announcement,
    Attendance,
    AuditEntry,
    ContactLogEntry,
    DatePoll,
    Delivery,
    Invitation,
    Meeting,
    Minutes,
    Organisation,
    Person,
    PersonLanguage,
    PollSlot,
    PollVote,
    RecipientGroup,
    RecipientGroupMember,
    Task,
)
from storage.uow import reading, transaction


def _iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def export_person(engine: Engine, person_id: int) -> dict[str, Any]:
    """Everything the database holds about one person, as plain JSON-ready data."""
    with reading(engine) as session:
        person = session.get(Person, person_id)
        if person is None:
            raise LookupError(person_id)
        fields = (
            "id", "given_name", "family_name", "email", "phone", "preferred_language", "consent_on",
            "consent_purpose", "notes", "erased_at", "last_contact_at", "created_at", "updated_at",
        )  # fmt: skip
        return {
            "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "person": {name: _iso(getattr(person, name)) for name in fields},
            "languages": list(
                session.exec(
                    select(PersonLanguage.language).where(PersonLanguage.person_id == person_id)
                )
            ),
            "organisations": [
                {"organisation": name, "role": role}
                for name, role in session.exec(
                    select(Organisation.name, Affiliation.role)
                    .join(Affiliation, col(Affiliation.organisation_id) == col(Organisation.id))
                    .where(Affiliation.person_id == person_id)
                )
            ],
            "contact_log": [
                {"occurred_at": _iso(e.occurred_at), "channel": e.channel.value, "note": e.note}
                for e in session.exec(
                    select(ContactLogEntry)
                    .where(ContactLogEntry.person_id == person_id)
                    .order_by(col(ContactLogEntry.occurred_at))
                )
            ],
            "invitations": [
                {
                    "meeting": title,
                    "starts_at": _iso(starts),
                    "answer": inv.rsvp.value,
                    "responded_at": _iso(inv.responded_at),
                }
                for inv, title, starts in session.exec(
                    select(Invitation, Meeting.title, Meeting.starts_at)
                    .join(Meeting, col(Meeting.id) == col(Invitation.meeting_id))
                    .where(Invitation.person_id == person_id)
                    .order_by(col(Meeting.starts_at))
                )
            ],
            "messages_sent": [
                {
                    "subject": subject,
                    "address": delivery.email,
                    "status": delivery.status.value,
                    "sent_at": _iso(delivery.sent_at),
                }
                for delivery, subject in session.exec(  # type: ignore[call-overload]
                    select(Delivery, Announcement.subject)
                    .join(Announcement, col(Announcement.id) == col(Delivery.announcement_id))
                    .where(Delivery.person_id == person_id)
                    .order_by(col(Delivery.id))
                )
            ],
            "date_poll_answers": [
                {"meeting": title, "slot_starts_at": _iso(starts), "answer": vote.answer.value}
                for vote, starts, title in session.exec(
                    select(PollVote, PollSlot.starts_at, Meeting.title)
                    .join(PollSlot, col(PollSlot.id) == col(PollVote.slot_id))
                    .join(DatePoll, col(DatePoll.id) == col(PollSlot.poll_id))
                    .join(Meeting, col(Meeting.id) == col(DatePoll.meeting_id))
                    .where(PollVote.person_id == person_id)
                )
            ],
            "attendance": [
                {"meeting": title, "starts_at": _iso(starts), "status": att.status.value}
                for att, title, starts in session.exec(
                    select(Attendance, Meeting.title, Meeting.starts_at)
                    .join(Minutes, col(Minutes.id) == col(Attendance.minutes_id))
                    .join(Meeting, col(Meeting.id) == col(Minutes.meeting_id))
                    .where(Attendance.person_id == person_id)
                    .order_by(col(Meeting.starts_at))
                )
            ],
            "tasks": [
                {
                    "title": t.title,
                    "status": t.status.value,
                    "due_on": _iso(t.due_on),
                    "notes": t.notes,
                }
                for t in session.exec(
                    select(Task).where(Task.owner_person_id == person_id).order_by(col(Task.id))
                )
            ],
            "agenda_items_presented": [
                {"meeting": title, "item": item.title}
                for item, title in session.exec(
                    select(AgendaItem, Meeting.title)
                    .join(Meeting, col(Meeting.id) == col(AgendaItem.meeting_id))
                    .where(AgendaItem.presenter_id == person_id)
                )
            ],
            "groups": list(
                session.exec(
                    select(RecipientGroup.name)
                    .join(
                        RecipientGroupMember,
                        col(RecipientGroupMember.group_id) == col(RecipientGroup.id),
                    )
                    .where(RecipientGroupMember.person_id == person_id)
                )
            ),
            "record_changes": [
                {
                    "at": _iso(entry.at),
                    "by": entry.actor,
                    "action": entry.action,
                    "fields": json.loads(entry.changes or "{}"),
                }
                for entry in session.exec(
                    select(AuditEntry)
                    .where(AuditEntry.subject == f"person:{person_id}")
                    .order_by(col(AuditEntry.id))
                )
            ],
        }


def export_json(engine: Engine, person_id: int) -> str:
    return json.dumps(export_person(engine, person_id), ensure_ascii=False, indent=2) + "\n"


def export_text(engine: Engine, person_id: int) -> str:
    """The same export as readable text, for printing or sending to the person."""
    data = export_person(engine, person_id)
    person = data["person"]
    lines = [
        _("Data held about {name}").format(
            name=f"{person['given_name']} {person['family_name']}".strip()
        ),
        _("Exported at {when}").format(when=data["exported_at"]),
        "",
    ]
    titles = {
        "person": _("Personal data"),
        "languages": _("Languages"),
        "organisations": _("Organisations"),
        "contact_log": _("Contact log"),
        "invitations": _("Invitations"),
        "date_poll_answers": _("Date poll answers"),
        "attendance": _("Attendance in minutes"),
        "tasks": _("Tasks"),
        "agenda_items_presented": _("Agenda items presented"),
        "groups": _("Recipient groups"),
        "messages_sent": _("Messages sent"),
        "record_changes": _("Changes to the record (who, when)"),
    }
    for key, title in titles.items():
        value = data[key]
        lines.append(f"{title}:")
        if isinstance(value, dict):
            lines += [
                f"  {name}: {item if item not in (None, '') else '–'}"
                for name, item in value.items()
            ]
        elif not value:
            lines.append("  –")
        else:
            for item in value:
                text = (
                    ", ".join(f"{k}: {v}" for k, v in item.items() if v not in (None, ""))
                    if isinstance(item, dict)
                    else str(item)
                )
                lines.append(f"  - {text}")
        lines.append("")
    return "\n".join(lines)


ERASED_NAME = N_("Erased person {id}")


def anonymised_name(person_id: int, language: str | None = None) -> str:
    """The name an erased person keeps in minutes and task lists, in a document's language
    (the interface's when none is given)."""
    tr = translator(language).gettext if language else _
    return tr(ERASED_NAME).format(id=person_id)


def shown_names(
    session: Session, person_ids: set[int | None], language: str | None = None
) -> dict[int, str]:
    """The names of these people as a document in ``language`` shows them: an erased person as
    "Erased person 19" in that language, whatever language the eraser's screen spoke."""
    rows = session.exec(
        select(Person.id, Person.given_name, Person.family_name, Person.erased_at).where(
            col(Person.id).in_(person_ids - {None})
        )
    )
    return {
        pid: anonymised_name(pid, language) if erased else f"{given} {family}".strip()
        for pid, given, family, erased in rows
        if pid is not None
    }


def erase_person(engine: Engine, person_id: int) -> None:
    """Erase a person on request: personal fields, languages, memberships, group memberships
    and contact notes go; invitations, attendance and tasks stay under an anonymised name so
    minutes and task lists remain complete."""
    with transaction(engine) as session:
        person = session.get(Person, person_id)
        if person is None:
            raise LookupError(person_id)
        if person.erased_at is not None:
            return
        person.given_name = ""
        person.family_name = _(ERASED_NAME).format(id=person_id)
        person.email = ""
        person.phone = ""
        person.notes = ""
        person.consent_on = None
        person.consent_purpose = ""
        person.preferred_language = "de"
        person.search_text = ""
        person.last_contact_at = None
        person.erased_at = datetime.now(UTC)
        person.updated_at = person.erased_at
        person.version += 1
        for model, key in (
            (PersonLanguage, PersonLanguage.person_id),
            (Affiliation, Affiliation.person_id),
            (RecipientGroupMember, RecipientGroupMember.person_id),
        ):
            session.exec(delete(model).where(col(key) == person_id))  # type: ignore[call-overload]
        # Contact notes may say anything about the person: entries about them alone go,
        # entries that concern an organisation stay there, without the person and the note.
        session.exec(  # type: ignore[call-overload]
            delete(ContactLogEntry).where(
                col(ContactLogEntry.person_id) == person_id,
                col(ContactLogEntry.organisation_id).is_(None),
            )
        )
        session.exec(  # type: ignore[call-overload]
            update(ContactLogEntry)
            .where(col(ContactLogEntry.person_id) == person_id)
            .values(person_id=None, note="")
        )
        # The send log keeps that a message went out, not to which address.
        session.exec(  # type: ignore[call-overload]
            update(Delivery).where(col(Delivery.person_id) == person_id).values(email="", error="")
        )
        # The audit trail keeps who changed which of their fields and when, not the values
        # (this erasure's own entry included).
        session.flush()
        audit.forget_values(session, f"person:{person_id}")
    from storage.engine import flush_journal

    flush_journal(engine)


def copies_left(engine: Engine) -> list[Path]:
    """The backups an upgrade wrote beside a SQLite network (``NAME.vN-STAMP.bak``): they
    were made before the erasure and still hold the person."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return []
    path = Path(database)
    return sorted(path.parent.glob(f"{path.name}.v*.bak"))


def erasure_notes(engine: Engine) -> list[str]:
    """What the coordinator must still do after an erasure: the backups that hold the person
    (``people erase --delete-backups`` removes them) and the files exported earlier."""
    notes = []
    backups = copies_left(engine)
    if backups:
        notes.append(
            _("These backups from upgrades still hold the person: {files}. Delete them "
              "(coordinator people erase ID --delete-backups) or keep them locked away.").format(
                files=", ".join(str(p) for p in backups)
            )
        )  # fmt: skip
    notes.append(
        _("Files exported earlier (CSV, vCard, JSON, calendars, minutes, .eml) may still name "
          "the person: delete them by hand.")
    )  # fmt: skip
    return notes
