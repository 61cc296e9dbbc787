"""Reading the screen of an app under test as a person would see it."""

from __future__ import annotations

import html
import re

from textual.app import App
from textual.pilot import Pilot


def screen_text(app: App[object]) -> str:
    """The characters on the screen, from Textual's own screenshot."""
    svg = app.export_screenshot()
    lines = re.findall(r"<text[^>]*>(.*?)</text>", svg, flags=re.S)
    return html.unescape("".join(lines)).replace("\xa0", " ")


async def settle(pilot: Pilot[object]) -> None:
    """Wait until workers have finished and the screen has been updated."""
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def notices(app: App[object]) -> str:
    """The messages of the notifications (toasts) raised so far, newest last."""
    return "\n".join(notice.message for notice in app._notifications)  # Textual keeps them here
