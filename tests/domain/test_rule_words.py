"""Recurrence rules in words (issue 18): the meeting shows "every 2 weeks on Tuesday, until
17.12.2030", not FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;UNTIL=20301217T170000Z."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from coordinator.i18n import current_language, set_language
from coordinator.meetings.rule_words import describe_rule

START = datetime(2026, 12, 15, 17, tzinfo=UTC)  # a Tuesday, 18:00 in Berlin

CASES = [
    ("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;UNTIL=20301217T170000Z",
     "every 2 weeks on Tuesday, until 2030-12-17", "alle 2 Wochen am Dienstag, bis 17.12.2030"),
    ("FREQ=MONTHLY;BYDAY=2TH;UNTIL=20301231T230000Z",  # midnight in Berlin: the day before
     "every month on the second Thursday, until 2030-12-31",
     "jeden Monat am zweiten Donnerstag, bis 31.12.2030"),
    ("FREQ=MONTHLY;INTERVAL=3;BYDAY=1WE;COUNT=24",
     "every 3 months on the first Wednesday, 24 times", "alle 3 Monate am ersten Mittwoch, 24-mal"),
    ("FREQ=WEEKLY", "every week on Tuesday", "jede Woche am Dienstag"),
    ("FREQ=WEEKLY;BYDAY=MO,WE,FR", "every week on Monday, Wednesday and Friday",
     "jede Woche am Montag, Mittwoch und Freitag"),
    ("FREQ=MONTHLY;BYDAY=FR;BYSETPOS=-1", "every month on the last Friday",
     "jeden Monat am letzten Freitag"),
    ("FREQ=MONTHLY;BYMONTHDAY=3;COUNT=1", "every month on day 3, once", "jeden Monat am 3., einmal"),
    ("FREQ=DAILY;INTERVAL=2", "every 2 days", "alle 2 Tage"),
    ("FREQ=YEARLY", "every year on 12-15", "jedes Jahr am 15.12."),
    # parts it does not say: as written
    ("FREQ=DAILY;BYHOUR=18,19", "FREQ=DAILY;BYHOUR=18,19", "FREQ=DAILY;BYHOUR=18,19"),
    ("FREQ=MONTHLY;BYDAY=7TU", "FREQ=MONTHLY;BYDAY=7TU", "FREQ=MONTHLY;BYDAY=7TU"),
]  # fmt: skip


@pytest.fixture
def language() -> Iterator[None]:
    before = current_language()
    yield
    set_language(before)


@pytest.mark.parametrize(("rule", "english", "german"), CASES)
def test_a_rule_in_words_in_both_languages(
    rule: str, english: str, german: str, language: None
) -> None:
    set_language("en")
    assert describe_rule(rule, START, "Europe/Berlin") == english
    set_language("de")
    assert describe_rule(rule, START, "Europe/Berlin") == german
