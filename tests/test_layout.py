"""The house: the repository's top level holds only what the design card names (and the
project's own dot files), so a benchmark or a tool that writes elsewhere is caught."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.conftest import ROOT

TOP_LEVEL = {
    ".ci", ".gitattributes", ".gitignore", "README.md", "pyproject.toml", "sample.db",
    "coordinator", "screens", "storage", "tests", "bench", "docs", "scripts",
}  # fmt: skip


def _git(*args: str) -> list[str]:
    if not shutil.which("git") or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    result = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True)
    return [line for line in result.stdout.split("\0") if line]


def test_the_top_level_holds_only_known_entries() -> None:
    tracked = _git("ls-files", "-z")
    untracked = _git("ls-files", "-z", "--others", "--exclude-standard")
    entries = {path.split("/", 1)[0] for path in tracked + untracked}
    assert entries <= TOP_LEVEL, sorted(entries - TOP_LEVEL)
