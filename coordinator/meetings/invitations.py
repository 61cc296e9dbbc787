"""Invitations: who is invited to a meeting, and what they answered."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import Engine, delete
from sqlmodel import Session, col, select

from coordinator.i18n import _
from coordinator.register.names import KINDS, Name, fitting, listed, names_in
from coordinator.register.people import find_person
from coordinator.validation import Checker, ValidationError
from storage.enums import Membership, Phase, Rsvp, Topic
from storage.models import (
    Affiliation,
    Invitation,
    Meeting,
    Organisation,
    OrganisationTopic,
    Person,
    PersonLanguage,
    RecipientGroup,
    RecipientGroupMember,
)
from storage.search import fold
from storage.uow import transaction


def _invite(session: Session, meeting_id: int, person_ids: list[int]) -> int:
    if session.get(Meeting, meeting_id) is None:
        raise LookupError(meeting_id)
    already = set(
        session.exec(select(Invitation.person_id).where(Invitation.meeting_id == meeting_id)).all()
    )
    living = set(
        session.exec(
            select(Person.id).where(col(Person.id).in_(person_ids), col(Person.erased_at).is_(None))
        ).all()
    )
    added = 0
    for person_id in dict.fromkeys(person_ids):
        if person_id in living and person_id not in already:
            session.add(Invitation(meeting_id=meeting_id, person_id=person_id))
            added += 1
    return added


def invite_people(engine: Engine, meeting_id: int, person_ids: list[int]) -> int:
    """Invite people (each once); returns how many were newly invited."""
    with transaction(engine) as session:
        return _invite(session, meeting_id, person_ids)


def invite_organisation(engine: Engine, meeting_id: int, organisation_id: int) -> int:
    """Invite every contact person of an organisation."""
    with transaction(engine) as session:
        members = list(
            session.exec(
                select(Affiliation.person_id).where(Affiliation.organisation_id == organisation_id)
            ).all()
        )
        return _invite(session, meeting_id, members)


def group_members(session: Session, group: RecipientGroup) -> list[int]:
    """The people of a saved group: those picked by hand, and those its filter finds in the
    register. Each filter may hold several values (any of them matches); the filters narrow
    each other (the organisation's kind, topic, phase, city and membership, and the
    languages a person speaks)."""
    rules = json.loads(group.filter_json or "{}")
    picked: set[int] = set(
        session.exec(
            select(RecipientGroupMember.person_id).where(RecipientGroupMember.group_id == group.id)
        ).all()
    )
    found: set[int] | None = None  # None: no filter
    org_rules = {
        key: value if isinstance(value, list) else [value]
        for key, value in rules.items()
        if key in ("kind", "topic", "phase", "city", "membership")
    }
    if org_rules:
        query = select(Organisation.id)
        for key, values in org_rules.items():
            if key == "topic":  # organisations working on any of the topics
                query = query.where(
                    col(Organisation.id).in_(
                        select(OrganisationTopic.organisation_id).where(
                            col(OrganisationTopic.topic).in_([Topic(v) for v in values])
                        )
                    )
                )
            elif key == "phase":
                query = query.where(col(Organisation.phase).in_([Phase(v) for v in values]))
            elif key == "membership":
                query = query.where(
                    col(Organisation.membership).in_([Membership(v) for v in values])
                )
            else:
                query = query.where(col(getattr(Organisation, key)).in_(values))
        org_ids = list(session.exec(query).all())
        found = set(
            session.exec(
                select(Affiliation.person_id).where(col(Affiliation.organisation_id).in_(org_ids))
            ).all()
        )
    if "language" in rules:
        languages = (
            rules["language"] if isinstance(rules["language"], list) else [rules["language"]]
        )
        speakers = set(
            session.exec(
                select(PersonLanguage.person_id).where(col(PersonLanguage.language).in_(languages))
            ).all()
        )
        found = speakers if found is None else found & speakers
    return sorted(picked | (found or set()))


def invite_group(engine: Engine, meeting_id: int, group_id: int) -> int:
    with transaction(engine) as session:
        group = session.get(RecipientGroup, group_id)
        if group is None:
            raise LookupError(group_id)
        return _invite(session, meeting_id, group_members(session, group))


def set_rsvp(engine: Engine, meeting_id: int, person_id: int, rsvp: Rsvp) -> None:
    """Record an answer. For a date of a series (an occurrence row) it is that date's answer
    only; the series' answer stays the default for the dates without their own."""
    with transaction(engine) as session:
        record_answer(session, meeting_id, person_id, rsvp, datetime.now(UTC))


def set_series_rsvp(engine: Engine, meeting_id: int, person_id: int, rsvp: Rsvp) -> None:
    """The answer for every date of the series ``meeting_id`` belongs to; this date's own
    answer gives way to it (other dates keep theirs)."""
    with transaction(engine) as session:
        meeting = session.get(Meeting, meeting_id)
        if meeting is None:
            raise LookupError(meeting_id)
        record_answer(session, meeting.series_id or meeting_id, person_id, rsvp, datetime.now(UTC))
        if meeting.series_id is not None:
            session.exec(  # type: ignore[call-overload]
                delete(Invitation).where(
                    col(Invitation.meeting_id) == meeting_id,
                    col(Invitation.person_id) == person_id,
                )
            )


def record_answer(
    session: Session, meeting_id: int, person_id: int, rsvp: Rsvp, at: datetime
) -> Invitation:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise LookupError(meeting_id)
    own = session.exec(
        select(Invitation).where(
            Invitation.meeting_id == meeting_id, Invitation.person_id == person_id
        )
    ).first()
    if own is None and meeting.series_id is not None:  # a date of the series
        invited = session.exec(
            select(Invitation.id).where(
                Invitation.meeting_id == meeting.series_id, Invitation.person_id == person_id
            )
        ).first()
        if invited is not None:
            own = Invitation(meeting_id=meeting_id, person_id=person_id)
            session.add(own)
    if own is None:
        raise LookupError((meeting_id, person_id))
    own.rsvp = rsvp
    own.responded_at = at if rsvp != Rsvp.NO_REPLY else None
    return own


def date_answers(session: Session, occurrence_id: int) -> dict[int, Rsvp]:
    """The answers given for one date of a series, by person (the rest answer as for the
    series)."""
    return dict(
        session.exec(
            select(Invitation.person_id, Invitation.rsvp).where(
                Invitation.meeting_id == occurrence_id
            )
        ).all()
    )


def invite_by_name(engine: Engine, meeting_id: int, kind: str, name: str) -> int:
    """Invite an organisation's people, a saved group, or one person, named as typed (case and
    accents do not matter; a person also by e-mail address or "#ID"). ``kind`` "any" looks
    for all three and takes the one that matches. Returns how many were newly invited."""
    typed = name.strip()
    kinds = KINDS if kind == "any" else (kind,)
    with transaction(engine) as session:
        check = Checker()
        if "person" in kinds and ("@" in typed or typed.startswith("#")):
            person = find_person(session, typed, check, "name")
            found = [Name("person", person, typed)] if person is not None else []
            if not found and kind == "person":
                raise ValidationError(check.errors)
        else:
            found = fitting(typed, names_in(session, kinds))
        if len(found) != 1:
            if not found:
                message = (
                    _("No one called “{name}” in the register.")
                    if kind == "person"
                    else _("No single match for “{name}”.")
                )
            elif len({fold(n.label) for n in found}) == 1:
                message = _(
                    "“{name}” names more than one: choose an organisation, a group or a person."
                )
            else:
                message = _("“{name}” fits {n} names ({names}): choose one.")
            raise ValidationError(
                {"name": message.format(name=typed, n=len(found), names=listed(found))}
            )
        target = found[0].id
        what = found[0].kind
        if what == "organisation":
            members = list(
                session.exec(
                    select(Affiliation.person_id).where(Affiliation.organisation_id == target)
                ).all()
            )
            return _invite(session, meeting_id, members)
        if what == "group":
            group = session.get(RecipientGroup, target)
            assert group is not None
            return _invite(session, meeting_id, group_members(session, group))
        return _invite(session, meeting_id, [target])
