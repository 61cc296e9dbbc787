"""End to end, issue 19: a partner list kept in Excel (a notes sheet first, one "Name"
column, languages as words) is previewed and imported through the real command by keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.test_tmux import PAUSE, PEOPLE, drive, on_a_sample_copy


@pytest.mark.parametrize(
    ("size", "lang", "preview", "imported"),
    [
        ("80x24", "de", "3 Zeilen können importiert werden", "3 Zeilen importiert."),
        ("120x40", "en", "3 rows can be imported", "3 rows imported."),
    ],
)
def test_an_excel_partner_list_is_previewed_and_imported_by_keys(
    tmp_path: Path, size: str, lang: str, preview: str, imported: str
) -> None:
    from tests.fixtures import partner_lists

    source = tmp_path / "partnerliste.xlsx"
    source.write_bytes(partner_lists.xlsx())
    result = drive(
        on_a_sample_copy(tmp_path, lang),
        *PEOPLE,
        "keys:i",
        "wait:.xlsx, .ods",
        f"type:{source}",
        "keys:Enter",
        f"wait:{preview}",
        "keys:C-s",
        f"wait:{imported}",
        "keys:/",
        PAUSE,
        "type:Müller",
        "wait:Jürgen Müller",
        "keys:Escape",
        PAUSE,
        "keys:q",
        "exited",
        size=size,
    )
    assert result.returncode == 0, result.stdout + result.stderr
