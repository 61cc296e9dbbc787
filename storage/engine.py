"""The one engine factory: a database URL or SQLite path in, a ready SQLAlchemy engine out.

Opening checks what it is given before touching it: a missing folder, a file that is not
SQLite, or a SQLite file of another program is refused with a one-line message and left as it
was. A new SQLite file is created readable by its owner only (0600). An older schema is
upgraded in place after a backup copy (see storage.migrations).
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.pool import StaticPool

from storage import migrations
from storage.errors import DatabaseOpenError

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 10_000
ENV_VAR = "COORDINATOR_DB"


@dataclass(frozen=True)
class Target:
    """Where the network lives: a SQLite file, an in-memory SQLite database, or a server URL."""

    url: str
    path: Path | None = None

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    @property
    def label(self) -> str:
        return str(self.path) if self.path else _hide_password(self.url)


def _hide_password(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def default_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path("coordinator", appauthor=False) / "coordinator.db"


def resolve_target(arg: str | None, env: dict[str, str] | None = None) -> Target:
    """Choose the database: the argument, else $COORDINATOR_DB, else the user's data folder."""
    env = dict(os.environ) if env is None else env
    value = arg or env.get(ENV_VAR) or ""
    if not value:
        path = default_path()
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        return Target(f"sqlite:///{path}", path)
    if value in (":memory:", "sqlite://", "sqlite:///:memory:"):
        return Target("sqlite://")
    if value.startswith("sqlite:///"):
        value = value.removeprefix("sqlite:///")
    elif "://" in value:
        return Target(value)
    path = Path(value).expanduser().absolute()
    return Target(f"sqlite:///{path}", path)


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy emit BEGIN itself so DDL (migrations) is transactional too.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _on_sqlite_begin(conn: Any) -> None:
    # Writers take the lock at BEGIN so two writers wait for each other instead of failing
    # with "database is locked" when a read lock cannot be upgraded.
    if conn.get_execution_options().get("coordinator_write"):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")


def make_engine(target: Target) -> Engine:
    """Build an engine for the target without checking or changing the schema."""
    if target.is_sqlite:
        kwargs: dict[str, Any] = {"connect_args": {"check_same_thread": False, "timeout": 10}}
        if target.path is None:
            kwargs["poolclass"] = StaticPool
        engine = create_engine(target.url, **kwargs)
        event.listen(engine, "connect", _on_sqlite_connect)
        event.listen(engine, "begin", _on_sqlite_begin)
        return engine
    return create_engine(target.url, pool_pre_ping=True)


def _check_existing_sqlite_file(path: Path) -> None:
    """Refuse, without altering the file, anything that is not a coordinator database."""
    if not path.is_file():
        raise DatabaseOpenError("{path} is not a file", path=path)
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise DatabaseOpenError(
            "cannot read {path}: {reason}", path=path, reason=exc.strerror
        ) from None
    if header != SQLITE_HEADER:
        raise DatabaseOpenError(
            "{path} is not a coordinator database (not an SQLite file)", path=path
        )
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            conn.execute("PRAGMA quick_check(1)").fetchone()
            tables = {
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            row = None
            if "coordinator_meta" in tables:
                row = conn.execute(
                    "SELECT value FROM coordinator_meta WHERE key = 'schema_version'"
                ).fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        raise DatabaseOpenError(
            "{path} is not a coordinator database (the file is damaged)", path=path
        ) from None
    if "coordinator_meta" not in tables:
        raise DatabaseOpenError(
            "{path} is not a coordinator database (it belongs to another program)", path=path
        )
    if row is None or not str(row[0]).isdigit():
        raise DatabaseOpenError(
            "{path} is not a coordinator database (no schema version)", path=path
        )
    if int(row[0]) > migrations.CURRENT_VERSION:
        raise DatabaseOpenError(
            "{path} was made by a newer version of coordinator (schema {found}, this one knows {known})",
            path=path,
            found=row[0],
            known=migrations.CURRENT_VERSION,
        )


def _keep_private(path: Path) -> None:
    """Personal data: a network file stays readable by its owner alone (a copy or a git
    checkout may have widened its mode)."""
    try:
        if path.stat().st_mode & 0o077:
            path.chmod(0o600)
    except PermissionError:
        pass  # not our file: opening read-write fails later with its own message


def _create_private_file(path: Path) -> None:
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except OSError as exc:
        raise DatabaseOpenError(
            "cannot create {path}: {reason}", path=path, reason=exc.strerror
        ) from None
    os.close(fd)
    os.chmod(path, 0o600)


def open_database(target: Target) -> Engine:
    """Open (creating or upgrading when needed) the network database of ``target``."""
    if target.path is None:
        engine = make_engine(target)
        if target.is_sqlite:
            migrations.create_schema(engine)
            return engine
        return _open_server_database(engine, target)

    path = target.path
    if not path.parent.is_dir():
        raise DatabaseOpenError("folder {folder} does not exist", folder=path.parent)
    if path.exists():
        _check_existing_sqlite_file(path)
        _keep_private(path)
        engine = make_engine(target)
        migrations.upgrade(engine, backup_of=path)
        return engine

    _create_private_file(path)
    engine = make_engine(target)
    try:
        migrations.create_schema(engine)
    except Exception:
        engine.dispose()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        raise
    return engine


def _open_server_database(engine: Engine, target: Target) -> Engine:
    try:
        tables = set(inspect(engine).get_table_names())
    except Exception as exc:  # connection refused, bad credentials, unknown database
        engine.dispose()
        first_line = str(getattr(exc, "orig", exc)).strip().splitlines()[0:1]
        reason = first_line[0] if first_line else type(exc).__name__
        raise DatabaseOpenError(
            "cannot connect to {target}: {reason}", target=target.label, reason=reason
        ) from None
    if not tables:
        migrations.create_schema(engine)
    elif "coordinator_meta" not in tables:
        engine.dispose()
        raise DatabaseOpenError("{target} is not a coordinator database", target=target.label)
    else:
        version = migrations.schema_version(engine)
        if version > migrations.CURRENT_VERSION:
            raise DatabaseOpenError(
                "{target} was made by a newer version of coordinator (schema {found})",
                target=target.label,
                found=version,
            )
        migrations.upgrade(engine, backup_of=None)
    return engine
