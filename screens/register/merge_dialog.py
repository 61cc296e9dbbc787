"""Merge two records that are one (``M`` in the register's lists): the highlighted person or
organisation goes into the one named in the dialog, which the register suggests as typed.
What moves is said before anything is written; a name that fits nobody or several is named
under the field and the dialog stays open."""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input

from coordinator.i18n import _
from coordinator.validation import ValidationError
from screens.complete import NameComplete
from screens.conflict import refuse_busy
from screens.dialogs import Dialog
from screens.text import Label, Static
from screens.widgets import Button


class MergeDialog(Dialog):
    """``merge(typed)`` merges the record into the one ``typed`` names and returns the
    survivor's name (ValidationError: a name that does not fit one); returns that name."""

    def __init__(self, kind: str, name: str, merge: Callable[[str], str]) -> None:
        super().__init__()
        self._kind, self._name, self._merge = kind, name, merge

    def compose(self) -> ComposeResult:
        person = self._kind == "person"
        with Vertical(classes="dialog"):
            yield Label(_("Merge {name} into …").format(name=self._name), classes="dialog-title")
            yield Static(
                _(
                    "Everything of {name} moves to the person you name: contact log, "
                    "memberships, languages, invitations and answers, groups, poll votes, "
                    "mails, tasks, agenda items, minutes, consent and history. Their empty "
                    "fields are filled from {name}; then {name} is deleted."
                ).format(name=self._name)
                if person
                else _(
                    "Everything of {name} moves to the organisation you name: its people, "
                    "topics, phase history, contact log, tasks and the groups that chose it. "
                    "Its empty fields are filled from {name}; then {name} is deleted."
                ).format(name=self._name),
                classes="dialog-body",
            )
            target = Input(
                placeholder=_("the person who stays (name or #ID)")
                if person
                else _("the organisation that stays"),
                id="merge-into",
            )
            yield target
            yield NameComplete(target, [self._kind])
            yield Label("", classes="field-error", id="merge-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Merge"), variant="error", id="confirm")
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#merge-into", Input).focus()

    @on(Button.Pressed, "#confirm")
    @on(Input.Submitted, "#merge-into")
    def _merge(self) -> None:
        try:
            survivor = self._merge(self.query_one("#merge-into", Input).value)
        except ValidationError as exc:
            self.query_one("#merge-error", Label).update("\n".join(exc.errors.values()))
            self.query_one("#merge-into", Input).focus()
            return
        except LookupError:
            self.query_one("#merge-error", Label).update(_("It was deleted meanwhile."))
            return
        except Exception as exc:  # (another writer held the lock: what was typed stays)
            refuse_busy(self, exc)
            return
        self.dismiss(survivor)

    @on(Button.Pressed, "#cancel")
    def _cancelled(self) -> None:
        self.dismiss(None)
