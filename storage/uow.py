"""Unit of work: every write runs in one transaction that commits whole or not at all."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlmodel import Session

import storage.audit  # noqa: F401  (its flush hook records who changed what)


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """A session inside one write transaction: committed on success, rolled back on any error."""
    writer = engine.execution_options(coordinator_write=True)
    with Session(writer, expire_on_commit=False) as session, session.begin():
        yield session


@contextmanager
def reading(engine: Engine) -> Iterator[Session]:
    """A session for reads; nothing it does is committed. Objects it loaded stay readable
    after it closes (closing detaches them without expiring their attributes)."""
    with Session(engine, expire_on_commit=False) as session:
        yield session
