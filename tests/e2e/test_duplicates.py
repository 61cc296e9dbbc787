"""End to end, issue 19: a list with people already in the register is previewed, one row's
choice changed by a key, imported; then a person merged into another, all through the real
command by keys (de 80x24, en 120x40)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.e2e.test_tmux import PAUSE, PEOPLE, drive, on_a_sample_copy

LIST = (
    "Vorname;Nachname;E-Mail;Telefon\r\n"
    "Miriam;Aksoy-Brandt;;0521 / 12 34 56\r\n"
    "Mehmet;Aydin;mehmet.aydin@example.com;0171 2345678\r\n"
    "Neu;Leute;neu@example.org;\r\n"
)


@pytest.mark.parametrize(
    ("size", "lang", "counts", "overwrite", "imported", "merge", "merged"),
    [
        ("80x24", "de", "neu: 1, schon im Verzeichnis: 1", "überschreiben", "3 Zeilen importiert",
         "Neu Leute zusammenführen", "zusammengeführt"),
        ("120x40", "en", "new: 1, already in the register: 1", "overwrite", "3 rows imported",
         "Merge Neu Leute into", "merged into"),
    ],
)  # fmt: skip
def test_a_list_with_known_people_and_a_merge_by_keys(
    tmp_path: Path, size: str, lang: str, counts: str, overwrite: str, imported: str,
    merge: str, merged: str,
) -> None:  # fmt: skip
    source = tmp_path / "liste.csv"
    source.write_text(LIST, encoding="utf-8")
    command = on_a_sample_copy(tmp_path, lang)
    result = drive(
        command,
        *PEOPLE,
        "keys:i",
        "wait:.xlsx, .ods",
        f"type:{source}",
        "keys:Enter",
        f"wait:{counts}",  # the table of rows that may be somebody already there has the focus
        "keys:o",  # Miriam's row: overwrite
        f"wait:{overwrite}",
        "keys:C-s",
        f"wait:{imported}",
        "keys:/",
        PAUSE,
        "type:Leute",
        "wait:neu@example.org",
        "keys:Escape",
        PAUSE,
        "keys:M",
        f"wait:{merge}",
        "type:Miriam Aksoy",
        "wait:Miriam Aksoy-Brandt",  # the one name that fits, in the dropdown
        "keys:Enter",  # takes it into the field
        PAUSE,
        "keys:Enter",  # merges
        f"wait:{merged}",
        "keys:q",
        "exited",
        size=size,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    db = sqlite3.connect(tmp_path / "sample.db")
    try:
        (phone, email) = db.execute(
            "SELECT phone, email FROM person WHERE family_name = 'Aksoy-Brandt'"
        ).fetchone()
        gone = db.execute("SELECT COUNT(*) FROM person WHERE family_name = 'Leute'").fetchone()
    finally:
        db.close()
    assert phone == "+49521123456" and email.startswith("miriam.")  # overwritten; kept
    assert gone == (0,)
