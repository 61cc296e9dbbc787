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


BROKEN = ""  # the key of a row that could not be read: its value says why


class _Lines:
    """The file's lines from ``start`` on, counting how many a record took."""

    def __init__(self, lines: list[str], start: int) -> None:
        self.lines, self.next = lines, start

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self.next >= len(self.lines):
            raise StopIteration
        self.next += 1
        return self.lines[self.next - 1]


def _records(
    lines: list[str], delimiter: str, start: int
) -> Iterable[tuple[int, list[str] | None]]:
    """(first line number, cells) of each record; cells None for a record that cannot be
    read (a quote never closed, a stray quote). A broken record spoils its own line only: an
    unterminated quote does not swallow the rest of the file into one cell."""
    index = start
    while index < len(lines):
        source = _Lines(lines, index)
        try:
            record = next(csv.reader(source, delimiter=delimiter, strict=True))
        except StopIteration:
            return
        except csv.Error:
            yield index + 1, None
            index += 1
            continue
        yield index + 1, record
        index = source.next


def read_rows(
    data: bytes, aliases: dict[str, str]
) -> tuple[list[tuple[int, dict[str, str]]], str, str, list[str]]:
    """Rows as (line number, {field: text}), the delimiter, the encoding and the headers that
    were not understood. ``aliases`` maps folded header names to field names. A row that
    cannot be read comes as (line, {BROKEN: why})."""
    text, encoding = decode(data)
    if not text.strip():
        raise SpreadsheetError("the file is empty")
    lines = list(io.StringIO(text, newline=""))
    first_line = lines[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    records = iter(_records(lines, delimiter, 0))
    try:
        _line, header = next(records)
    except StopIteration:
        raise SpreadsheetError("the file is empty") from None
    if header is None:
        raise SpreadsheetError("line 1: the header line has a quote that is never closed")
    fields = [
        aliases.get(fold(name.strip()).replace("-", " ").replace("_", " ")) for name in header
    ]
    unknown = [
        name for name, field in zip(header, fields, strict=True) if field is None and name.strip()
    ]
    if not any(fields):
        raise SpreadsheetError("no known column in the header line")
    rows: list[tuple[int, dict[str, str]]] = []
    for line, record in records:
        if record is None:
            rows.append((line, {BROKEN: "quote"}))
            continue
        if not any(cell.strip() for cell in record):
            continue
        rows.append(
            (
                line,
                {
                    field: unneutralise(cell.strip())
                    for field, cell in zip(fields, record, strict=False)
                    if field
                },
            )
        )
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
