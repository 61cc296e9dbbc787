"""End to end, issue 18: an answer for one date of a series stays with that date. In the
real command, "n" on the December date of the AG Bildung series reads "declined (this
date)"; the January date still shows the series' answer."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.test_tmux import PAUSE, drive, on_a_sample_copy


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
