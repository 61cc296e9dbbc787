"""Pilot tests of the network register: search, filter, add, edit with a bad e-mail, delete
with confirmation, phase change, follow-up list, GDPR export and erasure, CSV import."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import Session, select
from textual.widgets import Input, Select

from coordinator.app import CoordinatorApp
from coordinator.context import Context
from screens.dialogs import ConfirmDialog, ContactDialog, PhaseDialog
from screens.forms import OrganisationForm, PersonForm
from screens.import_csv import ImportScreen
from screens.paged_table import PagedTable
from screens.register.details import OrganisationDetailScreen, PersonDetailScreen
from screens.register.section import RegisterScreen
from storage.enums import OrgKind, Phase
from storage.models import ContactLogEntry, Organisation, Person, PhaseChange
from tests.ui.helpers import click, notices, screen_text, settle


async def open_register(pilot, tab: str = "o") -> RegisterScreen:  # type: ignore[no-untyped-def]
    await settle(pilot)
    await pilot.press("n")
    await settle(pilot)
    await pilot.press(tab)
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, RegisterScreen)
    return screen


async def search(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("slash")
    await pilot.press(*text)
    await pilot.pause(0.3)
    await settle(pilot)


def count(context: Context, model: type, *where: object) -> int:
    with Session(context.engine) as session:
        return int(session.exec(select(func.count()).select_from(model).where(*where)).one())


async def test_search_as_you_type_ignores_accents(sample_context: Context) -> None:
    app = CoordinatorApp(sample_context)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_register(pilot, "p")
        await search(pilot, "celik")
        text = screen_text(app)
        assert "Zeynep Çelik" in text and "Ayşe Çelik" in text
        assert "Miriam Aksoy-Brandt" not in text
        assert screen.table().row_count == 3


async def test_filters_narrow_the_organisations(sample_context: Context) -> None:
    app = CoordinatorApp(sample_context)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_register(pilot)
        screen.query_one("#org-kind", Select).value = OrgKind.SCHOOL
        await pilot.pause(0.2)
        await settle(pilot)
        names = {str(screen.table().get_row_at(i)[0]) for i in range(screen.table().row_count)}
        assert names == {"Gesamtschule Heepen", "Grundschule am Sennepark"}
        screen.query_one("#org-phase", Select).value = Phase.ORGANISING
        await pilot.pause(0.2)
        await settle(pilot)
        assert screen.table().row_count == 1
        assert "1 entry" in screen_text(app)


async def test_add_an_organisation_and_a_person(sample_context: Context) -> None:
    app = CoordinatorApp(sample_context)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_register(pilot)
        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, OrganisationForm)
        form.query_one("#field-name", Input).value = "Eritreischer Kulturverein Sennestadt"
        form.query_one("#field-city", Input).value = "Bielefeld"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RegisterScreen)
        assert (
            count(
                sample_context,
                Organisation,
                Organisation.name == "Eritreischer Kulturverein Sennestadt",
            )
            == 1
        )

        await pilot.press("p")
        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, PersonForm)
        form.query_one("#field-given_name", Input).value = "Yonas"
        form.query_one("#field-family_name", Input).value = "Mehari"
        form.query_one("#field-affiliations", Input).value = "eritreischer kulturverein sennestadt"
        form.query_one("#roles", Input).value = "Vorsitz"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RegisterScreen)
        await search(pilot, "mehari")
        assert "Eritreischer Kulturverein Sennestadt" in screen_text(app)


async def test_edit_with_a_bad_email_shows_the_error_and_saves_nothing(
    sample_context: Context,
) -> None:
    with Session(sample_context.engine) as session:
        before = session.exec(
            select(Person.email).where(Person.family_name == "Çelik", Person.given_name == "Zeynep")
        ).one()
    app = CoordinatorApp(sample_context)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_register(pilot, "p")
        await search(pilot, "zeynep celik")
        await pilot.press("enter")  # from the search box to the list
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, PersonForm)
        form.query_one("#field-email", Input).value = "zeynep.celik(at)example"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form  # still open
        assert "Not an e-mail address" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
    assert count(sample_context, Person, Person.email == before) == 1
    assert count(sample_context, Person, Person.email.contains("(at)")) == 0  # type: ignore[attr-defined]


async def test_delete_asks_first_and_says_what_goes(sample_context: Context) -> None:
    app = CoordinatorApp(sample_context)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_register(pilot)
        await search(pilot, "kita regenbogen")
        await pilot.press("enter")
        await pilot.press("delete")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        text = screen_text(app)
        assert "Delete Kita Regenbogen?" in text and "lose this membership" in text
        await pilot.press("escape")  # changed my mind
        await settle(pilot)
        assert count(sample_context, Organisation, Organisation.name == "Kita Regenbogen") == 1
        await pilot.press("delete")
        await settle(pilot)
        await click(pilot, "#confirm")
        await settle(pilot)
        assert count(sample_context, Organisation, Organisation.name == "Kita Regenbogen") == 0
        assert "Kita Regenbogen" not in screen_text(app)


async def test_phase_change_is_recorded(sample_context: Context) -> None:
    app = CoordinatorApp(sample_context)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_register(pilot)
        await search(pilot, "eritreische gemeinschaft")
        await pilot.press("enter")
        before = count(sample_context, PhaseChange)
        await pilot.press("g")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, PhaseDialog)
        dialog.query_one("#phase", Select).value = Phase.FIRST_CONTACT
        await click(pilot, "#save")
        await settle(pilot)
        assert count(sample_context, PhaseChange) == before + 1
        with Session(sample_context.engine) as session:
            org = session.exec(
                select(Organisation).where(
                    Organisation.name == "Eritreische Gemeinschaft Bielefeld e.V."
                )
            ).one()
            assert org.phase == Phase.FIRST_CONTACT
        await pilot.press("v")
        await settle(pilot)
        assert "Eritreische Gemeinschaft Bielefeld e.V." in str(
            app.screen.query_one("#pipeline-first_contact").render()
        )


async def test_follow_up_list_and_logging_a_contact(sample_context: Context) -> None:
    app = CoordinatorApp(sample_context)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_register(pilot, "f")
        await settle(pilot)
        text = screen_text(app)
        assert "partners not contacted for 8 weeks" in text and "never" in text
        table = screen.table()
        first = str(table.get_row_at(0)[1])
        rows_before = table.row_count
        table.focus()
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, ContactDialog)
        app.screen.query_one("#note", Input).value = "Anruf wegen Sommerfest"
        await click(pilot, "#save")
        await settle(pilot)
        await pilot.pause(0.2)
        await settle(pilot)
        assert (
            count(sample_context, ContactLogEntry, ContactLogEntry.note == "Anruf wegen Sommerfest")
            == 1
        )
        assert screen.table().row_count < rows_before or first not in screen_text(app)


async def test_person_detail_gdpr_export_and_erase(
    sample_context: Context, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = CoordinatorApp(sample_context)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_register(pilot, "p")
        await search(pilot, "ayse erdem")
        await pilot.press("enter", "enter")
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, PersonDetailScreen)
        text = screen_text(app)
        assert "Ayşe Erdem" in text and "Meetings" in text and "Contact log" in text
        await pilot.press("x")
        await settle(pilot)
        assert "ayse.erdem@example.org" in (tmp_path / "person-5-data.json").read_text()
        # in her language (German), though the screen speaks English
        assert "Gespeicherte Daten zu Ayşe Erdem" in (tmp_path / "person-5-data.txt").read_text()
        await pilot.press("ctrl+x")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "Erase Ayşe Erdem (person 5)?" in screen_text(app)  # whom, by name
        await pilot.press("enter")  # Cancel has the focus: Enter erases nobody
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmDialog)
        with Session(sample_context.engine) as session:
            assert session.get(Person, 5).erased_at is None  # type: ignore[union-attr]
        await pilot.press("ctrl+x")
        await settle(pilot)
        await click(pilot, "#confirm")
        await settle(pilot)
        assert isinstance(app.screen, RegisterScreen)
    with Session(sample_context.engine) as session:
        person = session.get(Person, 5)
        assert person is not None and person.erased_at is not None and person.email == ""


async def test_csv_import_preview_then_cancel_imports_nothing(
    sample_context: Context, tmp_path: Path
) -> None:
    source = tmp_path / "liste.csv"
    source.write_bytes(
        "Vorname;Nachname;E-Mail\nLea;Neumann;lea@example.org\nX;Y;kaputt\n".encode("cp1252")
    )
    before = count(sample_context, Person)
    app = CoordinatorApp(sample_context)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_register(pilot, "p")
        await pilot.press("i")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ImportScreen)
        dialog.query_one("#path", Input).value = str(source)
        await pilot.press("enter")
        await settle(pilot)
        text = screen_text(app)
        assert "1 row can be imported" in text and "Not an e-mail address" in text
        await click(pilot, "#cancel")
        await settle(pilot)
        assert count(sample_context, Person) == before
        await pilot.press("i")
        await settle(pilot)
        app.screen.query_one("#path", Input).value = str(source)
        await pilot.press("enter")
        await settle(pilot)
        await click(pilot, "#import")
        await settle(pilot)
        assert count(sample_context, Person) == before + 1


async def test_organisation_detail_shows_people_and_history(sample_context: Context) -> None:
    app = CoordinatorApp(sample_context)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_register(pilot)
        await search(pilot, "circolo")
        await pilot.press("enter", "enter")
        await settle(pilot)
        assert isinstance(app.screen, OrganisationDetailScreen)
        text = screen_text(app)
        assert (
            "Circolo Italiano Bielefeld e.V." in text
            and "Phase history" in text
            and "People" in text
        )
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, RegisterScreen)
        assert isinstance(app.screen.table(), PagedTable)


async def test_export_people_as_vcard_from_the_register(
    sample_context: Context, tmp_path: Path
) -> None:
    from screens.export import ExportDialog

    app = CoordinatorApp(sample_context)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_register(pilot, "p")
        await pilot.press("x")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        dialog.query_one("#format", Select).value = "vcard"
        await pilot.pause()
        target = tmp_path / "kontakte.vcf"
        dialog.query_one("#path", Input).value = str(target)
        await click(pilot, "#export")
        await settle(pilot)
        assert isinstance(app.screen, RegisterScreen)
    text = target.read_text()
    assert text.count("BEGIN:VCARD") == 119 and oct(target.stat().st_mode & 0o777) == "0o600"


async def test_the_pipeline_at_80_columns_cuts_names_instead_of_breaking_words(
    sample_context: Context,
) -> None:
    """Issue 18: "Kontaktauf / nahme", "Frauenvere / in": names wrapped mid-word. Now one
    name a line, cut with an ellipsis, and each phase's count in sight."""
    from coordinator.i18n import set_language

    set_language("de")
    try:
        app = CoordinatorApp(sample_context)
        async with app.run_test(size=(80, 24)) as pilot:
            await open_register(pilot, "v")
            await pilot.pause(0.3)
            await settle(pilot)
            text = screen_text(app)
            assert "6 · Kontakt…" in text and "nahme" not in text, text
            assert "Eritreische…" in text
    finally:
        set_language("en")


async def test_consent_for_the_people_listed_by_keys(sample_context: Context) -> None:
    """Issue 18: each imported person had to be edited for mail to reach them. Now the list
    searched for "Hollmann" gets one consent by keys: the dialog says how many lack one, a
    missing purpose is named, then they have it and the earlier ones are kept."""
    from datetime import date

    app = CoordinatorApp(sample_context)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_register(pilot, "p")
        await search(pilot, "Hollmann")
        await pilot.press("enter", "c")
        await settle(pilot)
        text = screen_text(app)
        assert "1 of the 7 people listed has no consent yet" in text
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Consent purpose: This field is required." in screen_text(app)
        await pilot.press(*"Einladungen und Rundbrief", "ctrl+s")
        await settle(pilot)
        assert "Consent recorded for 1 person." in notices(app)
    with Session(sample_context.engine) as session:
        hollmanns = session.exec(select(Person).where(Person.family_name == "Hollmann")).all()
    assert all(p.consent_on is not None for p in hollmanns)
    fresh = [p for p in hollmanns if p.consent_purpose == "Einladungen und Rundbrief"]
    assert len(fresh) == 1 and fresh[0].consent_on == sample_context.today()
    assert isinstance(fresh[0].consent_on, date)


async def preview_import(pilot, source: Path) -> None:  # type: ignore[no-untyped-def]
    """The register's people, `i`, the file's path typed and Enter: its preview is shown."""
    await open_register(pilot, "p")
    await pilot.press("i")
    await settle(pilot)
    await pilot.press(*str(source), "enter")
    await settle(pilot)


async def test_a_german_excel_list_is_previewed_and_imported_in_the_app(
    sample_context: Context, tmp_path: Path
) -> None:
    """Issue 19: one "Name" column, languages as words, a title line above the header, saved
    by German Excel: the preview says where the rows come from and imports all three."""
    from tests.fixtures import partner_lists

    source = tmp_path / "partnerliste.csv"
    source.write_bytes(partner_lists.german_excel_csv())
    before = count(sample_context, Person)
    app = CoordinatorApp(sample_context)
    async with app.run_test(size=(80, 24)) as pilot:
        await preview_import(pilot, source)
        text = screen_text(app)
        assert "3 rows can be imported (; separated, windows-1252)" in text, text
        await click(pilot, "#import")
        await settle(pilot)
    assert count(sample_context, Person) == before + 3


async def test_the_import_records_consent_collected_for_the_list(
    sample_context: Context, tmp_path: Path
) -> None:
    from tests.fixtures import partner_lists

    source = tmp_path / "partnerliste.xlsx"
    source.write_bytes(partner_lists.xlsx())
    app = CoordinatorApp(sample_context)
    async with app.run_test(size=(120, 40)) as pilot:
        await preview_import(pilot, source)
        assert "the sheet “Partner” of the xlsx workbook" in screen_text(app)
        await click(pilot, "#consent-on")
        await pilot.press(*"31.02.2026")
        await click(pilot, "#consent-for")
        await pilot.press(*"Einladungen")
        await click(pilot, "#import")
        await settle(pilot)
        assert "Not a date" in screen_text(app)  # named; nothing imported yet
        await click(pilot, "#consent-on")
        await pilot.press("end", "ctrl+u", *"15.11.2026")  # (the tests' today: 22.11.2026)
        await click(pilot, "#import")
        await settle(pilot)
        assert not isinstance(app.screen, ImportScreen), screen_text(app)
    with Session(sample_context.engine) as session:
        mueller = session.exec(select(Person).where(Person.email == "j.mueller@example.org")).one()
    assert mueller.consent_purpose == "Einladungen"


async def test_another_sheet_of_the_workbook_is_chosen_in_the_preview(
    sample_context: Context, tmp_path: Path
) -> None:
    """Issue 19: a workbook of several sheets offers them; the list's sheet is taken first,
    another is previewed when chosen (the notes sheet has no list: said in one line)."""
    from textual.widgets import Select

    from tests.fixtures import partner_lists

    source = tmp_path / "partnerliste.xlsx"
    source.write_bytes(partner_lists.xlsx())
    app = CoordinatorApp(sample_context)
    async with app.run_test(size=(120, 40)) as pilot:
        await preview_import(pilot, source)
        choice = app.screen.query_one("#sheet", Select)
        assert choice.display and choice.value == "Partner"
        choice.value = "Hinweise"
        await settle(pilot)
        assert "No known column name" in screen_text(app)
        choice.value = "Partner"
        await settle(pilot)
        assert "3 rows can be imported (the sheet “Partner”" in screen_text(app)
