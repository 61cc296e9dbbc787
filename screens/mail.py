"""Passing information on: announcements (Rundbrief, invitations, minutes) to recipient
groups, sent through the mail server or written as .eml files, with the send log."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, TextArea
from textual.worker import get_current_worker

from coordinator.files import WriteError
from coordinator.i18n import _
from coordinator.labels import format_moment, label
from coordinator.mail import announcements, delivery, groups, smtp
from coordinator.register.names import meeting_named
from coordinator.validation import ValidationError
from screens.base import SectionScreen
from screens.complete import NameComplete
from screens.conflict import refuse_busy
from screens.dialogs import ConfirmDialog, Dialog
from screens.forms import GroupForm
from screens.minutes import TextDialog
from screens.text import Label, Static
from screens.widgets import Button, DataTable, SaveButton, Select
from storage.enums import DeliveryStatus


class _FormDialog(Dialog):
    """A dialog of fields with an error line and Save / Cancel (the mail section's forms)."""

    def compose_buttons(self) -> ComposeResult:
        yield Label("", classes="field-error", id="error")
        with Horizontal(classes="dialog-buttons"):
            yield SaveButton()
            yield Button(_("Cancel"), id="cancel")

    def show_errors(self, exc: ValidationError) -> None:
        self.query_one("#error", Label).update("; ".join(exc.errors.values()))

    @on(Button.Pressed, "#cancel")
    def _cancelled(self) -> None:
        self.dismiss(None)


class AnnouncementDialog(_FormDialog):
    """A new announcement: subject, group, optional meeting, text. Returns its id."""

    def __init__(self, context: Any) -> None:
        super().__init__()
        self.context = context

    def compose(self) -> ComposeResult:
        options = [(g.name, g.id) for g in groups.groups(self.context.engine)]
        with Vertical(classes="dialog wide"):
            yield Label(_("New announcement"), classes="dialog-title")
            yield Input(placeholder=_("Subject"), id="subject")
            yield Select(options, prompt=_("Recipient group"), id="group")
            with Horizontal(classes="form-row"):
                meeting = Input(placeholder=_("Meeting (optional): title or ID"), id="meeting")
                yield meeting
                yield NameComplete(meeting, ["meeting"])
                yield Select(
                    [
                        (_("with its invitation and agenda"), "invitation"),
                        (_("with its minutes and to-do list"), "minutes"),
                    ],
                    value="invitation",
                    allow_blank=False,
                    id="attach",
                )
            yield Input(placeholder=_("Files to attach: paths, separated by commas"), id="files")
            yield TextArea(id="body")
            yield from self.compose_buttons()

    @on(Button.Pressed, "#save")
    def _save(self) -> None:
        group = self.query_one("#group", Select).value
        meeting = self.query_one("#meeting", Input).value.strip()
        error = self.query_one("#error", Label)
        if not isinstance(group, int):
            error.update(_("Choose a recipient group."))
            return
        try:
            meeting_id = meeting_named(self.context.engine, meeting)
        except ValidationError as exc:
            error.update(exc.errors["meeting"])
            return
        paths = [
            Path(p.strip()).expanduser()
            for p in self.query_one("#files", Input).value.split(",")
            if p.strip()
        ]
        missing = [str(p) for p in paths if not p.is_file()]
        if missing:
            error.update(_("No such file: {path}").format(path=missing[0]))
            return
        try:
            number = announcements.create_announcement(
                self.context.engine,
                self.query_one("#subject", Input).value,
                self.query_one("#body", TextArea).text,
                group_id=group,
                meeting_id=meeting_id,
                attach=str(self.query_one("#attach", Select).value),
                files=paths,
            )
        except ValidationError as exc:
            self.show_errors(exc)
            return
        except Exception as exc:  # (another writer held the lock: input kept)
            refuse_busy(self, exc)
            return
        self.dismiss(number)


class TranslationDialog(_FormDialog):
    """The announcement in another language: language code, subject, text."""

    def __init__(self, context: Any, announcement_id: int) -> None:
        super().__init__()
        self.context = context
        self.announcement_id = announcement_id

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(_("Translation"), classes="dialog-title")
            yield Input(placeholder=_("Language, like English, Turkish or Arabic"), id="language")
            yield Input(placeholder=_("Subject"), id="subject")
            yield TextArea(id="body")
            yield from self.compose_buttons()

    @on(Button.Pressed, "#save")
    def _save(self) -> None:
        try:
            announcements.translate(
                self.context.engine,
                self.announcement_id,
                self.query_one("#language", Input).value,
                self.query_one("#subject", Input).value,
                self.query_one("#body", TextArea).text,
            )
        except ValidationError as exc:
            self.show_errors(exc)
            return
        except Exception as exc:  # (another writer held the lock: input kept)
            refuse_busy(self, exc)
            return
        self.dismiss(True)


class MailScreen(SectionScreen):
    BINDINGS = [
        Binding("a", "add", "New announcement"),
        Binding("g", "add_group", "New group"),
        Binding("l", "translate", "Translation"),
        Binding("s", "send", "Send"),
        Binding("w", "write_eml", "Write .eml"),
        Binding("c", "stop", "Stop sending"),
        Binding("o", "mail_settings", "Mail server"),
        Binding("r", "read_replies", "Read answers"),
        Binding("delete", "delete_group", "Delete group", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield from self.compose_frame()
        with Horizontal():
            with Vertical(id="mail-lists"):
                yield Label(_("Announcements"), classes="section-title")
                yield DataTable(id="announcements", cursor_type="row")
                yield Label(
                    _("Recipient groups (Enter changes, Del deletes)"), classes="section-title"
                )
                yield DataTable(id="groups", cursor_type="row")
            with VerticalScroll(id="mail-detail"):
                yield Static("", id="sending")
                yield Static("", id="detail")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        self.query_one("#announcements", DataTable).add_columns(
            _("ID"), _("Subject"), _("Group"), _("Status"), _("Sent"), _("Failed"), _("Open")
        )
        self.query_one("#groups", DataTable).add_columns(_("Group"), _("Filter"), _("Members"))
        self.sub_title = _("Mail")
        self.reload()

    def refresh_data(self) -> None:
        """Another coordinator changed the network: show it (dialogs above stay as typed)."""
        self.reload()

    def reload(self) -> None:
        table = self.query_one("#announcements", DataTable)
        table.clear()
        for row in announcements.announcements(self.context.engine):
            counts = row.counts
            table.add_row(
                str(row.id), row.subject, row.group, label(row.status),
                str(counts.get(DeliveryStatus.SENT, 0) + counts.get(DeliveryStatus.WRITTEN, 0)),
                str(counts.get(DeliveryStatus.FAILED, 0)),
                str(counts.get(DeliveryStatus.PENDING, 0)),
                key=str(row.id),
            )  # fmt: skip
        group_table = self.query_one("#groups", DataTable)
        group_table.clear()
        for group in groups.groups(self.context.engine):
            group_table.add_row(group.name, group.rules, str(group.members), key=str(group.id))
        self.show_detail()

    def selected(self) -> int | None:
        table = self.query_one("#announcements", DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return int(key) if key else None

    @on(DataTable.RowHighlighted, "#announcements")
    def show_detail(self) -> None:
        number = self.selected()
        if number is None:
            self.workers.cancel_group(self, "detail")
            self.query_one("#detail", Static).update(_("No announcements yet (a writes one)."))
            return
        self.load_detail(number)

    @work(thread=True, exclusive=True, group="detail", exit_on_error=False)
    def load_detail(self, number: int) -> None:
        """The highlighted announcement's previews, audience and send log, read in a thread
        (a big group's audience takes a moment): moving on through the list cancels it."""
        worker = get_current_worker()
        text = self._detail_text(number)
        if not worker.is_cancelled:
            self.app.call_from_thread(self.query_one("#detail", Static).update, text)

    def _detail_text(self, number: int) -> str:
        engine = self.context.engine
        lines = []
        try:
            languages = announcements.languages(engine, number)
        except LookupError:  # deleted meanwhile
            return ""
        for language in languages:
            try:
                lines += [announcements.preview(engine, number, language), ""]
            except ValidationError as exc:  # e.g. no organiser's address for the invitation
                lines += ["; ".join(exc.errors.values()), ""]
        try:
            audience = delivery.audience(engine, number)
        except ValidationError as exc:
            audience = []
            lines.append("; ".join(exc.errors.values()))
        reachable = [r for r in audience if r.reachable]
        lines.append(_("{n} reachable").format(n=len(reachable)))
        for person in audience:
            if not person.reachable:
                lines.append("  " + _("not reachable: {name} ({reason})").format(
                    name=person.name, reason=person.reason))  # fmt: skip
        log = delivery.send_log(engine, announcement_id=number)
        if log:
            lines += ["", _("Send log")]
            for line in log:
                when = format_moment(line.sent_at) if line.sent_at else ""
                lines.append(f"  {line.email}  {label(line.status)}  {when}  {line.error}".rstrip())
        return "\n".join(lines)

    def action_add(self) -> None:
        self.app.push_screen(
            AnnouncementDialog(self.context), lambda n: self.reload() if n else None
        )

    def action_translate(self) -> None:
        number = self.selected()
        if number is not None:
            self.app.push_screen(
                TranslationDialog(self.context, number), lambda ok: self.reload() if ok else None
            )

    def action_add_group(self) -> None:
        engine = self.context.engine

        def save(value: groups.GroupInput) -> None:
            groups.create_group(engine, value)

        form = GroupForm(_("New recipient group"), groups.GroupInput(), save)
        self.app.push_screen(form, lambda saved: self.reload() if saved else None)

    @on(DataTable.RowSelected, "#groups")
    def edit_group(self, event: DataTable.RowSelected) -> None:
        """Enter on a group: change its name, filters and people."""
        key = event.row_key.value
        if not key:
            return
        engine, number = self.context.engine, int(key)
        try:
            current = groups.group_input(engine, number)
        except LookupError:
            self.notify(_("The group was deleted meanwhile."), severity="warning")
            self.reload()
            return

        def save(value: groups.GroupInput) -> None:
            try:
                groups.update_group(engine, number, value)
            except LookupError:
                raise ValidationError({"name": _("The group was deleted meanwhile.")}) from None

        form = GroupForm(_("Edit {name}").format(name=current.name), current, save)
        self.app.push_screen(form, lambda saved: self.reload() if saved else None)

    def action_read_replies(self) -> None:
        """Partners' answers from a mailbox (calendar replies and notices), recorded."""
        from screens.replies_dialog import RepliesDialog

        self.app.push_screen(RepliesDialog(self.context.engine))

    def action_mail_settings(self) -> None:
        from screens.mail_settings import MailSettingsDialog

        def saved(done: object) -> None:
            if done:
                self.notify(_("Mail settings saved."))

        self.app.push_screen(MailSettingsDialog(self.context.engine), saved)

    def action_send(self) -> None:
        number = self.selected()
        if number is None:
            return
        settings = smtp.load_settings(self.context.engine)
        if not settings.host:
            self.notify(
                _("No mail server is set up: o sets it (or coordinator mail set)."),
                severity="error",
            )
            return
        reachable = [r for r in delivery.audience(self.context.engine, number) if r.reachable]

        def confirmed(answer: object) -> None:
            if answer:
                self.send(number, settings)

        self.app.push_screen(
            ConfirmDialog(
                _("Send the announcement?"),
                _("To {n} people who have not got it yet, through {host}.").format(
                    n=len(reachable), host=settings.host
                ),
                _("Send"),
            ),
            confirmed,
        )

    @work(thread=True, exclusive=True, exit_on_error=False)
    def send(self, number: int, settings: smtp.MailSettings) -> None:
        worker = get_current_worker()
        engine = self.context.engine

        status = self.query_one("#sending", Static)

        def progress(done: int, total: int) -> None:
            text = _("Sent {done} of {total} (c stops; sending again resumes)")
            self.app.call_from_thread(status.update, text.format(done=done, total=total))

        try:
            report = delivery.send(
                engine, number, settings, smtp.password(),
                attachments=announcements.standard_attachments(engine, self.context.now()),
                progress=progress, cancelled=lambda: worker.is_cancelled,
            )  # fmt: skip
        except (ValidationError, OSError) as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error")
            return
        self.app.call_from_thread(status.update, "")
        message = _("{sent} sent, {failed} failed.").format(sent=report.sent, failed=report.failed)
        if report.error:
            message += " " + report.error + " " + _("Send again to resume.")
        self.app.call_from_thread(self.notify, message)
        self.app.call_from_thread(self.reload)

    def action_delete_group(self) -> None:
        """Delete the highlighted recipient group (its announcements stay, without a group)."""
        table = self.query_one("#groups", DataTable)
        if self.focused is not table or table.row_count == 0:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        name = table.get_row(key)[0] if key else ""

        def confirmed(answer: object) -> None:
            if answer and key:
                try:
                    groups.delete_group(self.context.engine, int(key))
                except LookupError:
                    self.notify(_("The group was deleted meanwhile."), severity="warning")
                self.reload()

        self.app.push_screen(
            ConfirmDialog(
                _("Delete the group {name}?").format(name=name),
                _("The people stay in the register; announcements keep their send log."),
                _("Delete"),
            ),
            confirmed,
        )

    def action_stop(self) -> None:
        """Stop a send that is running; what was sent stays logged, the rest stays pending."""
        self.workers.cancel_all()

    def action_write_eml(self) -> None:
        number = self.selected()
        if number is None:
            return

        def chosen(answer: Any) -> None:
            if not answer:
                return
            folder = Path(answer["text"]).expanduser()
            settings = smtp.load_settings(self.context.engine)
            try:
                report = delivery.write_eml(
                    self.context.engine, number, folder, settings.sender,
                    attachments=announcements.standard_attachments(self.context.engine, self.context.now()),
                )  # fmt: skip
            except ValidationError as exc:
                self.notify("; ".join(exc.errors.values()), severity="error")
                return
            except WriteError as exc:
                self.notify(str(exc), severity="error")
                return
            self.notify(_("{n} .eml files written to {path}").format(n=report.written, path=folder))
            self.reload()

        self.app.push_screen(TextDialog(_("Folder for the .eml files"), str(Path.cwd())), chosen)
