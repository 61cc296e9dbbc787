"""The GDPR (DSGVO) duties towards a contact person: show everything held about them, and
erase them on request while the network's minutes and tasks stay readable."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, update
from sqlmodel import Session, col, select

from coordinator.i18n import LANGUAGES, N_, _, current_language, translator
from coordinator.labels import NETWORK_ZONE, english_label, in_zone
from coordinator.languages import language_name
from storage import audit
from storage.enums import (
    AttendanceStatus,
    Availability,
    ContactChannel,
    DeliveryStatus,
    Rsvp,
    TaskStatus,
)
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


def _meeting_time(starts: datetime, timezone: str, all_day: bool) -> str:
    """When a meeting starts as its invitees know it: the date of an all-day meeting, else the
    time in the meeting's own zone (with its offset)."""
    local = in_zone(starts, timezone)
    return local.date().isoformat() if all_day else local.isoformat()


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
                    "starts_at": _meeting_time(starts, zone_name, all_day),
                    "answer": inv.rsvp.value,
                    "responded_at": _iso(inv.responded_at),
                }
                for inv, title, starts, zone_name, all_day in session.exec(
                    select(
                        Invitation,
                        Meeting.title,
                        Meeting.starts_at,
                        Meeting.timezone,
                        Meeting.all_day,
                    )
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
                {
                    "meeting": title,
                    "slot_starts_at": _meeting_time(starts, zone_name, all_day),
                    "answer": vote.answer.value,
                }
                for vote, starts, title, zone_name, all_day in session.exec(
                    select(
                        PollVote,
                        PollSlot.starts_at,
                        Meeting.title,
                        Meeting.timezone,
                        Meeting.all_day,
                    )
                    .join(PollSlot, col(PollSlot.id) == col(PollVote.slot_id))
                    .join(DatePoll, col(DatePoll.id) == col(PollSlot.poll_id))
                    .join(Meeting, col(Meeting.id) == col(DatePoll.meeting_id))
                    .where(PollVote.person_id == person_id)
                )
            ],
            "attendance": [
                {
                    "meeting": title,
                    "starts_at": _meeting_time(starts, zone_name, all_day),
                    "status": att.status.value,
                }
                for att, title, starts, zone_name, all_day in session.exec(
                    select(
                        Attendance,
                        Meeting.title,
                        Meeting.starts_at,
                        Meeting.timezone,
                        Meeting.all_day,
                    )
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


# The export's keys as the person reads them (the JSON keeps the keys).
_SECTION_TITLES = {
    "person": N_("Personal data"),
    "languages": N_("Languages"),
    "organisations": N_("Organisations"),
    "contact_log": N_("Contact log"),
    "invitations": N_("Invitations"),
    "date_poll_answers": N_("Date poll answers"),
    "attendance": N_("Attendance in minutes"),
    "tasks": N_("Tasks"),
    "agenda_items_presented": N_("Agenda items presented"),
    "groups": N_("Recipient groups"),
    "messages_sent": N_("Messages sent"),
    "record_changes": N_("Changes to the record (who, when)"),
}
_FIELD_NAMES = {
    "id": N_("Number"),
    "given_name": N_("Given name"),
    "family_name": N_("Family name"),
    "email": N_("E-mail"),
    "phone": N_("Phone"),
    "preferred_language": N_("Preferred language"),
    "consent_on": N_("Consent given on"),
    "consent_purpose": N_("Consent purpose"),
    "notes": N_("Notes"),
    "erased_at": N_("Erased at"),
    "last_contact_at": N_("Last contact"),
    "created_at": N_("Created at"),
    "updated_at": N_("Last changed at"),
    "organisation": N_("Organisation"),
    "role": N_("Role"),
    "occurred_at": N_("When"),
    "channel": N_("Channel"),
    "note": N_("Note"),
    "meeting": N_("Meeting"),
    "starts_at": N_("Starts"),
    "answer": N_("Answer"),
    "responded_at": N_("Answered at"),
    "subject": N_("Subject"),
    "address": N_("Address"),
    "status": N_("Status"),
    "sent_at": N_("Sent at"),
    "slot_starts_at": N_("Date offered"),
    "title": N_("Title"),
    "due_on": N_("Due"),
    "item": N_("Agenda item"),
    "at": N_("When"),
    "by": N_("By"),
    "action": N_("Change"),
    "fields": N_("Fields"),
}
# Which vocabulary a section's value comes from, to show its word, not its code.
_VOCABULARIES: dict[tuple[str, str], type[StrEnum]] = {
    ("contact_log", "channel"): ContactChannel,
    ("invitations", "answer"): Rsvp,
    ("date_poll_answers", "answer"): Availability,
    ("attendance", "status"): AttendanceStatus,
    ("tasks", "status"): TaskStatus,
    ("messages_sent", "status"): DeliveryStatus,
}


def export_language(engine: Engine, person_id: int) -> str:
    """The language the readable export speaks: the person's own where the app has it, else
    the interface's."""
    with reading(engine) as session:
        person = session.get(Person, person_id)
        if person is None:
            raise LookupError(person_id)
        code = person.preferred_language
    return code if code in LANGUAGES else current_language()


def export_text(engine: Engine, person_id: int, language: str | None = None) -> str:
    """The same export as readable text, for printing or sending to the person: in their
    language (or ``language``), times in the network's zone, field names and answers in
    words."""
    lang = language or export_language(engine, person_id)
    tr = translator(lang).gettext
    data = export_person(engine, person_id)
    person = data["person"]

    def shown(section: str, key: str, value: Any) -> str:
        if value in (None, "", [], {}):
            return "–"
        vocabulary = _VOCABULARIES.get((section, key))
        if vocabulary is not None:
            try:
                return tr(english_label(vocabulary(value)))
            except ValueError:
                return str(value)
        if key == "preferred_language":
            return language_name(str(value), lang)
        if isinstance(value, dict):  # an audit entry's changed fields
            return "; ".join(
                f"{tr(_FIELD_NAMES.get(k, k))}: {shown('', k, v)}" for k, v in value.items()
            )
        if isinstance(value, list):
            return ", ".join(shown(section, key, v) for v in value)
        if isinstance(value, str):
            return _local(value, lang, own_zone=key in ("starts_at", "slot_starts_at"))
        return str(value)

    lines = [
        tr("Data held about {name}").format(
            name=f"{person['given_name']} {person['family_name']}".strip()
        ),
        tr("Exported at {when}").format(when=_local(data["exported_at"], lang)),
        "",
    ]
    for key, title in _SECTION_TITLES.items():
        value = data[key]
        lines.append(f"{tr(title)}:")
        if isinstance(value, dict):
            lines += [
                f"  {tr(_FIELD_NAMES.get(name, name))}: {shown(key, name, item)}"
                for name, item in value.items()
            ]
        elif not value:
            lines.append("  –")
        else:
            for item in value:
                text = (
                    ", ".join(
                        f"{tr(_FIELD_NAMES.get(k, k))}: {shown(key, k, v)}"
                        for k, v in item.items()
                        if v not in (None, "")
                    )
                    if isinstance(item, dict)
                    else language_name(str(item), lang)
                    if key == "languages"
                    else str(item)
                )
                lines.append(f"  - {text}")
        lines.append("")
    return "\n".join(lines)


def _local(value: str, language: str, *, own_zone: bool = False) -> str:
    """An ISO date or time of the export as the reader writes it, times in the network's
    zone; any other text as it is."""
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            return f"{day:%d.%m.%Y}" if language == "de" else day.isoformat()
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if moment.tzinfo is None:
        return value
    # A reply or a mail sent in the network's zone; a meeting's start was exported in the
    # meeting's own zone and stays in it.
    local = moment if own_zone else moment.astimezone(NETWORK_ZONE)
    return f"{local:%d.%m.%Y %H:%M}" if language == "de" else f"{local:%Y-%m-%d %H:%M}"


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
