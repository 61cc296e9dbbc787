"""Forms to add and edit organisations and people. A form calls the domain's save function;
on ValidationError it shows a message under each bad field and stays open, saving nothing.
A form that edits a record knows the record's version: when somebody else saved it
meanwhile, the save is refused and the form asks (screens/conflict.py): overwrite, reload
(the form closes with "reload" and the caller opens it again on the new state), or go back
to the form with everything typed still there."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields, replace
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input

from coordinator.i18n import _
from coordinator.labels import label
from coordinator.mail.groups import GroupInput
from coordinator.network.concurrency import EditConflict, blocked_message
from coordinator.register.organisations import OrganisationInput
from coordinator.register.people import PersonInput
from coordinator.validation import ValidationError
from screens.complete import NameComplete
from screens.conflict import OVERWRITE, ConflictDialog, refuse_busy
from screens.dialogs import Dialog
from screens.text import Label
from screens.widgets import Button, SaveButton, Select, SelectionList
from storage.enums import Membership, OrgKind, Phase, Topic

Saver = Callable[..., None]  # save(value) or, for an edit, save(value, expected_version)
RELOAD = "reload"


class Form(Dialog):
    """A modal form over a dataclass of text fields; ``save`` raises ValidationError."""

    AUTO_FOCUS = "Input, Select, SelectionList"  # the first field, not its scroll container

    def __init__(self, title: str, value: Any, save: Saver, *, version: int | None = None) -> None:
        super().__init__()
        self._title = title
        self._value = value
        self._save = save
        self.version = version

    def compose_fields(self) -> ComposeResult:
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog form"):
            yield Label(self._title, classes="dialog-title")
            with VerticalScroll():
                yield from self.compose_fields()
            with Vertical(classes="dialog-foot"):
                yield Label("", classes="field-error", id="form-error")
                with Horizontal(classes="dialog-buttons"):
                    yield SaveButton()
                    yield Button(_("Cancel"), id="cancel")

    def field(self, name: str, caption: str, widget: Any) -> ComposeResult:
        widget.id = f"field-{name}"
        yield Label(caption, classes="field-label")
        yield widget
        yield Label("", classes="field-error", id=f"error-{name}")

    def text(self, name: str, caption: str, *, placeholder: str = "") -> ComposeResult:
        yield from self.field(
            name, caption, Input(value=getattr(self._value, name), placeholder=placeholder)
        )

    def collect(self) -> Any:
        values = {}
        for item in fields(self._value):
            if not isinstance(getattr(self._value, item.name), str):
                continue  # not a text field (a form subclass handles it)
            widget = self.query(f"#field-{item.name}")
            if not widget:
                continue
            found = widget.first()
            if isinstance(found, Input):
                values[item.name] = found.value
            elif isinstance(found, Select):
                values[item.name] = "" if found.value is Select.NULL else str(found.value)
            elif isinstance(found, SelectionList):
                values[item.name] = ", ".join(str(v) for v in found.selected)
        return replace(self._value, **values)

    @on(Button.Pressed, "#save")
    @on(Input.Submitted)
    def action_save(self) -> None:
        for error in self.query(".field-error"):
            error.update("")  # type: ignore[attr-defined]
        value = self.collect()
        try:
            if self.version is None:
                self._save(value)
            else:
                self._save(value, self.version)
        except EditConflict as conflict:
            self._ask(conflict)
            return
        except ValidationError as exc:
            first = None
            for name, message in exc.errors.items():
                target = self.query(f"#error-{name}")
                (target.first() if target else self.query_one("#form-error", Label)).update(message)  # type: ignore[attr-defined]
                first = first or name
            focus = self.query(f"#field-{first}")
            if focus:
                focus.first().focus()
            # The message lies under the field: bring it into sight too (at 80x24 the
            # focused field may be the dialog's last visible line).
            shown = self.query(f"#error-{first}") or self.query("#form-error")
            if shown:
                self.call_after_refresh(shown.first().scroll_visible, animate=False)
            return
        except Exception as exc:  # (another writer held the lock: input kept)
            refuse_busy(self, exc)
            self.query_one("#form-error", Label).update(blocked_message(exc) or "")
            return
        self.dismiss(True)

    def _ask(self, conflict: EditConflict) -> None:
        current = conflict.version

        def answered(choice: object) -> None:
            if choice == OVERWRITE:
                self.version = current
                self.action_save()
            elif choice == RELOAD:
                self.dismiss(RELOAD)
            # otherwise: back in the form, with everything typed

        self.app.push_screen(ConflictDialog(conflict, []), answered)

    @on(Button.Pressed, "#cancel")
    def _cancelled(self) -> None:
        self.dismiss(None)


class OrganisationForm(Form):
    def compose_fields(self) -> ComposeResult:
        value: OrganisationInput = self._value
        yield from self.text("name", _("Name") + " *")
        yield from self.field(
            "kind",
            _("Kind"),
            Select([(label(k), k.value) for k in OrgKind], value=value.kind, allow_blank=False),
        )
        yield from self.text("origin", _("Origin or community"))
        yield from self.text("city", _("City"))
        yield from self.text("district", _("District"))
        chosen = {t.strip() for t in value.topics.split(",")}
        yield from self.field(
            "topics",
            _("Topics"),
            SelectionList[str](*[(label(t), t.value, t.value in chosen) for t in Topic]),
        )
        yield from self.field(
            "phase",
            _("Phase"),
            Select([(label(p), p.value) for p in Phase], value=value.phase, allow_blank=False),
        )
        yield from self.field(
            "membership", _("Membership"),
            Select([(label(m), m.value) for m in Membership], value=value.membership, allow_blank=False),
        )  # fmt: skip
        yield from self.text("website", _("Website"), placeholder="https://")
        yield from self.text("notes", _("Notes"))


class PersonForm(Form):
    """Organisations are typed by name; several are separated by |, with roles in the same order."""

    def __init__(
        self, title: str, value: PersonInput, save: Saver, organisations: tuple[str, str],
        *, version: int | None = None,
    ) -> None:  # fmt: skip
        super().__init__(title, value, save, version=version)
        self._organisations = organisations

    def compose_fields(self) -> ComposeResult:
        yield from self.text("given_name", _("Given name"))
        yield from self.text("family_name", _("Family name") + " *")
        yield from self.text("email", _("E-mail"), placeholder="name@example.org")
        yield from self.text("phone", _("Phone"), placeholder="+49 …")
        names, roles = self._organisations
        yield from self.field(
            "affiliations", _("Organisations (several: A | B)"), Input(value=names)
        )
        yield NameComplete("#field-affiliations", ["organisation"], separator="|")
        yield Label(_("Roles (in the same order)"), classes="field-label")
        yield Input(value=roles, id="roles")
        yield from self.text("languages", _("Languages"), placeholder=_("German, Turkish, Arabic"))
        yield from self.text("preferred_language", _("Preferred language"), placeholder=_("German"))
        yield from self.text("consent_on", _("Consent given on"), placeholder="31.03.2026")
        yield from self.text("consent_purpose", _("Consent purpose"))
        yield from self.text("notes", _("Notes"))

    def collect(self) -> Any:
        value = super().collect()
        return (
            value,
            self.query_one("#field-affiliations", Input).value,
            self.query_one("#roles", Input).value,
        )


class GroupForm(Form):
    """A recipient group: filters over the register (any ticked value matches; the filters
    narrow each other) and/or people picked by hand."""

    def _choices(self, name: str, caption: str, enum_cls: Any) -> ComposeResult:
        value: GroupInput = self._value
        chosen = {v.strip() for v in getattr(value, name).split(",")}
        yield from self.field(
            name,
            caption,
            SelectionList[str](*[(label(m), m.value, m.value in chosen) for m in enum_cls]),
        )

    def compose_fields(self) -> ComposeResult:
        yield from self.text("name", _("Name") + " *")
        yield from self._choices("membership", _("Membership"), Membership)
        yield from self._choices("kind", _("Kind of organisation"), OrgKind)
        yield from self._choices("topic", _("Topics"), Topic)
        yield from self._choices("phase", _("Network phase"), Phase)
        yield from self.text("city", _("Cities"), placeholder="Bielefeld, Gütersloh")
        yield from self.text("language", _("Languages spoken"), placeholder=_("Turkish, Arabic"))
        yield from self.text(
            "people",
            _("People picked by hand: names, e-mail addresses or #ID"),
            placeholder="Ayşe Yılmaz, jonas@example.org, #12",
        )
        yield NameComplete("#field-people", ["person"], separator=",")
