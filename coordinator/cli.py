"""The ``coordinator`` command: the TUI by default, sub-commands for scripted work."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from coordinator import cli_calendar, cli_mail
from coordinator.cli_calendar import COMMANDS as CALENDAR_COMMANDS
from coordinator.cli_errors import UsageError
from coordinator.cli_mail import COMMANDS as MAIL_COMMANDS
from coordinator.i18n import _, detect_language, set_language

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from coordinator.exchange import ImportPlan


def _database_options(parser: argparse.ArgumentParser, *, top: bool = False) -> None:
    """--db and --lang: on the top parser (before the sub-command) and on every sub-command
    (after it), so that both ``coordinator --lang de agenda 1`` and ``coordinator agenda 1
    --lang de`` work; a sub-command's own default never overwrites what came before it."""
    default = None if top else argparse.SUPPRESS
    parser.add_argument(
        "--db",
        metavar="URL",
        default=default,
        help=_(
            "database: a SQLite file path or a SQLAlchemy URL such as postgresql://host/db "
            "(default: $COORDINATOR_DB, else coordinator.db in your data folder)"
        ),
    )
    parser.add_argument(
        "--lang",
        choices=("de", "en"),
        default=default,
        help=_("language of the interface (default: from LANG)"),
    )


def _sub_commands(parser: argparse.ArgumentParser) -> list[tuple[str, str]]:
    """(name, help) of every sub-command, as the parser knows them."""
    for action in parser._actions:  # argparse keeps the sub-parsers action only here
        if isinstance(action, argparse._SubParsersAction):
            return [(choice.dest, choice.help or "") for choice in action._choices_actions]
    return []


def main_parser() -> argparse.ArgumentParser:
    commands = "\n".join(
        f"  {name:<15} {help_text}" for name, help_text in _sub_commands(scripted_parser())
    )
    parser = argparse.ArgumentParser(
        prog="coordinator",
        usage="%(prog)s [--db URL] [--lang {de,en}] [DB]\n"
        "       %(prog)s [--db URL] [--lang {de,en}] SUB-COMMAND ...",
        description=_(
            "Coordinate a network of migrant organisations and their partners: "
            "register, meetings, date polls, minutes, tasks and calendars. Without a "
            "sub-command it opens the app on DB."
        ),
        epilog=_("sub-commands:")
        + "\n"
        + commands
        + "\n\n"
        + _("Run 'coordinator SUB-COMMAND --help' for the options of one."),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "database", nargs="?", metavar="DB", help=_("database file or URL to open (like --db)")
    )
    _database_options(parser, top=True)
    return parser


def scripted_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="coordinator")
    _database_options(parser, top=True)
    commands = parser.add_subparsers(dest="command", required=True, metavar="SUB-COMMAND")

    sample = commands.add_parser(
        "sample", help=_("Write the fictional sample network to a new database file.")
    )
    sample.add_argument("--out", required=True, metavar="PATH", help=_("the new database file"))
    sample.add_argument("--force", action="store_true", help=_("replace PATH if it exists"))
    sample.add_argument(
        "--lang", choices=("de", "en"), default=argparse.SUPPRESS, help=argparse.SUPPRESS
    )

    migrate = commands.add_parser(
        "migrate-db",
        help=_(
            "Copy a whole network to a new or empty database, verified by counts and checksums."
        ),
    )
    migrate.add_argument(
        "--from", dest="source", required=True, metavar="DB", help=_("the network to copy")
    )
    migrate.add_argument(
        "--to", dest="target", required=True, metavar="DB",
        help=_("a new SQLite file or an empty PostgreSQL database"),
    )  # fmt: skip
    migrate.add_argument(
        "--lang", choices=("de", "en"), default=argparse.SUPPRESS, help=argparse.SUPPRESS
    )

    whoami = commands.add_parser(
        "whoami", help=_("Show or set the name your changes are recorded under.")
    )
    whoami.add_argument("--set", metavar="NAME", help=_("remember NAME for this user account"))
    whoami.add_argument(
        "--lang", choices=("de", "en"), default=argparse.SUPPRESS, help=argparse.SUPPRESS
    )
    audit = commands.add_parser("changes", help=_("Who changed what, newest first."))
    audit.add_argument(
        "--record", metavar="KIND:ID", help=_("only one record, such as task:12 or person:5")
    )
    audit.add_argument("--by", metavar="NAME", help=_("only changes by NAME"))
    audit.add_argument("--limit", type=int, default=50, help=_("how many (default 50)"))
    _database_options(audit)

    for name, formats in (("people", ("csv", "vcard", "json")), ("orgs", ("csv", "json"))):
        group = commands.add_parser(
            name, help=_("contact people") if name == "people" else _("organisations")
        )
        actions = group.add_subparsers(dest="action", required=True)
        export = actions.add_parser(
            "export", help=_("write all records to standard output or a file")
        )
        export.add_argument("--format", choices=formats, default="csv")
        export.add_argument(
            "-o", "--output", metavar="FILE", help=_("write to FILE instead of standard output")
        )
        _database_options(export)
        load = actions.add_parser(
            "import",
            help=_("read a CSV file (; or , separated, UTF-8 or Windows-1252)"),
            description=_(
                "Without --yes: show the preview and the rows with errors, then ask. "
                "With --yes: import the valid rows and report the others (exit status 1 if any)."
            ),
        )
        load.add_argument("file", metavar="FILE")
        load.add_argument("--yes", action="store_true", help=_("import without asking"))
        _database_options(load)
        if name == "people":
            gdpr = actions.add_parser(
                "gdpr-export", help=_("everything held about one person (GDPR)")
            )
            gdpr.add_argument("id", type=int, metavar="ID")
            gdpr.add_argument("--format", choices=("json", "text"), default="json")
            gdpr.add_argument(
                "-o", "--output", metavar="FILE", help=_("write to FILE instead of standard output")
            )
            _database_options(gdpr)
            erase = actions.add_parser("erase", help=_("erase one person on request (GDPR)"))
            erase.add_argument("id", type=int, metavar="ID")
            erase.add_argument("--yes", action="store_true", help=_("erase without asking"))
            erase.add_argument(
                "--delete-backups",
                action="store_true",
                help=_("also delete the backups upgrades wrote (they still hold the person)"),
            )
            _database_options(erase)

    for name, help_text in (
        ("agenda", _("the agenda of a meeting as a file to print or mail")),
        ("minutes", _("the minutes of a meeting as a file to print or mail")),
    ):
        document = commands.add_parser(name, help=help_text)
        document.add_argument(
            "meeting", type=int, metavar="MEETING_ID", help=_("the ID shown in the meeting screens")
        )
        document.add_argument("--format", choices=("md", "txt", "html"), default="md")
        document.add_argument(
            "-o", "--output", metavar="FILE", help=_("write to FILE instead of standard output")
        )
        _database_options(document)

    todo = commands.add_parser(
        "tasks", help=_("a to-do list, for example per person or organisation")
    )
    todo.add_argument(
        "--owner",
        metavar="NAME",
        help=_("a person or organisation (name as in the register, or a person's ID)"),
    )
    todo.add_argument(
        "--due", choices=("overdue", "week", "later", "none"), help=_("when the tasks are due")
    )
    todo.add_argument(
        "--status",
        default="open,in_progress",
        help=_("comma-separated: open, in_progress, done, dropped"),
    )
    todo.add_argument(
        "--meeting",
        type=int,
        metavar="MEETING_ID",
        help=_("tasks from this meeting (or every meeting of its series)"),
    )
    todo.add_argument("--format", choices=("md", "txt", "html", "csv"), default="md")
    todo.add_argument(
        "-o", "--output", metavar="FILE", help=_("write to FILE instead of standard output")
    )
    _database_options(todo)

    register = commands.add_parser(
        "decisions", help=_("the decision register: all decisions and agreements")
    )
    register.add_argument(
        "--search", default="", metavar="WORDS", help=_("only decisions containing these words")
    )
    register.add_argument("--format", choices=("md", "txt", "html"), default="md")
    register.add_argument(
        "-o", "--output", metavar="FILE", help=_("write to FILE instead of standard output")
    )
    _database_options(register)

    followups = commands.add_parser(
        "followups", help=_("partners not contacted for a while, oldest first")
    )
    followups.add_argument(
        "--weeks", type=int, default=8, help=_("how long counts as too long (default 8)")
    )
    _database_options(followups)
    cli_calendar.add_parsers(commands, _database_options)
    cli_mail.add_parsers(commands, _database_options)
    return parser


GLOBAL_WITH_VALUE = ("--db", "--lang")


def _first_word(argv: Sequence[str]) -> str | None:
    """The first argument that is neither an option nor a global option's value: the
    sub-command, or the database the app opens."""
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg in GLOBAL_WITH_VALUE:
            skip = True
        elif arg == "--":
            continue
        elif not arg.startswith("-"):
            return arg
    return None


def _looks_like_database(word: str) -> bool:
    """A database is a URL, a path with a folder or a suffix, or a file that exists: a bare
    word that is none of these is a mistyped sub-command, not a new database to create."""
    return "://" in word or "/" in word or "." in word or os.sep in word or Path(word).exists()


def _unknown_sub_command(word: str) -> str:
    import difflib

    message = _("unknown sub-command “{word}”").format(word=word)
    names = [name for name, _help in _sub_commands(scripted_parser())]
    close = difflib.get_close_matches(word, names, n=1, cutoff=0.6)
    if close:
        message += "; " + _("did you mean “{command}”?").format(command=close[0])
    else:
        message += "; " + _(
            "see coordinator --help (a database file needs a name such as network.db)"
        )
    return message


def _language_from(argv: Sequence[str]) -> str | None:
    for index, arg in enumerate(argv):
        if arg == "--lang" and index + 1 < len(argv):
            return argv[index + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def _open(args: argparse.Namespace) -> Engine:
    from coordinator import concurrency
    from storage.engine import Waiting, open_database, waiting_visibly
    from storage.errors import DatabaseOpenError
    from storage.target import resolve_target

    try:
        engine = open_database(resolve_target(getattr(args, "database", None) or args.db))
    except DatabaseOpenError as exc:
        raise UsageError(_(exc.template).format(**exc.params)) from None
    return waiting_visibly(
        engine, Waiting(notice=_say_waiting, patience_ms=concurrency.wait_seconds() * 1000)
    )


def _say_waiting() -> None:
    from coordinator.concurrency import waiting_message

    print(waiting_message(), file=sys.stderr, flush=True)


def _emit(text: str, output: str | None) -> None:
    """Write to standard output, or to a new private file (written whole, then renamed)."""
    from coordinator.files import WriteError, write_private

    if not output:
        sys.stdout.write(text)
        return
    try:
        path = write_private(Path(output), text)
    except WriteError as exc:
        raise UsageError(str(exc)) from None
    print(_("Written to {path}").format(path=path), file=sys.stderr)


def _ask(question: str) -> bool:
    if not sys.stdin or not sys.stdin.isatty():
        print(question + " " + _("(no answer: nothing done)"), file=sys.stderr)
        return False
    answer = input(f"{question} [{_('y/N')}] ").strip().lower()
    return answer in ("y", "yes", "j", "ja")


def report_plan(plan: ImportPlan) -> None:
    print(_("{n} rows can be imported ({delimiter} separated, {encoding}).").format(
        n=plan.valid, delimiter=plan.delimiter, encoding=plan.encoding))  # fmt: skip
    for name in plan.new_organisations:
        print("  " + _("new organisation: {name}").format(name=name))
    if plan.unknown_columns:
        print("  " + _("columns not used: {names}").format(names=", ".join(plan.unknown_columns)))
    for problem in plan.problems:
        errors = "; ".join(f"{field}: {message}" for field, message in problem.errors.items())
        print(
            _("line {line} ({what}): {errors}").format(
                line=problem.line, what=problem.summary or "–", errors=errors
            )
        )


def run_import(args: argparse.Namespace, engine: Engine) -> int:
    from coordinator import exchange
    from coordinator.spreadsheet import SpreadsheetError

    try:
        data = Path(args.file).read_bytes()
    except OSError as exc:
        raise UsageError(
            _("cannot read {path}: {reason}").format(path=args.file, reason=exc.strerror)
        ) from None
    planner = (
        exchange.plan_people_import
        if args.command == "people"
        else exchange.plan_organisations_import
    )
    try:
        plan = planner(engine, data)
    except SpreadsheetError as exc:
        raise UsageError(
            _("{path} is not a usable CSV file: {reason}").format(path=args.file, reason=exc)
        ) from None
    report_plan(plan)
    if plan.valid == 0:
        print(_("Nothing imported."))
        return 1
    if not args.yes and not _ask(_("Import {n} rows?").format(n=plan.valid)):
        print(_("Nothing imported."))
        return 1
    added = exchange.apply_import(engine, plan, today=datetime.now(UTC).date())
    print(_("{n} rows imported.").format(n=added))
    return 1 if plan.problems else 0


def run_scripted(args: argparse.Namespace) -> int:
    if args.command == "sample":
        return run_sample(args)
    if args.command == "whoami":
        return run_whoami(args)
    if args.command == "migrate-db":
        from coordinator.cli_migrate import run_migrate

        return run_migrate(args)
    engine = _open(args)
    try:
        return _dispatch(args, engine)
    finally:
        from storage.engine import optimize

        optimize(engine)
        engine.dispose()


def _dispatch(args: argparse.Namespace, engine: Engine) -> int:
    from coordinator import exchange, gdpr, vcard

    if args.command == "followups":
        return run_followups(args, engine)
    if args.command == "changes":
        return run_changes(args, engine)
    if args.command in CALENDAR_COMMANDS:
        return cli_calendar.run(args, engine, _emit)
    if args.command in MAIL_COMMANDS:
        return cli_mail.run(args, engine)
    if args.command in ("minutes", "tasks", "decisions"):
        return run_documents(args, engine)
    if args.command == "agenda":
        from coordinator.agenda_export import render

        try:
            _emit(render(engine, args.meeting, args.format), args.output)
        except LookupError:
            raise UsageError(_("no meeting with ID {id}").format(id=args.meeting)) from None
        return 0
    if args.action == "import":
        return run_import(args, engine)
    if args.action == "export":
        if args.command == "people":
            text = {
                "csv": exchange.people_csv,
                "json": exchange.people_json,
                "vcard": lambda e: vcard.vcards(exchange.person_records(e)),
            }[args.format](engine)
        else:
            text = {"csv": exchange.organisations_csv, "json": exchange.organisations_json}[
                args.format
            ](engine)
        _emit(text, args.output)
        return 0
    try:
        if args.action == "gdpr-export":
            text = (
                gdpr.export_json(engine, args.id)
                if args.format == "json"
                else gdpr.export_text(engine, args.id)
            )
            _emit(text, args.output)
            return 0
        if args.action == "erase":
            if not args.yes and not _ask(
                _("Erase person {id}? This cannot be undone.").format(id=args.id)
            ):
                print(_("Nothing erased."))
                return 1
            gdpr.erase_person(engine, args.id)
            print(_("Person {id} erased.").format(id=args.id))
            if args.delete_backups:
                for backup in gdpr.copies_left(engine):
                    backup.unlink()
                    print(_("Deleted {path}").format(path=backup))
            for note in gdpr.erasure_notes(engine):
                print(note)
            return 0
    except LookupError:
        raise UsageError(_("no person with ID {id}").format(id=args.id)) from None
    raise UsageError(args.action)


def run_documents(args: argparse.Namespace, engine: Engine) -> int:
    from coordinator import minutes_export, tasks
    from coordinator.documents import render
    from coordinator.i18n import current_language
    from coordinator.validation import ValidationError
    from storage.enums import TaskStatus

    if args.command == "minutes":
        try:
            _emit(minutes_export.render_minutes(engine, args.meeting, args.format), args.output)
        except LookupError:
            raise UsageError(_("meeting {id} has no minutes").format(id=args.meeting)) from None
        return 0
    if args.command == "decisions":
        doc = minutes_export.decision_register(
            engine, language=current_language(), text=args.search
        )
        _emit(render(doc, args.format), args.output)
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
    title = _("To-do list") + (f": {args.owner}" if args.owner else "")
    today = datetime.now(UTC).date()
    _emit(
        minutes_export.render_todo(
            engine, flt, args.format, title=title, language=current_language(), today=today
        ),
        args.output,
    )
    return 0


def run_whoami(args: argparse.Namespace) -> int:
    from coordinator import identity
    from coordinator.validation import ValidationError

    if args.set is not None:
        try:
            identity.save(args.set)
        except ValidationError as exc:
            raise UsageError("; ".join(exc.errors.values())) from None
    user = identity.current()
    sources = {
        "environment": _("from $COORDINATOR_USER"),
        "file": _("saved in {path}").format(path=identity.config_path()),
        "login": _("your login name; set yours with: coordinator whoami --set NAME"),
    }
    print(f"{user.name} ({sources[user.source]})")
    return 0


def run_changes(args: argparse.Namespace, engine: Engine) -> int:
    from coordinator.changes import recent
    from coordinator.labels import format_datetime

    if args.limit < 1:
        raise UsageError(_("--limit must be at least 1"))
    if args.record:
        import re

        from coordinator.changes import TABLE_LABELS

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
    from coordinator.contacts import followup_page
    from coordinator.context import Context
    from coordinator.labels import format_date

    if args.weeks < 1:
        raise UsageError(_("--weeks must be at least 1"))
    context = Context(engine)
    found, total = followup_page(context, context.now(), weeks=args.weeks, offset=0, limit=10_000)
    print(_("{n} partners not contacted for {weeks} weeks").format(n=total, weeks=args.weeks))
    for item in found:
        last = format_date(item.last_contact_at.date()) if item.last_contact_at else _("never")
        kind = _("organisation") if item.kind == "organisation" else _("person")
        print(f"{last:>10}  {kind:<12}  {item.name}")
    return 0


def run_sample(args: argparse.Namespace) -> int:
    from coordinator.sample.generator import create_sample_file

    path = Path(args.out).expanduser().absolute()
    if not path.parent.is_dir():
        raise UsageError(_("folder {folder} does not exist").format(folder=path.parent))
    if path.exists():
        if not args.force:
            raise UsageError(_("{path} exists; use --force to replace it").format(path=path))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    create_sample_file(path)
    print(_("Sample network written to {path}").format(path=path))
    return 0


def has_terminal() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def run_tui(args: argparse.Namespace) -> int:
    from storage.errors import DatabaseOpenError
    from storage.target import is_ready_sqlite_file, resolve_target

    target = resolve_target(args.database or args.db)
    try:
        if is_ready_sqlite_file(target):
            engine = None  # made on first use; the dashboard reads through sqlite3 meanwhile
        else:  # new file, older schema, or a server: create, upgrade or check it now
            from storage.engine import open_database

            engine = open_database(target)
    except DatabaseOpenError as exc:
        raise UsageError(_(exc.template).format(**exc.params)) from None
    if not has_terminal():  # Textual would spin on a pipe
        raise UsageError(
            _("the app needs a terminal; for scripted work use a sub-command (coordinator --help)")
        )

    from coordinator import dashboard
    from coordinator.context import Context

    context = Context(engine, target.label, target=target)
    # Read the dashboard before Textual loads, so its first paint already shows the data.
    first = dashboard.load(context, context.now())

    from coordinator import identity
    from coordinator.app import CoordinatorApp

    app = CoordinatorApp(context, dashboard=first, user=identity.current())
    app.run()
    context.dispose()
    return app.return_code or 0


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    requested = _language_from(argv)
    set_language(detect_language(requested if requested in ("de", "en") else None, os.environ))
    from coordinator import identity

    identity.apply(identity.current())
    try:
        word = _first_word(argv)
        parser = scripted_parser()
        if word in {name for name, _help in _sub_commands(parser)}:
            return run_scripted(parser.parse_args(argv))
        if word is not None and not _looks_like_database(word):
            raise UsageError(_unknown_sub_command(word))
        return run_tui(main_parser().parse_args(argv))
    except UsageError as exc:
        print(f"coordinator: {_('error')}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader (head, less) went away: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except Exception as exc:  # a bug: say where, never the error's text (personal data)
        from coordinator.concurrency import busy_command_message, disk_full_message
        from storage.errors import is_busy, is_disk_full

        if is_busy(exc):
            print(f"coordinator: {_('error')}: {busy_command_message()}", file=sys.stderr)
            return 3
        if is_disk_full(exc):
            print(f"coordinator: {_('error')}: {disk_full_message()}", file=sys.stderr)
            return 4
        from coordinator.crash import report

        print(report(exc), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
