"""Import people or organisations from a list: preview, per-row errors, the rows that may be
somebody already there (with a choice per row or for all), then import or cancel
(cancelling writes nothing)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input
from textual.worker import get_current_worker

from coordinator.context import Context
from coordinator.i18n import _, ngettext
from coordinator.register import exchange, workbooks
from coordinator.register.consent import checked_consent
from coordinator.register.matching import (
    CHOICE_LABELS,
    MATCH_LABELS,
    Choice,
    Match,
    candidate_text,
)
from coordinator.register.spreadsheet import SpreadsheetError
from coordinator.validation import ValidationError
from screens.conflict import refuse_busy
from screens.dialogs import Dialog
from screens.progress import Stopped, WorkProgress, running
from screens.text import Label, Static, literal
from screens.widgets import Button, DataTable, Select


class ImportScreen(Dialog):
    """Returns True when rows were imported. In the table of rows that may be somebody
    already there, s / f / o / a choose skip, fill empty fields, overwrite or add as new for
    the highlighted row, S / F / O / A for every row."""

    BINDINGS = [
        Binding("s", "choose('skip')", "Skip", show=False),
        Binding("f", "choose('fill')", "Fill empty fields", show=False),
        Binding("o", "choose('overwrite')", "Overwrite", show=False),
        Binding("a", "choose('add')", "Add as new", show=False),
        Binding("m", "columns", "Columns", show=False),
        Binding("S", "choose_all('skip')", "Skip all", show=False),
        Binding("F", "choose_all('fill')", "Fill empty fields of all", show=False),
        Binding("O", "choose_all('overwrite')", "Overwrite all", show=False),
        Binding("A", "choose_all('add')", "Add all as new", show=False),
    ]

    def __init__(self, context: Context, kind: str) -> None:
        super().__init__()
        self.context = context
        self.kind = kind  # "people" or "organisations"
        self.plan: exchange.ImportPlan | None = None
        self._data = b""  # the file as read, for previewing another of its sheets
        self._columns: dict[str, str] | None = None  # as placed in the columns dialog

    def compose(self) -> ComposeResult:
        title = (
            _("Import people from a list")
            if self.kind == "people"
            else _("Import organisations from a list")
        )
        with Vertical(classes="dialog wide"):
            yield Label(title, classes="dialog-title")
            yield Input(placeholder=_("Path of the list (.xlsx, .ods, .vcf or .csv)"), id="path")
            if self.kind == "people":
                with Horizontal(classes="form-row"):
                    yield Input(placeholder=_("Consent collected on (optional)"), id="consent-on")
                    yield Input(placeholder=_("for what (like: invitations)"), id="consent-for")
            sheet: Select[str] = Select([], prompt=_("Sheet of the workbook"), id="sheet")
            sheet.display = False  # shown for a workbook of several sheets
            yield sheet
            error = Label("", classes="field-error", id="path-error")
            error.display = False  # a line of its own only when there is something to say
            yield error
            with VerticalScroll(id="preview-box"):
                yield Static(_("Type the path and press Enter to see a preview."), id="preview")
            matches: DataTable[object] = DataTable(id="matches", cursor_type="row")
            matches.display = False
            yield matches
            yield WorkProgress(id="progress", show_eta=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Import"), variant="primary", id="import", disabled=True)
                yield Button(_("Cancel"), id="cancel")

    def say(self, text: str) -> None:
        """The one line under the fields: what cannot be read, a bad consent date."""
        error = self.query_one("#path-error", Label)
        error.update(text)
        error.display = bool(text)

    @on(Input.Submitted, "#path")
    def _preview(self, event: Input.Submitted) -> None:
        self.say("")
        self.query_one("#import", Button).disabled = True
        self.plan = None
        path = Path(event.value.strip()).expanduser()
        try:
            data = path.read_bytes()
        except OSError as exc:
            self.say(_("cannot read {path}: {reason}").format(path=path, reason=exc.strerror))
            return
        self.query_one("#preview", Static).update(_("Checking …"))
        self._data, self._columns = data, None
        self.make_plan(data)

    @on(Select.Changed, "#sheet")
    def _sheet_chosen(self, event: Select.Changed) -> None:
        """Another sheet of the workbook: its rows previewed instead."""
        chosen = event.value
        if not isinstance(chosen, str) or not self._data:
            return
        if self.plan is not None and chosen == self.plan.sheet:
            return
        self.plan = None
        self.query_one("#import", Button).disabled = True
        self.query_one("#preview", Static).update(_("Checking …"))
        self.make_plan(self._data, chosen)

    def _progress(self) -> exchange.Progress:
        """For a worker: the bar follows the rows; a cancelled worker stops at the next."""
        worker, bar = get_current_worker(), self.query_one("#progress", WorkProgress)

        def progress(done: int, total: int) -> None:
            if worker.is_cancelled:
                raise Stopped
            self.app.call_from_thread(bar.update, total=total, progress=done)

        return progress

    def action_columns(self) -> None:
        """m: place or skip the list's columns; the preview follows."""
        from screens.columns_dialog import ColumnsDialog

        plan = self.plan
        if plan is None or not plan.headers or isinstance(self.focused, Input):
            return
        labels = (
            exchange.FIELD_LABELS_PEOPLE if self.kind == "people" else exchange.FIELD_LABELS_ORGS
        )
        current = dict(plan.mapping)

        def chosen(columns: object) -> None:
            if isinstance(columns, dict):
                self._columns = columns
                self.query_one("#preview", Static).update(_("Checking …"))
                self.make_plan(self._data, plan.sheet or None)

        self.app.push_screen(
            ColumnsDialog(plan.headers, current, {k: _(v) for k, v in labels.items()}), chosen
        )

    @work(thread=True, exclusive=True, exit_on_error=False)
    def make_plan(self, data: bytes, sheet: str | None = None) -> None:
        planner = (
            exchange.plan_people_import
            if self.kind == "people"
            else exchange.plan_organisations_import
        )
        try:
            with running(self.app, self.query_one("#progress", WorkProgress)):
                plan = planner(
                    self.context.engine, data, sheet=sheet, progress=self._progress(),
                    columns=self._columns,
                )  # fmt: skip
            sheets = workbooks.sheet_names(data)
        except Stopped:
            return
        except SpreadsheetError as exc:
            self.app.call_from_thread(
                self.say,
                _("Not a usable list: {reason}").format(reason=exc),
            )
            self.app.call_from_thread(self.query_one("#preview", Static).update, "")
            return
        self.app.call_from_thread(self.show_plan, plan, sheets)

    def show_plan(self, plan: exchange.ImportPlan, sheets: list[str] | None = None) -> None:
        self.plan = plan
        choice = self.query_one("#sheet", Select)
        if sheets is not None:
            choice.display = len(sheets) > 1
            if len(sheets) > 1:
                with self.prevent(Select.Changed):
                    choice.set_options([(name, name) for name in sheets])
                    choice.value = plan.sheet
        parts: list[object] = [
            Text(
                ngettext(
                    "{n} row can be imported ({source}).",
                    "{n} rows can be imported ({source}).",
                    plan.valid,
                ).format(n=plan.valid, source=plan.source()),
                style="bold",
            )
        ]
        if plan.matched():
            counts = plan.counts()
            parts += [
                Text(", ".join(f"{_(MATCH_LABELS[m])}: {counts[m]}" for m in Match if counts.get(m)),
                     style="bold"),
                Text(_("Rows that may be somebody already there (the table below): s skip, "
                       "f fill empty fields, o overwrite, a add as new; S F O A for all rows.")),
            ]  # fmt: skip
        if plan.new_organisations:
            parts.append(
                Text(
                    _("New organisations: {names}").format(names=", ".join(plan.new_organisations))
                )
            )
        if plan.mapping:
            parts.append(Text(_("Columns read as: {mapping}").format(mapping=plan.mapping_text())))
        if plan.unknown_columns:
            parts.append(
                Text(_("columns not used: {names}").format(names=", ".join(plan.unknown_columns)))
            )
        if plan.headers:
            parts.append(Text(_("m places or skips the columns."), style="dim"))
        if plan.warnings:
            parts.append(Text(""))
            parts += [
                literal(_("line {line} ({what}): {warning}").format(
                    line=line, what=what or "–", warning=warning), style="yellow")
                for line, what, warning in plan.warnings
            ]  # fmt: skip
        if plan.problems:
            table = Table(_("Line"), _("Row"), _("Problem"), box=None, header_style="bold red")
            for problem in plan.problems:
                table.add_row(
                    str(problem.line),
                    literal(problem.summary or "–"),
                    literal("\n".join(f"{f}: {m}" for f, m in problem.errors.items()), lines=True),
                )
            parts += [Text(""), Text(_("These rows will not be imported:"), style="bold"), table]
        self.query_one("#preview", Static).update(Group(*parts))  # type: ignore[arg-type]
        self._show_matches()
        if isinstance(self.focused, Input) and self.focused.id == "path":
            # Out of the path: the keys of the preview (m, s/f/o/a) reach it, Enter imports.
            table, button = self.query_one("#matches", DataTable), self.query_one("#import", Button)
            (table if table.display else button).focus()

    def _show_matches(self) -> None:
        plan = self.plan
        table = self.query_one("#matches", DataTable)
        matched = plan.matched() if plan is not None else []
        table.display = bool(matched)
        table.styles.height = min(len(matched), 4) + 2  # header, rows, a scroll bar
        row_at = table.cursor_row
        table.clear(columns=True)
        if plan is not None and matched:
            for heading in (_("Line"), _("Choice"), _("Row"), _("May be"), _("Who")):
                table.add_column(heading)
            for line, row in matched:
                table.add_row(
                    str(line), _(CHOICE_LABELS[plan.choice(line, row)]), row.name,
                    _(MATCH_LABELS[row.found.match]), candidate_text(row.found), key=str(line),
                )  # fmt: skip
            table.move_cursor(row=min(row_at, len(matched) - 1))
        button = self.query_one("#import", Button)
        valid = plan.valid if plan is not None else 0
        button.disabled = valid == 0
        button.label = (
            ngettext("Import {n} row", "Import {n} rows", valid).format(n=valid) + " · ctrl+s"
        )

    def action_choose(self, choice: str) -> None:
        """s / f / o / a on a row of the table: that row's choice."""
        table = self.query_one("#matches", DataTable)
        if self.plan is None or not table.has_focus or table.row_count == 0:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        if key is not None:
            self.plan.choices[int(key)] = Choice(choice)
            self.show_plan(self.plan)  # the counts above and the button say it too

    def action_choose_all(self, choice: str) -> None:
        """S / F / O / A in the table: that choice for every row in it."""
        if self.plan is not None and self.query_one("#matches", DataTable).has_focus:
            self.plan.choose_all(Choice(choice))
            self.show_plan(self.plan)

    def action_save(self) -> None:
        """ctrl+s imports, as the Import button does (once the preview allows it)."""
        button = self.query_one("#import", Button)
        if not button.disabled:
            button.press()

    @on(Button.Pressed, "#import")
    def _import(self) -> None:
        if self.plan is None or self.plan.valid == 0:
            return
        consent = None
        if self.kind == "people":
            typed_on = self.query_one("#consent-on", Input).value
            purpose = self.query_one("#consent-for", Input).value
            if typed_on.strip() or purpose.strip():
                try:
                    consent = checked_consent(typed_on, purpose, today=self.context.today())
                except ValidationError as exc:
                    self.say("\n".join(exc.errors.values()))
                    return
        self.query_one("#import", Button).disabled = True
        self.apply(self.plan, consent)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def apply(self, plan: exchange.ImportPlan, consent: tuple[date, str] | None) -> None:
        """The import in one transaction, in a worker: Cancel (or Esc) meanwhile rolls it
        back and nothing is left behind."""
        try:
            with running(self.app, self.query_one("#progress", WorkProgress)):
                added = exchange.apply_import(
                    self.context.engine, plan, today=self.context.today(), consent=consent,
                    progress=self._progress(),
                )  # fmt: skip
        except Stopped:
            self.app.call_from_thread(
                self.app.notify, _("Import cancelled: nothing was written."), timeout=8
            )
            return
        except Exception as exc:  # (a busy database or a full disk: said, nothing written)
            self.app.call_from_thread(self._refused, exc)
            return
        message = ngettext("{n} row imported.", "{n} rows imported.", added).format(n=added)
        if self.kind == "people" and (cannot := exchange.unmailable(plan, consent)):
            message += " " + ngettext(
                "{n} of them cannot be mailed yet (no e-mail address or no consent).",
                "{n} of them cannot be mailed yet (no e-mail address or no consent).",
                cannot,
            ).format(n=cannot)
        self.app.call_from_thread(self.app.notify, message, timeout=10)
        self.dismiss_after_work(True)

    def _refused(self, error: Exception) -> None:
        self.query_one("#import", Button).disabled = False
        refuse_busy(self, error)

    def action_cancel(self) -> None:
        """Esc, as Cancel: a preview or an import still running stops and writes nothing."""
        self.workers.cancel_all()
        self.dismiss(None)

    @on(Button.Pressed, "#cancel")
    def _cancelled(self) -> None:
        self.action_cancel()
