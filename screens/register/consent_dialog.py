"""Consent for the people a list shows (``c`` in the register's people): one date and
purpose for those who have none yet; it says how many that is before anything is written."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input

from coordinator.i18n import N_, _, ngettext
from coordinator.labels import format_date
from coordinator.register.consent import ConsentPlan
from coordinator.validation import ValidationError
from screens.dialogs import Dialog, show_field_errors
from screens.text import Label, Static
from screens.widgets import Button, SaveButton

_CAPTIONS = {"consent_on": N_("Consent given on"), "consent_purpose": N_("Consent purpose")}


class ConsentDialog(Dialog):
    """``give(date, purpose)`` writes (ValidationError names a bad field); returns how many
    people got the consent."""

    def __init__(self, plan: ConsentPlan, today: Any, give: Callable[[str, str], int]) -> None:
        super().__init__()
        self._plan, self._today, self._give = plan, today, give

    def compose(self) -> ComposeResult:
        plan = self._plan
        with Vertical(classes="dialog"):
            yield Label(_("Consent for the people listed"), classes="dialog-title")
            yield Static(
                ngettext(
                    "{without} of the {listed} people listed has no consent yet and gets this one.",
                    "{without} of the {listed} people listed have no consent yet and get this one.",
                    plan.without,
                ).format(without=plan.without, listed=plan.listed)
                + " "
                + _("Consents given earlier stay as they are."),
                classes="dialog-body",
            )
            yield Label(_("Consent given on"), classes="field-label")
            yield Input(value=format_date(self._today), id="consent-consent_on")
            yield Label(_("Consent purpose"), classes="field-label")
            yield Input(
                placeholder=_("like: invitations and the newsletter"), id="consent-consent_purpose"
            )
            yield Label("", classes="field-error", id="consent-error")
            with Horizontal(classes="dialog-buttons"):
                yield SaveButton(_("Record consent"))
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#consent-consent_purpose", Input).focus()

    @on(Button.Pressed, "#save")
    @on(Input.Submitted)
    def _save(self) -> None:
        if self._plan.without == 0:
            self.dismiss(0)
            return
        try:
            given = self._give(
                self.query_one("#consent-consent_on", Input).value,
                self.query_one("#consent-consent_purpose", Input).value,
            )
        except ValidationError as exc:
            show_field_errors(self, exc, "#consent-error", prefix="#consent-", captions=_CAPTIONS)
            return
        self.dismiss(given)

    @on(Button.Pressed, "#cancel")
    def _cancelled(self) -> None:
        self.dismiss(None)
