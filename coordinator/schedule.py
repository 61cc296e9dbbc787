"""Which meetings take place when: standalone meetings and the occurrences of series.

Reads only. An occurrence of a series that has a row of its own (moved, cancelled, or given
its own agenda) is taken from that row; the others come from expanding the master's rule.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from coordinator.recurrence import occurrences_between
from storage.models import Invitation, Meeting
from storage.models.enums import MeetingKind, MeetingStatus, Rsvp
from storage.uow import reading


@dataclass(frozen=True)
class RsvpCounts:
    accepted: int = 0
    tentative: int = 0
    declined: int = 0
    no_reply: int = 0

    @property
    def invited(self) -> int:
        return self.accepted + self.tentative + self.declined + self.no_reply


@dataclass(frozen=True)
class Occurrence:
    meeting_id: int
    series_id: int | None
    title: str
    kind: MeetingKind
    starts_at: datetime
    ends_at: datetime
    timezone: str
    all_day: bool
    location: str
    status: MeetingStatus
    rsvp: RsvpCounts = field(default_factory=RsvpCounts)

    @property
    def local_start(self) -> datetime:
        from coordinator.recurrence import zone

        return self.starts_at.astimezone(zone(self.timezone))


def _from_row(row: Meeting, start: datetime | None = None) -> Occurrence:
    assert row.id is not None
    begins = start or row.starts_at
    return Occurrence(
        meeting_id=row.id,
        series_id=row.series_id if start is None else row.id,
        title=row.title,
        kind=row.kind,
        starts_at=begins,
        ends_at=begins + (row.ends_at - row.starts_at),
        timezone=row.timezone,
        all_day=row.all_day,
        location=row.location,
        status=row.status,
    )


def rsvp_counts(session: Session, meeting_ids: list[int]) -> dict[int, RsvpCounts]:
    if not meeting_ids:
        return {}
    rows = session.exec(
        select(Invitation.meeting_id, Invitation.rsvp, func.count())
        .where(col(Invitation.meeting_id).in_(meeting_ids))
        .group_by(Invitation.meeting_id, Invitation.rsvp)
    ).all()
    tallies: dict[int, dict[str, int]] = defaultdict(dict)
    for meeting_id, rsvp, count in rows:
        tallies[meeting_id][Rsvp(rsvp).value] = count
    return {mid: RsvpCounts(**counts) for mid, counts in tallies.items()}


def occurrences(
    session: Session,
    start: datetime,
    end: datetime,
    *,
    limit: int | None = None,
    newest_first: bool = False,
) -> list[Occurrence]:
    """Meetings and series occurrences starting in [start, end], in time order (or newest
    first), with RSVP counts; at most ``limit`` of them. Cancelled ones are left out.
    """
    order = col(Meeting.starts_at).desc() if newest_first else col(Meeting.starts_at)
    singles = (
        select(Meeting)
        .where(
            Meeting.rrule == "",
            col(Meeting.starts_at) >= start,
            col(Meeting.starts_at) <= end,
            Meeting.status != MeetingStatus.CANCELLED,
        )
        .order_by(order)
    )
    if limit is not None:
        singles = singles.limit(limit)
    found = [_from_row(row) for row in session.exec(singles)]

    masters = session.exec(
        select(Meeting).where(
            Meeting.rrule != "",
            Meeting.status != MeetingStatus.CANCELLED,
            col(Meeting.starts_at) <= end,
            (col(Meeting.recurrence_ends_at).is_(None))
            | (col(Meeting.recurrence_ends_at) >= start),
        )
    ).all()
    if masters:
        overridden = set(
            session.exec(
                select(Meeting.series_id, Meeting.recurrence_id).where(
                    col(Meeting.series_id).in_([m.id for m in masters]),
                    col(Meeting.recurrence_id) >= start - timedelta(days=1),
                    col(Meeting.recurrence_id) <= end + timedelta(days=1),
                )
            ).all()
        )
        for master in masters:
            starts = occurrences_between(
                master.rrule, master.starts_at, master.timezone, start, end
            )
            if newest_first:
                starts.reverse()
            taken = 0
            for begins in starts:
                if (master.id, begins) in overridden:
                    continue
                found.append(_from_row(master, begins))
                taken += 1
                if limit is not None and taken >= limit:
                    break

    found.sort(key=lambda occ: occ.starts_at, reverse=newest_first)
    if limit is not None:
        found = found[:limit]
    return _with_rsvps(session, found)


def _with_rsvps(session: Session, found: list[Occurrence]) -> list[Occurrence]:
    ids = {occ.meeting_id for occ in found} | {occ.series_id for occ in found if occ.series_id}
    counts = rsvp_counts(session, sorted(ids))
    result = []
    for occ in found:
        tally = counts.get(occ.meeting_id) or counts.get(occ.series_id or -1) or RsvpCounts()
        result.append(replace(occ, rsvp=tally))
    return result


def upcoming_page(
    engine: Engine, now: datetime, *, days: int, offset: int, limit: int
) -> list[Occurrence]:
    """One page of what takes place in the next ``days`` days, series expanded."""
    with reading(engine) as session:
        found = occurrences(session, now, now + timedelta(days=days), limit=offset + limit)
    return found[offset:]


def past_page(engine: Engine, before: datetime, *, offset: int, limit: int) -> list[Occurrence]:
    """One page of what took place before ``before``, newest first, series expanded."""
    with reading(engine) as session:
        first = session.exec(select(func.min(Meeting.starts_at))).one()
        if first is None:
            return []
        found = occurrences(
            session, first, before - timedelta(seconds=1), limit=offset + limit, newest_first=True
        )
    return found[offset:]
