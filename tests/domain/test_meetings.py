"""Meetings: validation, series with moved and cancelled occurrences, invitations and
updates, conflicts, date polls and their ranking, agendas."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from coordinator.calendar import itip
from coordinator.context import Context
from coordinator.meetings import agenda, date_poll, invitations, meetings
from coordinator.meetings.conflicts import busy
from coordinator.meetings.meetings import MeetingInput
from coordinator.meetings.schedule import occurrences
from coordinator.register import people
from coordinator.register.people import PersonInput
from coordinator.validation import ValidationError
from storage.enums import Availability, MeetingStatus, PollStatus, Rsvp
from storage.models import Invitation, Meeting, Task
from storage.uow import transaction

BERLIN = ZoneInfo("Europe/Berlin")


def local(y: int, m: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, m, d, h, mi, tzinfo=BERLIN)


@pytest.fixture
def folks(engine: Engine) -> list[int]:
    return [
        people.create_person(engine, PersonInput(given_name=g, family_name=f))
        for g, f in (("Ada", "Arslan"), ("Ben", "Bauer"), ("Cem", "Coşkun"))
    ]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"end": "17:00"}, "end"),
        ({"day": "31.02.2027"}, "day"),
        ({"timezone": "Europe/Bielefeld"}, "timezone"),
        ({"title": ""}, "title"),
        ({"start": "25:99"}, "start"),
        ({"repeat": "weekly", "until": "2026-01-01"}, "until"),
    ],
)
def test_bad_dates_give_field_errors_and_save_nothing(
    engine: Engine, changes: dict[str, str], field: str
) -> None:
    data = MeetingInput(title="Netzwerktreffen", day="2027-03-02", start="18:00", end="20:00")
    for key, value in changes.items():
        setattr(data, key, value)
    with pytest.raises(ValidationError) as caught:
        meetings.create_meeting(engine, data)
    assert field in caught.value.errors
    with Session(engine) as session:
        assert session.exec(select(Meeting)).all() == []


def test_weekly_series_stays_at_local_time_and_occurrences_move_or_cancel_alone(
    engine: Engine,
) -> None:
    series = meetings.create_meeting(
        engine,
        MeetingInput(
            title="AG Sprache",
            day="2027-03-09",
            start="18:00",
            end="19:30",
            repeat="weekly",
            count="6",
        ),
    )
    context = Context(engine)
    with context.rows() as rows:
        starts = [o.local_start for o in occurrences(rows, local(2027, 3, 1), local(2027, 5, 1))]
    assert [s.strftime("%d.%m. %H:%M") for s in starts] == [
        "09.03. 18:00",
        "16.03. 18:00",
        "23.03. 18:00",
        "30.03. 18:00",
        "06.04. 18:00",
        "13.04. 18:00",
    ]  # 28 March 2027: clocks go forward, the meeting stays at 18:00
    meetings.move_occurrence(engine, series, local(2027, 3, 23, 18), local(2027, 3, 24, 19))
    meetings.cancel_occurrence(engine, series, local(2027, 4, 6, 18))
    with context.rows() as rows:
        after = [
            o.local_start.strftime("%d.%m. %H:%M")
            for o in occurrences(rows, local(2027, 3, 1), local(2027, 5, 1))
        ]
    assert after == ["09.03. 18:00", "16.03. 18:00", "24.03. 19:00", "30.03. 18:00", "13.04. 18:00"]
    with pytest.raises(ValidationError):
        meetings.cancel_occurrence(
            engine, series, local(2027, 4, 7, 18)
        )  # not a date of the series


def test_monthly_on_the_nth_weekday(engine: Engine) -> None:
    meetings.create_meeting(
        engine,
        MeetingInput(
            title="Runder Tisch",
            day="2027-01-14",
            start="17:00",
            end="19:00",
            repeat="monthly",
            until="2027-06-30",
        ),
    )
    with Context(engine).rows() as rows:
        days = [
            o.local_start.date().isoformat()
            for o in occurrences(rows, local(2027, 1, 1), local(2028, 1, 1))
        ]
    assert days == [
        "2027-01-14",
        "2027-02-11",
        "2027-03-11",
        "2027-04-08",
        "2027-05-13",
        "2027-06-10",
    ]


def test_changing_time_of_a_confirmed_meeting_marks_invitees_for_an_update(
    engine: Engine, folks: list[int]
) -> None:
    meeting_id = meetings.create_meeting(
        engine, MeetingInput(title="Klausur", day="2027-02-06", start="10:00", end="16:00")
    )
    invitations.invite_people(engine, meeting_id, folks)
    meetings.set_status(engine, meeting_id, MeetingStatus.CONFIRMED)
    data = meetings.input_of(engine, meeting_id)
    data.notes = "Bitte Essen mitbringen"
    assert meetings.update_meeting(engine, meeting_id, data) is False  # a note: nobody to tell
    data.start = "11:00"
    assert meetings.update_meeting(engine, meeting_id, data) is True
    with Session(engine) as session:
        assert session.get(Meeting, meeting_id).sequence == 1  # type: ignore[union-attr]
        assert all(i.needs_update for i in session.exec(select(Invitation)))
    meetings.set_status(engine, meeting_id, MeetingStatus.CANCELLED)
    with Session(engine) as session:
        assert session.get(Meeting, meeting_id).sequence == 2  # type: ignore[union-attr]


def test_invitations_count_each_person_once_and_record_answers(
    engine: Engine, folks: list[int]
) -> None:
    meeting_id = meetings.create_meeting(
        engine, MeetingInput(title="Fest", day="2027-06-12", start="14:00", end="20:00")
    )
    assert invitations.invite_people(engine, meeting_id, [*folks, folks[0]]) == 3
    assert invitations.invite_people(engine, meeting_id, folks) == 0
    invitations.set_rsvp(engine, meeting_id, folks[0], Rsvp.ACCEPTED)
    invitations.set_rsvp(engine, meeting_id, folks[1], Rsvp.DECLINED)
    with Context(engine).rows() as rows:
        occ = occurrences(rows, local(2027, 6, 1), local(2027, 7, 1))[0]
    assert (occ.rsvp.accepted, occ.rsvp.declined, occ.rsvp.no_reply) == (1, 1, 1)


def test_conflicts_find_invitees_busy_elsewhere(engine: Engine, folks: list[int]) -> None:
    series = meetings.create_meeting(
        engine,
        MeetingInput(
            title="Netzwerktreffen", day="2027-03-02", start="18:00", end="20:00", repeat="biweekly"
        ),
    )
    invitations.invite_people(engine, series, folks[:2])
    context = Context(engine)
    found = busy(
        context,
        folks,
        local(2027, 3, 16, 19).astimezone(UTC),
        local(2027, 3, 16, 21).astimezone(UTC),
    )
    assert set(found) == {folks[0], folks[1]}
    assert found[folks[0]][0].title == "Netzwerktreffen"
    assert (
        busy(
            context,
            folks,
            local(2027, 3, 9, 19).astimezone(UTC),
            local(2027, 3, 9, 21).astimezone(UTC),
        )
        == {}
    )


def test_date_poll_ranking_and_choosing_a_slot(engine: Engine, folks: list[int]) -> None:
    meeting_id = meetings.create_meeting(
        engine, MeetingInput(title="Workshop", day="2027-02-01", start="10:00", end="12:00")
    )
    invitations.invite_people(engine, meeting_id, folks)
    office = (local(2027, 2, 3, 10).astimezone(UTC), local(2027, 2, 3, 12).astimezone(UTC))
    evening = (local(2027, 2, 3, 18).astimezone(UTC), local(2027, 2, 3, 20).astimezone(UTC))
    saturday = (local(2027, 2, 6, 10).astimezone(UTC), local(2027, 2, 6, 12).astimezone(UTC))
    poll = date_poll.create_poll(engine, meeting_id, [office, evening, saturday], volunteers=True)
    grid = date_poll.matrix(engine, poll)
    slot = {start: sid for sid, start, _end in grid.slots}
    answers = {
        office[0]: (Availability.YES, Availability.IF_NEED_BE, Availability.NO),
        evening[0]: (Availability.YES, Availability.IF_NEED_BE, Availability.NO),
        saturday[0]: (Availability.YES, Availability.NO, Availability.NO),
    }
    for start, row in answers.items():
        for person, answer in zip(folks, row, strict=True):
            date_poll.record_answer(engine, slot[start], person, answer)
    # another meeting makes the evening clash for one invitee
    clash = meetings.create_meeting(
        engine, MeetingInput(title="Elternabend", day="2027-02-03", start="19:00", end="21:00")
    )
    invitations.invite_people(engine, clash, [folks[0]])
    ranked = date_poll.ranking(engine, Context(engine), poll)
    # office and evening tie on answers; volunteers: the evening wins despite the clash;
    # Saturday has fewer if-need-be answers and comes last
    assert [s.starts_at for s in ranked] == [evening[0], office[0], saturday[0]]
    assert (
        ranked[0].conflicts == 1
        and ranked[0].volunteer_friendly
        and not ranked[1].volunteer_friendly
    )

    date_poll.choose_slot(engine, poll, slot[evening[0]])
    with Session(engine) as session:
        meeting = session.get(Meeting, meeting_id)
        assert meeting is not None and meeting.status == MeetingStatus.CONFIRMED
        assert meeting.starts_at == evening[0]
    assert date_poll.matrix(engine, poll).status == PollStatus.CLOSED
    with pytest.raises(ValidationError):
        date_poll.record_answer(engine, slot[office[0]], folks[0], Availability.YES)


def test_agenda_order_start_times_and_follow_ups(engine: Engine, folks: list[int]) -> None:
    series = meetings.create_meeting(
        engine,
        MeetingInput(
            title="Netzwerktreffen", day="2027-03-02", start="18:00", end="20:00", repeat="biweekly"
        ),
    )
    first = meetings.occurrence(engine, series, local(2027, 3, 2, 18))
    second = meetings.occurrence(engine, series, local(2027, 3, 16, 18))
    with transaction(engine) as session:
        session.add(Task(title="Flyer drucken", meeting_id=first))
        session.add(Task(title="Raum buchen", meeting_id=first, status="done"))
    a = agenda.add_item(engine, second, "Begrüßung", minutes=10)
    b = agenda.add_item(engine, second, "Sommerfest", minutes=30, presenter_id=folks[0])
    c = agenda.add_item(engine, second, "Verschiedenes", minutes=10)
    agenda.move_item(engine, c, -1)
    lines = agenda.agenda(engine, second)
    assert [line.id for line in lines] == [a, c, b]
    assert [f"{line.starts_at:%H:%M}" for line in lines] == ["18:00", "18:10", "18:20"]
    offered = agenda.open_followups(engine, second)
    assert [title for _id, title in offered] == ["Flyer drucken"]  # the done task is not offered
    assert agenda.add_followups(engine, second) == 1
    assert agenda.add_followups(engine, second) == 1  # renewed, not added twice
    follow_up = agenda.agenda(engine, second)[-1]
    # the meeting speaks German (the default), so does its agenda, whatever the screen speaks
    assert follow_up.title == "Nachverfolgung verabredeter Arbeitsschritte"
    assert follow_up.note == "- Flyer drucken"
    assert len(agenda.agenda(engine, second)) == 4
    with pytest.raises(ValidationError):
        agenda.add_item(engine, second, "", minutes=10)


def test_follow_up_leaves_out_the_series_planned_future_tasks(engine: Engine) -> None:
    """Tasks kept on the series itself (as the sample's 321 planned to 2030) are followed up
    only once due; tasks from an earlier date always, tasks from a later date never."""
    series = meetings.create_meeting(
        engine,
        MeetingInput(
            title="Netzwerktreffen", day="2027-03-02", start="18:00", end="20:00", repeat="biweekly"
        ),
    )
    first = meetings.occurrence(engine, series, local(2027, 3, 2, 18))
    third = meetings.occurrence(engine, series, local(2027, 3, 30, 18))
    later = meetings.occurrence(engine, series, local(2027, 4, 13, 18))
    with transaction(engine) as session:
        session.add(Task(title="Vom ersten Treffen", meeting_id=first, due_on=date(2028, 1, 1)))
        session.add(Task(title="Vom späteren Treffen", meeting_id=later))
        session.add(Task(title="Geplant, fällig", meeting_id=series, due_on=date(2027, 3, 30)))
        session.add(Task(title="Geplant, Zukunft", meeting_id=series, due_on=date(2027, 3, 31)))
        session.add(Task(title="Geplant 2030", meeting_id=series, due_on=date(2030, 12, 13)))
    offered = [title for _id, title in agenda.open_followups(engine, third)]
    assert offered == ["Geplant, fällig", "Vom ersten Treffen"]
    assert agenda.open_followups(engine, series) == []  # the first date: nothing before it


def test_preparing_the_next_meeting_of_a_series_carries_its_open_tasks(engine: Engine) -> None:
    series = meetings.create_meeting(
        engine,
        MeetingInput(
            title="Netzwerktreffen", day="2027-03-02", start="18:00", end="20:00", repeat="biweekly"
        ),
    )
    first = meetings.occurrence(engine, series, local(2027, 3, 2, 18))
    with transaction(engine) as session:
        session.add(Task(title="Flyer drucken", meeting_id=first))
        session.add(Task(title="Raum buchen", meeting_id=first, status="done"))
    second = meetings.occurrence(engine, series, local(2027, 3, 16, 18))
    lines = agenda.agenda(engine, second)
    assert [(line.title, line.note) for line in lines] == [
        ("Nachverfolgung verabredeter Arbeitsschritte", "- Flyer drucken")
    ]
    assert meetings.occurrence(engine, series, local(2027, 3, 16, 18)) == second  # once only
    assert len(agenda.agenda(engine, second)) == 1


@pytest.mark.parametrize("end", [{"count": "6"}, {"until": "2027-06-30"}])
def test_editing_a_series_keeps_its_end(engine: Engine, end: dict[str, str]) -> None:
    data = MeetingInput(
        title="AG", day="2027-03-09", start="18:00", end="19:30", repeat="weekly", **end
    )
    series = meetings.create_meeting(engine, data)
    with Session(engine) as session:
        before = session.get(Meeting, series).recurrence_ends_at  # type: ignore[union-attr]
    again = meetings.input_of(engine, series)
    assert (again.count, again.until) == (end.get("count", ""), end.get("until", ""))
    again.location = "Raum 2"
    meetings.update_meeting(engine, series, again)
    with Session(engine) as session:
        assert session.get(Meeting, series).recurrence_ends_at == before  # type: ignore[union-attr]


def test_the_organiser_is_named_in_the_form(engine: Engine, folks: list[int]) -> None:
    ada, ben, _cem = folks
    people.update_person(
        engine, ben, PersonInput(given_name="Ben", family_name="Bauer", email="ben@example.org")
    )
    namesake = people.create_person(engine, PersonInput(given_name="Ben", family_name="Bauer"))
    assert meetings.default_organiser(engine) == ""
    data = MeetingInput(title="Netzwerktreffen", day="2027-03-02", organiser="Ben Bauer")
    with pytest.raises(ValidationError) as refused:
        meetings.create_meeting(engine, replace(data, end="17:00"))
    assert set(refused.value.errors) == {"end", "organiser"}  # both told at once
    assert "write their ID after the name" in refused.value.errors["organiser"]
    with Session(engine) as session:
        assert session.exec(select(Meeting)).all() == []

    number = meetings.create_meeting(engine, replace(data, organiser="BEN@example.org"))
    with Session(engine) as session:
        assert session.get(Meeting, number).organiser_id == ben  # type: ignore[union-attr]
    shown = meetings.input_of(engine, number)
    assert shown.organiser == f"Ben Bauer #{ben}"  # his name is not unique: with his ID
    assert meetings.default_organiser(engine) == f"Ben Bauer #{ben}"
    meetings.update_meeting(engine, number, shown)  # saved as shown: the same person
    with Session(engine) as session:
        assert session.get(Meeting, number).organiser_id == ben  # type: ignore[union-attr]
    assert "ORGANIZER;CN=Ben Bauer:mailto:ben@example.org" in itip.invitation(
        engine, number, "de", datetime(2026, 12, 1, tzinfo=UTC)
    )

    meetings.update_meeting(engine, number, replace(shown, organiser=f"#{ada}"))
    assert meetings.input_of(engine, number).organiser == "Ada Arslan"
    with pytest.raises(ValidationError) as refused:
        meetings.update_meeting(engine, number, replace(shown, organiser=f"#{namesake + 99}"))
    assert refused.value.errors == {"organiser": f"No person with ID {namesake + 99}."}
    meetings.update_meeting(engine, number, replace(shown, organiser=""))
    with Session(engine) as session:
        assert session.get(Meeting, number).organiser_id is None  # type: ignore[union-attr]
    with pytest.raises(ValidationError) as refused:  # no organiser: no invitation
        itip.invitation(engine, number, "de", datetime(2026, 12, 1, tzinfo=UTC))
    assert "organiser" in refused.value.errors


def test_inviting_by_name_finds_an_organisation_a_group_or_a_person(
    engine: Engine, folks: list[int]
) -> None:
    from coordinator.mail import groups
    from coordinator.mail.groups import GroupInput
    from coordinator.register import organisations
    from coordinator.register.organisations import OrganisationInput

    ada, ben, cem = folks
    club = organisations.create_organisation(
        engine, OrganisationInput(name="Verein Brücke"), today=local(2026, 12, 1).date()
    )
    people.update_person(
        engine, ben, PersonInput("Ben", "Bauer", "ben@example.org", affiliations=[(club, "")])
    )
    groups.create_group(engine, GroupInput(name="Cem allein", people="Cem Coşkun"))
    groups.create_group(engine, GroupInput(name="Verein Brücke", people="Ada Arslan"))
    meeting = meetings.create_meeting(engine, MeetingInput(title="Treffen", day="2027-03-02"))

    def invited() -> set[int]:
        with Session(engine) as session:
            rows = session.exec(select(Invitation).where(Invitation.meeting_id == meeting))
            return {row.person_id for row in rows}

    assert invitations.invite_by_name(engine, meeting, "any", "cem coskun") == 1  # accents
    assert invitations.invite_by_name(engine, meeting, "any", "BEN@example.org") == 1
    assert invited() == {cem, ben}
    with pytest.raises(ValidationError) as refused:  # an organisation and a group
        invitations.invite_by_name(engine, meeting, "any", "Verein Brücke")
    assert "names more than one" in refused.value.errors["name"]
    assert invitations.invite_by_name(engine, meeting, "group", "Verein Brücke") == 1
    assert invitations.invite_by_name(engine, meeting, "organisation", "verein brucke") == 0
    assert invited() == {ada, ben, cem}
    with pytest.raises(ValidationError) as refused:
        invitations.invite_by_name(engine, meeting, "person", "Niemand")
    assert refused.value.errors == {"name": "No one called “Niemand” in the register."}
    with pytest.raises(ValidationError):
        invitations.invite_by_name(engine, meeting, "any", "Niemand")
    assert invited() == {ada, ben, cem}


def test_the_follow_up_item_speaks_the_meetings_language(engine: Engine) -> None:
    """An English screen writes a German meeting's follow-up item in German (and an English
    meeting's in English; the tests' screen speaks English); renewing it after the meeting's language changed renames it and
    does not add a second item."""
    series = meetings.create_meeting(
        engine,
        MeetingInput(
            title="Network", day="2027-03-02", start="18:00", end="20:00", repeat="biweekly",
            language="en",
        ),
    )  # fmt: skip
    first = meetings.occurrence(engine, series, local(2027, 3, 2, 18))
    with transaction(engine) as session:
        session.add(Task(title="Print flyers", meeting_id=first))
    second = meetings.occurrence(engine, series, local(2027, 3, 16, 18))
    assert [line.title for line in agenda.agenda(engine, second)] == ["Follow-up of agreed steps"]
    with transaction(engine) as session:
        meeting = session.get(Meeting, second)
        assert meeting is not None
        meeting.language = "de"
    agenda.add_followups(engine, second)
    assert [line.title for line in agenda.agenda(engine, second)] == [
        "Nachverfolgung verabredeter Arbeitsschritte"
    ]


def test_a_name_that_fits_one_is_taken_and_several_are_listed(engine: Engine, folks) -> None:
    """ "Jobcenter" invites the one organisation whose name starts so; "a" lists whom it fits;
    the dropdown's label for a namesake ("Name #ID") finds that person again."""
    from coordinator.register import names, organisations
    from coordinator.register.organisations import OrganisationInput

    ada, _ben, _cem = folks
    today = local(2026, 12, 1).date()
    organisations.create_organisation(
        engine, OrganisationInput(name="Jobcenter Arbeitplus, Integration Point"), today=today
    )
    member = people.create_person(engine, PersonInput("Jo", "Lang"))
    twin = people.create_person(engine, PersonInput("Ada", "Arslan"))
    meeting = meetings.create_meeting(engine, MeetingInput(title="Treffen", day="2027-03-02"))
    assert invitations.invite_by_name(engine, meeting, "any", "Jobcenter") == 0  # nobody in it
    with pytest.raises(ValidationError) as refused:
        invitations.invite_by_name(engine, meeting, "any", "jo")
    assert refused.value.errors["name"].startswith("“jo” fits 2 names (")
    assert "Jo Lang" in refused.value.errors["name"]
    assert invitations.invite_by_name(engine, meeting, "person", "lang") == 1
    labels = [n.label for n in names.names(engine, ["person"])]
    assert f"Ada Arslan #{ada}" in labels and f"Ada Arslan #{twin}" in labels
    assert invitations.invite_by_name(engine, meeting, "any", f"Ada Arslan #{twin}") == 1
    with pytest.raises(ValidationError) as refused:
        invitations.invite_by_name(engine, meeting, "any", "Ada Arslan")
    assert "fits 2 names" in refused.value.errors["name"]
    assert member


def test_score_fits_words_in_any_case_and_accent() -> None:
    from coordinator.register.names import score

    assert score("ayse yil", "Ayşe Yılmaz") > score("yil", "Ayşe Yılmaz") > 0
    assert score("Ayşe Yılmaz", "ayse yilmaz") == 1.0
    assert score("jobc", "Jobcenter Arbeitplus, Integration Point") > 0
    assert score("xyz", "Ayşe Yılmaz") == 0
    assert score("   ", "Ayşe Yılmaz") == 0


def test_a_meeting_is_named_by_id_title_or_a_part_of_it(engine: Engine) -> None:
    from coordinator.register.names import meeting_named

    first = meetings.create_meeting(
        engine, MeetingInput(title="Sommerfest planen", day="2027-05-04")
    )
    meetings.create_meeting(engine, MeetingInput(title="Netzwerktreffen", day="2027-03-02"))
    again = meetings.create_meeting(engine, MeetingInput(title="Netzwerktreffen", day="2027-04-06"))
    assert meeting_named(engine, "") is None
    assert meeting_named(engine, str(first)) == first
    assert meeting_named(engine, "sommerf") == first
    assert meeting_named(engine, f"Netzwerktreffen #{again}") == again
    with pytest.raises(ValidationError) as refused:
        meeting_named(engine, "netzwerk")
    assert refused.value.errors["meeting"].startswith("“netzwerk” fits 2 meetings (")
    with pytest.raises(ValidationError) as refused:
        meeting_named(engine, "Jahresempfang")
    assert refused.value.errors == {"meeting": "No meeting called “Jahresempfang”."}
