"""End to end, issue 18 "Trust every time and every list": an answer for one date of a
series stays with that date ("n" on the December date of the AG Bildung series reads
"declined (this date)", the January date still shows the series' answer), and the task
board names the highlighted task in full and folds its dropped column."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.test_tmux import PAUSE, TASKS, drive, on_a_sample_copy


@pytest.mark.parametrize(
    ("size", "lang", "keys", "own", "series_answer"),
    [
        ("120x40", "en", "every date", "declined (this date)", "Miriam Aksoy-Brandt  accepted"),
        ("80x24", "de", "alle Termine", "abgesagt (dieser Termin)", "Miriam Aksoy-Brandt  zugesagt"),
    ],
)  # fmt: skip
def test_a_no_for_one_date_of_a_series_stays_with_that_date(
    tmp_path: Path, size: str, lang: str, keys: str, own: str, series_answer: str
) -> None:
    result = drive(
        on_a_sample_copy(tmp_path, lang),
        "wait:Netzw",
        "keys:m",
        "wait:.ics",
        "wait:AG Bildung",
        "keys:Enter",  # Thu 10.12.2026, the first row
        f"wait:{keys}",  # the invitees' heading names both kinds of answer
        "wait:Miriam Aksoy-Brandt",
        "keys:n",
        f"wait:{own}",
        "keys:Escape",
        PAUSE,
        "keys:Down,Down,Down,Down",  # Thu 14.01.2027, the series' next date
        "keys:Enter",
        f"wait:{keys}",
        f"wait:{series_answer}",
        "absent:" + own,
        "keys:Escape",
        PAUSE,
        "keys:q",
        "exited",
        size=size,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("size", "lang", "owner", "folded"),
    [
        ("80x24", "de", "zuständig: Iryna Bondarenko", "verworfen ("),
        ("120x40", "en", "owner: Iryna Bondarenko", "dropped ("),
    ],
)
def test_the_task_board_names_the_highlighted_task_and_folds_the_dropped_column(
    tmp_path: Path, size: str, lang: str, owner: str, folded: str
) -> None:
    """Issue 18: the board cut titles and owners to a few letters. The line under it names
    the highlighted task in full; `f` folds the dropped column away and back."""
    result = drive(
        on_a_sample_copy(tmp_path, lang),
        *TASKS,
        f"wait:{folded}",
        "keys:Down",
        "wait:Referentin für die Schulung anfragen",  # whole, in the detail line
        f"wait:{owner}",
        "keys:f",
        f"gone:{folded}",
        "keys:f",
        f"wait:{folded}",
        "keys:q",
        "exited",
        size=size,
    )
    assert result.returncode == 0, result.stdout + result.stderr
