"""The committed sample.db is what the generator makes, at the current schema version."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from coordinator.sample.generator import create_sample_file
from storage.migrations import CURRENT_VERSION
from tests.conftest import SAMPLE_DB


def all_rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [
            r[0]
            for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")
        ]
        return {
            table: sorted(conn.execute(f"SELECT * FROM {table}").fetchall(), key=repr)
            for table in tables
            if table != "coordinator_meta"
        }
    finally:
        conn.close()


def test_committed_sample_has_the_current_schema_version() -> None:
    conn = sqlite3.connect(f"file:{SAMPLE_DB}?mode=ro", uri=True)
    version = conn.execute(
        "SELECT value FROM coordinator_meta WHERE key='schema_version'"
    ).fetchone()
    conn.close()
    assert version == (str(CURRENT_VERSION),)


def test_committed_sample_matches_the_generator(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.db"
    create_sample_file(fresh)
    expected = all_rows(fresh)
    assert all_rows(SAMPLE_DB) == expected
    assert len(expected["organisation"]) == 40
    assert 110 <= len(expected["person"]) <= 130


def test_sample_uses_no_real_contact_data() -> None:
    rows = all_rows(SAMPLE_DB)
    emails = {r[3] for r in rows["person"] if r[3]}
    phones = {r[4] for r in rows["person"] if r[4]}
    assert all(e.rsplit("@", 1)[1] in {"example.org", "example.net", "example.com"} for e in emails)
    assert all(p.startswith("+493023125") and len(p) == 13 for p in phones)  # E.164
