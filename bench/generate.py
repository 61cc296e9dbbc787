"""Generate a large network database for the benchmarks (bulk inserts, deterministic).

    .venv/bin/python -m bench.generate bench/data/large.db [--orgs 15000 --people 50000
        --meetings 10000 --tasks 100000 --invitations 100000]

The shape follows the sample network: organisations with topics and phases, people with
affiliations and languages, meetings (a tenth of them recurring series), invitations, tasks
in every state with due dates from 2025 to 2030, and a contact log.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import insert

from coordinator.meetings.recurrence import last_occurrence
from coordinator.sample import data
from storage.engine import open_database, resolve_target
from storage.enums import (
    ContactChannel,
    MeetingKind,
    MeetingStatus,
    Membership,
    OrgKind,
    Phase,
    Priority,
    Rsvp,
    TaskStatus,
    Topic,
)
from storage.models import (
    Affiliation,
    ContactLogEntry,
    Invitation,
    Meeting,
    Organisation,
    OrganisationTopic,
    Person,
    PersonLanguage,
    Task,
)
from storage.search import sort_key

SEED = 4711
START = datetime(2025, 1, 6, 8, tzinfo=UTC)
END = datetime(2030, 12, 31, tzinfo=UTC)
CITIES = (
    "Köln",
    "Berlin",
    "Hamburg",
    "München",
    "Leipzig",
    "Dortmund",
    "Bielefeld",
    "Kiel",
    "Halle",
    "Cottbus",
    "Landshut",
)
RULES = ("FREQ=WEEKLY", "FREQ=WEEKLY;INTERVAL=2", "MONTHLY", "MONTHLY")
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def moment(rng: random.Random, start: datetime = START, end: datetime = END) -> datetime:
    """A time between ``start`` and ``end`` on a quarter hour, as meetings are set."""
    quarters = int((end - start).total_seconds()) // 900
    return start + timedelta(seconds=900 * rng.randrange(quarters))


def meeting_start(rng: random.Random) -> datetime:
    """A meeting's start: a day between START and END, 9:00 to 20:45 local time."""
    day = START.date() + timedelta(days=rng.randrange((END - START).days))
    clock = dtime(rng.randrange(9, 21), 15 * rng.randrange(4))
    return datetime.combine(day, clock, ZoneInfo("Europe/Berlin")).astimezone(UTC)


def rule_for(kind: str, starts: datetime) -> str:
    """A rule whose first date is the meeting's own (RFC 5545 leaves a DTSTART outside its
    rule undefined; calcurse refuses it): monthly on the start's weekday and week."""
    if kind != "MONTHLY":
        return kind
    local = starts.astimezone(ZoneInfo("Europe/Berlin"))
    week = (local.day - 1) // 7 + 1
    return f"FREQ=MONTHLY;BYDAY={-1 if week == 5 else week}{_WEEKDAYS[local.weekday()]}"


def generate(
    path: Path, *, orgs: int, people: int, meetings: int, tasks: int, invitations: int
) -> None:
    rng = random.Random(SEED)
    engine = open_database(resolve_target(str(path)))
    pools = list(data.NAME_POOLS.values())
    now = datetime(2025, 1, 1, tzinfo=UTC)
    with engine.begin() as conn:
        names = [
            f"{rng.choice(('Verein', 'Initiative', 'Gemeinde', 'Zentrum', 'Forum'))} {i:05d} e.V."
            for i in range(1, orgs + 1)
        ]
        conn.execute(
            insert(Organisation),
            [
                {
                    "id": i,
                    "name": names[i - 1],
                    "sort_name": sort_key(names[i - 1]),
                    "kind": rng.choice(list(OrgKind)),
                    "origin": "",
                    "city": rng.choice(CITIES),
                    "district": rng.choice(data.DISTRICTS),
                    "phase": rng.choice(list(Phase)),
                    "membership": rng.choice(list(Membership)),
                    "website": "",
                    "notes": "",
                    "last_contact_at": moment(rng, START, datetime(2026, 11, 1, tzinfo=UTC))
                    if rng.random() < 0.8
                    else None,
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                }
                for i in range(1, orgs + 1)
            ],
        )
        conn.execute(
            insert(OrganisationTopic),
            [
                {"organisation_id": i, "topic": t}
                for i in range(1, orgs + 1)
                for t in rng.sample(list(Topic), 2)
            ],
        )
        person_rows = []
        for i in range(1, people + 1):
            given, family, _, preferred = rng.choice(pools)
            g, f = rng.choice(given), rng.choice(family)
            person_rows.append(
                {
                    "id": i,
                    "given_name": g,
                    "family_name": f,
                    "sort_name": sort_key(f, g),
                    "email": f"person{i}@example.org",
                    "phone": f"+49 30 23125 {i % 1000:03d}",
                    "preferred_language": preferred,
                    "consent_on": date(2025, 1, 1),
                    "consent_purpose": "Netzwerkkommunikation",
                    "notes": "",
                    "last_contact_at": moment(rng, START, datetime(2026, 11, 1, tzinfo=UTC))
                    if rng.random() < 0.7
                    else None,
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                }
            )
        conn.execute(insert(Person), person_rows)
        conn.execute(
            insert(PersonLanguage),
            [{"person_id": i, "language": "de"} for i in range(1, people + 1)],
        )
        conn.execute(
            insert(Affiliation),
            [
                {"person_id": i, "organisation_id": rng.randrange(1, orgs + 1), "role": "Vorstand"}
                for i in range(1, people + 1)
            ],
        )
        meeting_rows = []
        for i in range(1, meetings + 1):
            starts = meeting_start(rng)
            recurring = i % 10 == 0
            rule = (
                f"{rule_for(rng.choice(RULES), starts)};COUNT={rng.randrange(10, 80)}"
                if recurring
                else ""
            )
            meeting_rows.append(
                {
                    "id": i,
                    "uid": f"bench-{i}@coordinator",
                    "sequence": 0,
                    "title": f"Treffen {i}",
                    "kind": rng.choice(list(MeetingKind)),
                    "starts_at": starts,
                    "ends_at": starts + timedelta(hours=2),
                    "all_day": False,
                    "timezone": "Europe/Berlin",
                    "location": rng.choice(CITIES),
                    "online_url": "",
                    "status": rng.choice(
                        (MeetingStatus.CONFIRMED, MeetingStatus.PLANNED, MeetingStatus.CANCELLED)
                    ),
                    "language": "de",
                    "rrule": rule,
                    "recurrence_ends_at": last_occurrence(rule, starts, "Europe/Berlin")
                    if rule
                    else None,
                    "notes": "",
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                }
            )
        conn.execute(insert(Meeting), meeting_rows)
        pairs = set()
        while len(pairs) < invitations:
            pairs.add((rng.randrange(1, meetings + 1), rng.randrange(1, people + 1)))
        conn.execute(
            insert(Invitation),
            [
                {
                    "meeting_id": m,
                    "person_id": p,
                    "rsvp": rng.choice(list(Rsvp)),
                    "needs_update": False,
                    "invited_at": now,
                }
                for m, p in sorted(pairs)
            ],
        )
        conn.execute(
            insert(Task),
            [
                {
                    "id": i,
                    "title": rng.choice(data.ACTION_ITEMS),
                    "notes": "",
                    "status": rng.choice(list(TaskStatus)),
                    "priority": rng.choice(list(Priority)),
                    "due_on": moment(rng).date(),
                    "owner_person_id": rng.randrange(1, people + 1) if rng.random() < 0.8 else None,
                    "owner_organisation_id": rng.randrange(1, orgs + 1)
                    if rng.random() < 0.2
                    else None,
                    "meeting_id": rng.randrange(1, meetings + 1) if rng.random() < 0.7 else None,
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                }
                for i in range(1, tasks + 1)
            ],
        )
        conn.execute(
            insert(ContactLogEntry),
            [
                {
                    "occurred_at": moment(rng, START, datetime(2026, 11, 1, tzinfo=UTC)),
                    "channel": rng.choice(list(ContactChannel)),
                    "person_id": rng.randrange(1, people + 1),
                    "organisation_id": rng.randrange(1, orgs + 1),
                    "note": "",
                    "created_at": now,
                }
                for _ in range(people)
            ],
        )
    with engine.begin() as conn:  # statistics, as a database in use would have them
        conn.exec_driver_sql("ANALYZE")
    engine.dispose()


def ensure(path: Path, **sizes: int) -> Path:
    """Generate ``path`` unless it exists already (benchmarks reuse it between runs)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        generate(path, **sizes)
        print(f"generated {path} in {time.perf_counter() - started:.1f} s")
    return path


LARGE = {
    "orgs": 15_000,
    "people": 50_000,
    "meetings": 10_000,
    "tasks": 100_000,
    "invitations": 100_000,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    for name, value in LARGE.items():
        parser.add_argument(f"--{name}", type=int, default=value)
    args = parser.parse_args()
    sizes = {name: getattr(args, name) for name in LARGE}
    ensure(args.out, **sizes)


if __name__ == "__main__":
    main()
