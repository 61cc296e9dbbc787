"""Issue 20, end to end with real components: the app sends an invitation (aiosmtpd receives
it), partners answer it as Outlook, Google and Apple would, into a real IMAP server (Dovecot),
`coordinator fetch-replies` reads them: the answers are recorded, a reply to a date poll's
hold fills the poll, the minutes open with the expected attendance; reading again changes
nothing, the read messages are marked (moved to the done folder), one it cannot understand
stays where it was."""

from __future__ import annotations

import os
import subprocess
import sys

from sqlalchemy import Engine
from sqlmodel import Session, select

from coordinator.calendar import itip
from coordinator.meetings import date_poll, invitations
from coordinator.minutes import minutes
from storage.enums import AttendanceStatus, Availability, Rsvp
from storage.models import Announcement, Attendance, Invitation, Person, PollVote
from tests.domain.test_mail import NOW, announcement, send, server  # noqa: F401 (fixtures)
from tests.dovecot import Server, dovecot  # noqa: F401 (fixture)
from tests.fixtures import reply_mails


def _fetch(db_url: str, mailbox: Server) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LANG": "C.UTF-8", "LC_ALL": "", "LANGUAGE": "",
           "COORDINATOR_IMAP_PASSWORD": mailbox.password,
           "SSL_CERT_FILE": str(mailbox.certificate)}  # fmt: skip
    return subprocess.run(
        [sys.executable, "-m", "coordinator.cli", "fetch-replies", "--db", db_url],
        capture_output=True, text=True, check=False, env=env, timeout=120,
    )  # fmt: skip


def test_answers_sent_by_partners_come_back_through_the_mailbox(
    engine: Engine,
    db_url: str,
    announcement: int,  # noqa: F811
    server,  # noqa: F811
    dovecot: Server,  # noqa: F811
) -> None:
    from coordinator.mail import imap

    inbox, port = server
    with Session(engine) as session:
        meeting_id = session.get(Announcement, announcement).meeting_id  # type: ignore[union-attr]
        ids = {p.email.split("@")[0]: p.id for p in session.exec(select(Person)) if p.email}
    invitations.invite_people(engine, meeting_id, [ids["jonas"], ids["zoe"], ids["olaf"]])
    send(engine, announcement, port)
    uids = {}
    for message in inbox.messages:
        part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
        if part.get_param("method") == "REQUEST":
            text = part.get_content()
            uid = next(line[4:] for line in text.splitlines() if line.startswith("UID:"))
            uids[message["To"].addresses[0].addr_spec] = uid.strip()
    assert set(uids) == {"jonas@example.org", "zoe@example.org"}  # olaf: no consent, no mail

    poll = date_poll.create_poll(
        engine, meeting_id,
        date_poll.parse_slots("12.01.2027 18:00-20:00\n13.01.2027 18:00-20:00", "Europe/Berlin"),
    )  # fmt: skip
    holds = itip.poll_holds(engine, poll, "de", NOW)
    hold_uid = next(line[4:] for line in holds.splitlines() if line.startswith("UID:")).strip()

    dovecot.deliver(
        reply_mails.outlook(uids["jonas@example.org"], "jonas@example.org", "ACCEPTED"),
        reply_mails.google(uids["zoe@example.org"], "zoe@example.org", "DECLINED"),
        reply_mails.apple(hold_uid, "zoe@example.org", "TENTATIVE"),
        reply_mails.notice("someone@example.net", "Frage zum Protokoll"),
    )
    imap.save_settings(
        engine, host=dovecot.host, port=str(dovecot.port), user=dovecot.user, folder="INBOX",
        done_folder="Erledigt",
    )  # fmt: skip
    first = _fetch(db_url, dovecot)
    assert first.returncode == 1, first.stdout + first.stderr  # one message not understood
    assert "3 recorded" in first.stdout and "1 not understood" in first.stdout, first.stdout

    with Session(engine) as session:
        answers = {
            i.person_id: i.rsvp
            for i in session.exec(select(Invitation).where(Invitation.meeting_id == meeting_id))
        }
        votes = {v.person_id: v.answer for v in session.exec(select(PollVote))}
    assert answers == {ids["jonas"]: Rsvp.ACCEPTED, ids["zoe"]: Rsvp.DECLINED,
                       ids["olaf"]: Rsvp.NO_REPLY}  # fmt: skip
    assert votes == {ids["zoe"]: Availability.IF_NEED_BE}

    minutes.start_minutes(engine, meeting_id)
    with Session(engine) as session:
        attendance = {a.person_id: (a.status, a.expected) for a in session.exec(select(Attendance))}
    assert attendance == {
        ids["jonas"]: (AttendanceStatus.PRESENT, True),
        ids["zoe"]: (AttendanceStatus.EXCUSED, True),
        ids["olaf"]: (AttendanceStatus.ABSENT, False),
    }

    second = _fetch(db_url, dovecot)
    assert "0 recorded" in second.stdout and "1 not understood" in second.stdout, second.stdout
    connection = dovecot.imap()
    try:
        connection.select("INBOX")
        status, left = connection.uid("search", None, "ALL")
        assert status == "OK" and len(left[0].split()) == 1  # the one not understood stayed
        connection.select('"Erledigt"')
        status, moved = connection.uid("search", None, "ALL")
        assert status == "OK" and len(moved[0].split()) == 3
    finally:
        connection.logout()
