"""Issue 19's acceptance through the TUI: every fixture list and address book previewed and
imported by keys (path, Enter, ctrl+s) into an empty network and checked field by field; and
a list of hostile strings (markup, CR/LF, formulas, right-to-left, very long) through the
whole import, shown literally and stored as written."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from coordinator.app import CoordinatorApp
from coordinator.context import Context
from screens.import_csv import ImportScreen
from storage.models import Person
from tests.conftest import FROZEN_NOW
from tests.fixtures import partner_lists
from tests.hostile import HOSTILE
from tests.ui.helpers import screen_text, settle
from tests.ui.test_register import preview_import


def _context(engine: Engine, db_url: str) -> Context:
    return Context(engine=engine, label=db_url, clock=lambda: FROZEN_NOW)


@pytest.mark.parametrize("name", sorted(partner_lists.every_file()))
async def test_every_fixture_list_imports_through_the_preview_field_by_field(
    name: str, engine: Engine, db_url: str, tmp_path: Path
) -> None:
    data, expected = partner_lists.every_file()[name]
    source = tmp_path / name
    source.write_bytes(data)
    app = CoordinatorApp(_context(engine, db_url))
    async with app.run_test(size=(80, 24)) as pilot:
        await preview_import(pilot, source)
        rows = len(expected)
        assert f"{rows} row" in screen_text(app), screen_text(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, ImportScreen), screen_text(app)
    partner_lists.check_people(engine, expected)


def _cell(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


async def test_a_list_of_hostile_strings_goes_through_the_whole_import(
    engine: Engine, db_url: str, tmp_path: Path
) -> None:
    lines = ["Vorname;Nachname;E-Mail;Verein;Bemerkung"]
    for i, text in enumerate(HOSTILE):
        lines.append(";".join(
            [_cell(text[:100]), f"H{i}", f"h{i}@example.org", _cell(text[:150]), _cell(text)]
        ))  # fmt: skip
    source = tmp_path / "hostile.csv"
    source.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    app = CoordinatorApp(_context(engine, db_url))
    async with app.run_test(size=(120, 40)) as pilot:
        await preview_import(pilot, source)
        text = screen_text(app)
        assert "rows can be imported" in text, text
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, ImportScreen), screen_text(app)
    with Session(engine) as session:
        stored = {p.email: p for p in session.exec(select(Person))}
    imported = [i for i in range(len(HOSTILE)) if f"h{i}@example.org" in stored]
    assert len(imported) == len(HOSTILE), sorted(set(range(len(HOSTILE))) - set(imported))
    for i in imported:
        person = stored[f"h{i}@example.org"]
        assert person.family_name == f"H{i}"
        # The notes keep every character but the line breaks, which CSV carries as LF.
        assert person.notes.replace("\r\n", "\n") == HOSTILE[i].replace("\r\n", "\n").strip()
