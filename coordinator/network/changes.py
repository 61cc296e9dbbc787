"""Reading the audit trail: recent changes of the whole network, or of one record."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from coordinator.i18n import N_, _
from coordinator.labels import NETWORK_ZONE, format_date, format_moment
from storage.models import (
    Announcement,
    AuditEntry,
    Meeting,
    Minutes,
    Organisation,
    Person,
    RecipientGroup,
    Task,
)
from storage.rows import utc
from storage.uow import reading

MAX_SHOWN = 60  # characters of a value in a one-line summary
ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")

TABLE_LABELS = {
    "organisation": N_("organisation"),
    "organisation_topic": N_("topic"),
    "phase_change": N_("network phase"),
    "person": N_("person"),
    "person_language": N_("language"),
    "affiliation": N_("affiliation"),
    "contact_log": N_("contact"),
    "meeting": N_("meeting"),
    "agenda_item": N_("agenda item"),
    "invitation": N_("invitation"),
    "date_poll": N_("date poll"),
    "poll_slot": N_("poll date"),
    "poll_vote": N_("poll answer"),
    "minutes": N_("minutes"),
    "attendance": N_("attendance"),
    "decision": N_("decision"),
    "task": N_("task"),
    "announcement": N_("announcement"),
    "announcement_translation": N_("translation"),
    "announcement_file": N_("file"),
    "recipient_group": N_("group"),
    "recipient_group_member": N_("group member"),
    "calendar_import": N_("calendar import"),
    "coordinator_meta": N_("setting"),
}
ACTIONS = {
    "insert": N_("added"),
    "update": N_("changed"),
    "delete": N_("deleted"),
}


@dataclass(frozen=True)
class ChangeEntry:
    id: int
    at: datetime  # local time
    actor: str
    action: str  # translated
    what: str  # translated table label
    subject: str  # "task:12"
    record: str  # the record's name
    summary: str  # the fields changed, old → new


def shown_value(value: Any) -> str:
    """A stored value as a person reads it: times local, dates in the language's format."""
    if value is None or value == "":
        return "–"
    if isinstance(value, str) and ISO_MOMENT.match(value):
        return format_moment(datetime.fromisoformat(value))
    if isinstance(value, str) and ISO_DAY.fullmatch(value):
        return format_date(date.fromisoformat(value))
    text = str(value).replace("\n", " ")
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"


def summary(action: str, changes: dict[str, list[Any]]) -> str:
    if action == "update":
        return "; ".join(
            f"{field}: {shown_value(old)} → {shown_value(new)}"
            for field, (old, new) in changes.items()
        )
    if action in ("insert", "delete"):
        shown = [
            shown_value(changes[name][1 if action == "insert" else 0])
            for name in ("title", "name", "subject", "family_name", "text", "guest_name")
            if name in changes
        ]
        return ", ".join(shown)
    return "; ".join(f"{field}: {shown_value(new)}" for field, (_old, new) in changes.items())


def _names(session: Session, subjects: Iterable[str]) -> dict[str, str]:
    """The name of each record, read in one query per kind."""
    ids: dict[str, set[int]] = {}
    for subject in subjects:
        kind, _sep, key = subject.partition(":")
        if key.isdigit():
            ids.setdefault(kind, set()).add(int(key))
    names: dict[str, str] = {}

    def read(kind: str, query: Any) -> None:
        for key, *parts in session.exec(query):
            names[f"{kind}:{key}"] = " ".join(str(p) for p in parts if p)

    if "organisation" in ids:
        read("organisation", select(Organisation.id, Organisation.name).where(col(Organisation.id).in_(ids["organisation"])))  # fmt: skip
    if "person" in ids:
        for key, given, family, erased in session.exec(
            select(Person.id, Person.given_name, Person.family_name, Person.erased_at).where(
                col(Person.id).in_(ids["person"])
            )
        ):
            names[f"person:{key}"] = _("(erased)") if erased else f"{given} {family}".strip()
    if "meeting" in ids:
        read("meeting", select(Meeting.id, Meeting.title).where(col(Meeting.id).in_(ids["meeting"])))  # fmt: skip
    if "minutes" in ids:
        read("minutes", select(Minutes.id, Meeting.title).join(Meeting, col(Meeting.id) == col(Minutes.meeting_id)).where(col(Minutes.id).in_(ids["minutes"])))  # fmt: skip
    if "task" in ids:
        read("task", select(Task.id, Task.title).where(col(Task.id).in_(ids["task"])))
    if "announcement" in ids:
        read("announcement", select(Announcement.id, Announcement.subject).where(col(Announcement.id).in_(ids["announcement"])))  # fmt: skip
    if "recipient_group" in ids:
        read("recipient_group", select(RecipientGroup.id, RecipientGroup.name).where(col(RecipientGroup.id).in_(ids["recipient_group"])))  # fmt: skip
    return names


def record_name(engine: Engine, subject: str) -> str:
    """The name of the record a subject ("task:12") stands for, as the trail shows it."""
    with reading(engine) as session:
        found = _names(session, [subject]).get(subject)
    kind, _sep, key = subject.partition(":")
    return found or f"{_(TABLE_LABELS.get(kind, kind))} {key}"


def recent(
    engine: Engine,
    *,
    subject: str | None = None,
    actor: str | None = None,
    limit: int = 200,
    before_id: int | None = None,
) -> list[ChangeEntry]:
    """The newest changes first: of the whole network, of one record or by one person."""
    query = (
        select(AuditEntry)
        .where(AuditEntry.changes != "{}")  # a bare version bump says nothing to a reader
        .order_by(col(AuditEntry.id).desc())
        .limit(limit)
    )
    if subject:
        query = query.where(AuditEntry.subject == subject)
    if actor:
        query = query.where(AuditEntry.actor == actor)
    if before_id is not None:
        query = query.where(col(AuditEntry.id) < before_id)
    with reading(engine) as session:
        entries = session.exec(query).all()
        names = _names(session, {entry.subject for entry in entries})
    result = []
    for entry in entries:
        kind, _sep, key = entry.subject.partition(":")
        record = names.get(entry.subject) or (
            f"{_(TABLE_LABELS.get(kind, kind))} {key}" if key else entry.subject
        )
        at = (utc(entry.at) or entry.at).astimezone(NETWORK_ZONE)
        result.append(
            ChangeEntry(
                id=entry.id or 0,
                at=at,
                actor=entry.actor,
                action=_(ACTIONS.get(entry.action, entry.action)),
                what=_(TABLE_LABELS.get(entry.table_name, entry.table_name)),
                subject=entry.subject,
                record=record,
                summary=summary(entry.action, json.loads(entry.changes or "{}")),
            )
        )
    return result
