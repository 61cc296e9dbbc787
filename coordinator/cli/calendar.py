"""The calendar sub-commands: export-ics, import-ics, undo-import, invitation-ics,
cancel-ics and poll-ics (for cron jobs and scripts as much as for people)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coordinator.cli.terminal import UsageError, ask, emit
from coordinator.i18n import _, ngettext

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from coordinator.calendar.events import Source


COMMANDS = ("export-ics", "import-ics", "undo-import", "invitation-ics", "cancel-ics", "poll-ics")


def add_parsers(commands: Any, database_options: Callable[[argparse.ArgumentParser], None]) -> None:
    feed = commands.add_parser(
        "export-ics", help=_("meetings as a calendar file to import or subscribe to")
    )
    feed.add_argument("--series", metavar="MEETING_ID", default="", help=_("one meeting or series"))
    feed.add_argument(
        "--organisation", metavar="NAME", default="", help=_("meetings its people are invited to")
    )
    feed.add_argument("--from", dest="start", metavar="DATE", default="", help=_("first day"))
    feed.add_argument("--to", dest="end", metavar="DATE", default="", help=_("last day"))
    feed.add_argument("--name", default="", help=_("the calendar's name in calendar programs"))
    feed.add_argument(
        "--attendees", action="store_true", help=_("include the invitees (personal data)")
    )
    feed.add_argument("--reminder", type=int, metavar="MINUTES", help=_("a reminder before"))
    feed.add_argument("--tasks", action="store_true", help=_("open tasks as to-dos"))
    _output(feed)
    database_options(feed)

    load = commands.add_parser(
        "import-ics",
        help=_("read a calendar file (Google, Outlook, Apple, Thunderbird, Nextcloud)"),
        description=_(
            "Shows what each event will do, then imports everything in one transaction "
            "(or nothing). With --dry-run only the preview is shown. An event that cannot "
            "be imported is listed with its line and reason, and nothing is imported unless "
            "--skip-bad is given."
        ),
    )
    load.add_argument("file", metavar="FILE")
    load.add_argument("--dry-run", action="store_true", help=_("only show what would happen"))
    load.add_argument(
        "--skip-bad",
        action="store_true",
        help=_("import the other events when some cannot be imported"),
    )
    database_options(load)

    undo = commands.add_parser("undo-import", help=_("undo the last calendar import"))
    undo.add_argument("--yes", action="store_true", help=_("undo without asking"))
    database_options(undo)

    invite = commands.add_parser(
        "invitation-ics", help=_("the invitation (or its update) as a calendar file")
    )
    invite.add_argument("meeting", type=int, metavar="MEETING_ID")
    invite.add_argument(
        "--language", dest="invite_lang", choices=("de", "en"), help=_("default: the invitees'")
    )
    invite.add_argument("--reminder", type=int, metavar="MINUTES", help=_("a reminder before"))
    _output(invite)
    database_options(invite)

    cancel = commands.add_parser("cancel-ics", help=_("the cancellation as a calendar file"))
    cancel.add_argument("meeting", type=int, metavar="MEETING_ID")
    _output(cancel)
    database_options(cancel)

    poll = commands.add_parser(
        "poll-ics", help=_("a date poll's candidate dates as tentative holds in calendars")
    )
    poll.add_argument("poll", type=int, metavar="POLL_ID")
    poll.add_argument(
        "--release", action="store_true", help=_("cancel the unused holds (after choosing)")
    )
    poll.add_argument("--language", dest="invite_lang", choices=("de", "en"), default="de")
    _output(poll)
    database_options(poll)


def _output(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-o", "--output", metavar="FILE", help=_("write to FILE instead of standard output")
    )


def run(args: argparse.Namespace, engine: Engine) -> int:
    from coordinator.calendar import itip
    from coordinator.validation import ValidationError

    now = datetime.now(UTC)
    try:
        if args.command == "export-ics":
            return export(args, engine)
        if args.command == "import-ics":
            return _import(args, engine)
        if args.command == "undo-import":
            return _undo(args, engine)
        if args.command == "invitation-ics":
            languages = (
                [args.invite_lang]
                if args.invite_lang
                else itip.invitation_languages(engine, args.meeting)
            )
            for language in languages:
                text = itip.invitation(
                    engine, args.meeting, language, now, reminder_minutes=_minutes(args.reminder)
                )
                output = args.output
                if output and len(languages) > 1:
                    path = Path(output)
                    output = str(path.with_name(f"{path.stem}.{language}{path.suffix}"))
                emit(text, output)
            return 0
        if args.command == "cancel-ics":
            emit(itip.cancellation(engine, args.meeting, now), args.output)
            return 0
        if args.command == "poll-ics":
            if args.release:
                emit(itip.poll_release(engine, args.poll, now), args.output)
            else:
                emit(itip.poll_holds(engine, args.poll, args.invite_lang, now), args.output)
            return 0
    except ValidationError as exc:
        raise UsageError("; ".join(exc.errors.values())) from None
    except LookupError as exc:
        raise UsageError(_("no record with ID {id}").format(id=exc.args[0])) from None
    raise UsageError(args.command)


def export(args: argparse.Namespace, source: Source) -> int:
    """``export-ics``: from an engine, or from a plain reader of a SQLite file (then no
    SQLAlchemy is loaded: the export starts as fast as a calendar program's)."""
    from coordinator.calendar import feeds
    from coordinator.validation import ValidationError

    try:
        flt = feeds.filter_from_text(
            source, series=args.series, organisation=args.organisation, start=args.start,
            end=args.end,
        )  # fmt: skip
    except ValidationError as exc:
        raise UsageError("; ".join(exc.errors.values())) from None
    options = feeds.FeedOptions(
        name=args.name or _("Network meetings"),
        attendees=args.attendees,
        reminder_minutes=_minutes(args.reminder),
        tasks=args.tasks,
    )
    emit(feeds.feed(source, flt, options, datetime.now(UTC)), args.output)
    return 0


def _minutes(value: int | None) -> int | None:

    if value is not None and not 0 < value <= 10080:
        raise UsageError(_("a reminder from 1 to 10080 minutes (a week)"))
    return value


def _import(args: argparse.Namespace, engine: Engine) -> int:
    from coordinator.calendar import import_plan, importing, parsing
    from coordinator.calendar.contentlines import IcsError

    try:
        raw = Path(args.file).read_bytes()
    except OSError as exc:
        raise UsageError(
            _("cannot read {path}: {reason}").format(path=args.file, reason=exc.strerror)
        ) from None
    name = Path(args.file).name
    try:
        if args.dry_run:
            calendar = parsing.read_calendar(raw, lenient=True)
            plan = import_plan.preview(engine, calendar, name)
        else:  # at once: a big feed of new events is written while it is read
            plan = importing.import_file(engine, raw, name, skip_bad=args.skip_bad)
    except IcsError as exc:
        raise UsageError(
            _("{path} is not a usable calendar file: {reason}").format(path=args.file, reason=exc)
        ) from None
    except importing.BrokenEvents as exc:
        _print_bad(exc.bad)
        print(
            ngettext(
                "{n} event cannot be imported, so nothing was imported; "
                "--skip-bad imports the other {good}.",
                "{n} events cannot be imported, so nothing was imported; "
                "--skip-bad imports the other {good}.",
                len(exc.bad),
            ).format(n=len(exc.bad), good=exc.good),
            file=sys.stderr,
        )
        return 1
    for row in plan.rows:
        print(
            f"{import_plan.action_label(row.action):<26} {_when(row)}  {row.title}  {row.detail}".rstrip()
        )
    _print_bad(plan.bad)
    for note in plan.passed_over:
        print(_("Line {line}: {reason} (passed over)").format(line=note.line, reason=note.reason))
    for note in plan.notes:
        print(
            _("Line {line}: {title}: {text}").format(
                line=note.line, title=note.title, text=note.text
            )
        )
    for component, count in sorted(plan.skipped.items()):
        print(
            _("{n} {component} not imported (only events are)").format(n=count, component=component)
        )
    print(plan.summary())
    if plan.people_added:
        print(import_plan.describe_people(plan))
    if args.dry_run or plan.changes == 0:
        print(_("Nothing imported."))
    else:
        print(_("Imported. “coordinator undo-import” undoes it."))
    return 0


def _print_bad(bad: list[Any]) -> None:
    for event in bad:
        label = event.title or event.uid or _("(no title)")
        print(
            _("Line {line}: {title}: cannot be imported: {reason}").format(
                line=event.line, title=label, reason=event.reason
            ),
            file=sys.stderr,
        )


def _when(row: Any) -> str:
    from coordinator.meetings.recurrence import zone

    if row.starts_at is None:
        return " " * 16
    tz = row.timezone or "Europe/Berlin"
    return f"{row.starts_at.astimezone(zone(tz)):%Y-%m-%d %H:%M}"


def _undo(args: argparse.Namespace, engine: Engine) -> int:
    from coordinator.calendar import import_undo

    last = import_undo.last_import(engine)
    if last is None:
        print(_("There is no import to undo."))
        return 1
    question = _("Undo the import of {name} ({summary})?").format(
        name=last.file_name, summary=last.summary
    )
    if not args.yes and not ask(question):
        print(_("Nothing undone."))
        return 1
    import_undo.undo_last_import(engine)
    print(_("The import of {name} is undone.").format(name=last.file_name))
    return 0
