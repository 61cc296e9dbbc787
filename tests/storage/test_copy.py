"""Moving a network between databases: every row copied, verified, or nothing written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect

from coordinator import dashboard
from coordinator.context import Context
from coordinator.register import organisations
from coordinator.register.organisations import OrganisationInput
from storage import copy as network_copy
from storage.copy import CopyMismatch, copy_network, network_checks
from storage.engine import make_engine, open_database, resolve_target
from storage.errors import DatabaseOpenError
from tests.conftest import FROZEN_NOW, ROOT, SAMPLE_DB


def opened(url: str) -> Engine:
    return open_database(resolve_target(url))


def test_a_copy_between_sqlite_files_is_verified_row_by_row(tmp_path: Path) -> None:
    source = opened(str(SAMPLE_DB))
    target = make_engine(resolve_target(str(tmp_path / "copy.db")))
    checks = copy_network(source, target)
    assert sum(c.rows for c in checks) > 3000
    assert network_checks(target) == network_checks(source) == checks
    source.dispose()
    target.dispose()


def test_sqlite_to_postgresql_and_back(blank_postgres: str, tmp_path: Path) -> None:
    sample = opened(str(SAMPLE_DB))
    server = make_engine(resolve_target(blank_postgres))
    copy_network(sample, server)
    back = make_engine(resolve_target(str(tmp_path / "back.db")))
    copy_network(server, back)
    assert network_checks(sample) == network_checks(server) == network_checks(back)
    # Creating the schema on PostgreSQL first must not cost the new SQLite file its keys.
    with back.connect() as conn:
        keys = conn.exec_driver_sql("PRAGMA foreign_key_list(task)").all()
    assert {row[2] for row in keys} == {"person", "organisation", "meeting", "agenda_item"}
    # The copy is a working network: the dashboard reads, and new rows get fresh ids.
    context = Context(engine=opened(blank_postgres), clock=lambda: FROZEN_NOW)
    assert dashboard.load(context, FROZEN_NOW).next_meetings
    highest = max(
        row[0] for row in context.engine.connect().exec_driver_sql("SELECT id FROM organisation")
    )
    new = organisations.create_organisation(
        context.engine, OrganisationInput(name="Neu im Netzwerk"), today=FROZEN_NOW.date()
    )
    assert new == highest + 1
    for engine in (sample, server, back, context.engine):
        engine.dispose()


def test_a_target_that_holds_a_network_is_refused_untouched(tmp_path: Path) -> None:
    source = opened(str(SAMPLE_DB))
    target_path = tmp_path / "busy.db"
    target = opened(str(target_path))
    organisations.create_organisation(
        target, OrganisationInput(name="Schon da"), today=FROZEN_NOW.date()
    )
    before = network_checks(target)
    with pytest.raises(DatabaseOpenError, match="already holds a network"):
        copy_network(source, target)
    assert network_checks(target) == before
    source.dispose()
    target.dispose()


def test_a_copy_that_differs_is_rolled_back_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = network_copy.table_check
    seen: set[str] = set()

    def corrupted(conn, table):  # type: ignore[no-untyped-def]
        check = real(conn, table)
        if table.name == "task" and table.name in seen:  # the second look: the copy
            return network_copy.TableCheck(check.name, check.rows, "0" * 64)
        seen.add(table.name)
        return check

    monkeypatch.setattr(network_copy, "table_check", corrupted)
    source = opened(str(SAMPLE_DB))
    target = make_engine(resolve_target(str(tmp_path / "copy.db")))
    with pytest.raises(CopyMismatch, match="task"):
        copy_network(source, target)
    assert inspect(target).get_table_names() == []  # not even the schema stays
    source.dispose()
    target.dispose()


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "coordinator.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )


def test_migrate_db_command(tmp_path: Path, sample_copy: Path) -> None:
    target = tmp_path / "moved.db"
    done = run("migrate-db", "--from", str(sample_copy), "--to", str(target))
    assert done.returncode == 0, done.stderr
    assert "counts and checksums match" in done.stdout
    again = run("migrate-db", "--from", str(sample_copy), "--to", str(target))
    assert again.returncode == 2 and "already holds a network" in again.stderr
    missing = run("migrate-db", "--from", str(tmp_path / "nope.db"), "--to", str(tmp_path / "x.db"))
    assert missing.returncode == 2 and "does not exist" in missing.stderr
    assert not (tmp_path / "x.db").exists()
    refused = run(
        "migrate-db",
        "--from",
        str(sample_copy),
        "--to",
        "postgresql+psycopg://nobody@127.0.0.1:1/none",
    )
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
