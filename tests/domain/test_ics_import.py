"""Importing calendar files: the clients' own files, the SEQUENCE rules, replies and
cancellations, malformed files (nothing imported), the round trip and undo."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from sqlalchemy import Engine
from sqlmodel import select

import storage.bulk
from coordinator.calendar import feeds, import_plan, import_undo, import_writer, importing, parsing
from coordinator.calendar.contentlines import IcsError, PlainEvent, iter_parse
from coordinator.calendar.feeds import FeedOptions
from coordinator.calendar.import_plan import (
    CANCELLED,
    IGNORED,
    NEW,
    OLDER,
    REPLY,
    UNCHANGED,
    UPDATED,
)
from coordinator.i18n import set_language
from coordinator.meetings import invitations, meetings
from coordinator.meetings.schedule import occurrences
from coordinator.register import people
from coordinator.register.people import PersonInput
from coordinator.validation import ValidationError
from storage.enums import MeetingStatus, Rsvp
from storage.models import Invitation, Meeting, Person
from storage.rows import AlchemyRows
from storage.search import search_key
from storage.uow import reading
from tests.conftest import FROZEN_NOW
from tests.fixtures.ics_clients import CLIENTS, GOOGLE, NEXTCLOUD, OUTLOOK, crlf
from tests.snapshots import snapshot

BERLIN = ZoneInfo("Europe/Berlin")


def load(engine: Engine, text: str | bytes, name: str = "file.ics") -> import_plan.ImportPlan:
    raw = crlf(text) if isinstance(text, str) else text
    return importing.apply(engine, parsing.read_calendar(raw), name, now=FROZEN_NOW)


def meeting_by_title(engine: Engine, title: str) -> Meeting:
    with reading(engine) as session:
        found = session.exec(
            select(Meeting).where(Meeting.title == title, Meeting.series_id == None)  # noqa: E711
        ).one()
    return found


@pytest.mark.parametrize("client", sorted(CLIENTS))
def test_every_client_family_matches_icalendars_reading(engine: Engine, client: str) -> None:
    """Our reader against icalendar's on the same file: same events, times and people."""
    raw = crlf(CLIENTS[client])
    ours = parsing.read_calendar(raw).events
    theirs = icalendar.Calendar.from_ical(raw).walk("VEVENT")
    assert [e.uid for e in ours] == [str(e["UID"]) for e in theirs]
    for mine, reference in zip(ours, theirs, strict=True):
        start = reference["DTSTART"].dt
        if isinstance(start, datetime):
            assert mine.starts_at == start.astimezone(UTC)
        else:
            assert mine.all_day and mine.starts_at.astimezone(BERLIN).date() == start
        assert mine.title == str(reference.get("SUMMARY", ""))
        attendees = reference.get("ATTENDEE", [])
        attendees = attendees if isinstance(attendees, list) else [attendees]
        assert [a.email for a in mine.attendees] == [str(a)[7:] for a in attendees]
        assert [a.name for a in mine.attendees] == [a.params.get("CN", "") for a in attendees]
    assert load(engine, CLIENTS[client]).count(NEW) == len(ours)
    assert load(engine, CLIENTS[client]).changes == 0  # the same file again changes nothing


def test_google_series_with_exception_and_moved_date(engine: Engine) -> None:
    plan = load(engine, GOOGLE)
    assert [r.action for r in plan.rows] == [NEW, NEW, NEW]
    cafe = meeting_by_title(engine, "Elterncafé")
    assert cafe.rrule.startswith("FREQ=WEEKLY") and cafe.timezone == "Europe/Berlin"
    assert cafe.location == "Familienzentrum Nord, Lindenallee 4, 44135 Dortmund"
    assert cafe.notes == "Offenes Treffen für Eltern, mit Kinderbetreuung.\nBitte anmelden."
    with engine.connect() as connection:
        found = occurrences(
            AlchemyRows(connection),
            datetime(2027, 1, 1, tzinfo=UTC),
            datetime(2027, 4, 1, tzinfo=UTC),
        )
    local = [o.starts_at.astimezone(BERLIN) for o in found if o.title.startswith("Elterncafé")]
    assert datetime(2027, 1, 26, 18, tzinfo=BERLIN) not in local  # EXDATE
    assert datetime(2027, 2, 2, 19, tzinfo=BERLIN) in local  # moved by its override
    assert {d.hour for d in local} <= {18, 19} and local[-1] == datetime(
        2027, 3, 30, 18, tzinfo=BERLIN
    )
    with reading(engine) as session:
        selin = session.exec(select(Person).where(Person.email == "selin.kaya@example.org")).one()
        invited = session.exec(select(Invitation).where(Invitation.person_id == selin.id)).one()
    assert (selin.given_name, selin.family_name) == ("Selin", "Kaya")
    assert invited.rsvp == Rsvp.ACCEPTED
    fest = meeting_by_title(engine, "Frühlingsfest im Park")
    assert fest.all_day and fest.starts_at == datetime(2027, 3, 6, tzinfo=BERLIN)


def test_outlook_windows_zone_names_and_quoted_names(engine: Engine) -> None:
    load(engine, OUTLOOK)
    meeting = meeting_by_title(engine, "Arbeitskreis Sprachmittlung")
    assert meeting.timezone == "Europe/Berlin"
    assert meeting.starts_at == datetime(2027, 2, 18, 15, tzinfo=BERLIN)
    with reading(engine) as session:
        names = session.exec(select(Person.family_name).order_by(Person.family_name)).all()
    assert "Yılmaz, Emre" in names  # "Family, Given" is kept whole: it exports exactly again
    with reading(engine) as session:
        added = session.exec(select(Person)).all()
    for person in added:  # found by the register's search like anyone typed in by hand
        parts = (person.given_name, person.family_name, person.email, person.notes)
        assert person.search_text == search_key(parts) and "yilmaz" in search_key(names)
    text = feeds.feed(engine, None, FeedOptions(attendees=True), FROZEN_NOW)
    assert 'CN="Yılmaz, Emre"' in text.replace("\r\n ", "")


def test_apple_thunderbird_nextcloud_specifics(engine: Engine) -> None:
    for client in ("apple", "thunderbird", "nextcloud"):
        load(engine, CLIENTS[client], f"{client}.ics")
    board = meeting_by_title(engine, "Vorstandssitzung Verein Brücke")
    assert board.online_url == "https://meet.example.org/bruecke-vorstand"
    assert board.sequence == 2
    cafe = meeting_by_title(engine, "Sprachcafé")  # Mozilla's TZID path
    assert cafe.timezone == "Europe/Berlin" and "COUNT=4" in cafe.rrule
    izmir = meeting_by_title(engine, "Videocall mit Partnern in Izmir")
    assert izmir.timezone == "Europe/Istanbul"
    assert izmir.starts_at == datetime(2027, 1, 20, 8, tzinfo=UTC)
    table = meeting_by_title(engine, "Runder Tisch Integration")  # UTC start and a DURATION
    assert table.ends_at - table.starts_at == (datetime(2027, 1, 1, 1, 30) - datetime(2027, 1, 1))
    assert table.status == MeetingStatus.PLANNED and table.timezone == "Europe/Berlin"
    plan = import_plan.preview(engine, parsing.read_calendar(crlf(NEXTCLOUD)), "n.ics")
    assert plan.skipped == {"VTODO": 1}


def _single(
    sequence: int,
    title: str,
    stamp: str = "20261120T100000Z",
    method: str = "PUBLISH",
    extra: str = "",
) -> str:
    return f"""BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
METHOD:{method}
BEGIN:VEVENT
UID:seq-test@example.org
DTSTAMP:{stamp}
SEQUENCE:{sequence}
DTSTART;TZID=Europe/Berlin:20270301T180000
DTEND;TZID=Europe/Berlin:20270301T200000
SUMMARY:{title}
ORGANIZER;CN=Partner:mailto:partner@example.org
{extra}END:VEVENT
END:VCALENDAR
"""


def test_sequence_rules(engine: Engine) -> None:
    assert load(engine, _single(2, "Version 2")).rows[0].action == NEW
    older = load(engine, _single(1, "Version 1", stamp="20261125T100000Z"))
    assert older.rows[0].action == OLDER and older.changes == 0
    assert meeting_by_title(engine, "Version 2").sequence == 2
    same_but_stale = load(
        engine, _single(2, "Same sequence, older stamp", stamp="20261101T000000Z")
    )
    assert same_but_stale.rows[0].action == OLDER
    same_newer = load(engine, _single(2, "Same sequence, newer stamp", stamp="20261123T000000Z"))
    assert same_newer.rows[0].action == UPDATED
    assert load(engine, _single(3, "Version 3")).rows[0].action == UPDATED
    assert meeting_by_title(engine, "Version 3").sequence == 3
    assert load(engine, _single(3, "Version 3")).rows[0].action == UNCHANGED


def test_cancel_and_reply(engine: Engine) -> None:
    ada = people.create_person(engine, PersonInput("Ada", "Arslan", "Ada@Example.org"))
    load(engine, _single(0, "Treffen"))
    meeting = meeting_by_title(engine, "Treffen")
    invitations.invite_people(engine, meeting.id, [ada])
    reply = _single(
        0, "Treffen", method="REPLY",
        extra="ATTENDEE;PARTSTAT=DECLINED;CN=Ada Arslan:mailto:ada@example.org\n",
    )  # fmt: skip
    plan = load(engine, reply)
    assert plan.rows[0].action == REPLY
    with reading(engine) as session:
        invitation = session.exec(select(Invitation).where(Invitation.person_id == ada)).one()
    assert invitation.rsvp == Rsvp.DECLINED
    stranger = reply.replace("ada@example.org", "someone@example.org")
    assert load(engine, stranger).rows[0].action == IGNORED
    assert load(engine, _single(0, "Treffen", method="CANCEL")).rows[0].action == CANCELLED
    assert meeting_by_title(engine, "Treffen").status == MeetingStatus.CANCELLED
    unknown = _single(0, "X", method="CANCEL").replace("seq-test", "unknown")
    assert load(engine, unknown).rows[0].action == IGNORED


MALFORMED = {
    "bad date": _single(0, "A").replace("20270301T180000", "20271301T180000"),
    "missing END": _single(0, "A").replace("END:VEVENT\n", ""),
    "unknown TZID": _single(0, "A").replace("TZID=Europe/Berlin", "TZID=Mars/Olympus"),
    "broken folding": _single(0, "A").replace("SUMMARY:A", "SUMMARY:A\nlong text without space"),
    "not a calendar": "Hallo,\nanbei der Termin.\n",
    "bad rule": _single(0, "A", extra="RRULE:FREQ=SOMETIMES\n"),
    "end before start": _single(0, "A").replace("DTEND;TZID=Europe/Berlin:20270301T200000", "DTEND;TZID=Europe/Berlin:20270301T100000"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_file_names_its_line_and_imports_nothing(engine: Engine, case: str) -> None:
    good_then_bad = GOOGLE.replace("END:VCALENDAR\n", "") + MALFORMED[case].split("\n", 1)[1]
    before = snapshot(engine)
    with pytest.raises(IcsError) as error:
        load(engine, good_then_bad)
    assert error.value.line > 1 or case == "not a calendar"
    if case == "unknown TZID":
        assert "Unknown time zone “Mars/Olympus”" in str(error.value)
    assert str(error.value).startswith(f"Line {error.value.line}: ")
    assert snapshot(engine) == before


def test_ten_megabytes_of_junk(engine: Engine) -> None:
    before = snapshot(engine)
    junk = bytes(range(256)) * (10 * 1024 * 1024 // 256)
    with pytest.raises(IcsError) as error:
        parsing.read_calendar(junk)
    assert error.value.line == 2 and "UTF-8" in str(error.value)  # the first bad byte's line
    words = ("Lorem ipsum dolor sit amet\n" * (10 * 1024 * 1024 // 27)).encode()
    with pytest.raises(IcsError) as error:
        parsing.read_calendar(words)
    assert error.value.line == 1
    assert snapshot(engine) == before
    with pytest.raises(IcsError):
        parsing.read_calendar(b"BEGIN:VCALENDAR\r\n" + b"X" * (10 * 1024 * 1024))


@pytest.mark.parametrize("way", ["read, then applied", "tiny batches", "written while read"])
def test_round_trip_into_an_empty_database(
    sample_engine: Engine, engine: Engine, way: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if way != "read, then applied":  # many batches and statements, each after the one before
        monkeypatch.setattr(import_writer, "MASTERS", 3)
        monkeypatch.setattr(import_writer, "BATCH", 7)
        monkeypatch.setattr(storage.bulk, "_MAX_VARIABLES", 60)
    options = FeedOptions(name="Netzwerk", attendees=True, reminder_minutes=15)
    first = feeds.feed(sample_engine, None, options, FROZEN_NOW)
    if way == "written while read":
        monkeypatch.setattr(importing, "_STREAM_FROM", 0)
        applied = []
        monkeypatch.setattr(importing, "apply", lambda *a, **k: applied.append(a))
        plan = importing.import_file(engine, first.encode(), "feed.ics", now=FROZEN_NOW)
        assert not applied  # all new: nothing was left to the ordinary way
        monkeypatch.undo()
        assert [(r.uid, r.line) for r in plan.rows] == [
            (e.uid, e.line) for e in parsing.read_calendar(first.encode()).events
        ]
    else:
        plan = load(engine, first.encode(), "feed.ics")
    assert plan.count(NEW) == first.count("BEGIN:VEVENT")
    second = feeds.feed(engine, None, options, FROZEN_NOW)

    def events(text: str) -> list[tuple]:
        calendar = icalendar.Calendar.from_ical(text)
        return sorted(
            (
                str(e["UID"]),
                str(e.get("RECURRENCE-ID") and e["RECURRENCE-ID"].dt),
                e["DTSTART"].dt,
                e["DTEND"].dt,
                str(e.get("RRULE", "") and e["RRULE"].to_ical()),
                tuple(sorted(d.dt for x in _list(e.get("EXDATE")) for d in x.dts)),
                str(e["SUMMARY"]),
                str(e.get("LOCATION", "")),
                e["STATUS"],
                e["SEQUENCE"],
                tuple(
                    sorted(
                        (str(a), a.params["CN"], a.params["PARTSTAT"])
                        for a in _list(e.get("ATTENDEE"))
                    )
                ),
            )
            for e in calendar.walk("VEVENT")
        )

    assert events(second) == events(first)
    assert load(engine, first.encode()).changes == 0


def _list(value: object) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def test_undo_restores_exactly_the_state_before(sample_engine: Engine) -> None:
    before = snapshot(sample_engine)
    series = meeting_by_title(sample_engine, "Netzwerktreffen")
    feed = feeds.feed(sample_engine, None, FeedOptions(attendees=True), FROZEN_NOW)
    changed = (
        feed.replace("SUMMARY:Netzwerktreffen\r\n", "SUMMARY:Netzwerktreffen (neu)\r\n", 1)
        .replace(f"UID:{series.uid}\r\nDTSTAMP:20261122T090000Z\r\nSEQUENCE:{series.sequence}",
                 f"UID:{series.uid}\r\nDTSTAMP:20261122T090000Z\r\nSEQUENCE:{series.sequence + 1}")
        .replace("END:VCALENDAR", _single(0, "Neu").split("METHOD:PUBLISH\n", 1)[1].replace("\n", "\r\n").replace("END:VCALENDAR\r\n", "") + "END:VCALENDAR")
    )  # fmt: skip
    plan = load(sample_engine, changed.encode(), "partner.ics")
    assert plan.count(UPDATED) == 1 and plan.count(NEW) == 1
    assert meeting_by_title(sample_engine, "Netzwerktreffen (neu)").sequence == series.sequence + 1
    last = import_undo.last_import(sample_engine)
    assert last is not None and last.file_name == "partner.ics"
    assert last.summary.startswith("1 new, 1 updated, 0 cancelled, 0 replies, ")
    set_language("de")  # the summary is said in the language of the moment, not the import's
    try:
        shown = import_undo.last_import(sample_engine)
        assert shown is not None and shown.summary.startswith("1 neu, 1 geändert, ")
    finally:
        set_language("en")
    import_undo.undo_last_import(sample_engine)
    assert _only_journal_differs(before, snapshot(sample_engine))
    assert import_undo.last_import(sample_engine) is None
    with pytest.raises(ValidationError):
        import_undo.undo_last_import(sample_engine)


def _only_journal_differs(before: list[tuple], after: list[tuple]) -> bool:
    journal = ("calendar_import", "calendar_import_change", "audit_log")
    return [r for r in before if r[0] not in journal] == [r for r in after if r[0] not in journal]


def test_undo_is_refused_when_the_imported_meeting_changed_since(
    engine: Engine,
) -> None:
    load(engine, GOOGLE)
    cafe = meeting_by_title(engine, "Frühlingsfest im Park")
    data = meetings.input_of(engine, cafe.id or 0)
    data.location = "Stadtpark"
    meetings.update_meeting(engine, cafe.id or 0, data)
    before = snapshot(engine)
    with pytest.raises(ValidationError) as error:
        import_undo.undo_last_import(engine)
    assert "Frühlingsfest im Park" in str(error.value)
    assert snapshot(engine) == before


def test_an_import_stopped_halfway_writes_nothing(engine: Engine) -> None:
    before = snapshot(engine)
    many = GOOGLE.replace("END:VCALENDAR\n", "") + "".join(
        _single(0, f"Termin {n}").split("METHOD:PUBLISH\n", 1)[1]
        .replace("seq-test", f"t{n}").replace("END:VCALENDAR\n", "")
        for n in range(450)
    ) + "END:VCALENDAR\n"  # fmt: skip
    calendar = parsing.read_calendar(crlf(many))
    with pytest.raises(import_plan.ImportCancelled):
        importing.apply(engine, calendar, "many.ics", now=FROZEN_NOW, cancelled=lambda: True)
    assert snapshot(engine) == before


def test_preview_must_still_hold_when_applied(engine: Engine) -> None:
    calendar = parsing.read_calendar(crlf(_single(1, "Erst")))
    plan = import_plan.preview(engine, calendar, "a.ics")
    load(engine, _single(1, "Erst"))  # someone else imported it meanwhile
    with pytest.raises(ValidationError):
        importing.apply(engine, calendar, "a.ics", expected=plan, now=FROZEN_NOW)


def test_floating_times_and_dates_in_rules(engine: Engine) -> None:
    text = _single(0, "Frei").replace(
        "DTSTART;TZID=Europe/Berlin:20270301T180000\nDTEND;TZID=Europe/Berlin:20270301T200000",
        "DTSTART:20270301T180000\nDTEND:20270301T200000\nRRULE:FREQ=WEEKLY;UNTIL=20270322",
    )
    load(engine, text)
    meeting = meeting_by_title(engine, "Frei")
    assert meeting.starts_at == datetime(2027, 3, 1, 18, tzinfo=BERLIN)
    assert meeting.recurrence_ends_at == datetime(2027, 3, 22, 18, tzinfo=BERLIN)
    assert date(2027, 3, 22) == meeting.recurrence_ends_at.astimezone(BERLIN).date()


def test_a_rule_the_form_cannot_express_survives_editing(engine: Engine) -> None:
    text = _single(0, "Täglich", extra="RRULE:FREQ=DAILY;COUNT=5;BYHOUR=18\n")
    load(engine, text)
    meeting = meeting_by_title(engine, "Täglich")
    data = meetings.input_of(engine, meeting.id or 0)
    assert data.repeat == "custom"
    data.title = "Täglich (neu)"
    meetings.update_meeting(engine, meeting.id or 0, data)
    assert meeting_by_title(engine, "Täglich (neu)").rrule == meeting.rrule
    series = meeting_by_title(engine, "Täglich (neu)")
    assert meetings.input_of(engine, series.id or 0).repeat == "custom"
    weekly = _single(0, "Wöchentlich", extra="RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO\n").replace(
        "seq-test", "weekly"
    )
    load(engine, weekly)
    found = meeting_by_title(engine, "Wöchentlich")
    assert meetings.input_of(engine, found.id or 0).repeat == "biweekly"


def test_outlooks_customized_time_zone_is_matched_by_its_rules(engine: Engine) -> None:
    custom = OUTLOOK.replace("W. Europe Standard Time", "Customized Time Zone")
    load(engine, custom)
    meeting = meeting_by_title(engine, "Arbeitskreis Sprachmittlung")
    assert meeting.timezone == "Europe/Berlin"
    assert meeting.starts_at == datetime(2027, 2, 18, 15, tzinfo=BERLIN)
    nowhere = (
        custom.replace("TZOFFSETTO:+0100", "TZOFFSETTO:+0117")
        .replace("TZOFFSETFROM:+0100", "TZOFFSETFROM:+0117")
        .replace("TZOFFSETTO:+0200", "TZOFFSETTO:+0217")
    )
    # No IANA zone has these rules: the file's own definition is used (read by icalendar),
    # so the time is exact; the offset is not whole hours, so it is shown in the calendar's
    # default zone, as a UTC time is.
    event = parsing.read_calendar(crlf(nowhere)).events[0]
    assert event.starts_at == datetime(2027, 2, 18, 15, tzinfo=UTC) - timedelta(hours=1, minutes=17)
    assert event.timezone == "Europe/Berlin"
    defined = nowhere.replace("+0117", "+0300").replace("+0217", "+0400")
    event = parsing.read_calendar(crlf(defined)).events[0]  # whole hours: a fixed offset
    assert event.starts_at == datetime(2027, 2, 18, 12, tzinfo=UTC)
    assert event.timezone == "Etc/GMT-3"


_FOLDED = (
    "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:x\nBEGIN:VEVENT\nUID:f@example.org\n"
    "DTSTAMP:20261120T100000Z\nSUMMARY:Ein sehr langer Titel\n  der gefaltet ist\n"
    "ATTENDEE;CN=Ada;PARTSTAT=ACCEPTED:mai\n lto:ada@example.org\n"
    "DTSTART;TZID=Europe/Berlin:20270301T180000\n"
    "DTEND;TZID=Europe/Berlin:2027030\n 1T170000\nEND:VEVENT\nEND:VCALENDAR\n"
)
BLOCKS = {  # events the fast reader must read exactly as the line-by-line reader does
    **{f"client {name}": text for name, text in CLIENTS.items()},
    **{f"malformed {name}": text for name, text in MALFORMED.items()},
    "ends before it starts, on a folded line": _FOLDED,
    "bad date on a folded line": _FOLDED.replace("1T170000", "1T25XX00"),
    "lower-case names": _single(0, "A").replace("SUMMARY:A", "summary:a\nlocation;language=de:Raum"),
    "blank line inside": _single(0, "A").replace("SUMMARY:A\n", "SUMMARY:A\n\n"),
    "alarm inside": _single(0, "A", extra="BEGIN:VALARM\nACTION:DISPLAY\nTRIGGER:-PT15M\nEND:VALARM\n"),
    "quoted name": _single(0, "A", extra='ATTENDEE;CN="Yılmaz, Emre":mailto:e@example.org\n'),
    "stray END": _single(0, "A", extra="END:VTODO\n"),
    "parameter without value": _single(0, "A", extra="ATTENDEE;RSVP:mailto:x@example.org\n"),
    "no END:VEVENT at all": _single(0, "A").replace("END:VEVENT\n", ""),
}  # fmt: skip


def _outcome(raw: bytes, fast: bool) -> object:
    try:
        return parsing.read_calendar(raw, fast=fast).events
    except IcsError as error:
        return (error.line, error.reason)


@pytest.mark.parametrize("case", sorted(BLOCKS))
def test_plain_events_read_as_blocks_match_line_by_line(case: str) -> None:
    raw = crlf(BLOCKS[case])
    assert _outcome(raw, fast=True) == _outcome(raw, fast=False)


def test_block_reading_of_a_big_feed_and_its_line_numbers(sample_engine: Engine) -> None:
    options = FeedOptions(name="Netzwerk", attendees=True, reminder_minutes=None)
    raw = feeds.feed(sample_engine, None, options, FROZEN_NOW).encode()
    assert raw.count(b"\r\n ") > 10  # folded attendee lines
    children = [child for _calendar, child in iter_parse(raw.decode())]
    assert sum(isinstance(child, PlainEvent) for child in children) == raw.count(b"BEGIN:VEVENT")
    assert _outcome(raw, fast=True) == _outcome(raw, fast=False)
    assert _outcome(crlf(_FOLDED), fast=True) == (12, "The event ends before it starts.")
    lines = crlf(_FOLDED).split(b"\r\n")
    assert lines[12 - 1].startswith(b"DTEND")  # the line the message names


def _big(events: int, first: int = 0) -> str:
    """A feed of ``events`` new single meetings with two attendees each."""
    body = "".join(
        f"BEGIN:VEVENT\nUID:big-{n}@example.org\nDTSTAMP:20261120T100000Z\n"
        f"DTSTART;TZID=Europe/Berlin:20270301T180000\nDTEND;TZID=Europe/Berlin:20270301T200000\n"
        f"SUMMARY:Termin {n}\nATTENDEE;CN=Gast {n};PARTSTAT=ACCEPTED:mailto:gast{n}@example.org\n"
        f"ATTENDEE;CN=Ada Arslan;PARTSTAT=NEEDS-ACTION:mailto:ada@example.org\nEND:VEVENT\n"
        for n in range(first, first + events)
    )
    return f"BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:x\n{body}END:VCALENDAR\n"


def _inner(calendar: str) -> str:
    """The components of a one-calendar file (what is between its header and its END)."""
    return (
        calendar.split("BEGIN:VEVENT", 1)[1]
        .rsplit("END:VCALENDAR", 1)[0]
        .join(["BEGIN:VEVENT", ""])
    )


_SERIES = _single(0, "Serie", extra="RRULE:FREQ=WEEKLY;COUNT=4\n").replace("seq-test", "s")
_MOVED = (
    "BEGIN:VEVENT\nUID:s@example.org\nRECURRENCE-ID;TZID=Europe/Berlin:20270308T180000\n"
    "DTSTAMP:20261120T100000Z\nDTSTART;TZID=Europe/Berlin:20270308T190000\n"
    "DTEND;TZID=Europe/Berlin:20270308T210000\nSUMMARY:Verlegt\nEND:VEVENT\n"
)
STREAMED = {  # files that start as new events and then are not: imported the ordinary way
    "an event twice": _big(30).replace("END:VCALENDAR", _inner(_big(1, 12)).replace("Termin", "Neu") + "END:VCALENDAR"),
    "a reply": _big(30) + _single(0, "A", method="REPLY", extra="ATTENDEE;PARTSTAT=DECLINED:mailto:ada@example.org\n"),
    "a cancellation": _big(30) + _single(0, "A", method="CANCEL"),
    "an occurrence before its series": _big(30).replace("END:VCALENDAR", _MOVED + _inner(_SERIES) + "END:VCALENDAR"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(STREAMED))
def test_a_file_not_only_of_new_events_is_imported_the_ordinary_way(
    engine: Engine, case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importing, "_STREAM_FROM", 0)
    monkeypatch.setattr(import_writer, "MASTERS", 4)  # some batches are written before it turns
    ada = people.create_person(
        engine, PersonInput(given_name="Ada", family_name="Arslan", email="ada@example.org")
    )
    load(engine, _single(0, "A"))  # the meeting that the reply and the cancellation are about
    raw = crlf(STREAMED[case])
    expected = import_plan.preview(engine, parsing.read_calendar(raw), "f.ics")
    plan = importing.import_file(engine, raw, "f.ics", now=FROZEN_NOW)
    assert [(r.action, r.uid, r.line) for r in plan.rows] == [
        (r.action, r.uid, r.line) for r in expected.rows
    ]
    assert import_plan.preview(engine, parsing.read_calendar(raw), "f.ics").changes == 0
    with reading(engine) as session:
        guests = session.exec(select(Person).where(Person.email.startswith("gast"))).all()  # type: ignore[attr-defined]
        ada_invited = session.exec(select(Invitation).where(Invitation.person_id == ada)).all()
    assert len(guests) == 30 and len(ada_invited) == 30  # each person once, each invitation once


def test_a_broken_or_stopped_file_written_while_read_leaves_nothing(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importing, "_STREAM_FROM", 0)
    monkeypatch.setattr(import_writer, "MASTERS", 4)
    before = snapshot(engine)
    late = crlf(_big(40)).replace(  # a bad date in the 34th event: 8 batches written before
        b"UID:big-33@example.org\r\nDTSTAMP:20261120T100000Z\r\nDTSTART;TZID=Europe/Berlin:20270301T180000",
        b"UID:big-33@example.org\r\nDTSTAMP:20261120T100000Z\r\nDTSTART;TZID=Europe/Berlin:2027030X",
    )  # fmt: skip
    with pytest.raises(importing.BrokenEvents) as error:
        importing.import_file(engine, late, "late.ics", now=FROZEN_NOW)
    [bad] = error.value.bad
    assert bad.line == late[: late.index(b"2027030X")].count(b"\n") + 1
    assert bad.uid == "big-33@example.org" and error.value.good == 39
    assert snapshot(engine) == before  # batches written before the broken event: rolled back
    with pytest.raises(IcsError):  # broken as a whole: refused
        importing.import_file(engine, late.replace(b"BEGIN:VCALENDAR", b"BEGIN:VCARD"), "x.ics")
    assert snapshot(engine) == before
    with pytest.raises(import_plan.ImportCancelled):
        importing.import_file(
            engine, crlf(_big(450)), "many.ics", now=FROZEN_NOW, cancelled=lambda: True
        )
    assert snapshot(engine) == before
