"""Every row of every table, read the same way on SQLite and PostgreSQL: to prove that an
operation changed nothing (or only what it should)."""

from __future__ import annotations

from sqlalchemy import Engine, select

from storage.copy import tables


def snapshot(engine: Engine) -> list[tuple]:
    with engine.connect() as conn:
        return [
            (table.name, *row)
            for table in sorted(tables(), key=lambda table: table.name)
            for row in conn.execute(select(table).order_by(*table.primary_key.columns))
        ]
