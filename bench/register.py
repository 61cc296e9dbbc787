"""Search-as-you-type and filter changes on a national-scale listing.

    .venv/bin/python -m bench.register [--rounds 5]

Runs the queries the register screen runs on each keystroke and each filter change (the
first page of 100 rows and the count shown above the list) on a generated network of
15,000 organisations and 50,000 people (bench/data/large.db), and prints the median and
95th percentile per step. Target: under 50 ms at the 95th percentile.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from bench.generate import LARGE, ensure
from bench.measure import report, timed
from coordinator.register import listing
from storage.engine import open_database, resolve_target
from storage.enums import OrgKind, Phase, Topic

ROOT = Path(__file__).resolve().parent.parent
PAGE = 100
WORDS = ("mehmet", "nguyen", "verein 01", "kö", "zentrum 123", "example.org")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    engine = open_database(
        resolve_target(str(ensure(ROOT / "bench" / "data" / "large.db", **LARGE)))
    )

    # What the screen runs on each change: the first page and the count above the list.
    def people_step(flt: listing.PersonFilter) -> Callable[[], object]:
        return lambda: listing.first_people(engine, flt, limit=PAGE)

    def org_step(flt: listing.OrganisationFilter) -> Callable[[], object]:
        return lambda: listing.first_organisations(engine, flt, limit=PAGE)

    people_step(listing.PersonFilter())()  # warm the cache once
    keystrokes_people: list[float] = []
    keystrokes_orgs: list[float] = []
    filters: list[float] = []
    for _round in range(args.rounds):
        for word in WORDS:
            for end in range(1, len(word) + 1):
                keystrokes_people.append(timed(people_step(listing.PersonFilter(text=word[:end]))))
                keystrokes_orgs.append(timed(org_step(listing.OrganisationFilter(text=word[:end]))))
        for flt in (
            listing.OrganisationFilter(kind=OrgKind.MSO),
            listing.OrganisationFilter(kind=OrgKind.SCHOOL, phase=Phase.ORGANISING),
            listing.OrganisationFilter(topic=Topic.REFUGEES),
            listing.OrganisationFilter(topic=Topic.SPORT, city="Kiel"),
            listing.OrganisationFilter(city="Berlin", sort="last_contact", descending=True),
            listing.OrganisationFilter(phase=Phase.FORMALISATION, sort="city"),
        ):
            filters.append(timed(org_step(flt)))
        for flt in (
            listing.PersonFilter(language="de"),
            listing.PersonFilter(language="de", sort="last_contact", descending=True),
            listing.PersonFilter(text="meh", language="de"),
        ):
            filters.append(timed(people_step(flt)))
    report("people search, per keystroke", keystrokes_people, target_ms=50, unit="steps")
    report("organisation search, per keystroke", keystrokes_orgs, target_ms=50, unit="steps")
    report("filter or sort change", filters, target_ms=50, unit="steps")
    engine.dispose()


if __name__ == "__main__":
    main()
