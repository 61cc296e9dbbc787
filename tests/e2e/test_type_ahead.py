"""End to end, issue 18 "keys act where the user looks": a search typed in one go right
after the key that opens it ("/Hollmann", "lStand") lands in the search box. Before, the
letters were sent to the list before the focus moved: "H" opened the record's changes and
the rest was lost."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.test_tmux import PAUSE, PEOPLE, drive, on_a_sample_copy


@pytest.mark.parametrize(("size", "lang"), [("80x24", "de"), ("120x40", "en")])
def test_a_search_typed_at_once_after_its_key_is_not_lost(
    tmp_path: Path, size: str, lang: str
) -> None:
    result = drive(
        on_a_sample_copy(tmp_path, lang),
        *PEOPLE,
        "type:/Hollmann",  # one burst, no pause after "/"
        "gone:Miriam Aksoy-Brandt",
        "wait:Ute Hollmann",
        "absent:Änderungen:" if lang == "de" else "absent:Changes:",
        "keys:Escape",
        PAUSE,
        "keys:t",
        "wait:(l)",
        "type:lStand",
        "wait:Stand für die Interkulturelle Woche",
        "wait:1 Aufgabe" if lang == "de" else "wait:1 task",
        "keys:Escape",
        PAUSE,
        "keys:q",
        "exited",
        size=size,
    )
    assert result.returncode == 0, result.stdout + result.stderr
