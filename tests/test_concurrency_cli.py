"""Locks never surface as tracebacks: a long import runs beside ten other commands (reads
and writes) and a quick change in the app, on the database under test (a SQLite file, or
PostgreSQL in the second run). Nothing crashes, nothing prints a traceback; a command that
is refused says so in one line with a non-zero status; the import is all or nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import Engine, text

from coordinator.app import CoordinatorApp
from coordinator.context import Context
from screens.tasks import TasksScreen
from storage.engine import open_database, resolve_target
from tests.conftest import FROZEN_NOW
from tests.ui.helpers import notices, open_section, settle

ROWS = 3000


def _people_file(path: Path) -> Path:
    lines = ["Given name;Family name;E-mail;Phone;Organisations;Roles;Languages"]
    lines += [
        f"Vorname{i};Familie{i};import{i}@example.org;+49 521 55{i:05d};Verein Gleichzeitig {i % 40};"
        "Mitglied;de, tr"
        for i in range(ROWS)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _calendar_file(path: Path) -> Path:
    path.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//x//EN\r\nBEGIN:VEVENT\r\n"
        "UID:gleichzeitig@example.org\r\nDTSTAMP:20261201T100000Z\r\n"
        "DTSTART:20270310T170000Z\r\nDTEND:20270310T190000Z\r\nSUMMARY:Gleichzeitig\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n",
        encoding="utf-8",
    )
    return path


def _start(*args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "LANG": "C.UTF-8", "LC_ALL": "", "LANGUAGE": ""}
    return subprocess.Popen(
        [sys.executable, "-m", "coordinator.cli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def _in_progress(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(
                text("SELECT COUNT(*) FROM task WHERE status = 'in_progress'")
            ).scalar_one()
        )


async def test_a_long_import_beside_ten_commands_and_a_quick_change(
    sample_db: str, tmp_path: Path
) -> None:
    db = ["--db", sample_db]
    orgs = tmp_path / "orgs.csv"
    orgs.write_text("Name;Kind\nVerein Nebenbei e.V.;migrant organisation\n", encoding="utf-8")
    importing = _start("people", "import", str(_people_file(tmp_path / "people.csv")), "--yes", *db)
    others = [
        _start("tasks", *db),
        _start("agenda", "1", "-o", str(tmp_path / "agenda.md"), *db),
        _start("changes", "--limit", "50", *db),
        _start("export-ics", "-o", str(tmp_path / "all.ics"), *db),
        _start("people", "export", *db),
        _start("orgs", "import", str(orgs), "--yes", *db),
        _start("import-ics", str(_calendar_file(tmp_path / "one.ics")), *db),
        _start("people", "erase", "7", "--yes", *db),
        _start("mail", "set", "--host", "smtp.example.org", "--from", "netz@example.org", *db),
        _start("invitation-ics", "1", "-o", str(tmp_path / "invitation.ics"), *db),
    ]

    engine = open_database(resolve_target(sample_db))
    in_progress_before = _in_progress(engine)
    context = Context(engine=engine, label=sample_db, clock=lambda: FROZEN_NOW)
    app = CoordinatorApp(context, watch_changes=False)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        screen = await open_section(pilot, "t", TasksScreen)
        await pilot.press("2")  # the selected task: in progress
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, type(screen))
        quick_change = notices(app)

    outcomes = [(p.args, *p.communicate(timeout=240), p.returncode) for p in [importing, *others]]
    for args, _out, err, status in outcomes:
        assert "Traceback" not in err and "sqlalchemy" not in err.lower(), (args, err)
        if status != 0:  # refused: one line (after the line saying it waited, if it did)
            lines = [line for line in err.splitlines() if "waiting (up to" not in line]
            assert len(lines) == 1 and lines[0].startswith("coordinator:"), (args, err)
    assert outcomes[0][3] == 0, outcomes[0][2]
    assert f"{ROWS} rows imported" in outcomes[0][1]
    with engine.connect() as conn:
        imported = conn.execute(
            text("SELECT COUNT(*) FROM person WHERE email LIKE 'import%@example.org'")
        ).scalar_one()
    assert imported == ROWS  # all or nothing, and here: all
    changed = _in_progress(engine) == in_progress_before + 1
    assert changed or "writing to the network" in quick_change, quick_change
    assert all(status == 0 for _args, _out, _err, status in outcomes), outcomes
    engine.dispose()
