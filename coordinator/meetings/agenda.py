"""The agenda (Tagesordnung): ordered items with presenter and planned minutes, each with its
computed start time; open tasks of the series are offered as follow-up items."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, false, func
from sqlmodel import Session, col, select

from coordinator.i18n import LANGUAGES, N_, _, translator
from coordinator.meetings.recurrence import zone
from coordinator.register.gdpr import shown_names
from coordinator.validation import Checker
from storage.enums import TaskStatus
from storage.models import AgendaItem, Meeting, Task
from storage.uow import reading, transaction


@dataclass(frozen=True)
class AgendaLine:
    id: int
    position: int
    title: str
    presenter: str
    duration_minutes: int
    note: str
    starts_at: datetime  # computed from the meeting's start and the items before it
    source_task_id: int | None


def _check(title: str, minutes: int) -> tuple[str, int]:
    check = Checker()
    title = check.required("title", title, max_length=300)
    if not 0 < minutes <= 600:
        check.fail("duration_minutes", _("Between 1 and 600 minutes."))
    check.check()
    return title, minutes


def checked_item(engine: Engine, typed: dict[str, str]) -> dict[str, object]:
    """What an agenda item dialog typed (title, minutes, presenter by name, e-mail or #ID),
    checked: add_item's arguments, or ValidationError naming each bad field."""
    from coordinator.register.people import find_person

    check = Checker()
    title = check.required("title", typed.get("title", ""), max_length=300)
    minutes_text = typed.get("minutes", "").strip() or "15"
    minutes = int(minutes_text) if minutes_text.isdigit() else 0
    if not 0 < minutes <= 600:
        check.fail("minutes", _("Between 1 and 600 minutes."))
    presenter_id = None
    if typed.get("presenter", "").strip():
        with reading(engine) as session:
            presenter_id = find_person(session, typed["presenter"], check, "presenter")
    check.check()
    return {"title": title, "minutes": minutes, "presenter_id": presenter_id}


def add_item(
    engine: Engine, meeting_id: int, title: str, *, minutes: int = 15, presenter_id: int | None = None,
    note: str = "", source_task_id: int | None = None,
) -> int:  # fmt: skip
    title, minutes = _check(title, minutes)
    with transaction(engine) as session:
        return _add_item(session, meeting_id, title, minutes, presenter_id, note, source_task_id)


def _add_item(
    session: Session, meeting_id: int, title: str, minutes: int, presenter_id: int | None = None,
    note: str = "", source_task_id: int | None = None,
) -> int:  # fmt: skip
    if session.get(Meeting, meeting_id) is None:
        raise LookupError(meeting_id)
    last = session.exec(
        select(func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting_id)
    ).one()
    item = AgendaItem(
        meeting_id=meeting_id, position=(last if last is not None else -1) + 1, title=title,
        presenter_id=presenter_id, duration_minutes=minutes, note=note.strip(), source_task_id=source_task_id,
    )  # fmt: skip
    session.add(item)
    session.flush()
    assert item.id is not None
    return item.id


def _items(session: Session, meeting_id: int) -> list[AgendaItem]:
    return list(
        session.exec(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting_id)
            .order_by(col(AgendaItem.position), col(AgendaItem.id))
        )
    )


def move_item(engine: Engine, item_id: int, step: int) -> None:
    """Move an item up (step -1) or down (+1); positions stay 0, 1, 2, ..."""
    with transaction(engine) as session:
        item = session.get(AgendaItem, item_id)
        if item is None:
            raise LookupError(item_id)
        items = _items(session, item.meeting_id)
        index = next(i for i, it in enumerate(items) if it.id == item_id)
        target = max(0, min(len(items) - 1, index + step))
        items.insert(target, items.pop(index))
        for position, it in enumerate(items):
            it.position = position


def remove_item(engine: Engine, item_id: int) -> None:
    with transaction(engine) as session:
        item = session.get(AgendaItem, item_id)
        if item is None:
            raise LookupError(item_id)
        meeting_id = item.meeting_id
        session.delete(item)
        session.flush()
        for position, it in enumerate(_items(session, meeting_id)):
            it.position = position


def agenda(engine: Engine, meeting_id: int, language: str | None = None) -> list[AgendaLine]:
    """The items in order with their start times; presenters named as a document in
    ``language`` shows them (the interface's language when none is given)."""
    with reading(engine) as session:
        meeting = session.get(Meeting, meeting_id)
        if meeting is None:
            raise LookupError(meeting_id)
        presenters = session.exec(
            select(AgendaItem.presenter_id).where(AgendaItem.meeting_id == meeting_id)
        ).all()
        names = shown_names(session, set(presenters), language)
        clock = meeting.starts_at.astimezone(zone(meeting.timezone))
        lines = []
        for item in _items(session, meeting_id):
            lines.append(
                AgendaLine(
                    item.id or 0, item.position, item.title, names.get(item.presenter_id or -1, ""),
                    item.duration_minutes, item.note, clock, item.source_task_id,
                )
            )  # fmt: skip
            clock += timedelta(minutes=item.duration_minutes)
        return lines


def open_followups(engine: Engine, meeting_id: int) -> list[tuple[int, str]]:
    """Open tasks from earlier meetings of the same series."""
    with reading(engine) as session:
        return _open_followups(session, meeting_id)


def _open_followups(session: Session, meeting_id: int) -> list[tuple[int, str]]:
    """Open tasks agreed at the series' earlier meetings. Tasks kept on the series itself (its
    master row, which also holds the first date) are the series' plan: only those due by this
    meeting's day, or without a due date and made before it, are its follow-up; the rest are
    future work, not something to report on yet."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise LookupError(meeting_id)
    series = meeting.series_id or (meeting.id if meeting.rrule else None)
    if series is None:
        return []
    starts = meeting.starts_at
    day = starts.astimezone(zone(meeting.timezone)).date()
    earlier_dates = select(Meeting.id).where(
        col(Meeting.series_id) == series, col(Meeting.starts_at) < starts
    )
    on_earlier_date = col(Task.meeting_id).in_(earlier_dates)
    if series == meeting.id:
        planned = false()
    else:
        planned = (col(Task.meeting_id) == series) & (
            (col(Task.due_on) <= day)
            | (col(Task.due_on).is_(None) & (col(Task.created_at) < starts))
        )
    rows = session.exec(
        select(Task.id, Task.title)
        .where(
            on_earlier_date | planned,
            col(Task.status).in_((TaskStatus.OPEN, TaskStatus.IN_PROGRESS)),
        )
        .order_by(col(Task.due_on), col(Task.id))
    ).all()
    return [(tid or 0, title) for tid, title in rows]


FOLLOW_UP_TITLE = N_("Follow-up of agreed steps")


def add_followups(engine: Engine, meeting_id: int) -> int:
    """Put (or renew) the agenda item "Follow-up of agreed steps" listing the open tasks of the
    series' earlier meetings; returns how many it lists."""
    with transaction(engine) as session:
        return carry_open_tasks(session, meeting_id)


def carry_open_tasks(session: Session, meeting_id: int) -> int:
    """One agenda item for all open tasks (its note lists them), so a long backlog does not
    swamp the agenda; the coordinator can remove it or add single tasks as their own items."""
    offered = _open_followups(session, meeting_id)
    if not offered:
        return 0
    note = "\n".join(f"- {title}" for _id, title in offered)
    meeting = session.get(Meeting, meeting_id)
    assert meeting is not None  # _open_followups found it
    # The agenda is the meeting's document: its title in the meeting's language, whatever
    # the screen speaks; one written earlier in another language is renewed, not doubled.
    title = translator(meeting.language).gettext(FOLLOW_UP_TITLE)
    titles = {translator(code).gettext(FOLLOW_UP_TITLE) for code in LANGUAGES} | {title}
    existing = session.exec(
        select(AgendaItem).where(
            AgendaItem.meeting_id == meeting_id, col(AgendaItem.title).in_(titles)
        )
    ).first()
    if existing is not None:
        existing.title, existing.note = title, note
    else:
        _add_item(session, meeting_id, title, min(5 + len(offered), 20), note=note)
    return len(offered)
