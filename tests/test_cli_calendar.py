"""The calendar sub-commands as a cron job or a script uses them."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import icalendar

from tests.fixtures.ics_clients import GOOGLE, crlf


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LANG": "C.UTF-8", "LC_ALL": "", "LC_MESSAGES": "", "LANGUAGE": ""}
    return subprocess.run(
        [sys.executable, "-m", "coordinator.cli", *args],
        capture_output=True, text=True, check=False, env=env, timeout=60, input=stdin,
    )  # fmt: skip


def test_export_import_undo(sample_db: str, tmp_path: Path) -> None:
    feed = tmp_path / "network.ics"
    done = run(
        "export-ics",
        "--db",
        sample_db,
        "--from",
        "2026-11-01",
        "--attendees",
        "-o",
        str(feed),
    )
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(feed.stat().st_mode) == 0o600
    calendar = icalendar.Calendar.from_ical(feed.read_bytes())
    assert calendar.walk("VEVENT") and calendar["X-WR-CALNAME"] == "Network meetings"

    partner = tmp_path / "partner.ics"
    partner.write_bytes(crlf(GOOGLE))
    preview = run("import-ics", str(partner), "--dry-run", "--db", sample_db)
    assert preview.returncode == 0
    assert "new" in preview.stdout and "Elterncafé" in preview.stdout
    assert "Nothing imported." in preview.stdout
    imported = run("import-ics", str(partner), "--db", sample_db)
    assert imported.returncode == 0 and "Imported." in imported.stdout
    again = run("import-ics", str(partner), "--db", sample_db)
    assert "3 unchanged" in again.stdout and "Nothing imported." in again.stdout
    undo = run("undo-import", "--yes", "--db", sample_db)
    assert undo.returncode == 0 and "partner.ics" in undo.stdout
    assert run("undo-import", "--yes", "--db", sample_db).returncode == 1


def test_bad_input_gives_one_line_and_exit_status_2(sample_db: str, tmp_path: Path) -> None:
    broken = tmp_path / "broken.ics"
    broken.write_bytes(b"BEGIN:VCARD\r\nFN:not a calendar\r\nEND:VCARD\r\n")
    result = run("import-ics", str(broken), "--db", sample_db)
    assert result.returncode == 2
    assert result.stderr.startswith("coordinator: error: ") and "Line 1" in result.stderr
    assert "Traceback" not in result.stderr
    for args in (
        ("export-ics", "--series", "99999"),
        ("export-ics", "--from", "yesterday"),
        ("export-ics", "--reminder", "0"),
        ("cancel-ics", "1"),
        ("invitation-ics", "99999"),
        ("import-ics", str(tmp_path / "missing.ics")),
    ):
        result = run(*args, "--db", sample_db)
        assert result.returncode == 2, args
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr, args


def test_an_event_that_cannot_be_imported_stops_the_import_unless_skip_bad(
    sample_db: str, tmp_path: Path
) -> None:
    """One broken event of a partner's feed: listed with its line and reason, nothing
    imported (exit status 1); --skip-bad imports the other events in one transaction."""
    broken = tmp_path / "broken.ics"
    broken.write_bytes(
        crlf(GOOGLE.replace("DTSTART;VALUE=DATE:20270306", "DTSTART;VALUE=DATE:2027036"))
    )
    result = run("import-ics", str(broken), "--db", sample_db)
    assert result.returncode == 1, result.stderr
    assert "Line 65: " in result.stderr and "is not a valid date or time" in result.stderr
    assert "1 event cannot be imported, so nothing was imported" in result.stderr
    assert "--skip-bad imports the other 2" in result.stderr and "Traceback" not in result.stderr
    preview = run("import-ics", str(broken), "--dry-run", "--db", sample_db)
    assert preview.returncode == 0 and "2 new" in preview.stdout  # (so nothing was written)
    assert "Line 65: " in preview.stderr and "cannot be imported" in preview.stderr
    imported = run("import-ics", str(broken), "--skip-bad", "--db", sample_db)
    assert imported.returncode == 0 and "2 new" in imported.stdout
    assert "Imported." in imported.stdout and "Line 65: " in imported.stderr
    again = run("import-ics", str(broken), "--skip-bad", "--db", sample_db)
    assert "2 unchanged" in again.stdout and "Nothing imported." in again.stdout


def test_invitation_files_per_language(sample_db: str, tmp_path: Path) -> None:
    out = tmp_path / "invitation.ics"
    result = run("invitation-ics", "1", "--db", sample_db, "-o", str(out))
    assert result.returncode == 0, result.stderr
    written = sorted(p.name for p in tmp_path.glob("*.ics"))
    assert written in (["invitation.de.ics", "invitation.en.ics"], ["invitation.ics"])
    for path in tmp_path.glob("*.ics"):
        calendar = icalendar.Calendar.from_ical(path.read_bytes())
        assert calendar["METHOD"] == "REQUEST"
