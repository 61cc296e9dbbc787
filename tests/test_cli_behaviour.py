"""The command line behaves like every other: global options before or after the
sub-command, a typo is named (and creates nothing), no terminal means no TUI, and bad input
gets one line, a documented exit status and changes nothing."""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

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
