"""User-facing names of the domain's vocabularies and formats for dates, all translated."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from coordinator.i18n import N_, _, current_language
from coordinator.meetings.schedule import Occurrence
from storage.enums import (
    AnnouncementStatus,
    AttendanceStatus,
    ContactChannel,
    DecisionKind,
    DecisionStatus,
    DeliveryStatus,
    MeetingKind,
    MeetingStatus,
    Membership,
    MinutesStatus,
    OrgKind,
    Phase,
    Priority,
    Rsvp,
    TaskStatus,
    Topic,
)

_LABELS: dict[StrEnum, str] = {
    OrgKind.MSO: N_("migrant organisation"),
    OrgKind.UMBRELLA: N_("umbrella association"),
    OrgKind.RELIGIOUS: N_("religious community"),
    OrgKind.SCHOOL: N_("school"),
    OrgKind.KINDERGARTEN: N_("kindergarten"),
    OrgKind.COUNSELLING: N_("counselling service"),
    OrgKind.MUNICIPAL: N_("municipal office"),
    OrgKind.JOBCENTER: N_("Jobcenter"),
    OrgKind.POLICE: N_("police contact officer"),
    OrgKind.FOUNDATION: N_("foundation"),
    OrgKind.UNIVERSITY: N_("university"),
    OrgKind.COMPANY: N_("company"),
    OrgKind.OTHER: N_("other"),
    Phase.PREPARATION: N_("preparation"),
    Phase.FIRST_CONTACT: N_("first contact"),
    Phase.ORGANISING: N_("organising"),
    Phase.STABILISATION: N_("stabilisation"),
    Phase.FORMALISATION: N_("formalisation"),
    Membership.MEMBER: N_("member"),
    Membership.PARTNER: N_("partner"),
    Membership.PROSPECT: N_("prospective"),
    Membership.FORMER: N_("former"),
    Topic.DEMOCRACY: N_("anti-racism and democracy"),
    Topic.CULTURE: N_("culture"),
    Topic.RELIGION: N_("religion and dialogue"),
    Topic.REFUGEES: N_("refugees"),
    Topic.SOCIAL_HEALTH: N_("social affairs and health"),
    Topic.YOUTH_EDUCATION: N_("youth and education"),
    Topic.INTERCULTURAL_OPENING: N_("intercultural opening"),
    Topic.GENDER: N_("gender"),
    Topic.LABOUR: N_("labour market"),
    Topic.SPORT: N_("sport"),
    Topic.NEIGHBOURHOOD: N_("neighbourhoods"),
    MeetingKind.NETWORK: N_("network meeting"),
    MeetingKind.WORKING_GROUP: N_("working group"),
    MeetingKind.ROUND_TABLE: N_("round table"),
    MeetingKind.EVENT: N_("event"),
    MeetingKind.HEARING: N_("hearing"),
    MeetingStatus.PLANNED: N_("planned"),
    MeetingStatus.CONFIRMED: N_("confirmed"),
    MeetingStatus.CANCELLED: N_("cancelled"),
    TaskStatus.OPEN: N_("open"),
    TaskStatus.IN_PROGRESS: N_("in progress"),
    TaskStatus.DONE: N_("done"),
    TaskStatus.DROPPED: N_("dropped"),
    Priority.LOW: N_("low"),
    Priority.NORMAL: N_("normal"),
    Priority.HIGH: N_("high"),
    ContactChannel.CALL: N_("call"),
    ContactChannel.MEETING: N_("meeting"),
    ContactChannel.EMAIL: N_("e-mail"),
    ContactChannel.VISIT: N_("visit"),
    Rsvp.NO_REPLY: N_("no reply"),
    Rsvp.ACCEPTED: N_("accepted"),
    Rsvp.TENTATIVE: N_("tentative"),
    Rsvp.DECLINED: N_("declined"),
    MinutesStatus.DRAFT: N_("draft"),
    MinutesStatus.APPROVED: N_("approved"),
    DecisionKind.DECISION: N_("decision"),
    DecisionKind.PROCESS: N_("process"),
    DecisionKind.RESPONSIBILITY: N_("responsibility"),
    DecisionKind.RULE: N_("rule"),
    DecisionKind.MEASURE: N_("measure"),
    DecisionStatus.VALID: N_("valid"),
    DecisionStatus.REPLACED: N_("replaced"),
    DecisionStatus.REVOKED: N_("revoked"),
    AttendanceStatus.PRESENT: N_("present"),
    AttendanceStatus.EXCUSED: N_("excused"),
    AttendanceStatus.ABSENT: N_("absent"),
    AnnouncementStatus.DRAFT: N_("draft"),
    AnnouncementStatus.SENT: N_("sent"),
    DeliveryStatus.PENDING: N_("pending"),
    DeliveryStatus.SENT: N_("sent"),
    DeliveryStatus.FAILED: N_("failed"),
    DeliveryStatus.WRITTEN: N_("written as .eml"),
}


def label(value: StrEnum) -> str:
    """The translated name of a vocabulary value."""
    return _(english_label(value))


def english_label(value: StrEnum) -> str:
    """The name of a vocabulary value before translation (its message id)."""
    return _LABELS.get(value, value.value.replace("_", " "))


def format_date(value: date | None) -> str:
    if value is None:
        return "–"
    return value.strftime("%d.%m.%Y") if current_language() == "de" else value.isoformat()


def format_datetime(value: datetime | None) -> str:
    """A local datetime (already in the meeting's or the user's zone) for lists."""
    if value is None:
        return "–"
    if current_language() == "de":
        return f"{weekday(value)} {value:%d.%m.%Y %H:%M}"
    return f"{weekday(value)} {value:%Y-%m-%d %H:%M}"


NETWORK_ZONE = ZoneInfo("Europe/Berlin")  # where the network is: for times not of a meeting


def format_moment(value: datetime | None) -> str:
    """A moment that is not a meeting's (a mail sent, a change made), in the network's zone:
    the machine's own zone may be UTC (a server) or anything else."""
    return format_datetime(value.astimezone(NETWORK_ZONE) if value is not None else None)


def in_zone(moment: datetime, timezone: str) -> datetime:
    """``moment`` on the clocks of ``timezone`` (a zone no longer known: the network's)."""
    try:
        return moment.astimezone(ZoneInfo(timezone))
    except (ValueError, KeyError):
        return moment.astimezone(NETWORK_ZONE)


def format_start(starts_at: datetime, timezone: str, all_day: bool) -> str:
    """When a meeting starts, in its own time zone; all-day meetings by date."""
    return _format_local(in_zone(starts_at, timezone), all_day)


def format_when(occ: Occurrence, *, short: bool = False) -> str:
    """When a meeting takes place, in its own time zone; all-day meetings by date. ``short``:
    day and month without weekday and year, for narrow lists of the next weeks."""
    return _format_local(occ.local_start, occ.all_day, short=short)


def _format_local(local: datetime, all_day: bool, *, short: bool = False) -> str:
    if short:
        day = f"{local:%d.%m.}" if current_language() == "de" else f"{local:%m-%d}"
        return day if all_day else f"{day} {local:%H:%M}"  # a day without a time: all day
    if all_day:
        return f"{weekday(local)} {format_date(local.date())} " + _("all day")
    return format_datetime(local)


_WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))


def weekday(value: date) -> str:
    return _(_WEEKDAYS[value.weekday()])
