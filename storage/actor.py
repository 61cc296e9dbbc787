"""Who this process's changes are recorded under, when a session does not say (kept apart
from storage/audit.py so the entry point can set it before SQLAlchemy loads)."""

from __future__ import annotations

name = ""


def set_default(value: str) -> None:
    global name
    name = value


def default() -> str:
    return name or login_name()


def login_name() -> str:
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # no login name (some containers)
        return "?"
