"""The command palette finds records (issue 18): type a few words of a name, a title or a
decision, and Enter opens it: a person's or an organisation's detail view, a meeting, a task
in the task list, a decision in the decision register. The search itself is a domain
function (``coordinator.records``), run in a thread."""

from __future__ import annotations

import asyncio
from functools import partial
from typing import Any

from rich.text import Text
from textual.command import Hit, Hits, Provider

from coordinator.i18n import N_, _
from coordinator.records import Found, find_records
from screens.text import one_line

KIND_NAMES = {
    "person": N_("Person"),
    "organisation": N_("Organisation"),
    "meeting": N_("Meeting"),
    "task": N_("Task"),
    "decision": N_("Decision"),
}


def prompt(found: Found) -> Text:
    """One line, literal (a partner's name is never read as markup)."""
    text = Text(f"{_(KIND_NAMES[found.kind])}: ", style="dim")
    text.append(one_line(found.title)[:80])
    if found.detail:
        text.append(f"  · {one_line(found.detail)[:60]}", style="dim")
    return text


class RecordsProvider(Provider):
    """People, organisations, meetings, tasks and decisions whose text holds every word."""

    async def search(self, query: str) -> Hits:
        if len(query.strip()) < 2:
            return
        app: Any = self.app
        found = await asyncio.to_thread(find_records, app.context.engine, query, app.context.now())
        for rank, record in enumerate(found):
            shown = prompt(record)
            # below a section or command whose name matches well, above a weak fuzzy match
            yield Hit(0.6 - rank * 0.001, shown, partial(app.open_record, record), text=shown.plain)
