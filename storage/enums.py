"""The fixed vocabularies of the domain (see DOMAIN.md). Values are stored as these strings;
user-facing labels live in coordinator/labels.py and go through translation."""

from enum import StrEnum


class OrgKind(StrEnum):
    MSO = "mso"
    UMBRELLA = "umbrella"
    RELIGIOUS = "religious"
    SCHOOL = "school"
    KINDERGARTEN = "kindergarten"
    COUNSELLING = "counselling"
    MUNICIPAL = "municipal"
    JOBCENTER = "jobcenter"
    POLICE = "police"
    FOUNDATION = "foundation"
    UNIVERSITY = "university"
    COMPANY = "company"
    OTHER = "other"


class Phase(StrEnum):
    """Network phases from "Vernetzen ist ein Prozess", in order."""

    PREPARATION = "preparation"
    FIRST_CONTACT = "first_contact"
    ORGANISING = "organising"
    STABILISATION = "stabilisation"
    FORMALISATION = "formalisation"


class Membership(StrEnum):
    MEMBER = "member"
    PARTNER = "partner"
    PROSPECT = "prospect"
    FORMER = "former"


class Topic(StrEnum):
    """Topics of cooperation (seed 001)."""

    DEMOCRACY = "democracy"
    CULTURE = "culture"
    RELIGION = "religion"
    REFUGEES = "refugees"
    SOCIAL_HEALTH = "social_health"
    YOUTH_EDUCATION = "youth_education"
    INTERCULTURAL_OPENING = "intercultural_opening"
    GENDER = "gender"
    LABOUR = "labour"
    SPORT = "sport"
    NEIGHBOURHOOD = "neighbourhood"
    OTHER = "other"


class ContactChannel(StrEnum):
    CALL = "call"
    MEETING = "meeting"
    EMAIL = "email"
    VISIT = "visit"


class MeetingKind(StrEnum):
    NETWORK = "network"
    WORKING_GROUP = "working_group"
    ROUND_TABLE = "round_table"
    EVENT = "event"
    HEARING = "hearing"


class MeetingStatus(StrEnum):
    PLANNED = "planned"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"


class Rsvp(StrEnum):
    NO_REPLY = "no_reply"
    ACCEPTED = "accepted"
    TENTATIVE = "tentative"
    DECLINED = "declined"


class PollStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class Availability(StrEnum):
    YES = "yes"
    IF_NEED_BE = "if_need_be"
    NO = "no"


class MinutesStatus(StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"


class AttendanceStatus(StrEnum):
    PRESENT = "present"
    EXCUSED = "excused"
    ABSENT = "absent"


class DecisionKind(StrEnum):
    DECISION = "decision"
    PROCESS = "process"
    RESPONSIBILITY = "responsibility"
    RULE = "rule"
    MEASURE = "measure"


class DecisionStatus(StrEnum):
    VALID = "valid"
    REPLACED = "replaced"
    REVOKED = "revoked"


class TaskStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"


class Priority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"


class AnnouncementStatus(StrEnum):
    DRAFT = "draft"
    SENT = "sent"


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    WRITTEN = "written"  # as an .eml file, for the coordinator's own mail program
