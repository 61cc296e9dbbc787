"""Plain SQL reads that run on a DB-API sqlite3 connection or on an SQLAlchemy connection.

The dashboard and the schedule are read with portable SQL (named ``:params``, no dialect
functions), so the first screen can be read through the standard library's sqlite3 before
SQLAlchemy has loaded, and the same statements run on PostgreSQL through SQLAlchemy.
Values are normalised here: times come back aware in UTC, dates as dates.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from storage.target import BUSY_TIMEOUT_MS

if TYPE_CHECKING:
    from sqlalchemy import Connection

Row = Sequence[Any]


class Rows(Protocol):
    """Runs a read statement and returns its rows as tuples."""

    def all(self, sql: str, params: Mapping[str, Any] | None = None) -> list[Row]: ...

    def scalar(self, sql: str, params: Mapping[str, Any] | None = None) -> Any: ...

    def plain(self, sql: str) -> list[Row]:
        """A statement without parameters run on the driver's own cursor, its rows as the
        driver gives them (no conversion): for reads of a whole table."""
        ...


def _sqlite_param(value: Any) -> Any:
    # The storage format SQLAlchemy's SQLite dialect writes: naive UTC text, ISO dates.
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}")
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def _expand(sql: str, params: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """Expand ``:name`` parameters holding lists into ``:name_0, :name_1, ...``."""
    flat: dict[str, Any] = {}
    for key, value in params.items():
        if isinstance(value, (list, tuple, set, frozenset)):
            names = [f"{key}_{i}" for i in range(len(value))] or [f"{key}_none"]
            values = list(value) or [None]
            sql = sql.replace(f":{key}", ", ".join(f":{n}" for n in names))
            flat.update(zip(names, values, strict=True))
        else:
            flat[key] = value
    return sql, flat


class SqliteRows:
    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    def all(self, sql: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        sql, flat = _expand(sql, params or {})
        return self.connection.execute(
            sql, {k: _sqlite_param(v) for k, v in flat.items()}
        ).fetchall()

    def scalar(self, sql: str, params: Mapping[str, Any] | None = None) -> Any:
        rows = self.all(sql, params)
        return rows[0][0] if rows else None

    def plain(self, sql: str) -> list[Row]:
        return self.connection.execute(sql).fetchall()


class AlchemyRows:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.sqlite = connection.dialect.name == "sqlite"

    def all(self, sql: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        from sqlalchemy import text

        sql, flat = _expand(sql, params or {})
        if self.sqlite:
            flat = {k: _sqlite_param(v) for k, v in flat.items()}
        else:
            flat = {k: v.value if isinstance(v, Enum) else v for k, v in flat.items()}
        return [tuple(row) for row in self.connection.execute(text(sql), flat)]

    def scalar(self, sql: str, params: Mapping[str, Any] | None = None) -> Any:
        rows = self.all(sql, params)
        return rows[0][0] if rows else None

    def plain(self, sql: str) -> list[Row]:
        cursor = self.connection.connection.cursor()
        try:
            cursor.execute(sql)
            return cursor.fetchall()
        finally:
            cursor.close()


@contextmanager
def sqlite_rows(path: Path) -> Iterator[SqliteRows]:
    """A short-lived read connection to a SQLite network file."""
    connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    try:
        connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        yield SqliteRows(connection)
    finally:
        connection.close()


def utc(value: Any) -> datetime | None:
    """A stored time, whatever the driver returned, as an aware UTC datetime."""
    if value is None:
        return None
    if isinstance(value, str):
        if len(value) > 10 and not value.endswith("Z") and value[-6] not in "+-":
            # SQLite's naive UTC text: read as UTC at once (several times faster than
            # parsing it naive and replacing the time zone; a feed reads 50,000 of them)
            return datetime.fromisoformat(value + "+00:00")
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def day(value: Any) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    return value
