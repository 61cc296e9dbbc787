"""A deterministic generator of the fictional sample network in ``sample.db``.

Fixed seed and fixed dates: the history runs from January 2025 to the sample's "as of" day
(17 November 2026); the series, date polls and planned tasks run into 2030, so whenever the
sample is opened the dashboard shows past minutes, overdue tasks and upcoming meetings.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from coordinator.meetings.recurrence import last_occurrence, parse_rule
from coordinator.sample import data
from storage.engine import open_database, resolve_target
from storage.enums import (
    AnnouncementStatus,
    AttendanceStatus,
    Availability,
    ContactChannel,
    DecisionKind,
    MeetingKind,
    MeetingStatus,
    MinutesStatus,
    OrgKind,
    Phase,
    Priority,
    Rsvp,
    TaskStatus,
)
from storage.models import (
    Affiliation,
    AgendaItem,
    Announcement,
    Attendance,
    ContactLogEntry,
    DatePoll,
    Decision,
    Invitation,
    Meeting,
    Minutes,
    Organisation,
    OrganisationTopic,
    Person,
    PersonLanguage,
    PhaseChange,
    PollSlot,
    PollVote,
    RecipientGroup,
    RecipientGroupMember,
    Task,
)
from storage.uow import transaction

SEED = 20250101
BERLIN = ZoneInfo("Europe/Berlin")
HISTORY_START = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
AS_OF = datetime(2026, 11, 17, 12, 0, tzinfo=UTC)
PLAN_END = date(2030, 12, 31)
CONSENT_PURPOSE = "Netzwerkkommunikation: Einladungen, Protokolle, Rundbrief"
PHASES = list(Phase)


def berlin(day: date, hour: int, minute: int = 0) -> datetime:
    """A local Berlin time as an aware UTC datetime."""
    return datetime.combine(day, time(hour, minute), BERLIN).astimezone(UTC)


def ascii_slug(text: str) -> str:
    special = str.maketrans({"ı": "i", "ł": "l", "ß": "ss", "-": "", "'": "", " ": ""})
    folded = unicodedata.normalize("NFKD", text.translate(special))
    return folded.encode("ascii", "ignore").decode().lower()


@dataclass
class Built:
    """What the generator made, for the later steps to refer to."""

    orgs: list[Organisation] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    members_of: dict[int, list[Person]] = field(default_factory=dict)
    coordinator: Person | None = None


class SampleBuilder:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.rng = random.Random(SEED)
        self.built = Built()
        self._uid = 0
        self._used_names: set[tuple[str, str]] = set()
        self._phone = 100

    # -- helpers ---------------------------------------------------------------------------

    def uid(self, prefix: str) -> str:
        self._uid += 1
        return f"{prefix}-{self._uid:05d}@sample.coordinator"

    def add(self, row: object) -> None:
        self.session.add(row)

    def flush(self) -> None:
        self.session.flush()

    def history_moment(self, start: datetime = HISTORY_START, end: datetime = AS_OF) -> datetime:
        span = int((end - start).total_seconds() // 60)
        return start + timedelta(minutes=self.rng.randrange(span))

    # -- register --------------------------------------------------------------------------

    def organisations(self) -> None:
        for index, (name, kind, origin, _topics, phase, membership) in enumerate(
            data.ORGANISATIONS
        ):
            created = HISTORY_START + timedelta(days=index)
            org = Organisation(
                name=name,
                kind=kind,
                origin=origin,
                city=data.CITY,
                district=data.DISTRICTS[index % len(data.DISTRICTS)],
                phase=phase,
                membership=membership,
                website=f"https://{ascii_slug(name.split(',')[0])[:24]}.example.org",
                notes="",
                created_at=created,
                updated_at=created,
            )
            self.add(org)
            self.built.orgs.append(org)
        self.flush()
        for org in self.built.orgs:
            assert org.id is not None
            topics = data.ORGANISATIONS[org.id - 1][3]
            for topic in topics:
                self.add(OrganisationTopic(organisation_id=org.id, topic=topic))
            self._phase_history(org)

    def _phase_history(self, org: Organisation) -> None:
        assert org.id is not None
        steps = PHASES[: PHASES.index(org.phase) + 1]
        day = date(2025, 1, 10) + timedelta(days=self.rng.randrange(60))
        previous: Phase | None = None
        for step in steps:
            self.add(
                PhaseChange(
                    organisation_id=org.id, from_phase=previous, to_phase=step, changed_on=day
                )
            )
            previous = step
            org.phase_changed_on = day
            day += timedelta(days=30 + self.rng.randrange(90))

    def _new_name(self, pool: str) -> tuple[str, str]:
        given, family, _, _ = data.NAME_POOLS[pool]
        for _attempt in range(200):
            name = (self.rng.choice(given), self.rng.choice(family))
            if name not in self._used_names:
                self._used_names.add(name)
                return name
        raise RuntimeError(f"name pool {pool} exhausted")

    def _person(
        self, pool: str, created: datetime, *, name: tuple[str, str] | None = None
    ) -> Person:
        given, family = name or self._new_name(pool)
        self._used_names.add((given, family))
        _, _, languages, preferred = data.NAME_POOLS[pool]
        has_email = self.rng.random() < 0.92
        has_phone = self.rng.random() < 0.7
        consent = self.rng.random() < 0.88
        domain = self.rng.choice(("example.org", "example.net", "example.com"))
        person = Person(
            given_name=given,
            family_name=family,
            email=f"{ascii_slug(given)}.{ascii_slug(family)}@{domain}" if has_email else "",
            phone=f"+49 30 23125 {self._next_phone():03d}" if has_phone else "",
            preferred_language=preferred,
            consent_on=(created + timedelta(days=self.rng.randrange(20))).date()
            if consent
            else None,
            consent_purpose=CONSENT_PURPOSE if consent else "",
            created_at=created,
            updated_at=created,
        )
        person.__dict__["_languages"] = ("de", *languages)
        return person

    def _next_phone(self) -> int:
        self._phone += 7
        return self._phone % 1000

    def people(self) -> None:
        umbrella = self.built.orgs[0]
        coordinator = self._person("deutsch", HISTORY_START, name=("Miriam", "Aksoy-Brandt"))
        coordinator.notes = "Koordinatorin des Netzwerks (Teilzeit)."
        self.built.coordinator = coordinator
        entries: list[tuple[Person, Organisation, str]] = [(coordinator, umbrella, "Koordination")]
        for index, org in enumerate(self.built.orgs):
            is_mso = org.kind in (OrgKind.MSO, OrgKind.UMBRELLA) or org.origin
            count = 3 if index < 39 else 2
            if org is umbrella:
                count = 2
            for slot in range(count):
                if org.origin and org.origin in data.NAME_POOLS:
                    pool = org.origin
                else:
                    pool = self.rng.choice(
                        ("deutsch", "deutsch", "deutsch", "türkisch", "arabisch", "griechisch")
                    )
                created = HISTORY_START + timedelta(days=index * 5 + slot)
                person = self._person(pool, created)
                roles = data.ROLES_MSO if is_mso else data.ROLES_INSTITUTION
                entries.append((person, org, roles[slot % len(roles)]))
        for person, _, _ in entries:
            self.add(person)
        self.flush()
        for person, org, role in entries:
            assert person.id is not None and org.id is not None
            self.add(Affiliation(person_id=person.id, organisation_id=org.id, role=role))
            for language in person.__dict__["_languages"]:
                self.add(PersonLanguage(person_id=person.id, language=language))
            self.built.people.append(person)
            self.built.members_of.setdefault(org.id, []).append(person)
        # Some board members also sit in the umbrella association's or women's alliance board.
        alliance = self.built.orgs[16]
        for person in self.rng.sample(self.built.people[3:], 8):
            assert person.id is not None and alliance.id is not None
            if person not in self.built.members_of.get(alliance.id, []):
                self.add(
                    Affiliation(
                        person_id=person.id, organisation_id=alliance.id, role="Delegierte/r"
                    )
                )

    def search_keys(self) -> None:
        from coordinator.register.organisations import organisation_search_key
        from coordinator.register.people import person_search_key

        self.flush()
        for org in self.built.orgs:
            org.search_text = organisation_search_key(org)
        for person in self.built.people:
            person.search_text = person_search_key(self.session, person)

    # -- contact log -----------------------------------------------------------------------

    def contact_log(self) -> None:
        channels = list(ContactChannel)
        for _ in range(320):
            org = self.rng.choice(self.built.orgs[1:])
            assert org.id is not None
            person = (
                self.rng.choice(self.built.members_of[org.id]) if self.rng.random() < 0.8 else None
            )
            moment = self.history_moment()
            entry = ContactLogEntry(
                occurred_at=moment,
                channel=self.rng.choice(channels),
                person_id=person.id if person else None,
                organisation_id=org.id,
                note=self.rng.choice(data.CONTACT_NOTES),
                created_at=moment,
            )
            self.add(entry)
            for party in (org, person):
                if party is not None and (
                    party.last_contact_at is None or party.last_contact_at < moment
                ):
                    party.last_contact_at = moment

    # -- meetings --------------------------------------------------------------------------

    def _series(
        self,
        title: str,
        kind: MeetingKind,
        first: datetime,
        hours: float,
        rule: str,
        location: str,
        invitees: list[Person],
    ) -> Meeting:
        assert self.built.coordinator is not None
        master = Meeting(
            uid=self.uid("series"),
            title=title,
            kind=kind,
            starts_at=first,
            ends_at=first + timedelta(hours=hours),
            location=location,
            organiser_id=self.built.coordinator.id,
            status=MeetingStatus.CONFIRMED,
            rrule=rule,
            recurrence_ends_at=last_occurrence(rule, first, "Europe/Berlin"),
            created_at=first - timedelta(days=21),
            updated_at=first - timedelta(days=21),
        )
        self.add(master)
        self.flush()
        self._invite(master, invitees)
        return master

    def _invite(self, meeting: Meeting, invitees: list[Person], *, answered: float = 0.8) -> None:
        assert meeting.id is not None
        weights = (Rsvp.ACCEPTED, Rsvp.ACCEPTED, Rsvp.ACCEPTED, Rsvp.TENTATIVE, Rsvp.DECLINED)
        invited = meeting.created_at + timedelta(days=1)
        for person in self._unique(invitees):
            assert person.id is not None
            rsvp = self.rng.choice(weights) if self.rng.random() < answered else Rsvp.NO_REPLY
            self.add(
                Invitation(
                    meeting_id=meeting.id,
                    person_id=person.id,
                    rsvp=rsvp,
                    invited_at=invited,
                    responded_at=None if rsvp is Rsvp.NO_REPLY else invited + timedelta(days=2),
                )
            )

    @staticmethod
    def _unique(people: list[Person]) -> list[Person]:
        seen: set[int | None] = set()
        found = []
        for person in people:
            if person.id not in seen:
                seen.add(person.id)
                found.append(person)
        return found

    def _members_of_kind(self, *kinds: OrgKind, member_only: bool = False) -> list[Person]:
        found: list[Person] = []
        for org in self.built.orgs:
            if org.kind in kinds and (not member_only or org.membership == "member"):
                assert org.id is not None
                found.extend(self.built.members_of[org.id][:2])
        return found

    def meetings(self) -> None:
        coordinator = self.built.coordinator
        assert coordinator is not None
        network_invitees = self._unique(
            [coordinator, *self._members_of_kind(OrgKind.MSO, OrgKind.UMBRELLA, member_only=True)]
        )
        network = self._series(
            "Netzwerktreffen",
            MeetingKind.NETWORK,
            berlin(date(2025, 1, 14), 18),
            2,
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;UNTIL=20301217T170000Z",
            "Stadtteilzentrum Mitte, Saal 2, Kavalleriestraße 26",
            network_invitees,
        )
        school_invitees = [
            coordinator,
            *self._members_of_kind(OrgKind.SCHOOL, OrgKind.KINDERGARTEN, OrgKind.COUNSELLING),
            *self.rng.sample(network_invitees[1:], 5),
        ]
        school_group = self._series(
            "AG Bildung und Elternarbeit",
            MeetingKind.WORKING_GROUP,
            berlin(date(2025, 2, 13), 17, 30),
            1.5,
            "FREQ=MONTHLY;BYDAY=2TH;UNTIL=20301231T230000Z",
            "Gesamtschule Heepen, Raum 104",
            school_invitees,
        )
        round_table_invitees = [
            coordinator,
            *self._members_of_kind(
                OrgKind.MUNICIPAL,
                OrgKind.JOBCENTER,
                OrgKind.POLICE,
                OrgKind.RELIGIOUS,
                OrgKind.UMBRELLA,
            ),
        ]
        round_table = self._series(
            "Runder Tisch Integration",
            MeetingKind.ROUND_TABLE,
            berlin(date(2025, 3, 5), 16),
            2,
            "FREQ=MONTHLY;INTERVAL=3;BYDAY=1WE;COUNT=24",
            "Altes Rathaus, Sitzungszimmer 3",
            round_table_invitees,
        )
        self._past_occurrences(network, network_invitees, minutes_every=1)
        self._past_occurrences(school_group, school_invitees, minutes_every=2)
        self._past_occurrences(round_table, round_table_invitees, minutes_every=1)
        self._single_events(network_invitees)
        self._polls(network_invitees)
        self._planned_tasks(network)

    def _past_occurrences(
        self, master: Meeting, invitees: list[Person], *, minutes_every: int
    ) -> None:
        rule = parse_rule(master.rrule, master.starts_at, master.timezone)
        duration = master.ends_at - master.starts_at
        starts = [occ.astimezone(UTC) for occ in rule.between(master.starts_at, AS_OF, inc=True)]
        previous: Meeting | None = None
        for number, begins in enumerate(starts):
            local = begins.astimezone(BERLIN)
            status = MeetingStatus.CONFIRMED
            moved_to = begins
            if local.month == 12 and local.day >= 22:
                status = MeetingStatus.CANCELLED  # no meeting between the holidays
            elif number % 17 == 9:
                moved_to = begins + timedelta(days=1)  # moved one day for a room clash
            occurrence = Meeting(
                uid=master.uid,
                title=master.title,
                kind=master.kind,
                starts_at=moved_to,
                ends_at=moved_to + duration,
                location=master.location,
                organiser_id=master.organiser_id,
                status=status,
                series_id=master.id,
                recurrence_id=begins,
                sequence=1 if moved_to != begins or status is MeetingStatus.CANCELLED else 0,
                created_at=begins - timedelta(days=10),
                updated_at=begins - timedelta(days=10),
            )
            # The occurrence shares the series UID in iCalendar; rows need a unique one.
            occurrence.uid = f"{master.uid}#{begins:%Y%m%dT%H%M%SZ}"
            self.add(occurrence)
            self.flush()
            if status is MeetingStatus.CANCELLED:
                continue
            items = self._agenda(occurrence)
            if number % minutes_every == 0:
                last = begins == starts[-1]
                self._minutes(occurrence, items, invitees, approved=not last, approved_in=None)
                if previous is not None:
                    self._approve_in(previous, occurrence)
                previous = occurrence

    def _agenda(self, meeting: Meeting) -> list[AgendaItem]:
        assert meeting.id is not None
        titles = [
            "Begrüßung und Protokoll der letzten Sitzung",
            *self.rng.sample(data.AGENDA_TOPICS[:-1], 2),
            "Verschiedenes",
        ]
        items = []
        for position, title in enumerate(titles):
            item = AgendaItem(
                meeting_id=meeting.id,
                position=position,
                title=title,
                presenter_id=self.built.coordinator.id
                if position == 0 and self.built.coordinator
                else None,
                duration_minutes=(10, 30, 30, 10)[position],
            )
            self.add(item)
            items.append(item)
        self.flush()
        return items

    def _minutes(
        self,
        meeting: Meeting,
        items: list[AgendaItem],
        invitees: list[Person],
        *,
        approved: bool,
        approved_in: Meeting | None,
    ) -> None:
        assert meeting.id is not None and self.built.coordinator is not None
        held = meeting.ends_at
        minutes = Minutes(
            meeting_id=meeting.id,
            minute_taker_id=self.built.coordinator.id,
            status=MinutesStatus.DRAFT,
            created_at=held,
            updated_at=held,
        )
        self.add(minutes)
        self.flush()
        assert minutes.id is not None
        for person in invitees:
            roll = self.rng.random()
            status = (
                AttendanceStatus.PRESENT
                if roll < 0.7
                else AttendanceStatus.EXCUSED
                if roll < 0.9
                else AttendanceStatus.ABSENT
            )
            self.add(Attendance(minutes_id=minutes.id, person_id=person.id, status=status))
        if self.rng.random() < 0.3:
            self.add(
                Attendance(
                    minutes_id=minutes.id,
                    guest_name="Gast aus dem Quartiersbeirat",
                    status=AttendanceStatus.PRESENT,
                )
            )
        for item in items[1:-1]:
            item.minutes_text = "Aussprache; Rückmeldungen aus den Vereinen wurden gesammelt."
        if self.rng.random() < 0.55:
            kind, text = self.rng.choice(data.DECISIONS)
            self.add(
                Decision(
                    meeting_id=meeting.id,
                    agenda_item_id=items[1].id,
                    kind=DecisionKind(kind),
                    text=text,
                    decided_on=meeting.starts_at.astimezone(BERLIN).date(),
                    created_at=held,
                )
            )
        for number in range(self.rng.randrange(1, 4)):
            self._action_item(meeting, items[1 + number % 2], held)
        minutes.status = MinutesStatus.APPROVED if approved else MinutesStatus.DRAFT

    def _approve_in(self, earlier: Meeting, later: Meeting) -> None:
        from sqlmodel import select

        minutes = self.session.exec(select(Minutes).where(Minutes.meeting_id == earlier.id)).one()
        minutes.status = MinutesStatus.APPROVED
        minutes.approved_at = later.starts_at + timedelta(minutes=15)
        minutes.approved_in_meeting_id = later.id
        minutes.updated_at = minutes.approved_at

    def _action_item(self, meeting: Meeting, item: AgendaItem, held: datetime) -> None:
        assert meeting.id is not None
        due = (held + timedelta(days=self.rng.choice((10, 14, 21, 28)))).astimezone(BERLIN).date()
        age = (AS_OF.date() - due).days
        roll = self.rng.random()
        if age > 45:
            status = (
                TaskStatus.DONE
                if roll < 0.82
                else TaskStatus.DROPPED
                if roll < 0.88
                else TaskStatus.OPEN
            )
        elif age > 0:
            status = (
                TaskStatus.DONE
                if roll < 0.5
                else TaskStatus.IN_PROGRESS
                if roll < 0.7
                else TaskStatus.OPEN
            )
        else:
            status = TaskStatus.OPEN if roll < 0.7 else TaskStatus.IN_PROGRESS
        owner_org = self.rng.choice(self.built.orgs) if self.rng.random() < 0.25 else None
        owner = None if owner_org else self.rng.choice(self.built.people[:60])
        completed = (
            held + timedelta(days=self.rng.randrange(3, 20)) if status is TaskStatus.DONE else None
        )
        self.add(
            Task(
                title=self.rng.choice(data.ACTION_ITEMS),
                status=status,
                priority=self.rng.choice(
                    (Priority.NORMAL, Priority.NORMAL, Priority.HIGH, Priority.LOW)
                ),
                due_on=due,
                owner_person_id=owner.id if owner else None,
                owner_organisation_id=owner_org.id if owner_org else None,
                meeting_id=meeting.id,
                agenda_item_id=item.id,
                completed_at=completed,
                created_at=held,
                updated_at=completed or held,
            )
        )

    def _single_event(
        self,
        title: str,
        kind: MeetingKind,
        starts: datetime,
        hours: float,
        location: str,
        invitees: list[Person],
        *,
        status: MeetingStatus = MeetingStatus.CONFIRMED,
        all_day: bool = False,
    ) -> Meeting:
        assert self.built.coordinator is not None
        created = min(starts, AS_OF) - timedelta(days=30)
        meeting = Meeting(
            uid=self.uid("event"),
            title=title,
            kind=kind,
            starts_at=starts,
            ends_at=starts + timedelta(hours=hours),
            all_day=all_day,
            location=location,
            organiser_id=self.built.coordinator.id,
            status=status,
            created_at=created,
            updated_at=created,
        )
        self.add(meeting)
        self.flush()
        self._invite(meeting, invitees, answered=0.9 if starts < AS_OF else 0.5)
        return meeting

    def _single_events(self, invitees: list[Person]) -> None:
        everyone = invitees + self._members_of_kind(OrgKind.RELIGIOUS, OrgKind.MUNICIPAL)
        self._single_event(
            "Interkulturelle Woche: Fest der Vielfalt",
            MeetingKind.EVENT,
            berlin(date(2025, 9, 27), 14),
            6,
            "Kesselbrink",
            everyone,
        )
        self._single_event(
            "Fastenbrechen der Religionen",
            MeetingKind.EVENT,
            berlin(date(2026, 3, 5), 18, 30),
            3,
            "Moscheegemeinde Brackwede, Gemeindesaal",
            everyone,
        )
        hearing = self._single_event(
            "Anhörung im Integrationsrat: Räume für Vereine",
            MeetingKind.HEARING,
            berlin(date(2026, 6, 16), 17),
            2,
            "Neues Rathaus, Ratssaal",
            invitees[:12],
        )
        self._agenda(hearing)
        self._single_event(
            "Interkulturelle Woche 2026: Markt der Möglichkeiten",
            MeetingKind.EVENT,
            berlin(date(2026, 9, 26), 13),
            5,
            "Jahnplatz",
            everyone,
        )
        self._single_event(
            "Klausurtag des Netzwerks",
            MeetingKind.NETWORK,
            datetime(2027, 1, 23, tzinfo=BERLIN).astimezone(UTC),
            24,
            "Bildungshaus am Teutoburger Wald",
            invitees,
            status=MeetingStatus.PLANNED,
            all_day=True,
        )

    def _polls(self, invitees: list[Person]) -> None:
        candidates = (
            (
                "Jubiläumsfest: 15 Jahre Netzwerk Vielfalt",
                MeetingKind.EVENT,
                [
                    berlin(date(2030, 6, 15), 14),
                    berlin(date(2030, 6, 16), 12),
                    berlin(date(2030, 6, 22), 14),
                    berlin(date(2030, 6, 26), 17),
                ],
                5,
            ),
            (
                "Workshop Vereinsrecht für Ehrenamtliche",
                MeetingKind.WORKING_GROUP,
                [
                    berlin(date(2027, 2, 6), 10),
                    berlin(date(2027, 2, 9), 18),
                    berlin(date(2027, 2, 13), 10),
                    berlin(date(2027, 2, 17), 18, 30),
                ],
                3,
            ),
        )
        for title, kind, slots, hours in candidates:
            meeting = self._single_event(
                title,
                kind,
                slots[0],
                hours,
                "noch offen",
                invitees[:16],
                status=MeetingStatus.PLANNED,
            )
            assert meeting.id is not None
            poll = DatePoll(
                meeting_id=meeting.id, volunteers=True, created_at=AS_OF - timedelta(days=12)
            )
            self.add(poll)
            self.flush()
            assert poll.id is not None
            rows = []
            for begins in slots:
                slot = PollSlot(
                    poll_id=poll.id,
                    starts_at=begins,
                    ends_at=begins + timedelta(hours=hours),
                    uid=self.uid("hold"),
                )
                self.add(slot)
                rows.append(slot)
            self.flush()
            for person in invitees[:16]:
                if self.rng.random() < 0.3:
                    continue  # has not answered yet
                for slot in rows:
                    assert slot.id is not None and person.id is not None
                    answer = self.rng.choice(
                        (
                            Availability.YES,
                            Availability.YES,
                            Availability.IF_NEED_BE,
                            Availability.NO,
                        )
                    )
                    self.add(PollVote(slot_id=slot.id, person_id=person.id, answer=answer))

    def _planned_tasks(self, network: Meeting) -> None:
        """The coordinator's standing chores around each future network meeting, into 2030."""
        coordinator = self.built.coordinator
        assert coordinator is not None and network.id is not None
        rule = parse_rule(network.rrule, network.starts_at, network.timezone)
        window_end = datetime.combine(PLAN_END, time(23, 59), UTC)
        for begins in rule.between(AS_OF, window_end):
            day = begins.date()
            for title, offset in (
                (f"Tagesordnung für das Netzwerktreffen am {day:%d.%m.%Y} verschicken", -6),
                (f"Raum und Technik für das Netzwerktreffen am {day:%d.%m.%Y} bestätigen", -2),
                (f"Protokoll des Netzwerktreffens vom {day:%d.%m.%Y} verschicken", 3),
            ):
                self.add(
                    Task(
                        title=title,
                        status=TaskStatus.OPEN,
                        due_on=day + timedelta(days=offset),
                        owner_person_id=coordinator.id,
                        meeting_id=network.id,
                        created_at=AS_OF,
                        updated_at=AS_OF,
                    )
                )
        for year in range(2027, 2031):
            self.add(
                Task(
                    title=f"Jahresbericht {year - 1} an das Kommunale Integrationszentrum",
                    status=TaskStatus.IN_PROGRESS if year == 2027 else TaskStatus.OPEN,
                    priority=Priority.HIGH,
                    due_on=date(year, 1, 31),
                    owner_organisation_id=self.built.orgs[0].id,
                    created_at=AS_OF,
                    updated_at=AS_OF,
                )
            )

    # -- groups and announcements ----------------------------------------------------------

    def groups_and_announcements(self) -> None:
        groups = (
            RecipientGroup(
                name="Alle Mitgliedsorganisationen",
                filter_json='{"membership": ["member"]}',
                created_at=HISTORY_START,
            ),
            RecipientGroup(
                name="Ehrenamtliche MSO",
                filter_json='{"kind": ["mso"]}',
                volunteers=True,
                created_at=HISTORY_START,
            ),
            RecipientGroup(
                name="Bildungspartner",
                filter_json='{"topic": ["youth_education"]}',
                created_at=HISTORY_START,
            ),
            RecipientGroup(name="Redaktionsteam Rundbrief", created_at=HISTORY_START),
        )
        for group in groups:
            self.add(group)
        self.flush()
        for person in self.built.people[1:4]:
            assert groups[3].id is not None and person.id is not None
            self.add(RecipientGroupMember(group_id=groups[3].id, person_id=person.id))
        self.add(
            Announcement(
                subject="Rundbrief Januar 2026",
                body="Liebe Mitglieder,\n\nhier die Termine und Neuigkeiten aus dem Netzwerk ...",
                group_id=groups[0].id,
                status=AnnouncementStatus.SENT,
                created_at=datetime(2026, 1, 8, tzinfo=UTC),
                sent_at=datetime(2026, 1, 9, 8, tzinfo=UTC),
            )
        )
        self.add(
            Announcement(
                subject="Einladung: Interkulturelle Woche 2026",
                body="Wir laden herzlich zum Markt der Möglichkeiten ein ...",
                group_id=groups[0].id,
                status=AnnouncementStatus.SENT,
                created_at=datetime(2026, 8, 20, tzinfo=UTC),
                sent_at=datetime(2026, 8, 21, 9, tzinfo=UTC),
            )
        )
        self.add(
            Announcement(
                subject="Rundbrief Dezember 2026",
                body="Entwurf: Rückblick auf das Jahr, Termine 2027 ...",
                group_id=groups[0].id,
                created_at=AS_OF,
            )
        )


def build(session: Session) -> None:
    """Fill an empty network database with the sample network."""
    builder = SampleBuilder(session)
    builder.organisations()
    builder.people()
    builder.search_keys()
    builder.contact_log()
    builder.meetings()
    builder.groups_and_announcements()


def write_sample(engine: Engine) -> None:
    # The sample's history is told by its own tables (contact log, task and minutes events);
    # the audit trail starts with the coordinators' recent work below.
    with transaction(engine.execution_options(coordinator_audit=False)) as session:
        build(session)
    recent_work(engine)


def recent_work(engine: Engine) -> None:
    """The last days' work of the network's two coordinators, each change in its own
    transaction under its author's name, so the Changes section and the records' histories
    show something from the start (at fixed times: the sample is reproducible)."""
    from storage.models import Task, TaskEvent

    plan = (
        ("Amira Haddad", 0, "status", TaskStatus.IN_PROGRESS, datetime(2026, 11, 20, 14, 12, tzinfo=UTC)),
        ("Jonas Weber", 1, "notes", "Zwei Vereine haben schon geantwortet, der Rest folgt bis Freitag.", datetime(2026, 11, 21, 9, 40, tzinfo=UTC)),
        ("Amira Haddad", 2, "due_on", date(2026, 12, 4), datetime(2026, 11, 21, 17, 3, tzinfo=UTC)),
    )  # fmt: skip
    with transaction(engine) as session:
        chosen = session.exec(
            select(Task.id).where(Task.status == TaskStatus.OPEN).order_by(col(Task.id)).limit(3)
        ).all()
    for actor, index, name, value, at in plan:
        writer = engine.execution_options(coordinator_actor=actor, coordinator_now=at)
        with transaction(writer) as session:
            task = session.get(Task, chosen[index])
            assert task is not None
            old = getattr(task, name)
            setattr(task, name, value)
            shown = [getattr(v, "value", v) for v in (old, value)]
            session.add(
                TaskEvent(
                    task_id=task.id or 0, at=at, field=name,
                    old_value="" if shown[0] is None else str(shown[0]), new_value=str(shown[1]),
                )
            )  # fmt: skip
            task.updated_at = at
            task.version += 1


def create_sample_file(path: Path) -> None:
    """Write the sample network to a new file at ``path`` (which must not exist yet)."""
    engine = open_database(resolve_target(str(path)))
    try:
        write_sample(engine)
    except BaseException:
        engine.dispose()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        raise
    engine.dispose()
