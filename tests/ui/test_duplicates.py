"""Issue 19, duplicates in the TUI: the import preview lists the rows that may be somebody
already there with what will be done; keys change it per row (s f o a) or for all (S F O A);
``M`` merges the highlighted person into the one named, which the dialog checks first."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session, select
from textual.widgets import DataTable

from coordinator.app import CoordinatorApp
from coordinator.context import Context
from screens.import_csv import ImportScreen
from screens.register.merge_dialog import MergeDialog
from storage.models import Person
from tests.hostile import MARKUP
from tests.ui.helpers import screen_text, settle
from tests.ui.test_register import open_register, preview_import, search

LIST = (
    "Vorname;Nachname;E-Mail;Telefon\r\n"
    "Miriam;Aksoy-Brandt;;0521 / 12 34 56\r\n"  # 2: probably the register's Miriam
    "Mehmet;Aydin;mehmet.aydin@example.com;0171 2345678\r\n"  # 3: the same (by e-mail)
    "Neu;Leute;neu@example.org;\r\n"  # 4: new
)


async def _press(pilot, *keys: str) -> None:  # type: ignore[no-untyped-def]
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


def _choices(app: CoordinatorApp) -> list[str]:
    table = app.screen.query_one("#matches", DataTable)
    return [str(table.get_row_at(i)[1]) for i in range(table.row_count)]


async def test_the_preview_lists_matches_and_keys_choose_per_row_and_for_all(
    sample_context: Context, tmp_path: Path
) -> None:
    source = tmp_path / "liste.csv"
    source.write_text(LIST, encoding="utf-8")
    app = CoordinatorApp(sample_context)
    async with app.run_test(size=(80, 24)) as pilot:
        await preview_import(pilot, source)
        text = screen_text(app)
        assert "new: 1, already in the register: 1, probably the same: 1" in text, text
        assert _choices(app) == ["skip", "fill empty fields"]
        app.screen.query_one("#matches", DataTable).focus()
        await _press(pilot, "o")  # Miriam's row: overwrite
        assert _choices(app) == ["overwrite", "fill empty fields"]
        assert "3 rows can be imported" in screen_text(app)
        await _press(pilot, "S")  # every matched row skipped
        assert _choices(app) == ["skip", "skip"]
        assert "1 row can be imported" in screen_text(app)
        await _press(pilot, "down", "f", "up", "o")
        assert _choices(app) == ["overwrite", "fill empty fields"]
        await _press(pilot, "ctrl+s")
        assert not isinstance(app.screen, ImportScreen)
    with Session(sample_context.engine) as session:
        miriam = session.exec(select(Person).where(Person.family_name == "Aksoy-Brandt")).one()
        mehmet = session.exec(
            select(Person).where(Person.email == "mehmet.aydin@example.com")
        ).one()
        assert miriam.phone == "+49521123456"  # overwritten, in E.164
        assert (mehmet.family_name, mehmet.phone) == ("Aydın", "+491712345678")  # filled
        assert session.exec(select(Person).where(Person.email == "neu@example.org")).one()


async def test_merge_asks_whom_into_and_keeps_the_dialog_on_a_bad_name(
    sample_context: Context,
) -> None:
    with Session(sample_context.engine) as session:
        before = len(session.exec(select(Person.id)).all())
    app = CoordinatorApp(sample_context)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_register(pilot, "p")
        await search(pilot, "Aksoy")
        await _press(pilot, "escape", "M")
        assert isinstance(app.screen, MergeDialog)
        assert "Merge Miriam Aksoy-Brandt into" in screen_text(app)
        await _press(pilot, *MARKUP[0][:20], "enter")
        assert isinstance(app.screen, MergeDialog)  # named under the field, nothing merged
        assert "Nobody in the register is called" in screen_text(app)
        await _press(pilot, "ctrl+u", *"Mehmet Aydın", "enter")
        assert not isinstance(app.screen, MergeDialog), screen_text(app)
        await settle(pilot)
    with Session(sample_context.engine) as session:
        assert len(session.exec(select(Person.id)).all()) == before - 1
        assert not session.exec(select(Person).where(Person.family_name == "Aksoy-Brandt")).all()


async def test_m_places_and_skips_columns_and_the_choice_is_remembered(
    sample_context: Context, tmp_path: Path
) -> None:
    """Issue 19: a column the reader cannot place is mapped in the preview (m); the next
    list with the same columns is read that way at once."""
    from screens.columns_dialog import ColumnsDialog

    source = tmp_path / "handy.csv"
    source.write_text(
        "Vorname;Nachname;Handynummer;Lieblingsfarbe\r\nLea;Neumann;0171 2345678;blau\r\n",
        encoding="utf-8",
    )
    app = CoordinatorApp(sample_context)
    async with app.run_test(size=(80, 24)) as pilot:
        await preview_import(pilot, source)
        assert "columns not used: Handynummer, Lieblingsfarbe" in screen_text(app)
        await _press(pilot, "m")
        assert isinstance(app.screen, ColumnsDialog)
        # Handynummer (third column): open its list, go to "Phone" (the fourth field), take it.
        app.screen.query_one("#column-2").focus()
        await _press(pilot, "enter", "home", "down", "down", "down", "enter")
        app.screen.query_one("#column-3").focus()  # Lieblingsfarbe stays "skip this column"
        await _press(pilot, "ctrl+s")
        assert isinstance(app.screen, ImportScreen)
        await settle(pilot)
        text = screen_text(app)
        assert "Handynummer → Phone" in text and "Lieblingsfarbe → skipped" in text, text
        await _press(pilot, "ctrl+s")
        assert not isinstance(app.screen, ImportScreen)
    with Session(sample_context.engine) as session:
        lea = session.exec(select(Person).where(Person.family_name == "Neumann")).one()
        assert lea.phone == "+491712345678"
    from coordinator.register import exchange

    again = exchange.plan_people_import(
        sample_context.engine,
        b"Vorname;Nachname;Handynummer;Lieblingsfarbe\r\nMax;Muster;0171 3456789;rot\r\n",
    )
    assert ("Handynummer", "phone") in again.mapping and again.unknown_columns == []


async def test_merge_of_two_organisations_from_the_register(sample_context: Context) -> None:
    from storage.models import Affiliation, Organisation

    with Session(sample_context.engine) as session:
        jobcenter = session.exec(
            select(Organisation).where(Organisation.name.startswith("Jobcenter"))  # type: ignore[attr-defined]
        ).one()
        members = len(
            session.exec(
                select(Affiliation).where(Affiliation.organisation_id == jobcenter.id)
            ).all()
        )
    app = CoordinatorApp(sample_context)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_register(pilot, "o")
        await search(pilot, "Jobcenter")
        await _press(pilot, "escape", "M")
        assert isinstance(app.screen, MergeDialog)
        await _press(pilot, *"Verein", "escape", "enter")  # several fit: named, dialog stays
        assert isinstance(app.screen, MergeDialog)
        assert "fits" in screen_text(app), screen_text(app)
        await _press(pilot, "ctrl+u", *"Bürgerstiftung Teutoburg", "enter", "enter")
        assert not isinstance(app.screen, MergeDialog), screen_text(app)
    with Session(sample_context.engine) as session:
        assert session.get(Organisation, jobcenter.id) is None
        survivor = session.exec(
            select(Organisation).where(Organisation.name == "Bürgerstiftung Teutoburg")
        ).one()
        moved = session.exec(select(Affiliation).where(Affiliation.organisation_id == survivor.id))
        assert len(moved.all()) >= members
