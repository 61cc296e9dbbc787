"""Writing files that hold personal data: whole or not at all, readable by the owner only,
and only where the user said.

A file is written to a temporary file beside its target, flushed to the disk and renamed
over it, so a full disk or a kill leaves the old file (or none), never half of one. A
symbolic link is followed to the regular file it points to (the link stays); anything that
is not a regular file or a new path (a folder, a FIFO, a device such as /dev/null or
/dev/full, a socket) is refused, since renaming over it would replace it with a regular file
full of personal data. Every refusal or failure is a :class:`WriteError`, an ``OSError``
whose text is one line for the user.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from coordinator.i18n import _


class WriteError(OSError):
    """A file could not be written; ``str()`` says why in one line, and nothing was left."""

    def __init__(self, message: str, error: int = 0) -> None:
        super().__init__(error, message)
        self.message = message

    def __str__(self) -> str:
        return self.message


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return _("the disk is full")
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return _("the folder cannot be written to")
    return exc.strerror or type(exc).__name__


def target_of(path: Path) -> Path:
    """Where writing ``path`` lands: the regular file a symbolic link points to, or a new
    path in an existing folder. Raises WriteError for anything else."""
    path = path.expanduser().absolute()
    if path.is_symlink():
        path = Path(os.path.realpath(path))
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise WriteError(
            _("cannot write {path}: {reason}").format(path=path, reason=_reason(exc)), exc.errno
        ) from None
    if mode is not None and stat.S_ISDIR(mode):
        raise WriteError(_("{path} is a folder: name a file").format(path=path), errno.EISDIR)
    if mode is not None and not stat.S_ISREG(mode):
        raise WriteError(
            _("{path} is not a regular file (a device, pipe or socket): not written").format(
                path=path
            ),
            errno.EEXIST,
        )
    if not path.parent.is_dir():
        raise WriteError(
            _("folder {folder} does not exist").format(folder=path.parent), errno.ENOENT
        )
    return path


def write_private(path: Path, text: str | bytes) -> Path:
    """Write ``text`` (or a workbook's bytes) to ``path`` (mode 0600) whole or not at all;
    returns where it landed."""
    target = target_of(path)
    try:
        fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    except OSError as exc:
        raise WriteError(
            _("cannot write {path}: {reason}").format(path=target, reason=_reason(exc)),
            exc.errno,
        ) from None
    try:
        if isinstance(text, bytes):
            with os.fdopen(fd, "wb") as binary:
                binary.write(text)
                binary.flush()
                os.fsync(binary.fileno())
        else:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
        os.chmod(temp, 0o600)
        os.replace(temp, target)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise WriteError(
            _("cannot write {path}: {reason}").format(path=target, reason=_reason(exc)),
            exc.errno,
        ) from None
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return target


def write_formats(
    folder: Path, stem: str, render: Callable[[str], str | bytes], formats: Iterable[str]
) -> list[Path]:
    """Write one document in several formats (``stem.md``, ``stem.txt``, ...) into ``folder``."""
    return [write_private(folder / f"{stem}.{fmt}", render(fmt)) for fmt in formats]
