"""The sample's register: organisations with their phase history, people, the contact log."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from coordinator.sample import data
from coordinator.sample.common import CONSENT_PURPOSE, HISTORY_START, PHASES, ascii_slug
from storage.enums import (
    ContactChannel,
    OrgKind,
    Phase,
)
from storage.models import (
    Affiliation,
    ContactLogEntry,
    Organisation,
    OrganisationTopic,
    Person,
    PersonLanguage,
    PhaseChange,
)


class RegisterPart:
    """A part of SampleBuilder (coordinator/sample/generator.py)."""

    # -- register --------------------------------------------------------------------------

    def organisations(self) -> None:
        for index, (name, kind, origin, _topics, phase, membership) in enumerate(
            data.ORGANISATIONS
        ):
            created = HISTORY_START + timedelta(days=index)
            org = Organisation(
                name=name,
                kind=kind,
                origin=origin,
                city=data.CITY,
                district=data.DISTRICTS[index % len(data.DISTRICTS)],
                phase=phase,
                membership=membership,
                website=f"https://{ascii_slug(name.split(',')[0])[:24]}.example.org",
                notes="",
                created_at=created,
                updated_at=created,
            )
            self.add(org)
            self.built.orgs.append(org)
        self.flush()
        for org in self.built.orgs:
            assert org.id is not None
            topics = data.ORGANISATIONS[org.id - 1][3]
            for topic in topics:
                self.add(OrganisationTopic(organisation_id=org.id, topic=topic))
            self._phase_history(org)

    def _phase_history(self, org: Organisation) -> None:
        assert org.id is not None
        steps = PHASES[: PHASES.index(org.phase) + 1]
        day = date(2025, 1, 10) + timedelta(days=self.rng.randrange(60))
        previous: Phase | None = None
        for step in steps:
            self.add(
                PhaseChange(
                    organisation_id=org.id, from_phase=previous, to_phase=step, changed_on=day
                )
            )
            previous = step
            org.phase_changed_on = day
            day += timedelta(days=30 + self.rng.randrange(90))

    def _new_name(self, pool: str) -> tuple[str, str]:
        given, family, _, _ = data.NAME_POOLS[pool]
        for _attempt in range(200):
            name = (self.rng.choice(given), self.rng.choice(family))
            if name not in self._used_names:
                self._used_names.add(name)
                return name
        raise RuntimeError(f"name pool {pool} exhausted")

    def _person(
        self, pool: str, created: datetime, *, name: tuple[str, str] | None = None
    ) -> Person:
        given, family = name or self._new_name(pool)
        self._used_names.add((given, family))
        _, _, languages, preferred = data.NAME_POOLS[pool]
        has_email = self.rng.random() < 0.92
        has_phone = self.rng.random() < 0.7
        consent = self.rng.random() < 0.88
        domain = self.rng.choice(("example.org", "example.net", "example.com"))
        person = Person(
            given_name=given,
            family_name=family,
            email=f"{ascii_slug(given)}.{ascii_slug(family)}@{domain}" if has_email else "",
            phone=f"+493023125{self._next_phone():03d}" if has_phone else "",  # E.164, as stored
            preferred_language=preferred,
            consent_on=(created + timedelta(days=self.rng.randrange(20))).date()
            if consent
            else None,
            consent_purpose=CONSENT_PURPOSE if consent else "",
            created_at=created,
            updated_at=created,
        )
        person.__dict__["_languages"] = ("de", *languages)
        return person

    def _next_phone(self) -> int:
        self._phone += 7
        return self._phone % 1000

    def people(self) -> None:
        umbrella = self.built.orgs[0]
        coordinator = self._person("deutsch", HISTORY_START, name=("Miriam", "Aksoy-Brandt"))
        coordinator.notes = "Koordinatorin des Netzwerks (Teilzeit)."
        self.built.coordinator = coordinator
        entries: list[tuple[Person, Organisation, str]] = [(coordinator, umbrella, "Koordination")]
        for index, org in enumerate(self.built.orgs):
            is_mso = org.kind in (OrgKind.MSO, OrgKind.UMBRELLA) or org.origin
            count = 3 if index < 39 else 2
            if org is umbrella:
                count = 2
            for slot in range(count):
                if org.origin and org.origin in data.NAME_POOLS:
                    pool = org.origin
                else:
                    pool = self.rng.choice(
                        ("deutsch", "deutsch", "deutsch", "türkisch", "arabisch", "griechisch")
                    )
                created = HISTORY_START + timedelta(days=index * 5 + slot)
                person = self._person(pool, created)
                roles = data.ROLES_MSO if is_mso else data.ROLES_INSTITUTION
                entries.append((person, org, roles[slot % len(roles)]))
        for person, _, _ in entries:
            self.add(person)
        self.flush()
        for person, org, role in entries:
            assert person.id is not None and org.id is not None
            self.add(Affiliation(person_id=person.id, organisation_id=org.id, role=role))
            for language in person.__dict__["_languages"]:
                self.add(PersonLanguage(person_id=person.id, language=language))
            self.built.people.append(person)
            self.built.members_of.setdefault(org.id, []).append(person)
        # Some board members also sit in the umbrella association's or women's alliance board.
        alliance = self.built.orgs[16]
        for person in self.rng.sample(self.built.people[3:], 8):
            assert person.id is not None and alliance.id is not None
            if person not in self.built.members_of.get(alliance.id, []):
                self.add(
                    Affiliation(
                        person_id=person.id, organisation_id=alliance.id, role="Delegierte/r"
                    )
                )

    def search_keys(self) -> None:
        from coordinator.register.organisations import organisation_search_key
        from coordinator.register.people import person_search_key

        self.flush()
        for org in self.built.orgs:
            org.search_text = organisation_search_key(org)
        for person in self.built.people:
            person.search_text = person_search_key(self.session, person)

    # -- contact log -----------------------------------------------------------------------

    def contact_log(self) -> None:
        channels = list(ContactChannel)
        for _ in range(320):
            org = self.rng.choice(self.built.orgs[1:])
            assert org.id is not None
            person = (
                self.rng.choice(self.built.members_of[org.id]) if self.rng.random() < 0.8 else None
            )
            moment = self.history_moment()
            entry = ContactLogEntry(
                occurred_at=moment,
                channel=self.rng.choice(channels),
                person_id=person.id if person else None,
                organisation_id=org.id,
                note=self.rng.choice(data.CONTACT_NOTES),
                created_at=moment,
            )
            self.add(entry)
            for party in (org, person):
                if party is not None and (
                    party.last_contact_at is None or party.last_contact_at < moment
                ):
                    party.last_contact_at = moment
