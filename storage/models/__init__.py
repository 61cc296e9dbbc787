"""All SQLModel tables of a coordinator network. Importing this package registers them."""

from storage.models.announcements import (
    Announcement,
    AnnouncementFile,
    AnnouncementTranslation,
    Delivery,
)
from storage.models.audit import AuditEntry
from storage.models.imports import CalendarImport, CalendarImportChange, MailReply
from storage.models.meetings import (
    AgendaItem,
    DatePoll,
    Invitation,
    Meeting,
    PollSlot,
    PollVote,
    RecipientGroup,
    RecipientGroupMember,
)
from storage.models.meta import Meta
from storage.models.minutes import Attendance, Decision, Minutes, MinutesEvent
from storage.models.register import (
    Affiliation,
    ContactLogEntry,
    Organisation,
    OrganisationTopic,
    Person,
    PersonLanguage,
    PhaseChange,
)
from storage.models.tasks import Task, TaskEvent

ALL_MODELS = (
    Meta,
    AuditEntry,
    Organisation,
    OrganisationTopic,
    PhaseChange,
    Person,
    PersonLanguage,
    Affiliation,
    ContactLogEntry,
    Meeting,
    AgendaItem,
    Invitation,
    RecipientGroup,
    RecipientGroupMember,
    DatePoll,
    PollSlot,
    PollVote,
    Minutes,
    MinutesEvent,
    Attendance,
    Decision,
    Task,
    TaskEvent,
    Announcement,
    AnnouncementTranslation,
    AnnouncementFile,
    Delivery,
    CalendarImport,
    CalendarImportChange,
    MailReply,
)

__all__ = [m.__name__ for m in ALL_MODELS] + ["ALL_MODELS"]
