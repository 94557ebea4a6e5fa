"""A county's roster at full size on SQLite: 10,000 people across 300 organizations import in one
go (the time is printed; `python -m bench.import_roster` holds the one-minute limit), re-import
with no change, and a corrected copy updates only its changed rows, each change in the history."""

from __future__ import annotations

import time

from sqlalchemy import select

from api.importing import PROCESS_IMPORT
from bench.roster import generate
from engine.models import Case, Org, Person, PersonChange
from tests.importing.conftest import TODAY, Setup


def test_a_roster_of_ten_thousand_imports_reimports_unchanged_and_takes_a_corrected_copy(
    sqlite_setup: Setup,
) -> None:
    setup = sqlite_setup
    roster = generate(300, 10_000, today=TODAY)
    assert setup.orgs(roster.orgs_xlsx()).orgs.created == 300
    data = roster.people_xlsx()

    started = time.perf_counter()
    first = setup.people(data)
    seconds = time.perf_counter() - started
    print(
        f"\nimported {first.people.created} people and {first.cases_opened} cases in {seconds:.1f} s (SQLite)"
    )

    in_process = sum(1 for p in roster.people if p["status"] in PROCESS_IMPORT)
    assert first.ok and (first.people.created, first.cases_opened) == (10_000, in_process)
    assert setup.count(Person) == 10_000 and setup.count(Case) == in_process
    assert setup.count(Org) == 300

    again = setup.people(data)
    assert again.ok and (again.people.unchanged, again.people.updated, again.cases_opened) == (10_000, 0, 0)
    assert setup.count(PersonChange) == 0

    phones = roster.people[::250]  # 40 people change phone
    for p in phones:
        p["phone"] = p["phone"][:-4] + f"{(int(p['phone'][-4:]) + 1) % 10_000:04d}"
    schooled = roster.people[7::1000]  # 10 people change education, some of them also phone
    for p in schooled:
        p["education"] = "硕士研究生" if p["education"] != "硕士研究生" else "大学本科"
    movers = [p for p in roster.people if p["status"] == "non_member"][:5]
    for p in movers:
        p["org"] = roster.branches[-1] if p["org"] != roster.branches[-1] else roster.branches[0]
    changed = {p["id_number"] for p in [*phones, *schooled, *movers]}

    corrected = setup.people(roster.people_xlsx())

    assert corrected.ok, corrected.lines()[:10]
    assert (corrected.people.updated, corrected.people.unchanged) == (len(changed), 10_000 - len(changed))
    assert corrected.cases_opened == 0
    with setup.sessions() as s:
        history = list(s.scalars(select(PersonChange)))
        changed_people = set(
            s.scalars(select(Person.id_number).where(Person.id.in_({c.person_id for c in history})))
        )
        moved = s.scalars(select(Person).where(Person.id_number == movers[0]["id_number"])).one()
        moved_to = s.scalar(select(Org.name).where(Org.id == moved.org_id))
    assert changed_people == changed
    assert sorted(c.field for c in history).count("phone") == len(phones)
    assert len(history) == len(phones) + len(schooled) + len(movers)
    assert moved_to == movers[0]["org"]
