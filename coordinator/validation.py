"""Checking what the coordinator types: one message per bad field, nothing saved on error."""

from __future__ import annotations

import re
from datetime import date

from coordinator import phones
from coordinator.i18n import _
from coordinator.languages import language_code, split_languages

URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


def is_email(value: str) -> bool:
    """Whether ``value`` is an e-mail address the network accepts (forms, lists, calendars):
    its syntax as email-validator checks it (no network lookup), in plain ASCII (a domain
    with umlauts in its xn-- form), no quoted or display-name forms, no reserved domains
    (.test, .invalid, .localhost)."""
    if not value or len(value) > 254 or not value.isascii():
        return False
    from email_validator import EmailNotValidError, validate_email

    try:
        validate_email(value, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError:
        return False
    return True


class ValidationError(Exception):
    """Bad input: ``errors`` maps each bad field to a message for the coordinator."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))
        self.errors = errors


class Checker:
    """Collects field errors, then raises them together."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def fail(self, field: str, message: str) -> None:
        self.errors.setdefault(field, message)

    def required(self, field: str, value: str, *, max_length: int = 200) -> str:
        value = value.strip()
        if not value:
            self.fail(field, _("This field is required."))
        return self.length(field, value, max_length)

    def length(self, field: str, value: str, max_length: int) -> str:
        value = value.strip()
        if len(value) > max_length:
            self.fail(field, _("At most {n} characters.").format(n=max_length))
        return value

    def email(self, field: str, value: str) -> str:
        value = value.strip()
        if value and not is_email(value):
            self.fail(field, _("Not an e-mail address (like name@example.org)."))
        return value

    def phone(self, field: str, value: str, *, keep_unread: bool = False) -> str:
        """The number in E.164 (coordinator.phones). One that cannot be read is refused, or
        with ``keep_unread`` (an imported list) kept as it was written."""
        value = " ".join(value.split())
        if not value:
            return ""
        number = phones.e164(value)
        if number is not None:
            return number
        if not keep_unread or len(value) > 60:
            self.fail(field, _("Not a phone number (like 0231 25114 or +49 231 25114)."))
        return value

    def url(self, field: str, value: str) -> str:
        value = value.strip()
        if value and not URL.match(value):
            self.fail(field, _("Not a web address (starting with https://)."))
        return value

    def language(self, field: str, value: str) -> str:
        """A language typed by name (Türkisch, Turkish, Türkçe) or code, as its code."""
        if not value.strip():
            return ""
        code = language_code(value)
        if code is None:
            self.fail(field, _unknown_language(value))
            return ""
        return code

    def languages(self, field: str, value: str) -> list[str]:
        """Languages typed as "Deutsch, Türkisch und Arabisch" or "de, tr, ar", as codes."""
        codes = []
        for part in split_languages(value):
            code = language_code(part)
            if code is None:
                self.fail(field, _unknown_language(part))
                return []
            codes.append(code)
        return list(dict.fromkeys(codes))

    def date(self, field: str, value: str) -> date | None:
        value = value.strip()
        if not value:
            return None
        for parse in (date.fromisoformat, _german_date):
            try:
                return parse(value)
            except ValueError:
                continue
        self.fail(field, _("Not a date (like 2026-03-31 or 31.03.2026)."))
        return None

    def check(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def _german_date(value: str) -> date:
    day, month, year = value.split(".")
    return date(int(year), int(month), int(day))


def _unknown_language(typed: str) -> str:
    shown = " ".join(typed.split())  # one line, whatever breaks it held
    shown = shown if len(shown) <= 40 else shown[:39] + "…"
    return _("Unknown language “{typed}”: type its name (Türkisch) or its code (tr).").format(
        typed=shown
    )
