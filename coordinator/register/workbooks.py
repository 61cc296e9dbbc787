"""The tables coordinators keep, read as records of text cells: Excel (.xlsx) and
LibreOffice (.ods) workbooks through python-calamine (docs/0010-lists.md), and CSV text in
UTF-8 (with or without BOM), UTF-16 or Windows-1252, separated by ; , or tab.

A file is recognised by its bytes, not its name: a workbook is a zip archive; an old .xls or
a password-protected workbook is an OLE compound file, which is named as such."""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

from coordinator.i18n import _

ZIP = b"PK\x03\x04"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls, or an encrypted .xlsx/.ods
MAX_COLUMNS = 500  # more is not a list of people: refused before anything is built


class TableError(ValueError):
    """The file cannot be read as a table (one line, for the coordinator)."""


@dataclass(frozen=True)
class Table:
    records: list[tuple[int, list[str]]]  # (line or row number, cells)
    kind: str  # "csv", "xlsx" or "ods"
    encoding: str = ""  # of a CSV file
    delimiter: str = ""
    sheet: str = ""  # of a workbook
    sheets: tuple[str, ...] = ()


def sheet_names(data: bytes) -> list[str]:
    """The sheets of a workbook ([] for a CSV file)."""
    if not data.startswith(ZIP):
        return []
    return list(_workbook(data).sheet_names)


def _workbook(data: bytes):  # type: ignore[no-untyped-def]
    from python_calamine import CalamineWorkbook

    try:
        return CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine's own errors: a zip that is no workbook
        raise TableError(
            _("Not a spreadsheet this program can read (no Excel or LibreOffice workbook).")
        ) from exc


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a phone number or a year typed as a number
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def read_workbook(data: bytes, sheet: str | None = None) -> Table:
    """The rows of one sheet (the named one, else the first that holds anything)."""
    book = _workbook(data)
    names = list(book.sheet_names)
    if sheet is not None and sheet not in names:
        raise TableError(
            _("The workbook has no sheet “{sheet}” (it has: {names}).").format(
                sheet=sheet, names=", ".join(names)
            )
        )
    kind = "ods" if b"opendocument" in data[:200] else "xlsx"
    for name in [sheet] if sheet is not None else names:
        try:
            rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except Exception as exc:
            raise TableError(_("The sheet “{sheet}” cannot be read.").format(sheet=name)) from exc
        records = [
            (number, [_cell(v) for v in row])
            for number, row in enumerate(rows, start=1)
            if any(v not in (None, "") for v in row)
        ]
        if any(len(cells) > MAX_COLUMNS for _n, cells in records):
            raise TableError(
                _("More than {n} columns: this is not a list of people or organisations.").format(
                    n=MAX_COLUMNS
                )
            )
        if records:
            return Table(records, kind, sheet=name, sheets=tuple(names))
    raise TableError(_("The workbook holds no rows."))


_BOMS_16 = (b"\xff\xfe", b"\xfe\xff")


def _utf16_without_bom(data: bytes) -> bool:
    head = data[:400]
    return bool(head) and head.count(b"\x00") * 3 > len(head)


def decode(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and its encoding: UTF-16 by its BOM (or by its zero bytes),
    UTF-8 with or without BOM, else Windows-1252."""
    if data.startswith(_BOMS_16):
        return data.decode("utf-16"), "utf-16"
    if _utf16_without_bom(data):
        head = data[:400]
        little = head[1::2].count(0) > head[0::2].count(0)
        return data.decode("utf-16-le" if little else "utf-16-be", errors="replace"), "utf-16"
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "windows-1252"


def delimiter_of(lines: list[str]) -> str:
    """The delimiter of the first lines: the one that splits some line into the most cells
    (a title line above the header may hold a comma)."""
    counts = {d: max((line.count(d) for line in lines), default=0) for d in (";", "\t", ",")}
    return max(counts, key=lambda d: (counts[d], d == ";", d == "\t"))


def kind_of(data: bytes) -> str:
    """ "workbook", "csv", or a TableError that names what the file is instead."""
    if data.startswith(ZIP):
        return "workbook"
    if data.startswith(OLE):
        raise TableError(
            _(
                "An old Excel file (.xls) or a password-protected workbook: save it without a "
                "password as .xlsx, .ods or CSV."
            )
        )
    if b"\x00" in data[:4096] and not data.startswith(_BOMS_16) and not _utf16_without_bom(data):
        raise TableError(_("Not a table: the file holds binary data."))
    return "csv"


def write_workbook(title: str, header: list[str], rows: Iterable[list[str]]) -> bytes:
    """One sheet of text cells (openpyxl, write-only): every cell is typed as text, so a
    partner's "=1+1" or "+49 30 …" stays what was written (no formula, no number), and the
    control characters a workbook cannot hold are left out."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(ILLEGAL_CHARACTERS_RE.sub("", title)[:31] or "Sheet")

    def text(value: str, *, bold: bool = False) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
        cell.data_type = "s"  # (set after the value: openpyxl reads "=…" as a formula)
        if bold:
            cell.font = Font(bold=True)
        return cell

    sheet.append([text(h, bold=True) for h in header])
    for row in rows:
        sheet.append([text(value) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
