"""Who is working: the coordinator's name, configured once per user account.

Looked up in this order: ``$COORDINATOR_USER``, the file ``identity.json`` in the user's
configuration folder (written by ``coordinator whoami --set`` or the Changes screen), the
login name. Every change is recorded under this name (storage/audit.py).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from coordinator.i18n import _
from coordinator.validation import Checker

ENV_VAR = "COORDINATOR_USER"


@dataclass(frozen=True)
class Identity:
    name: str
    source: str  # "environment", "file" or "login"


def config_path() -> Path:
    from platformdirs import user_config_path

    return user_config_path("coordinator", appauthor=False) / "identity.json"


def current(env: dict[str, str] | None = None) -> Identity:
    env = dict(os.environ) if env is None else env
    if env.get(ENV_VAR, "").strip():
        return Identity(env[ENV_VAR].strip(), "environment")
    try:
        name = str(json.loads(config_path().read_text(encoding="utf-8")).get("name", "")).strip()
    except (OSError, ValueError, AttributeError):
        name = ""
    if name:
        return Identity(name, "file")
    from storage.actor import login_name

    return Identity(login_name(), "login")


def save(name: str) -> Identity:
    """Remember the name for this user account (raises ValidationError for a bad one)."""
    check = Checker()
    name = check.required("name", name, max_length=120)
    if any(ord(ch) < 32 for ch in name):
        check.fail("name", _("A name without control characters, please."))
    check.check()
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    from coordinator.files import write_private

    write_private(path, json.dumps({"name": name}, ensure_ascii=False))  # 0600: a person's name
    return Identity(name, "file")


def apply(identity: Identity) -> None:
    """Record this process's changes under ``identity``."""
    from storage import actor

    actor.set_default(identity.name)
