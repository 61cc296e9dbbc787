"""The ``coordinator`` command: the TUI by default, sub-commands for scripted work."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from coordinator.i18n import _, detect_language, set_language

SUBCOMMANDS = ("sample",)


class UsageError(Exception):
    """A mistake on the command line or an unusable database: one line, exit status 2."""


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        metavar="URL",
        help=_(
            "database: a SQLite file path or a SQLAlchemy URL such as postgresql://host/db "
            "(default: $COORDINATOR_DB, else coordinator.db in your data folder)"
        ),
    )
    parser.add_argument(
        "--lang", choices=("de", "en"), help=_("language of the interface (default: from LANG)")
    )


def main_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="coordinator",
        description=_(
            "Coordinate a network of migrant organisations and their partners: "
            "register, meetings, date polls, minutes, tasks and calendars."
        ),
        epilog=_(
            "sub-commands:\n"
            "  sample --out PATH   write the fictional sample network to a new database file\n"
            "\nRun 'coordinator SUB-COMMAND --help' for the options of one."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "database", nargs="?", metavar="DB", help=_("database file or URL to open (like --db)")
    )
    _common(parser)
    return parser


def sample_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="coordinator sample",
        description=_("Write the fictional sample network to a new database file."),
    )
    parser.add_argument("--out", required=True, metavar="PATH", help=_("the new database file"))
    parser.add_argument("--force", action="store_true", help=_("replace PATH if it exists"))
    parser.add_argument("--lang", choices=("de", "en"), help=argparse.SUPPRESS)
    return parser


def _language_from(argv: Sequence[str]) -> str | None:
    for index, arg in enumerate(argv):
        if arg == "--lang" and index + 1 < len(argv):
            return argv[index + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


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

    from coordinator import dashboard
    from coordinator.context import Context

    context = Context(engine, target.label, target=target)
    # Read the dashboard before Textual loads, so its first paint already shows the data.
    first = dashboard.load(context, context.now())

    from coordinator.app import CoordinatorApp

    CoordinatorApp(context, dashboard=first).run()
    context.dispose()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    requested = _language_from(argv)
    set_language(detect_language(requested if requested in ("de", "en") else None, os.environ))
    try:
        if argv and argv[0] == "sample":
            return run_sample(sample_parser().parse_args(argv[1:]))
        return run_tui(main_parser().parse_args(argv))
    except UsageError as exc:
        print(f"coordinator: {_('error')}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
