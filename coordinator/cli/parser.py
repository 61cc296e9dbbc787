"""The command line's argparse tree: global options accepted before or after the
sub-command, the help generated from the sub-parsers, and how the first word of argv is
read (a sub-command, a database, or a typo)."""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from pathlib import Path

from coordinator.cli.calendar import add_parsers as add_calendar_parsers
from coordinator.cli.mail import add_parsers as add_mail_parsers
from coordinator.i18n import _
from coordinator.register.matching import Choice


def database_options(parser: argparse.ArgumentParser, *, top: bool = False) -> None:
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


def sub_commands(parser: argparse.ArgumentParser) -> list[tuple[str, str]]:
    """(name, help) of every sub-command, as the parser knows them."""
    for action in parser._actions:  # argparse keeps the sub-parsers action only here
        if isinstance(action, argparse._SubParsersAction):
            return [(choice.dest, choice.help or "") for choice in action._choices_actions]
    return []


def main_parser() -> argparse.ArgumentParser:
    commands = "\n".join(
        f"  {name:<15} {help_text}" for name, help_text in sub_commands(scripted_parser())
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
    database_options(parser, top=True)
    return parser


def scripted_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="coordinator")
    database_options(parser, top=True)
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
    database_options(audit)

    for name, formats in (
        ("people", ("csv", "xlsx", "vcard", "json")),
        ("orgs", ("csv", "xlsx", "json")),
    ):
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
        database_options(export)
        load = actions.add_parser(
            "import",
            help=_("read a list: Excel (.xlsx), LibreOffice (.ods) or CSV (; , or tab)"),
            description=_(
                "Without --yes: show the preview and the rows with errors, then ask. "
                "With --yes: import the valid rows and report the others (exit status 1 if any)."
            ),
        )
        load.add_argument("file", metavar="FILE")
        load.add_argument("--yes", action="store_true", help=_("import without asking"))
        load.add_argument(
            "--sheet", metavar="NAME", help=_("the workbook's sheet (else the first with a list)")
        )
        load.add_argument(
            "--map", action="append", default=[], metavar="COLUMN=FIELD",
            help=_("read a column as a field, like \"Handy=phone\", or skip it: \"Farbe=skip\" "
                   "(may be repeated; remembered for lists with the same columns)"),
        )  # fmt: skip
        if name == "people":
            load.add_argument(
                "--consent-on", metavar="DATE",
                help=_("the people of the list gave their consent on DATE (you collected it)"),
            )  # fmt: skip
            load.add_argument("--consent-purpose", metavar="TEXT", help=_("what they consented to"))
            load.add_argument(
                "--duplicates", choices=[c.value for c in Choice], metavar="CHOICE",
                help=_("for every row that may be somebody already there: skip, fill (empty "
                       "fields), overwrite or add (as new); else: same rows filled, the others "
                       "skipped"),
            )  # fmt: skip
            load.add_argument(
                "--row", action="append", default=[], metavar="LINE=CHOICE",
                help=_("the choice for one row, like 12=overwrite (may be repeated)"),
            )  # fmt: skip
        database_options(load)
        merge = actions.add_parser(
            "merge",
            help=_("merge two records that are one: everything of OTHER moves to SURVIVOR"),
        )
        merge.add_argument("survivor", type=int, metavar="SURVIVOR_ID")
        merge.add_argument("other", type=int, metavar="OTHER_ID")
        merge.add_argument("--yes", action="store_true", help=_("merge without asking"))
        database_options(merge)
        if name == "people":
            gdpr = actions.add_parser(
                "gdpr-export", help=_("everything held about one person (GDPR)")
            )
            gdpr.add_argument("id", type=int, metavar="ID")
            gdpr.add_argument("--format", choices=("json", "text"), default="json")
            gdpr.add_argument(
                "-o", "--output", metavar="FILE", help=_("write to FILE instead of standard output")
            )
            database_options(gdpr)
            erase = actions.add_parser("erase", help=_("erase one person on request (GDPR)"))
            erase.add_argument("id", type=int, metavar="ID")
            erase.add_argument("--yes", action="store_true", help=_("erase without asking"))
            erase.add_argument(
                "--delete-backups",
                action="store_true",
                help=_("also delete the backups upgrades wrote (they still hold the person)"),
            )
            database_options(erase)

    for name, help_text in (
        ("agenda", _("the agenda of a meeting as a file to print or mail")),
        ("minutes", _("the minutes of a meeting as a file to print or mail")),
    ):
        document = commands.add_parser(name, help=help_text)
        document.add_argument(
            "meeting", type=int, metavar="MEETING_ID", help=_("the ID shown in the meeting screens")
        )
        document.add_argument("--format", choices=("md", "txt", "html", "pdf"), default="md")
        document.add_argument(
            "-o", "--output", metavar="FILE", help=_("write to FILE instead of standard output")
        )
        database_options(document)

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
    todo.add_argument("--format", choices=("md", "txt", "html", "pdf", "csv", "xlsx"), default="md")
    todo.add_argument(
        "-o", "--output", metavar="FILE", help=_("write to FILE instead of standard output")
    )
    database_options(todo)

    register = commands.add_parser(
        "decisions", help=_("the decision register: all decisions and agreements")
    )
    register.add_argument(
        "--search", default="", metavar="WORDS", help=_("only decisions containing these words")
    )
    register.add_argument("--format", choices=("md", "txt", "html", "pdf"), default="md")
    register.add_argument(
        "-o", "--output", metavar="FILE", help=_("write to FILE instead of standard output")
    )
    database_options(register)

    followups = commands.add_parser(
        "followups", help=_("partners not contacted for a while, oldest first")
    )
    followups.add_argument(
        "--weeks", type=int, default=8, help=_("how long counts as too long (default 8)")
    )
    database_options(followups)
    add_calendar_parsers(commands, database_options)
    add_mail_parsers(commands, database_options)
    return parser


GLOBAL_WITH_VALUE = ("--db", "--lang")


def first_word(argv: Sequence[str]) -> str | None:
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


def looks_like_database(word: str) -> bool:
    """A database is a URL, a path with a folder or a suffix, or a file that exists: a bare
    word that is none of these is a mistyped sub-command, not a new database to create."""
    return "://" in word or "/" in word or "." in word or os.sep in word or Path(word).exists()


def unknown_sub_command(word: str) -> str:
    import difflib

    message = _("unknown sub-command “{word}”").format(word=word)
    names = [name for name, _help in sub_commands(scripted_parser())]
    close = difflib.get_close_matches(word, names, n=1, cutoff=0.6)
    if close:
        message += "; " + _("did you mean “{command}”?").format(command=close[0])
    else:
        message += "; " + _(
            "see coordinator --help (a database file needs a name such as network.db)"
        )
    return message


def language_from(argv: Sequence[str]) -> str | None:
    for index, arg in enumerate(argv):
        if arg == "--lang" and index + 1 < len(argv):
            return argv[index + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None
