"""Errors the storage layer reports to the user in one line.

Storage knows nothing of translation: an error carries an English message template and its
values; the entry point translates the template (the catalogs extract these templates).
"""

from typing import Any


class DatabaseOpenError(Exception):
    """The database cannot be opened or created; the message is meant for the user."""

    def __init__(self, template: str, **params: Any) -> None:
        self.template = template
        self.params = params
        super().__init__(template.format(**params))


def is_busy(error: BaseException) -> bool:
    """The database was locked by another writer past the wait (SQLite's busy timeout, or
    PostgreSQL's lock or serialization conflict): the step did nothing and can be tried
    again."""
    text = str(getattr(error, "orig", None) or error).lower()
    return any(
        words in text
        for words in ("database is locked", "database table is locked", "could not serialize",
                      "deadlock detected", "lock timeout", "canceling statement due to lock")
    )  # fmt: skip


def is_disk_full(error: BaseException) -> bool:
    """The database could not grow: the disk (or the user's quota) is full. The transaction
    was rolled back; nothing changed."""
    text = str(getattr(error, "orig", None) or error).lower()
    return any(
        words in text
        for words in ("database or disk is full", "no space left on device",
                      "could not extend file", "disk quota exceeded")
    )  # fmt: skip
