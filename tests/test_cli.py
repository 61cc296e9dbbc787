"""The ``coordinator`` command: help, database choice, one-line errors with exit status 2."""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from coordinator.app import CoordinatorApp
from coordinator.cli import main, parser
from storage.engine import make_engine, resolve_target
from storage.migrations import CURRENT_VERSION, schema_version
from tests.fixtures import partner_lists


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    if env is None:  # English messages, whatever the machine's locale
        env = {**os.environ, "LANG": "C.UTF-8", "LC_ALL": "", "LC_MESSAGES": "", "LANGUAGE": ""}
    return subprocess.run(
        [sys.executable, "-m", "coordinator.cli", *args],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        timeout=60,
    )


def test_help_documents_the_command_and_its_sub_commands() -> None:
    result = run("--help", env={"LANG": "C", "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0
    assert "usage: coordinator" in result.stdout
    assert "--db URL" in result.stdout and "--lang" in result.stdout
    assert "sample --out PATH" not in result.stdout  # written from the parser, not by hand
    listed = {
        line.split()[0]
        for line in result.stdout.split("sub-commands:")[1].splitlines()[1:]
        if line.startswith("  ")
    }
    assert listed == {name for name, _help in parser.sub_commands(parser.scripted_parser())}
    assert {"export-ics", "import-ics", "send", "mail", "changes", "whoami"} <= listed
    sample_help = run("sample", "--help", env={"LANG": "C", "PATH": "/usr/bin:/bin"})
    assert sample_help.returncode == 0 and "--out PATH" in sample_help.stdout


def test_help_speaks_german_when_asked() -> None:
    result = run("--lang", "de", "--help")
    assert "Unterbefehle" in result.stdout


@pytest.fixture
def no_tui(monkeypatch: pytest.MonkeyPatch) -> list[CoordinatorApp]:
    started: list[CoordinatorApp] = []
    monkeypatch.setattr(CoordinatorApp, "run", lambda self, *a, **k: started.append(self))
    monkeypatch.setattr(main, "has_terminal", lambda: True)
    return started


def test_new_file_in_existing_folder_becomes_an_empty_network(
    tmp_path: Path, no_tui: list[CoordinatorApp]
) -> None:
    path = tmp_path / "neu.db"
    assert main.main([str(path)]) == 0
    assert len(no_tui) == 1
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert schema_version(make_engine(resolve_target(str(path)))) == CURRENT_VERSION


def test_db_option_and_environment_choose_the_database(
    tmp_path: Path, no_tui: list[CoordinatorApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main.main(["--db", str(tmp_path / "a.db")]) == 0
    monkeypatch.setenv("COORDINATOR_DB", str(tmp_path / "b.db"))
    assert main.main([]) == 0
    assert (tmp_path / "a.db").exists() and (tmp_path / "b.db").exists()
    assert no_tui[1].context.label == str(tmp_path / "b.db")


def test_missing_folder_gives_one_line_and_status_2(tmp_path: Path) -> None:
    result = run(str(tmp_path / "missing" / "x.db"))
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "does not exist" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "missing").exists()


@pytest.mark.parametrize(
    "content", [b"just some notes\n", b"SQLite format 3\x00" + bytes(range(256)) * 8]
)
def test_not_a_network_gives_one_line_and_status_2(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "other.db"
    path.write_bytes(content)
    before = hashlib.sha256(content).hexdigest()
    result = run(str(path))
    assert result.returncode == 2
    assert result.stderr.startswith("coordinator: error: ") and result.stderr.count("\n") == 1
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.db"]


def test_errors_are_translated(tmp_path: Path) -> None:
    result = run("--lang", "de", str(tmp_path / "missing" / "x.db"))
    assert result.returncode == 2
    assert "Fehler" in result.stderr and "existiert nicht" in result.stderr


def test_sample_sub_command_writes_a_new_sample(tmp_path: Path) -> None:
    out = tmp_path / "demo.db"
    assert main.main(["sample", "--out", str(out)]) == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert main.main(["sample", "--out", str(out)]) == 2  # exists: refuses without --force
    assert main.main(["sample", "--out", str(out), "--force"]) == 0
    assert main.main(["sample", "--out", str(tmp_path / "no" / "demo.db")]) == 2


def test_unusable_server_url_gives_one_line_and_status_2() -> None:
    result = run("--db", "mysql+nosuchdriver://host/network")
    assert result.returncode == 2
    assert result.stderr.startswith(
        "coordinator: error: cannot use mysql+nosuchdriver://host/network"
    )
    assert "Traceback" not in result.stderr


def test_people_export_formats_to_stdout_and_file(sample_db: str, tmp_path: Path) -> None:
    csv_out = run("people", "export", "--db", sample_db)
    assert csv_out.returncode == 0 and csv_out.stdout.startswith(
        "\ufeffGiven name;Family name;E-mail"
    )
    vcf = tmp_path / "people.vcf"
    result = run("people", "export", "--format", "vcard", "-o", str(vcf), "--db", sample_db)
    assert result.returncode == 0 and vcf.read_text().count("BEGIN:VCARD") == 119
    orgs = run("orgs", "export", "--format", "json", "--db", sample_db)
    assert orgs.returncode == 0 and '"name": "Circolo Italiano Bielefeld e.V."' in orgs.stdout


def test_people_import_asks_and_does_nothing_without_yes(sample_db: str, tmp_path: Path) -> None:
    source = tmp_path / "neu.csv"
    source.write_bytes(
        "Vorname;Nachname;E-Mail\nLea;Neumann;lea@example.org\nX;Y;kaputt\n".encode("cp1252")
    )
    asked = run("people", "import", str(source), "--db", sample_db)
    assert asked.returncode == 1
    assert "1 row can be imported" in asked.stdout and "line 3 (X Y): email" in asked.stdout
    assert "Nothing imported." in asked.stdout
    before = run("people", "export", "--format", "json", "--db", sample_db).stdout
    assert "lea@example.org" not in before
    applied = run("people", "import", str(source), "--yes", "--db", sample_db)
    assert applied.returncode == 1 and "1 row imported." in applied.stdout  # 1: a row was rejected
    after = run("people", "export", "--format", "json", "--db", sample_db).stdout
    assert "lea@example.org" in after


def test_gdpr_export_and_erase_from_the_command_line(sample_db: str) -> None:
    exported = run("people", "gdpr-export", "5", "--db", sample_db)
    assert exported.returncode == 0 and '"email": "ayse.erdem@example.org"' in exported.stdout
    refused = run("people", "erase", "5", "--db", sample_db)
    assert refused.returncode == 1 and "Nothing erased." in refused.stdout
    erased = run("people", "erase", "5", "--yes", "--db", sample_db)
    assert erased.returncode == 0
    again = run("people", "gdpr-export", "5", "--format", "text", "--db", sample_db)
    assert "ayse.erdem@example.org" not in again.stdout and "Erased person 5" in again.stdout
    missing = run("people", "erase", "9999", "--yes", "--db", sample_db)
    assert missing.returncode == 2 and "no person with ID 9999" in missing.stderr


def test_followups_lists_oldest_first(sample_db: str) -> None:
    result = run("followups", "--weeks", "12", "--db", sample_db)
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert "partners not contacted for 12 weeks" in lines[0]
    assert "never" in lines[1]
    assert run("followups", "--weeks", "0", "--db", sample_db).returncode == 2


def test_agenda_minutes_tasks_and_decisions_from_the_command_line(
    sample_db: str, tmp_path: Path
) -> None:
    agenda = run("agenda", "10", "--format", "txt", "--db", sample_db)
    assert agenda.returncode == 0 and agenda.stdout.startswith(
        "Tagesordnung: Netzwerktreffen"
    )  # the meeting speaks German
    minutes = run(
        "minutes",
        "10",
        "--format",
        "html",
        "-o",
        str(tmp_path / "p.html"),
        "--db",
        sample_db,
    )
    assert minutes.returncode == 0 and "<h2>Anwesenheit</h2>" in (tmp_path / "p.html").read_text()
    assert run("minutes", "99999", "--db", sample_db).returncode == 2
    todo = run(
        "tasks",
        "--owner",
        "miriam aksoy-brandt",
        "--due",
        "overdue",
        "--format",
        "csv",
        "--db",
        sample_db,
    )
    # In her language (German), whatever the command line speaks: the list is for her.
    assert todo.returncode == 0 and todo.stdout.startswith("\ufeffFällig;Aufgabe;Zuständig;")
    assert run("tasks", "--owner", "Niemand Unbekannt", "--db", sample_db).returncode == 2
    assert run("tasks", "--status", "finished", "--db", sample_db).returncode == 2
    decisions = run("decisions", "--search", "flyer", "--db", sample_db)
    assert decisions.returncode == 0 and "mehrsprachiger Flyer" in decisions.stdout


def test_whoami_and_the_changes_it_signs(sample_db: str, tmp_path: Path) -> None:
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path), "LANG": "C.UTF-8", "LC_ALL": ""}
    env.pop("COORDINATOR_USER", None)

    def show(*args: str) -> subprocess.CompletedProcess[str]:
        return run(*args, env=env)

    assert "coordinator whoami --set NAME" in show("whoami").stdout
    assert show("whoami", "--set", "  ").returncode == 2
    saved = show("whoami", "--set", "Selin Kaya")
    assert saved.returncode == 0 and saved.stdout.startswith("Selin Kaya (saved in ")
    erased = show("people", "erase", "7", "--yes", "--db", sample_db)
    assert erased.returncode == 0, erased.stderr
    log = show("changes", "--record", "person:7", "--db", sample_db)
    assert "Selin Kaya" in log.stdout and "person" in log.stdout
    everything = show("changes", "--limit", "50", "--db", sample_db).stdout
    assert "Amira Haddad" in everything and "Jonas Weber" in everything
    assert show("changes", "--record", "person", "--db", sample_db).returncode == 2
    env["COORDINATOR_USER"] = "Vertretung"
    assert show("whoami").stdout.startswith("Vertretung (from $COORDINATOR_USER)")


def test_an_excel_workbook_imports_from_the_command_line(sample_db: str, tmp_path: Path) -> None:
    """Issue 19: the partner list as .xlsx (a notes sheet first); --sheet names the sheet, a
    wrong name lists the sheets there are."""
    from tests.fixtures import partner_lists

    source = tmp_path / "partner.xlsx"
    source.write_bytes(partner_lists.xlsx())
    wrong = run("people", "import", str(source), "--sheet", "Mitglieder", "--db", sample_db)
    assert wrong.returncode == 2 and "Hinweise, Partner" in wrong.stderr
    assert wrong.stderr.count("\n") == 1
    done = run("people", "import", str(source), "--sheet", "Partner", "--yes", "--db", sample_db)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 rows can be imported (the sheet “Partner” of the xlsx workbook)" in done.stdout
    assert "Columns read as: Anrede → salutation (set aside), Name → name" in done.stdout
    after = run("people", "export", "--format", "json", "--db", sample_db).stdout
    assert "j.mueller@example.org" in after and "van der Berg" in after


def test_an_import_records_the_lists_consent_or_says_who_cannot_be_mailed(
    sample_db: str, tmp_path: Path
) -> None:
    from tests.fixtures import partner_lists

    source = tmp_path / "partner.csv"
    source.write_bytes(partner_lists.german_excel_csv())
    bad = run("people", "import", str(source), "--yes", "--consent-on", "31.02.2026",
              "--consent-purpose", "Einladungen", "--db", sample_db)  # fmt: skip
    assert bad.returncode == 2 and "Not a date" in bad.stderr
    plain = run("people", "import", str(source), "--yes", "--db", sample_db)
    assert plain.returncode == 0 and "3 of them cannot be mailed yet" in plain.stdout
    source.write_bytes(partner_lists.german_excel_csv().replace(b"example.org", b"example.com"))
    # (the same names with other addresses match the people just imported: added as new)
    given = run("people", "import", str(source), "--yes", "--consent-on", "01.12.2026",
                "--consent-purpose", "Einladungen", "--duplicates", "add", "--db", sample_db)  # fmt: skip
    assert given.returncode == 0 and "cannot be mailed" not in given.stdout, given.stdout


def test_map_places_and_skips_columns_and_the_next_list_is_read_alike(
    sample_db: str, tmp_path: Path
) -> None:
    """Issue 19: --map "Spalte=field" (or =skip); a bad field is one line and changes
    nothing; the mapping is remembered for a list with the same columns."""
    header = "Vorname;Nachname;Handynummer;Lieblingsfarbe\r\n"
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text(header + "Lea;Neumann;0171 2345678;blau\r\n", encoding="utf-8")
    second.write_text(header + "Max;Muster;0171 3456789;rot\r\n", encoding="utf-8")
    bad = run("people", "import", str(first), "--map", "Handynummer=fon", "--yes",
              "--db", sample_db)  # fmt: skip
    assert bad.returncode == 2 and "--map takes COLUMN=FIELD" in bad.stderr
    assert "Imported" not in bad.stdout and "imported." not in bad.stdout
    done = run("people", "import", str(first), "--map", "Handynummer=phone",
               "--map", "Lieblingsfarbe=skip", "--yes", "--db", sample_db)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Handynummer → Phone, Lieblingsfarbe → skipped" in done.stdout
    again = run("people", "import", str(second), "--yes", "--db", sample_db)
    assert "Handynummer → Phone" in again.stdout and "columns not used" not in again.stdout


def test_people_organisations_and_tasks_export_as_xlsx(sample_db: str, tmp_path: Path) -> None:
    """Issue 19: --format xlsx writes a workbook (to a file; a terminal is refused in one
    line, a pipe gets the bytes)."""
    from python_calamine import CalamineWorkbook

    for command in (("people", "export"), ("orgs", "export"), ("tasks",)):
        target = tmp_path / f"{command[0]}.xlsx"
        done = run(*command, "--format", "xlsx", "-o", str(target), "--db", sample_db)
        assert done.returncode == 0, done.stderr
        book = CalamineWorkbook.from_path(str(target))
        rows = book.get_sheet_by_name(book.sheet_names[0]).to_python()
        assert len(rows) > 5 and all(isinstance(cell, str) for cell in rows[1])
    piped = subprocess.run(
        [sys.executable, "-m", "coordinator.cli", "people", "export", "--format", "xlsx",
         "--db", sample_db], capture_output=True, check=False,
    )  # fmt: skip
    assert piped.returncode == 0 and piped.stdout.startswith(b"PK\x03\x04")


@pytest.mark.parametrize("name", sorted(partner_lists.every_file()))
def test_every_fixture_list_imports_through_the_cli_field_by_field(
    name: str, db_url: str, tmp_path: Path
) -> None:
    """Issue 19's acceptance: each list (German Excel CSV, Unicode text, .xlsx, .ods) and
    address book (Android, iOS, Outlook, Google, vCard 4.0) through `people import`."""
    from storage.engine import open_database, resolve_target

    data, expected = partner_lists.every_file()[name]
    source = tmp_path / name
    source.write_bytes(data)
    done = run("people", "import", str(source), "--yes", "--db", db_url)
    assert done.returncode == 0, done.stdout + done.stderr
    engine = open_database(resolve_target(db_url))
    try:
        partner_lists.check_people(engine, expected)
    finally:
        engine.dispose()
