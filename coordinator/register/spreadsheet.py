"""CSV files as coordinators keep them: ; or , separated, UTF-8 or Windows-1252, headers in
German or English. Reading gives rows of text; writing neutralises formulas."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import NamedTuple

from coordinator.register import workbooks
from coordinator.register.workbooks import TableError
from storage.search import fold

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


SpreadsheetError = TableError  # the file cannot be read as a table


def decode(data: bytes) -> tuple[str, str]:
    """The text and the encoding it was in (coordinator/register/workbooks.py)."""
    return workbooks.decode(data)


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


class ReadRows(NamedTuple):
    rows: list[tuple[int, dict[str, str]]]
    delimiter: str
    encoding: str
    unknown: list[str]  # headers no field was found for
    mapping: list[tuple[str, str]]  # (header, field) as understood ("" skipped), for the preview
    headers: tuple[str, ...] = ()  # the header line's names, in order
    columns: dict[str, str] = {}


Columns = dict[str, str]  # a header (as header_key folds it) -> field, or "" to skip it


def header_set(names: Iterable[str]) -> str:
    """One key for a header line: lists with the same columns share a remembered mapping."""
    import hashlib

    keys = sorted({header_key(n) for n in names if n.strip()})
    return hashlib.sha1("\x1f".join(keys).encode()).hexdigest()


HEADER_SEARCH = 10  # a list may start with a title line or two above its header


def header_key(name: str) -> str:
    """A column heading as the aliases know it: folded, "-"/"_" as spaces, no trailing ":"."""
    return " ".join(fold(name.strip()).replace("-", " ").replace("_", " ").rstrip(":").split())


def read_rows(
    data: bytes,
    aliases: dict[str, str],
    *,
    sheet: str | None = None,
    columns: Columns | None = None,
    remembered: dict[str, Columns] | None = None,
) -> ReadRows:
    """Rows as (line number, {field: text}), the delimiter, the encoding (for a workbook: its
    kind and sheet, "xlsx: Partner") and the headers that were not understood. ``aliases``
    maps folded header names to field names; ``columns`` (chosen by the coordinator), else a
    mapping ``remembered`` for the same header set (by ``header_set``), place or skip
    columns over that. A row that cannot be read comes as (line, {BROKEN: why}). The header
    is the first of the first rows that names a known column."""
    from coordinator.i18n import _

    if not data.strip():
        raise SpreadsheetError(_("The file is empty."))
    records: Iterator[tuple[int, list[str] | None]]
    if workbooks.kind_of(data) == "workbook":
        # The named sheet, else the first whose rows have a header we know (a workbook may
        # open with a sheet of notes).
        names = [sheet] if sheet is not None else workbooks.sheet_names(data)
        for index, name in enumerate(names):
            try:
                table = workbooks.read_workbook(data, name)
                records = iter(table.records)  # type: ignore[arg-type]
                header, fields, chosen = _header(records, aliases, columns, remembered)
            except SpreadsheetError:
                if index == len(names) - 1:
                    raise
                continue
            break
        delimiter, encoding = "", f"{table.kind}: {table.sheet}"
    else:
        text, encoding = decode(data)
        if not text.strip():
            raise SpreadsheetError(_("The file is empty."))
        lines = list(io.StringIO(text, newline=""))
        delimiter = workbooks.delimiter_of(lines[:HEADER_SEARCH])
        if (
            max(len(line.split(delimiter)) for line in lines[:HEADER_SEARCH])
            > workbooks.MAX_COLUMNS
        ):
            raise SpreadsheetError(
                _("More than {n} columns: this is not a list of people or organisations.").format(
                    n=workbooks.MAX_COLUMNS
                )
            )
        records = iter(_records(lines, delimiter, 0))
        header, fields, chosen = _header(records, aliases, columns, remembered)
    unknown = [
        name
        for name, field in zip(header, fields, strict=True)
        if field is None and name.strip() and chosen.get(header_key(name)) != ""
    ]
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
                _joined(fields, record),
            )
        )
    mapping = [
        (name.strip(), f or "")
        for name, f in zip(header, fields, strict=True)
        if f or (name.strip() and chosen.get(header_key(name)) == "")
    ]
    shown = tuple(name.strip() for name in header if name.strip())
    return ReadRows(rows, delimiter, encoding, unknown, mapping, shown, chosen)


def _joined(fields: list[str | None], record: list[str]) -> dict[str, str]:
    """A row's cells by field; two columns of one field (E-Mail 1, E-Mail 2) are joined."""
    row: dict[str, str] = {}
    for field, cell in zip(fields, record, strict=False):
        value = unneutralise(cell.strip())
        if field and value:
            row[field] = f"{row[field]}\n{value}" if field in row else value
    return row


def _header(
    records: Iterator[tuple[int, list[str] | None]],
    aliases: dict[str, str],
    columns: Columns | None,
    remembered: dict[str, Columns] | None,
) -> tuple[list[str], list[str | None], Columns]:
    """The header (the first of the first rows that names a known column), its fields and
    the chosen columns in effect; ``records`` is left at the row after it."""
    from coordinator.i18n import _

    for _attempt in range(HEADER_SEARCH):
        try:
            line_number, found = next(records)
        except StopIteration:
            break
        if found is None:
            raise SpreadsheetError(
                _("Line {line}: a quote that is never closed.").format(line=line_number)
            )
        chosen = columns if columns is not None else (remembered or {}).get(header_set(found), {})
        keys = [header_key(name) for name in found]
        fields = [(chosen[key] or None) if key in chosen else aliases.get(key) for key in keys]
        if any(fields):
            return found, fields, chosen
    raise SpreadsheetError(
        _("No known column name (like Name, E-Mail, Organisation) in the first {n} rows.").format(
            n=HEADER_SEARCH
        )
    )


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
