"""A database of the previous schema version is upgraded in place without losing a row."""

from __future__ import annotations

import shutil
import sqlite3
import stat
from pathlib import Path

from sqlmodel import Session, select

from storage.engine import open_database, resolve_target
from storage.migrations import CURRENT_VERSION, schema_version
from storage.models import ContactLogEntry, Organisation, Person

V1 = Path(__file__).parent.parent / "fixtures" / "network_v1.db"


def table_rows(path: Path) -> dict[str, set[tuple[object, ...]]]:
    """Every row of every table, as the columns of schema version 1 see it."""
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        v1 = sqlite3.connect(V1)
        columns = {t: [r[1] for r in v1.execute(f"PRAGMA table_info({t})")] for t in tables}
        v1.close()
        return {
            t: set(conn.execute(f"SELECT {', '.join(columns[t])} FROM {t}").fetchall())
            for t in tables
            if t != "coordinator_meta" and columns[t]  # tables added after version 1 start empty
        }
    finally:
        conn.close()


def test_previous_version_upgrades_without_losing_a_row(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    shutil.copy(V1, path)
    before = table_rows(path)
    assert sum(len(rows) for rows in before.values()) > 1000

    engine = open_database(resolve_target(str(path)))
    assert schema_version(engine) == CURRENT_VERSION
    engine.dispose()

    assert table_rows(path) == before
    backups = list(tmp_path.glob("old.db.v1-*.bak"))
    assert len(backups) == 1
    assert stat.S_IMODE(backups[0].stat().st_mode) == 0o600
    assert table_rows(backups[0]) == before


def test_upgrade_fills_last_contact_from_the_contact_log(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    shutil.copy(V1, path)
    engine = open_database(resolve_target(str(path)))
    with Session(engine) as session:
        for org in session.exec(select(Organisation)):
            latest = max(
                (
                    e.occurred_at
                    for e in session.exec(
                        select(ContactLogEntry).where(ContactLogEntry.organisation_id == org.id)
                    )
                ),
                default=None,
            )
            assert org.last_contact_at == latest
        assert session.exec(select(Person).where(Person.last_contact_at != None)).first()  # noqa: E711
    engine.dispose()


def test_current_database_is_not_backed_up_again(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    open_database(resolve_target(str(path))).dispose()
    open_database(resolve_target(str(path))).dispose()
    assert list(tmp_path.glob("*.bak")) == []


def schema_of(path: Path) -> dict[str, object]:
    """Tables with their columns and indexes with their columns, as SQLite reports them
    (not SQLite's own tables, such as the planner's statistics an upgrade refreshes)."""
    conn = sqlite3.connect(path)
    try:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {
            table: (
                sorted(
                    (r[1], r[2].upper(), r[3]) for r in conn.execute(f"PRAGMA table_info({table})")
                ),
                sorted(
                    (r[1], tuple(c[2] for c in conn.execute(f"PRAGMA index_info({r[1]})")))
                    for r in conn.execute(f"PRAGMA index_list({table})")
                    if not r[1].startswith("sqlite_autoindex")
                ),
            )
            for table in tables
        }
    finally:
        conn.close()


def test_upgraded_schema_equals_a_new_one(tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    shutil.copy(V1, old)
    open_database(resolve_target(str(old))).dispose()
    new = tmp_path / "new.db"
    open_database(resolve_target(str(new))).dispose()
    upgraded, fresh = schema_of(old), schema_of(new)
    assert upgraded.keys() == fresh.keys()
    for table in fresh:
        assert upgraded[table][1] == fresh[table][1], table  # the same indexes
        assert [c[0] for c in upgraded[table][0]] == [c[0] for c in fresh[table][0]], table


def test_the_same_migrations_upgrade_a_postgresql_network(blank_postgres: str) -> None:
    """A version 1 network on PostgreSQL (its tables and rows rebuilt from the version 1
    fixture) is brought to the current version by the same migration steps."""
    from datetime import UTC, datetime

    from sqlalchemy import DateTime, MetaData, create_engine, func
    from sqlalchemy import select as core_select

    old = create_engine(f"sqlite:///{V1}")
    metadata = MetaData()
    metadata.reflect(old)
    for table in metadata.tables.values():
        for column in table.columns:
            generic = column.type.as_generic()
            column.type = DateTime(timezone=True) if isinstance(generic, DateTime) else generic
    server = create_engine(blank_postgres)
    with old.connect() as read, server.begin() as write:
        metadata.create_all(write)
        # Rows in any order (the tables' foreign keys form cycles): a test-only shortcut of
        # the server's superuser; storage/copy.py orders and defers instead.
        write.exec_driver_sql("SET LOCAL session_replication_role = replica")
        for table in metadata.tables.values():
            rows = [dict(row._mapping) for row in read.execute(core_select(table))]
            for row in rows:
                for key, value in row.items():
                    if isinstance(value, datetime) and value.tzinfo is None:
                        row[key] = value.replace(tzinfo=UTC)
            if rows:
                write.execute(table.insert(), rows)
    counts = {}
    with server.connect() as conn:
        for table in metadata.tables.values():
            counts[table.name] = conn.execute(core_select(func.count()).select_from(table)).scalar()
    server.dispose()
    old.dispose()
    assert counts["person"] > 50

    engine = open_database(resolve_target(blank_postgres))
    assert schema_version(engine) == CURRENT_VERSION
    with Session(engine) as session:
        assert all(p.search_text for p in session.exec(select(Person)) if p.erased_at is None)
        assert any(o.last_contact_at is not None for o in session.exec(select(Organisation)))
    with engine.connect() as conn:
        for name, count in counts.items():
            if name != "coordinator_meta":
                assert conn.exec_driver_sql(f'SELECT COUNT(*) FROM "{name}"').scalar() == count
    engine.dispose()


def test_upgrade_fills_the_sort_names_so_lists_sort_as_a_reader_does(tmp_path: Path) -> None:
    """Version 10: every organisation and person gets a sort name (case and accents aside);
    the register's lists then put "Çelik" with the C, not after "Z"."""
    from storage.search import sort_key

    path = tmp_path / "old.db"
    shutil.copy(V1, path)
    engine = open_database(resolve_target(str(path)))
    with Session(engine) as session:
        orgs = session.exec(select(Organisation)).all()
        people = session.exec(select(Person)).all()
    engine.dispose()
    assert orgs and all(o.sort_name == sort_key(o.name) for o in orgs)
    assert people and all(p.sort_name == sort_key(p.family_name, p.given_name) for p in people)
