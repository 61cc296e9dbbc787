"""The e-mail sub-commands: announcements, sending (SMTP or .eml files), the send log and
the mail server settings."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coordinator.cli.terminal import UsageError, progress_printer
from coordinator.i18n import _

if TYPE_CHECKING:
    from sqlalchemy import Engine

COMMANDS = ("announcement", "translate", "send", "send-log", "mail", "fetch-replies")


def add_parsers(commands: Any, database_options: Callable[[argparse.ArgumentParser], None]) -> None:
    new = commands.add_parser(
        "announcement", help=_("write an announcement (Rundbrief) for a group")
    )
    new.add_argument("--group", required=True, metavar="NAME", help=_("a saved recipient group"))
    new.add_argument("--subject", required=True)
    new.add_argument("--body-file", required=True, metavar="FILE", help=_("the text (Markdown)"))
    new.add_argument("--meeting", type=int, metavar="MEETING_ID", help=_("attach its invitation"))
    new.add_argument(
        "--attach",
        choices=("invitation", "minutes"),
        default="invitation",
        help=_("what the meeting adds: its invitation and agenda, or its minutes and to-dos"),
    )
    new.add_argument(
        "--file", action="append", default=[], metavar="FILE", help=_("a file to attach")
    )
    database_options(new)

    translation = commands.add_parser("translate", help=_("an announcement in another language"))
    translation.add_argument("announcement", type=int, metavar="ANNOUNCEMENT_ID")
    translation.add_argument("--language", required=True, metavar="CODE")
    translation.add_argument("--subject", required=True)
    translation.add_argument("--body-file", required=True, metavar="FILE")
    database_options(translation)

    send = commands.add_parser(
        "send",
        help=_("send an announcement through the mail server, or write .eml files"),
        description=_(
            "Sends to everyone reachable in the group who has not got it yet; a run that broke "
            "off is resumed by sending again."
        ),
    )
    send.add_argument("announcement", type=int, metavar="ANNOUNCEMENT_ID")
    send.add_argument("--dry-run", action="store_true", help=_("only list the recipients"))
    send.add_argument("--eml", metavar="FOLDER", help=_("write one .eml file per recipient"))
    database_options(send)

    log = commands.add_parser("send-log", help=_("who was sent what and when"))
    log.add_argument("--announcement", type=int, metavar="ID")
    log.add_argument("--person", type=int, metavar="ID")
    log.add_argument("--meeting", type=int, metavar="MEETING_ID")
    database_options(log)

    fetch = commands.add_parser(
        "fetch-replies",
        help=_("read partners' answers (calendar replies, Accepted:/Zugesagt: notices) from a "
               "mailbox and record them"),
        description=_("Each message is read once (the same mailbox read again changes "
                      "nothing); the mailbox itself is not changed. A message that cannot be "
                      "understood is listed with its sender and subject."),
    )  # fmt: skip
    source = fetch.add_mutually_exclusive_group()  # neither: the IMAP mailbox (mail imap)
    source.add_argument("--mbox", metavar="FILE", help=_("an mbox file (as Thunderbird keeps)"))
    source.add_argument("--maildir", metavar="DIR", help=_("a Maildir folder"))
    database_options(fetch)

    mail = commands.add_parser("mail", help=_("the mail server settings"))
    actions = mail.add_subparsers(dest="action", required=True)
    settings = actions.add_parser(
        "set", help=_("store host, port, security, user and sender (never the password)")
    )
    settings.add_argument("--host", required=True)
    settings.add_argument("--port", default="587")
    settings.add_argument("--security", choices=("starttls", "tls", "none"), default="starttls")
    settings.add_argument("--user", default="")
    settings.add_argument("--from-name", dest="sender_name", default="")
    settings.add_argument("--from", dest="sender_email", required=True, metavar="ADDRESS")
    settings.add_argument("--per-minute", dest="per_minute", default="30")
    database_options(settings)
    check = actions.add_parser(
        "test",
        help=_("connect and log in (password from COORDINATOR_SMTP_PASSWORD or the keyring)"),
    )
    database_options(check)
    imap = actions.add_parser(
        "imap",
        help=_("store the mailbox where answers arrive (IMAP over TLS; never the password: "
               "COORDINATOR_IMAP_PASSWORD or the keyring)"),
    )  # fmt: skip
    imap.add_argument("--host", required=True)
    imap.add_argument("--port", default="993")
    imap.add_argument("--user", required=True)
    imap.add_argument("--folder", default="INBOX", help=_("where the answers arrive"))
    imap.add_argument(
        "--done-folder", dest="done_folder", default="",
        help=_("where read messages go (else they stay and get the keyword $CoordinatorRead)"),
    )  # fmt: skip
    database_options(imap)


def run(args: argparse.Namespace, engine: Engine) -> int:
    import smtplib

    from coordinator.mail import announcements
    from coordinator.validation import ValidationError

    try:
        if args.command == "announcement":
            return _announce(args, engine)
        if args.command == "translate":
            announcements.translate(
                engine, args.announcement, args.language, args.subject, _read(args.body_file)
            )
            print(_("Translation saved."))
            return 0
        if args.command == "send":
            return _send(args, engine)
        if args.command == "send-log":
            return _log(args, engine)
        if args.command == "fetch-replies":
            return _fetch_replies(args, engine)
        return _mail(args, engine)
    except ValidationError as exc:
        raise UsageError("; ".join(exc.errors.values())) from None
    except LookupError as exc:
        raise UsageError(_("no record with ID {id}").format(id=exc.args[0])) from None
    except (smtplib.SMTPException, OSError) as exc:
        raise UsageError(_("the mail server: {reason}").format(reason=exc)) from None


def _announce(args: argparse.Namespace, engine: Engine) -> int:
    from coordinator.mail import announcements, groups

    body = _read(args.body_file)
    for name in args.file:
        if not Path(name).is_file():
            raise UsageError(_("No such file: {path}").format(path=name))
    number = announcements.create_announcement(  # with its files, in one transaction
        engine, args.subject, body, group_id=groups.group_id_by_name(engine, args.group),
        meeting_id=args.meeting, attach=args.attach, files=[Path(name) for name in args.file],
    )  # fmt: skip
    print(_("Announcement {id} written.").format(id=number))
    return 0


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(_("cannot read {path}: {reason}").format(path=path, reason=exc)) from None


def _send(args: argparse.Namespace, engine: Engine) -> int:
    from datetime import UTC, datetime

    from coordinator.mail import announcements, delivery, messages, smtp

    reachable = [r for r in delivery.audience(engine, args.announcement) if r.reachable]
    unreachable = [r for r in delivery.audience(engine, args.announcement) if not r.reachable]
    for person in unreachable:
        print(_("not reachable: {name} ({reason})").format(name=person.name, reason=person.reason))
    now = datetime.now(UTC)
    if args.dry_run:
        for person in reachable:
            print(f"{messages.address(person.name, person.email)} ({person.language})")
        print(_("{n} recipients; nothing sent.").format(n=len(reachable)))
        return 0
    settings = smtp.load_settings(engine)
    attachments = announcements.standard_attachments(engine, now)
    if args.eml:
        from coordinator.files import WriteError

        try:
            report = delivery.write_eml(
                engine, args.announcement, Path(args.eml), settings.sender,
                attachments=attachments, now=now,
            )  # fmt: skip
        except WriteError as exc:
            raise UsageError(str(exc)) from None
        print(_("{n} .eml files written to {path}").format(n=report.written, path=args.eml))
        return 0
    report = delivery.send(
        engine, args.announcement, settings, smtp.password(), attachments=attachments,
        progress=progress_printer(),
    )  # fmt: skip
    print(_("{sent} sent, {failed} failed.").format(sent=report.sent, failed=report.failed))
    if report.error:
        print(report.error)
        print(_("Send again to resume: only those not yet sent get it."))
        return 1
    return 1 if report.failed else 0


def _log(args: argparse.Namespace, engine: Engine) -> int:
    from coordinator.labels import format_moment
    from coordinator.mail import delivery

    lines = delivery.send_log(
        engine, announcement_id=args.announcement, person_id=args.person, meeting_id=args.meeting
    )
    for line in lines:
        when = format_moment(line.sent_at) if line.sent_at else ""
        print(
            f"{line.announcement_id}\t{line.subject}\t{line.email}\t{line.status.value}\t{when}\t{line.error}"
        )
    return 0


def _mail(args: argparse.Namespace, engine: Engine) -> int:
    from coordinator.mail import smtp

    if args.action == "imap":
        from coordinator.mail import imap

        imap.save_settings(
            engine, host=args.host, port=args.port, user=args.user, folder=args.folder,
            done_folder=args.done_folder,
        )  # fmt: skip
        print(
            _("Mailbox saved. The password is read from COORDINATOR_IMAP_PASSWORD or the keyring.")
        )
        return 0
    if args.action == "set":
        smtp.save_settings(
            engine, host=args.host, port=args.port, security=args.security, user=args.user,
            sender_name=args.sender_name, sender_email=args.sender_email,
            per_minute=args.per_minute,
        )  # fmt: skip
        print(
            _(
                "Mail settings saved. The password is read from COORDINATOR_SMTP_PASSWORD or the keyring."
            )
        )
        return 0
    answer = smtp.test_settings(smtp.load_settings(engine), smtp.password())
    print(_("The mail server answered: {answer}").format(answer=answer))
    return 0


def _fetch_replies(args: argparse.Namespace, engine: Engine) -> int:
    """One line per message: what it did; exit status 1 when one was refused or not
    understood (the coordinator looks at those)."""
    from coordinator.calendar import mail_replies as replies
    from coordinator.mail.messages import one_line

    if args.mbox or args.maildir:
        path = Path(args.mbox or args.maildir).expanduser()
        read = replies.mbox_messages if args.mbox else replies.maildir_messages
        try:
            found = replies.read_replies(engine, read(path))
        except FileNotFoundError:
            raise UsageError(_("no mailbox at {path}").format(path=path)) from None
    else:
        found = _from_imap(engine)
    for outcome in found:
        print(
            "{result}: {sender} · {subject}{detail}".format(
                result=_(replies.OUTCOME_LABELS[outcome.result]),
                sender=outcome.sender or "–",
                subject=one_line(outcome.subject)[:120] or "–",
                detail=f" ({one_line(outcome.detail)[:200]})" if outcome.detail else "",
            )
        )
    counts = {r: sum(1 for o in found if o.result == r) for r in replies.OUTCOME_LABELS}
    print(
        _("{n} messages: {recorded} recorded, {unchanged} unchanged, {already} read before, "
          "{refused} refused, {unknown} not understood.").format(
            n=len(found), recorded=counts[replies.RECORDED], unchanged=counts[replies.UNCHANGED_],
            already=counts[replies.ALREADY], refused=counts[replies.REFUSED],
            unknown=counts[replies.NOT_UNDERSTOOD],
        )
    )  # fmt: skip
    return 1 if counts[replies.REFUSED] or counts[replies.NOT_UNDERSTOOD] else 0


def _from_imap(engine: Engine) -> list[Any]:
    import imaplib

    from coordinator.calendar import mail_replies
    from coordinator.mail import imap

    settings = imap.load_settings(engine)
    if not settings.ready:
        raise UsageError(
            _("no mailbox is set: coordinator mail imap --host HOST --user USER "
              "(or read a file: --mbox FILE, --maildir DIR)")
        )  # fmt: skip
    try:
        with imap.Mailbox(settings, imap.password()) as box:
            return mail_replies.read_box(engine, box)
    except (imaplib.IMAP4.error, OSError) as exc:
        raise UsageError(
            _("the mailbox {host}: {reason}").format(host=settings.host, reason=exc)
        ) from None
