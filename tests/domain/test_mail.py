"""Announcements by e-mail, checked on a real SMTP server on loopback (aiosmtpd): headers,
encodings, the calendar part, attachments, a dropped connection resumed without duplicates
or gaps, header injection, .eml files, unreachable people listed."""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import Engine
from sqlmodel import select

from coordinator.mail import announcements, delivery, smtp
from coordinator.mail.smtp import MailSettings
from coordinator.meetings import meetings
from coordinator.meetings.meetings import MeetingInput
from coordinator.register import people
from coordinator.register.people import PersonInput
from coordinator.validation import ValidationError
from storage.enums import AnnouncementStatus, DeliveryStatus
from storage.models import (
    Announcement,
    AnnouncementFile,
    Invitation,
    RecipientGroup,
    RecipientGroupMember,
)
from storage.uow import reading, transaction

NOW = datetime(2026, 11, 22, 9, tzinfo=UTC)


class Inbox:
    """An SMTP handler that keeps what arrives; with ``drop_after`` it hangs up on the
    message after that many (as a server restarting halfway would)."""

    def __init__(self, drop_after: int | None = None) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list[list[str]] = []
        self.drop_after = drop_after
        self.refuse: set[str] = set()

    async def handle_MAIL(self, server, session, envelope, address, options):  # type: ignore[no-untyped-def]
        if self.drop_after is not None and len(self.messages) >= self.drop_after:
            session.transport.close()
            return "421 closing"
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, options):  # type: ignore[no-untyped-def]
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        self.envelopes.append(list(envelope.rcpt_tos))
        self.messages.append(
            email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        )
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def server() -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


def settings(port: int) -> MailSettings:
    return MailSettings(
        host="127.0.0.1", port=port, security="none", sender_name="Netzwerk Süd",
        sender_email="netzwerk@example.org", per_minute=1000,
    )  # fmt: skip


@pytest.fixture
def announcement(engine: Engine) -> int:
    def person(
        given: str, family: str, mail: str, consent: str = "2026-01-10", lang: str = "de"
    ) -> int:
        return people.create_person(
            engine,
            PersonInput(given, family, mail, consent_on=consent, consent_purpose="Rundbrief",
                        preferred_language=lang),
        )  # fmt: skip

    ids = [
        person("Ayşe", "Yılmaz", "ayse@example.org"),
        person("Jonas", "Weber", "jonas@example.org", lang="en"),
        person("Zoë", "Çelik", "zoe@example.org"),
        person("Olaf", "Ohne", "olaf@example.org", consent=""),  # no consent: not reachable
        person("Nina", "Nomail", ""),  # no address: not reachable
    ]
    with transaction(engine) as session:
        group = RecipientGroup(name="Rundbrief")
        session.add(group)
        session.flush()
        for pid in ids:
            session.add(RecipientGroupMember(group_id=group.id, person_id=pid))
        group_id = group.id or 0
    meeting = meetings.create_meeting(
        engine, MeetingInput(title="Netzwerktreffen", day="2027-01-12"), organiser_id=ids[0]
    )
    return announcements.create_announcement(
        engine, "Einladung: Netzwerktreffen im Januar – bitte zusagen",
        "Liebe Alle,\n\nwir treffen uns am 12. Januar.\n", group_id=group_id, meeting_id=meeting,
    )  # fmt: skip


def send(engine: Engine, announcement_id: int, port: int) -> delivery.SendReport:
    return delivery.send(
        engine, announcement_id, settings(port), "",
        attachments=announcements.standard_attachments(engine, NOW), sleep=lambda _s: None,
    )  # fmt: skip


def test_what_arrives(engine: Engine, announcement: int, server) -> None:
    inbox, port = server
    report = send(engine, announcement, port)
    assert report.sent == 3 and report.failed == 0
    assert sorted(r.reason for r in report.unreachable) == [
        "no consent recorded",
        "no e-mail address",
    ]
    assert sorted(e[0] for e in inbox.envelopes) == [
        "ayse@example.org", "jonas@example.org", "zoe@example.org",
    ]  # fmt: skip
    ayse = next(m for m in inbox.messages if "ayse@" in str(m["To"]))
    assert str(ayse["Subject"]) == "Einladung: Netzwerktreffen im Januar – bitte zusagen"
    assert ayse["To"].addresses[0].display_name == "Ayşe Yılmaz"
    assert ayse["From"].addresses[0].display_name == "Netzwerk Süd"
    raw = ayse.as_bytes()
    assert b"=?utf-8?" in raw  # non-ASCII names and subject are encoded words
    parts = {part.get_content_type(): part for part in ayse.walk()}
    assert ayse.get_body(("plain",)).get_content().startswith("Liebe Alle,")
    calendar = parts["text/calendar"]
    assert calendar.get_param("method") == "PUBLISH"  # Ayşe is not invited: the meeting alone
    assert "BEGIN:VEVENT" in calendar.get_content()
    assert "ATTENDEE" not in calendar.get_content()
    attachments = sorted(p.get_filename() for p in ayse.iter_attachments())
    assert attachments == ["agenda.txt", "invite.ics"]
    english = next(m for m in inbox.messages if "jonas@" in str(m["To"]))
    agenda = next(p for p in english.iter_attachments() if p.get_filename() == "agenda.txt")
    assert "Agenda" in agenda.get_content()  # each recipient's own language
    with reading(engine) as session:
        assert session.get(Announcement, announcement).status == AnnouncementStatus.SENT
    log = delivery.send_log(engine, announcement_id=announcement)
    assert [line.status for line in log] == [DeliveryStatus.SENT] * 3
    from coordinator.register.details import person_detail

    ayse_id = log[0].person_id
    assert [m.subject for m in person_detail(engine, ayse_id).messages] == [str(ayse["Subject"])]
    assert send(engine, announcement, port).sent == 0  # nobody gets it twice
    assert len(inbox.messages) == 3


def test_sending_keeps_to_the_rate_limit(engine: Engine, announcement: int, server) -> None:
    _inbox, port = server
    pauses: list[float] = []
    slow = MailSettings(**{**settings(port).__dict__, "per_minute": 20})
    report = delivery.send(
        engine, announcement, slow, "",
        attachments=announcements.standard_attachments(engine, NOW), sleep=pauses.append,
    )  # fmt: skip
    assert report.sent == 3 and pauses == [3.0, 3.0]  # 60 s / 20, between the messages


def test_dropped_connection_resumes_without_duplicates_or_gaps(
    engine: Engine, announcement: int, server
) -> None:
    inbox, port = server
    inbox.drop_after = 1
    first = send(engine, announcement, port)
    assert first.sent == 1 and first.error
    log = delivery.send_log(engine, announcement_id=announcement)
    pending = [line for line in log if line.status == DeliveryStatus.PENDING]
    assert len(pending) == 2
    inbox.drop_after = None
    second = send(engine, announcement, port)
    assert second.sent == 2 and not second.error
    received = sorted(e[0] for e in inbox.envelopes)
    assert received == ["ayse@example.org", "jonas@example.org", "zoe@example.org"]


def test_a_failed_delivery_is_logged_and_retried(engine: Engine, announcement: int, server) -> None:
    inbox, port = server
    inbox.refuse = {"zoe@example.org"}
    first = send(engine, announcement, port)
    assert first.sent == 2 and first.failed == 1
    log = delivery.send_log(engine, announcement_id=announcement)
    failed = [line for line in log if line.status == DeliveryStatus.FAILED]
    assert [f.email for f in failed] == ["zoe@example.org"] and "550" in failed[0].error
    inbox.refuse = set()
    second = send(engine, announcement, port)
    assert second.sent == 1 and sorted(e[0] for e in inbox.envelopes) == [
        "ayse@example.org", "jonas@example.org", "zoe@example.org",
    ]  # fmt: skip
    with reading(engine) as session:
        meeting_id = session.get(Announcement, announcement).meeting_id
    assert len(delivery.send_log(engine, meeting_id=meeting_id)) == 3


def test_a_cancelled_meeting_sends_its_cancellation(
    engine: Engine, announcement: int, server
) -> None:
    from storage.enums import MeetingStatus

    inbox, port = server
    with reading(engine) as session:
        meeting_id = session.get(Announcement, announcement).meeting_id
    meetings.set_status(engine, meeting_id, MeetingStatus.CANCELLED)
    send(engine, announcement, port)
    calendar = inbox.messages[0].get_body(("calendar",))
    assert calendar.get_param("method") == "CANCEL" and "STATUS:CANCELLED" in calendar.get_content()


def test_header_injection_is_impossible(engine: Engine, server) -> None:
    inbox, port = server
    evil = people.create_person(
        engine,
        PersonInput("Eve\r\nBcc: victim@example.net", "X", "eve@example.org",
                    consent_on="2026-01-01", consent_purpose="Rundbrief"),
    )  # fmt: skip
    with transaction(engine) as session:
        group = RecipientGroup(name="Eve")
        session.add(group)
        session.flush()
        session.add(RecipientGroupMember(group_id=group.id, person_id=evil))
        group_id = group.id or 0
    with pytest.raises(ValidationError):
        announcements.create_announcement(
            engine, "Hallo\r\nBcc: victim@example.net", "x", group_id=group_id
        )
    announcement = announcements.create_announcement(engine, "Hallo", "Text", group_id=group_id)
    send(engine, announcement, port)
    assert inbox.envelopes == [["eve@example.org"]]
    message = inbox.messages[0]
    assert message["Bcc"] is None
    assert "victim" not in str(message["To"]).split("<")[1]


def test_eml_files_carry_the_same_parts(engine: Engine, announcement: int, tmp_path: Path) -> None:
    report = delivery.write_eml(
        engine, announcement, tmp_path, settings(25).sender,
        attachments=announcements.standard_attachments(engine, NOW), now=NOW,
    )  # fmt: skip
    assert report.written == 3 and len(report.unreachable) == 2
    files = sorted(tmp_path.glob("*.eml"))
    assert len(files) == 3
    message = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    types = [part.get_content_type() for part in message.walk()]
    assert "text/plain" in types and "text/calendar" in types
    assert sorted(p.get_filename() for p in message.iter_attachments()) == [
        "agenda.txt",
        "invite.ics",
    ]
    addresses = (tmp_path / "addresses.txt").read_text()
    assert "Ayşe Yılmaz <ayse@example.org>" in addresses and "olaf@" not in addresses
    log = delivery.send_log(engine, announcement_id=announcement)
    assert {line.status for line in log} == {DeliveryStatus.WRITTEN}


def test_settings_are_checked_and_the_password_stays_out(engine: Engine, server) -> None:
    with pytest.raises(ValidationError) as error:
        smtp.save_settings(engine, host="", port="99999", security="ssl", sender_email="x")
    assert set(error.value.errors) == {"host", "port", "security", "sender_email"}
    _inbox, port = server
    saved = smtp.save_settings(
        engine, host="127.0.0.1", port=str(port), security="none",
        sender_email="netzwerk@example.org", sender_name="Netzwerk",
    )  # fmt: skip
    assert saved.port == port and smtp.load_settings(engine) == saved
    assert smtp.test_settings(saved, "").startswith("250")
    assert smtp.password({"COORDINATOR_SMTP_PASSWORD": "geheim"}) == "geheim"


def test_translation_files_minutes_and_invitees_told(
    engine: Engine, announcement: int, server, tmp_path: Path
) -> None:

    from coordinator.meetings import invitations

    inbox, port = server
    with reading(engine) as session:
        meeting_id = session.get(Announcement, announcement).meeting_id
    everyone = [r.person_id for r in delivery.audience(engine, announcement)]
    invitations.invite_people(engine, meeting_id, everyone)
    with transaction(engine) as session:
        for invitation in session.exec(select(Invitation)).all():
            invitation.needs_update = True
    announcements.translate(
        engine, announcement, "en", "Invitation: network meeting", "Dear all,\n"
    )
    with pytest.raises(ValidationError):
        announcements.translate(engine, announcement, "english!", "x", "y")
    flyer = tmp_path / "flyer.pdf"
    flyer.write_bytes(b"%PDF-1.4 Flyer \xff")
    announcements.attach_file(engine, announcement, flyer)
    assert "[en] Invitation: network meeting" in announcements.preview(engine, announcement, "en")
    assert announcements.languages(engine, announcement) == ["de", "en"]
    send(engine, announcement, port)
    jonas = next(m for m in inbox.messages if "jonas@" in str(m["To"]))
    ayse = next(m for m in inbox.messages if "ayse@" in str(m["To"]))
    assert str(jonas["Subject"]) == "Invitation: network meeting"  # he prefers English
    assert str(ayse["Subject"]).startswith("Einladung")
    for message in (jonas, ayse):
        pdf = next(p for p in message.iter_attachments() if p.get_filename() == "flyer.pdf")
        assert pdf.get_content() == b"%PDF-1.4 Flyer \xff"
    with reading(engine) as session:
        told = {i.person_id: i.needs_update for i in session.exec(select(Invitation)).all()}
    sent_to = {line.person_id for line in delivery.send_log(engine, announcement_id=announcement)}
    assert all(told[pid] is False for pid in sent_to)
    assert any(told[pid] for pid in set(told) - sent_to)  # the unreachable still wait

    with reading(engine) as session:
        group_id = session.get(Announcement, announcement).group_id or 0
    with pytest.raises(ValidationError):  # no minutes to send yet
        announcements.create_announcement(
            engine, "P", "x", group_id=group_id, meeting_id=meeting_id, attach="minutes"
        )
    from coordinator.minutes.minutes import start_minutes

    start_minutes(engine, meeting_id)
    minutes = announcements.create_announcement(
        engine, "Protokoll", "Anbei das Protokoll.", group_id=group_id,
        meeting_id=meeting_id, attach="minutes",
    )  # fmt: skip
    send(engine, minutes, port)
    names = sorted(p.get_filename() for p in inbox.messages[-1].iter_attachments())
    assert names == ["minutes.txt", "todo.txt"]


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, Path]:
    """A self-signed certificate for localhost (openssl is on every Debian machine)."""
    import subprocess

    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
         "-out", str(cert), "-days", "2", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost"],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_encrypted_connection_and_login(
    engine: Engine, announcement: int, certificate, monkeypatch, security: str
) -> None:
    import ssl

    from aiosmtpd.smtp import AuthResult

    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    logins: list[tuple[bytes, bytes]] = []

    def authenticator(server, session, envelope, mechanism, data):  # type: ignore[no-untyped-def]
        logins.append((data.login, data.password))
        return AuthResult(success=data.password == b"geheim")

    inbox, port = Inbox(), free_port()
    options = (
        {"tls_context": context, "require_starttls": True, "auth_require_tls": True}
        if security == "starttls"
        else {"ssl_context": context, "auth_require_tls": False}  # the whole connection is TLS
    )
    controller = Controller(
        inbox, hostname="127.0.0.1", port=port, authenticator=authenticator, **options
    )
    controller.start()
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # our test certificate is trusted
    try:
        mail = MailSettings(
            host="localhost", port=port, security=security, user="netz",
            sender_email="netzwerk@example.org", per_minute=1000,
        )  # fmt: skip
        assert smtp.test_settings(mail, "geheim").startswith("250")
        report = delivery.send(
            engine, announcement, mail, "geheim",
            attachments=announcements.standard_attachments(engine, NOW), sleep=lambda _s: None,
        )  # fmt: skip
        assert report.sent == 3 and len(inbox.messages) == 3
        assert logins[-1] == (b"netz", b"geheim")
    finally:
        controller.stop()


def test_gdpr_export_and_erasure_cover_the_send_log(
    engine: Engine, announcement: int, server
) -> None:
    import json

    from coordinator.register import gdpr

    _inbox, port = server
    send(engine, announcement, port)
    person_id = delivery.send_log(engine, announcement_id=announcement)[0].person_id
    exported = json.loads(gdpr.export_json(engine, person_id))
    assert [m["status"] for m in exported["messages_sent"]] == ["sent"]
    assert exported["messages_sent"][0]["address"].endswith("@example.org")
    gdpr.erase_person(engine, person_id)
    lines = delivery.send_log(engine, person_id=person_id)
    assert [line.email for line in lines] == [""]  # the message stays counted, the address goes


def test_announcement_and_its_files_are_written_together(
    engine: Engine, announcement: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with reading(engine) as session:
        group_id = session.get(Announcement, announcement).group_id or 0
    flyer, big = tmp_path / "flyer.pdf", tmp_path / "poster.pdf"
    flyer.write_bytes(b"%PDF-1.4 flyer")
    big.write_bytes(b"x" * 2048)
    monkeypatch.setattr(announcements, "MAX_FILE", 1024)

    def counts() -> tuple[int, int]:
        with reading(engine) as session:
            return (
                len(session.exec(select(Announcement)).all()),
                len(session.exec(select(AnnouncementFile)).all()),
            )

    before = counts()
    for files in ([flyer, big], [flyer, tmp_path / "missing.pdf"]):
        with pytest.raises(ValidationError) as failed:
            announcements.create_announcement(
                engine, "Flyer", "Text", group_id=group_id, files=files
            )
        assert files[1].name in str(failed.value.errors)
        assert counts() == before  # neither the announcement nor the flyer
    number = announcements.create_announcement(
        engine, "Flyer", "Text", group_id=group_id, files=[flyer]
    )
    assert counts() == (before[0] + 1, before[1] + 1)
    with reading(engine) as session:
        kept = session.exec(
            select(AnnouncementFile).where(AnnouncementFile.announcement_id == number)
        ).one()
    assert (kept.filename, kept.content) == ("flyer.pdf", b"%PDF-1.4 flyer")


def test_the_password_comes_from_the_keyring_when_there_is_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import sys
    import types

    asked: list[tuple[str, str]] = []
    fake = types.ModuleType("keyring")

    def stored(service: str, user: str) -> str | None:
        asked.append((service, user))
        return "aus-dem-schluesselbund"

    fake.get_password = stored  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "keyring", fake)
    assert smtp.password({}) == "aus-dem-schluesselbund"
    assert asked == [("coordinator", "smtp")]
    assert smtp.password({"COORDINATOR_SMTP_PASSWORD": "geheim"}) == "geheim"  # env first

    def no_keyring(service: str, user: str) -> str | None:
        raise RuntimeError("No recommended backend was available.")  # as keyring's own error

    fake.get_password = no_keyring  # type: ignore[attr-defined]
    assert smtp.password({}) == ""  # a server without a keyring: no password, no traceback
    monkeypatch.setitem(sys.modules, "keyring", None)  # not installed
    assert smtp.password({}) == ""


def test_a_recipient_sees_only_their_own_invitation(
    engine: Engine, announcement: int, server
) -> None:
    """An announcement about a meeting sent to a group whose members are not all invitees:
    an invitee's invitation names them alone; anybody else gets the meeting without any
    attendee. Nobody learns the others' names or addresses."""
    import icalendar

    from coordinator.meetings import invitations
    from storage.models import Meeting, Person

    inbox, port = server
    with reading(engine) as session:
        meeting_id = session.get(Announcement, announcement).meeting_id
        jonas, zoe, olaf = (
            session.exec(select(Person.id).where(Person.email == f"{name}@example.org")).one()
            for name in ("jonas", "zoe", "olaf")
        )
        assert session.get(Meeting, meeting_id) is not None
    invitations.invite_people(engine, meeting_id, [jonas, zoe, olaf])
    send(engine, announcement, port)
    seen = {}
    for message in inbox.messages:
        to = message["To"].addresses[0].addr_spec
        part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
        parsed = icalendar.Calendar.from_ical(part.get_content())
        event = next(iter(parsed.walk("VEVENT")))
        attendees = event.get("ATTENDEE", [])
        attendees = attendees if isinstance(attendees, list) else [attendees]
        seen[to] = (
            str(parsed["METHOD"]),
            sorted(str(a).removeprefix("mailto:") for a in attendees),
        )
        for other in ("ayse", "jonas", "zoe", "olaf"):
            if not to.startswith(other):
                assert f"{other}@example.org" not in message.as_string()
    assert seen == {
        "ayse@example.org": ("PUBLISH", []),
        "jonas@example.org": ("REQUEST", ["jonas@example.org"]),
        "zoe@example.org": ("REQUEST", ["zoe@example.org"]),
    }


def test_eml_and_addresses_from_hostile_names_inject_nothing(
    engine: Engine, tmp_path: Path
) -> None:
    """Every hostile string as a recipient's name and the subject: addresses.txt parses back
    to exactly one address per recipient, each .eml to exactly one To and no Bcc/Cc, and a
    network without mail settings still writes the files (no From: a draft)."""
    from email.utils import getaddresses

    from tests.hostile import HOSTILE

    ids = []
    for i, text in enumerate(HOSTILE):
        ids.append(
            people.create_person(
                engine,
                PersonInput(text[:120].replace("\r", " ").replace("\n", " "), f"N{i}",
                            f"p{i}@example.org", consent_on="2026-01-10",
                            consent_purpose="Rundbrief"),
            )
        )  # fmt: skip
    with transaction(engine) as session:
        group = RecipientGroup(name="Alle")
        session.add(group)
        session.flush()
        for pid in ids:
            session.add(RecipientGroupMember(group_id=group.id, person_id=pid))
        group_id = group.id or 0
    number = announcements.create_announcement(engine, "Rundbrief", "Hallo\n", group_id=group_id)
    folder = tmp_path / "out"
    folder.mkdir()
    report = delivery.write_eml(
        engine, number, folder, smtp.load_settings(engine).sender,
        attachments=announcements.standard_attachments(engine, NOW), now=NOW,
    )  # fmt: skip
    assert report.written == len(HOSTILE)
    line = (folder / "addresses.txt").read_text(encoding="utf-8")
    assert "\r" not in line and line.count("\n") == 1
    parsed = getaddresses([line])
    assert sorted(addr for _name, addr in parsed) == sorted(
        f"p{i}@example.org" for i in range(len(HOSTILE))
    )
    for path in folder.glob("*.eml"):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        assert len(message["To"].addresses) == 1
        assert message["Bcc"] is None and message["Cc"] is None and message["From"] is None


@pytest.mark.parametrize("field", ["host", "user", "sender_name", "sender_email", "port"])
def test_mail_settings_refuse_or_keep_hostile_text_without_crashing(field: str) -> None:
    """Every hostile string in any settings field: one ValidationError naming that field,
    or settings that hold the text as typed (never an exception of another kind)."""
    from coordinator.mail import smtp
    from coordinator.validation import ValidationError
    from tests.hostile import hostile_strings

    base = {"host": "mail.example.org", "port": "587", "security": "starttls",
            "sender_email": "netzwerk@example.org", "per_minute": "30"}  # fmt: skip
    for text in hostile_strings():
        try:
            settings = smtp.checked_settings(**(base | {field: text}))
        except ValidationError as exc:
            assert set(exc.errors) == {field}, (text, exc.errors)
        else:
            assert getattr(settings, field) in (text.strip(), int(text) if text.isdigit() else None)
