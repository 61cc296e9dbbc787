"""Checking what the coordinator types: one message per bad field, nothing saved on error."""

from __future__ import annotations

import re
from datetime import date

from coordinator.i18n import _

EMAIL = re.compile(
    r"^[^@\s<>(),;:\"\[\]]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$"
)
PHONE = re.compile(r"^\+?[0-9 ()/.\-]{5,30}$")
LANGUAGE = re.compile(r"^[a-z]{2,3}$")
URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


def is_email(value: str) -> bool:
    """Whether ``value`` is an e-mail address the network accepts (forms, lists, calendars)."""
    return len(value) <= 254 and EMAIL.match(value) is not None


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

    def phone(self, field: str, value: str) -> str:
        value = value.strip()
        if value and (not PHONE.match(value) or sum(ch.isdigit() for ch in value) < 5):
            self.fail(field, _("Not a phone number (digits, spaces, + - / ( ) only)."))
        return value

    def url(self, field: str, value: str) -> str:
        value = value.strip()
        if value and not URL.match(value):
            self.fail(field, _("Not a web address (starting with https://)."))
        return value

    def language(self, field: str, value: str) -> str:
        value = value.strip().lower()
        if value and not LANGUAGE.match(value):
            self.fail(field, _("Use a language code such as de, tr or ar."))
        return value

    def languages(self, field: str, value: str) -> list[str]:
        codes = [code.strip().lower() for code in re.split(r"[,;\s]+", value) if code.strip()]
        for code in codes:
            if not LANGUAGE.match(code):
                self.fail(field, _("Use language codes such as de, tr, ar, separated by commas."))
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
