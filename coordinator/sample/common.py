"""What every part of the sample generator shares: the seed, the fixed dates, and what was
made so far."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from storage.enums import (
    Phase,
)
from storage.models import (
    Organisation,
    Person,
)

SEED = 20250101
BERLIN = ZoneInfo("Europe/Berlin")
HISTORY_START = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
AS_OF = datetime(2026, 11, 17, 12, 0, tzinfo=UTC)
PLAN_END = date(2030, 12, 31)
CONSENT_PURPOSE = "Netzwerkkommunikation: Einladungen, Protokolle, Rundbrief"
PHASES = list(Phase)


def berlin(day: date, hour: int, minute: int = 0) -> datetime:
    """A local Berlin time as an aware UTC datetime."""
    return datetime.combine(day, time(hour, minute), BERLIN).astimezone(UTC)


def ascii_slug(text: str) -> str:
    special = str.maketrans({"ı": "i", "ł": "l", "ß": "ss", "-": "", "'": "", " ": ""})
    folded = unicodedata.normalize("NFKD", text.translate(special))
    return folded.encode("ascii", "ignore").decode().lower()


@dataclass
class Built:
    """What the generator made, for the later steps to refer to."""

    orgs: list[Organisation] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    members_of: dict[int, list[Person]] = field(default_factory=dict)
    coordinator: Person | None = None
