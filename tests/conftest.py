"""Shared fixtures: temporary databases, a copy of sample.db, a frozen clock.

With ``COORDINATOR_TEST_DB`` set to a PostgreSQL URL (its maintenance database, e.g.
``postgresql+psycopg://coordinator@127.0.0.1:54329/postgres``), the database fixtures
(``engine``, ``sample_engine``, ``sample_context``, ``sample_db``) hand out a fresh
PostgreSQL database per test instead of a SQLite file: made from a template holding the
empty schema, or the sample network copied there once by ``storage.copy``. Tests about
SQLite files themselves keep using files (``db_path``, ``sample_copy``).
"""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, make_url, text

from coordinator.context import Context
from coordinator.i18n import set_language
from storage.engine import open_database, resolve_target

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DB = ROOT / "sample.db"
FIXTURES = Path(__file__).parent / "fixtures"
# A fixed "now" for tests on the sample network: a Sunday morning in Berlin.
FROZEN_NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    set_language("en")
    yield
    set_language("en")


SERVER_URL = os.environ.get("COORDINATOR_TEST_DB", "")
ON_POSTGRES = SERVER_URL.startswith("postgresql")
# A PostgreSQL server for the tests that copy between SQLite and PostgreSQL, in either run.
PG_URL = SERVER_URL if ON_POSTGRES else os.environ.get("COORDINATOR_TEST_PG", "")


class Server:
    """A PostgreSQL server for the tests: templates made once, a database per test."""

    def __init__(self, url: str) -> None:
        self.url = make_url(url)
        self.admin = create_engine(self.url, isolation_level="AUTOCOMMIT")
        self.prefix = f"coordtest_{os.getpid()}"
        self.numbers = itertools.count()

    def url_of(self, name: str) -> str:
        return self.url.set(database=name).render_as_string(hide_password=False)

    def create(self, name: str, template: str | None = None) -> str:
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            clause = f' TEMPLATE "{template}"' if template else ""
            conn.execute(text(f'CREATE DATABASE "{name}"{clause}'))
        return self.url_of(name)

    def drop(self, name: str) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def new_database(self, template: str) -> tuple[str, str]:
        name = f"{self.prefix}_{next(self.numbers)}"
        return name, self.create(name, f"{self.prefix}_{template}")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[Server | None]:
    if not ON_POSTGRES:
        yield None
        return
    from storage.copy import copy_network
    from storage.engine import make_engine

    server = Server(SERVER_URL)
    empty = server.create(f"{server.prefix}_empty")
    open_database(resolve_target(empty)).dispose()
    sample = server.create(f"{server.prefix}_sample")
    source = open_database(resolve_target(str(SAMPLE_DB)))
    target = make_engine(resolve_target(sample))
    copy_network(source, target)
    source.dispose()
    target.dispose()
    yield server
    for template in ("empty", "sample"):
        server.drop(f"{server.prefix}_{template}")
    server.admin.dispose()


@pytest.fixture
def blank_postgres() -> Iterator[str]:
    """The URL of a new PostgreSQL database without tables (skipped without a server)."""
    if not PG_URL:
        pytest.skip("no PostgreSQL server (set COORDINATOR_TEST_PG or COORDINATOR_TEST_DB)")
    server = Server(PG_URL)
    name = f"{server.prefix}_blank_{next(BLANKS)}"
    url = server.create(name)
    yield url
    server.drop(name)
    server.admin.dispose()


BLANKS = itertools.count()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "network.db"


def _database(pg_server: Server | None, template: str, file: Path) -> Iterator[str]:
    """A fresh database: a file on SQLite, a database from a template on PostgreSQL."""
    if pg_server is None:
        yield str(file)
        return
    name, url = pg_server.new_database(template)
    yield url
    pg_server.drop(name)


@pytest.fixture
def db_url(pg_server: Server | None, db_path: Path) -> Iterator[str]:
    """A new, empty network: its SQLite path or PostgreSQL URL (schema made on open)."""
    yield from _database(pg_server, "empty", db_path)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = open_database(resolve_target(db_url))
    yield engine
    engine.dispose()


@pytest.fixture
def sample_copy(tmp_path: Path) -> Path:
    """A copy of sample.db as a file (for tests about files; see sample_db otherwise)."""
    target = tmp_path / "sample.db"
    shutil.copy(SAMPLE_DB, target)
    return target


@pytest.fixture
def sample_db(pg_server: Server | None, tmp_path: Path) -> Iterator[str]:
    """The sample network in the database under test: a file path or a PostgreSQL URL."""
    if pg_server is None:
        target = tmp_path / "sample.db"
        shutil.copy(SAMPLE_DB, target)
        yield str(target)
        return
    yield from _database(pg_server, "sample", tmp_path / "unused.db")


@pytest.fixture
def sample_engine(sample_db: str) -> Iterator[Engine]:
    engine = open_database(resolve_target(sample_db))
    yield engine
    engine.dispose()


@pytest.fixture
def sample_context(sample_engine: Engine, sample_db: str) -> Context:
    return Context(engine=sample_engine, label=sample_db, clock=lambda: FROZEN_NOW)
