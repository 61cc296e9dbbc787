"""Inserting many rows at once through the driver's own executemany.

SQLAlchemy converts every bound value through its column type in Python; for a calendar
import of 100,000 invitations that costs more than SQLite's own work. Here the values are
converted the way the column types store them (storage/types.py: aware datetimes as naive
UTC text on SQLite, enums as their values) and handed to the driver in one call.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Date, Table
from sqlmodel import Session


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
    keys = list(columns) or list(rows[0])  # type: ignore[arg-type]
    unknown = [key for key in keys if key not in table.c]
    if unknown:
        raise KeyError(f"{table.name} has no column {unknown[0]!r}")
    by_column = []  # column by column: the conversions run in C (map), not per value in Python
    for position, key in enumerate(keys):
        values = [row[position if columns else key] for row in rows]  # type: ignore[index]
        by_column.append(_converted(table.c[key].type, sqlite, values))
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
