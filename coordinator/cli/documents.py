"""The printable documents of the command line (agenda, minutes, to-do list, decision
register), the follow-up list and the audit trail."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from coordinator.cli.terminal import UsageError, emit
from coordinator.i18n import _, ngettext, translator

if TYPE_CHECKING:
    from sqlalchemy import Engine


def run_documents(args: argparse.Namespace, engine: Engine) -> int:
    """Agenda, minutes, to-do list or decision register; a PDF this machine cannot make is
    one line saying what is missing."""
    from coordinator.documents import PdfUnavailable

    try:
        return _documents(args, engine)
    except PdfUnavailable as exc:
        raise UsageError(str(exc)) from None


def _documents(args: argparse.Namespace, engine: Engine) -> int:
    from coordinator.documents import render
    from coordinator.i18n import current_language
    from coordinator.minutes import minutes_files, tasks
    from coordinator.validation import ValidationError
    from storage.enums import TaskStatus

    if args.command == "agenda":
        from coordinator.meetings.agenda_files import render as render_agenda

        try:
            emit(render_agenda(engine, args.meeting, args.format), args.output)
        except LookupError:
            raise UsageError(_("no meeting with ID {id}").format(id=args.meeting)) from None
        return 0
    if args.command == "minutes":
        try:
            emit(minutes_files.render_minutes(engine, args.meeting, args.format), args.output)
        except LookupError:
            raise UsageError(_("meeting {id} has no minutes").format(id=args.meeting)) from None
        return 0
    if args.command == "decisions":
        doc = minutes_files.decision_register(engine, language=current_language(), text=args.search)
        emit(render(doc, args.format), args.output)
        return 0
    try:
        states = tuple(TaskStatus(s.strip()) for s in args.status.split(",") if s.strip())
    except ValueError:
        raise UsageError(_("--status takes open, in_progress, done or dropped")) from None
    try:
        owner = tasks.owner_filter(engine, args.owner) if args.owner else {}
    except ValidationError as exc:
        raise UsageError("; ".join(exc.errors.values())) from None
    flt = tasks.TaskFilter(states=states, due=args.due or "", meeting_id=args.meeting, **owner)
    # In the meeting's language, else the owner's: the document is for them, whatever the
    # screen speaks.
    language = minutes_files.todo_language(engine, flt, current_language())
    title = translator(language).gettext("To-do list") + (f": {args.owner}" if args.owner else "")
    today = datetime.now(UTC).date()
    emit(
        minutes_files.render_todo(
            engine, flt, args.format, title=title, language=language, today=today
        ),
        args.output,
    )
    return 0


def run_changes(args: argparse.Namespace, engine: Engine) -> int:
    from coordinator.labels import format_datetime
    from coordinator.network.changes import recent

    if args.limit < 1:
        raise UsageError(_("--limit must be at least 1"))
    if args.record:
        import re

        from coordinator.network.changes import TABLE_LABELS

        kind, _sep, key = args.record.partition(":")
        if kind not in TABLE_LABELS or not re.fullmatch(r"\d+([:,-]\d+)*", key):
            raise UsageError(
                _("--record takes KIND:ID, such as task:12 (kinds: {kinds})").format(
                    kinds=", ".join(sorted(TABLE_LABELS))
                )
            )
    for entry in recent(engine, subject=args.record, actor=args.by, limit=args.limit):
        print(
            f"{format_datetime(entry.at)}  {entry.actor:<20}  {entry.what} {entry.action}: "
            f"{entry.record}  {entry.summary}".rstrip()
        )
    return 0


def run_followups(args: argparse.Namespace, engine: Engine) -> int:
    from coordinator.context import Context
    from coordinator.labels import format_date
    from coordinator.register.contacts import followup_page

    if args.weeks < 1:
        raise UsageError(_("--weeks must be at least 1"))
    context = Context(engine)
    found, total = followup_page(context, context.now(), weeks=args.weeks, offset=0, limit=10_000)
    print(
        ngettext(
            "{n} partner not contacted for {weeks} weeks",
            "{n} partners not contacted for {weeks} weeks",
            total,
        ).format(n=total, weeks=args.weeks)
    )
    for item in found:
        last = format_date(item.last_contact_at.date()) if item.last_contact_at else _("never")
        kind = _("organisation") if item.kind == "organisation" else _("person")
        print(f"{last:>10}  {kind:<12}  {item.name}")
    return 0
