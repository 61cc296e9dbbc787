"""What an unexpected error tells the user: where it happened and its kind, nothing else.

An error's message and the local variables of its frames can hold what the network holds
(names, addresses, notes, a calendar's text), so neither is shown: a crash report on a
terminal, in a CI log or pasted into an issue must not leak personal data.
"""

from __future__ import annotations

import traceback
from pathlib import Path
from types import TracebackType

from coordinator.i18n import _

_ROOT = Path(__file__).resolve().parent.parent
_FRAMES = 12  # the innermost ones: where it went wrong


def _where(filename: str) -> str:
    path = Path(filename)
    try:
        return str(path.resolve().relative_to(_ROOT))
    except ValueError:
        parts = path.parts
        return "/".join(parts[-3:]) if "site-packages" in parts else path.name


def report(error: BaseException | None, tb: TracebackType | None = None) -> str:
    """Lines for the terminal: the error's kind and the code positions, no values."""
    kind = type(error).__name__ if error is not None else "Error"
    lines = [
        _("coordinator stopped because of an unexpected error ({kind}).").format(kind=kind),
        _("Where it happened:"),
    ]
    frames = traceback.extract_tb(tb if tb is not None else getattr(error, "__traceback__", None))
    for frame in frames[-_FRAMES:]:
        lines.append(f"  {_where(frame.filename)}:{frame.lineno} in {frame.name}")
    lines.append(
        _(
            "The error's text is left out because it can contain personal data; please report these lines."
        )
    )
    return "\n".join(lines)
