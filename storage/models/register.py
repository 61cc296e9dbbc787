"""The network register: organisations, contact people, their memberships and the contact log."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Index, event
from sqlmodel import Field, SQLModel

from storage.enums import ContactChannel, Membership, OrgKind, Phase, Topic
from storage.models._columns import created_field, enum_field, utc_field
from storage.search import sort_key


class Organisation(SQLModel, table=True):
    __tablename__ = "organisation"
    __table_args__ = (
        Index("ix_organisation_phase_name", "phase", "name"),
        # Covers the follow-up list and its count without reading rows (schema version 2).
        Index("ix_organisation_last_contact", "last_contact_at", "membership"),
        # The list in name order (as a reader sorts, v10), filtered by search words, read from
        # the index alone (v3).
        Index("ix_organisation_name_search", "sort_name", "id", "search_text"),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True, max_length=200)
    kind: OrgKind = enum_field(OrgKind, OrgKind.MSO, index=True)
    origin: str = Field(default="", max_length=120)
    city: str = Field(default="", index=True, max_length=120)
    district: str = Field(default="", max_length=120)
    phase: Phase = enum_field(Phase, Phase.PREPARATION)
    phase_changed_on: date | None = None
    membership: Membership = enum_field(Membership, Membership.PROSPECT)
    website: str = Field(default="", max_length=300)
    notes: str = ""
    # Folded name, origin, city, district and notes (schema version 3; storage/search.py).
    search_text: str = ""
    # The name as lists sort it: case and accents aside (schema version 10; sort_key).
    sort_name: str = ""
    # Denormalised from contact_log (schema version 2) so the follow-up list stays fast.
    last_contact_at: datetime | None = utc_field(None, nullable=True)
    created_at: datetime = created_field()
    updated_at: datetime = created_field()
    version: int = 1


class OrganisationTopic(SQLModel, table=True):
    __tablename__ = "organisation_topic"

    organisation_id: int = Field(
        foreign_key="organisation.id", primary_key=True, ondelete="CASCADE"
    )
    topic: Topic = enum_field(Topic, primary_key=True, index=True)


class PhaseChange(SQLModel, table=True):
    """History of an organisation's network phase."""

    __tablename__ = "phase_change"

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    from_phase: Phase | None = enum_field(Phase, None)
    to_phase: Phase = enum_field(Phase)
    changed_on: date
    note: str = ""


class Person(SQLModel, table=True):
    """A contact person: a private individual whose data falls under the GDPR."""

    __tablename__ = "person"
    __table_args__ = (
        Index("ix_person_family_given", "family_name", "given_name"),
        Index("ix_person_last_contact", "last_contact_at", "erased_at"),
        Index("ix_person_name_search", "sort_name", "id", "erased_at", "search_text"),
    )

    id: int | None = Field(default=None, primary_key=True)
    given_name: str = Field(default="", max_length=120)
    family_name: str = Field(default="", max_length=120)
    email: str = Field(default="", index=True, max_length=254)
    phone: str = Field(default="", max_length=40)
    preferred_language: str = Field(default="de", max_length=8)
    consent_on: date | None = None
    consent_purpose: str = ""
    notes: str = ""
    erased_at: datetime | None = utc_field(None, nullable=True)
    # Folded names, e-mail, phone, notes and organisation names (schema version 3).
    search_text: str = ""
    # Family and given name as lists sort them (schema version 10; storage.search.sort_key).
    sort_name: str = ""
    last_contact_at: datetime | None = utc_field(None, nullable=True)
    created_at: datetime = created_field()
    updated_at: datetime = created_field()
    version: int = 1

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.given_name, self.family_name) if part)


class PersonLanguage(SQLModel, table=True):
    """Languages a person speaks (ISO 639-1 codes), one row each so lists can filter by them."""

    __tablename__ = "person_language"

    person_id: int = Field(foreign_key="person.id", primary_key=True, ondelete="CASCADE")
    language: str = Field(primary_key=True, max_length=8, index=True)


class Affiliation(SQLModel, table=True):
    """A person's membership in an organisation, with their role there."""

    __tablename__ = "affiliation"

    person_id: int = Field(foreign_key="person.id", primary_key=True, ondelete="CASCADE")
    organisation_id: int = Field(
        foreign_key="organisation.id", primary_key=True, index=True, ondelete="CASCADE"
    )
    role: str = Field(default="", max_length=120)


class ContactLogEntry(SQLModel, table=True):
    """A call, meeting, e-mail or visit with a person and/or an organisation."""

    __tablename__ = "contact_log"
    __table_args__ = (
        CheckConstraint(
            "person_id IS NOT NULL OR organisation_id IS NOT NULL",
            name="ck_contact_log_has_party",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    occurred_at: datetime = utc_field(index=True)
    channel: ContactChannel = enum_field(ContactChannel, ContactChannel.CALL)
    person_id: int | None = Field(
        default=None, foreign_key="person.id", index=True, ondelete="SET NULL"
    )
    organisation_id: int | None = Field(
        default=None, foreign_key="organisation.id", index=True, ondelete="CASCADE"
    )
    note: str = ""
    created_at: datetime = created_field()


# Every write through the ORM keeps the sort names (a bulk insert passes them itself).
@event.listens_for(Organisation, "before_insert")
@event.listens_for(Organisation, "before_update")
def _organisation_sort_name(_mapper: object, _connection: object, org: Organisation) -> None:
    org.sort_name = sort_key(org.name)


@event.listens_for(Person, "before_insert")
@event.listens_for(Person, "before_update")
def _person_sort_name(_mapper: object, _connection: object, person: Person) -> None:
    person.sort_name = sort_key(person.family_name, person.given_name)
