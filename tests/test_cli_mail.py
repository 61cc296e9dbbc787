"""The e-mail sub-commands against a real SMTP server on loopback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from aiosmtpd.controller import Controller

from tests.domain.test_mail import Inbox, free_port


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LANG": "C.UTF-8", "LC_ALL": "", "LC_MESSAGES": "", "LANGUAGE": ""}
    return subprocess.run(
        [sys.executable, "-m", "coordinator.cli", *args],
        capture_output=True, text=True, check=False, env=env, timeout=120,
    )  # fmt: skip


def test_announce_send_log_and_eml(sample_db: str, tmp_path: Path) -> None:
    db = ("--db", sample_db)
    body = tmp_path / "body.md"
    body.write_text("Liebe Bildungspartner,\n\nanbei die Einladung.\n", encoding="utf-8")
    made = run(
        "announcement",
        "--group",
        "bildungspartner",
        "--subject",
        "Einladung",
        "--body-file",
        str(body),
        "--meeting",
        "1",
        *db,
    )
    assert made.returncode == 0, made.stderr
    number = made.stdout.split()[1]
    english = tmp_path / "en.md"
    english.write_text("Dear education partners,\n", encoding="utf-8")
    assert (
        run(
            "translate",
            number,
            "--language",
            "en",
            "--subject",
            "Invitation",
            "--body-file",
            str(english),
            *db,
        ).returncode
        == 0
    )
    missing = run(
        "announcement",
        "--group",
        "bildungspartner",
        "--subject",
        "X",
        "--body-file",
        str(body),
        "--file",
        "nowhere.pdf",
        *db,
    )
    assert missing.returncode == 2 and "nowhere.pdf" in missing.stderr
    dry = run("send", number, "--dry-run", *db)
    assert dry.returncode == 0 and "nothing sent" in dry.stdout
    reachable = int(dry.stdout.strip().splitlines()[-1].split()[0])
    assert reachable > 0

    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        bad = run("mail", "set", "--host", "127.0.0.1", "--port", "0", "--from", "x", *db)
        assert bad.returncode == 2 and "Traceback" not in bad.stderr
        assert (
            run(
                "mail",
                "set",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--security",
                "none",
                "--from",
                "netz@example.org",
                "--per-minute",
                "1000",
                *db,
            ).returncode
            == 0
        )
        assert "250" in run("mail", "test", *db).stdout
        sent = run("send", number, *db)
        assert sent.returncode == 0, sent.stdout + sent.stderr
        assert f"{reachable} sent, 0 failed." in sent.stdout
        assert len(inbox.messages) == reachable
        assert {str(m["Subject"]) for m in inbox.messages} <= {"Einladung", "Invitation"}
        again = run("send", number, *db)
        assert "0 sent" in again.stdout and len(inbox.messages) == reachable
    finally:
        controller.stop()
    log = run("send-log", "--announcement", number, *db)
    assert log.stdout.count("\tsent\t") == reachable
    folder = tmp_path / "out"
    folder.mkdir()
    assert run("send", number, "--eml", str(folder), *db).returncode == 0
    assert len(list(folder.glob("*.eml"))) == reachable and (folder / "addresses.txt").exists()


def test_fetch_replies_reads_an_mbox_once_and_lists_what_it_did(
    sample_db: str, tmp_path: Path
) -> None:
    """Issue 20: `coordinator fetch-replies --mbox FILE`: an Outlook answer recorded, a
    message it cannot understand listed with its sender and subject; the second run reads
    nothing again."""
    import mailbox

    from sqlalchemy import text

    from storage.engine import open_database, resolve_target
    from tests.fixtures import reply_mails

    engine = open_database(resolve_target(sample_db))
    with engine.connect() as db:
        uid, email, meeting = db.execute(
            text(
                "SELECT m.uid, p.email, m.id FROM invitation i JOIN meeting m ON m.id = i.meeting_id "
                "JOIN person p ON p.id = i.person_id WHERE i.rsvp = 'no_reply' AND p.email != '' "
                "AND m.series_id IS NULL AND m.rrule = '' ORDER BY p.email, m.id LIMIT 1"
            )
        ).one()
    box = mailbox.mbox(tmp_path / "inbox")
    box.add(reply_mails.outlook(uid, email, "ACCEPTED"))
    box.add(reply_mails.notice("someone@example.net", "Re: <b>[red]Frage[/red]</b>"))
    box.close()
    first = run("fetch-replies", "--mbox", str(tmp_path / "inbox"), "--db", sample_db)
    assert first.returncode == 1, first.stderr  # one message was not understood
    assert f"recorded: {email}" in first.stdout
    assert "not understood: someone@example.net · Re: <b>[red]Frage[/red]</b>" in first.stdout
    with engine.connect() as db:
        (rsvp,) = db.execute(
            text(
                "SELECT i.rsvp FROM invitation i JOIN person p ON p.id = i.person_id "
                "WHERE i.meeting_id = :m AND p.email = :e"
            ),
            {"m": meeting, "e": email},
        ).one()
    engine.dispose()
    assert rsvp == "accepted"
    second = run("fetch-replies", "--mbox", str(tmp_path / "inbox"), "--db", sample_db)
    assert "already read" in second.stdout and "1 recorded" not in second.stdout
    missing = run("fetch-replies", "--mbox", str(tmp_path / "nowhere"), "--db", sample_db)
    assert missing.returncode == 2 and "no mailbox at" in missing.stderr
