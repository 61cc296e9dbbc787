"""Every export written from the hostile network (tests/hostile.py) and read back with an
independent parser: no injected calendar property, CSV formula, vCard line, JSON field,
Markdown heading or HTML element."""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser

import icalendar
import pytest
from sqlalchemy import Engine

from coordinator.calendar import feeds, itip
from coordinator.meetings import agenda_files
from coordinator.minutes import minutes_files
from coordinator.register import exports, vcard
from coordinator.register.spreadsheet import FORMULA_STARTS
from tests.hostile import HOSTILE, HOSTILE_NOW, fill_hostile


@pytest.fixture
def hostile(engine: Engine) -> dict[str, list[int]]:
    return fill_hostile(engine, HOSTILE_NOW)


class Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        assert not any(name.startswith("on") for name, _v in attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_calendar_feed_holds_exactly_the_meetings_and_invitees(
    engine: Engine, hostile: dict[str, list[int]]
) -> None:
    text = feeds.feed(engine, None, feeds.FeedOptions(attendees=True), HOSTILE_NOW)
    calendar = icalendar.Calendar.from_ical(text)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == len(HOSTILE)
    summaries = sorted(str(e["SUMMARY"]) for e in events)
    # RFC 5545 writes a line break as \n: CR LF comes back as LF, and nothing else changes.
    assert summaries == sorted(h[:200].replace("\r\n", "\n").replace("\r", "\n") for h in HOSTILE)
    for event in events:
        attendees = event.get("ATTENDEE")
        attendees = attendees if isinstance(attendees, list) else [attendees]
        assert len(attendees) == 1 and "evil" not in str(attendees[0])
    assert "evil@example.org" not in "".join(
        str(a) for e in events for a in ([e.get("ATTENDEE")] if e.get("ATTENDEE") else [])
    )


def test_invitations_name_only_the_invitee(engine: Engine, hostile: dict[str, list[int]]) -> None:
    for number in hostile["meeting"]:
        calendar = icalendar.Calendar.from_ical(itip.invitation(engine, number, "de", HOSTILE_NOW))
        (event,) = calendar.walk("VEVENT")
        assert str(calendar["METHOD"]) == "REQUEST"
        assert not isinstance(event.get("ATTENDEE"), list)


def test_csv_exports_parse_to_one_row_per_record_without_formulas(
    engine: Engine, hostile: dict[str, list[int]]
) -> None:
    for text in (exports.people_csv(engine), exports.organisations_csv(engine)):
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
        assert len(rows) == 1 + len(HOSTILE)
        for row in rows[1:]:
            assert not any(cell.startswith(FORMULA_STARTS) for cell in row), row


def test_json_and_vcard_exports_parse_back(engine: Engine, hostile: dict[str, list[int]]) -> None:
    people = json.loads(exports.people_json(engine))
    assert sorted(p["given_name"] for p in people) == sorted(h[:120] for h in HOSTILE)
    assert len(json.loads(exports.organisations_json(engine))) == len(HOSTILE)
    cards = vcard.vcards(exports.person_records(engine))
    unfolded = cards.replace("\r\n ", "")
    lines = [line for line in unfolded.split("\r\n") if line]
    assert sum(line == "BEGIN:VCARD" for line in lines) == len(HOSTILE)
    assert sum(line == "END:VCARD" for line in lines) == len(HOSTILE)
    allowed = {"BEGIN", "END", "VERSION", "FN", "N", "EMAIL", "TEL", "ORG", "ROLE", "NOTE",
               "LANG", "UID", "REV", "CATEGORIES", "TITLE", "KIND"}  # fmt: skip
    names = {  # (an affiliation's ORG and ROLE share a property group: org1.ORG, org1.ROLE)
        re.sub(r"^ORG\d+\.", "", line.split(":", 1)[0].split(";", 1)[0].upper()) for line in lines
    }
    assert names <= allowed, names - allowed
    assert not any(line.startswith(("ATTENDEE", "BCC")) for line in lines)


@pytest.mark.parametrize("document", ["agenda", "minutes"])
def test_documents_escape_markup_and_keep_headings_whole(
    engine: Engine, hostile: dict[str, list[int]], document: str
) -> None:
    render = agenda_files.render if document == "agenda" else minutes_files.render_minutes
    for number in hostile["meeting"]:
        page = Elements()
        page.feed(render(engine, number, "html", "de"))
        assert not {"script", "img", "a"} & set(page.tags), page.tags
        markdown = render(engine, number, "md", "de")
        lines = markdown.split("\n")
        assert "\r" not in markdown
        headings = [line for line in lines if line.startswith("#")]
        assert headings[0].startswith("# ") and all(
            h.startswith(("# ", "## ")) for h in headings
        ), headings
        assert len([h for h in headings if h.startswith("# ")]) == 1
        for line in lines:  # no raw HTML, no link, and every table row as wide as its table
            assert not re.search(r"(?<!\\)[<\[`]", line), line
        pipes = {len(re.findall(r"(?<!\\)\|", line)) for line in lines if line.startswith("|")}
        assert len(pipes) <= 2, pipes  # the decisions' table and the tasks' table
        text = render(engine, number, "txt", "de")
        title, underline = text.split("\n")[:2]
        assert set(underline) == {"="} and len(underline) == len(title)


def test_xlsx_exports_hold_every_value_as_text_and_no_formula(
    engine: Engine, hostile: dict[str, list[int]]
) -> None:
    """Issue 19, "Exports mirror the imports": people and organisations as .xlsx, read back
    with openpyxl: one row per record, each cell a text cell (a "=…" stays text, not a
    formula), the value as stored (less the control characters a workbook cannot hold)."""
    from openpyxl import load_workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    for data in (exports.people_xlsx(engine), exports.organisations_xlsx(engine)):
        sheet = load_workbook(io.BytesIO(data)).worksheets[0]
        rows = list(sheet.iter_rows())
        assert len(rows) == 1 + len(HOSTILE)
        assert all(cell.data_type == "s" for row in rows for cell in row if cell.value)
        # (XML keeps a line break as LF: CR LF and CR come back as LF)
        firsts = sorted(str(row[0].value or "")[:100] for row in rows[1:])
        expected = sorted(
            ILLEGAL_CHARACTERS_RE.sub("", h.replace("\r\n", "\n").replace("\r", "\n"))[:100]
            for h in HOSTILE
        )
        assert firsts == expected
