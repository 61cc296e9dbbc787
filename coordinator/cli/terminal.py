"""What every sub-command shares: the one error type of the command line, the progress
line of long commands, the yes/no question and the output to standard output or a file."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from coordinator.i18n import _


def progress_printer(stream: TextIO | None = None) -> Callable[[int, int], None]:
    """``done/total``: rewritten in place on a terminal, one whole line each elsewhere (a log
    or a pipe reads "1/3", "2/3", not "1/32/33/3")."""

    def show(done: int, total: int) -> None:
        out = stream or sys.stdout
        if out.isatty():
            end = "\n" if done >= total else ""
            print(f"\r{done}/{total}", end=end, file=out, flush=True)
        else:
            print(f"{done}/{total}", file=out, flush=True)

    return show


class UsageError(Exception):
    """A mistake on the command line or an unusable database: one line, exit status 2."""


def emit(text: str | bytes, output: str | None) -> None:
    """Write to standard output, or to a new private file (written whole, then renamed). A
    workbook (bytes) goes to a terminal only through -o FILE."""
    from coordinator.files import WriteError, write_private

    if not output:
        if isinstance(text, bytes):
            if sys.stdout.isatty():
                raise UsageError(_("a PDF or Excel file is not for the terminal: add -o FILE"))
            sys.stdout.flush()
            sys.stdout.buffer.write(text)
            return
        sys.stdout.write(text)
        return
    try:
        path = write_private(Path(output), text)
    except WriteError as exc:
        raise UsageError(str(exc)) from None
    print(_("Written to {path}").format(path=path), file=sys.stderr)


def ask(question: str) -> bool:
    """A yes/no question on the terminal; without one, the answer is no (nothing done)."""
    if not sys.stdin or not sys.stdin.isatty():
        print(question + " " + _("(no answer: nothing done)"), file=sys.stderr)
        return False
    answer = input(f"{question} [{_('y/N')}] ").strip().lower()
    return answer in ("y", "yes", "j", "ja")


def opening_error(exc: Any) -> UsageError:
    """A database that cannot be opened (storage's DatabaseOpenError), as the command line's
    one line in the user's language."""
    return UsageError(_(exc.template).format(**exc.params))
