"""Issue 19, the lists coordinators have: a German partner list with one "Name" column and
languages as words imported none of its rows. Now the same list as German Excel CSV, Excel's
Unicode text, .xlsx (a notes sheet first) and .ods is imported, and each person is checked
field by field; bad files get one clear line and change nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from coordinator.register import exchange, exports
from coordinator.register.matching import Match
from coordinator.register.shapes import organisations_of, split_name
from coordinator.register.spreadsheet import SpreadsheetError
from storage.models import Affiliation, Organisation, Person
from tests.fixtures import address_books, partner_lists
from tests.snapshots import snapshot

FILES = {
    "german-excel.csv": partner_lists.german_excel_csv,
    "unicode-text.txt": partner_lists.unicode_text,
    "partner.xlsx": partner_lists.xlsx,
    "partner.ods": partner_lists.ods,
}


@pytest.mark.parametrize("name", sorted(FILES))
def test_a_partner_list_imports_every_row_field_by_field(engine: Engine, name: str) -> None:
    plan = exchange.plan_people_import(engine, FILES[name]())
    assert plan.problems == [] and plan.valid == 3, plan.problems
    exchange.apply_import(engine, plan, today=__import__("datetime").date(2026, 12, 3))
    partner_lists.check_people(engine, partner_lists.EXPECTED)
    with Session(engine) as session:
        mueller = session.exec(select(Person).where(Person.family_name == "Müller")).one()
        assert "juergen@example.net" in mueller.notes and "0171 2345678" in mueller.notes
        assert "kommt montags" in mueller.notes


def test_the_xlsx_sheet_can_be_named_and_a_wrong_one_is_said() -> None:
    from coordinator.register import workbooks

    data = partner_lists.xlsx()
    assert workbooks.sheet_names(data) == ["Hinweise", "Partner"]
    with pytest.raises(SpreadsheetError) as refused:
        workbooks.read_workbook(data, "Mitglieder")
    assert "Hinweise, Partner" in str(refused.value)


@pytest.mark.parametrize(
    ("typed", "given", "family"),
    [
        ("Ayşe Yılmaz", "Ayşe", "Yılmaz"),
        ("Yılmaz, Ayşe", "Ayşe", "Yılmaz"),
        ("Frau Dr. Ayşe Yılmaz", "Ayşe", "Yılmaz"),
        ("Ludwig van Beethoven", "Ludwig", "van Beethoven"),
        ("Madonna", "", "Madonna"),
        ("Maria  del  Carmen Ruiz", "Maria del Carmen", "Ruiz"),
    ],
)
def test_one_name_column_is_split(typed: str, given: str, family: str) -> None:
    assert split_name(typed) == (given, family)


def test_a_role_in_parentheses_but_not_an_abbreviation() -> None:
    assert organisations_of("Verein Brücke (Kassenwart) | JMD (JMD)", "") == (
        ["Verein Brücke", "JMD (JMD)"],
        ["Kassenwart"],
    )


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty"),
        (b"   \r\n", "empty"),
        (bytes(range(256)) * 40, "binary"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "password"),
        (b"PK\x03\x04not really a zip", "Not a spreadsheet"),
        (b"Liste\nfoo;bar\n1;2\n", "No known column"),
        ((";".join(f"Spalte {i}" for i in range(100_000)) + "\n").encode(), "columns"),
        (b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:X\r\n", "cannot be read"),
        (b"BEGIN:VCARD\r\nVERSION:3.0\r\nEND:VCARD\r\n", "no contacts"),
    ],
    ids=[
        "empty",
        "blank",
        "binary",
        "encrypted",
        "broken zip",
        "no header",
        "100k columns",
        "vcard cut off",
        "vcard without contacts",
    ],
)
def test_a_bad_file_gets_one_clear_line_and_changes_nothing(
    engine: Engine, data: bytes, words: str
) -> None:
    before = snapshot(engine)
    with pytest.raises(SpreadsheetError) as refused:
        exchange.plan_people_import(engine, data)
    message = str(refused.value)
    assert words.lower() in message.lower() and "\n" not in message, message
    assert snapshot(engine) == before


def test_hostile_cells_in_any_column_are_planned_without_a_crash(engine: Engine) -> None:
    """Every hostile string in the Name, Verein, E-Mail, Telefon and Sprachen columns of an
    xlsx list: each row is planned (imported or refused with its reasons), nothing raises."""
    from openpyxl import Workbook

    from tests.hostile import hostile_strings

    book = Workbook()
    sheet = book.active
    sheet.append(["Name", "Verein", "E-Mail", "Telefon", "Sprachen"])
    texts = [t for t in hostile_strings() if t.strip()]
    for text in texts:
        for column in range(5):
            cells = ["Ada Arslan", "", "", "", ""]
            cells[column] = text[:300]
            sheet.append([c if not c.startswith("=") else "'" + c for c in cells])
    import io

    out = io.BytesIO()
    book.save(out)
    plan = exchange.plan_people_import(engine, out.getvalue())
    assert plan.valid + len(plan.problems) >= 1
    for problem in plan.problems:
        assert problem.errors and all(isinstance(m, str) for m in problem.errors.values())


@pytest.mark.parametrize("client", sorted(address_books.FILES))
def test_an_address_book_export_imports_field_by_field(engine: Engine, client: str) -> None:
    """Issue 19: vCard files from Android, iOS, Outlook, Google Contacts and vCard 4.0."""
    from datetime import date

    plan = exchange.plan_people_import(engine, address_books.crlf(address_books.FILES[client]))
    assert plan.problems == [] and plan.valid == 1, plan.problems
    assert plan.source() == "an address book (vCard)"
    exchange.apply_import(engine, plan, today=date(2026, 12, 3))
    partner_lists.check_people(engine, [address_books.EXPECTED[client]])
    email = address_books.EXPECTED[client][2]
    with Session(engine) as session:
        person = session.exec(select(Person).where(Person.email == email)).one()
    if client == "google":
        assert (
            "a.berg@example.net" in person.notes and "Dolmetscht Arabisch, Termine" in person.notes
        )


def test_the_whole_address_book_at_once_and_twice_adds_nothing(engine: Engine) -> None:
    from datetime import date

    data = address_books.crlf("".join(address_books.FILES.values()))
    plan = exchange.plan_people_import(engine, data)
    assert plan.valid == 5 and plan.problems == []
    exchange.apply_import(engine, plan, today=date(2026, 12, 3))
    again = exchange.plan_people_import(engine, data)
    assert again.valid == 0 and again.problems == []  # each one already in the register
    assert again.counts() == {Match.SAME: 5}


def test_consent_collected_for_the_list_is_recorded_at_import(engine: Engine) -> None:
    """Issue 19: the coordinator confirms the list's people consented (date, purpose); those
    without their own consent get it, and the report counts who cannot be mailed."""
    from datetime import date

    from coordinator.register.consent import checked_consent

    plan = exchange.plan_people_import(engine, partner_lists.german_excel_csv())
    assert exchange.unmailable(plan) == 3  # nobody has a consent of their own
    consent = checked_consent("01.12.2026", "Einladungen", today=date(2026, 12, 3))
    assert exchange.unmailable(plan, consent) == 0
    exchange.apply_import(engine, plan, today=date(2026, 12, 3), consent=consent)
    with Session(engine) as session:
        given = {(p.consent_on, p.consent_purpose) for p in session.exec(select(Person))}
    assert given == {(date(2026, 12, 1), "Einladungen")}


def test_the_preview_says_how_each_column_is_read(engine: Engine) -> None:
    plan = exchange.plan_people_import(engine, partner_lists.xlsx())
    assert plan.mapping[:3] == [
        ("Anrede", "salutation"),
        ("Name", "name"),
        ("Verein", "organisations"),
    ]
    text = plan.mapping_text()
    assert "Name → name (split into given and family name)" in text
    assert "Anrede → salutation (set aside)" in text and "Sprachen → Languages" in text
    assert plan.unknown_columns == ["Eingetragen"]


def test_a_vcard_export_keeps_every_affiliation_and_reads_back(
    engine: Engine, tmp_path: object
) -> None:
    """Issue 19: the vCard export wrote only the first organisation. Now each one with its
    role (property groups), and our own file imports into another network as it was."""
    from datetime import date

    from coordinator.register import organisations, people, vcard
    from coordinator.register.organisations import OrganisationInput
    from coordinator.register.people import PersonInput
    from storage.engine import open_database, resolve_target

    today = date(2026, 12, 3)
    first = organisations.create_organisation(
        engine, OrganisationInput(name="Verein A"), today=today
    )
    second = organisations.create_organisation(
        engine, OrganisationInput(name="Verein B"), today=today
    )
    people.create_person(
        engine,
        PersonInput("Ada", "Arslan", "ada@example.org",
                    affiliations=[(first, "Vorsitz"), (second, "Kasse")]),
    )  # fmt: skip
    text = vcard.vcards(exports.person_records(engine))
    assert "org1.ORG;PREF=1:Verein A" in text and "org2.ROLE:Kasse" in text
    other = open_database(resolve_target(str(tmp_path / "other.db")))  # type: ignore[operator]
    plan = exchange.plan_people_import(other, text.encode())
    exchange.apply_import(other, plan, today=today)
    with Session(other) as session:
        found = session.exec(
            select(Organisation.name, Affiliation.role).join(
                Affiliation,
                Affiliation.organisation_id == Organisation.id,  # type: ignore[arg-type]
            )
        ).all()
    assert sorted(found) == [("Verein A", "Vorsitz"), ("Verein B", "Kasse")]
    other.dispose()


def test_the_xlsx_export_reads_back_as_the_register(sample_engine: Engine, engine: Engine) -> None:
    """Issue 19: the .xlsx export is a list the import reads: into the same network every
    row is already there; into an empty one every person comes in with their phone."""
    from coordinator.register.matching import Match

    data = exports.people_xlsx(sample_engine)
    again = exchange.plan_people_import(sample_engine, data)
    assert again.problems == [] and again.valid == 0
    assert set(again.counts()) == {Match.SAME}
    fresh = exchange.plan_people_import(engine, data)
    assert fresh.problems == [] and fresh.counts() == {Match.NEW: again.counts()[Match.SAME]}
    exchange.apply_import(engine, fresh, today=__import__("datetime").date(2026, 12, 4))
    with Session(sample_engine) as one, Session(engine) as other:
        phones = sorted(p for p in one.exec(select(Person.phone)) if p)
        assert sorted(p for p in other.exec(select(Person.phone)) if p) == phones
