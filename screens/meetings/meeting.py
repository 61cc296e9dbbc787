"""One meeting: its facts, agenda (reorder by keys), invitees and their answers, and the date
poll. Keys act on the table that has the focus."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header

from coordinator.context import Context
from coordinator.i18n import _, ngettext
from coordinator.labels import format_date, format_datetime, label
from coordinator.meetings import agenda, date_poll, invitations, meetings
from coordinator.meetings.agenda_files import FORMATS, render
from coordinator.meetings.overview import MeetingView, meeting_view
from coordinator.meetings.recurrence import zone
from coordinator.meetings.rule_words import describe_rule
from coordinator.network.concurrency import version_of
from screens.after_work import DismissAfterWork
from screens.conflict import attempt
from screens.dialogs import ConfirmDialog
from screens.documents import write_documents
from screens.forms import RELOAD
from screens.meetings.dialogs import AgendaItemDialog, InviteDialog, MeetingForm, PollDialog
from screens.text import Label, Static, one_line, plain_line, styled
from screens.translate import translate_bindings
from screens.widgets import DataTable
from storage.enums import Availability, MeetingStatus, Rsvp
from storage.models import Meeting

RSVP_KEYS = {"y": Rsvp.ACCEPTED, "m": Rsvp.TENTATIVE, "n": Rsvp.DECLINED}
POLL_KEYS = {"y": Availability.YES, "m": Availability.IF_NEED_BE, "n": Availability.NO}
POLL_MARKS = {Availability.YES: "✓", Availability.IF_NEED_BE: "(✓)", Availability.NO: "✗"}


class MeetingScreen(DismissAfterWork, Screen[bool]):
    # The footer shows the meeting's own actions in the order they are used; the agenda's
    # ^↑ ^↓ and Del are named above the agenda, y/m/n above the invitees; `c` shows while a
    # poll is open, `k` while the meeting is planned (check_action). `?` lists every key.
    BINDINGS = [
        Binding("escape", "close", "Back"),
        Binding("e", "edit", "Edit"),
        Binding("a", "add_item", "Agenda item"),
        Binding("i", "invite", "Invite"),
        Binding("r", "minutes", "Minutes"),
        Binding("w", "write_agenda", "Agenda files"),
        Binding("s", "calendar_file", "Calendar file"),
        Binding("p", "poll", "Find a date"),
        Binding("c", "choose", "Choose date"),
        Binding("k", "confirm_meeting", "Confirm"),
        Binding("f", "followups", "Follow-ups"),
        Binding("x", "cancel_meeting", "Cancel meeting"),
        Binding("H", "record_changes", "Changes", key_display="H"),
        Binding("ctrl+up", "move(-1)", "Item up", key_display="^↑", show=False),
        Binding("ctrl+down", "move(1)", "Item down", key_display="^↓", show=False),
        Binding("delete", "remove_item", "Remove item", show=False),
        Binding("y", "answer('y')", "Yes", show=False),
        Binding("m", "answer('m')", "Maybe", show=False),
        Binding("n", "answer('n')", "No", show=False),
        Binding("Y", "answer('y', True)", "Yes, every date", show=False),
        Binding("M", "answer('m', True)", "Maybe, every date", show=False),
        Binding("N", "answer('n', True)", "No, every date", show=False),
    ]
    # y/m/n answer for the highlighted invitee as soon as the meeting opens.
    AUTO_FOCUS = "#invitee-table"

    def __init__(self, context: Context, meeting_id: int) -> None:
        super().__init__()
        self.context = context
        self.meeting_id = meeting_id
        self.view: MeetingView | None = None
        self.changed = False
        translate_bindings(self)

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(can_focus=False):  # Tab goes from table to table
            yield Static(_("Loading…"), id="meeting-facts")
            yield Label(
                _("Agenda")
                + "  (a "
                + _("add")
                + ", ^↑ ^↓ "
                + _("move")
                + ", Del "
                + _("remove")
                + ")",
                classes="section-title",
            )
            yield DataTable(id="agenda-table", cursor_type="row")
            yield Label(_("Invitees"), classes="section-title", id="invitee-title")
            yield DataTable(id="invitee-table", cursor_type="row")
            yield Label("", classes="section-title", id="poll-title")
            yield DataTable(id="poll-table", cursor_type="cell")
        yield Footer()

    def on_mount(self) -> None:
        self.reload()

    def refresh_data(self) -> None:
        """Another coordinator changed the network: show it (dialogs above stay as typed)."""
        self.reload()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def reload(self) -> None:
        try:
            view = meeting_view(self.context.engine, self.context, self.meeting_id)
        except LookupError:
            self.dismiss_after_work(True)
            return
        self.app.call_from_thread(self.show, view)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Choosing a date only while a poll is open, confirming only a planned meeting: the
        footer then does not offer what would do nothing."""
        view = self.view
        if action == "choose":
            return bool(view and view.poll and view.poll.status == "open")
        if action == "confirm_meeting":
            return bool(view and view.status == MeetingStatus.PLANNED)
        return True

    def show(self, view: MeetingView) -> None:
        first = self.view is None
        self.view = view
        self.sub_title = f"{one_line(view.title)} · ID {view.id}"
        tz = zone(view.timezone)
        counts = {r: sum(1 for i in view.invitees if i.rsvp == r) for r in Rsvp}
        place = view.location or "–"
        if view.online_url:
            place += f"  ·  {view.online_url}"
        facts = [
            styled(
                "[b]$title[/b]  ($kind, $status)",
                title=view.title,
                kind=label(view.kind),
                status=label(view.status),
            ),
            plain_line(
                f"{_('When')}: {format_datetime(view.starts_at.astimezone(tz))} – {view.ends_at.astimezone(tz):%H:%M} ({view.timezone})"
            ),
            plain_line(f"{_('Place')}: {place}"),
            plain_line(
                _("{yes} accepted · {maybe} tentative · {no} declined · {open} no reply").format(
                    yes=counts[Rsvp.ACCEPTED],
                    maybe=counts[Rsvp.TENTATIVE],
                    no=counts[Rsvp.DECLINED],
                    open=counts[Rsvp.NO_REPLY],
                )
            ),
        ]
        if view.rrule:
            rule = describe_rule(view.rrule, view.starts_at, view.timezone)
            facts.append(plain_line(_("Part of a series: {rule}").format(rule=rule)))
        self.query_one("#meeting-facts", Static).update(Content("\n").join(facts))

        items = self.query_one("#agenda-table", DataTable)
        cursor = items.cursor_row
        items.clear(columns=True)
        items.add_columns(_("Time"), _("Item"), _("Presenter"), _("Duration"), _("Note"))
        for line in view.agenda:
            note = line.note.replace("\n", "; ")
            items.add_row(
                f"{line.starts_at:%H:%M}",
                line.title,
                line.presenter,
                str(line.duration_minutes),
                note if len(note) <= 60 else note[:59] + "…",
                key=str(line.id),
            )
        if view.agenda:
            items.move_cursor(row=min(cursor, len(view.agenda) - 1))

        keys = (
            _("y / m / n this date, Y / M / N every date")
            if view.series_id
            else "y / m / n " + _("record the answer")
        )
        self.query_one("#invitee-title", Label).update(
            f"{_('Invitees')}  (i {_('invite')}; {keys})"
        )
        people = self.query_one("#invitee-table", DataTable)
        cursor = people.cursor_row
        people.clear(columns=True)
        people.add_columns(_("Name"), _("Answer"), _("Update due"), _("Busy with"))
        for inv in view.invitees:
            answer = label(inv.rsvp)
            people.add_row(
                inv.name,
                _("{answer} (this date)").format(answer=answer) if inv.own_date else answer,
                "✉" if inv.needs_update else "",
                inv.busy_with,
                key=str(inv.person_id),
            )
        if view.invitees:
            people.move_cursor(row=min(cursor, len(view.invitees) - 1))
        elif first and view.agenda and self.focused is people:
            items.focus()  # nobody invited yet: the keys act on the agenda
        self._show_poll(view)
        self.refresh_bindings()

    def _show_poll(self, view: MeetingView) -> None:
        table = self.query_one("#poll-table", DataTable)
        cursor = table.cursor_coordinate  # an answer keeps the cursor on its cell
        table.clear(columns=True)
        title = self.query_one("#poll-title", Label)
        if view.poll is None:
            title.update(_("No date poll (p starts one)."))
            table.display = False
            return
        table.display = True
        best = view.poll_ranking[0].slot_id if view.poll_ranking else None
        tz = zone(view.poll.timezone)
        if view.poll.status == "open":
            title.update(
                _(
                    "Date poll (open): y / m / n records availability, c chooses the highlighted date"
                )
            )
        else:
            title.update(_("Date poll (closed)"))
        table.add_column(_("Name"), key="name")
        for slot_id, start, end in view.poll.slots:
            mark = " ★" if slot_id == best else ""
            table.add_column(
                f"{format_datetime(start.astimezone(tz))}–{end.astimezone(tz):%H:%M}{mark}",
                key=str(slot_id),
            )
        for person_id, name in view.poll.people:
            marks = [
                POLL_MARKS.get(view.poll.answers.get((person_id, sid)), "")
                for sid, _s, _e in view.poll.slots
            ]  # type: ignore[arg-type]
            table.add_row(name, *marks, key=str(person_id))
        scores = {s.slot_id: s for s in view.poll_ranking}
        table.add_row(
            Text(_("yes / maybe / clashes"), style="bold"),
            *[
                f"{scores[sid].yes}/{scores[sid].if_need_be}/{scores[sid].conflicts}"
                for sid, _s, _e in view.poll.slots
            ],
            key="score",
        )
        table.cursor_coordinate = table.validate_cursor_coordinate(cursor)

    # -- actions --------------------------------------------------------------------------------

    def _after(self) -> None:
        self.changed = True
        self.reload()

    def _guard(self, action: Any) -> None:
        if attempt(self, action):
            self._after()

    def action_close(self) -> None:
        self.dismiss(self.changed)

    def action_edit(self) -> None:
        def save(value: meetings.MeetingInput, version: int) -> None:
            if meetings.update_meeting(
                self.context.engine, self.meeting_id, value, expected_version=version
            ):
                self.notify(_("Time or place changed: the invitees are marked for an update."))

        def closed(saved: object) -> None:
            if saved == RELOAD:
                self.action_edit()
            if saved:
                self._after()

        version = version_of(self.context.engine, Meeting, self.meeting_id)
        current = meetings.input_of(self.context.engine, self.meeting_id)
        self.app.push_screen(
            MeetingForm(
                _("Edit {name}").format(name=current.title), current, save, version=version
            ),
            closed,
        )

    def action_record_changes(self) -> None:
        from screens.changes import RecordChangesDialog

        self.app.push_screen(RecordChangesDialog(self.context, f"meeting:{self.meeting_id}"))

    def action_add_item(self) -> None:
        def added(result: Any) -> None:
            if result:
                self._guard(lambda: agenda.add_item(self.context.engine, self.meeting_id, **result))

        self.app.push_screen(
            AgendaItemDialog(lambda typed: agenda.checked_item(self.context.engine, typed)), added
        )

    def _selected_key(self, table_id: str) -> str | None:
        table = self.query_one(table_id, DataTable)
        if table.row_count == 0:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def action_move(self, step: int) -> None:
        key = self._selected_key("#agenda-table")
        if key is not None:
            agenda.move_item(self.context.engine, int(key), step)
            table = self.query_one("#agenda-table", DataTable)
            table.move_cursor(row=max(0, min(table.row_count - 1, table.cursor_row + step)))
            self._after()

    def action_remove_item(self) -> None:
        key = self._selected_key("#agenda-table")
        if key is not None and self.focused is self.query_one("#agenda-table"):
            agenda.remove_item(self.context.engine, int(key))
            self._after()

    def action_followups(self) -> None:
        offered = agenda.open_followups(self.context.engine, self.meeting_id)
        if not offered:
            self.notify(_("No open tasks from earlier meetings of this series."))
            return
        added: list[int] = []
        if not attempt(
            self, lambda: added.append(agenda.add_followups(self.context.engine, self.meeting_id))
        ):
            return
        self.notify(
            ngettext(
                "{n} open task added to the agenda.",
                "{n} open tasks added to the agenda.",
                added[0],
            ).format(n=added[0])
        )
        self._after()

    def action_invite(self) -> None:
        target = self.view.series_id if self.view and self.view.series_id else self.meeting_id

        def invited(added: Any) -> None:
            if isinstance(added, int):
                self.notify(
                    ngettext("{n} person invited.", "{n} people invited.", added).format(n=added)
                )
                self._after()

        engine = self.context.engine
        self.app.push_screen(
            InviteDialog(lambda kind, name: invitations.invite_by_name(engine, target, kind, name)),
            invited,
        )

    def action_answer(self, key: str, every_date: bool = False) -> None:
        """y/m/n: the answer for this meeting, or for this date of a series (the series'
        answer stays for the other dates); Y/M/N: the answer for every date of the series."""
        focused = self.focused
        if focused is self.query_one("#invitee-table"):
            person = self._selected_key("#invitee-table")
            if person is not None and self.view:
                answer = invitations.set_series_rsvp if every_date else invitations.set_rsvp
                answer(self.context.engine, self.meeting_id, int(person), RSVP_KEYS[key])
                self._after()
        elif focused is self.query_one("#poll-table") and self.view and self.view.poll:
            table = self.query_one("#poll-table", DataTable)
            cell = table.coordinate_to_cell_key(table.cursor_coordinate)
            if cell.column_key.value in (None, "name") or cell.row_key.value in (None, "score"):
                return
            self._guard(
                lambda: date_poll.record_answer(
                    self.context.engine,
                    int(cell.column_key.value or 0),
                    int(cell.row_key.value or 0),
                    POLL_KEYS[key],
                )
            )

    def action_poll(self) -> None:
        if self.view is None:
            return
        timezone = self.view.timezone

        def save(text: str, volunteers: bool) -> None:
            slots = date_poll.parse_slots(text, timezone)
            date_poll.create_poll(
                self.context.engine, self.meeting_id, slots, volunteers=volunteers
            )

        self.app.push_screen(PollDialog(save), lambda ok: self._after() if ok else None)

    def action_choose(self) -> None:
        view = self.view
        if view is None or view.poll is None or not view.poll_ranking:
            return
        table = self.query_one("#poll-table", DataTable)
        slot_id = view.poll_ranking[0].slot_id
        if self.focused is table:
            column = table.coordinate_to_cell_key(table.cursor_coordinate).column_key.value
            if column not in (None, "name"):
                slot_id = int(column or 0)
        start = next(s for sid, s, _e in view.poll.slots if sid == slot_id)

        def confirmed(answer: Any) -> None:
            if answer:
                self._guard(
                    lambda: date_poll.choose_slot(self.context.engine, view.poll.poll_id, slot_id)
                )  # type: ignore[union-attr]

        when = format_datetime(start.astimezone(zone(view.timezone)))
        self.app.push_screen(
            ConfirmDialog(
                _("Fix the meeting on {when}?").format(when=when),
                _("The meeting is confirmed and the poll closed."),
                _("Choose"),
            ),
            confirmed,
        )

    def action_calendar_file(self) -> None:
        from coordinator.calendar.itip import meeting_files
        from screens.meetings.calendar_files import MeetingCalendarDialog

        view = self.view
        if view is None:
            return
        poll = view.poll
        kinds = meeting_files(
            view.status,
            poll.status.value if poll else None,
            bool(poll and poll.status == "closed"),
        )
        self.app.push_screen(
            MeetingCalendarDialog(self.context, self.meeting_id, kinds, poll.poll_id if poll else 0)
        )

    def action_minutes(self) -> None:
        from screens.minutes import MinutesScreen

        self.app.push_screen(
            MinutesScreen(self.context, self.meeting_id), lambda _changed: self._after()
        )

    def action_confirm_meeting(self) -> None:
        meetings.set_status(self.context.engine, self.meeting_id, MeetingStatus.CONFIRMED)
        self.notify(_("Meeting confirmed."))
        self._after()

    def action_write_agenda(self, folder: Path | None = None) -> None:
        """Write the agenda as Markdown, text and printable HTML next to where the app runs."""
        write_documents(
            self,
            f"agenda-{self.meeting_id}",
            lambda fmt: render(self.context.engine, self.meeting_id, fmt),
            FORMATS,
            folder,
        )

    def action_cancel_meeting(self) -> None:
        view = self.view
        if view is None:
            return

        def confirmed(answer: Any) -> None:
            def cancel() -> None:
                if view.series_id:
                    meetings.cancel_occurrence(self.context.engine, view.series_id, view.starts_at)
                else:
                    meetings.set_status(
                        self.context.engine, self.meeting_id, MeetingStatus.CANCELLED
                    )

            if answer and attempt(self, cancel):
                self.notify(_("Meeting cancelled; the invitees are marked to be notified."))
                self._after()

        self.app.push_screen(
            ConfirmDialog(
                _("Cancel {title} on {day}?").format(title=view.title, day=format_date(view.starts_at.astimezone(zone(view.timezone)).date())),
                _("All invitees will be marked to be notified."), _("Cancel meeting"),
            ),
            confirmed,
        )  # fmt: skip
