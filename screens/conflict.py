"""When a save is refused because somebody else saved first: say who changed what, then let
the user reload (and redo their edit on the new state) or overwrite deliberately."""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen

from coordinator.i18n import _
from coordinator.network.concurrency import EditConflict, blocked_message
from coordinator.validation import ValidationError
from screens.dialogs import Dialog
from screens.text import Label, Static
from screens.widgets import Button

RELOAD, OVERWRITE = "reload", "overwrite"


class ConflictDialog(Dialog):
    """Returns RELOAD, OVERWRITE or None (keep neither: nothing saved)."""

    def __init__(self, conflict: EditConflict, yours: list[str]) -> None:
        super().__init__()
        self.conflict, self.yours = conflict, yours

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="conflict"):
            yield Label(_("Not saved: changed in the meantime"), classes="dialog-title")
            yield Static(self.conflict.message(), classes="dialog-body")
            changed = self.conflict.lines() or [_("(no details recorded)")]
            yield Static("\n".join(changed), classes="dialog-body", id="their-changes")
            if self.yours:
                yield Label(_("Your version:"))
                yield Static("\n".join(self.yours), classes="dialog-body", id="your-changes")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Reload"), variant="primary", id="reload")
                yield Button(_("Overwrite"), variant="error", id="overwrite")
                yield Button(_("Cancel"), id="cancel")

    @on(Button.Pressed, "#reload")
    def _reload(self) -> None:
        self.dismiss(RELOAD)

    @on(Button.Pressed, "#overwrite")
    def _overwrite(self) -> None:
        self.dismiss(OVERWRITE)

    @on(Button.Pressed, "#cancel")
    def _cancelled(self) -> None:
        self.dismiss(None)


def refuse_busy(screen: Screen[object], error: Exception) -> None:
    """Another writer held the database past the wait, or the disk is full: say so in one
    line, change nothing, keep what the user typed. Any other error is not ours to hide: it
    is raised again."""
    message = blocked_message(error)
    if message is None:
        raise error
    screen.notify(message, severity="warning", timeout=8)


def attempt(screen: Screen[object], action: Callable[[], object]) -> bool:
    """Run a write; a refused value or a busy database is one notice. True when it ran."""
    try:
        action()
    except ValidationError as exc:
        screen.notify("; ".join(exc.errors.values()), severity="error")
        return False
    except Exception as exc:  # (only the busy database is handled)
        refuse_busy(screen, exc)
        return False
    return True


def save_checked(
    screen: Screen[object],
    save: Callable[[int], object],
    version: int,
    *,
    done: Callable[[], None],
    reload: Callable[[], None],
    yours: list[str] | None = None,
) -> None:
    """Run ``save(expected_version)``; on a conflict ask, then reload or save over it."""
    try:
        save(version)
    except EditConflict as conflict:
        current = conflict.version

        def answered(choice: object) -> None:
            if choice == OVERWRITE:
                save_checked(screen, save, current, done=done, reload=reload, yours=yours)
            elif choice == RELOAD:
                reload()

        screen.app.push_screen(ConflictDialog(conflict, yours or []), answered)
        return
    except ValidationError as exc:
        screen.notify("; ".join(exc.errors.values()), severity="error")
        return
    except LookupError:
        screen.notify(_("This record was deleted by somebody else."), severity="error")
        reload()
        return
    except Exception as exc:  # another writer held the lock past the wait: nothing changed
        refuse_busy(screen, exc)
        return
    done()
