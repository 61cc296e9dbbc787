"""Calendar files written by coordinator, checked property by property with icalendar and
expanded by an independent expander (recurring-ical-events)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events
from sqlalchemy import Engine

from coordinator.calendar import feeds, itip
from coordinator.calendar.events import CalendarFilter
from coordinator.calendar.feeds import FeedOptions
from coordinator.meetings import date_poll, invitations, meetings
from coordinator.meetings.meetings import MeetingInput
from coordinator.register import people
from coordinator.register.people import PersonInput
from coordinator.validation import ValidationError
from storage.enums import MeetingStatus, Rsvp
from tests.conftest import FROZEN_NOW
from tests.domain.ics_checks import check_format, params_of, unfolded

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def network(engine: Engine) -> dict[str, int]:
    """An organiser, three invitees (one with a comma and quotes in the name, one English),
    a weekly series across the change to summer time, and a single meeting."""
    make = people.create_person
    ids = {
        "organiser": make(engine, PersonInput("Miriam", "Aksoy", "miriam@example.org")),
        "hans": make(engine, PersonInput('Hans "Jo"', "Müller, Jr.", "hans@example.org")),
        "ada": make(
            engine, PersonInput("Ada", "Çelik", "ada@example.org", preferred_language="en")
        ),
        "nomail": make(engine, PersonInput("Kein", "Mail")),
    }
    ids["series"] = meetings.create_meeting(
        engine,
        MeetingInput(
            title="Netzwerktreffen; Plenum, offen",
            day="2026-03-17",
            start="18:00",
            end="20:00",
            location="Bürgerhaus, Saal 2",
            repeat="weekly",
            count="6",
            notes="Bitte pünktlich.\nZweite Zeile",
        ),
        organiser_id=ids["organiser"],
    )
    ids["single"] = meetings.create_meeting(
        engine,
        MeetingInput(title="Fest", day="2026-06-20", all_day=True, location="Park"),
        organiser_id=ids["organiser"],
    )
    for meeting in (ids["series"], ids["single"]):
        invitations.invite_people(
            engine, meeting, [ids["organiser"], ids["hans"], ids["ada"], ids["nomail"]]
        )
    invitations.set_rsvp(engine, ids["series"], ids["ada"], Rsvp.ACCEPTED)
    return ids


def feed(engine: Engine, **options: object) -> str:
    return feeds.feed(engine, None, FeedOptions(name="Netzwerk Süd", **options), FROZEN_NOW)  # type: ignore[arg-type]


def test_feed_is_valid_and_carries_its_calendar_properties(engine: Engine, network) -> None:
    text = feed(engine)
    calendar = check_format(text)
    assert calendar["METHOD"] == "PUBLISH"
    assert calendar["NAME"] == "Netzwerk Süd" and calendar["X-WR-CALNAME"] == "Netzwerk Süd"
    refresh = next(line for line in unfolded(text) if line.startswith("REFRESH-INTERVAL"))
    assert refresh == "REFRESH-INTERVAL;VALUE=DURATION:PT12H"
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    assert "ATTENDEE" not in text  # invitees are personal data: only on request


def test_recurring_meeting_is_a_local_rule_with_exdate_and_override(
    engine: Engine, network
) -> None:
    series = network["series"]
    meetings.cancel_occurrence(engine, series, datetime(2026, 3, 24, 18, tzinfo=BERLIN))
    meetings.move_occurrence(
        engine,
        series,
        datetime(2026, 3, 31, 18, tzinfo=BERLIN),
        datetime(2026, 4, 1, 19, tzinfo=BERLIN),
    )
    text = feed(engine)
    calendar = check_format(text)
    events = [e for e in calendar.walk("VEVENT") if str(e["SUMMARY"]).startswith("Netzwerk")]
    master = next(e for e in events if "RRULE" in e)
    override = next(e for e in events if "RECURRENCE-ID" in e)
    assert str(master["UID"]) == str(override["UID"])
    assert master["DTSTART"].dt == datetime(2026, 3, 17, 18, tzinfo=ZoneInfo("Europe/Berlin"))
    assert master["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert master["RRULE"]["FREQ"] == ["WEEKLY"] and master["RRULE"]["COUNT"] == [6]
    exdates = [d.dt for d in master["EXDATE"].dts]
    assert exdates == [datetime(2026, 3, 24, 18, tzinfo=BERLIN)]
    assert override["RECURRENCE-ID"].dt == datetime(2026, 3, 31, 18, tzinfo=BERLIN)
    assert override["DTSTART"].dt == datetime(2026, 4, 1, 19, tzinfo=BERLIN)
    assert override["SEQUENCE"] == 1
    assert str(master["SUMMARY"]) == "Netzwerktreffen; Plenum, offen"
    assert str(master["LOCATION"]) == "Bürgerhaus, Saal 2"
    assert str(master["DESCRIPTION"]) == "Bitte pünktlich.\nZweite Zeile"
    assert "SUMMARY:Netzwerktreffen\\; Plenum\\, offen" in unfolded(text)


def test_independent_expander_keeps_the_local_time_across_daylight_saving(
    engine: Engine, network
) -> None:
    calendar = icalendar.Calendar.from_ical(feed(engine))
    found = recurring_ical_events.of(calendar).between(date(2026, 3, 1), date(2026, 5, 1))
    starts = sorted(e["DTSTART"].dt for e in found if "Netzwerk" in str(e["SUMMARY"]))
    assert len(starts) == 6
    assert {s.astimezone(BERLIN).hour for s in starts} == {18}  # 17:00 UTC in winter ...
    assert starts[0].astimezone(ZoneInfo("UTC")).hour == 17
    assert starts[-1].astimezone(ZoneInfo("UTC")).hour == 16  # ... 16:00 UTC in summer


def test_all_day_meeting_has_dates_and_an_exclusive_end(engine: Engine, network) -> None:
    calendar = check_format(feed(engine))
    fest = next(e for e in calendar.walk("VEVENT") if str(e["SUMMARY"]) == "Fest")
    assert fest["DTSTART"].dt == date(2026, 6, 20)
    assert fest["DTEND"].dt == date(2026, 6, 21)
    assert "VALUE=DATE" in fest.to_ical().decode()


def test_attendees_round_trip_their_names_exactly(engine: Engine, network) -> None:
    text = feed(engine, attendees=True)
    calendar = check_format(text)
    master = next(e for e in calendar.walk("VEVENT") if "RRULE" in e)
    attendees = {str(a): a.params for a in master["ATTENDEE"]}
    assert set(attendees) == {
        "mailto:miriam@example.org",
        "mailto:hans@example.org",
        "mailto:ada@example.org",
    }  # the person without an address cannot be in a calendar file
    hans = attendees["mailto:hans@example.org"]
    assert hans["CN"] == 'Hans "Jo" Müller, Jr.'
    assert hans["ROLE"] == "REQ-PARTICIPANT" and hans["RSVP"] == "TRUE"
    assert hans["PARTSTAT"] == "NEEDS-ACTION"
    assert attendees["mailto:ada@example.org"]["PARTSTAT"] == "ACCEPTED"
    line = next(line for line in unfolded(text) if "hans@example.org" in line)
    assert params_of(line)["CN"] == "\"Hans ^'Jo^' Müller, Jr.\""  # RFC 6868 for the quotes
    assert master["ORGANIZER"].params["CN"] == "Miriam Aksoy"


def test_reminder_and_tasks(engine: Engine, network) -> None:
    from coordinator.minutes import tasks

    tasks.create_task(engine, "Raum buchen", due_on=date(2026, 3, 10))
    calendar = check_format(feed(engine, reminder_minutes=30, tasks=True))
    alarm = calendar.walk("VALARM")[0]
    assert alarm["ACTION"] == "DISPLAY" and alarm["TRIGGER"].dt == -timedelta(minutes=30)
    todo = calendar.walk("VTODO")[0]
    assert str(todo["SUMMARY"]) == "Raum buchen"
    assert todo["DUE"].dt == date(2026, 3, 10) and todo["STATUS"] == "NEEDS-ACTION"


def test_filters_by_series_organisation_and_dates(engine: Engine, network) -> None:
    from coordinator.register import organisations
    from coordinator.register.organisations import OrganisationInput

    org = organisations.create_organisation(
        engine, OrganisationInput(name="Kulturverein Mosaik"), today=date(2026, 1, 1)
    )
    people.update_person(
        engine,
        network["hans"],
        PersonInput('Hans "Jo"', "Müller, Jr.", "hans@example.org", affiliations=[(org, "")]),
    )

    def titles(flt: CalendarFilter) -> list[str]:
        calendar = icalendar.Calendar.from_ical(feeds.feed(engine, flt, FeedOptions(), FROZEN_NOW))
        return sorted(str(e["SUMMARY"]) for e in calendar.walk("VEVENT"))

    assert titles(CalendarFilter(series_id=network["single"])) == ["Fest"]
    assert titles(CalendarFilter(start=date(2026, 6, 1))) == ["Fest"]  # the series ended in April
    assert titles(CalendarFilter(end=date(2026, 3, 31))) == ["Netzwerktreffen; Plenum, offen"]
    assert len(titles(CalendarFilter(organisation_id=org))) == 2
    typed = feeds.filter_from_text(engine, organisation="kulturverein mosaik", start="01.06.2026")
    assert typed == CalendarFilter(organisation_id=org, start=date(2026, 6, 1))
    with pytest.raises(ValidationError) as error:
        feeds.filter_from_text(engine, series="x", start="2026-13-01")
    assert set(error.value.errors) == {"series", "start"}


def test_invitation_update_and_cancellation(engine: Engine, network) -> None:
    single = network["single"]
    meetings.set_status(engine, single, MeetingStatus.CONFIRMED)
    first = check_format(itip.invitation(engine, single, "de", FROZEN_NOW))
    assert first["METHOD"] == "REQUEST"
    assert "X-WR-CALNAME" not in first and "NAME" not in first
    event = first.walk("VEVENT")[0]
    assert event["ORGANIZER"] == "mailto:miriam@example.org"
    assert len(event["ATTENDEE"]) == 3
    assert event["SUMMARY"].params["LANGUAGE"] == "de"
    assert "Tagesordnung" in str(event["DESCRIPTION"])  # in the invitees' language
    english = icalendar.Calendar.from_ical(itip.invitation(engine, single, "en", FROZEN_NOW))
    assert "Agenda items" in str(english.walk("VEVENT")[0]["DESCRIPTION"])
    assert itip.invitation_languages(engine, single) == ["de", "en"]

    data = meetings.input_of(engine, single)
    data.day = "2026-06-27"
    assert meetings.update_meeting(engine, single, data) is True
    update = icalendar.Calendar.from_ical(itip.invitation(engine, single, "de", FROZEN_NOW))
    moved = update.walk("VEVENT")[0]
    assert str(moved["UID"]) == str(event["UID"]) and moved["SEQUENCE"] > event["SEQUENCE"]

    with pytest.raises(ValidationError):  # only a cancelled meeting has a cancellation
        itip.cancellation(engine, single, FROZEN_NOW)
    meetings.set_status(engine, single, MeetingStatus.CANCELLED)
    cancel = check_format(itip.cancellation(engine, single, FROZEN_NOW))
    gone = cancel.walk("VEVENT")[0]
    assert cancel["METHOD"] == "CANCEL" and gone["STATUS"] == "CANCELLED"
    assert str(gone["UID"]) == str(event["UID"]) and gone["SEQUENCE"] > moved["SEQUENCE"]


def test_cancelling_one_occurrence_names_it_by_recurrence_id(engine: Engine, network) -> None:
    series = network["series"]
    row = meetings.cancel_occurrence(engine, series, datetime(2026, 4, 7, 18, tzinfo=BERLIN))
    cancel = check_format(itip.cancellation(engine, row, FROZEN_NOW))
    event = cancel.walk("VEVENT")[0]
    master_uid = icalendar.Calendar.from_ical(feed(engine)).walk("VEVENT")[0]["UID"]
    assert str(event["UID"]) == str(master_uid)
    assert event["RECURRENCE-ID"].dt == datetime(2026, 4, 7, 18, tzinfo=BERLIN)
    assert event["STATUS"] == "CANCELLED" and event["SEQUENCE"] == 1
    assert "RRULE" not in event


def test_invitation_needs_an_organiser_with_an_address(engine: Engine, network) -> None:
    lonely = meetings.create_meeting(engine, MeetingInput(title="Ohne", day="2026-05-05"))
    with pytest.raises(ValidationError):
        itip.invitation(engine, lonely, "de", FROZEN_NOW)


def test_poll_holds_become_the_meeting_and_the_rest_are_cancelled(engine: Engine, network) -> None:
    meeting = meetings.create_meeting(
        engine,
        MeetingInput(title="AG Bildung", day="2026-05-01"),
        organiser_id=network["organiser"],
    )
    invitations.invite_people(engine, meeting, [network["hans"], network["ada"]])
    slots = [
        (datetime(2026, 5, d, 17, tzinfo=BERLIN), datetime(2026, 5, d, 19, tzinfo=BERLIN))
        for d in (4, 5, 6)
    ]
    poll = date_poll.create_poll(engine, meeting, slots)
    holds = check_format(itip.poll_holds(engine, poll, "de", FROZEN_NOW))
    events = holds.walk("VEVENT")
    assert holds["METHOD"] == "REQUEST"
    assert [e["STATUS"] for e in events] == ["TENTATIVE"] * 3
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == 3
    with pytest.raises(ValidationError):
        itip.poll_release(engine, poll, FROZEN_NOW)

    matrix = date_poll.matrix(engine, poll)
    chosen = matrix.slots[1][0]
    date_poll.choose_slot(engine, poll, chosen)
    invitation = icalendar.Calendar.from_ical(
        itip.invitation(engine, meeting, "de", FROZEN_NOW)
    ).walk("VEVENT")[0]
    assert str(invitation["UID"]) == uids[1]  # the hold turns into the meeting ...
    assert invitation["SEQUENCE"] > events[1]["SEQUENCE"]
    assert invitation["STATUS"] == "CONFIRMED"
    release = check_format(itip.poll_release(engine, poll, FROZEN_NOW))
    cancelled = release.walk("VEVENT")
    assert release["METHOD"] == "CANCEL"
    assert sorted(str(e["UID"]) for e in cancelled) == sorted([uids[0], uids[2]])  # ... the rest go
    assert all(e["STATUS"] == "CANCELLED" and e["SEQUENCE"] == 1 for e in cancelled)
