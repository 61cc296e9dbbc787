"""Undoing the last calendar import: the rows it added are removed and the rows it changed
get back the values they had, unless somebody changed them since (then nothing is undone).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, delete, select
from sqlmodel import Session, SQLModel, col

from coordinator.calendar.import_plan import chunks, stored_summary
from coordinator.calendar.import_writer import dump_row
from coordinator.i18n import _
from coordinator.validation import ValidationError
from storage.models import (
    Affiliation,
    AgendaItem,
    CalendarImport,
    CalendarImportChange,
    DatePoll,
    Invitation,
    Meeting,
    Minutes,
    Person,
    Task,
)
from storage.uow import reading, transaction


@dataclass(frozen=True)
class LastImport:
    id: int
    file_name: str
    summary: str
    imported_at: datetime


def last_import(engine: Engine) -> LastImport | None:
    """The last import, when it has not been undone yet."""
    with reading(engine) as session:
        record = session.exec(  # type: ignore[call-overload]
            select(CalendarImport).order_by(col(CalendarImport.id).desc()).limit(1)
        ).scalar()
    if record is None or record.undone_at is not None:
        return None
    return LastImport(
        record.id, record.file_name, stored_summary(record.summary), record.imported_at
    )


_MODELS: dict[str, type[SQLModel]] = {
    "meeting": Meeting,
    "invitation": Invitation,
    "person": Person,
}


def _load(session: Session, table: str, key: Any) -> SQLModel | None:
    if table == "invitation":
        meeting_id, person_id = key
        return session.exec(  # type: ignore[call-overload]
            select(Invitation).where(
                Invitation.meeting_id == meeting_id, Invitation.person_id == person_id
            )
        ).scalar()
    return session.get(_MODELS[table], key)


def _restore(row: SQLModel, data: dict[str, Any]) -> None:
    model = type(row)
    clean = model.model_validate(data)
    for name in data:
        setattr(row, name, getattr(clean, name))


def undo_last_import(engine: Engine) -> LastImport:
    """Restore exactly the state before the last import, in one transaction. Refused when
    anything it touched has been changed since (that work would be lost)."""
    with transaction(engine) as session:
        record = session.exec(  # type: ignore[call-overload]
            select(CalendarImport).order_by(col(CalendarImport.id).desc()).limit(1)
        ).scalar()
        if record is None or record.undone_at is not None:
            raise ValidationError({"import": _("There is no import to undo.")})
        changes = list(
            session.exec(  # type: ignore[call-overload]
                select(CalendarImportChange)
                .where(CalendarImportChange.import_id == record.id)
                .order_by(col(CalendarImportChange.id))
            ).scalars()
        )
        created = {c.table_name: json.loads(c.after) for c in changes if c.row_key == "created"}
        changed = [c for c in changes if c.row_key != "created"]
        _check_undo(session, record, created, changed)
        for meeting_id, person_id, _rsvp in created.get("invitation", []):
            session.execute(
                delete(Invitation).where(
                    col(Invitation.meeting_id) == meeting_id, col(Invitation.person_id) == person_id
                )
            )
        for change in reversed(changed):
            key = json.loads(change.row_key)
            before = json.loads(change.before)
            row = _load(session, change.table_name, key)
            if row is None:  # deleted by the import: put it back as it was
                session.add(_MODELS[change.table_name].model_validate(before))
            else:
                _restore(row, before)
        session.flush()
        meetings = created.get("meeting", [])
        for chunk in chunks(sorted(meetings, reverse=True)):
            session.execute(delete(Meeting).where(col(Meeting.id).in_(chunk)))
        for chunk in chunks(created.get("person", [])):
            session.execute(delete(Person).where(col(Person.id).in_(chunk)))
        record.undone_at = datetime.now(UTC)
        return LastImport(
            record.id, record.file_name, stored_summary(record.summary), record.imported_at
        )


def _check_undo(
    session: Session,
    record: CalendarImport,
    created: dict[str, list[Any]],
    changed: list[CalendarImportChange],
) -> None:
    def refuse(what: str) -> None:
        raise ValidationError(
            {
                "import": _(
                    "The import cannot be undone: {what} has been changed since. "
                    "Undoing it would lose that work."
                ).format(what=what)
            }
        )

    for change in changed:
        row = _load(session, change.table_name, json.loads(change.row_key))
        now = dump_row(row) if row is not None else ""
        if now != change.after:
            refuse(_describe(change.table_name, row, change.before))
    meetings = created.get("meeting", [])
    for chunk in chunks(meetings):
        later = session.exec(  # type: ignore[call-overload]
            select(Meeting.title).where(col(Meeting.id).in_(chunk), col(Meeting.version) > 1)
        ).first()
        if later is not None:
            refuse(_("the meeting “{title}”").format(title=later[0]))
        for model, column in (
            (AgendaItem, AgendaItem.meeting_id),
            (Minutes, Minutes.meeting_id),
            (DatePoll, DatePoll.meeting_id),
            (Task, Task.meeting_id),
        ):
            if session.exec(select(model).where(col(column).in_(chunk)).limit(1)).first():  # type: ignore[call-overload]
                refuse(_("an imported meeting (it has an agenda, minutes, a poll or tasks)"))
    created_invitations = {(m, p) for m, p, _rsvp in created.get("invitation", [])}
    created_affiliations = {(p, o) for p, o in created.get("affiliation", [])}
    for chunk in chunks(created.get("person", [])):
        if session.exec(  # type: ignore[call-overload]
            select(Person.id).where(col(Person.id).in_(chunk), col(Person.version) > 1)
        ).first():
            refuse(_("a person added by the import"))
        for person_id, organisation_id, role in session.exec(  # type: ignore[call-overload]
            select(Affiliation.person_id, Affiliation.organisation_id, Affiliation.role).where(
                col(Affiliation.person_id).in_(chunk)
            )
        ):  # only the affiliations the import made, as it made them
            if (person_id, organisation_id) not in created_affiliations or role:
                refuse(_("a person added by the import"))
        for meeting_id, person_id in session.exec(  # type: ignore[call-overload]
            select(Invitation.meeting_id, Invitation.person_id).where(
                col(Invitation.person_id).in_(chunk)
            )
        ):
            if (meeting_id, person_id) not in created_invitations and meeting_id not in meetings:
                refuse(_("a person added by the import"))
    for meeting_id, person_id, rsvp in created.get("invitation", []):
        invitation = _load(session, "invitation", [meeting_id, person_id])
        if invitation is not None and invitation.rsvp != rsvp:  # type: ignore[attr-defined]
            refuse(_("an answer to an invitation"))


def _describe(table: str, row: SQLModel | None, before: str) -> str:
    if table == "meeting":
        title = getattr(row, "title", None) or json.loads(before).get("title", "")
        return _("the meeting “{title}”").format(title=title)
    if table == "invitation":
        return _("an answer to an invitation")
    return _("a person added by the import")
