"""Noticing changes made by other coordinators, so the open screen can refresh.

On PostgreSQL every write transaction sends a NOTIFY (storage/audit.py) and ``listen`` waits
for them on a connection of its own; on SQLite, ``ChangePoller.changed`` reads the ids of the
audit entries newer than the last one seen (an indexed read, meant to run every few seconds)
and leaves out those this session wrote itself. Both ignore the session's own changes: its
screens show them already, and a refresh would move the cursor the user is working with.
"""

from __future__ import annotations

from collections.abc import Callable

from coordinator.context import Context
from storage.rows import Rows


def latest_id(rows: Rows) -> int:
    """The newest audit entry's id (read through sqlite3 until the engine exists)."""
    return int(rows.scalar("SELECT MAX(id) FROM audit_log") or 0)


class ChangePoller:
    def __init__(self, context: Context) -> None:
        self.context = context
        self.seen: int | None = None

    def changed(self) -> bool:
        """True when another session wrote entries since the last call (not on the first
        call, which notes where the trail stands)."""
        with self.context.rows() as rows:
            if self.seen is None:
                self.seen = latest_id(rows)
                return False
            found = rows.all("SELECT id FROM audit_log WHERE id > :seen", {"seen": self.seen})
        ids = {int(row[0]) for row in found}
        if not ids:
            return False
        from storage.audit import take_own  # (SQLAlchemy: not before the first screen)

        self.seen = max(ids)
        return bool(ids - take_own(self.context.session_token, self.seen))


def listen(
    context: Context,
    stop: Callable[[], bool],
    changed: Callable[[str], None],
    *,
    catch_up: bool = False,
) -> None:
    """Call ``changed(actor)`` for each transaction another process commits, until
    ``stop()`` says so (asked every second); raises when the connection is lost. With
    ``catch_up`` (listening again after a lost connection) ``changed("")`` is called once
    when listening starts: what was missed meanwhile is shown."""
    import psycopg

    from storage.audit import CHANNEL

    url = context.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f"LISTEN {CHANNEL}")
        if catch_up:
            changed("")
        while not stop():
            for note in connection.notifies(timeout=1.0):
                token, _sep, actor = note.payload.partition("\t")
                if token != context.session_token:
                    changed(actor)
                if stop():
                    break
