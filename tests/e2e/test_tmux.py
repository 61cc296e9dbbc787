"""End to end: the real ``coordinator`` command in tmux, read as a person reads the screen
(through ../shared/tools/tui-drive)."""

from __future__ import annotations

import os
import shlex
import shutil
import stat
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import ROOT, SAMPLE_DB

TUI_DRIVE = ROOT.parent / "shared" / "tools" / "tui-drive"
COMMAND = Path(sys.executable).parent / "coordinator"


ACTION_TITLE = "Haushalt [@click=app.quit]Klick[/]"  # a hostile meeting title with an action


def hostile_start() -> datetime:
    """Where the hostile network starts so that its meeting titled with an action began half
    an hour ago: at the top of the past meetings, whatever day and hour the suite runs
    (tests/hostile.py spreads the meetings over 30 days from the start)."""
    from tests.hostile import HOSTILE

    i = HOSTILE.index(ACTION_TITLE)
    return datetime.now(UTC) - timedelta(days=i % 30, hours=9 + i % 10, minutes=30)


def on_a_hostile_network(tmp_path: Path, lang: str, start: datetime | None = None) -> str:
    """The command that opens a new network whose every field holds a hostile string."""
    from storage.engine import open_database, resolve_target
    from tests.hostile import HOSTILE_NOW, fill_hostile

    db = tmp_path / "hostile.db"
    engine = open_database(resolve_target(str(db)))
    fill_hostile(engine, start or HOSTILE_NOW)
    engine.dispose()
    return f"LANG=C.UTF-8 {shlex.quote(str(COMMAND))} --lang {lang} {shlex.quote(str(db))}"


def drive(command: str, *steps: str, size: str = "120x40") -> subprocess.CompletedProcess[str]:
    if not TUI_DRIVE.exists() or not shutil.which("tmux"):
        if os.environ.get("CI"):
            pytest.fail(f"CI needs tmux and {TUI_DRIVE}")
        pytest.skip("tmux or tui-drive not available")
    # Pytest's process may carry COLUMNS/LINES, which would override the pane's real size.
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    return subprocess.run(
        [sys.executable, str(TUI_DRIVE), "--size", size, "--timeout", "30", command, *steps],
        capture_output=True,
        text=True,
        check=False,
        timeout=180,
        env=env,
    )


def on_a_sample_copy(tmp_path: Path, lang: str, env: str = "LANG=C.UTF-8") -> str:
    """The command that opens a copy of sample.db in ``lang`` (with ``env`` before it)."""
    db = tmp_path / "sample.db"
    shutil.copy(SAMPLE_DB, db)
    return f"{env} {shlex.quote(str(COMMAND))} --lang {lang} {shlex.quote(str(db))}"


def test_coordinator_on_the_sample_shows_the_dashboard_and_sections(tmp_path: Path) -> None:
    db = tmp_path / "sample.db"
    shutil.copy(SAMPLE_DB, db)
    command = f"LANG=C.UTF-8 {shlex.quote(str(COMMAND))} {shlex.quote(str(db))}"
    result = drive(
        command,
        "wait:Next meetings",
        "wait:Netzwerktreffen",
        "expect:Open date polls",
        "expect:Jubiläumsfest",
        "keys:n",
        "wait:Deutsch-Türkischer Kulturverein",
        "keys:m",
        # Whole names: lists drawn before their rows were measured kept every column at its
        # header's width ("Deut", "Rund"; screens/table_widths.py).
        "wait:Runder Tisch Integration",
        "keys:t",
        "wait:in progress (",
        "keys:q",
        "exited",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_coordinator_in_german_on_a_small_terminal(tmp_path: Path) -> None:
    command = on_a_sample_copy(tmp_path, "de", env="")
    result = drive(
        command,
        "wait:Nächste Sitzungen",
        "wait:Netzw",
        "expect:überfällig",
        "keys:q",
        "exited",
        size="80x24",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_coordinator_creates_a_new_private_network(tmp_path: Path) -> None:
    db = tmp_path / "neu.db"
    command = f"LANG=C.UTF-8 {shlex.quote(str(COMMAND))} {shlex.quote(str(db))}"
    result = drive(command, "wait:No meetings in the next 60 days", "keys:q", "exited")
    assert result.returncode == 0, result.stdout + result.stderr
    assert stat.S_IMODE(db.stat().st_mode) == 0o600


def test_a_change_by_another_coordinator_shows_up_on_the_open_screen(tmp_path: Path) -> None:
    """Two processes on one SQLite network: Anna has the Changes section open in the real
    app; Ben, in another process, adds a task; Anna's screen shows it without a key press."""
    db = tmp_path / "sample.db"
    shutil.copy(SAMPLE_DB, db)
    ben = (
        "import sys, time\n"
        "time.sleep(8)\n"
        "from coordinator.minutes import tasks\n"
        "from storage.engine import open_database, resolve_target\n"
        "e = open_database(resolve_target(sys.argv[1]))\n"
        "tasks.create_task(e.execution_options(coordinator_actor='Ben Okafor'), 'Getränke fürs Sommerfest')\n"
    )
    other = subprocess.Popen([sys.executable, "-c", ben, str(db)], cwd=ROOT)
    try:
        command = (
            f"LANG=C.UTF-8 COORDINATOR_USER='Anna Berger' {shlex.quote(str(COMMAND))} "
            f"{shlex.quote(str(db))}"
        )
        result = drive(
            command,
            "wait:you: Anna Berger",
            "keys:C",
            "wait:Amira Haddad",
            "wait:Getränke fürs Sommerfest",
            "expect:Ben Okafor",
            "keys:q",
            "exited",
            size="140x40",
        )
    finally:
        other.wait(timeout=60)
    assert other.returncode == 0
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(("size", "lang"), [("80x24", "de"), ("120x40", "en")])
def test_hostile_network_shows_literally_in_every_section(
    tmp_path: Path, size: str, lang: str
) -> None:
    """The real command on a network whose every field holds a hostile string: dashboard,
    register, meetings, tasks and mail show the markup as text and nothing crashes
    (tui-drive fails on any traceback or MarkupError on the screen). A meeting and its
    minutes: the next test."""
    command = on_a_hostile_network(tmp_path, lang, hostile_start())
    result = drive(
        command,
        "wait:[bold red]Rotkäppchen[/]" if size == "120x40" else "wait:Anna Kaputt [/]",
        "keys:n",
        "keys:p",
        "wait:Anna Kaputt [/] H0",
        "keys:o",
        "wait:Migrantenorgani"
        if lang == "de"
        else "wait:migrant organisation",  # the organisations' kind column: the list, not the people
        "expect:<script>alert(1)</script>",
        "keys:m",
        "keys:p",
        "wait:Haushalt [@click=app.quit]",
        "keys:t",
        "keys:l",
        "wait:Aufgaben suchen" if lang == "de" else "wait:Search tasks",  # the list, not the board
        "wait:Anna Kaputt [/]",
        PAUSE,
        "keys:Escape",  # from the list's search box to the list, where "s" is Mail
        PAUSE,
        "keys:s",
        "wait:<U+202E>gnp.exe right-to-left override",  # the mail list, newest first: shown literally
        "keys:q",
        "exited",
        size=size,
    )
    assert result.returncode == 0, result.stdout + result.stderr


PAUSE = "sleep:0.4"  # after Escape: a key sent at once would be read as Alt+key

# Journeys on the sample that start the same way (each waits for what a person reads).
FIRST_MEETING = ("wait:Netzw", "keys:m", "wait:.ics", "wait:AG Bildung", "keys:Enter")
PEOPLE = ("wait:Netzw", "keys:n", "wait:(p)", "keys:p", "wait:Miriam Aksoy-Brandt")
TASKS = ("wait:Netzw", "keys:t", "wait:(l)")  # the tabs: Board (b), List (l)


@pytest.mark.parametrize(
    ("size", "lang", "cancel", "edit", "decision"),
    [
        ("80x24", "de", "Klick[/] am {day} absagen?", "Klick[/] bearbeiten", "Beschluss oder"),
        ("120x40", "en", "Cancel Haushalt [@click=app.quit]Klick[/] on", "Edit Haushalt [@click",
         "Decision or agreement"),
    ],
)  # fmt: skip
def test_hostile_meeting_and_minutes_in_the_real_command(
    tmp_path: Path, size: str, lang: str, cancel: str, edit: str, decision: str
) -> None:
    """The meeting titled with an action, opened by keys from the past meetings: its
    dialogs and its minutes show the title literally and nothing runs or crashes."""
    from storage.engine import open_database, resolve_target
    from tests.hostile import HOSTILE, fill_hostile

    db = tmp_path / "hostile.db"
    engine = open_database(resolve_target(str(db)))
    start = hostile_start()
    fill_hostile(engine, start)
    title = ACTION_TITLE
    i = HOSTILE.index(title)
    begins = (start + timedelta(days=i % 30, hours=9 + i % 10)).astimezone(
        ZoneInfo("Europe/Berlin")
    )
    cancel = cancel.format(day=f"{begins:%d.%m.%Y}")
    # Where the meeting is in the past list depends on the hour the test runs (the network's
    # meetings pass one by one): asked of the list's own query, not counted by hand.
    from coordinator.context import Context
    from coordinator.meetings.schedule import past_page

    context = Context(engine=engine)
    past = past_page(context, datetime.now(UTC), offset=0, limit=100)
    downs = [occurrence.title for occurrence in past].index(title)
    engine.dispose()
    command = f"LANG=C.UTF-8 {shlex.quote(str(COMMAND))} --lang {lang} {shlex.quote(str(db))}"
    result = drive(
        command,
        "wait:Anna Kaputt [/]",
        "keys:m",
        "keys:p",
        "wait:Haushalt [@click=app.quit]",
        *(["keys:" + ",".join(["Down"] * downs)] if downs else []),
        "keys:Enter",
        f"wait:{title}  (",
        "keys:x",
        f"wait:{cancel}",
        "keys:Escape",
        f"gone:{cancel}",
        PAUSE,
        "keys:e",
        f"wait:{edit}",
        "keys:Escape",
        f"gone:{edit}",
        PAUSE,
        "keys:r",
        f"wait:{title} · ",  # the minutes' heading: title · status
        "keys:d",
        f"wait:{decision}",
        "keys:Escape",
        f"gone:{decision}",
        PAUSE,
        "keys:Escape",
        PAUSE,
        "keys:Escape",
        PAUSE,
        "keys:q",
        "exited",
        size=size,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("size", "lang", "words"),
    [
        ("80x24", "de", ("Kalenderdatei importieren", "nicht importierbar", "Zeile 65", "Importiert: 2 neu")),
        ("120x40", "en", ("Import a calendar file", "cannot be imported", "line 65", "Imported: 2 new")),
    ],
)  # fmt: skip
def test_a_partners_file_with_a_broken_event_imports_the_rest_by_keys(
    tmp_path: Path, size: str, lang: str, words: tuple[str, str, str, str]
) -> None:
    """Issue 17 as a coordinator meets it: a partner's feed with one broken date. The
    preview lists that event first with its line and reason; Tab, Tab, Enter imports the
    other two."""
    from tests.fixtures.ics_clients import GOOGLE, crlf

    command = on_a_sample_copy(tmp_path, lang)
    partner = tmp_path / "eltern.ics"
    partner.write_bytes(
        crlf(GOOGLE.replace("DTSTART;VALUE=DATE:20270306", "DTSTART;VALUE=DATE:2027036"))
    )
    title, refused, line, imported = words
    result = drive(
        command,
        "wait:Netzw",
        "keys:m",
        "wait:.ics",  # the meetings' footer: Export .ics, Import .ics
        "keys:i",
        f"wait:{title}",
        f"type:{partner}",
        "keys:Enter",
        f"wait:{refused}",
        f"wait:{line}",
        "expect:Frühlingsfest im Park",
        "keys:Tab",
        "keys:Tab",
        PAUSE,
        "keys:Enter",
        f"wait:{imported}",
        f"gone:{title}",
        "wait:Elterncafé",
        "keys:q",
        "exited",
        size=size,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("size", "lang", "evening", "all_day"),
    [
        ("120x40", "de", "Di 14.01.2025 18:00", "Sa 23.01.2027 ganztägig"),
        ("80x24", "en", "Tue 2025-01-14 18:00", "Sat 2027-01-23 all day"),
    ],
)
def test_a_persons_meetings_show_in_the_meetings_zone_on_a_utc_machine(
    tmp_path: Path, size: str, lang: str, evening: str, all_day: str
) -> None:
    """Issue 18: on a machine in UTC the 18:00 Netzwerktreffen showed 17:00 and the all-day
    Saturday "Fri 23:00" in a person's details; and the name ran into the first fact."""
    command = on_a_sample_copy(tmp_path, lang, env="TZ=UTC LANG=C.UTF-8")
    result = drive(
        command,
        "wait:Netzw",
        "keys:n",
        "wait:Kulturverein",
        "keys:p",
        "wait:Aksoy-Brandt",
        PAUSE,
        "keys:Enter",
        "wait:miriam.aksoybrandt@example.net",
        "absent:Aksoy-BrandtE-",
        *(["keys:" + ",".join(["Down"] * 12)] if size == "80x24" else []),
        f"wait:{all_day}",
        *(["keys:" + ",".join(["Down"] * 10)] if size == "80x24" else []),
        f"wait:{evening}",
        "keys:Escape",
        PAUSE,
        "keys:q",
        "exited",
        size=size,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("size", "lang", "words"),
    [
        ("120x40", "en", "every month on the second Thursday, until 2030-12-31"),
        ("80x24", "de", "jeden Monat am zweiten Donnerstag"),
    ],
)
def test_a_series_shows_its_rule_in_words(tmp_path: Path, size: str, lang: str, words: str) -> None:
    """Issue 18: the meeting showed FREQ=MONTHLY;BYDAY=2TH;UNTIL=20301231T230000Z."""
    command = on_a_sample_copy(tmp_path, lang)
    result = drive(
        command,
        *FIRST_MEETING,
        f"wait:{words}",
        "absent:FREQ=",
        "keys:Escape",
        PAUSE,
        "keys:q",
        "exited",
        size=size,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("size", "lang", "new", "found"),
    [("120x40", "en", "New task", "1 task"), ("80x24", "de", "Neue Aufgabe", "1 Aufgabe")],
)
def test_typing_in_the_task_list_searches_and_esc_goes_to_the_list(
    tmp_path: Path, size: str, lang: str, new: str, found: str
) -> None:
    """Issue 18: typing "Stand" in the task list opened New task (the "a"). The list opens
    in its search box and searches as you type; Esc goes to the list, where "a" is New task."""
    command = on_a_sample_copy(tmp_path, lang)
    result = drive(
        command,
        "wait:Netzw",
        "keys:t",
        "wait:(l)",  # the tabs: Board (b), List (l)
        "keys:l",
        PAUSE,
        "type:Stand",
        f"wait:{found}",  # searched as typed: the one task with "Stand" in its title
        "wait:Stand für die",  # (the count can be painted before the row)
        "absent:" + new,
        "keys:Escape",
        PAUSE,
        "keys:a",
        f"wait:{new}",
        "keys:Escape",
        PAUSE,
        "keys:q",
        "exited",
        size=size,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("size", "lang", "words"),
    [
        (
            "80x24",
            "de",
            dict(answered="1 abgesagt · 1 keine Antwort", keys="Diese Ansicht", minutes="Protokoll", save="Speichern · ctrl+s", person="Neue Person"),
        ),
        (
            "120x40",
            "en",
            dict(answered="1 declined · 1 no reply", keys="This screen", minutes="Minutes", save="Save · ctrl+s", person="New person"),
        ),
    ],
)  # fmt: skip
def test_every_control_in_sight_and_keys_where_the_user_looks(
    tmp_path: Path, size: str, lang: str, words: dict[str, str]
) -> None:
    """Issue 18, "See every control": the dashboard names the next meetings at 80 columns;
    a meeting takes y/m/n for the highlighted invitee as soon as it opens (Amira Khalil, the
    ninth, has not answered); `?` lists the meeting's keys; New person shows Save with its
    key inside the screen."""
    command = on_a_sample_copy(tmp_path, lang)
    result = drive(
        command,
        "wait:AG Bildung un",  # the title beside its date, at 80 columns too
        "keys:m",
        "wait:.ics",
        "wait:AG Bildung",
        "keys:Enter",
        "wait:Amira Khalil",
        *["keys:Down"] * 8,
        "keys:n",
        f"wait:{words['answered']}",
        "keys:?",
        f"wait:{words['keys']}",
        f"expect:{words['minutes']}",
        "keys:Escape",
        f"gone:{words['keys']}",
        "keys:Escape",
        PAUSE,
        "keys:n",
        PAUSE,
        "keys:p",
        PAUSE,
        "keys:a",
        f"wait:{words['person']}",
        f"wait:{words['save']}",
        "keys:Escape",
        PAUSE,
        "keys:q",
        "exited",
        size=size,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("size", "lang", "kind"), [("80x24", "de", "Sitzung"), ("120x40", "en", "Meeting")]
)
def test_the_palette_finds_hostile_records_and_shows_them_literally(
    tmp_path: Path, size: str, lang: str, kind: str
) -> None:
    """Issue 18: ctrl+p finds records; a partner's name in markup is shown as typed (opening
    a found record by Enter: tests/ui/test_palette_records.py)."""
    command = on_a_hostile_network(tmp_path, lang)
    result = drive(
        command,
        "wait:Anna Kaputt [/]",
        "keys:C-p",
        PAUSE,
        "type:Rotkäppchen",
        f"wait:{kind}: [bold red]Rotkäppchen[/]",
        "absent:Traceback",
        "keys:Escape",
        PAUSE,
        "keys:q",
        "exited",
        size=size,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("size", "lang", "known", "typed", "unknown", "saved"),
    [
        ("80x24", "de", "Deutsch, Türkisch", "Deutsch, Türkçe und Kurdisch", "Unbekannte Sprache",
         "Deutsch, Kurdisch, Türkisch"),
        ("120x40", "en", "German, Turkish", "German, Türkçe and Kurdish", "Unknown language",
         "German, Kurdish, Turkish"),
    ],
)  # fmt: skip
def test_languages_are_typed_and_shown_by_name(
    tmp_path: Path, size: str, lang: str, known: str, typed: str, unknown: str, saved: str
) -> None:
    """Issue 18: the person form wanted codes ("de, tr") and the detail showed them. Now the
    form shows names, takes names in German, English or the language's own, names an unknown
    one in sight (at 80x24 too) and keeps what was typed; the detail shows names."""
    command = on_a_sample_copy(tmp_path, lang)
    result = drive(
        command,
        "wait:Netzw",
        "keys:n",
        "wait:(p)",
        "keys:p",
        "wait:Miriam Aksoy-Brandt",  # the list's first row
        "keys:/",
        PAUSE,
        "type:Ayşe Erdem",
        "gone:Emre Erdem",
        "keys:Enter",
        PAUSE,
        "keys:e",
        "wait:ctrl+s",
        "keys:Tab,Tab,Tab,Tab,Tab,Tab",
        f"wait:{known}",
        PAUSE,  # (the field's value shows before the focus has arrived there)
        "keys:C-u",
        f"type:{typed}",
        "keys:Tab",
        PAUSE,  # (keys sent within a millisecond of Tab still reach the field Tab leaves)
        "keys:C-u",
        "type:Elbisch",
        "keys:C-s",
        f"wait:{unknown}",
        "expect:Elbisch",
        f"expect:{typed}",  # nothing typed is lost
        "keys:C-u",
        "type:Türkisch" if lang == "de" else "type:Turkish",
        "keys:C-s",
        "gone:ctrl+s",
        "wait:Bündnis der Migrantinnen OWL;",  # the list read again, her row back
        "keys:Enter",
        f"wait:{saved}",
        "keys:Escape",
        PAUSE,
        "keys:q",
        "exited",
        size=size,
    )
    assert result.returncode == 0, result.stdout + result.stderr
