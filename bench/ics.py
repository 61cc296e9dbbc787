"""Calendar files at scale: export and import of 10,000 meetings with their attendees.

    .venv/bin/python -m bench.ics [--rounds 3]

The generated network (bench/data/large.db) has 10,000 meetings, a tenth of them recurring,
and 100,000 invitations. Export: the whole network as one feed with attendees. Import: that
file read, compared with the database and written in one transaction, as `coordinator
import-ics FILE` does it (new events written while the file is still read), (1) into the
network without its meetings (the invitees are known people: the usual case of a partner's
feed) and (2) into an empty network (43,000 people added to the register as well).
Targets: export under 1 s, import under 3 s, peak memory under 300 MB.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.generate import LARGE, ensure
from bench.measure import report, timed
from coordinator.calendar import feeds, import_plan, importing, parsing
from storage.engine import open_database, resolve_target

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 11, 22, 9, tzinfo=UTC)


def child(database: Path, feed: Path) -> None:
    """One import in a process of its own, as `coordinator import-ics FILE` runs it (read and
    written at once, importing.import_file): prints the
    milliseconds from reading the file to the committed import (start-up not counted) and
    the process's peak memory in MB."""
    engine = open_database(resolve_target(str(database)))
    started = time.perf_counter()
    importing.import_file(engine, feed.read_bytes(), feed.name, now=NOW)
    elapsed = (time.perf_counter() - started) * 1000
    peak = _high_water_mb()
    print(f"{elapsed:.1f} {peak:.0f}")


def _high_water_mb() -> float:
    """This process's peak resident memory since it started this program (VmHWM). Not
    getrusage: its maxrss also counts the parent's size, which a child has until exec."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # not Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--child", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    source = ensure(ROOT / "bench" / "data" / "large.db", **LARGE)
    started = time.perf_counter()
    total = 0
    for number in range(10_000_000):  # how fast the machine runs Python right now
        total += number
    print(f"machine: a 10-million-step Python loop takes {time.perf_counter() - started:.2f} s")
    work = Path(tempfile.mkdtemp(prefix="coordinator-ics-"))
    try:
        shutil.copy(source, work / "large.db")
        engine = open_database(resolve_target(str(work / "large.db")))
        options = feeds.FeedOptions(name="Netzwerk", attendees=True)
        data = ""

        def export() -> None:
            nonlocal data
            data = feeds.feed(engine, None, options, NOW)

        samples = [timed(export) for _ in range(args.rounds)]
        raw = data.encode()
        events = raw.count(b"BEGIN:VEVENT")
        print(f"feed: {len(raw) / 1e6:.1f} MB, {events} events, {raw.count(b'ATTENDEE')} attendees")
        report("export 10,000 meetings", samples, target_ms=1000, unit="runs")

        reads = [timed(lambda: parsing.read_calendar(raw)) for _ in range(args.rounds)]
        report("  of which reading the file", reads, target_ms=3000, unit="runs")
        engine.dispose()
        (work / "feed.ics").write_bytes(raw)
        peaks: list[float] = []
        for scenario in ("known", "empty"):
            warm: list[float] = []
            fresh: list[float] = []
            for number in range(args.rounds):
                for kind, samples in (("warm", warm), ("fresh", fresh)):
                    path = work / f"{scenario}-{kind}-{number}.db"
                    if scenario == "known":  # the people are in the register, not the meetings
                        shutil.copy(work / "large.db", path)
                        with sqlite3.connect(path) as connection:
                            connection.execute("PRAGMA foreign_keys=ON")
                            connection.execute("DELETE FROM meeting")
                    os.sync()  # the copy's pages written out first, not during the import
                    if kind == "fresh":
                        done = subprocess.run(
                            [sys.executable, "-m", "bench.ics", "--child", str(path),
                             str(work / "feed.ics")],
                            check=True, cwd=ROOT, capture_output=True, text=True,
                        )  # fmt: skip
                        elapsed, peak = done.stdout.split()[-2:]
                        samples.append(float(elapsed))
                        peaks.append(float(peak))
                        continue
                    target = open_database(resolve_target(str(path)))

                    def load(target=target) -> None:  # type: ignore[no-untyped-def]
                        plan = importing.import_file(target, raw, "feed.ics", now=NOW)
                        assert plan.count(import_plan.NEW) == events

                    samples.append(timed(load))
                    target.dispose()
            label = {
                "known": "import, attendees known (10,000 meetings, 100,000 invitations new)",
                "empty": "import into an empty network (also 50,000 people added)",
            }[scenario]
            report(label + ", in its own process", fresh, target_ms=3000, unit="runs")
            report(label + ", in a long-running process", warm, target_ms=3000, unit="runs")
        peak = max(peaks)
        verdict = "meets" if peak < 300 else "MISSES"
        print(
            f"peak memory of an import in its own process, highest of all: {peak:.0f} MB (target < 300 MB: {verdict})"
        )
        against_calcurse(work, args.rounds)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _seconds(command: list[str], **kwargs: object) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, cwd=ROOT, **kwargs)  # type: ignore[call-overload]
    return time.perf_counter() - started


def against_calcurse(work: Path, rounds: int) -> None:
    """The whole commands, process start to exit, beside calcurse (Debian's package, as
    .ci/run installs it) on the same 10,000 events: ``coordinator export-ics`` against
    ``calcurse -x``, ``coordinator import-ics`` (attendees known) against ``calcurse -i``.
    Issue 16's target: the export in at most twice calcurse's time; the import ahead of it."""
    calcurse = shutil.which("calcurse")
    if calcurse is None:
        print("calcurse is not installed: no comparison (apt-get install calcurse)")
        return
    command = [str(Path(sys.executable).parent / "coordinator")]
    plain = work / "plain.ics"  # the feed without attendees: what calcurse keeps of it
    subprocess.run([*command, "export-ics", "--db", str(work / "large.db"), "-o", str(plain)],
                   check=True, capture_output=True)  # fmt: skip
    calendar_dir = work / "calcurse"
    calendar_dir.mkdir()
    subprocess.run([calcurse, "-D", str(calendar_dir), "-i", str(plain)], check=True,
                   capture_output=True)  # fmt: skip
    exports, theirs_out, imports, theirs_in = [], [], [], []
    for number in range(rounds):
        out = work / f"export-{number}.ics"
        exports.append(_seconds([*command, "export-ics", "--db", str(work / "large.db"),
                                 "-o", str(out)]))  # fmt: skip
        theirs_out.append(_seconds([calcurse, "-D", str(calendar_dir), "-x"]))
        known = work / f"calcurse-known-{number}.db"
        shutil.copy(work / "large.db", known)
        with sqlite3.connect(known) as connection:
            connection.execute("PRAGMA foreign_keys=ON")
            connection.execute("DELETE FROM meeting")
        os.sync()
        imports.append(_seconds([*command, "import-ics", str(plain), "--db", str(known)]))
        fresh = work / f"calcurse-{number}"
        fresh.mkdir()
        theirs_in.append(_seconds([calcurse, "-D", str(fresh), "-i", str(plain)]))
    for label, ours, theirs, limit in (
        ("export-ics vs calcurse -x", exports, theirs_out, 2.0),
        ("import-ics vs calcurse -i", imports, theirs_in, 1.0),
    ):
        ours_median, theirs_median = sorted(ours)[len(ours) // 2], sorted(theirs)[len(theirs) // 2]
        ratio = ours_median / theirs_median
        verdict = "meets" if ratio <= limit else "MISSES"
        print(
            f"{label}: {ours_median:.2f} s against {theirs_median:.2f} s, ratio {ratio:.2f} "
            f"(target at most {limit:g}: {verdict})"
        )


if __name__ == "__main__":
    main()
