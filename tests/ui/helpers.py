"""Reading the screen of an app under test as a person would see it."""

from __future__ import annotations

import html
import re
from typing import TypeVar

from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen

S = TypeVar("S", bound=Screen[object])


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


async def click(pilot: Pilot[object], selector: str) -> None:
    """Click a widget as a person would, once the screen shows where it is: a click computed
    from a layout that is about to change (an error line has just appeared above a button)
    lands beside it, and Textual says so; then the screen is refreshed and the click tried
    again."""
    for _ in range(20):
        await pilot.pause()
        if await pilot.click(selector):
            return
        await pilot.pause(0.05)
    raise AssertionError(f"{selector} could not be clicked: {screen_text(pilot.app)}")


async def open_section(pilot: Pilot[object], key: str, screen_type: type[S]) -> S:
    """Press a section's key from where the app starts and return its screen, once shown."""
    await settle(pilot)
    await pilot.press(key)
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, screen_type), screen_text(pilot.app)
    return screen
