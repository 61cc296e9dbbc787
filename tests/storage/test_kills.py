"""Opening, creating, upgrading, copying and importing are safe against a kill: the real
command is killed (SIGKILL, no clean-up of any kind) at chosen points of its work; the
database opens afterwards, holds what it held before, and the same command run again works.
Two processes opening an old database at once: one upgrades, the other waits for it."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from storage.version import CURRENT_VERSION
from tests.conftest import FIXTURES, ON_POSTGRES, SAMPLE_DB

# Files on SQLite; on PostgreSQL a killed client's transaction is rolled back by the server.
sqlite_files = pytest.mark.skipif(ON_POSTGRES, reason="SQLite files: run once, in the first run")

# Runs the command line with one function replaced by itself followed by SIGKILL (or, with
# "slow:" before its name, by a second's pause: a step that takes long).
KILLER = """
import importlib, os, signal, sys, time
point = sys.argv[1]
slow = point.startswith("slow:")
module_name, _, name = point.removeprefix("slow:").rpartition(".")
module = importlib.import_module(module_name)
original = getattr(module, name)
def replaced(*args, **kwargs):
    result = original(*args, **kwargs)
    if slow:
        time.sleep(1)
        return result
    os.kill(os.getpid(), signal.SIGKILL)
setattr(module, name, replaced)
from coordinator.cli.main import main
sys.exit(main(sys.argv[2:]))
"""

ENV = {**os.environ, "LANG": "C.UTF-8", "LC_ALL": "", "LANGUAGE": ""}


def killed_at(point: str, *args: str) -> None:
    result = subprocess.run(
        [sys.executable, "-c", KILLER, point, *args],
        capture_output=True, text=True, check=False, timeout=120, env=ENV,
    )  # fmt: skip
    assert result.returncode == -signal.SIGKILL, (point, result.returncode, result.stderr)


def command(*args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "coordinator.cli", *args],
        capture_output=True, text=True, check=False, timeout=120, env=ENV,
    )  # fmt: skip
    assert "Traceback" not in result.stderr, result.stderr
    return result


def version_and_people(path: Path) -> tuple[str, int]:
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        version = conn.execute(
            "SELECT value FROM coordinator_meta WHERE key = 'schema_version'"
        ).fetchone()[0]
        people = conn.execute("SELECT COUNT(*) FROM person").fetchone()[0]
    return version, people


@sqlite_files
@pytest.mark.parametrize(
    "point", ["storage.target.create_private_file", "storage.migrations.create_tables"]
)
def test_a_kill_while_a_new_database_is_made(tmp_path: Path, point: str) -> None:
    path = tmp_path / "new.db"
    killed_at(point, "tasks", "--db", str(path))
    assert path.exists()  # left behind: empty, or with an uncommitted log
    opened = command("tasks", "--db", str(path))
    assert opened.returncode == 0, opened.stderr
    assert version_and_people(path) == (str(CURRENT_VERSION), 0)


@sqlite_files
@pytest.mark.parametrize(
    "point", ["storage.migrations.backup_sqlite", "storage.migrations._set_version"]
)
def test_a_kill_during_an_upgrade(tmp_path: Path, point: str) -> None:
    path = tmp_path / "old.db"
    shutil.copy(FIXTURES / "network_v1.db", path)
    _old_version, people = version_and_people(path)
    killed_at(point, "tasks", "--db", str(path))
    assert version_and_people(path) == ("1", people)  # the upgrade was rolled back whole
    opened = command("tasks", "--db", str(path))
    assert opened.returncode == 0, opened.stderr
    assert version_and_people(path) == (str(CURRENT_VERSION), people)
    assert not list(tmp_path.glob(".*.partial")) or point.endswith("_set_version")


@sqlite_files
def test_two_processes_opening_an_old_database_at_once(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    shutil.copy(FIXTURES / "network_v1.db", path)
    starts = [  # each backup takes a second: they all find the old version at first
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                KILLER,
                "slow:storage.migrations.backup_sqlite",
                "tasks",
                "--db",
                str(path),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=ENV,
        )
        for _ in range(3)
    ]
    for process in starts:
        _out, err = process.communicate(timeout=120)
        assert process.returncode == 0 and "Traceback" not in err, err
    assert version_and_people(path)[0] == str(CURRENT_VERSION)
    assert len(list(tmp_path.glob("old.db.v1-*.bak"))) == 1  # one upgrade, one backup


@sqlite_files
@pytest.mark.parametrize("point", ["storage.copy._prepare_target", "storage.copy.table_check"])
def test_a_kill_during_migrate_db_to_a_new_file(tmp_path: Path, point: str) -> None:
    source, target = tmp_path / "sample.db", tmp_path / "copy.db"
    shutil.copy(SAMPLE_DB, source)
    killed_at(point, "migrate-db", "--from", str(source), "--to", str(target))
    retry = command("migrate-db", "--from", str(source), "--to", str(target))
    assert retry.returncode == 0, retry.stderr
    assert "checksums match" in retry.stdout
    assert version_and_people(target) == version_and_people(source)


@sqlite_files
def test_a_kill_during_an_import(tmp_path: Path) -> None:
    path = tmp_path / "sample.db"
    shutil.copy(SAMPLE_DB, path)
    before = version_and_people(path)
    rows = tmp_path / "people.csv"
    rows.write_text(
        "Given name;Family name;E-mail\n"
        + "".join(f"Vorname{i};Familie{i};kill{i}@example.org\n" for i in range(200)),
        encoding="utf-8",
    )
    killed_at("coordinator.register.people.add_people", "people", "import", str(rows), "--yes",
              "--db", str(path))  # fmt: skip
    assert version_and_people(path) == before  # all or nothing: nothing
    retry = command("people", "import", str(rows), "--yes", "--db", str(path))
    assert retry.returncode == 0 and "200 rows imported" in retry.stdout, retry.stderr
    assert version_and_people(path) == (before[0], before[1] + 200)


def test_processes_opening_a_new_server_database_at_once(blank_postgres: str) -> None:
    """The first makes the schema; the others wait for its advisory lock, then use it."""
    starts = [
        subprocess.Popen(
            [sys.executable, "-m", "coordinator.cli", "tasks", "--db", blank_postgres],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=ENV,
        )
        for _ in range(3)
    ]
    for process in starts:
        _out, err = process.communicate(timeout=120)
        assert process.returncode == 0 and "Traceback" not in err, err
