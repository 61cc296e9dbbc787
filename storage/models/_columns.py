"""Small helpers shared by the table modules."""

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlmodel import Field

from storage.types import StrEnumType, UTCDateTime


def utcnow() -> datetime:
    return datetime.now(UTC)


def enum_field(
    enum_cls: type[StrEnum], default: Any = ..., *, index: bool = False, primary_key: bool = False
) -> Any:
    return Field(  # type: ignore[call-overload]
        default=default, sa_type=StrEnumType(enum_cls), index=index, primary_key=primary_key
    )


def utc_field(default: Any = ..., *, index: bool = False, nullable: bool = False) -> Any:
    return Field(default=default, sa_type=UTCDateTime, index=index, nullable=nullable)  # type: ignore[call-overload]


def created_field() -> Any:
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)  # type: ignore[call-overload]
