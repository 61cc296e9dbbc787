"""Where the network lives, and the checks made before a file is touched.

Nothing here imports SQLAlchemy: the entry point can check a SQLite file and read its schema
version with the standard library alone, so the first screen shows without waiting for the
database toolkit to load.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from storage.errors import DatabaseOpenError
from storage.version import CURRENT_VERSION

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 10_000
ENV_VAR = "COORDINATOR_DB"


@dataclass(frozen=True)
class Target:
    """A SQLite file, an in-memory SQLite database, or a server URL."""

    url: str
    path: Path | None = None

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    @property
    def label(self) -> str:
        return str(self.path) if self.path else _hide_password(self.url)


def _hide_password(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    credentials, at, host = rest.rpartition("@")
    if not sep or not at or ":" not in credentials:
        return url
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}"


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
        scheme, rest = value.split("://", 1)
        if scheme in ("postgresql", "postgres"):  # the driver that is installed: psycopg 3
            value = f"postgresql+psycopg://{rest}"
        return Target(value)
    path = Path(value).expanduser().absolute()
    return Target(f"sqlite:///{path}", path)


BLANK = 0  # the "version" of a file that holds no table yet: the schema is made in it


def check_writable(path: Path) -> None:
    """coordinator writes to the network file and, beside it, SQLite's write-ahead log: a
    read-only file, folder or file system is refused before SQLite meets it (it would fail
    later, on the first write or already on opening, with a misleading message)."""
    if not os.access(path, os.W_OK):
        raise DatabaseOpenError(
            "{path} is read-only: coordinator needs to write to it (ask its owner, or work on a copy)",
            path=path,
        )
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise DatabaseOpenError(
            "the folder {folder} is read-only: coordinator keeps the database's write-ahead "
            "log beside it (move the file to a folder you can write to)",
            folder=path.parent,
        )


def check_sqlite_file(path: Path) -> int:
    """The schema version of an existing coordinator database file (BLANK for an empty file
    or an SQLite file without tables); anything else is refused with a one-line message, and
    the file is not altered (it is opened read-only)."""
    if not path.is_file():
        raise DatabaseOpenError("{path} is not a file", path=path)
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise DatabaseOpenError(
            "cannot read {path}: {reason}", path=path, reason=exc.strerror
        ) from None
    if header == b"":
        check_writable(path)
        return BLANK  # made and left empty (a creation or migrate-db that was killed)
    if header != SQLITE_HEADER:
        raise DatabaseOpenError(
            "{path} is not a coordinator database (not an SQLite file)", path=path
        )
    check_writable(path)
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            objects = conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0]
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
    if not objects:
        return BLANK  # an SQLite file without a single table: nothing to lose in it
    if "coordinator_meta" not in tables:
        raise DatabaseOpenError(
            "{path} is not a coordinator database (it belongs to another program)", path=path
        )
    if row is None or not str(row[0]).isdigit():
        raise DatabaseOpenError(
            "{path} is not a coordinator database (no schema version)", path=path
        )
    version = int(row[0])
    if version > CURRENT_VERSION:
        raise DatabaseOpenError(
            "{path} was made by a newer version of coordinator (schema {found}, this one knows {known})",
            path=path,
            found=version,
            known=CURRENT_VERSION,
        )
    return version


def keep_private(path: Path) -> None:
    """Personal data: a network file stays readable by its owner alone (a copy or a git
    checkout may have widened its mode)."""
    try:
        if path.stat().st_mode & 0o077:
            path.chmod(0o600)
    except PermissionError:
        pass  # not our file: opening read-write fails later with its own message


def create_private_file(path: Path) -> bool:
    """Make a new, empty file readable by its owner only. False when another process made
    it first (it is then opened like any existing file)."""
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return False
    except OSError as exc:
        if exc.errno in (errno.EACCES, errno.EROFS, errno.EPERM):
            raise DatabaseOpenError(
                "the folder {folder} is read-only: cannot create {path} there",
                folder=path.parent,
                path=path.name,
            ) from None
        raise DatabaseOpenError(
            "cannot create {path}: {reason}", path=path, reason=exc.strerror
        ) from None
    os.close(fd)
    os.chmod(path, 0o600)
    return True


def is_ready_sqlite_file(target: Target) -> bool:
    """True when ``target`` is an existing coordinator file at the current schema version:
    it can be read at once, and the engine can be made later. Raises DatabaseOpenError for a
    file that is not a coordinator database or a folder that does not exist."""
    path = target.path
    if path is None:
        return False
    if not path.parent.is_dir():
        raise DatabaseOpenError("folder {folder} does not exist", folder=path.parent)
    if not path.exists():
        return False
    version = check_sqlite_file(path)
    keep_private(path)
    return version == CURRENT_VERSION
