"""The command line behaves like every other: global options before or after the
sub-command, a typo is named (and creates nothing), no terminal means no TUI, and bad input
gets one line, a documented exit status and changes nothing."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import SAMPLE_DB
from tests.test_cli import run


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_global_options_go_before_or_after_the_sub_command(sample_copy: Path) -> None:
    before = run("--lang", "de", "--db", str(sample_copy), "agenda", "1")
    after = run("agenda", "1", "--lang", "de", "--db", str(sample_copy))
    assert before.returncode == after.returncode == 0, before.stderr + after.stderr
    assert before.stdout == after.stdout and "Tagesordnung" in before.stdout
    for args in (["--lang", "de", "agenda", "99999"], ["agenda", "99999", "--lang", "de"]):
        german = run(*args, "--db", str(sample_copy))
        assert german.returncode == 2 and "Fehler" in german.stderr, german.stderr


@pytest.mark.parametrize(
    ("word", "hint"),
    [("nosuchcommand", "coordinator --help"), ("agnda", "did you mean “agenda”"),
     ("expor-ics", "did you mean “export-ics”")],
)  # fmt: skip
def test_a_mistyped_sub_command_is_named_and_creates_nothing(
    tmp_path: Path, word: str, hint: str
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "coordinator.cli", word, "1"],
        capture_output=True, text=True, check=False, cwd=tmp_path, timeout=60,
        env={**os.environ, "LANG": "C.UTF-8", "LANGUAGE": ""},
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "unknown sub-command" in result.stderr
    assert hint in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_without_a_terminal_the_app_says_so_and_stops(sample_copy: Path) -> None:
    result = run(str(sample_copy))  # standard input and output are pipes here
    assert result.returncode == 2
    assert "needs a terminal" in result.stderr and result.stderr.count("\n") == 1


def test_the_readme_examples_owner_works_on_the_sample(sample_copy: Path) -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    line = next(x for x in readme.splitlines() if x.startswith("coordinator tasks --owner"))
    owner = line.split('"')[1]
    result = run("tasks", "--owner", owner, "--db", str(sample_copy))
    assert result.returncode == 0, result.stderr
    assert "Netzwerk Vielfalt Bielefeld e.V." in result.stdout or "- [ ]" in result.stdout


BAD = [
    # (arguments, words of the one line, exit status)
    (["changes", "--record", "task:abc"], "--record takes KIND:ID", 2),
    (["changes", "--record", "nothing:1"], "--record takes KIND:ID", 2),
    (["changes", "--limit", "0"], "--limit must be at least 1", 2),
    (["agenda", "99999"], "99999", 2),
    (["agenda", "abc"], "invalid int value", 2),
    (["tasks", "--owner", "Niemand Unbekannt"], "No organisation or person", 2),
    (["tasks", "--owner", "e.V."], "write more of the name", 2),
    (["tasks", "--status", "later"], "--status takes", 2),
    (["export-ics", "--from", "31.02.2027"], "", 2),
    (["people", "gdpr-export", "99999"], "99999", 2),
    (["people", "import", "/nonexistent/list.csv", "--yes"], "cannot read", 2),
    (["people", "import", "{tmp}", "--yes"], "cannot read", 2),
    (["import-ics", "/nonexistent/x.ics"], "", 2),
    (["agenda", "1", "-o", "/nonexistent/folder/m.md"], "does not exist", 2),
    (["followups", "--weeks", "0"], "--weeks must be at least 1", 2),
]


@pytest.mark.parametrize(("args", "words", "status"), BAD, ids=[" ".join(b[0]) for b in BAD])
def test_bad_input_gets_one_line_and_changes_nothing(
    sample_copy: Path, tmp_path: Path, args: list[str], words: str, status: int
) -> None:
    before = digest(sample_copy)
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    result = run(*args, "--db", str(sample_copy))
    assert result.returncode == status, result.stdout + result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 or lines[0].startswith("usage:"), result.stderr
    assert "Traceback" not in result.stderr and words in result.stderr
    assert digest(sample_copy) == before


@pytest.mark.parametrize("target", ["/dev/null", "/dev/full", "{tmp}"])
def test_output_to_a_device_or_folder_is_refused(
    sample_copy: Path, tmp_path: Path, target: str
) -> None:
    target = target.replace("{tmp}", str(tmp_path))
    result = run("agenda", "1", "-o", target, "--db", str(sample_copy))
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr
    if target.startswith("/dev/"):
        assert stat.S_ISCHR(os.stat(target).st_mode)


@contextmanager
def small_file_system(folder: Path, kilobytes: int) -> Iterator[None]:
    """A tmpfs of that size mounted on ``folder`` (root only; skipped where the machine does
    not allow it), unmounted afterwards even while a file on it is still open."""
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={kilobytes}k", "tmpfs", str(folder)],
        capture_output=True, check=False,
    )  # fmt: skip
    if mounted.returncode != 0:
        pytest.skip("no small file system can be mounted here (root only)")
    try:
        yield
    finally:
        subprocess.run(["umount", "--lazy", str(folder)], check=False)


@pytest.fixture
def read_only_folder(tmp_path: Path) -> Iterator[Path]:
    """A folder holding a copy of the sample that nobody may change: a read-only file in a
    read-only folder for a normal user; for root (whom modes do not stop) a small file
    system mounted read-only, where the machine allows it."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    if os.geteuid() != 0:
        shutil.copy(SAMPLE_DB, folder / "sample.db")
        (folder / "sample.db").chmod(0o444)
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)
        return
    with small_file_system(folder, 8 * 1024):
        shutil.copy(SAMPLE_DB, folder / "sample.db")
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        yield folder


def test_a_read_only_database_or_folder_gets_one_line(read_only_folder: Path) -> None:
    existing, new = read_only_folder / "sample.db", read_only_folder / "new.db"
    before = digest(existing)
    for path, words in ((existing, "is read-only"), (new, "is read-only: cannot create")):
        for args in (["tasks"], ["people", "erase", "1", "--yes"]):
            result = run(*args, "--db", str(path))
            assert result.returncode == 2, result.stdout + result.stderr
            assert result.stderr.count("\n") == 1 and words in result.stderr, result.stderr
    assert digest(existing) == before and not new.exists()


OTHER_FILES = [
    ("notes.txt", b"Protokoll vom 3. Mai\n", "not an SQLite file"),
    ("other.db", None, "belongs to another program"),
    ("folder.db", "folder", "is not a file"),
    ("missing/network.db", "missing", "does not exist"),
]


@pytest.mark.parametrize(("name", "content", "words"), OTHER_FILES, ids=[o[0] for o in OTHER_FILES])
def test_something_that_is_not_a_network_is_refused_and_left_alone(
    tmp_path: Path, name: str, content: bytes | str | None, words: str
) -> None:
    path = tmp_path / name
    if content == "folder":
        path.mkdir()
    elif content is None:
        with sqlite3.connect(path) as conn:
            conn.execute("CREATE TABLE recipes (title TEXT)")
    elif isinstance(content, bytes):
        path.write_bytes(content)
    before = digest(path) if path.is_file() else None
    result = run("tasks", "--db", str(path))
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert words in result.stderr and "Traceback" not in result.stderr
    assert (digest(path) if path.is_file() else None) == before
    assert not Path(f"{path}-wal").exists()


@pytest.fixture
def nearly_full_folder(tmp_path: Path) -> Iterator[Path]:
    """A copy of the sample on a small file system with 200 KB left (root only: a tmpfs)."""
    folder = tmp_path / "small"
    folder.mkdir()
    with small_file_system(folder, SAMPLE_DB.stat().st_size // 1024 + 200):
        shutil.copy(SAMPLE_DB, folder / "sample.db")
        yield folder


def test_a_full_disk_gets_one_line_and_changes_nothing(
    nearly_full_folder: Path, tmp_path: Path
) -> None:
    path = nearly_full_folder / "sample.db"
    rows = tmp_path / "people.csv"
    rows.write_text(
        "Given name;Family name;E-mail;Notes\n"
        + "".join(f"Vorname{i};Familie{i};full{i}@example.org;{'x' * 200}\n" for i in range(3000)),
        encoding="utf-8",
    )
    before = people_in(path)
    result = run("people", "import", str(rows), "--yes", "--db", str(path))
    assert result.returncode == 4, result.stderr
    assert result.stderr.count("\n") == 1 and "disk holding the network is full" in result.stderr
    assert people_in(path) == before


def people_in(path: Path) -> int:
    conn = sqlite3.connect(path)  # closed: the small file system is unmounted afterwards
    try:
        return int(conn.execute("SELECT COUNT(*) FROM person").fetchone()[0])
    finally:
        conn.close()
