"""End to end, issue 18 "Pick, don't type": name fields suggest the register's names in the
real command, at 80x24 and 120x40, in German and English; the text waited for is what a
person reads (the dropdown's names, the dialog's message, the saved row)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.test_tmux import FIRST_MEETING, PAUSE, TASKS, drive, on_a_sample_copy


@pytest.mark.parametrize(
    ("size", "lang", "placeholder", "invited"),
    [
        ("80x24", "en", "Name as in the register", "3 people invited."),
        ("120x40", "de", "Name wie im Verzeichnis", "3 Personen eingeladen."),
    ],
)
def test_invite_suggests_and_takes_the_one_organisation_that_fits(
    tmp_path: Path, size: str, lang: str, placeholder: str, invited: str
) -> None:
    """ "Jobcenter" said "No single match" though one organisation's name starts so. Now
    the dropdown shows it as "jobc" is typed, Enter takes it, Enter invites its people."""
    result = drive(
        on_a_sample_copy(tmp_path, lang),
        *FIRST_MEETING,
        "wait:(i ",  # the invitees' heading: i invite; y / m / n …
        "keys:i",
        f"wait:{placeholder}",
        "type:jobc",
        "wait:Jobcenter Arbeitplus, Integration Point",
        "keys:Enter",
        "gone:jobc",  # the field now holds the whole name
        "keys:Enter",
        f"wait:{invited}",
        "keys:Escape",
        PAUSE,
        "keys:q",
        "exited",
        size=size,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("size", "lang", "placeholder", "refused"),
    [
        ("80x24", "de", "Zuständig: Person", "Fällig: Kein Datum"),
        ("120x40", "en", "Owner: person", "Due: Not a date"),
    ],
)
def test_a_new_tasks_owner_is_picked_and_a_bad_date_keeps_the_dialog(
    tmp_path: Path, size: str, lang: str, placeholder: str, refused: str
) -> None:
    """Seven people are called Hollmann: "holl" lists them, "holl ut" leaves one, Enter takes
    her. A due date of 31.02. is named under the fields, all typed text stays; corrected, the
    task is saved with her as owner."""
    result = drive(
        on_a_sample_copy(tmp_path, lang),
        *TASKS,
        "keys:a",
        f"wait:{placeholder}",
        "type:Plakate drucken",
        "keys:Tab",
        PAUSE,  # (keys sent within a millisecond of Tab would still reach the title field)
        "type:holl",
        "wait:Tobias Hollmann",
        "expect:Anna Hollmann",
        "type: ut",
        "gone:Tobias Hollmann",
        "keys:Enter",
        "wait:Ute Hollmann",
        "keys:Tab",
        PAUSE,
        "type:31.02.2027",
        "keys:C-s",
        f"wait:{refused}",
        "expect:Plakate drucken",
        "expect:Ute Hollmann",
        "expect:31.02.2027",
        "keys:C-u",
        "type:28.02.2027",
        "keys:C-s",
        "gone:ctrl+s",
        "keys:l",
        PAUSE,
        "type:Plakate",
        "wait:Ute Hollmann",
        "keys:Escape",
        PAUSE,
        "keys:q",
        "exited",
        size=size,
    )
    assert result.returncode == 0, result.stdout + result.stderr
