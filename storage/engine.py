"""The one engine factory: a database URL or SQLite path in, a ready SQLAlchemy engine out.

Opening checks what it is given before touching it: a missing folder, a file that is not
SQLite, or a SQLite file of another program is refused with a one-line message and left as it
was. A new SQLite file is created readable by its owner only (0600). An older schema is
upgraded in place after a backup copy (see storage.migrations).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.pool import StaticPool

from storage import migrations
from storage.errors import DatabaseOpenError, is_busy
from storage.target import (
    BLANK,
    BUSY_TIMEOUT_MS,
    Target,
    check_sqlite_file,
    create_private_file,
    keep_private,
    resolve_target,
)

__all__ = ["Target", "make_engine", "open_database", "resolve_target"]


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy emit BEGIN itself so DDL (migrations) is transactional too.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Deleted and overwritten content is zeroed, not left in free pages: an erased person's
    # data must not stay in the file (GDPR).
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


@dataclass(frozen=True)
class Waiting:
    """How a writer waits for another writer's lock on SQLite (one writer at a time): quietly
    for ``quiet_ms``, then it calls ``notice()`` once (say that it waits) and waits up to
    ``patience_ms`` more before the write is refused as busy. PostgreSQL writers lock rows,
    not the database, and need none of it."""

    notice: Callable[[], None]
    patience_ms: int = 60_000
    quiet_ms: int = 500


def waiting_visibly(engine: Engine, waiting: Waiting) -> Engine:
    """The engine whose writers wait as ``waiting`` says."""
    return engine.execution_options(coordinator_wait=waiting)


def _on_sqlite_begin(conn: Any) -> None:
    # Writers take the lock at BEGIN so two writers wait for each other instead of failing
    # with "database is locked" when a read lock cannot be upgraded.
    options = conn.get_execution_options()
    if not options.get("coordinator_write"):
        conn.exec_driver_sql("BEGIN")
        return
    waiting: Waiting | None = options.get("coordinator_wait")
    if waiting is None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
        return
    raw = conn.connection.driver_connection
    raw.execute(f"PRAGMA busy_timeout={waiting.quiet_ms}")
    try:
        try:
            raw.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if not is_busy(exc):
                raise
            waiting.notice()
            raw.execute(f"PRAGMA busy_timeout={waiting.patience_ms}")
            raw.execute("BEGIN IMMEDIATE")
    finally:
        raw.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


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
    try:
        return create_engine(target.url, pool_pre_ping=True)
    except (ImportError, NoSuchModuleError, ArgumentError) as exc:
        raise DatabaseOpenError(
            "cannot use {target}: {reason}", target=target.label, reason=str(exc).splitlines()[0]
        ) from None


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
    # A new file is made empty and exclusively (a second process making it at the same
    # moment opens the one that won); the schema is then made in one transaction, so a
    # kill at any point leaves either no file, an empty one or a whole database, and an
    # empty one is filled on the next open.
    created = not path.exists() and create_private_file(path)
    version = check_sqlite_file(path)
    keep_private(path)
    engine = make_engine(target)
    try:
        if version == BLANK:
            migrations.create_schema(engine)
        else:
            migrations.upgrade(engine, backup_of=path)
    except Exception:
        engine.dispose()
        if created and _still_blank(path):  # ours and empty: leave no file behind
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        raise
    return engine


def _still_blank(path: Path) -> bool:
    """Whether a file holds no table yet (another process may have filled it meanwhile)."""
    try:
        return check_sqlite_file(path) == BLANK
    except DatabaseOpenError:
        return False


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


def flush_journal(engine: Engine, *, attempts: int = 20) -> bool:
    """On SQLite, move the write-ahead log into the database file and empty it, so values
    just erased survive in neither (the log keeps old pages until a checkpoint). Another
    coordinator's open read can hold it up: it is tried again for a few seconds. True when
    the log is empty; always True on a server."""
    if engine.dialect.name != "sqlite":
        return True
    import time

    for _attempt in range(attempts):
        with engine.connect() as conn:
            busy, _log, _done = conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
        if not busy:
            return True
        time.sleep(0.25)
    return False


def optimize(engine: Engine) -> None:
    """Let the database refresh its query statistics where they are stale (SQLite's
    recommended PRAGMA optimize, run when a session of work ends): without them the planner
    may scan a large index in order instead of using a selective one."""
    if engine.dialect.name != "sqlite":
        return  # PostgreSQL's autovacuum keeps its statistics
    # Best effort, never a failure: another coordinator writing now (the file locked), a
    # read-only file or folder, or a full disk only postpone it to the next session.
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA busy_timeout=200")
            conn.exec_driver_sql("PRAGMA optimize")
            conn.exec_driver_sql(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    except Exception:  # sqlite3.OperationalError behind SQLAlchemy's wrapper, or a lost file
        return
