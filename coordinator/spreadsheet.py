"""CSV files as coordinators keep them: ; or , separated, UTF-8 or Windows-1252, headers in
German or English. Reading gives rows of text; writing neutralises formulas."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from storage.search import fold

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


class SpreadsheetError(ValueError):
    """The file cannot be read as a table."""


def decode(data: bytes) -> tuple[str, str]:
    """The text and the encoding it was in: UTF-8 (with or without BOM), else Windows-1252."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "windows-1252"


def read_rows(
    data: bytes, aliases: dict[str, str]
) -> tuple[list[tuple[int, dict[str, str]]], str, str, list[str]]:
    """Rows as (line number, {field: text}), the delimiter, the encoding and the headers that
    were not understood. ``aliases`` maps folded header names to field names."""
    text, encoding = decode(data)
    if not text.strip():
        raise SpreadsheetError("the file is empty")
    first_line = text.splitlines()[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        raise SpreadsheetError(str(exc)) from None
    fields = [
        aliases.get(fold(name.strip()).replace("-", " ").replace("_", " ")) for name in header
    ]
    unknown = [
        name for name, field in zip(header, fields, strict=True) if field is None and name.strip()
    ]
    if not any(fields):
        raise SpreadsheetError("no known column in the header line")
    rows = []
    try:
        for record in reader:
            if not any(cell.strip() for cell in record):
                continue
            row = {
                field: unneutralise(cell.strip())
                for field, cell in zip(fields, record, strict=False)
                if field
            }
            rows.append((reader.line_num, row))
    except csv.Error as exc:
        raise SpreadsheetError(f"line {reader.line_num}: {exc}") from None
    return rows, delimiter, encoding, unknown


def neutralise(cell: str) -> str:
    """A cell a spreadsheet would run as a formula starts with ' so it stays text."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def unneutralise(cell: str) -> str:
    """Undo ``neutralise`` when reading a file this program (or a careful person) wrote."""
    return (
        cell[1:]
        if cell.startswith("'") and cell[1:2].startswith(FORMULA_STARTS) and len(cell) > 1
        else cell
    )


def write_rows(
    header: Sequence[str], rows: Iterable[Sequence[str]], *, delimiter: str = ";"
) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in header])
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return "\ufeff" + out.getvalue()
