"""The ``coordinator`` command: the TUI by default, sub-commands for scripted work."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from coordinator.cli import calendar, mail
from coordinator.cli.calendar import COMMANDS as CALENDAR_COMMANDS
from coordinator.cli.documents import run_changes, run_documents, run_followups
from coordinator.cli.mail import COMMANDS as MAIL_COMMANDS
from coordinator.cli.parser import (
    first_word,
    language_from,
    looks_like_database,
    main_parser,
    scripted_parser,
    sub_commands,
    unknown_sub_command,
)
from coordinator.cli.register import run_register
from coordinator.cli.terminal import UsageError, opening_error
from coordinator.i18n import _, detect_language, set_language

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from storage.target import Target


def _open(args: argparse.Namespace) -> Engine:
    from coordinator.network import concurrency
    from storage.engine import Waiting, open_database, waiting_visibly
    from storage.errors import DatabaseOpenError
    from storage.target import resolve_target

    try:
        engine = open_database(resolve_target(getattr(args, "database", None) or args.db))
    except DatabaseOpenError as exc:
        raise opening_error(exc) from None
    return waiting_visibly(
        engine, Waiting(notice=_say_waiting, patience_ms=concurrency.wait_seconds() * 1000)
    )


def _say_waiting() -> None:
    from coordinator.network.concurrency import waiting_message

    print(waiting_message(), file=sys.stderr, flush=True)


def _ready(target: Target) -> bool:
    """Whether the target is a SQLite file of the current schema, readable at once without
    SQLAlchemy (storage/target.py); anything unusable is the command line's one line."""
    from storage.errors import DatabaseOpenError
    from storage.target import is_ready_sqlite_file

    try:
        return is_ready_sqlite_file(target)
    except DatabaseOpenError as exc:
        raise opening_error(exc) from None


def run_scripted(args: argparse.Namespace) -> int:
    if args.command == "sample":
        return run_sample(args)
    if args.command == "whoami":
        return run_whoami(args)
    if args.command == "migrate-db":
        from coordinator.cli.migrate import run_migrate

        return run_migrate(args)
    if args.command == "export-ics":
        from storage.rows import sqlite_rows
        from storage.target import resolve_target

        target = resolve_target(getattr(args, "database", None) or args.db)
        if _ready(target) and target.path is not None:  # a read alone: no SQLAlchemy
            with sqlite_rows(target.path) as rows:
                return calendar.export(args, rows)
    engine = _open(args)
    try:
        return _dispatch(args, engine)
    finally:
        from storage.engine import optimize

        optimize(engine)
        engine.dispose()


def _dispatch(args: argparse.Namespace, engine: Engine) -> int:
    if args.command == "followups":
        return run_followups(args, engine)
    if args.command == "changes":
        return run_changes(args, engine)
    if args.command in CALENDAR_COMMANDS:
        return calendar.run(args, engine)
    if args.command in MAIL_COMMANDS:
        return mail.run(args, engine)
    if args.command in ("agenda", "minutes", "tasks", "decisions"):
        return run_documents(args, engine)
    return run_register(args, engine)


def run_whoami(args: argparse.Namespace) -> int:
    from coordinator.network import identity
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
    from storage.target import resolve_target

    target = resolve_target(args.database or args.db)
    engine = None  # a ready file: made on first use; the dashboard reads through sqlite3
    if not _ready(target):  # new file, older schema, or a server: create, upgrade or check it
        from storage.engine import open_database

        try:
            engine = open_database(target)
        except DatabaseOpenError as exc:
            raise opening_error(exc) from None
    if not has_terminal():  # Textual would spin on a pipe
        raise UsageError(
            _("the app needs a terminal; for scripted work use a sub-command (coordinator --help)")
        )

    from coordinator import dashboard
    from coordinator.context import Context

    context = Context(engine, target.label, target=target)
    # Read the dashboard before Textual loads, so its first paint already shows the data.
    first = dashboard.load(context, context.now())

    from coordinator.app import CoordinatorApp
    from coordinator.network import identity

    app = CoordinatorApp(context, dashboard=first, user=identity.current())
    app.run()
    context.dispose()
    return app.return_code or 0


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    requested = language_from(argv)
    set_language(detect_language(requested if requested in ("de", "en") else None, os.environ))
    from coordinator.network import identity

    identity.apply(identity.current())
    try:
        word = first_word(argv)
        parser = scripted_parser()
        if word in {name for name, _help in sub_commands(parser)}:
            return run_scripted(parser.parse_args(argv))
        if word is not None and not looks_like_database(word):
            raise UsageError(unknown_sub_command(word))
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
        from coordinator.network.concurrency import busy_command_message, disk_full_message
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
