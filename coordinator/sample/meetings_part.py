"""The sample's meetings: series and their past occurrences with agendas and minutes, single
events and date polls."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlmodel import select

from coordinator.meetings.recurrence import last_occurrence, parse_rule
from coordinator.sample import data
from coordinator.sample.common import AS_OF, BERLIN, berlin
from storage.enums import (
    AttendanceStatus,
    Availability,
    DecisionKind,
    MeetingKind,
    MeetingStatus,
    MinutesStatus,
    OrgKind,
    Priority,
    Rsvp,
    TaskStatus,
)
from storage.models import (
    AgendaItem,
    Attendance,
    DatePoll,
    Decision,
    Invitation,
    Meeting,
    Minutes,
    Person,
    PollSlot,
    PollVote,
    Task,
)


class MeetingsPart:
    """A part of SampleBuilder (coordinator/sample/generator.py)."""

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
