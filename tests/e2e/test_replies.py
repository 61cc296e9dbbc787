"""End to end, issue 20: partners' answers read from a mailbox in the mail section (r) of
the real command: an Outlook answer recorded, a message it cannot understand listed with its
sender and a subject full of markup shown literally (de 80x24, en 120x40)."""

from __future__ import annotations

import mailbox
import sqlite3
from pathlib import Path

import pytest

from tests.e2e.test_tmux import drive, on_a_sample_copy
from tests.fixtures import reply_mails


@pytest.mark.parametrize(
    ("size", "lang", "section", "title", "summary", "recorded", "unknown"),
    [
        ("80x24", "de", "Verteiler", "Postfach", "2 Nachrichten gelesen", "eingetragen",
         "nicht verstanden"),
        ("120x40", "en", "Recipient groups", "mailbox", "2 messages read", "recorded",
         "not understood"),
    ],
)  # fmt: skip
def test_answers_are_read_from_a_mailbox_by_keys(
    tmp_path: Path, size: str, lang: str, section: str, title: str, summary: str,
    recorded: str, unknown: str,
) -> None:  # fmt: skip
    command = on_a_sample_copy(tmp_path, lang)
    db = sqlite3.connect(tmp_path / "sample.db")
    uid, email, meeting = db.execute(
        "SELECT m.uid, p.email, m.id FROM invitation i JOIN meeting m ON m.id = i.meeting_id "
        "JOIN person p ON p.id = i.person_id WHERE i.rsvp = 'no_reply' AND p.email != '' "
        "AND m.series_id IS NULL AND m.rrule = '' ORDER BY p.email LIMIT 1"
    ).fetchone()
    db.close()
    box = mailbox.mbox(tmp_path / "inbox")
    box.add(reply_mails.outlook(uid, email, "DECLINED"))
    box.add(reply_mails.notice("x@example.net", "[bold]Frage[/bold] zum Treffen"))
    box.close()
    result = drive(
        command,
        "wait:Netzw",
        "keys:s",
        f"wait:{section}",
        "keys:r",
        f"wait:{title}",
        f"type:{tmp_path / 'inbox'}",
        "keys:Enter",
        f"wait:{summary}",
        f"wait:{recorded}",
        f"wait:{unknown}",
        "wait:[bold]Frage[/bold]",  # shown as written, not as markup
        "keys:Escape",
        "sleep:0.4",
        "keys:q",
        "exited",
        size=size,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    db = sqlite3.connect(tmp_path / "sample.db")
    (rsvp,) = db.execute(
        "SELECT i.rsvp FROM invitation i JOIN person p ON p.id = i.person_id "
        "WHERE i.meeting_id = ? AND p.email = ?", (meeting, email),
    ).fetchone()  # fmt: skip
    db.close()
    assert rsvp == "declined"
