"""Consent in bulk: the people a register list shows (its search and filters) who have not
given consent yet get one date and purpose at once. Consents given earlier stay as they are;
each change is recorded like an edit (the audit, the record's version)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import Engine, func
from sqlmodel import col, select

from coordinator.i18n import _
from coordinator.register.listing import PersonFilter, person_conditions
from coordinator.validation import Checker
from storage.models import Person
from storage.uow import reading, transaction


@dataclass(frozen=True)
class ConsentPlan:
    listed: int  # the people the list shows
    without: int  # of them, those without a consent: they would get it


def consent_plan(engine: Engine, flt: PersonFilter) -> ConsentPlan:
    conditions = person_conditions(flt)
    with reading(engine) as session:
        listed = session.exec(select(func.count()).select_from(Person).where(*conditions)).one()
        without = session.exec(
            select(func.count())
            .select_from(Person)
            .where(*conditions, col(Person.consent_on).is_(None))
        ).one()
    return ConsentPlan(int(listed), int(without))


def checked_consent(typed_on: str, purpose: str, *, today: date) -> tuple[date, str]:
    """A consent as typed (date, purpose), checked: ValidationError names a bad field."""
    check = Checker()
    on = check.date("consent_on", typed_on)
    if on is None and "consent_on" not in check.errors:
        check.fail("consent_on", _("This field is required."))
    if on is not None and on > today:
        check.fail("consent_on", _("A consent given in the future? The date is after today."))
    purpose = check.required("consent_purpose", purpose, max_length=300)
    check.check()
    assert on is not None
    return on, purpose


def give_consent(
    engine: Engine, flt: PersonFilter, typed_on: str, purpose: str, *, today: date
) -> int:
    """Record a consent (date, purpose) for the listed people who have none; returns how
    many got it. A bad date or a missing purpose: ValidationError, nothing changed."""
    on, purpose = checked_consent(typed_on, purpose, today=today)
    now = datetime.now(UTC)
    with transaction(engine) as session:
        people = session.exec(
            select(Person).where(*person_conditions(flt), col(Person.consent_on).is_(None))
        ).all()
        for person in people:
            person.consent_on, person.consent_purpose = on, purpose
            person.version += 1
            person.updated_at = now
        return len(people)
