"""Which meetings take place when: standalone meetings and the occurrences of series.

Reads only, in portable SQL (see storage/rows.py). An occurrence of a series that has a row
of its own (moved, cancelled, or given its own agenda or minutes) is taken from that row; the
others come from expanding the master's rule in its time zone.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Protocol

from coordinator.meetings.recurrence import iter_occurrences, occurrences_between, zone
from storage.enums import MeetingKind, MeetingStatus, Rsvp
from storage.rows import Row, Rows, utc


class RowSource(Protocol):
    """Something that opens a read connection for one operation (the app's Context)."""

    def rows(self) -> AbstractContextManager[Rows]: ...


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
        return self.starts_at.astimezone(zone(self.timezone))


_COLUMNS = (
    "id, series_id, title, kind, starts_at, ends_at, timezone, all_day, location, status, rrule"
)


def _parse(row: Row) -> tuple[Occurrence, str]:
    """A meeting row as the occurrence it stands for, and its recurrence rule ("" if none)."""
    mid, series, title, kind, starts, ends, tz, all_day, location, status, rule = row
    occurrence = Occurrence(
        mid, series, title, MeetingKind(kind), _utc(starts), _utc(ends), tz, bool(all_day),
        location, MeetingStatus(status),
    )  # fmt: skip
    return occurrence, rule


def _shifted(master: Occurrence, begins: datetime) -> Occurrence:
    """The occurrence of a series master that starts at ``begins``."""
    length = master.ends_at - master.starts_at
    return replace(master, series_id=master.meeting_id, starts_at=begins, ends_at=begins + length)


def _utc(value: Any) -> datetime:
    result = utc(value)
    assert result is not None
    return result


def rsvp_counts(rows: Rows, meeting_ids: list[int]) -> dict[int, RsvpCounts]:
    if not meeting_ids:
        return {}
    tallies: dict[int, dict[str, int]] = defaultdict(dict)
    for meeting_id, rsvp, count in rows.all(
        "SELECT meeting_id, rsvp, COUNT(*) FROM invitation WHERE meeting_id IN (:ids) "
        "GROUP BY meeting_id, rsvp",
        {"ids": meeting_ids},
    ):
        tallies[meeting_id][Rsvp(rsvp).value] = count
    return {mid: RsvpCounts(**counts) for mid, counts in tallies.items()}


def occurrences(
    rows: Rows,
    start: datetime,
    end: datetime,
    *,
    limit: int | None = None,
    newest_first: bool = False,
) -> list[Occurrence]:
    """Meetings and series occurrences starting in [start, end], in time order (or newest
    first), with RSVP counts; at most ``limit`` of them. Cancelled ones are left out."""
    params: dict[str, Any] = {"start": start, "end": end, "cancelled": MeetingStatus.CANCELLED}
    singles_sql = (
        f"SELECT {_COLUMNS} FROM meeting WHERE rrule = '' AND starts_at >= :start "
        "AND starts_at <= :end AND status != :cancelled "
        f"ORDER BY starts_at {'DESC' if newest_first else 'ASC'}, id"
    )
    if limit is not None:
        singles_sql += " LIMIT :limit"
        params["limit"] = limit
    found = [_parse(r)[0] for r in rows.all(singles_sql, params)]

    # The series' last start (recurrence_ends_at) lets a long series expand from near the window.
    masters = [
        (*_parse(r[:-1]), utc(r[-1]))
        for r in rows.all(
            f"SELECT {_COLUMNS}, recurrence_ends_at FROM meeting WHERE rrule != '' AND status != :cancelled "
            "AND starts_at <= :end AND (recurrence_ends_at IS NULL OR recurrence_ends_at >= :start)",
            {"start": start, "end": end, "cancelled": MeetingStatus.CANCELLED},
        )
    ]
    if masters:
        overridden = {
            (series_id, utc(recurrence_id))
            for series_id, recurrence_id in rows.all(
                "SELECT series_id, recurrence_id FROM meeting WHERE series_id IN (:ids) "
                "AND recurrence_id >= :start AND recurrence_id <= :end",
                {
                    "ids": [m.meeting_id for m, _rule, _last in masters],
                    "start": start - timedelta(days=1),
                    "end": end + timedelta(days=1),
                },
            )
        }
        if limit is not None and not newest_first:
            # The first ``limit`` of all series together: merge their lazy expansions.
            streams = [
                _tagged(rule, m, index, start, end, last)
                for index, (m, rule, last) in enumerate(masters)
            ]
            taken = 0
            for begins, index in heapq.merge(*streams):
                master = masters[index][0]
                if (master.meeting_id, begins) in overridden:
                    continue
                found.append(_shifted(master, begins))
                taken += 1
                if taken >= limit:
                    break
        else:
            for master, rule, last in masters:
                starts = occurrences_between(
                    rule, master.starts_at, master.timezone, start, end, last=last
                )
                if newest_first:
                    starts.reverse()
                for begins in starts[: limit if limit is not None else None]:
                    if (master.meeting_id, begins) not in overridden:
                        found.append(_shifted(master, begins))

    found.sort(key=lambda occ: occ.starts_at, reverse=newest_first)
    if limit is not None:
        found = found[:limit]
    return _with_rsvps(rows, found)


def _tagged(
    rule: str, master: Occurrence, index: int, start: datetime, end: datetime, last: datetime | None
) -> Iterator[tuple[datetime, int]]:
    """A series' starts in [start, end], each tagged with the series' index, for merging."""
    for begins in iter_occurrences(rule, master.starts_at, master.timezone, start, end, last=last):
        yield begins, index


def _with_rsvps(rows: Rows, found: list[Occurrence]) -> list[Occurrence]:
    ids = {occ.meeting_id for occ in found} | {occ.series_id for occ in found if occ.series_id}
    counts = rsvp_counts(rows, sorted(ids))
    return [
        replace(
            occ, rsvp=counts.get(occ.meeting_id) or counts.get(occ.series_id or -1) or RsvpCounts()
        )
        for occ in found
    ]


def upcoming_page(
    source: RowSource, now: datetime, *, days: int, offset: int, limit: int
) -> list[Occurrence]:
    """One page of what takes place in the next ``days`` days, series expanded."""
    with source.rows() as rows:
        found = occurrences(rows, now, now + timedelta(days=days), limit=offset + limit)
    return found[offset:]


def past_page(source: RowSource, before: datetime, *, offset: int, limit: int) -> list[Occurrence]:
    """One page of what took place before ``before``, newest first, series expanded. The
    window reaches back further only until the page is full."""
    wanted = offset + limit
    with source.rows() as rows:
        first = utc(rows.scalar("SELECT MIN(starts_at) FROM meeting"))
        if first is None:
            return []
        span = timedelta(days=90)
        while True:
            start = max(first, before - span)
            found = occurrences(
                rows, start, before - timedelta(seconds=1), limit=wanted, newest_first=True
            )
            if len(found) >= wanted or start == first:
                return found[offset:]
            span *= 4
