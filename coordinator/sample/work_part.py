"""The sample's planned tasks, recipient groups and announcements."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from coordinator.meetings.recurrence import parse_rule
from coordinator.sample.common import AS_OF, HISTORY_START, PLAN_END
from storage.enums import (
    AnnouncementStatus,
    Priority,
    TaskStatus,
)
from storage.models import (
    Announcement,
    Meeting,
    RecipientGroup,
    RecipientGroupMember,
    Task,
)


class WorkPart:
    """A part of SampleBuilder (coordinator/sample/generator.py)."""

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
