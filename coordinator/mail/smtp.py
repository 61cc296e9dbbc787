"""The network's mail server settings (host, port, security, user, sender, rate), the SMTP
connection and its test. The password never touches the database or a file: it comes from
COORDINATOR_SMTP_PASSWORD or the system keyring.
"""

from __future__ import annotations

import os
import re
import smtplib
import ssl
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlmodel import col, select

from coordinator.i18n import _
from coordinator.mail.messages import (
    Sender,
)
from coordinator.validation import Checker, ValidationError
from storage.models import Meta
from storage.uow import reading, transaction

SECURITY = ("starttls", "tls", "none")
HOST = re.compile(r"[A-Za-z0-9][A-Za-z0-9.-]*|\[[0-9A-Fa-f:.]+\]|[0-9A-Fa-f:.]+")
PASSWORD_VARIABLE = "COORDINATOR_SMTP_PASSWORD"


@dataclass(frozen=True)
class MailSettings:
    host: str = ""
    port: int = 587
    security: str = "starttls"
    user: str = ""
    sender_name: str = ""
    sender_email: str = ""
    per_minute: int = 30  # the server's limit; a pause between messages keeps under it

    @property
    def sender(self) -> Sender:
        return Sender(self.sender_name, self.sender_email)


_KEYS = ("host", "port", "security", "user", "sender_name", "sender_email", "per_minute")


def load_settings(engine: Engine) -> MailSettings:
    stored = stored_settings(engine, "mail")
    values: dict[str, object] = {k: v for k, v in stored.items() if k in _KEYS}
    for number in ("port", "per_minute"):
        if number in values:
            values[number] = int(str(values[number]))
    return MailSettings(**values)  # type: ignore[arg-type]


def checked_settings(**typed: str) -> MailSettings:
    """The typed mail settings, checked (ValidationError names each bad field)."""
    values = _checked(typed)
    return MailSettings(
        **{**values, "port": int(values["port"]), "per_minute": int(values["per_minute"])}  # type: ignore[arg-type]
    )


def save_settings(engine: Engine, **typed: str) -> MailSettings:
    """Check and store the mail settings (never a password)."""
    store_settings(engine, "mail", _checked(typed))
    return load_settings(engine)


def _checked(typed: dict[str, str]) -> dict[str, str]:
    check = Checker()
    host = check.required("host", typed.get("host", ""), max_length=200)
    if host and not HOST.fullmatch(host):
        check.fail("host", _("A server name like mail.example.org (or an IP address)."))
    port = typed.get("port", "587").strip()
    if not port.isdigit() or not 0 < int(port) < 65536:
        check.fail("port", _("A port number from 1 to 65535."))
    security = typed.get("security", "starttls").strip()
    if security not in SECURITY:
        check.fail("security", _("starttls, tls or none."))
    per_minute = typed.get("per_minute", "30").strip()
    if not per_minute.isdigit() or not 0 < int(per_minute) <= 1000:
        check.fail("per_minute", _("Messages per minute: 1 to 1000."))
    sender_email = check.email("sender_email", typed.get("sender_email", ""))
    if not sender_email and "sender_email" not in check.errors:
        check.fail("sender_email", _("This field is required."))
    user = typed.get("user", "").strip()
    for name, value in (("user", user), ("sender_name", typed.get("sender_name", ""))):
        if any(ch < " " or ch == "\x7f" for ch in value):
            check.fail(name, _("One line, without control characters."))
    check.check()
    return {
        "host": host,
        "port": port,
        "security": security,
        "user": user,
        "sender_name": typed.get("sender_name", "").strip(),
        "sender_email": sender_email,
        "per_minute": per_minute,
    }


def password(environ: dict[str, str] | None = None) -> str:
    """The SMTP password: from the environment, else from the system keyring (if the
    ``keyring`` package is installed and the system has a keyring it can use), else empty."""
    return stored_secret(PASSWORD_VARIABLE, "smtp", environ)


def stored_secret(variable: str, user: str, environ: dict[str, str] | None = None) -> str:
    """A password from the environment variable ``variable``, else from the keyring's entry
    (service "coordinator", ``user``), else empty. Never from the database."""
    environ = dict(os.environ) if environ is None else environ
    if environ.get(variable):
        return environ[variable]
    try:
        import keyring  # type: ignore[import-not-found]
    except ImportError:
        return ""
    try:
        return keyring.get_password("coordinator", user) or ""
    except Exception:  # keyring.errors.KeyringError: no usable keyring (a server, a container)
        return ""


def stored_settings(engine: Engine, prefix: str) -> dict[str, str]:
    """Settings kept in coordinator_meta as "<prefix>.<key>"."""
    with reading(engine) as session:
        rows = session.exec(select(Meta).where(col(Meta.key).startswith(f"{prefix}."))).all()
    return {m.key[len(prefix) + 1 :]: m.value for m in rows}


def store_settings(engine: Engine, prefix: str, values: dict[str, str]) -> None:
    with transaction(engine) as session:
        for key, value in values.items():
            row = session.get(Meta, f"{prefix}.{key}")
            if row is None:
                session.add(Meta(key=f"{prefix}.{key}", value=value))
            else:
                row.value = value


def connect(settings: MailSettings, secret: str, timeout: float = 30) -> smtplib.SMTP:
    """An open, logged-in connection to the coordinator's mail server."""
    if not settings.host:
        raise ValidationError({"host": _("No mail server is set up (coordinator mail set).")})
    context = ssl.create_default_context()
    if settings.security == "tls":
        server: smtplib.SMTP = smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=timeout, context=context
        )
    else:
        server = smtplib.SMTP(settings.host, settings.port, timeout=timeout)
        if settings.security == "starttls":
            server.starttls(context=context)
    if settings.user:
        server.login(settings.user, secret)
    return server


def test_settings(settings: MailSettings, secret: str) -> str:
    """Connect, log in and say goodbye: what the server answered, for ``mail test``."""
    server = connect(settings, secret)
    try:
        code, answer = server.noop()
    finally:
        server.quit()
    return f"{code} {answer.decode(errors='replace')}"


def connection_report(settings: MailSettings, secret: str) -> tuple[bool, str]:
    """Try the settings: (True, what the server answered) or (False, why not), in words and
    without the password or the user name."""
    try:
        answer = test_settings(settings, secret)
    except smtplib.SMTPAuthenticationError:
        return False, _("The mail server refused the user name or the password.")
    except smtplib.SMTPNotSupportedError:
        return False, _("The mail server does not offer this security (try another one).")
    except ssl.SSLError as exc:
        return False, _("The secure connection failed: {reason}").format(reason=exc.reason or exc)
    except (smtplib.SMTPException, OSError) as exc:
        reason = getattr(exc, "strerror", None) or type(exc).__name__
        return False, _("No connection to {host}:{port} ({reason}).").format(
            host=settings.host, port=settings.port, reason=reason
        )
    return True, _("The mail server answered: {answer}").format(answer=answer)
