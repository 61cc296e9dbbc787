"""Inserting many rows at once, bypassing SQLAlchemy's per-value work.

SQLAlchemy converts every bound value through its column type in Python; for a calendar
import of 100,000 invitations that costs more than SQLite's own work. Here the values are
converted the way the column types store them (storage/types.py: aware datetimes as naive
UTC text on SQLite, enums as their values) and handed to the driver in one call:
``insert_rows`` at once through the driver's executemany, ``BulkWriter`` (below) on SQLite
in statements of thousands of rows, written by a thread of its own while the caller
goes on.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from itertools import chain
from operator import itemgetter
from typing import Any

from sqlalchemy import Date, Table, text
from sqlmodel import Session

_MAX_VARIABLES = 30_000  # parameters per statement (SQLite's default limit is 32,766)
_SQLITE_VARIABLES = sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER


def _stored_moment(value: datetime | None, sqlite: bool) -> Any:
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value!r}: store aware datetimes only")
    utc = value.astimezone(UTC)
    return utc.replace(tzinfo=None).isoformat(" ", "microseconds") if sqlite else utc


def _converted(column_type: Any, sqlite: bool, values: list[Any]) -> list[Any]:
    """A column's values as the driver takes them. Each distinct value is converted once
    and the column is mapped in C: a batch repeats the same few times and states."""
    from storage.types import StrEnumType, UTCDateTime

    if isinstance(column_type, UTCDateTime):
        table = {value: _stored_moment(value, sqlite) for value in set(values)}
    elif isinstance(column_type, StrEnumType):
        members = {member: str(member) for member in column_type.enum_cls}
        table = {value: None if value is None else members[value] for value in set(values)}
    elif sqlite and isinstance(column_type, Date):
        table = {value: None if value is None else value.isoformat() for value in set(values)}
    else:
        return values
    return list(map(table.__getitem__, values))


def _columns(
    table: Table,
    rows: Sequence[dict[str, Any]] | Sequence[tuple[Any, ...]],
    columns: Sequence[str],
    *,
    sqlite: bool,
) -> tuple[list[str], list[list[Any]]]:
    """The column names and, column by column, the values of ``rows`` (not empty) as the
    driver takes them (the conversions run in C, by map, not per value in Python)."""
    keys = list(columns) or list(rows[0])  # type: ignore[arg-type]
    unknown = [key for key in keys if key not in table.c]
    if unknown:
        raise KeyError(f"{table.name} has no column {unknown[0]!r}")
    if columns:  # tuples: turned into columns by zip, in C
        plain: list[Any] = list(zip(*rows, strict=True))
    else:
        plain = [list(map(itemgetter(key), rows)) for key in keys]
    types = [table.c[key].type for key in keys]
    return keys, [
        _converted(kind, sqlite, list(values)) for kind, values in zip(types, plain, strict=True)
    ]


def insert_rows(
    session: Session,
    table: Table,
    rows: Sequence[dict[str, Any]] | Sequence[tuple[Any, ...]],
    *,
    columns: Sequence[str] = (),
) -> None:
    """Insert ``rows`` in the session's transaction: dicts with the same keys, naming columns
    of ``table``, or tuples in the order of ``columns``."""
    if not rows:
        return
    connection = session.connection()
    sqlite = connection.dialect.name == "sqlite"
    keys, by_column = _columns(table, rows, columns, sqlite=sqlite)
    names = ", ".join(f'"{key}"' for key in keys)
    marks = ", ".join(("?" if sqlite else "%s") for _key in keys)
    cursor = connection.connection.cursor()
    try:
        cursor.executemany(
            f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})',
            list(zip(*by_column, strict=True)),
        )
    finally:
        cursor.close()


class BulkWriter:
    """New rows for several tables, written in the order given inside the session's
    transaction, with ids the caller takes from ``ids``/``next_id`` (so rows can point at rows
    not written yet, and nothing has to be read back). On SQLite those ids are kept free only
    from rows written through this writer: add no rows to the same tables through the
    session meanwhile.

    On SQLite a batch is written as a few statements of thousands of rows each (``INSERT ...
    VALUES (...), (...), ...``) by one thread of its own: SQLite works through a statement
    without holding Python's GIL, so the caller prepares the next batch meanwhile (on two
    cores most of a calendar import's database work then costs no extra time; executemany
    would need the GIL back after every row). The caller must not use the session until
    ``finish``, which waits for every batch and raises the first error (the transaction then
    rolls back as usual; ``close`` waits without raising, for the way out after an error
    elsewhere). Other databases get each batch at once through the driver's executemany."""

    def __init__(self, session: Session) -> None:
        self.session = session
        connection = session.connection()
        self.sqlite = connection.dialect.name == "sqlite"
        self._dbapi = connection.connection.dbapi_connection
        self._variables = _MAX_VARIABLES
        if self.sqlite:  # SQLite before 3.32 allowed 999 parameters per statement
            self._variables = min(_MAX_VARIABLES, self._dbapi.getlimit(_SQLITE_VARIABLES))
        self._next: dict[str, int] = {}  # SQLite: the next free id per table
        self._spare: dict[str, list[int]] = {}  # ids taken by next_id, not handed out yet
        self._thread = ThreadPoolExecutor(1, "bulk-writer") if self.sqlite else None
        self._pending: list[Future[None]] = []
        self._failed = False

    def ids(self, table: Table, count: int) -> list[int]:
        """``count`` ids for new rows of ``table``, unused by anyone else."""
        if count <= 0:
            return []
        if not self.sqlite:  # the table's own sequence: safe beside other coordinators
            found = self.session.execute(
                text(f"SELECT nextval(pg_get_serial_sequence('\"{table.name}\"', 'id')) "
                     "FROM generate_series(1, :count)"),
                {"count": count},
            )  # fmt: skip
            return [row[0] for row in found]
        first = self._next.get(table.name)
        if first is None:  # the write transaction holds SQLite's lock: max + 1 stays free
            found = self.session.execute(text(f'SELECT max(id) FROM "{table.name}"')).scalar()
            first = (found or 0) + 1
        self._next[table.name] = first + count
        return list(range(first, first + count))

    def next_id(self, table: Table) -> int:
        """One id for a new row (taken a thousand at a time: one query per thousand rows)."""
        spare = self._spare.get(table.name)
        if not spare:
            spare = self._spare[table.name] = self.ids(table, 1000)[::-1]
        return spare.pop()

    def insert(
        self,
        table: Table,
        rows: Sequence[dict[str, Any]] | Sequence[tuple[Any, ...]],
        *,
        columns: Sequence[str] = (),
    ) -> None:
        """Write ``rows`` (as for ``insert_rows``) after the batches given before."""
        if not rows:
            return
        if self._thread is None:
            insert_rows(self.session, table, rows, columns=columns)
            return
        keys, by_column = _columns(table, rows, columns, sqlite=True)
        values = list(zip(*by_column, strict=True))
        per = max(1, self._variables // len(keys))  # rows per statement
        one = "(" + ", ".join("?" * len(keys)) + ")"
        names = ", ".join(f'"{key}"' for key in keys)
        head = f'INSERT INTO "{table.name}" ({names}) VALUES '
        for start in range(0, len(values), per):
            chunk = values[start : start + per]
            sql = head + ", ".join([one] * len(chunk))
            flat = list(chain.from_iterable(chunk))
            self._pending.append(self._thread.submit(self._run, sql, flat))

    def _run(self, sql: str, values: list[Any]) -> None:
        if self._failed:
            return  # an earlier batch failed: the transaction is lost anyway
        cursor = self._dbapi.cursor()
        try:
            cursor.execute(sql, values)
        except BaseException:
            self._failed = True
            raise
        finally:
            cursor.close()

    def finish(self) -> None:
        """Wait for every batch; raise the first error."""
        try:
            for job in self._pending:
                job.result()
        finally:
            self.close()

    def close(self) -> None:
        """Wait for the batches given so far (after an error elsewhere: before rolling back)."""
        if self._thread is not None:
            self._thread.shutdown(wait=True)
            self._thread = None
