"""The network register: validation, search and filters, phases, deletion, contact care."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from coordinator.context import Context
from coordinator.register import contacts, listing, organisations, people
from coordinator.register.organisations import OrganisationInput
from coordinator.register.people import PersonInput
from coordinator.validation import ValidationError
from storage.enums import ContactChannel, OrgKind, Phase, TaskStatus, Topic
from storage.models import (
    Attendance,
    ContactLogEntry,
    Meeting,
    Minutes,
    Organisation,
    Person,
    PhaseChange,
    Task,
)
from storage.uow import transaction

TODAY = date(2026, 11, 22)


def count(engine: Engine, model: type) -> int:
    with Session(engine) as session:
        return int(session.exec(select(func.count()).select_from(model)).one())


@pytest.fixture
def network(engine: Engine) -> dict[str, int]:
    ids = {
        "verein": organisations.create_organisation(
            engine,
            OrganisationInput(name="Türkischer Elternverein Köln", kind="Migrantenorganisation", city="Köln",
                              topics="youth and education, culture", phase="first contact", membership="member"),
            today=TODAY,
        ),
        "schule": organisations.create_organisation(
            engine, OrganisationInput(name="Gesamtschule Mülheim", kind="school", city="Köln", phase="organising"),
            today=TODAY,
        ),
        "moschee": organisations.create_organisation(
            engine, OrganisationInput(name="Moscheegemeinde Kalk", kind="religious", city="Bonn", topics="religion"),
            today=TODAY,
        ),
    }  # fmt: skip
    ids["zeynep"] = people.create_person(
        engine,
        PersonInput(given_name="Zeynep", family_name="Çelik", email="zeynep@example.org", languages="de, tr",
                    affiliations=[(ids["verein"], "Vorstand")]),
    )  # fmt: skip
    ids["jonas"] = people.create_person(
        engine,
        PersonInput(given_name="Jonas", family_name="Brandt", phone="0221 555 123", languages="de",
                    notes="spricht auch Polnisch", affiliations=[(ids["schule"], "Schulsozialarbeit")]),
    )  # fmt: skip
    return ids


def test_bad_fields_are_reported_each_and_nothing_is_saved(engine: Engine) -> None:
    with pytest.raises(ValidationError) as caught:
        people.create_person(
            engine,
            PersonInput(
                email="zeynep(at)example",
                phone="call me",
                languages="Deutsch, Elbisch",
                consent_on="31.02.2026",
            ),
        )
    assert set(caught.value.errors) == {"family_name", "email", "phone", "languages", "consent_on"}
    with pytest.raises(ValidationError) as caught:
        organisations.create_organisation(
            engine,
            OrganisationInput(name=" ", kind="spaceship", website="verein.de", topics="knitting"),
            today=TODAY,
        )
    assert set(caught.value.errors) == {"name", "kind", "website", "topics"}
    assert count(engine, Person) == 0 and count(engine, Organisation) == 0


def test_search_ignores_case_and_accents_and_matches_every_word(
    engine: Engine, network: dict[str, int]
) -> None:
    def names(text: str) -> list[str]:
        return [
            r.name
            for r in listing.people_page(
                engine, listing.PersonFilter(text=text), offset=0, limit=10
            )
        ]

    assert names("celik") == ["Zeynep Çelik"]
    assert names("ÇELİK zeyn") == ["Zeynep Çelik"]
    assert names("elternverein") == ["Zeynep Çelik"]  # found by organisation name
    assert names("polnisch") == ["Jonas Brandt"]  # notes
    assert names("example.org") == ["Zeynep Çelik"]
    assert names("100%") == []  # LIKE wildcards are taken literally
    orgs = listing.organisation_page(
        engine, listing.OrganisationFilter(text="köln"), offset=0, limit=10
    )
    assert {o.name for o in orgs} == {"Türkischer Elternverein Köln", "Gesamtschule Mülheim"}


def test_filters_and_sorting(engine: Engine, network: dict[str, int]) -> None:
    def orgs(**kwargs: object) -> list[str]:
        flt = listing.OrganisationFilter(**kwargs)  # type: ignore[arg-type]
        return [o.name for o in listing.organisation_page(engine, flt, offset=0, limit=10)]

    assert orgs(kind=OrgKind.SCHOOL) == ["Gesamtschule Mülheim"]
    assert orgs(topic=Topic.CULTURE) == ["Türkischer Elternverein Köln"]
    assert orgs(phase=Phase.ORGANISING) == ["Gesamtschule Mülheim"]
    assert orgs(city="Bonn") == ["Moscheegemeinde Kalk"]
    assert orgs(sort="name", descending=True) == sorted(orgs(), reverse=True)
    assert listing.count_organisations(engine, listing.OrganisationFilter(city="Köln")) == 2
    turkish = listing.people_page(engine, listing.PersonFilter(language="tr"), offset=0, limit=10)
    assert [p.name for p in turkish] == ["Zeynep Çelik"]
    assert listing.cities(engine) == ["Bonn", "Köln"]


def test_phase_changes_are_kept_as_history(engine: Engine, network: dict[str, int]) -> None:
    org_id = network["verein"]
    organisations.change_phase(
        engine, org_id, Phase.ORGANISING, on=date(2026, 12, 1), note="erstes Treffen"
    )
    organisations.change_phase(engine, org_id, Phase.STABILISATION, on=date(2027, 3, 1))
    with Session(engine) as session:
        history = session.exec(
            select(PhaseChange)
            .where(PhaseChange.organisation_id == org_id)
            .order_by(PhaseChange.id)
        ).all()
        org = session.get(Organisation, org_id)
    assert [(h.from_phase, h.to_phase) for h in history] == [
        (None, Phase.FIRST_CONTACT), (Phase.FIRST_CONTACT, Phase.ORGANISING), (Phase.ORGANISING, Phase.STABILISATION),
    ]  # fmt: skip
    assert (
        org is not None
        and org.phase == Phase.STABILISATION
        and org.phase_changed_on == date(2027, 3, 1)
    )
    pipeline = listing.pipeline(engine)
    assert (org_id, "Türkischer Elternverein Köln") in pipeline[Phase.STABILISATION]


def test_deleting_an_organisation_says_what_goes_and_orphans_nothing(
    engine: Engine, network: dict[str, int]
) -> None:
    org_id, person_id = network["verein"], network["zeynep"]
    with transaction(engine) as session:
        session.add(Task(title="Flyer", owner_organisation_id=org_id))
    contacts.log_contact(
        engine,
        channel=ContactChannel.CALL,
        occurred_at=datetime(2026, 11, 1, tzinfo=UTC),
        organisation_id=org_id,
    )
    contacts.log_contact(
        engine,
        channel=ContactChannel.VISIT,
        occurred_at=datetime(2026, 11, 2, tzinfo=UTC),
        organisation_id=org_id,
        person_id=person_id,
    )
    impact = organisations.deletion_impact(engine, org_id)
    assert (impact.members, impact.contact_log, impact.tasks) == (1, 1, 1)
    assert impact.member_names == ["Zeynep Çelik"]

    organisations.delete_organisation(engine, org_id)
    with Session(engine) as session:
        assert session.get(Person, person_id) is not None  # the person stays
        task = session.exec(select(Task)).one()
        assert task.owner_organisation_id is None  # kept, unassigned
        entries = session.exec(select(ContactLogEntry)).all()
        assert [(e.person_id, e.organisation_id) for e in entries] == [(person_id, None)]
    assert (
        listing.people_page(engine, listing.PersonFilter(text="elternverein"), offset=0, limit=5)
        == []
    )


def test_deleting_a_person_reassigns_tasks_and_keeps_minutes_readable(
    engine: Engine, network: dict[str, int]
) -> None:
    gone, heir = network["zeynep"], network["jonas"]
    with transaction(engine) as session:
        meeting = Meeting(
            title="Treffen",
            starts_at=datetime(2026, 5, 5, 16, tzinfo=UTC),
            ends_at=datetime(2026, 5, 5, 18, tzinfo=UTC),
        )
        session.add(meeting)
        session.flush()
        minutes = Minutes(meeting_id=meeting.id)
        session.add(minutes)
        session.flush()
        session.add(Attendance(minutes_id=minutes.id, person_id=gone))
        session.add(Task(title="Raum buchen", owner_person_id=gone, status=TaskStatus.OPEN))
    contacts.log_contact(
        engine,
        channel=ContactChannel.CALL,
        occurred_at=datetime(2026, 11, 1, tzinfo=UTC),
        person_id=gone,
    )
    impact = people.deletion_impact(engine, gone)
    assert (
        impact.organisations,
        impact.open_tasks,
        impact.contact_log_only_person,
        impact.attendance,
    ) == (1, 1, 1, 1)

    people.delete_person(engine, gone, reassign_tasks_to=heir)
    with Session(engine) as session:
        assert session.exec(select(Task)).one().owner_person_id == heir
        attendance = session.exec(select(Attendance)).one()
        assert attendance.person_id is None and attendance.guest_name == "Zeynep Çelik"
        assert session.exec(select(ContactLogEntry)).all() == []


def test_contact_log_moves_last_contact_and_feeds_the_follow_up_list(
    engine: Engine, network: dict[str, int]
) -> None:
    now = datetime(2026, 11, 22, 9, tzinfo=UTC)
    contacts.log_contact(
        engine,
        channel=ContactChannel.EMAIL,
        occurred_at=now - timedelta(weeks=20),
        person_id=network["jonas"],
    )
    contacts.log_contact(
        engine,
        channel=ContactChannel.VISIT,
        occurred_at=now - timedelta(days=3),
        organisation_id=network["verein"],
        person_id=network["zeynep"],
    )
    context = Context(engine)
    found, total = contacts.followup_page(context, now, weeks=8, offset=0, limit=50)
    names = [f.name for f in found]
    assert "Zeynep Çelik" not in names and "Türkischer Elternverein Köln" not in names
    assert names[-1] == "Jonas Brandt"  # contacted long ago: after the never-contacted ones
    assert total == len(found) == 3
    lines = contacts.contact_log(engine, person_id=network["zeynep"])
    assert [(line.channel, line.organisation) for line in lines] == [
        (ContactChannel.VISIT, "Türkischer Elternverein Köln")
    ]
    with pytest.raises(ValidationError):
        contacts.log_contact(
            engine,
            channel=ContactChannel.CALL,
            occurred_at=now + timedelta(days=400),
            person_id=network["jonas"],
        )
    with pytest.raises(ValidationError):
        contacts.log_contact(engine, channel=ContactChannel.CALL, occurred_at=now)


def test_editing_keeps_what_was_not_changed(engine: Engine, network: dict[str, int]) -> None:
    data = people.input_of(engine, network["zeynep"])
    data.phone = "+49 221 1234567"
    people.update_person(engine, network["zeynep"], data)
    again = people.input_of(engine, network["zeynep"])
    assert again.phone == "0221 1234567"  # stored as +492211234567, shown nationally
    assert again.affiliations == [(network["verein"], "Vorstand")]
    assert again.languages == "German, Turkish"  # the form shows names, in the screen's language
    org = organisations.input_of(engine, network["verein"])
    org.name = "Türkisch-Deutscher Elternverein Köln"
    organisations.update_organisation(engine, network["verein"], org, today=TODAY)
    found = listing.people_page(
        engine, listing.PersonFilter(text="turkisch-deutscher"), offset=0, limit=5
    )
    assert [p.name for p in found] == ["Zeynep Çelik"]  # the person's search key follows the rename


def test_lists_sort_as_a_reader_does_not_by_bytes(engine: Engine) -> None:
    """Issue 18: "Çelik" and "Öztürk" came after "Zana" (byte order). Now case and accents
    do not count, in the people list and the organisations list, both ways."""
    from datetime import date

    from coordinator.register import listing, organisations
    from coordinator.register.organisations import OrganisationInput

    for family in ("Zana", "Öztürk", "Çelik", "demir", "Aydın"):
        people.create_person(engine, PersonInput("Ada", family))
    for name in ("Zentrum Nord", "Çağdaş Kültür e.V.", "über den Tellerrand", "Arbeit und Leben"):
        organisations.create_organisation(
            engine, OrganisationInput(name=name), today=date(2026, 12, 1)
        )
    names = [r.name for r in listing.people_page(engine, offset=0, limit=10)]
    assert names == ["Ada Aydın", "Ada Çelik", "Ada demir", "Ada Öztürk", "Ada Zana"]
    backwards = listing.people_page(
        engine, listing.PersonFilter(descending=True), offset=0, limit=10
    )
    assert [r.name for r in backwards] == names[::-1]
    orgs = [r.name for r in listing.organisation_page(engine, offset=0, limit=10)]
    assert orgs == ["Arbeit und Leben", "Çağdaş Kültür e.V.", "über den Tellerrand", "Zentrum Nord"]
    people.update_person(engine, 1, PersonInput("Ada", "Bauer"))  # Zana renamed: sorted anew
    renamed = [r.name for r in listing.people_page(engine, offset=0, limit=10)]
    assert renamed == ["Ada Aydın", "Ada Bauer", "Ada Çelik", "Ada demir", "Ada Öztürk"]


@pytest.mark.parametrize(
    ("typed", "accepted"),
    [
        ("name@example.org", True),
        ("first.last+tag@sub.example.co.uk", True),
        ("Ada@Example.ORG", True),
        ("a..b@example.org", False),  # two dots in a row: the old pattern let it through
        (".ada@example.org", False),
        ("ada@example-.org", False),
        ("ada@server.test", False),  # a reserved domain
        ("ä@example.org", False),
        ('"quoted"@example.org', False),
        ("Ada <ada@example.org>", False),
        ("a@b", False),
    ],
)
def test_e_mail_addresses_are_checked_by_email_validator(typed: str, accepted: bool) -> None:
    from coordinator.validation import is_email

    assert is_email(typed) is accepted
