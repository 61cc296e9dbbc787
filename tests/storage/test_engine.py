"""Opening and creating network databases: the file checks, pragmas and permissions."""

from __future__ import annotations

import hashlib
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from storage import target as target_module
from storage.engine import open_database, resolve_target
from storage.errors import DatabaseOpenError
from storage.migrations import CURRENT_VERSION, schema_version


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def sqlite_engine(db_path: Path) -> Iterator[Engine]:
    """These tests are about SQLite files, whatever database the suite runs on."""
    engine = open_database(resolve_target(str(db_path)))
    yield engine
    engine.dispose()


def test_new_database_file_is_private(sqlite_engine: Engine, db_path: Path) -> None:
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
    assert schema_version(sqlite_engine) == CURRENT_VERSION


def test_sqlite_connections_use_wal_foreign_keys_and_busy_timeout(sqlite_engine: Engine) -> None:
    with sqlite_engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def test_opening_an_existing_database_narrows_a_widened_mode(
    sqlite_engine: Engine, db_path: Path
) -> None:
    sqlite_engine.dispose()
    db_path.chmod(0o644)
    open_database(resolve_target(str(db_path))).dispose()
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600


def test_missing_folder_is_refused_and_nothing_created(tmp_path: Path) -> None:
    target = tmp_path / "nowhere" / "network.db"
    with pytest.raises(DatabaseOpenError, match="does not exist"):
        open_database(resolve_target(str(target)))
    assert not target.parent.exists()


@pytest.mark.parametrize(
    "content",
    [b"name;email\nAnna;anna@example.org\n", b"SQLite format 3\x00" + b"\xff" * 4000],
    ids=["csv", "corrupt-sqlite"],
)
def test_a_file_that_is_not_a_network_is_refused_unchanged(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "other.db"
    path.write_bytes(content)
    before = digest(path)
    with pytest.raises(DatabaseOpenError, match="not a coordinator database"):
        open_database(resolve_target(str(path)))
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.db"]


@pytest.mark.parametrize("kind", ["empty file", "sqlite without tables"])
def test_a_file_that_holds_nothing_yet_becomes_the_network(tmp_path: Path, kind: str) -> None:
    """What a creation or migrate-db killed early leaves behind: nothing to lose in it."""
    path = tmp_path / "network.db"
    path.touch()
    if kind != "empty file":
        sqlite3.connect(path).execute("PRAGMA user_version = 0").connection.close()
        with sqlite3.connect(path) as conn:
            conn.execute("CREATE TABLE t (x)")
            conn.execute("DROP TABLE t")  # a header and an empty schema
    engine = open_database(resolve_target(str(path)))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM person")).scalar() == 0
    engine.dispose()


def test_another_programs_sqlite_database_is_refused_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "firefox.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
    conn.execute("INSERT INTO moz_places (url) VALUES ('https://example.org')")
    conn.commit()
    conn.close()
    before = digest(path)
    with pytest.raises(DatabaseOpenError, match="another program"):
        open_database(resolve_target(str(path)))
    assert digest(path) == before


def test_a_database_from_a_newer_version_is_refused(engine: Engine, db_url: str) -> None:
    with engine.begin() as conn:
        conn.execute(text("UPDATE coordinator_meta SET value = '99' WHERE key = 'schema_version'"))
    engine.dispose()
    with pytest.raises(DatabaseOpenError, match="newer version"):
        open_database(resolve_target(db_url))


def test_target_comes_from_argument_then_environment_then_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert resolve_target("x.db", {"COORDINATOR_DB": "y.db"}).path == Path("x.db").absolute()
    assert resolve_target(None, {"COORDINATOR_DB": "y.db"}).path == Path("y.db").absolute()
    server = resolve_target(None, {"COORDINATOR_DB": "postgresql://u:secret@host/net"})
    assert server.path is None and "secret" not in server.label
    monkeypatch.setattr(target_module, "default_path", lambda: tmp_path / "data" / "coordinator.db")
    chosen = resolve_target(None, {})
    assert chosen.path == tmp_path / "data" / "coordinator.db"
    assert chosen.path.parent.is_dir()


def test_in_memory_database_for_scripts_and_tests() -> None:
    engine = open_database(resolve_target(":memory:"))
    assert schema_version(engine) == CURRENT_VERSION


def test_a_plain_postgresql_url_uses_the_installed_driver() -> None:
    for url in ("postgresql://anna@db.example.org/netz", "postgres://anna@db.example.org/netz"):
        assert resolve_target(url, env={}).url == "postgresql+psycopg://anna@db.example.org/netz"
    assert resolve_target("postgresql+psycopg://a@b/c", env={}).url == "postgresql+psycopg://a@b/c"
    assert resolve_target(None, env={"COORDINATOR_DB": "postgresql://a@b/c"}).is_sqlite is False


def test_optimize_at_exit_never_fails_a_command(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """PRAGMA optimize failed under concurrent writers ('database is locked') and turned
    finished commands into tracebacks with exit status 1: it is maintenance, best effort."""
    import sqlite3

    from sqlalchemy.exc import OperationalError

    from storage.engine import optimize

    engine = open_database(resolve_target(str(tmp_path / "n.db")))

    def locked(*_a, **_k):  # type: ignore[no-untyped-def]
        raise OperationalError(
            "PRAGMA optimize", {}, sqlite3.OperationalError("database is locked")
        )

    monkeypatch.setattr(engine, "connect", locked)
    optimize(engine)  # no exception
    engine.dispose()
