"""Shared fixtures: temporary databases, a copy of sample.db, a frozen clock."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

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


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "network.db"


@pytest.fixture
def engine(db_path: Path) -> Iterator[Engine]:
    engine = open_database(resolve_target(str(db_path)))
    yield engine
    engine.dispose()


@pytest.fixture
def sample_copy(tmp_path: Path) -> Path:
    target = tmp_path / "sample.db"
    shutil.copy(SAMPLE_DB, target)
    return target


@pytest.fixture
def sample_engine(sample_copy: Path) -> Iterator[Engine]:
    engine = open_database(resolve_target(str(sample_copy)))
    yield engine
    engine.dispose()


@pytest.fixture
def sample_context(sample_engine: Engine, sample_copy: Path) -> Context:
    return Context(engine=sample_engine, label=str(sample_copy), clock=lambda: FROZEN_NOW)
