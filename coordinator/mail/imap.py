"""The coordinator's mailbox over IMAP (TLS), where partners' answers arrive (issue 20): its
settings (host, port, user, folder, and the folder read messages go to), the unread answers'
raw messages, and marking those that were read: moved to the named folder, or given the
keyword ``$CoordinatorRead``; never deleted. The password comes from COORDINATOR_IMAP_PASSWORD
or the system keyring (service "coordinator", user "imap"), never from the database."""

from __future__ import annotations

import contextlib
import imaplib
import re
import ssl
from dataclasses import dataclass
from types import TracebackType

from sqlalchemy import Engine

from coordinator.i18n import _
from coordinator.mail.smtp import HOST, store_settings, stored_secret, stored_settings
from coordinator.validation import Checker

PASSWORD_VARIABLE = "COORDINATOR_IMAP_PASSWORD"
READ = "$CoordinatorRead"  # the keyword of a message that was read (when no folder is named)
_FOLDER = re.compile(r"[^\x00-\x1f\x7f\"\\]{1,200}")
_KEYS = ("host", "port", "user", "folder", "done_folder")
MAX_MESSAGES = 500  # read per run (the oldest unread first); the next run reads on


@dataclass(frozen=True)
class ImapSettings:
    host: str = ""
    port: int = 993
    user: str = ""
    folder: str = "INBOX"
    done_folder: str = ""  # "": read messages keep their place and get the keyword

    @property
    def ready(self) -> bool:
        return bool(self.host and self.user)


def load_settings(engine: Engine) -> ImapSettings:
    stored = stored_settings(engine, "imap")
    values: dict[str, object] = {k: v for k, v in stored.items() if k in _KEYS}
    if "port" in values:
        values["port"] = int(str(values["port"]))
    return ImapSettings(**values)  # type: ignore[arg-type]


def save_settings(engine: Engine, **typed: str) -> ImapSettings:
    """Check and store the mailbox settings (never a password); ValidationError names each
    bad field."""
    check = Checker()
    host = check.required("host", typed.get("host", ""), max_length=200)
    if host and not HOST.fullmatch(host):
        check.fail("host", _("A server name like mail.example.org (or an IP address)."))
    port = typed.get("port", "993").strip()
    if not port.isdigit() or not 0 < int(port) < 65536:
        check.fail("port", _("A port number from 1 to 65535."))
    user = check.required("user", typed.get("user", ""), max_length=200)
    folders = {}
    for name, default in (("folder", "INBOX"), ("done_folder", "")):
        value = typed.get(name, default).strip()
        if value and not _FOLDER.fullmatch(value):
            check.fail(name, _("A folder name on one line, without quotes or backslashes."))
        folders[name] = value
    check.check()
    store_settings(engine, "imap", {"host": host, "port": port, "user": user, **folders})
    return load_settings(engine)


def password(environ: dict[str, str] | None = None) -> str:
    return stored_secret(PASSWORD_VARIABLE, "imap", environ)


class Mailbox:
    """An open IMAP session on the settings' folder (TLS, certificate checked)."""

    def __init__(self, settings: ImapSettings, secret: str, timeout: float = 30) -> None:
        self.settings = settings
        context = ssl.create_default_context()
        self._imap = imaplib.IMAP4_SSL(
            settings.host, settings.port, ssl_context=context, timeout=timeout
        )
        try:
            login(self._imap, settings.user, secret)
            status, _data = self._imap.select(_quoted(settings.folder))
            if status != "OK":
                raise imaplib.IMAP4.error(f"no folder {settings.folder}")
        except Exception:
            self._imap.shutdown()
            raise

    def __enter__(self) -> Mailbox:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        with contextlib.suppress(Exception):  # (the connection is gone already)
            self._imap.logout()

    def unread(self) -> list[tuple[bytes, bytes]]:
        """(UID, message) of the messages not read before, oldest first."""
        status, data = self._imap.uid("search", None, "UNKEYWORD", READ)
        if status != "OK" or not data or not data[0]:
            return []
        found = []
        for uid in data[0].split()[:MAX_MESSAGES]:
            status, parts = self._imap.uid("fetch", uid, "(BODY.PEEK[])")
            raw = (
                next((p[1] for p in parts if isinstance(p, tuple)), None)
                if status == "OK"
                else None
            )
            if isinstance(raw, bytes):
                found.append((uid, raw))
        return found

    def mark(self, uids: list[bytes]) -> None:
        """The messages read: given the keyword, then moved to the done folder if one is
        named (copied where the server cannot move: the original keeps its place, with the
        keyword). Nothing is ever deleted."""
        if not uids:
            return
        numbers = b",".join(uids).decode()
        self._imap.uid("store", numbers, "+FLAGS", f"({READ})")
        folder = self.settings.done_folder
        if folder:
            self._imap.create(_quoted(folder))  # (answers NO when it exists already)
            if b"MOVE" in b" ".join(self._capabilities()):
                self._imap.uid("move", numbers, _quoted(folder))
            else:
                self._imap.uid("copy", numbers, _quoted(folder))

    def _capabilities(self) -> list[bytes]:
        status, data = self._imap.capability()
        return data[0].split() if status == "OK" and data and data[0] else []


def login(connection: imaplib.IMAP4, user: str, secret: str) -> None:
    """AUTHENTICATE PLAIN in UTF-8 (a password with "ü" works; LOGIN takes ASCII only), or
    LOGIN where the server offers no PLAIN."""
    if "AUTH=PLAIN" in connection.capabilities:
        token = b"\0" + user.encode() + b"\0" + secret.encode()
        connection.authenticate("PLAIN", lambda _challenge: token)
    else:
        connection.login(user, secret)


def _quoted(folder: str) -> str:
    return '"' + folder + '"'
