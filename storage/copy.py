"""Copying a whole network from one database to another (SQLite <-> PostgreSQL).

The target must be new or empty: it gets the current schema from the same migrations as any
database, then every table is copied in foreign-key order inside one transaction on the
target. Before that transaction commits, each table is counted and checksummed on both sides
(rows in primary-key order, values in one canonical text form), so a copy that differs in any
value is rolled back and nothing is left half-written.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import Connection, Engine, Table, bindparam, func, inspect, select, text
from sqlalchemy.sql.ddl import sort_tables
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers every table in SQLModel.metadata)
from storage.errors import DatabaseOpenError
from storage.migrations import create_tables
from storage.version import CURRENT_VERSION

BATCH = 2_000


@dataclass(frozen=True)
class TableCheck:
    name: str
    rows: int
    checksum: str


class CopyMismatch(Exception):
    """The copy differs from its source; nothing was written."""


def tables() -> list[Table]:
    """Every table, each after the tables its required foreign keys point to."""
    return [table for table, _late in _plan()]


def _plan() -> list[tuple[Table, list[str]]]:
    """Tables in insertion order, each with its "late" columns: nullable foreign keys that
    close a cycle (a task points to its agenda item and an agenda item to the task it came
    from). Those are copied as NULL first and set once every row is in."""
    all_tables = list(SQLModel.metadata.tables.values())
    refers: dict[str, set[str]] = {table.name: set() for table in all_tables}
    for table in all_tables:
        for fk in table.foreign_key_constraints:
            refers[table.name].add(fk.referred_table.name)

    def reaches(start: str, goal: str) -> bool:
        seen, todo = set(), [start]
        while todo:
            name = todo.pop()
            if name == goal:
                return True
            if name not in seen:
                seen.add(name)
                todo.extend(refers[name])
        return False

    late = {
        fk
        for table in all_tables
        for fk in table.foreign_key_constraints
        if fk.referred_table is not table
        and all(column.nullable for column in fk.columns)
        and reaches(fk.referred_table.name, table.name)
    }
    ordered = sort_tables(all_tables, skip_fn=lambda key: key.constraint in late)
    late_columns: dict[str, list[str]] = {}
    for fk in late:
        late_columns.setdefault(fk.table.name, []).extend(c.name for c in fk.columns)
    return [(table, sorted(late_columns.get(table.name, []))) for table in ordered]


def _canonical(value: Any) -> str:
    if value is None:
        return "\x00"
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC)
        return value.replace(tzinfo=None).isoformat(" ", "microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    return str(value)


def _ordered(table: Table) -> Any:
    return select(table).order_by(*table.primary_key.columns)


def _rows(conn: Connection, table: Table) -> Iterator[list[Any]]:
    result = conn.execution_options(yield_per=BATCH).execute(_ordered(table))
    for partition in result.partitions():
        yield [tuple(row) for row in partition]


def table_check(conn: Connection, table: Table) -> TableCheck:
    digest = hashlib.sha256()
    count = 0
    for batch in _rows(conn, table):
        for row in batch:
            digest.update("\x1f".join(map(_canonical, row)).encode())
            digest.update(b"\x1e")
        count += len(batch)
    return TableCheck(table.name, count, digest.hexdigest())


def network_checks(engine: Engine) -> list[TableCheck]:
    """Row counts and checksums of every table (the schema version row excluded from none)."""
    with engine.connect() as conn:
        return [table_check(conn, table) for table in tables()]


def _empty(conn: Connection) -> bool:
    for table in tables():
        if table.name == "coordinator_meta":
            continue
        if conn.execute(select(func.count()).select_from(table)).scalar_one():
            return False
    return True


def _hold_back(
    table: Table,
    late: list[str],
    rows: list[dict[str, Any]],
    deferred: list[tuple[Table, list[str], list[dict[str, Any]]]],
) -> None:
    """Blank the late columns of ``rows`` and remember their values for an update."""
    values = []
    for row in rows:
        if any(row[name] is not None for name in late):
            entry = {f"pk_{column.name}": row[column.name] for column in table.primary_key.columns}
            entry.update({f"late_{name}": row[name] for name in late})
            values.append(entry)
            for name in late:
                row[name] = None
    if values:
        deferred.append((table, late, values))


def _label(engine: Engine) -> str:
    if engine.dialect.name == "sqlite":
        return engine.url.database or ":memory:"
    return engine.url.render_as_string(hide_password=True)


def _check_source(read: Connection, source: Engine) -> None:
    label = _label(source)
    if "coordinator_meta" not in inspect(read).get_table_names():
        raise DatabaseOpenError("{target} is not a coordinator database", target=label)
    version = read.execute(
        text("SELECT value FROM coordinator_meta WHERE key = 'schema_version'")
    ).scalar()
    if str(version) != str(CURRENT_VERSION):
        raise DatabaseOpenError(
            "{target} has schema {found}, not {known}: open it once to upgrade it",
            target=label,
            found=version,
            known=CURRENT_VERSION,
        )


def _prepare_target(write: Connection, target: Engine) -> None:
    """The target gets the current schema inside the copy's transaction (so a failed copy
    leaves no tables behind), or must be an empty network of the current version."""
    label = _label(target)
    names = set(inspect(write).get_table_names())
    if not names:
        create_tables(write)
        return
    if "coordinator_meta" not in names:
        raise DatabaseOpenError("{target} is not a coordinator database", target=label)
    version = write.execute(
        text("SELECT value FROM coordinator_meta WHERE key = 'schema_version'")
    ).scalar()
    if str(version) != str(CURRENT_VERSION) or not _empty(write):
        raise DatabaseOpenError("{target} already holds a network", target=label)


def _reset_sequences(conn: Connection) -> None:
    """PostgreSQL hands out ids from sequences: start them after the copied rows."""
    if conn.dialect.name != "postgresql":
        return
    for table in tables():
        if "id" not in table.c or not table.c.id.primary_key or len(table.primary_key) != 1:
            continue
        sequence = conn.execute(
            text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table.name}
        ).scalar()
        if sequence:
            conn.execute(
                text(
                    f'SELECT setval(:s, COALESCE((SELECT MAX(id) FROM "{table.name}"), 0) + 1, false)'
                ),
                {"s": sequence},
            )


def copy_network(
    source: Engine, target: Engine, progress: Callable[[str, int], None] | None = None
) -> list[TableCheck]:
    """Copy every row of ``source`` into the empty network ``target`` and verify it.

    Raises DatabaseOpenError when the target already holds data, CopyMismatch when a table
    differs after the copy (the target's transaction is then rolled back)."""
    source_checks: list[TableCheck] = []
    writer = target.execution_options(coordinator_write=True)
    reader = source
    if source.dialect.name == "postgresql":  # one snapshot of the whole source
        reader = source.execution_options(isolation_level="REPEATABLE READ")
    with reader.connect() as read, writer.begin() as write:
        _check_source(read, source)
        _prepare_target(write, target)
        deferred: list[tuple[Table, list[str], list[dict[str, Any]]]] = []
        for table, late in _plan():
            if table.name == "coordinator_meta":
                write.execute(table.delete())
            keys = table.c.keys()
            copied = 0
            for batch in _rows(read, table):
                rows = [dict(zip(keys, row, strict=True)) for row in batch]
                if late:
                    _hold_back(table, late, rows, deferred)
                write.execute(table.insert(), rows)
                copied += len(batch)
                if progress:
                    progress(table.name, copied)
            source_checks.append(table_check(read, table))
        for table, late, values in deferred:
            key = table.primary_key.columns
            statement = (
                table.update()
                .where(*(column == bindparam(f"pk_{column.name}") for column in key))
                .values({name: bindparam(f"late_{name}") for name in late})
            )
            write.execute(statement, values)
        _reset_sequences(write)
        for expected in source_checks:
            found = table_check(write, SQLModel.metadata.tables[expected.name])
            if found != expected:
                raise CopyMismatch(
                    f"{expected.name}: {expected.rows} rows in the source, {found.rows} copied"
                    + ("" if found.rows != expected.rows else ", values differ")
                )
    return source_checks
