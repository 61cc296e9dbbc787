"""GDPR export and erasure; CSV import with preview, errors and cancel; CSV, JSON and vCard out."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from coordinator.register import exchange, exports, gdpr, listing, people, vcard
from coordinator.register.matching import Choice, Match
from coordinator.register.people import PersonInput
from coordinator.register.spreadsheet import SpreadsheetError, neutralise
from storage.enums import Rsvp
from storage.models import ContactLogEntry, Invitation, Meeting, Organisation, Person, Task
from storage.uow import transaction

TODAY = date(2026, 11, 22)


def count(engine: Engine, model: type) -> int:
    with Session(engine) as session:
        return int(session.exec(select(func.count()).select_from(model)).one())


def test_gdpr_export_holds_everything_about_the_person(sample_engine: Engine) -> None:
    data = gdpr.export_person(sample_engine, 5)
    assert data["person"]["email"] == "ayse.erdem@example.org"
    assert {o["organisation"] for o in data["organisations"]} >= {
        "Deutsch-Türkischer Kulturverein Brackwede e.V."
    }
    assert data["invitations"] and data["languages"] == ["de", "tr"]
    assert json.loads(gdpr.export_json(sample_engine, 5)) | {"exported_at": None} == data | {
        "exported_at": None
    }
    # Readable in the person's language (she prefers German; the screen speaks English):
    # field names and answers in words, times in Berlin's zone, languages by name.
    text = gdpr.export_text(sample_engine, 5)
    assert text.startswith("Gespeicherte Daten zu Ayşe Erdem\n")
    assert "  Bevorzugte Sprache: Deutsch\n" in text
    assert "Sprachen:\n  - Deutsch\n  - Türkisch\n" in text
    assert "Sitzung: Netzwerktreffen, Beginn: 14.01.2025 18:00, Antwort: keine Antwort" in text
    assert "no_reply" not in text and "starts_at" not in text and "+00:00" not in text
    english = gdpr.export_text(sample_engine, 5, language="en")
    assert "Meeting: Netzwerktreffen, Starts: 2025-01-14 18:00, Answer: no reply" in english
    # The all-day Saturday by its date (it read "Fri 23:00" in UTC, then 00:00).
    assert "Sitzung: Klausurtag des Netzwerks, Beginn: 23.01.2027," in text
    assert "Meeting: Klausurtag des Netzwerks, Starts: 2027-01-23," in english


def test_erasure_removes_personal_data_and_keeps_tasks_and_minutes(sample_engine: Engine) -> None:
    with Session(sample_engine) as session:
        person_id = session.exec(  # the first task owner with an e-mail address, by task id
            select(Task.owner_person_id)
            .join(Person, col(Person.id) == col(Task.owner_person_id))
            .where(Person.email != "")
            .order_by(col(Task.id))
        ).first()
        assert person_id is not None
        tasks_before = session.exec(
            select(func.count()).select_from(Task).where(Task.owner_person_id == person_id)
        ).one()
        invitations_before = session.exec(
            select(func.count()).select_from(Invitation).where(Invitation.person_id == person_id)
        ).one()
        email = session.get(Person, person_id).email  # type: ignore[union-attr]
    gdpr.erase_person(sample_engine, person_id)
    with Session(sample_engine) as session:
        person = session.get(Person, person_id)
        assert person is not None and person.erased_at is not None
        assert (
            person.given_name,
            person.email,
            person.phone,
            person.notes,
            person.search_text,
        ) == ("", "", "", "", "")
        assert person.family_name == f"Erased person {person_id}"
        assert (
            session.exec(
                select(func.count()).select_from(Task).where(Task.owner_person_id == person_id)
            ).one()
            == tasks_before
        )
        assert (
            session.exec(
                select(func.count())
                .select_from(Invitation)
                .where(Invitation.person_id == person_id)
            ).one()
            == invitations_before
        )
        assert (
            session.exec(
                select(ContactLogEntry).where(ContactLogEntry.person_id == person_id)
            ).all()
            == []
        )
    assert email and email not in exports.people_csv(sample_engine)
    assert all(p.id != person_id for p in listing.people_page(sample_engine, offset=0, limit=500))
    exported = gdpr.export_person(sample_engine, person_id)
    assert exported["person"]["email"] == "" and exported["organisations"] == []


CSV_ROWS = (
    "Vorname;Nachname;E-Mail;Telefon;Organisation;Rolle;Sprachen;Lieblingsfarbe\r\n"
    "Jürgen;Weiß;juergen@example.org;0521 123456;Neuer Verein e.V.;Kassenwart;de, pl;blau\r\n"
    "Bob;;kaputt;12;;;;\r\n"
    "Anna;Doppelt;juergen@example.org;;;;;\r\n"
    "Miriam;Aksoy-Brandt;;;;;;\r\n"
)


def test_csv_import_preview_reports_each_bad_row_and_cancel_changes_nothing(
    sample_engine: Engine,
) -> None:
    before = (count(sample_engine, Person), count(sample_engine, Organisation))
    plan = exchange.plan_people_import(sample_engine, CSV_ROWS.encode("cp1252"))
    assert (plan.delimiter, plan.encoding) == (";", "windows-1252")
    assert plan.valid == 1
    assert plan.new_organisations == ["Neuer Verein e.V."]
    assert plan.unknown_columns == ["Lieblingsfarbe"]
    problems = {p.line: set(p.errors) for p in plan.problems}
    assert problems == {3: {"email"}}  # ("12" as a phone would be kept, with a warning)
    # Line 4 has line 2's e-mail under another name; line 5 is the register's Miriam.
    found = {line: (row.found.match, row.found.candidate) for line, row in plan.matched()}
    assert found[4][0] is Match.CONFLICTING and found[4][1].line == 2
    assert found[5][0] is Match.PROBABLY and found[5][1].label == "Miriam Aksoy-Brandt"
    assert [plan.choice(line, row) for line, row in plan.matched()] == [Choice.SKIP] * 2
    # The coordinator cancels: the plan is dropped and nothing was written.
    assert (count(sample_engine, Person), count(sample_engine, Organisation)) == before

    assert exchange.apply_import(sample_engine, plan, today=TODAY) == 1
    found = listing.people_page(
        sample_engine, listing.PersonFilter(text="jurgen weiss"), offset=0, limit=5
    )
    assert [(p.name, p.organisations) for p in found] == [("Jürgen Weiß", "Neuer Verein e.V.")]
    assert count(sample_engine, Organisation) == before[1] + 1


def test_comma_separated_utf8_organisations(engine: Engine) -> None:
    data = (
        "\ufeffName,Kind,City,Topics,Phase,Membership,Website\n"
        'Verein Sonnenblume,Migrantenorganisation,Halle,"culture, sport",Kontaktaufnahme,member,https://x.example.org\n'
        ",school,Kiel,,,,\n"
        "Kita Stern,kindergarten,Kiel,,preparation,prospect,kita-stern\n"
    ).encode()
    plan = exchange.plan_organisations_import(engine, data)
    assert (plan.delimiter, plan.encoding, plan.valid) == (",", "utf-8", 1)
    assert {p.line: set(p.errors) for p in plan.problems} == {3: {"name"}, 4: {"website"}}
    exchange.apply_import(engine, plan, today=TODAY)
    assert [o["name"] for o in json.loads(exports.organisations_json(engine))] == [
        "Verein Sonnenblume"
    ]


def test_a_file_that_is_no_table_is_refused(engine: Engine) -> None:
    with pytest.raises(SpreadsheetError):
        exchange.plan_people_import(engine, b"")
    with pytest.raises(SpreadsheetError):
        exchange.plan_people_import(engine, b"\x89PNG\r\n\x1a\n binary")


@pytest.mark.parametrize(
    "cell", ['=HYPERLINK("http://evil")', "+49 30 1", "-1+1", "@SUM(A1)", "\tcmd"]
)
def test_export_neutralises_formulas(engine: Engine, cell: str) -> None:
    assert neutralise(cell) == "'" + cell
    people.create_person(engine, PersonInput(given_name="Eve", family_name="=1+1", notes=cell))
    rows = list(csv.reader(io.StringIO(exports.people_csv(engine).lstrip("\ufeff")), delimiter=";"))
    assert rows[1][1] == "'=1+1"
    assert rows[1][10] == neutralise(cell.strip())  # notes are stored trimmed


def test_export_then_import_round_trips_without_duplicates(
    sample_engine: Engine, engine: Engine
) -> None:
    exported = exports.people_csv(sample_engine).encode("utf-8")
    again = exchange.plan_people_import(sample_engine, exported)
    assert again.valid == 0 and again.problems == []
    assert again.counts() == {Match.SAME: count(sample_engine, Person)}
    fresh = exchange.plan_people_import(engine, exported)
    assert fresh.problems == [] and fresh.valid == count(sample_engine, Person)


def unfold(text: str) -> list[str]:
    assert "\n" not in text.replace("\r\n", "")
    return text.replace("\r\n ", "").split("\r\n")


def parse_vcards(text: str) -> list[dict[str, list[str]]]:
    cards: list[dict[str, list[str]]] = []
    for line in unfold(text):
        if line == "BEGIN:VCARD":
            cards.append({})
        elif line and line != "END:VCARD":
            name, _, value = line.partition(":")
            cards[-1].setdefault(name.split(";")[0], []).append(value)
    return cards


def test_vcards_parse_back(sample_engine: Engine) -> None:
    people.create_person(
        sample_engine,
        PersonInput(given_name="Nguyễn Thị", family_name="Minh-Châu; Le", email="minh@example.org",
                    notes="Spricht Vietnamesisch, Französisch und Deutsch; erreichbar abends ab 19 Uhr " * 2),
    )  # fmt: skip
    text = vcard.vcards(exports.person_records(sample_engine))
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    cards = parse_vcards(text)
    assert len(cards) == count(sample_engine, Person)
    assert all(card["VERSION"] == ["4.0"] and card["FN"] for card in cards)
    special = next(c for c in cards if c.get("EMAIL") == ["minh@example.org"])
    assert special["N"] == ["Minh-Châu\\; Le;Nguyễn Thị;;;"]
    assert special["FN"] == ["Nguyễn Thị Minh-Châu\\; Le"]
    assert special["NOTE"][0].startswith("Spricht Vietnamesisch\\, Französisch")


def test_people_json_export(sample_engine: Engine) -> None:
    records = json.loads(exports.people_json(sample_engine))
    assert len(records) == count(sample_engine, Person)
    first = records[0]
    assert {
        "given_name",
        "family_name",
        "email",
        "organisations",
        "languages",
        "consent_on",
    } <= set(first)


def test_invitation_answers_survive_erasure_for_counts(sample_engine: Engine) -> None:
    with transaction(sample_engine) as session:
        meeting = session.exec(select(Meeting)).first()
        assert meeting is not None
        invitation = session.exec(
            select(Invitation).where(Invitation.meeting_id == meeting.id)
        ).first()
        assert invitation is not None
        person_id, rsvp = invitation.person_id, invitation.rsvp
    gdpr.erase_person(sample_engine, person_id)
    with Session(sample_engine) as session:
        kept = session.exec(
            select(Invitation).where(
                Invitation.person_id == person_id, Invitation.meeting_id == meeting.id
            )
        ).one()
        assert kept.rsvp == rsvp and isinstance(kept.rsvp, Rsvp)
    _ = datetime.now(UTC)


def test_an_unterminated_quote_is_one_bad_row_not_a_swallowed_file(engine: Engine) -> None:
    """Today 'A;B' with a quote never closed became one person whose name held the rest of
    the file; now its line is reported and the rows after it are read as usual. A quoted cell
    that really spans lines (notes) still reads."""
    data = (
        b"Vorname;Nachname;E-Mail;Notiz\n"
        b"Anna;Arslan;anna@example.org;\n"
        b'"A;B;b@example.org;\n'
        b"Carla;Chen;carla@example.org;\n"
        b'Dana;Dogan;dana@example.org;"zwei\nZeilen"\n'
        b'Emre;E"rdem;emre@example.org;\n'
    )
    plan = exchange.plan_people_import(engine, data)
    problems = {p.line: set(p.errors) for p in plan.problems}
    assert problems == {3: {"row"}}
    names = sorted(row.clean.family_name for _line, row in plan.rows)  # type: ignore[attr-defined]
    assert names == ["Arslan", "Chen", "Dogan", 'E"rdem']
    assert plan.valid == 4
