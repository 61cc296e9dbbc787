"""Conflict warnings: which invitees already have a meeting at that time."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from coordinator.meetings.schedule import Occurrence, RowSource, occurrences

LONGEST_MEETING = timedelta(days=2)


def busy(
    source: RowSource,
    person_ids: list[int],
    start: datetime,
    end: datetime,
    *,
    ignore_meeting_id: int | None = None,
) -> dict[int, list[Occurrence]]:
    """For each person who is invited elsewhere then, the overlapping meetings."""
    if not person_ids:
        return {}
    with source.rows() as rows:
        overlapping = [
            occ
            for occ in occurrences(rows, start - LONGEST_MEETING, end)
            if occ.starts_at < end
            and occ.ends_at > start
            and (
                ignore_meeting_id is None
                or ignore_meeting_id not in (occ.meeting_id, occ.series_id)
            )
        ]
        if not overlapping:
            return {}
        ids = {occ.meeting_id for occ in overlapping} | {
            occ.series_id for occ in overlapping if occ.series_id
        }
        invited: dict[int, set[int]] = defaultdict(set)
        for meeting_id, person_id in rows.all(
            "SELECT meeting_id, person_id FROM invitation WHERE meeting_id IN (:ids) AND person_id IN (:people)",
            {"ids": sorted(ids), "people": person_ids},
        ):
            invited[meeting_id].add(person_id)
    found: dict[int, list[Occurrence]] = defaultdict(list)
    for occ in overlapping:
        for person_id in invited.get(occ.meeting_id, set()) | invited.get(
            occ.series_id or -1, set()
        ):
            found[person_id].append(occ)
    return dict(found)
