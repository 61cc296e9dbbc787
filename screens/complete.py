"""A name field's dropdown: the register's people, organisations and groups that fit what is
typed (textual-autocomplete's AutoComplete; docs/0009-name-suggestions.md). Down opens it,
Up/Down move, Enter or Tab take the highlighted name, Esc closes it (a second Esc the dialog).
Which names fit is the domain's rule (coordinator.register.names.score)."""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content
from textual.widgets import Input
from textual_autocomplete import AutoComplete, DropdownItem, TargetState

from coordinator.i18n import N_, _
from coordinator.register import names as domain

_KIND_MARKS = {
    "person": N_("person"),
    "organisation": N_("organisation"),
    "group": N_("group"),
    "meeting": N_("meeting"),
}
_SHOWN = 8  # names in the dropdown at once (it scrolls)


class NameComplete(AutoComplete):
    """Suggests names of ``kinds`` for ``target``. With ``separator`` (like "|"), the field
    holds several names and the dropdown completes the one being typed."""

    DEFAULT_CSS = """
    NameComplete { max-height: 10; }
    """

    def __init__(
        self, target: Input | str, kinds: Sequence[str], *, separator: str | None = None
    ) -> None:
        super().__init__(target, candidates=None)
        self._kinds, self._separator = tuple(kinds), separator
        self._names: list[domain.Name] = []

    def _on_mount(self) -> None:
        # (AutoComplete's own on_mount runs too: Textual calls each class's handler.)
        self.run_worker(self._load, thread=True, exclusive=True, group="names")

    def _load(self) -> None:
        found = domain.names(self.app.context.engine, self._kinds)  # type: ignore[attr-defined]
        self.app.call_from_thread(self._loaded, found)

    def _loaded(self, found: list[domain.Name]) -> None:
        self._names = found
        if self.target.has_focus and self.target.value:
            self._handle_target_update()

    def set_kinds(self, kinds: Sequence[str]) -> None:
        """Another choice of what the field names (the invite dialog's kind)."""
        self._kinds = tuple(kinds)
        self.run_worker(self._load, thread=True, exclusive=True, group="names")

    def get_search_string(self, target_state: TargetState) -> str:
        typed = target_state.text[: target_state.cursor_position]
        if self._separator:
            typed = typed.rsplit(self._separator, 1)[-1]
        return typed.strip()

    def get_candidates(self, target_state: TargetState) -> list[DropdownItem]:
        return []  # get_matches works from the names themselves

    def get_matches(
        self, target_state: TargetState, candidates: list[DropdownItem], search_string: str
    ) -> list[DropdownItem]:
        if not search_string.strip():
            return []
        found = domain.fitting(search_string, self._names)[:50]
        if len(self._kinds) < 2:
            return [DropdownItem(Content(name.label)) for name in found]
        marks = {kind: _(_KIND_MARKS[kind]) for kind in self._kinds}
        width = max(map(len, marks.values()))
        return [
            DropdownItem(
                Content(name.label),
                prefix=Content.styled(f"{marks[name.kind]:<{width}} ", "dim"),
            )
            for name in found
        ]

    def should_show_dropdown(self, search_string: str) -> bool:
        count = self.option_list.option_count
        if not search_string or count == 0:
            return False
        if count == 1:
            only = self.option_list.get_option_at_index(0)  # already spelt out: nothing to pick
            return domain.score(search_string, getattr(only, "value", "")) < 1.0
        return True

    def apply_completion(self, value: str, state: TargetState) -> None:
        target = self.target
        before = ""
        if self._separator and self._separator in state.text[: state.cursor_position]:
            head = state.text[: state.cursor_position].rsplit(self._separator, 1)[0]
            before = f"{head}{self._separator} "
        target.value = before + value
        target.cursor_position = len(target.value)
        self.option_list.clear_options()
