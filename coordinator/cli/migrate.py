"""``coordinator migrate-db``: copy a whole network between SQLite and PostgreSQL."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from coordinator.cli.terminal import UsageError, opening_error
from coordinator.i18n import _


def _problem(exc: Exception) -> str:
    from storage.errors import DatabaseOpenError

    if isinstance(exc, DatabaseOpenError):
        return str(opening_error(exc))
    lines = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def run_migrate(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from storage.copy import CopyMismatch, copy_network
    from storage.engine import make_engine, open_database
    from storage.errors import DatabaseOpenError
    from storage.target import check_sqlite_file, create_private_file, resolve_target

    source = resolve_target(args.source)
    target = resolve_target(args.target)
    if source.path is not None and not source.path.exists():
        raise UsageError(_("{path} does not exist").format(path=source.path))
    if source.url == target.url:
        raise UsageError(_("--from and --to name the same database"))
    created: Path | None = None
    try:
        source_engine = open_database(source)
        if target.path is not None:
            if not target.path.parent.is_dir():
                raise DatabaseOpenError("folder {folder} does not exist", folder=target.path.parent)
            # A file left empty by a migrate-db that was killed is taken as new.
            if not target.path.exists() and create_private_file(target.path):
                created = target.path
            check_sqlite_file(target.path)
        target_engine = make_engine(target)
    except DatabaseOpenError as exc:
        raise UsageError(_problem(exc)) from None

    def progress(table: str, rows: int) -> None:
        print(f"\r{table}: {rows}", end="", file=sys.stderr, flush=True)

    try:
        checks = copy_network(
            source_engine, target_engine, progress if sys.stderr.isatty() else None
        )
    except (DatabaseOpenError, CopyMismatch, SQLAlchemyError) as exc:
        target_engine.dispose()
        if created is not None:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{created}{suffix}").unlink(missing_ok=True)
        raise UsageError(_("nothing copied: {reason}").format(reason=_problem(exc))) from None
    finally:
        source_engine.dispose()
    target_engine.dispose()
    if sys.stderr.isatty():
        print(file=sys.stderr)
    rows = sum(check.rows for check in checks)
    print(
        _("Copied {rows} rows in {tables} tables from {source} to {target}; "
          "counts and checksums match.").format(
            rows=rows, tables=len(checks), source=source.label, target=target.label
        )
    )  # fmt: skip
    return 0
