"""The README names every key a footer shows (issue 18: "README's key table ... match the
app"): a key added to a screen without a word in the README fails here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.binding import Binding

from screens.mail import MailScreen
from screens.meetings.meeting import MeetingScreen
from screens.meetings.section import MeetingsScreen
from screens.minutes import MinutesScreen
from screens.register.details import OrganisationDetailScreen, PersonDetailScreen
from screens.register.section import RegisterScreen
from screens.tasks import TasksScreen

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
NAMED = {k.lower() for k in re.findall(r"`([^`\s]+)`", README)} | {
    k.lower() for k in re.findall(r"`([^`]+)`/`([^`]+)`", README) for k in k
}
SPELLED = {"escape": "esc", "delete": "delete", "slash": "/", "plus": "+", "question_mark": "?"}


def _keys(screen: type) -> list[str]:
    found = []
    for binding in screen.BINDINGS:
        if isinstance(binding, Binding) and binding.show and binding.key != "escape":
            key = binding.key_display or SPELLED.get(binding.key, binding.key)
            found.append(key.lower().replace("^", "ctrl+"))
    return found


@pytest.mark.parametrize(
    "screen",
    [RegisterScreen, PersonDetailScreen, OrganisationDetailScreen, MeetingsScreen,
     MeetingScreen, MinutesScreen, TasksScreen, MailScreen],
    ids=lambda s: s.__name__,
)  # fmt: skip
def test_every_key_a_footer_shows_is_in_the_readme(screen: type) -> None:
    missing = [key for key in _keys(screen) if key not in NAMED]
    assert missing == [], f"{screen.__name__}: README names no {missing}"
