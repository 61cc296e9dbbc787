"""Versioned schema: a version number in ``coordinator_meta`` and a list of upgrade steps.

Why not Alembic: the schema is owned by this one application, every step is a few portable
statements, and the app must upgrade a user's file silently on open, with a backup first.
A numbered list of functions run in one transaction does that with no extra package and no
generated files; see docs/0001-migrations.md.

Schema history:
 1. the first schema (every table of the domain).
 2. ``last_contact_at`` on organisations and people, filled from the contact log, so the
    follow-up list and the dashboard need no aggregate over the whole log.
 3. ``search_text`` on organisations and people: their searchable fields folded to lower
    case without accents (storage/search.py), for search as you type in any database.
 4. ``minutes_event``: the history of minutes (started, approved, reopened with a reason);
    indexes on tasks by status and last change, and by status, due date and title, for the
    task board.
 5. calendar imports and their changes (undo), the network's UID.
 6. the send log, announcement translations and files.
 7. ``audit_log``: who changed what and when (several coordinators on one network).
 8. ``search_text`` on tasks: the title folded like the register's, so a search for "für"
    finds "Flyer für das Sommerfest" in any database.
 9. the task board's index holds that folded title instead of the title, so a search word
    is checked in the index again, after the id, so that a column comes in index order.
10. ``sort_name`` on organisations and people: the name folded (case and accents aside), so
    lists sort as a reader expects ("Çelik" with the C, not after Z) in any database; the
    name indexes of the register's lists are on it.
"""

from __future__ import annotations

import itertools
import os
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, Engine, inspect, text
from sqlmodel import SQLModel

from storage.migration_steps import (
    _v8_task_search,
    _v9_task_search_index,
    _v10_sort_names,
    _v11_answers_read,
)
from storage.version import CURRENT_VERSION

SCHEMA_LOCK = 0x636F6F7264  # PostgreSQL advisory lock key: "coord"


def _v2_last_contact(conn: Connection) -> None:
    timestamp = "TIMESTAMP WITH TIME ZONE" if conn.dialect.name == "postgresql" else "DATETIME"
    for table, key, second in (
        ("organisation", "organisation_id", "membership"),
        ("person", "person_id", "erased_at"),
    ):
        conn.execute(text(f"ALTER TABLE {table} ADD COLUMN last_contact_at {timestamp}"))
        conn.execute(
            text(f"CREATE INDEX ix_{table}_last_contact ON {table} (last_contact_at, {second})")
        )
        conn.execute(
            text(
                f"UPDATE {table} SET last_contact_at = "
                f"(SELECT MAX(c.occurred_at) FROM contact_log c WHERE c.{key} = {table}.id)"
            )
        )


def _v3_search_text(conn: Connection) -> None:
    from storage.search import search_key

    for table in ("organisation", "person"):
        conn.execute(text(f"ALTER TABLE {table} ADD COLUMN search_text TEXT NOT NULL DEFAULT ''"))
    conn.execute(
        text("CREATE INDEX ix_organisation_name_search ON organisation (name, id, search_text)")
    )
    conn.execute(
        text(
            "CREATE INDEX ix_person_name_search "
            "ON person (family_name, given_name, id, erased_at, search_text)"
        )
    )
    for oid, name, origin, city, district, notes in conn.execute(
        text("SELECT id, name, origin, city, district, notes FROM organisation")
    ).all():
        key = search_key((name, origin, city, district, notes))
        conn.execute(
            text("UPDATE organisation SET search_text = :k WHERE id = :i"), {"k": key, "i": oid}
        )
    orgs_of: dict[int, list[str]] = {}
    for person_id, org_name in conn.execute(
        text(
            "SELECT a.person_id, o.name FROM affiliation a "
            "JOIN organisation o ON o.id = a.organisation_id"
        )
    ).all():
        orgs_of.setdefault(person_id, []).append(org_name)
    for pid, given, family, email, phone, notes in conn.execute(
        text("SELECT id, given_name, family_name, email, phone, notes FROM person")
    ).all():
        key = search_key((given, family, email, phone, notes, *orgs_of.get(pid, [])))
        conn.execute(text("UPDATE person SET search_text = :k WHERE id = :i"), {"k": key, "i": pid})


def _v4_minutes_events(conn: Connection) -> None:
    # A frozen copy of the table as version 4 made it (the model may grow later).
    from sqlalchemy import Column, ForeignKey, Integer, MetaData, String, Table

    from storage.types import UTCDateTime

    metadata = MetaData()
    Table("minutes", metadata, Column("id", Integer, primary_key=True))
    Table(
        "minutes_event",
        metadata,
        Column("id", Integer, primary_key=True),
        Column(
            "minutes_id",
            Integer,
            ForeignKey("minutes.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        Column("at", UTCDateTime, nullable=False),
        Column("action", String(20), nullable=False),
        Column("note", String, nullable=False),
    ).create(conn)
    conn.execute(text("CREATE INDEX ix_task_status_updated ON task (status, updated_at)"))
    conn.execute(text("DROP INDEX ix_task_status_due"))
    conn.execute(text("CREATE INDEX ix_task_status_due ON task (status, due_on, title)"))


def _v5_calendar_imports(conn: Connection) -> None:
    # Frozen copies of the tables as version 5 made them.
    from sqlalchemy import Column, ForeignKey, Integer, MetaData, String, Table

    from storage.types import UTCDateTime

    metadata = MetaData()
    Table(
        "calendar_import",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("file_name", String(500), nullable=False),
        Column("summary", String, nullable=False),
        Column("imported_at", UTCDateTime, nullable=False),
        Column("undone_at", UTCDateTime, nullable=True),
    )
    Table(
        "calendar_import_change",
        metadata,
        Column("id", Integer, primary_key=True),
        Column(
            "import_id",
            Integer,
            ForeignKey("calendar_import.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        Column("table_name", String(64), nullable=False),
        Column("row_key", String(200), nullable=False),
        Column("before", String, nullable=False),
        Column("after", String, nullable=False),
    )
    metadata.create_all(conn)
    conn.execute(text("DROP INDEX IF EXISTS ix_invitation_meeting_id"))  # uq_invitation serves
    _set_network_uid(conn)


def _set_network_uid(conn: Connection) -> None:
    """A stable identity of the network, for the UIDs of exported to-dos."""
    conn.execute(
        text("INSERT INTO coordinator_meta (key, value) VALUES ('network_uid', :v)"),
        {"v": str(uuid.uuid4())},
    )


def _v6_deliveries(conn: Connection) -> None:
    # A frozen copy of the send log as version 6 made it.
    from sqlalchemy import (
        Column,
        ForeignKey,
        Integer,
        LargeBinary,
        MetaData,
        String,
        Table,
        UniqueConstraint,
    )

    from storage.types import UTCDateTime

    metadata = MetaData()
    Table("announcement", metadata, Column("id", Integer, primary_key=True))
    Table("person", metadata, Column("id", Integer, primary_key=True))
    Table(
        "delivery",
        metadata,
        Column("id", Integer, primary_key=True),
        Column(
            "announcement_id",
            Integer,
            ForeignKey("announcement.id", ondelete="CASCADE"),
            nullable=False,
        ),
        Column(
            "person_id",
            Integer,
            ForeignKey("person.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        Column("email", String(254), nullable=False),
        Column("status", String(32), nullable=False),
        Column("error", String, nullable=False),
        Column("message_id", String(300), nullable=False),
        Column("attempts", Integer, nullable=False),
        Column("sent_at", UTCDateTime, nullable=True),
        UniqueConstraint("announcement_id", "person_id", name="uq_delivery"),
    ).create(conn)
    Table(
        "announcement_translation",
        metadata,
        Column(
            "announcement_id",
            Integer,
            ForeignKey("announcement.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        Column("language", String(8), primary_key=True),
        Column("subject", String(300), nullable=False),
        Column("body", String, nullable=False),
    ).create(conn)
    Table(
        "announcement_file",
        metadata,
        Column("id", Integer, primary_key=True),
        Column(
            "announcement_id",
            Integer,
            ForeignKey("announcement.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        Column("filename", String(255), nullable=False),
        Column("content", LargeBinary, nullable=False),
    ).create(conn)
    conn.execute(
        text("ALTER TABLE announcement ADD COLUMN attach VARCHAR(20) NOT NULL DEFAULT 'invitation'")
    )


def _v7_audit_log(conn: Connection) -> None:
    # A frozen copy of the audit trail as version 7 made it.
    from sqlalchemy import Column, Index, Integer, MetaData, String, Table

    from storage.types import UTCDateTime

    metadata = MetaData()
    table = Table(
        "audit_log",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("at", UTCDateTime, nullable=False),
        Column("actor", String(120), nullable=False),
        Column("action", String(16), nullable=False),
        Column("table_name", String(64), nullable=False),
        Column("row_id", String(64), nullable=False),
        Column("subject", String(80), nullable=False),
        Column("version", Integer, nullable=True),
        Column("changes", String, nullable=False),
    )
    Index("ix_audit_subject", table.c.subject, table.c.id)
    table.create(conn)


MIGRATIONS: dict[int, Callable[[Connection], None]] = {
    2: _v2_last_contact,
    3: _v3_search_text,
    4: _v4_minutes_events,
    5: _v5_calendar_imports,
    6: _v6_deliveries,
    7: _v7_audit_log,
    8: _v8_task_search,
    9: _v9_task_search_index,
    10: _v10_sort_names,
    11: _v11_answers_read,
}


def _set_version(conn: Connection, version: int) -> None:
    updated = conn.execute(
        text("UPDATE coordinator_meta SET value = :v WHERE key = 'schema_version'"),
        {"v": str(version)},
    )
    if updated.rowcount == 0:
        conn.execute(
            text("INSERT INTO coordinator_meta (key, value) VALUES ('schema_version', :v)"),
            {"v": str(version)},
        )


def create_tables(conn: Connection) -> None:
    """Every table of the current version, in ``conn``'s transaction.

    On PostgreSQL the foreign keys that close a cycle (task <-> agenda item, date poll <->
    poll slot) are added afterwards with ALTER TABLE, and SQLAlchemy 2.1 marks those
    constraints to be left out of any later CREATE TABLE, for good: a SQLite file created
    later in the same process (migrate-db, the tests) would lose them. The marks are put
    back as they were."""
    import storage.models  # noqa: F401  (registers the tables)

    constraints = [c for table in SQLModel.metadata.tables.values() for c in table.constraints]
    rules = [constraint._create_rule for constraint in constraints]  # type: ignore[attr-defined]
    try:
        SQLModel.metadata.create_all(conn)
    finally:
        for constraint, rule in zip(constraints, rules, strict=True):
            constraint._create_rule = rule  # type: ignore[attr-defined]


def _hold_schema_lock(conn: Connection) -> None:
    """Only one process creates or upgrades the schema at a time: on SQLite the write
    transaction (BEGIN IMMEDIATE) is that lock already; on PostgreSQL an advisory lock held
    to the end of the transaction is."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK})


def _version_in(conn: Connection) -> int | None:
    """The schema version seen inside ``conn``'s transaction; None when there are no tables
    at all (a new database)."""
    names = set(inspect(conn).get_table_names())
    if not names:
        return None
    if "coordinator_meta" not in names:
        return 0
    value = conn.execute(
        text("SELECT value FROM coordinator_meta WHERE key = 'schema_version'")
    ).scalar()
    return int(value or 0)


@contextmanager
def _writing(engine: Engine, *, upgrading: bool) -> Iterator[Connection]:
    """A write transaction for the schema; a lock held past the wait becomes one line."""
    from storage.errors import DatabaseOpenError, is_busy

    writer = engine.execution_options(coordinator_write=True)
    try:
        with writer.begin() as conn:
            _hold_schema_lock(conn)
            yield conn
    except Exception as exc:
        if not is_busy(exc):
            raise
        if upgrading:
            raise DatabaseOpenError(
                "another coordinator is upgrading this network right now: try again in a moment"
            ) from None
        raise DatabaseOpenError(
            "another coordinator is creating this network right now: try again in a moment"
        ) from None


def create_schema(engine: Engine) -> None:
    """Create every table of the current version in an empty database, in one transaction.
    A second process that finds the database made meanwhile leaves it as it is."""
    with _writing(engine, upgrading=False) as conn:
        if _version_in(conn) is not None:
            return  # made by another process while this one waited for the lock
        create_tables(conn)
        _set_version(conn, CURRENT_VERSION)
        conn.execute(
            text("INSERT INTO coordinator_meta (key, value) VALUES ('created_at', :v)"),
            {"v": datetime.now(UTC).isoformat(timespec="seconds")},
        )
        _set_network_uid(conn)


def schema_version(engine: Engine) -> int:
    with engine.connect() as conn:
        if "coordinator_meta" not in inspect(conn).get_table_names():
            return 0
        value = conn.execute(
            text("SELECT value FROM coordinator_meta WHERE key = 'schema_version'")
        ).scalar()
    return int(value or 0)


def backup_sqlite(path: Path, version: int) -> Path:
    """Copy a SQLite database (consistently, through SQLite's backup API) next to itself,
    under a name no other backup has. The copy is written under a temporary name and only
    then given its own, so a killed upgrade leaves no half backup that looks whole."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    partial = path.with_name(f".{path.name}.backup-{os.getpid()}.partial")
    partial.unlink(missing_ok=True)
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        partial.touch(mode=0o600, exist_ok=False)
        dest = sqlite3.connect(partial)
        try:
            source.backup(dest)
        finally:
            dest.close()
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        source.close()
    partial.chmod(0o600)
    for number in itertools.count(1):
        suffix = "" if number == 1 else f"-{number}"
        target = path.with_name(f"{path.name}.v{version}-{stamp}{suffix}.bak")
        try:
            os.link(partial, target)  # never over another backup
        except FileExistsError:
            continue
        partial.unlink()
        return target
    raise AssertionError("unreachable")


def upgrade(engine: Engine, *, backup_of: Path | None) -> Path | None:
    """Bring an older database to the current version in one transaction.

    Two processes opening an old database at once: the first takes the schema lock, writes
    the backup and upgrades; the second waits for it and then finds nothing to do. A killed
    upgrade changes nothing (the transaction is rolled back when the file is next opened).
    Returns the backup file written first (SQLite), or None when nothing was to be done.
    """
    if schema_version(engine) >= CURRENT_VERSION:
        return None
    with _writing(engine, upgrading=True) as conn:
        version = _version_in(conn) or 0
        if version >= CURRENT_VERSION:
            return None  # upgraded by another process while this one waited
        backup = None
        if backup_of is not None:
            try:
                backup = backup_sqlite(backup_of, version)
            except (OSError, sqlite3.Error) as exc:
                from storage.errors import DatabaseOpenError

                raise DatabaseOpenError(
                    "{path} needs an upgrade, but its backup could not be written: {reason}",
                    path=backup_of,
                    reason=getattr(exc, "strerror", None) or str(exc),
                ) from None
        for step in range(version + 1, CURRENT_VERSION + 1):
            MIGRATIONS[step](conn)
        _set_version(conn, CURRENT_VERSION)
    return backup
