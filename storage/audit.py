"""The audit trail, written by a flush hook on every write session.

Each insert, update and delete of a record made through the ORM becomes one ``audit_log`` row
with the coordinator who made it (the engine's ``coordinator_actor`` execution option, else
the identity of this process, storage/actor.py), the time, and the fields changed. The rows
are written in the same transaction as the change: a change that rolls back leaves no trace,
and no change is committed without its entry. Rows a calendar import writes through the
driver are covered by the entry of its ``calendar_import`` record (and its own journal).

On PostgreSQL each transaction that writes entries also sends a NOTIFY on ``CHANNEL``, so
other coordinators' screens refresh (coordinator/network/freshness.py); SQLite screens poll for new
entry ids instead, and the ids a session wrote itself are noted here (``take_own``) so its
screens do not refresh after their own saves.
"""

from __future__ import annotations

import json
import os
import threading
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import event, inspect, text
from sqlalchemy.orm import Session as OrmSession

from storage import actor
from storage.models.audit import AuditEntry

CHANNEL = "coordinator_changes"
# Who wrote, in notifications, when the engine names no session (coordinator/context.py does):
# a screen ignores what its own session did.
PROCESS_TOKEN = f"{os.getpid()}-{os.urandom(3).hex()}"
MAX_VALUE = 200

# Tables that are themselves a history or a log: auditing them again adds nothing.
UNAUDITED = {"audit_log", "task_event", "minutes_event", "calendar_import_change", "delivery",
             "mail_reply"}  # fmt: skip
# Fields derived from others or bumped on every change: not worth a line in the trail.
QUIET = {"search_text", "updated_at", "version", "last_contact_at"}
# The record a person looks for when a row changes: its table and the column holding its id.
SUBJECTS: dict[str, tuple[str, str]] = {
    "organisation_topic": ("organisation", "organisation_id"),
    "phase_change": ("organisation", "organisation_id"),
    "person_language": ("person", "person_id"),
    "affiliation": ("person", "person_id"),
    "agenda_item": ("meeting", "meeting_id"),
    "invitation": ("meeting", "meeting_id"),
    "date_poll": ("meeting", "meeting_id"),
    "attendance": ("minutes", "minutes_id"),
    "decision": ("meeting", "meeting_id"),
    "announcement_translation": ("announcement", "announcement_id"),
    "announcement_file": ("announcement", "announcement_id"),
    "recipient_group_member": ("recipient_group", "group_id"),
}


def _stored(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (bytes, bytearray)):
        return f"<{len(value)} bytes>"
    text_value = str(value)
    return text_value if len(text_value) <= MAX_VALUE else text_value[: MAX_VALUE - 1] + "…"


def subject_of(table: str, row: Any) -> str:
    if table == "contact_log":
        if getattr(row, "person_id", None) is not None:
            return f"person:{row.person_id}"
        return f"organisation:{row.organisation_id}"
    if table in SUBJECTS:
        kind, column = SUBJECTS[table]
        key = getattr(row, column, None)
        if key is not None:
            return f"{kind}:{key}"
    return f"{table}:{_row_id(row)}"


def _row_id(row: Any) -> str:
    state = inspect(row)
    key = state.identity or state.mapper.primary_key_from_instance(row)
    return "/".join(str(part) for part in key)


def _changes(row: Any, action: str) -> dict[str, list[Any]]:
    state = inspect(row)
    changes: dict[str, list[Any]] = {}
    for attr in state.mapper.column_attrs:
        name = attr.key
        if name in QUIET:
            continue
        if action == "update":
            history = state.attrs[name].history
            if not history.has_changes():
                continue
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            if old == new:
                continue
            changes[name] = [_stored(old), _stored(new)]
        else:  # the row as written or as it was (fields never loaded are left out)
            value = state.dict.get(name)
            if value is None:
                continue
            pair = [None, _stored(value)] if action == "insert" else [_stored(value), None]
            changes[name] = pair
    return changes


def inserted_changes(values: dict[str, Any]) -> str:
    """The ``changes`` of an "insert" entry for a row written in bulk, as the ORM's would be."""
    return json.dumps(
        {k: [None, _stored(v)] for k, v in values.items() if v is not None and k not in QUIET},
        ensure_ascii=False, sort_keys=True,
    )  # fmt: skip


def _version_moved(row: Any) -> bool:
    state = inspect(row)
    return "version" in state.attrs and state.attrs["version"].history.has_changes()


def actor_of(session: OrmSession) -> str:
    options = session.connection().get_execution_options()
    return str(options.get("coordinator_actor") or actor.default())


def _entry(row: Any, action: str, who: str, at: datetime) -> dict[str, Any] | None:
    table = getattr(row, "__tablename__", None)
    if table is None or table in UNAUDITED:
        return None
    changes = _changes(row, action)
    if action == "update" and not changes and not _version_moved(row):
        return None  # a versioned record's bump stays traceable for conflict messages
    return {
        "at": at,
        "actor": who,
        "action": action,
        "table_name": table,
        "row_id": _row_id(row),
        "subject": subject_of(table, row),
        "version": getattr(row, "version", None),
        "changes": json.dumps(changes, ensure_ascii=False, sort_keys=True),
    }


def _after_flush(session: OrmSession, _context: Any) -> None:
    options = session.connection().get_execution_options()
    if options.get("coordinator_audit") is False:
        return
    who = actor_of(session)
    at = options.get("coordinator_now") or datetime.now(UTC)  # a fixed time: the sample
    entries = []
    for action, rows in (
        ("insert", session.new),
        ("update", session.dirty),
        ("delete", session.deleted),
    ):
        for row in rows:
            entry = _entry(row, action, who, at)
            if entry is not None:
                entries.append(entry)
    if entries:
        write(session, entries)


def write(session: OrmSession, entries: list[dict[str, Any]]) -> None:
    connection = session.connection()
    token = connection.get_execution_options().get("coordinator_session") or PROCESS_TOKEN
    table = AuditEntry.__table__  # type: ignore[attr-defined]
    if connection.dialect.name == "sqlite":
        before = connection.execute(text("SELECT COALESCE(MAX(id), 0) FROM audit_log")).scalar()
        connection.execute(table.insert(), entries)
        # The write transaction holds SQLite's only write lock: every newer id is ours.
        ids = connection.execute(
            text("SELECT id FROM audit_log WHERE id > :before"), {"before": before}
        ).scalars()
        _note_own(session, token, set(ids))
        return
    connection.execute(table.insert(), entries)
    if connection.dialect.name == "postgresql":
        connection.execute(
            text("SELECT pg_notify(:channel, :payload)"),
            {"channel": CHANNEL, "payload": f"{token}\t{entries[0]['actor']}"},
        )


def forget_values(session: OrmSession, subject: str) -> None:
    """Personal data: keep who changed which fields of ``subject`` and when, not the values
    (after a GDPR erasure)."""
    table = AuditEntry.__table__  # type: ignore[attr-defined]
    connection = session.connection()
    for entry_id, changes in connection.execute(
        table.select()
        .with_only_columns(table.c.id, table.c.changes)
        .where(table.c.subject == subject)
    ).all():
        blank = {field: ["…", "…"] for field in json.loads(changes or "{}")}
        connection.execute(
            table.update().where(table.c.id == entry_id).values(changes=json.dumps(blank))
        )


# --- a session's own entries (SQLite) ------------------------------------------------------

_OWN: dict[str, set[int]] = {}  # session token -> ids of entries it wrote, not yet taken
_OWN_LOCK = threading.Lock()
_KEPT_OWN = 10_000
_PENDING = "coordinator_own_audit_ids"  # in Session.info: (token, ids) until commit/rollback


def _note_own(session: OrmSession, token: str, ids: set[int]) -> None:
    """Noted at once (a poller may look between the commit and its hook); taken back if the
    transaction rolls back (its ids are then free for other coordinators' entries)."""
    with _OWN_LOCK:
        own = _OWN.setdefault(token, set())
        own.update(ids)
        if len(own) > 2 * _KEPT_OWN:  # nobody polls for this session (a script): keep the newest
            _OWN[token] = set(sorted(own)[-_KEPT_OWN:])
    session.info.setdefault(_PENDING, []).append((token, ids))


def _committed(session: OrmSession) -> None:
    session.info.pop(_PENDING, None)


def _rolled_back(session: OrmSession) -> None:
    with _OWN_LOCK:
        for token, ids in session.info.pop(_PENDING, []):
            _OWN.get(token, set()).difference_update(ids)


def take_own(token: str, up_to: int) -> set[int]:
    """The ids up to ``up_to`` of the entries the session ``token`` wrote itself (each id is
    handed out once)."""
    with _OWN_LOCK:
        own = _OWN.get(token)
        if not own:
            return set()
        taken = {entry for entry in own if entry <= up_to}
        own -= taken
        return taken


event.listen(OrmSession, "after_flush", _after_flush)
event.listen(OrmSession, "after_commit", _committed)
event.listen(OrmSession, "after_rollback", _rolled_back)
