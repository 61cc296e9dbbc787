"""Issue 20, "Reading replies from a mailbox": answers as Outlook, Google, Apple and
Thunderbird send them, delegated and forwarded ones, plain notices and answers to a date
poll's holds are recorded by the import's rules; reading the same mailbox twice changes
nothing; hostile or broken mail changes nothing and is said."""

from __future__ import annotations

import mailbox
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from coordinator.calendar import mail_replies as replies
from coordinator.meetings import date_poll, invitations, meetings
from coordinator.meetings.meetings import MeetingInput
from coordinator.register import people
from coordinator.register.people import PersonInput
from storage.enums import Availability, Rsvp
from storage.models import Invitation, Meeting, PollSlot, PollVote
from tests.fixtures import reply_mails

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


@pytest.fixture
def network(engine: Engine) -> dict[str, object]:
    ids = {
        name: people.create_person(
            engine, PersonInput(given_name=name.capitalize(), family_name="Test",
                                email=f"{name}@example.org")
        )
        for name in ("ayse", "ben", "cem", "dana", "emre")
    }  # fmt: skip
    meeting = meetings.create_meeting(
        engine, MeetingInput(title="Netzwerktreffen", day="2026-12-10", start="18:00", end="20:00")
    )
    invitations.invite_people(engine, meeting, list(ids.values()))
    with Session(engine) as session:
        uid = session.get(Meeting, meeting).uid  # type: ignore[union-attr]
    return {"ids": ids, "meeting": meeting, "uid": uid}


def _answers(engine: Engine, meeting: int) -> dict[int, Rsvp]:
    with Session(engine) as session:
        return {
            i.person_id: i.rsvp
            for i in session.exec(select(Invitation).where(Invitation.meeting_id == meeting))
        }


@pytest.mark.parametrize(
    ("client", "who", "partstat", "rsvp"),
    [
        ("outlook", "ayse", "ACCEPTED", Rsvp.ACCEPTED),
        ("google", "ben", "ACCEPTED", Rsvp.ACCEPTED),
        ("apple", "cem", "DECLINED", Rsvp.DECLINED),
        ("thunderbird", "dana", "TENTATIVE", Rsvp.TENTATIVE),
    ],
)
def test_each_clients_reply_is_recorded_and_reading_twice_changes_nothing(
    engine: Engine, network: dict, client: str, who: str, partstat: str, rsvp: Rsvp
) -> None:
    mail = getattr(reply_mails, client)(network["uid"], f"{who}@example.org", partstat)
    (outcome,) = replies.read_replies(engine, [mail], now=NOW)
    assert outcome.result == replies.RECORDED, outcome
    assert outcome.sender == f"{who}@example.org"
    answers = _answers(engine, network["meeting"])
    assert answers[network["ids"][who]] == rsvp
    assert [o.result for o in replies.read_replies(engine, [mail], now=NOW)] == [replies.ALREADY]
    assert _answers(engine, network["meeting"]) == answers


def test_a_delegate_may_answer_and_a_stranger_may_not(engine: Engine, network: dict) -> None:
    delegated = reply_mails.outlook(
        network["uid"], "emre@example.org", "DECLINED", sent_by="assistenz@example.org"
    )
    delegated = delegated.replace(b"From: emre@example.org", b"From: assistenz@example.org")
    stranger = reply_mails.outlook(network["uid"], "ayse@example.org", "DECLINED")
    stranger = stranger.replace(b"From: ayse@example.org", b"From: someone@evil.example")
    found = replies.read_replies(engine, [delegated, stranger], now=NOW)
    assert [o.result for o in found] == [replies.RECORDED, replies.REFUSED]
    assert "sent by someone@evil.example" in found[1].detail
    answers = _answers(engine, network["meeting"])
    assert answers[network["ids"]["emre"]] == Rsvp.DECLINED
    assert answers[network["ids"]["ayse"]] == Rsvp.NO_REPLY


def test_a_forwarded_reply_and_a_plain_notice_count(engine: Engine, network: dict) -> None:
    inner = reply_mails.google(network["uid"], "ben@example.org", "DECLINED")
    forwarded = reply_mails.forwarded(inner, "ben@example.org")
    notice = reply_mails.notice("Cem Test <cem@example.org>", "Zugesagt: Netzwerktreffen")
    found = replies.read_replies(engine, [forwarded, notice], now=NOW)
    assert [o.result for o in found] == [replies.RECORDED, replies.RECORDED], found
    answers = _answers(engine, network["meeting"])
    assert answers[network["ids"]["ben"]] == Rsvp.DECLINED
    assert answers[network["ids"]["cem"]] == Rsvp.ACCEPTED


def test_an_older_reply_never_wins(engine: Engine, network: dict) -> None:
    newer = reply_mails.outlook(network["uid"], "ayse@example.org", "DECLINED",
                                stamp=datetime(2026, 12, 4, 11, tzinfo=UTC))  # fmt: skip
    older = reply_mails.outlook(network["uid"], "ayse@example.org", "ACCEPTED",
                                stamp=datetime(2026, 12, 1, 9, tzinfo=UTC))  # fmt: skip
    found = replies.read_replies(engine, [newer, older], now=NOW)
    assert [o.result for o in found] == [replies.RECORDED, replies.UNCHANGED_]
    assert _answers(engine, network["meeting"])[network["ids"]["ayse"]] == Rsvp.DECLINED


def test_a_reply_to_a_poll_hold_fills_the_poll(engine: Engine, network: dict) -> None:
    poll = date_poll.create_poll(
        engine,
        network["meeting"],
        date_poll.parse_slots("10.12.2026 18:00-20:00\n11.12.2026 18:00-20:00", "Europe/Berlin"),
    )
    with Session(engine) as session:
        slots = session.exec(select(PollSlot).where(PollSlot.poll_id == poll)).all()
    yes = reply_mails.apple(slots[0].uid, "ayse@example.org", "ACCEPTED")
    maybe = reply_mails.outlook(slots[1].uid, "ayse@example.org", "TENTATIVE")
    no = reply_mails.thunderbird(slots[1].uid, "ben@example.org", "DECLINED")
    found = replies.read_replies(engine, [yes, maybe, no], now=NOW)
    assert [o.result for o in found] == [replies.RECORDED] * 3, found
    with Session(engine) as session:
        votes = {(v.slot_id, v.person_id): v.answer for v in session.exec(select(PollVote))}
    ids = network["ids"]
    assert votes == {
        (slots[0].id, ids["ayse"]): Availability.YES,
        (slots[1].id, ids["ayse"]): Availability.IF_NEED_BE,
        (slots[1].id, ids["ben"]): Availability.NO,
    }


def test_hostile_and_broken_mail_changes_nothing_and_is_said(engine: Engine, network: dict) -> None:
    before = _answers(engine, network["meeting"])
    huge = reply_mails.outlook(network["uid"], "ayse@example.org").replace(
        b"Accepted.", b"A" * (replies.MAX_MESSAGE + 10)
    )
    other = reply_mails.outlook("someone-elses-uid@elsewhere.example", "ayse@example.org")
    broken_part = reply_mails.apple(network["uid"], "ben@example.org").replace(
        b"BEGIN:VEVENT", b"BEGIN:VEVENT\r\nDTSTART:kaputt"
    )
    nonsense = reply_mails.notice("ben@example.org", "Re: Protokoll vom letzten Mal")
    garbage = b"\x00\xff" * 100
    found = replies.read_replies(engine, [huge, other, broken_part, nonsense, garbage], now=NOW)
    assert [o.result for o in found] == [
        replies.REFUSED, replies.REFUSED, replies.REFUSED, replies.NOT_UNDERSTOOD,
        replies.NOT_UNDERSTOOD,
    ], found  # fmt: skip
    assert found[3].subject == "Re: Protokoll vom letzten Mal"  # listed, not dropped
    assert _answers(engine, network["meeting"]) == before


def test_mbox_and_maildir_are_read_as_they_are(
    engine: Engine, network: dict, tmp_path: Path
) -> None:
    mails = [
        reply_mails.outlook(network["uid"], "ayse@example.org"),
        reply_mails.google(network["uid"], "ben@example.org", "DECLINED"),
    ]
    box = mailbox.mbox(tmp_path / "inbox.mbox")
    for mail in mails:
        box.add(mail)
    box.close()
    folder = mailbox.Maildir(tmp_path / "Maildir")
    for mail in mails:
        folder.add(mail)
    read = list(replies.mbox_messages(tmp_path / "inbox.mbox"))
    assert len(read) == 2
    assert [o.result for o in replies.read_replies(engine, read, now=NOW)] == [replies.RECORDED] * 2
    again = list(replies.maildir_messages(tmp_path / "Maildir"))
    assert [o.result for o in replies.read_replies(engine, again, now=NOW)] == [replies.ALREADY] * 2
    with pytest.raises(FileNotFoundError):
        list(replies.mbox_messages(tmp_path / "nowhere.mbox"))


def test_a_reply_for_one_date_of_a_series_counts_for_that_date(engine: Engine) -> None:
    ayse = people.create_person(
        engine, PersonInput(given_name="Ayşe", family_name="Reihe", email="ayse@example.org")
    )
    series = meetings.create_meeting(
        engine,
        MeetingInput(title="Sprechstunde", day="2026-12-01", start="17:00", end="18:00",
                     repeat="weekly", count="4"),
    )  # fmt: skip
    invitations.invite_people(engine, series, [ayse])
    with Session(engine) as session:
        uid = session.get(Meeting, series).uid  # type: ignore[union-attr]
    mail = reply_mails.outlook(
        uid, "ayse@example.org", "DECLINED", recurrence_id="20261208T160000Z"
    )
    (outcome,) = replies.read_replies(engine, [mail], now=NOW)
    assert outcome.result == replies.RECORDED, outcome
    with Session(engine) as session:
        rows = {
            (m.recurrence_id, i.rsvp)
            for i, m in session.exec(
                select(Invitation, Meeting).join(Meeting, Meeting.id == Invitation.meeting_id)  # type: ignore[arg-type]
            )
        }
    assert rows == {
        (None, Rsvp.NO_REPLY),  # the series: no answer yet
        (datetime(2026, 12, 8, 16, 0, tzinfo=UTC), Rsvp.DECLINED),  # that date only
    }


def test_an_address_is_matched_as_written_and_a_reply_needs_a_sender(
    engine: Engine, network: dict
) -> None:
    """ "_" in an address is a letter, not a wildcard: "c_m@…" is not "cxm@…"; a reply that
    names no sender is nobody's word."""
    people_id = people.create_person(
        engine, PersonInput(given_name="Cam", family_name="Unter", email="c_m@example.org")
    )
    invitations.invite_people(engine, network["meeting"], [people_id])
    lookalike = reply_mails.notice("cxm@example.org", "Zugesagt: Netzwerktreffen")
    anonymous = reply_mails.outlook(network["uid"], "ayse@example.org", "DECLINED").replace(
        b"From: ayse@example.org\n", b""
    )
    found = replies.read_replies(engine, [lookalike, anonymous], now=NOW)
    assert [o.result for o in found] == [replies.NOT_UNDERSTOOD, replies.REFUSED], found
    answers = _answers(engine, network["meeting"])
    assert answers[people_id] == Rsvp.NO_REPLY
    assert answers[network["ids"]["ayse"]] == Rsvp.NO_REPLY
