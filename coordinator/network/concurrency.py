"""No lost updates: optimistic concurrency with the version column of a record.

A form remembers the version of the record it showed (``version_of``). Saving passes it as
``expected_version``; the write transaction locks the row (SELECT ... FOR UPDATE on
PostgreSQL; on SQLite the write transaction itself is exclusive) and compares. When somebody
else saved in between, the save is refused with ``EditConflict``, which says who changed what
since (from the audit trail). The user then reloads, or saves again deliberately with the
record's current version ("overwrite").
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from coordinator.i18n import _
from storage.models import AuditEntry
from storage.rows import utc
from storage.uow import reading

T = TypeVar("T")


@dataclass(frozen=True)
class Change:
    actor: str
    at: datetime
    field: str
    old: Any
    new: Any


class EditConflict(Exception):
    """Somebody else saved the record after it was loaded; nothing was written."""

    def __init__(self, kind: str, record_id: int, version: int, changes: list[Change]) -> None:
        self.kind = kind
        self.record_id = record_id
        self.version = version  # the current one: pass it to overwrite deliberately
        self.changes = changes
        super().__init__(self.message())

    @property
    def actors(self) -> list[str]:
        return sorted({change.actor for change in self.changes})

    def message(self) -> str:
        if not self.actors:
            return _("This record was changed by somebody else while you were editing it.")
        return _("{who} changed this record while you were editing it.").format(
            who=", ".join(self.actors)
        )

    def lines(self) -> list[str]:
        """What changed since, one line per field."""
        from coordinator.labels import format_datetime
        from coordinator.network.changes import shown_value

        return [
            _("{at} {who}: {field} {old} → {new}").format(
                at=format_datetime(change.at),
                who=change.actor,
                field=change.field,
                old=shown_value(change.old),
                new=shown_value(change.new),
            )
            for change in self.changes
        ]


def locked(session: Session, model: type[T], record_id: int) -> T:
    """The record, its row locked until the transaction ends (FOR UPDATE is left out on
    SQLite, where a write transaction excludes other writers anyway)."""
    row = session.get(model, record_id, with_for_update=True, populate_existing=True)
    if row is None:
        raise LookupError(record_id)
    return row


def check(
    session: Session, row: Any, expected_version: int | None, kind: str, *, parts: str = ""
) -> None:
    """Refuse the save when ``row`` has moved on since ``expected_version`` was read.
    ``parts`` names a further subject whose changes belong to the record (the minutes of a
    meeting are written into its agenda items: "meeting:12")."""
    if expected_version is None or row.version == expected_version:
        return
    changes = changes_since(session, kind, row.id, expected_version, parts=parts)
    raise EditConflict(kind, row.id, row.version, changes)


def changes_since(
    session: Session, kind: str, record_id: int, version: int, *, parts: str = ""
) -> list[Change]:
    """The field changes since ``version``: from the record's first later version on, the
    entries of the record and of its parts."""
    first = session.exec(
        select(func.min(AuditEntry.id)).where(
            AuditEntry.table_name == kind,
            AuditEntry.row_id == str(record_id),
            col(AuditEntry.version) > version,
        )
    ).one()
    if first is None:
        return []
    subjects = [f"{kind}:{record_id}", *([parts] if parts else [])]
    entries = session.exec(
        select(AuditEntry)
        .where(col(AuditEntry.subject).in_(subjects), col(AuditEntry.id) >= first)
        .order_by(col(AuditEntry.id))
    ).all()
    return [
        Change(entry.actor, utc(entry.at) or entry.at, field, old, new)
        for entry in entries
        for field, (old, new) in json.loads(entry.changes).items()
    ]


def version_of(engine: Engine, model: type[Any], record_id: int) -> int:
    """The version a form remembers when it opens (read before the form's values)."""
    with reading(engine) as session:
        row = session.get(model, record_id)
        if row is None:
            raise LookupError(record_id)
        return int(row.version)


WAIT_VARIABLE = "COORDINATOR_WAIT_SECONDS"
DEFAULT_WAIT_SECONDS = 60


def wait_seconds() -> int:
    """How long a command waits for another writer before it gives up: $COORDINATOR_WAIT_SECONDS
    (a whole number of seconds), else a minute."""
    value = os.environ.get(WAIT_VARIABLE, "").strip()
    return int(value) if value.isdigit() else DEFAULT_WAIT_SECONDS


def waiting_message() -> str:
    """Said once by a command that waits for another writer's lock."""
    return _(
        "Another coordinator or an import is writing to the network; waiting (up to {s} s) …"
    ).format(s=wait_seconds())


def busy_command_message() -> str:
    """What a command says when another writer held the database past its wait."""
    return _(
        "Another coordinator or a long import kept the network busy for {s} s: nothing was "
        "changed. Run the command again in a moment."
    ).format(s=wait_seconds())


def disk_full_message() -> str:
    """What a coordinator reads when the database could not grow."""
    return _(
        "The disk holding the network is full: nothing was changed. Free some space, then "
        "try again."
    )


def blocked_message(error: BaseException) -> str | None:
    """The one line for a write the database could not take now (another writer held it, or
    the disk is full), or None for any other error."""
    from storage.errors import is_busy, is_disk_full

    if is_busy(error):
        return busy_message()
    if is_disk_full(error):
        return disk_full_message()
    return None


def busy_message() -> str:
    """What a coordinator reads when another writer held the database past the wait."""
    return _(
        "Another coordinator or a long import is writing to the network: nothing was "
        "changed. Try again in a moment (what you typed is still there)."
    )
