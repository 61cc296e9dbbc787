"""Dialogs of the meeting screens: the meeting form, an agenda item, inviting, a date poll."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input

from coordinator.i18n import N_, _
from coordinator.labels import label
from coordinator.meetings.meetings import MeetingInput
from coordinator.register.names import KINDS
from coordinator.validation import ValidationError
from screens.complete import NameComplete
from screens.conflict import refuse_busy
from screens.dialogs import Dialog, show_field_errors
from screens.forms import Form
from screens.text import Label
from screens.widgets import Button, Checkbox, SaveButton, Select
from storage.enums import MeetingKind

REPEAT_LABELS = {
    "none": N_("does not repeat"),
    "weekly": N_("every week"),
    "biweekly": N_("every two weeks"),
    "monthly": N_("monthly on the same weekday"),
    "custom": N_("as in the imported rule (kept)"),
}


class MeetingForm(Form):
    def compose_fields(self) -> ComposeResult:
        value: MeetingInput = self._value
        yield from self.text("title", _("Title") + " *")
        yield from self.field(
            "kind",
            _("Kind"),
            Select([(label(k), k.value) for k in MeetingKind], value=value.kind, allow_blank=False),
        )
        yield from self.text("day", _("Date") + " *", placeholder="31.03.2027")
        yield from self.text("start", _("From"), placeholder="18:00")
        yield from self.text("end", _("To"), placeholder="20:00")
        yield Checkbox(_("All day"), value=value.all_day, id="all-day")
        yield from self.text("timezone", _("Time zone"))
        yield from self.text("location", _("Place"))
        yield from self.text("online_url", _("Online link"), placeholder="https://")
        yield from self.field(
            "repeat", _("Repeats"),
            Select(
                [(_(text), key) for key, text in REPEAT_LABELS.items() if key != "custom" or value.repeat == "custom"],
                value=value.repeat, allow_blank=False,
            ),
        )  # fmt: skip
        yield from self.text("until", _("Last date of the series"), placeholder="31.12.2027")
        yield from self.text("count", _("or number of meetings"))
        yield from self.text(
            "language", _("Language of agenda and invitations"), placeholder=_("German")
        )
        yield from self.text(
            "organiser",
            _("Organiser, who gets the replies: name, e-mail or #ID"),
            placeholder="Ayşe Yılmaz",
        )
        yield NameComplete("#field-organiser", ["person"])
        yield from self.text("notes", _("Notes"))

    def collect(self) -> Any:
        value = super().collect()
        value.all_day = self.query_one("#all-day", Checkbox).value
        return value


class AgendaItemDialog(Dialog):
    """A new agenda item. ``check`` (the domain's checked_item) checks what was typed before
    the dialog closes: a bad field is named, the typed text stays."""

    def __init__(self, check: Callable[[dict[str, str]], dict[str, Any]]) -> None:
        super().__init__()
        self._check = check

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(_("New agenda item"), classes="dialog-title")
            yield Input(placeholder=_("Title"), id="item-title")
            yield Input(
                value="15", placeholder=_("Duration in minutes"), id="item-minutes", type="integer"
            )
            presenter = Input(
                placeholder=_("Presenter (optional): name, e-mail or #ID"), id="item-presenter"
            )
            yield presenter
            yield NameComplete(presenter, ["person"])
            yield Label("", classes="field-error", id="item-error")
            with Horizontal(classes="dialog-buttons"):
                yield SaveButton()
                yield Button(_("Cancel"), id="cancel")

    @on(Button.Pressed, "#save")
    @on(Input.Submitted)
    def _save(self) -> None:
        typed = {
            name: self.query_one(f"#item-{name}", Input).value
            for name in ("title", "minutes", "presenter")
        }
        try:
            checked = self._check(typed)
        except ValidationError as exc:
            show_field_errors(self, exc, "#item-error", prefix="#item-")
            return
        self.dismiss(checked)

    @on(Button.Pressed, "#cancel")
    def _cancelled(self) -> None:
        self.dismiss(None)


class InviteDialog(Dialog):
    """``invite(kind, name)`` invites (kind: any, organisation, group or person) and returns
    how many were newly invited, which the dialog returns; a name that fits nobody or several
    is named under the field and the dialog stays open with what was typed."""

    def __init__(self, invite: Callable[[str, str], int]) -> None:
        super().__init__()
        self._invite = invite

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(_("Invite"), classes="dialog-title")
            yield Select(
                [(_("by name: an organisation, a group or a person"), "any"), (_("an organisation (all its people)"), "organisation"), (_("a saved group"), "group"), (_("one person"), "person")],
                value="any", allow_blank=False, id="invite-kind",
            )  # fmt: skip
            name = Input(
                placeholder=_("Name as in the register (a person also by e-mail or #ID)"),
                id="invite-name",
            )
            yield name
            yield NameComplete(name, KINDS)
            yield Label("", classes="field-error", id="invite-error")
            with Horizontal(classes="dialog-buttons"):
                yield SaveButton(_("Invite"))
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#invite-name", Input).focus()

    @on(Select.Changed, "#invite-kind")
    def _kind_changed(self, event: Select.Changed) -> None:
        kind = str(event.value)
        self.query_one(NameComplete).set_kinds(KINDS if kind == "any" else [kind])

    @on(Button.Pressed, "#save")
    @on(Input.Submitted)
    def _save(self) -> None:
        try:
            added = self._invite(
                str(self.query_one("#invite-kind", Select).value),
                self.query_one("#invite-name", Input).value,
            )
        except ValidationError as exc:
            self.query_one("#invite-error", Label).update("\n".join(exc.errors.values()))
            self.query_one("#invite-name", Input).focus()
            return
        except Exception as exc:  # (another writer held the lock: what was typed stays)
            refuse_busy(self, exc)
            return
        self.dismiss(added)

    @on(Button.Pressed, "#cancel")
    def _cancelled(self) -> None:
        self.dismiss(None)


class PollDialog(Dialog):
    """Candidate dates for a meeting; ``save(text, volunteers)`` raises ValidationError."""

    def __init__(self, save: Any) -> None:
        super().__init__()
        self._save_slots = save

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(_("Find a date"), classes="dialog-title")
            yield Label(
                _(
                    "Candidate dates, separated by ; (like 03.02.2027 18:00-20:00; 06.02.2027 10:00-12:00)"
                )
            )
            yield Input(id="slots")
            yield Checkbox(
                _("The group are volunteers: prefer evenings and weekends"),
                value=True,
                id="volunteers",
            )
            yield Label("", classes="field-error", id="slots-error")
            with Horizontal(classes="dialog-buttons"):
                yield SaveButton(_("Start the poll"))
                yield Button(_("Cancel"), id="cancel")

    @on(Button.Pressed, "#save")
    @on(Input.Submitted)
    def _save(self) -> None:
        try:
            self._save_slots(
                self.query_one("#slots", Input).value, self.query_one("#volunteers", Checkbox).value
            )
        except ValidationError as exc:
            self.query_one("#slots-error", Label).update(
                exc.errors.get("slots", "; ".join(exc.errors.values()))
            )
            return
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def _cancelled(self) -> None:
        self.dismiss(None)
