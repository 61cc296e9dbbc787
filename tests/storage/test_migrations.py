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
    """Tables with their columns and indexes with their columns, as SQLite reports them."""
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
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
