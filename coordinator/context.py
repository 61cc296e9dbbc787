"""What the entry points hand down to screens: the database, the clock and a label.

The SQLAlchemy engine is made on first use: the dashboard of a SQLite network is read through
the standard library's sqlite3 (storage/rows.py), so the first screen does not wait for the
database toolkit to load; the app warms the engine up after the first paint.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from storage.rows import AlchemyRows, Rows, sqlite_rows
from storage.target import Target

if TYPE_CHECKING:
    from sqlalchemy import Engine


def system_clock() -> datetime:
    return datetime.now(UTC)


class Context:
    def __init__(
        self,
        engine: Engine | None = None,
        label: str = "",
        clock: Callable[[], datetime] = system_clock,
        *,
        target: Target | None = None,
        actor: str | None = None,
    ) -> None:
        if engine is None and target is None:
            raise ValueError("a Context needs an engine or a target")
        self._target = target
        self.actor = actor  # who this session's changes are recorded under (else the process's)
        # This session's writes, in PostgreSQL's notifications: its own screens ignore them.
        self.session_token = f"{os.getpid()}-{id(self):x}"
        self._engine = self._as_actor(engine) if engine is not None else None
        self._lock = threading.Lock()
        self.label = label or (target.label if target else "")
        self.clock = clock

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine, made (once) on first use."""
        with self._lock:
            if self._engine is None:
                from storage.engine import make_engine

                assert self._target is not None
                self._engine = self._as_actor(make_engine(self._target))
            return self._engine

    def _as_actor(self, engine: Engine) -> Engine:
        options = {"coordinator_session": self.session_token}
        if self.actor:
            options["coordinator_actor"] = self.actor
        return engine.execution_options(**options)

    @property
    def on_server(self) -> bool:
        """A PostgreSQL network (other coordinators' changes arrive as notifications)."""
        if self._engine is not None:
            return self._engine.dialect.name == "postgresql"
        return self._target is not None and self._target.url.startswith("postgresql")

    @property
    def engine_ready(self) -> bool:
        return self._engine is not None

    def now(self) -> datetime:
        return self.clock()

    def today(self) -> date:
        """The coordinator's date now: in the local time zone of this computer (at half past
        midnight in Berlin it is already tomorrow there, not yet in UTC)."""
        return self.clock().astimezone().date()

    @contextmanager
    def rows(self) -> Iterator[Rows]:
        """A read connection for one operation: sqlite3 until the engine exists."""
        if self._engine is None and self._target is not None and self._target.path is not None:
            with sqlite_rows(self._target.path) as rows:
                yield rows
            return
        with self.engine.connect() as connection:
            yield AlchemyRows(connection)

    def dispose(self) -> None:
        if self._engine is not None:
            from storage.engine import optimize

            optimize(self._engine)
            self._engine.dispose()
