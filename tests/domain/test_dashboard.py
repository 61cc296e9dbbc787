"""The dashboard of the sample network shows what a coordinator must act on."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from coordinator import dashboard
from coordinator.context import Context
from coordinator.meetings.recurrence import zone
from coordinator.minutes import tasks
from storage.enums import TaskStatus
from tests.conftest import FROZEN_NOW


def test_next_meetings_expand_series_in_order_with_rsvp_counts(sample_context: Context) -> None:
    data = dashboard.load(sample_context, FROZEN_NOW)
    starts = [occ.starts_at for occ in data.next_meetings]
    assert starts == sorted(starts) and starts[0] > FROZEN_NOW
    first = data.next_meetings[0]
    assert first.title == "Netzwerktreffen"
    assert first.local_start == datetime(2026, 12, 1, 18, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    assert first.rsvp.invited > 10 and first.rsvp.accepted > 0


def test_overdue_and_due_tasks(sample_context: Context) -> None:
    data = dashboard.load(sample_context, FROZEN_NOW)
    today = FROZEN_NOW.date()
    assert data.overdue_count >= len(data.overdue) > 0
    assert all(t.due_on is not None and t.due_on < today for t in data.overdue)
    assert all(t.status in (TaskStatus.OPEN, TaskStatus.IN_PROGRESS) for t in data.overdue)
    assert data.due_this_week_count > 0
    assert all(
        t.due_on is not None and today <= t.due_on <= date(2026, 11, 28) for t in data.due_this_week
    )


def test_followups_are_oldest_first(sample_context: Context) -> None:
    data = dashboard.load(sample_context, FROZEN_NOW)
    assert data.followup_count >= len(data.followups) > 0
    contacted = [f.last_contact_at for f in data.followups if f.last_contact_at]
    never = [f for f in data.followups if f.last_contact_at is None]
    assert data.followups[: len(never)] == never
    assert contacted == sorted(contacted)


def test_open_polls(sample_context: Context) -> None:
    data = dashboard.load(sample_context, FROZEN_NOW)
    assert [p.title for p in data.open_polls] == [
        "Jubiläumsfest: 15 Jahre Netzwerk Vielfalt",
        "Workshop Vereinsrecht für Ehrenamtliche",
    ]
    assert all(p.slots == 4 and p.respondents > 0 for p in data.open_polls)
    assert data.open_polls[0].first_slot == datetime(
        2030, 6, 15, 14, tzinfo=zone("Europe/Berlin")
    ).astimezone(UTC)


def test_sample_stays_alive_until_2030(sample_context: Context) -> None:
    for year in (2027, 2028, 2029, 2030):
        data = dashboard.load(sample_context, datetime(year, 5, 4, 8, tzinfo=UTC))
        assert data.next_meetings, year
        assert data.overdue_count > 0, year
        assert data.due_this_week_count > 0, year
        assert data.open_polls, year


def test_past_meetings_include_series_occurrences_newest_first(sample_context: Context) -> None:
    from coordinator.meetings.schedule import past_page

    first_page = past_page(sample_context, FROZEN_NOW, offset=0, limit=5)
    second_page = past_page(sample_context, FROZEN_NOW, offset=5, limit=5)
    starts = [occ.starts_at for occ in first_page + second_page]
    assert starts == sorted(starts, reverse=True)
    assert len(set(starts)) == 10
    assert first_page[0].local_start.date() == date(2026, 11, 17)  # planned, not yet minuted
    assert all(occ.starts_at < FROZEN_NOW for occ in first_page)


def test_today_is_the_local_date(monkeypatch, sample_context: Context) -> None:  # type: ignore[no-untyped-def]
    """At 00:30 in Berlin it is still yesterday in UTC: tasks due "today" are the local day's."""
    import time

    late = datetime(2026, 11, 22, 23, 30, tzinfo=UTC)  # 00:30 on the 23rd in Berlin
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    try:
        assert Context(engine=sample_context.engine, clock=lambda: late).today() == date(
            2026, 11, 23
        )
        tasks.create_task(sample_context.engine, "Saal buchen", due_on=date(2026, 11, 22))
        data = dashboard.load(sample_context, late, rows=1000)
        assert "Saal buchen" in [t.title for t in data.overdue]  # due yesterday, locally
        assert "Saal buchen" not in [t.title for t in data.due_this_week]
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
