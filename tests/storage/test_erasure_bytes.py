"""Erased means erased: after a GDPR erasure no copy of the person's name, e-mail, phone or
notes is left in the SQLite file, its -wal or its -shm, even while another coordinator has
the network open."""

from __future__ import annotations

import os
import sqlite3
import stat
from dataclasses import replace
from pathlib import Path

import pytest

from coordinator.register import gdpr, people
from coordinator.register.people import PersonInput
from storage.engine import open_database, resolve_target
from tests.conftest import ON_POSTGRES

pytestmark = pytest.mark.skipif(ON_POSTGRES, reason="about the SQLite file's bytes")

VALUES = ("Quirinella", "Zwetschgenbaum", "quirinella.zwetschgenbaum@example.org",
          "+49 521 9988776", "Notiz: mag keine Anrufe am Sonntag")  # fmt: skip


def files_of(path: Path) -> bytes:
    return b"".join(
        Path(f"{path}{suffix}").read_bytes()
        for suffix in ("", "-wal", "-shm")
        if Path(f"{path}{suffix}").exists()
    )


def test_no_byte_of_an_erased_person_is_left(tmp_path: Path) -> None:
    path = tmp_path / "network.db"
    engine = open_database(resolve_target(str(path)))
    other = sqlite3.connect(path)  # another coordinator's app, open on the same file
    other.execute("SELECT count(*) FROM person").fetchall()
    given, family, email, phone, notes = VALUES
    person = people.create_person(
        engine,
        PersonInput(given, family, email, phone=phone, notes=notes, consent_on="2026-01-01",
                    consent_purpose="Rundbrief"),
    )  # fmt: skip
    for n in range(30):  # the edits that left 29 copies of the address in the log
        data = people.input_of(engine, person)
        people.update_person(engine, person, replace(data, notes=f"{notes} {n}"))
    assert email.encode() in files_of(path)
    gdpr.erase_person(engine, person)
    everything = files_of(path)
    for value in VALUES:
        for encoding in ("utf-8", "utf-16-le"):
            assert value.encode(encoding) not in everything, value
    assert other.execute("SELECT count(*) FROM person").fetchone() == (1,)
    other.close()
    engine.dispose()


def test_erasure_names_the_backups_that_still_hold_the_person(tmp_path: Path) -> None:
    path = tmp_path / "network.db"
    engine = open_database(resolve_target(str(path)))
    backup = tmp_path / "network.db.v7-20261201T100000.bak"
    backup.write_bytes(b"old copy")
    notes = gdpr.erasure_notes(engine)
    assert str(backup) in notes[0] and "--delete-backups" in notes[0]
    assert "by hand" in notes[-1]
    engine.dispose()


def test_the_identity_file_is_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from coordinator.network import identity

    monkeypatch.setattr(identity, "config_path", lambda: tmp_path / "cfg" / "identity.json")
    identity.save("Amira Haddad")
    mode = stat.S_IMODE(os.stat(tmp_path / "cfg" / "identity.json").st_mode)
    assert mode == 0o600
