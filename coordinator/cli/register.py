"""``coordinator people`` and ``coordinator orgs``: import (preview, then all valid rows in
one transaction), export, a person's data (GDPR) and erasure."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from coordinator.cli.terminal import UsageError, ask, emit
from coordinator.i18n import _, ngettext
from coordinator.register.matching import CHOICE_LABELS, MATCH_LABELS, Match, candidate_text

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from coordinator.register.exchange import ImportPlan


def report_plan(plan: ImportPlan) -> None:
    print(ngettext("{n} row can be imported ({source}).", "{n} rows can be imported ({source}).", plan.valid).format(
        n=plan.valid, source=plan.source()))  # fmt: skip
    for name in plan.new_organisations:
        print("  " + _("new organisation: {name}").format(name=name))
    if plan.mapping:
        print("  " + _("Columns read as: {mapping}").format(mapping=plan.mapping_text()))
    if plan.unknown_columns:
        print("  " + _("columns not used: {names}").format(names=", ".join(plan.unknown_columns)))
    if plan.matched():
        counts = plan.counts()
        print(
            "  "
            + ", ".join(
                f"{_(MATCH_LABELS[match])}: {counts[match]}" for match in Match if counts.get(match)
            )
        )
        for line, row in plan.matched():
            print(
                "  "
                + _("line {line} ({what}): {match} {candidate} → {choice}").format(
                    line=line,
                    what=row.name or "–",
                    match=_(MATCH_LABELS[row.found.match]),
                    candidate=candidate_text(row.found),
                    choice=_(CHOICE_LABELS[plan.choice(line, row)]),
                )
            )
    for line, what, warning in plan.warnings:
        print(
            "  "
            + _("line {line} ({what}): {warning}").format(
                line=line, what=what or "–", warning=warning
            )
        )
    for problem in plan.problems:
        errors = "; ".join(f"{field}: {message}" for field, message in problem.errors.items())
        print(
            _("line {line} ({what}): {errors}").format(
                line=problem.line, what=problem.summary or "–", errors=errors
            )
        )


def choose(plan: ImportPlan, for_all: str | None, per_row: list[str]) -> None:
    """--duplicates and --row LINE=CHOICE, given to the plan (ValueError: one line)."""
    from coordinator.register.matching import Choice

    if for_all:
        plan.choose_all(Choice(for_all))
    lines = {line for line, _row in plan.matched()}
    for given in per_row:
        line, _sep, choice = given.partition("=")
        if not line.strip().isdigit() or choice.strip() not in {c.value for c in Choice}:
            raise ValueError(_("--row takes LINE=CHOICE, like 12=overwrite (not {given})").format(
                given=given))  # fmt: skip
        if int(line) not in lines:
            raise ValueError(
                _("line {line} is not a row that may be somebody already there").format(line=line)
            )
        plan.choices[int(line)] = Choice(choice.strip())


def chosen_columns(given: list[str], people: bool) -> dict[str, str]:
    """--map COLUMN=FIELD (FIELD "skip" leaves the column out) as the reader takes them."""
    from coordinator.register.exchange import FIELD_LABELS_ORGS, FIELD_LABELS_PEOPLE
    from coordinator.register.spreadsheet import header_key

    fields = FIELD_LABELS_PEOPLE if people else FIELD_LABELS_ORGS
    columns: dict[str, str] = {}
    for item in given:
        column, _sep, target = item.rpartition("=")
        target = target.strip()
        if not column.strip() or (target not in fields and target != "skip"):
            raise UsageError(
                _("--map takes COLUMN=FIELD, FIELD one of: {fields}, skip (not {given})").format(
                    fields=", ".join(fields), given=item
                )
            )
        columns[header_key(column)] = "" if target == "skip" else target
    return columns


def run_import(args: argparse.Namespace, engine: Engine) -> int:
    from coordinator.register import exchange
    from coordinator.register.spreadsheet import SpreadsheetError

    try:
        data = Path(args.file).read_bytes()
    except OSError as exc:
        raise UsageError(
            _("cannot read {path}: {reason}").format(path=args.file, reason=exc.strerror)
        ) from None
    today = datetime.now(UTC).date()
    consent = None
    if getattr(args, "consent_on", None) or getattr(args, "consent_purpose", None):
        from coordinator.register.consent import checked_consent
        from coordinator.validation import ValidationError

        try:
            consent = checked_consent(
                args.consent_on or "", args.consent_purpose or "", today=today
            )
        except ValidationError as exc:
            raise UsageError("; ".join(exc.errors.values())) from None
    planner = (
        exchange.plan_people_import
        if args.command == "people"
        else exchange.plan_organisations_import
    )
    columns = chosen_columns(args.map, args.command == "people") if args.map else None
    try:
        plan = planner(engine, data, sheet=args.sheet, columns=columns)
    except SpreadsheetError as exc:
        raise UsageError(
            _("{path} is not a usable list: {reason}").format(path=args.file, reason=exc)
        ) from None
    try:
        choose(plan, getattr(args, "duplicates", None), getattr(args, "row", []))
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    report_plan(plan)
    if plan.valid == 0:
        print(_("Nothing imported."))
        return 1
    question = ngettext("Import {n} row?", "Import {n} rows?", plan.valid).format(n=plan.valid)
    if not args.yes and not ask(question):
        print(_("Nothing imported."))
        return 1
    added = exchange.apply_import(engine, plan, today=today, consent=consent)
    print(ngettext("{n} row imported.", "{n} rows imported.", added).format(n=added))
    if plan.kind == "people" and (cannot := exchange.unmailable(plan, consent)):
        print(
            ngettext(
                "{n} of them cannot be mailed yet (no e-mail address or no consent).",
                "{n} of them cannot be mailed yet (no e-mail address or no consent).",
                cannot,
            ).format(n=cannot)
        )
    return 1 if plan.problems else 0


def run_register(args: argparse.Namespace, engine: Engine) -> int:
    from coordinator.register import exports, gdpr, vcard

    if args.action == "import":
        return run_import(args, engine)
    if args.action == "export":
        if args.command == "people":
            text = {
                "csv": exports.people_csv,
                "xlsx": exports.people_xlsx,
                "json": exports.people_json,
                "vcard": lambda e: vcard.vcards(exports.person_records(e)),
            }[args.format](engine)
        else:
            text = {
                "csv": exports.organisations_csv,
                "xlsx": exports.organisations_xlsx,
                "json": exports.organisations_json,
            }[args.format](engine)
        emit(text, args.output)
        return 0
    if args.action == "merge":
        return run_merge(args, engine)
    try:
        if args.action == "gdpr-export":
            text = (
                gdpr.export_json(engine, args.id)
                if args.format == "json"
                else gdpr.export_text(engine, args.id)
            )
            emit(text, args.output)
            return 0
        if args.action == "erase":
            if not args.yes and not ask(
                _("Erase person {id}? This cannot be undone.").format(id=args.id)
            ):
                print(_("Nothing erased."))
                return 1
            gdpr.erase_person(engine, args.id)
            print(_("Person {id} erased.").format(id=args.id))
            if args.delete_backups:
                for backup in gdpr.copies_left(engine):
                    backup.unlink()
                    print(_("Deleted {path}").format(path=backup))
            for note in gdpr.erasure_notes(engine):
                print(note)
            return 0
    except LookupError:
        raise UsageError(_("no person with ID {id}").format(id=args.id)) from None
    raise UsageError(args.action)


def run_merge(args: argparse.Namespace, engine: Engine) -> int:
    from coordinator.register import merging
    from coordinator.validation import ValidationError

    people = args.command == "people"
    if not args.yes and not ask(
        _("Merge {other} into {survivor}? Everything of {other} moves, then it is deleted.").format(
            other=args.other, survivor=args.survivor
        )
    ):
        print(_("Nothing merged."))
        return 1
    try:
        (merging.merge_people if people else merging.merge_organisations)(
            engine, args.survivor, args.other
        )
    except LookupError as exc:
        raise UsageError(
            (_("no person with ID {id}") if people else _("no organisation with ID {id}")).format(
                id=exc.args[0] if exc.args else "?"
            )
        ) from None
    except ValidationError as exc:
        raise UsageError("; ".join(exc.errors.values())) from None
    print(_("{other} merged into {survivor}.").format(other=args.other, survivor=args.survivor))
    return 0
