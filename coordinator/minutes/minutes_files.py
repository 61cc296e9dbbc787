"""Minutes, to-do lists and the decision register as files to print or mail, in the
meeting's (or the chosen) language."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine
from sqlmodel import col, select

from coordinator.documents import Document, Section, render, table_csv
from coordinator.i18n import translator
from coordinator.labels import english_label
from coordinator.meetings.recurrence import zone
from coordinator.minutes.tasks import TaskFilter, TaskRow, task_page
from coordinator.register.gdpr import anonymised_name, shown_names
from storage.enums import AttendanceStatus, DecisionStatus, MinutesStatus
from storage.models import (
    AgendaItem,
    Attendance,
    Decision,
    Meeting,
    Minutes,
    Organisation,
    Task,
)
from storage.uow import reading


def _date(value: date | None, language: str) -> str:
    if value is None:
        return "–"
    return f"{value:%d.%m.%Y}" if language == "de" else value.isoformat()


def minutes_document(engine: Engine, meeting_id: int, language: str | None = None) -> Document:
    with reading(engine) as session:
        meeting = session.get(Meeting, meeting_id)
        minutes = session.exec(select(Minutes).where(Minutes.meeting_id == meeting_id)).first()
        if meeting is None or minutes is None:
            raise LookupError(meeting_id)
        lang = language or meeting.language
        tr = translator(lang).gettext
        local = meeting.starts_at.astimezone(zone(meeting.timezone))
        attendance = session.exec(
            select(Attendance).where(Attendance.minutes_id == minutes.id)
        ).all()
        items = session.exec(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting_id)
            .order_by(col(AgendaItem.position))
        ).all()
        decisions = session.exec(
            select(Decision).where(Decision.meeting_id == meeting_id).order_by(col(Decision.id))
        ).all()
        actions = session.exec(
            select(Task).where(Task.meeting_id == meeting_id).order_by(col(Task.id))
        ).all()
        # Only the names this document shows, not the whole register.
        person_ids = {a.person_id for a in attendance} | {t.owner_person_id for t in actions}
        person_ids = (person_ids | {minutes.minute_taker_id}) - {None}
        names = shown_names(session, person_ids, lang)
        org_ids = {t.owner_organisation_id for t in actions} - {None}
        org_names = dict(
            session.exec(
                select(Organisation.id, Organisation.name).where(col(Organisation.id).in_(org_ids))
            ).all()
        )
        by_status: dict[AttendanceStatus, list[str]] = {s: [] for s in AttendanceStatus}
        for row in attendance:
            by_status[row.status].append(names.get(row.person_id or -1, "") or row.guest_name)
        facts = [
            (tr("Meeting"), meeting.title),
            (tr("When"), f"{_date(local.date(), lang)} {local:%H:%M} ({meeting.timezone})"),
            (tr("Place"), meeting.location or "–"),
            (tr("Minutes taken by"), names.get(minutes.minute_taker_id or -1, "–")),
            (tr("Status"), tr(english_label(MinutesStatus(minutes.status)))),
        ]
        present = ", ".join(sorted(n for n in by_status[AttendanceStatus.PRESENT] if n)) or "–"
        excused = ", ".join(sorted(n for n in by_status[AttendanceStatus.EXCUSED] if n)) or "–"
        absent = ", ".join(sorted(n for n in by_status[AttendanceStatus.ABSENT] if n)) or "–"
        doc = Document(tr("Minutes: {title}").format(title=meeting.title), lang, facts)
        doc.sections.append(
            Section(
                tr("Attendance"),
                [
                    f"{tr('Present')}: {present}",
                    f"{tr('Excused')}: {excused}",
                    f"{tr('Absent')}: {absent}",
                ],
            )
        )
        for number, item in enumerate(items, start=1):
            doc.sections.append(
                Section(
                    f"{number}. {item.title}",
                    [item.minutes_text] if item.minutes_text else [],
                    empty=tr("No notes."),
                )
            )
        doc.sections.append(
            Section(
                tr("Decisions and agreements"), header=[tr("Kind"), tr("Decision")],
                rows=[[tr(english_label(d.kind)), d.text] for d in decisions], empty=tr("No decisions."),
            )
        )  # fmt: skip
        doc.sections.append(
            Section(
                tr("To-do"), header=[tr("Task"), tr("Owner"), tr("Due"), tr("Status")],
                rows=[
                    [t.title, names.get(t.owner_person_id or -1, "") or org_names.get(t.owner_organisation_id or -1, "–"),
                     _date(t.due_on, lang), tr(english_label(t.status))]
                    for t in actions
                ],
                empty=tr("No tasks."),
            )
        )  # fmt: skip
        return doc


def render_minutes(
    engine: Engine, meeting_id: int, fmt: str, language: str | None = None
) -> str | bytes:
    return render(minutes_document(engine, meeting_id, language), fmt)


def _owner(row: TaskRow, language: str) -> str:
    if row.erased_owner is not None:
        return anonymised_name(row.erased_owner, language)
    return row.owner or "–"


def todo_language(engine: Engine, flt: TaskFilter, default: str) -> str:
    """The language a to-do list is written in: its meeting's, else its owner's (a person's
    preferred language), else ``default`` (the interface's)."""
    from coordinator.i18n import LANGUAGES
    from storage.models import Person

    with reading(engine) as session:
        meeting = session.get(Meeting, flt.meeting_id) if flt.meeting_id is not None else None
        person = (
            session.get(Person, flt.owner_person_id) if flt.owner_person_id is not None else None
        )
        for wanted in (
            meeting.language if meeting else "",
            person.preferred_language if person else "",
        ):
            if wanted in LANGUAGES:
                return wanted
    return default


def todo_document(
    engine: Engine, flt: TaskFilter, *, title: str, language: str, today: date
) -> Document:
    tr = translator(language).gettext
    rows = task_page(engine, flt, offset=0, limit=100_000, today=today)
    doc = Document(title, language, [(tr("As of"), _date(today, language))])
    doc.sections.append(
        Section(
            tr("To-do"), header=[tr("Due"), tr("Task"), tr("Owner"), tr("Status"), tr("Meeting")],
            rows=[[_date(r.due_on, language), r.title, _owner(r, language), tr(english_label(r.status)), r.meeting or "–"] for r in rows],
            empty=tr("No tasks."),
        )
    )  # fmt: skip
    return doc


def render_todo(
    engine: Engine, flt: TaskFilter, fmt: str, *, title: str, language: str, today: date
) -> str | bytes:
    """The to-do list as a document (md, txt, html), or its table (csv, xlsx)."""
    doc = todo_document(engine, flt, title=title, language=language, today=today)
    if fmt in ("csv", "xlsx"):
        from coordinator.register.workbooks import write_workbook

        section = doc.sections[0]
        if fmt == "xlsx":
            return write_workbook(title, section.header, section.rows)
        return table_csv(section.header, section.rows)
    return render(doc, fmt)


def decision_register(
    engine: Engine, *, language: str, text: str = "", status: DecisionStatus | None = None
) -> Document:
    """Every decision and agreement, newest first, with its meeting and status."""
    from storage.search import fold

    tr = translator(language).gettext
    with reading(engine) as session:
        query = (
            select(Decision, Meeting.title)
            .join(Meeting, col(Meeting.id) == col(Decision.meeting_id))
            .order_by(col(Decision.decided_on).desc(), col(Decision.id).desc())
        )
        if status is not None:
            query = query.where(Decision.status == status)
        words = [fold(w) for w in text.split()]
        rows = [
            [
                _date(d.decided_on, language),
                tr(english_label(d.kind)),
                d.text,
                title,
                tr(english_label(d.status)),
            ]
            for d, title in session.exec(query)
            if all(w in fold(f"{d.text} {title}") for w in words)
        ]
    doc = Document(tr("Decision register"), language)
    doc.sections.append(
        Section(
            tr("Decisions and agreements"),
            header=[tr("Date"), tr("Kind"), tr("Decision"), tr("Meeting"), tr("Status")],
            rows=rows,
            empty=tr("No decisions."),
        )
    )
    return doc


def decision_rows(
    engine: Engine, *, text: str = "", limit: int = 500
) -> list[tuple[int, date, str, str, str, str]]:
    """Decisions for the register screen: (id, date, kind label id, text, meeting, status)."""
    from storage.search import fold

    words = [fold(w) for w in text.split()]
    with reading(engine) as session:
        found = []
        for d, title in session.exec(
            select(Decision, Meeting.title)
            .join(Meeting, col(Meeting.id) == col(Decision.meeting_id))
            .order_by(col(Decision.decided_on).desc(), col(Decision.id).desc())
        ):
            if all(w in fold(f"{d.text} {title}") for w in words):
                found.append(
                    (
                        d.id or 0,
                        d.decided_on,
                        english_label(d.kind),
                        d.text,
                        title,
                        english_label(d.status),
                    )
                )
                if len(found) >= limit:
                    break
        return found
