"""Writing files that hold personal data: whole or not at all, readable by the owner only."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path


def write_private(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` through a temporary file and a rename (mode 0600)."""
    path = path.expanduser().absolute()
    if not path.parent.is_dir():
        raise FileNotFoundError(path.parent)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.chmod(temp, 0o600)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return path


def write_formats(
    folder: Path, stem: str, render: Callable[[str], str], formats: Iterable[str]
) -> list[Path]:
    """Write one document in several formats (``stem.md``, ``stem.txt``, ...) into ``folder``."""
    return [write_private(folder / f"{stem}.{fmt}", render(fmt)) for fmt in formats]
