"""Files are written where the user said, safely: through a symbolic link to its regular
file, never over a device, a pipe or a folder, and whole or not at all."""

from __future__ import annotations

import errno
import os
import stat
import subprocess
from pathlib import Path

import pytest

from coordinator import files
from coordinator.files import WriteError, write_private

SECRET = "Ayşe Yılmaz, ayse@example.org\n"


def test_a_new_file_is_private(tmp_path: Path) -> None:
    written = write_private(tmp_path / "out.txt", SECRET)
    assert written.read_text(encoding="utf-8") == SECRET
    assert stat.S_IMODE(written.stat().st_mode) == 0o600


def test_a_symlink_is_written_through_and_stays_a_link(tmp_path: Path) -> None:
    real = tmp_path / "real.txt"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    assert write_private(link, SECRET) == real
    assert link.is_symlink() and real.read_text(encoding="utf-8") == SECRET


@pytest.mark.parametrize("kind", ["fifo", "folder", "devnull", "link-to-devnull"])
def test_anything_but_a_regular_file_is_refused_and_left_alone(tmp_path: Path, kind: str) -> None:
    target = tmp_path / "target"
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "folder":
        target.mkdir()
    elif kind == "devnull":
        target = Path("/dev/null")
    else:
        target.symlink_to("/dev/null")
    before = os.lstat(target)
    with pytest.raises(WriteError) as caught:
        write_private(target, SECRET)
    assert "\n" not in str(caught.value)
    after = os.lstat(target)
    assert (stat.S_IFMT(after.st_mode), after.st_ino) == (
        stat.S_IFMT(before.st_mode),
        before.st_ino,
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ([] if kind == "devnull" else ["target"])


def test_a_missing_folder_is_named(tmp_path: Path) -> None:
    with pytest.raises(WriteError, match="does not exist"):
        write_private(tmp_path / "no" / "x.txt", SECRET)


def test_a_full_disk_leaves_the_old_file_and_no_partial_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = tmp_path / "minutes.md"
    old.write_text("the old minutes", encoding="utf-8")

    def full(_fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", full)
    with pytest.raises(WriteError, match="the disk is full"):
        write_private(old, SECRET * 1000)
    assert old.read_text(encoding="utf-8") == "the old minutes"
    assert [p.name for p in tmp_path.iterdir()] == ["minutes.md"]


def test_a_real_full_tmpfs(tmp_path: Path) -> None:
    """On a 64 KB tmpfs (where this machine lets the tests mount one)."""
    mount = tmp_path / "small"
    mount.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)],
        capture_output=True, check=False,
    )  # fmt: skip
    if made.returncode != 0:
        pytest.skip("no tmpfs can be mounted here")
    try:
        with pytest.raises(WriteError, match="the disk is full"):
            write_private(mount / "big.txt", "x" * 200_000)
        assert list(mount.iterdir()) == []
    finally:
        subprocess.run(["umount", str(mount)], check=False)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_is_named(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(WriteError, match="cannot be written"):
            write_private(folder / "x.txt", SECRET)
    finally:
        folder.chmod(0o700)
