"""Calendar files from the meeting screens: the export of a calendar (all meetings or
filtered), the import of a calendar file with its preview and undo, and the invitation,
update, cancellation or poll holds of one meeting."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input
from textual.worker import get_current_worker

from coordinator.calendar import events, feeds, import_plan, import_undo, importing, itip, parsing
from coordinator.calendar.contentlines import IcsError
from coordinator.context import Context
from coordinator.files import WriteError, write_private
from coordinator.i18n import _, ngettext
from coordinator.meetings.recurrence import zone
from coordinator.validation import ValidationError
from screens.dialogs import ConfirmDialog, Dialog
from screens.progress import Stopped, WorkProgress, running
from screens.text import Label, Static
from screens.widgets import Button, Checkbox, DataTable, Select

_FIELDS = ("series", "organisation", "start", "end", "reminder", "path")
_SHOWN = 2_000  # rows of the preview table (a feed has 100,000 events)


class CalendarExportDialog(Dialog):
    """Write a calendar file of all or some meetings (to import or to subscribe to)."""

    def __init__(self, context: Context, series_id: int | None = None) -> None:
        super().__init__()
        self.context = context
        self.series_id = series_id

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(_("Export a calendar file (.ics)"), classes="dialog-title")
            with Horizontal(classes="form-row"):
                yield Input(
                    value=str(self.series_id or ""),
                    placeholder=_("Meeting or series ID (empty: all)"),
                    id="series",
                )
                yield Input(
                    placeholder=_("Organisation (its people's meetings)"), id="organisation"
                )
            with Horizontal(classes="form-row"):
                yield Input(placeholder=_("From (date)"), id="start")
                yield Input(placeholder=_("To (date)"), id="end")
                yield Input(placeholder=_("Reminder, minutes before"), id="reminder")
            with Horizontal(classes="form-row"):
                yield Checkbox(_("With invitees (personal data)"), id="attendees")
                yield Checkbox(_("Open tasks as to-dos"), id="tasks")
            yield Input(value=str(Path.cwd() / "meetings.ics"), id="path")
            for name in _FIELDS:
                yield Label("", classes="field-error", id=f"{name}-error")
            yield WorkProgress(id="progress", show_eta=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Export"), variant="primary", id="export")
                yield Button(_("Cancel"), id="cancel")

    def _value(self, name: str) -> str:
        return self.query_one(f"#{name}", Input).value

    @on(Button.Pressed, "#export")
    @on(Input.Submitted, "#path")
    def _export(self) -> None:
        for name in _FIELDS:
            self.query_one(f"#{name}-error", Label).update("")
        reminder = self._value("reminder").strip()
        if reminder and not (reminder.isdigit() and 0 < int(reminder) <= 10080):
            self.query_one("#reminder-error", Label).update(_("Reminder: minutes from 1 to 10080."))
            return
        try:
            flt = feeds.filter_from_text(
                self.context.engine,
                series=self._value("series"),
                organisation=self._value("organisation"),
                start=self._value("start"),
                end=self._value("end"),
            )
        except ValidationError as exc:
            for name, message in exc.errors.items():
                self.query_one(f"#{name}-error", Label).update(message)
            return
        options = feeds.FeedOptions(
            name=_("Network meetings"),
            attendees=self.query_one("#attendees", Checkbox).value,
            reminder_minutes=int(reminder) if reminder else None,
            tasks=self.query_one("#tasks", Checkbox).value,
        )
        self.query_one("#export", Button).disabled = True
        self.write(flt, options, Path(self._value("path")).expanduser())

    @work(thread=True, exclusive=True, exit_on_error=False)
    def write(self, flt: events.CalendarFilter, options: feeds.FeedOptions, path: Path) -> None:
        worker = get_current_worker()
        bar = self.query_one("#progress", WorkProgress)
        with running(self.app, bar):

            def progress(done: int, total: int) -> None:
                if worker.is_cancelled:
                    raise Stopped
                self.app.call_from_thread(bar.update, total=total, progress=done)

            try:
                text = feeds.feed(self.context.engine, flt, options, self.context.now(), progress)
                written = write_private(path, text)
            except Stopped:
                return
            except OSError as exc:
                message = (
                    _("cannot write {path}: {reason}").format(path=path, reason=exc.strerror or exc)
                    if not isinstance(exc, WriteError)
                    else str(exc)
                )
                self.app.call_from_thread(self.query_one("#path-error", Label).update, message)
                self.app.call_from_thread(
                    setattr, self.query_one("#export", Button), "disabled", False
                )
                return
            events = text.count("BEGIN:VEVENT")
            self.app.call_from_thread(
                self.notify,
                _("{n} events written to {path}").format(n=events, path=written),
            )
            self.dismiss_after_work(True)

    @on(Button.Pressed, "#cancel")
    def _cancelled(self) -> None:
        self.workers.cancel_all()
        self.dismiss(None)


class CalendarImportDialog(Dialog):
    """Read a calendar file, show what each event will do, then import all of it or nothing.
    The last import can be undone here too. Returns True when the database changed."""

    DEFAULT_CSS = """
    CalendarImportDialog #plan { height: 1fr; min-height: 3; }
    CalendarImportDialog #row-detail { max-height: 2; }
    CalendarImportDialog .dialog-buttons { dock: bottom; }
    """

    def __init__(self, context: Context) -> None:
        super().__init__()
        self.context = context
        self.calendar: parsing.CalendarFile | None = None
        self.plan: import_plan.ImportPlan | None = None
        self.changed = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(_("Import a calendar file (.ics)"), classes="dialog-title")
            yield Input(placeholder=_("Path of the calendar file"), id="path")
            yield Label("", classes="field-error", id="path-error")
            yield Static(_("Type the path and press Enter to see what it will do."), id="summary")
            yield DataTable(id="plan", cursor_type="row")
            yield Static("", id="row-detail")
            yield WorkProgress(id="progress", show_eta=False)
            yield Static("", id="last-import")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Import"), variant="primary", id="import", disabled=True)
                yield Button(_("Undo last import"), variant="warning", id="undo")
                yield Button(_("Close"), id="cancel")

    def on_mount(self) -> None:
        table = self.query_one("#plan", DataTable)
        table.add_columns(_("Action"), _("When"), _("Title"), _("Note"))
        self._show_last()

    def _show_last(self) -> None:
        last = import_undo.last_import(self.context.engine)
        self.query_one("#undo", Button).disabled = last is None
        self.query_one("#last-import", Static).update(
            _("Last import: {name} ({summary})").format(name=last.file_name, summary=last.summary)
            if last
            else ""
        )

    @on(Input.Submitted, "#path")
    def _read(self, event: Input.Submitted) -> None:
        self.query_one("#path-error", Label).update("")
        self.query_one("#import", Button).disabled = True
        self.query_one("#plan", DataTable).clear()
        self.plan = None
        path = Path(event.value.strip()).expanduser()
        try:
            raw = path.read_bytes()
        except OSError as exc:
            self.query_one("#path-error", Label).update(
                _("cannot read {path}: {reason}").format(path=path, reason=exc.strerror)
            )
            return
        self.query_one("#summary", Static).update(_("Checking …"))
        self.preview(raw, path.name)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def preview(self, raw: bytes, name: str) -> None:
        bar = self.query_one("#progress", WorkProgress)
        with running(self.app, bar):

            def progress(done: int, total: int) -> None:
                self.app.call_from_thread(bar.update, total=total, progress=done)

            try:
                calendar = parsing.read_calendar(raw, progress=progress, lenient=True)
            except IcsError as exc:
                self.app.call_from_thread(
                    self.query_one("#path-error", Label).update,
                    _("Not a usable calendar file: {reason}").format(reason=exc),
                )
                self.app.call_from_thread(self.query_one("#summary", Static).update, "")
                return
            plan = import_plan.preview(self.context.engine, calendar, name)
            self.app.call_from_thread(self.show_plan, calendar, plan)

    def show_plan(self, calendar: parsing.CalendarFile, plan: import_plan.ImportPlan) -> None:
        self.calendar, self.plan = calendar, plan
        table = self.query_one("#plan", DataTable)
        table.clear()
        self.query_one("#row-detail", Static).update("")
        shown = 0
        for bad in plan.bad:  # first: what the coordinator must decide about
            table.add_row(
                _("cannot be imported"),
                _("line {n}").format(n=bad.line),
                bad.title or bad.uid,
                bad.reason,
            )
        for line in plan.passed_over:
            table.add_row(_("passed over"), _("line {n}").format(n=line.line), "", line.reason)
        for note in plan.notes[:_SHOWN]:
            table.add_row(_("note"), _("line {n}").format(n=note.line), note.title, note.text)
        for row in plan.rows[:_SHOWN]:
            when = (
                f"{row.starts_at.astimezone(zone(row.timezone or 'Europe/Berlin')):%d.%m.%Y %H:%M}"
                if row.starts_at
                else ""
            )
            table.add_row(import_plan.action_label(row.action), when, row.title, row.detail)
            shown += 1
        parts = [plan.summary()]
        if plan.people_added:
            parts.append(import_plan.describe_people(plan))
        if plan.skipped:
            parts.append(
                _("not imported: {what}").format(
                    what=", ".join(f"{n} {name}" for name, n in sorted(plan.skipped.items()))
                )
            )
        if plan.bad:
            parts.append(
                ngettext(
                    "{n} event cannot be imported (listed first): Import brings in the others, "
                    "Close nothing.",
                    "{n} events cannot be imported (listed first): Import brings in the others, "
                    "Close nothing.",
                    len(plan.bad),
                ).format(n=len(plan.bad))
            )
        if len(plan.rows) > shown:
            parts.append(_("the first {n} events are listed").format(n=f"{shown:,}"))
        self.query_one("#summary", Static).update(" · ".join(parts))
        button = self.query_one("#import", Button)
        button.disabled = plan.changes == 0

    @on(DataTable.RowHighlighted, "#plan")
    def _detail(self, event: DataTable.RowHighlighted) -> None:
        """The highlighted row whole (a reason or a title is often wider than its column)."""
        cells = [str(cell) for cell in event.data_table.get_row(event.row_key)]
        self.query_one("#row-detail", Static).update(" · ".join(c for c in cells if c))

    @on(Button.Pressed, "#import")
    def _import(self) -> None:
        if self.calendar is None or self.plan is None:
            return
        self.query_one("#import", Button).disabled = True
        self.apply(self.calendar, self.plan)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def apply(self, calendar: parsing.CalendarFile, plan: import_plan.ImportPlan) -> None:
        worker = get_current_worker()
        bar = self.query_one("#progress", WorkProgress)
        with running(self.app, bar):

            def progress(done: int, total: int) -> None:
                self.app.call_from_thread(bar.update, total=total, progress=done)

            try:
                importing.apply(
                    self.context.engine,
                    calendar,
                    plan.file_name,
                    expected=plan,
                    now=datetime.now(UTC),
                    cancelled=lambda: worker.is_cancelled,
                    progress=progress,
                )
            except import_plan.ImportCancelled:
                return
            except ValidationError as exc:
                message = "; ".join(exc.errors.values())
                self.app.call_from_thread(self.query_one("#path-error", Label).update, message)
                return
            self.changed = True
            self.app.call_from_thread(
                self.notify, _("Imported: {summary}").format(summary=plan.summary())
            )
            self.dismiss_after_work(True)

    @on(Button.Pressed, "#undo")
    def _undo(self) -> None:
        last = import_undo.last_import(self.context.engine)
        if last is None:
            return

        def confirmed(answer: object) -> None:
            if not answer:
                return
            try:
                import_undo.undo_last_import(self.context.engine)
            except ValidationError as exc:
                self.query_one("#path-error", Label).update("; ".join(exc.errors.values()))
                return
            self.changed = True
            self.notify(_("The import of {name} is undone.").format(name=last.file_name))
            self._show_last()

        self.app.push_screen(
            ConfirmDialog(
                _("Undo the last import?"),
                _(
                    "Restores the meetings, invitations and people as they were before {name}."
                ).format(name=last.file_name),
                _("Undo import"),
            ),
            confirmed,
        )

    @on(Button.Pressed, "#cancel")
    def _cancelled(self) -> None:
        self.workers.cancel_all()  # an import still running rolls back
        self.dismiss(self.changed or None)

    def action_cancel(self) -> None:
        self._cancelled()


class MeetingCalendarDialog(Dialog):
    """The invitation (or update), cancellation, or date-poll holds of one meeting as
    calendar files, one per invitee language."""

    def __init__(
        self,
        context: Context,
        meeting_id: int,
        kinds: list[str],
        poll_id: int = 0,
    ) -> None:
        super().__init__()
        self.context = context
        self.meeting_id = meeting_id
        self.kinds = kinds
        self.poll_id = poll_id

    def compose(self) -> ComposeResult:
        names = {
            itip.INVITATION: _("Invitation or update (REQUEST)"),
            itip.CANCELLATION: _("Cancellation (CANCEL)"),
            itip.POLL_HOLDS: _("Candidate dates as tentative holds"),
            itip.POLL_RELEASE: _("Cancel the unused holds"),
        }
        with Vertical(classes="dialog"):
            yield Label(_("Calendar file for the invitees"), classes="dialog-title")
            yield Select(
                [(names[k], k) for k in self.kinds],
                value=self.kinds[0],
                allow_blank=False,
                id="kind",
            )
            yield Input(value=str(Path.cwd() / f"meeting-{self.meeting_id}.ics"), id="path")
            yield Label("", classes="field-error", id="path-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Write"), variant="primary", id="write")
                yield Button(_("Cancel"), id="cancel")

    @on(Button.Pressed, "#write")
    @on(Input.Submitted, "#path")
    def _write(self) -> None:
        kind = str(self.query_one("#kind", Select).value)
        path = Path(self.query_one("#path", Input).value).expanduser()
        engine, now = self.context.engine, self.context.now()
        languages = (
            itip.invitation_languages(engine, self.meeting_id)
            if kind in (itip.INVITATION, itip.POLL_HOLDS)
            else ["de"]
        )
        written = []
        try:
            for language in languages:
                target = (
                    path.with_name(f"{path.stem}.{language}{path.suffix}")
                    if len(languages) > 1
                    else path
                )
                text = itip.meeting_file(engine, self.meeting_id, kind, language, now, self.poll_id)
                written.append(str(write_private(target, text)))
        except ValidationError as exc:
            self.query_one("#path-error", Label).update("; ".join(exc.errors.values()))
            return
        except OSError as exc:
            self.query_one("#path-error", Label).update(
                str(exc)
                if isinstance(exc, WriteError)
                else _("cannot write {path}: {reason}").format(
                    path=path, reason=exc.strerror or exc
                )
            )
            return
        self.notify(_("Written to {path}").format(path=", ".join(written)))
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def _cancelled(self) -> None:
        self.dismiss(None)
