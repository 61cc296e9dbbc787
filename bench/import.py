"""Partner lists at scale: a 50,000-row people list previewed and imported.

    .venv/bin/python -m bench.import [--rows 50000] [--rounds 3]

The list is written the way a coordinator's spreadsheet is: German headers, one "Name"
column, organisations (500 of them, new to the network), languages by name, phones as typed
("0521 / 1234567"), every tenth row without e-mail. Both a CSV file (Excel's "CSV UTF-8",
with ";") and an .xlsx workbook (openpyxl, from the test extras) are measured into a fresh copy
of sample.db: the preview (reading, shaping, validating, matching against the register and
the rows above) and the import (one transaction). A second preview of the same list after
the import (every row already in the register) is measured too. Goal: import ≤ 5 s.
"""

from __future__ import annotations

import argparse
import random
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path

from coordinator.register import exchange
from storage.engine import open_database, resolve_target

ROOT = Path(__file__).resolve().parent.parent
GIVEN = ["Ayşe", "Mehmet", "Olena", "Minh", "Amira", "Jürgen", "Fatma", "Dawit", "Lea", "Yusuf"]
FAMILY = ["Yılmaz", "Kaya", "Nguyen", "Müller", "Haddad", "Bondarenko", "Tesfaye", "Schmidt"]
SYLLABLES = [
    "ba",
    "ke",
    "lo",
    "mi",
    "nu",
    "ra",
    "se",
    "ti",
    "vo",
    "zu",
    "an",
    "er",
    "ol",
    "ik",
    "us",
    "da",
    "fe",
    "go",
    "hu",
    "ja",
    "pe",
    "qi",
    "wa",
    "ye",
]
LANGUAGES = ["Deutsch, Türkisch", "Arabisch", "Ukrainisch; Russisch", "Vietnamesisch", "de, en"]
HEADER = ["Name", "E-Mail", "Telefon", "Verein", "Funktion", "Sprachen", "Bemerkung"]


def rows(count: int) -> list[list[str]]:
    rng = random.Random(19)
    found = []
    for i in range(count):
        given = rng.choice(GIVEN)
        family = rng.choice(FAMILY) + "".join(rng.choice(SYLLABLES) for _ in range(3))
        found.append(
            [
                f"{given} {family}",
                "" if i % 10 == 0 else f"p{i}@example.org",
                f"0521 / {1000000 + i}",
                f"Verein {i % 500} e.V.",
                rng.choice(["Vorsitz", "Kasse", ""]),
                rng.choice(LANGUAGES),
                "" if i % 3 else "kam über die Stadtteilkonferenz",
            ]
        )
    return found


def csv_bytes(table: list[list[str]]) -> bytes:
    lines = [";".join(HEADER)] + [";".join(row) for row in table]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def xlsx_bytes(table: list[list[str]]) -> bytes:
    import io

    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Partner")
    sheet.append(HEADER)
    for row in table:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def measure(data: bytes) -> tuple[float, float, float, int]:
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "network.db"
        shutil.copy(ROOT / "sample.db", target)
        engine = open_database(resolve_target(str(target)))
        start = time.perf_counter()
        plan = exchange.plan_people_import(engine, data)
        preview = time.perf_counter() - start
        start = time.perf_counter()
        added = exchange.apply_import(engine, plan, today=date(2026, 12, 4))
        imported = time.perf_counter() - start
        start = time.perf_counter()
        again = exchange.plan_people_import(engine, data)
        second = time.perf_counter() - start
        assert again.valid == 0, again.valid
        engine.dispose()
    return preview, imported, second, added


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    table = rows(args.rows)
    files = {"csv (UTF-8 with BOM, ;)": csv_bytes(table), "xlsx": xlsx_bytes(table)}
    print(f"{args.rows:,} rows, best of {args.rounds} rounds, into a copy of sample.db")
    print("| file | preview | import | preview again (all known) | rows imported |")
    print("| --- | --- | --- | --- | --- |")
    for name, data in files.items():
        runs = [measure(data) for _round in range(args.rounds)]
        preview = min(r[0] for r in runs)
        imported = min(r[1] for r in runs)
        second = min(r[2] for r in runs)
        print(f"| {name} | {preview:.2f} s | {imported:.2f} s | {second:.2f} s | {runs[0][3]:,} |")


if __name__ == "__main__":
    main()
