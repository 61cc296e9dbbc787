"""Write docs/screenshot.svg: the dashboard of sample.db, as the README shows it.

.venv/bin/python scripts/screenshot.py
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from coordinator.app import CoordinatorApp
from coordinator.context import Context
from coordinator.i18n import set_language
from storage.engine import open_database, resolve_target

ROOT = Path(__file__).resolve().parent.parent


async def main() -> None:
    set_language("en")
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "sample.db"
        shutil.copy(ROOT / "sample.db", db)
        engine = open_database(resolve_target(str(db)))
        context = Context(
            engine, "sample.db", clock=lambda: datetime(2026, 11, 22, 9, tzinfo=UTC),
            actor="Amira Haddad",
        )  # fmt: skip
        app = CoordinatorApp(context)
        async with app.run_test(size=(120, 34)) as pilot:
            for _ in range(3):
                await app.workers.wait_for_complete()
                await pilot.pause()
            app.save_screenshot(str(ROOT / "docs" / "screenshot.svg"))
        engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
