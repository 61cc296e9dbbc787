"""The people a calendar file names, as the register will hold them: names from a CN, and
the organisation an address belongs to.

An organiser or attendee whose name is an organisation's ("Integrationsbüro der Stadt"), or
whose address is at an organisation's web domain (info@caritas-sued.de for
www.caritas-sued.de), is added with the name whole and affiliated with that organisation:
it is a shared mailbox, not a person called "Integrationsbüro der". A name that reads like
an organisation's (e.V., Verein, Amt, Büro ...) is kept whole too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlmodel import Session

from coordinator.calendar.parsing import Address
from storage.models import Organisation
from storage.search import fold

# Words that make a name an organisation's, in German and English (folded, whole words).
_ORGANISATION_WORDS = frozenset(
    fold(word)
    for word in (
        "e.V.", "eV", "gGmbH", "GmbH", "AG", "gUG", "Verein", "Verband", "Bund", "Büro", "Amt",
        "Stadt", "Landkreis", "Kreis", "Gemeinde", "Zentrum", "Centrum", "Center", "Centre",
        "Beratung", "Beratungsstelle", "Stelle", "Dienst", "Initiative", "Stiftung", "Netzwerk",
        "Jobcenter", "Caritas", "Diakonie", "AWO", "Gemeinschaft", "Kirchengemeinde", "Moschee",
        "Schule", "Kita", "Team", "Office", "Council", "Association", "Network", "Foundation",
        "Society", "Club", "Group", "Committee", "Ministry", "Department", "Agency", "Service",
        "Integrationsbüro", "Integrationsrat", "Migrationsdienst", "Ausländerbehörde", "Rathaus",
    )
)  # fmt: skip
_WORD = re.compile(r"[\w.]+")


def looks_like_organisation(name: str) -> bool:
    return any(fold(word) in _ORGANISATION_WORDS for word in _WORD.findall(name))


def names(name: str, email: str, *, whole: bool = False) -> tuple[str, str]:
    """Given and family name from a CN: "Family, Given", a single word and an organisation's
    name are kept whole (so they come back exactly), "Given Family" is split at the last
    space."""
    name = name.strip() or email.split("@")[0]
    if whole or "," in name or " " not in name or looks_like_organisation(name):
        return "", name[:120]
    given, family = name.rsplit(" ", 1)
    return given[:120], family[:120]


def _domain(website: str) -> str:
    host = urlsplit(website if "//" in website else f"//{website}").hostname or ""
    return host.lower().removeprefix("www.")


@dataclass
class Organisations:
    """The register's organisations by folded name and by web domain, loaded once."""

    by_name: dict[str, int] = field(default_factory=dict)
    by_domain: dict[str, int] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Session) -> Organisations:
        found = cls()
        rows = session.execute(select(Organisation.id, Organisation.name, Organisation.website))
        for oid, name, website in rows:
            found.by_name.setdefault(fold(name).strip(), oid)
            domain = _domain(website) if website else ""
            if domain:
                found.by_domain.setdefault(domain, oid)
        return found

    def of(self, address: Address) -> tuple[int | None, bool]:
        """The organisation the address belongs to, and whether its name is that
        organisation's (then it is kept whole)."""
        if address.name:
            oid = self.by_name.get(fold(address.name).strip())
            if oid is not None:
                return oid, True
        domain = address.email.rpartition("@")[2].lower()
        return self.by_domain.get(domain), False
