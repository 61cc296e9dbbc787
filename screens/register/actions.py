"""What can be done to one organisation or person, from the register's lists and from the
detail views alike: add, edit (with the conflict dialog), change the phase, log a contact,
delete (saying what goes with it), merge two that are one, export a person's data and
erase them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from textual.screen import Screen

from coordinator.context import Context
from coordinator.files import WriteError, write_private
from coordinator.i18n import _
from coordinator.labels import format_date, label
from coordinator.network.concurrency import version_of
from coordinator.register import contacts, gdpr, organisations, people
from coordinator.register.names import person_name
from screens.conflict import attempt, refuse_busy, save_checked
from screens.dialogs import ConfirmDialog, ContactDialog, PhaseDialog
from screens.forms import RELOAD, OrganisationForm, PersonForm
from storage.enums import Phase
from storage.models import Organisation, Person


def add_organisation(screen: Screen[Any], context: Context, done: Callable[[], None]) -> None:
    def save(value: organisations.OrganisationInput) -> None:
        organisations.create_organisation(context.engine, value, today=context.today())

    screen.app.push_screen(
        OrganisationForm(_("New organisation"), organisations.OrganisationInput(), save),
        lambda saved: done() if saved else None,
    )


def edit_organisation(
    screen: Screen[Any], context: Context, org_id: int, done: Callable[[], None]
) -> None:
    def save(value: organisations.OrganisationInput, version: int) -> None:
        organisations.update_organisation(
            context.engine, org_id, value, today=context.today(), expected_version=version
        )

    def closed(saved: object) -> None:
        if saved == RELOAD:
            edit_organisation(screen, context, org_id, done)
        if saved:
            done()

    version = version_of(context.engine, Organisation, org_id)  # before the values it guards
    current = organisations.input_of(context.engine, org_id)
    screen.app.push_screen(
        OrganisationForm(
            _("Edit {name}").format(name=current.name), current, save, version=version
        ),
        closed,
    )


def change_organisation_phase(
    screen: Screen[Any],
    context: Context,
    org_id: int,
    name: str,
    done: Callable[[], None],
) -> None:
    version = version_of(context.engine, Organisation, org_id)  # before the phase it guards
    current = Phase(organisations.input_of(context.engine, org_id).phase)

    def chosen(result: Any) -> None:
        if not result:
            return
        new_phase, note = result

        def save(expected: int) -> None:
            organisations.change_phase(
                context.engine, org_id, Phase(new_phase), on=context.today(), note=note,
                expected_version=expected,
            )  # fmt: skip
            screen.notify(
                _("{name} is now in phase: {phase}").format(
                    name=name, phase=label(Phase(new_phase))
                )
            )

        save_checked(
            screen, save, version, done=done, reload=done,
            yours=[_("phase: {value}").format(value=label(Phase(new_phase)))],
        )  # fmt: skip

    screen.app.push_screen(PhaseDialog(name, current), chosen)


def log_contact(
    screen: Screen[Any], context: Context, who: str, done: Callable[[], None], *,
    person_id: int | None = None, organisation_id: int | None = None,
) -> None:  # fmt: skip
    def chosen(result: Any) -> None:
        if result:
            channel, when, note = result
            contacts.log_contact(
                context.engine, channel=channel, occurred_at=when, note=note,
                person_id=person_id, organisation_id=organisation_id,
            )  # fmt: skip
            screen.notify(_("Contact recorded."))
            done()

    screen.app.push_screen(ContactDialog(who, format_date(context.today())), chosen)


def delete_organisation(
    screen: Screen[Any], context: Context, org_id: int, done: Callable[[], None]
) -> None:
    impact = organisations.deletion_impact(context.engine, org_id)
    body = "\n".join(
        [
            _("People keep their records; {n} lose this membership: {names}").format(
                n=impact.members, names=", ".join(impact.member_names[:8]) or "–"
            ),
            _("Tasks it owns stay, without an owner: {n}").format(n=impact.tasks),
            _("Contact-log entries about it alone are deleted: {n}").format(n=impact.contact_log),
            _("Its phase history is deleted: {n} entries").format(n=impact.phase_changes),
        ]
    )

    def confirmed(answer: Any) -> None:
        if answer and attempt(
            screen, lambda: organisations.delete_organisation(context.engine, org_id)
        ):
            screen.notify(_("{name} deleted.").format(name=impact.name))
            done()

    screen.app.push_screen(
        ConfirmDialog(
            _("Delete {name}?").format(name=impact.name), body, _("Delete"), cancel_first=True
        ),
        confirmed,
    )


def add_person(screen: Screen[Any], context: Context, done: Callable[[], None]) -> None:
    _open_person_form(screen, context, None, people.PersonInput(), done)


def edit_person(
    screen: Screen[Any], context: Context, person_id: int, done: Callable[[], None]
) -> None:
    version = version_of(context.engine, Person, person_id)  # before the values it guards
    value = people.input_of(context.engine, person_id)
    _open_person_form(screen, context, person_id, value, done, version=version)


def _open_person_form(
    screen: Screen[Any],
    context: Context,
    person_id: int | None,
    value: people.PersonInput,
    done: Callable[[], None],
    *,
    version: int | None = None,
) -> None:
    def save(collected: tuple[people.PersonInput, str, str], version: int | None = None) -> None:
        data, names, roles = collected
        data = replace(data, affiliations=people.parse_affiliations(context.engine, names, roles))
        if person_id is None:
            people.create_person(context.engine, data)
        else:
            people.update_person(context.engine, person_id, data, expected_version=version)

    def closed(saved: object) -> None:
        if saved == RELOAD and person_id is not None:
            edit_person(screen, context, person_id, done)
        if saved:
            done()

    title = (
        _("New person")
        if person_id is None
        else _("Edit {name}").format(name=f"{value.given_name} {value.family_name}".strip())
    )
    form = PersonForm(
        title, value, save, people.affiliation_text(context.engine, value.affiliations),
        version=version,
    )  # fmt: skip
    screen.app.push_screen(form, closed)


def delete_person(
    screen: Screen[Any], context: Context, person_id: int, done: Callable[[], None]
) -> None:
    impact = people.deletion_impact(context.engine, person_id)
    body = "\n".join(
        [
            _("Memberships removed: {n}; invitations removed: {m}").format(
                n=impact.organisations, m=impact.invitations
            ),
            _(
                "Open tasks: {n}. They stay unassigned, or go to the person whose ID you enter below."
            ).format(n=impact.open_tasks),
            _("Minutes keep the name as text: {n} entries").format(n=impact.attendance),
            _(
                "Contact-log entries about the person alone are deleted: {n}; {m} stay with their organisation"
            ).format(n=impact.contact_log_only_person, m=impact.contact_log_with_org),
        ]
    )

    def confirmed(answer: Any) -> None:
        if answer is None:
            return
        heir = int(answer) if isinstance(answer, str) and answer.isdigit() else None
        try:
            people.delete_person(context.engine, person_id, reassign_tasks_to=heir)
        except LookupError:
            screen.notify(
                _("No person with ID {id}; nothing deleted.").format(id=answer), severity="error"
            )
            return
        except Exception as exc:  # (another writer held the lock)
            refuse_busy(screen, exc)
            return
        screen.notify(_("{name} deleted.").format(name=impact.name))
        done()

    screen.app.push_screen(
        ConfirmDialog(
            _("Delete {name}?").format(name=impact.name), body, _("Delete"),
            extra_input=_("Reassign open tasks to person ID (optional)"),
        ),
        confirmed,
    )  # fmt: skip


def gdpr_export(
    screen: Screen[Any], context: Context, person_id: int, folder: Path | None = None
) -> list[Path]:
    """Write everything held about a person as JSON and text, readable by the owner only."""
    folder = folder or Path.cwd()
    try:
        written = [
            write_private(
                folder / f"person-{person_id}-data.{suffix}", render(context.engine, person_id)
            )
            for suffix, render in (("json", gdpr.export_json), ("txt", gdpr.export_text))
        ]
    except WriteError as exc:
        screen.notify(str(exc), severity="error", timeout=10)
        return []
    screen.notify(
        _("Written: {files}").format(files=", ".join(str(p) for p in written)), timeout=10
    )
    return written


def erase_person(
    screen: Screen[Any], context: Context, person_id: int, done: Callable[[], None]
) -> None:
    def confirmed(answer: Any) -> None:
        if answer and attempt(screen, lambda: gdpr.erase_person(context.engine, person_id)):
            notes = " ".join(gdpr.erasure_notes(context.engine))
            screen.notify(_("Person {id} erased.").format(id=person_id) + " " + notes, timeout=30)
            done()

    screen.app.push_screen(
        ConfirmDialog(
            _("Erase {name} (person {id})? This cannot be undone.").format(
                name=person_name(context.engine, person_id), id=person_id),
            _("Name, contact data, notes, languages and memberships are removed. Tasks, invitations "
              "and minutes stay under the name \u201c{name}\u201d.").format(name=gdpr.anonymised_name(person_id)),
            _("Erase"),
            cancel_first=True,
        ),
        confirmed,
    )  # fmt: skip


def merge_record(
    screen: Screen[Any], context: Context, kind: str, record_id: int, done: Callable[[], None]
) -> None:
    """``M``: the record merged into the one the dialog names (coordinator.register.merging)."""
    from coordinator.register import merging
    from screens.register.merge_dialog import MergeDialog

    if kind == "person":
        name = person_name(context.engine, record_id)
    else:
        name = organisations.input_of(context.engine, record_id).name

    def merged(survivor: object) -> None:
        if isinstance(survivor, str):
            screen.notify(
                _("{name} merged into {survivor}.").format(name=name, survivor=survivor),
                timeout=10,
            )
            done()

    screen.app.push_screen(
        MergeDialog(
            kind,
            name,
            lambda typed: merging.merge_into_named(context.engine, kind, record_id, typed),
        ),
        merged,
    )
