"""Write docs/examples/orgs.xlsx and docs/examples/people.xlsx: the demo county in the import layouts.

    .venv/bin/python scripts/make_examples.py

The organizations are api/demo.py's TREE and the people are the demo's own (engine.demo_identities
.IdentityFactory, same seed and order), built in a scratch SQLite database by the demo loader and
exported with `api.importing`; people in the middle of the development process also get the dates
a roster records for them (application, activist, candidate), so importing the files opens their
cases. `memberflow import orgs docs/examples/orgs.xlsx` then `memberflow import people
docs/examples/people.xlsx` on an empty database gives the demo's organizations and people.
"""

from __future__ import annotations

import random
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from api.demo import _load_orgs_people_users  # noqa: E402
from api.importing import export_orgs, export_people  # noqa: E402
from engine.calendar import add_months  # noqa: E402
from engine.db import make_engine, make_sessions  # noqa: E402
from engine.models import Base, Person  # noqa: E402

EXAMPLES = ROOT / "docs" / "examples"
LAST_DAY = date(2026, 10, 31)  # no date in the examples is later (they import on any later day)


def ladder(rng: random.Random, person: Person) -> dict[str, str]:
    """Application, activist and candidate dates in order, ending before the person's current step."""
    end = person.admitted_on or LAST_DAY
    if person.status == "applicant":
        return {"applied_on": (end - timedelta(days=rng.randrange(5, 60))).isoformat()}
    if person.status not in ("activist", "candidate", "probationary_member"):
        return {}
    candidate = end - timedelta(days=rng.randrange(40, 150))
    activist = add_months(candidate, -12) - timedelta(days=rng.randrange(0, 90))
    if person.status == "activist":
        activist = end - timedelta(days=rng.randrange(30, 330))
    adult = add_months(person.birth_date, 12 * 18)  # 细则 第五条: applicants are at least 18
    dates = {
        "applied_on": min(activist, max(adult, activist - timedelta(days=rng.randrange(60, 240)))),
        "activist_since": activist,
        "candidate_since": candidate,
    }
    if person.status == "activist":
        del dates["candidate_since"]
    return {k: v.isoformat() for k, v in dates.items()}


def build() -> tuple[bytes, bytes]:
    with tempfile.TemporaryDirectory() as directory:
        db = make_engine(f"sqlite:///{Path(directory) / 'examples.db'}")
        Base.metadata.create_all(db)
        sessions = make_sessions(db)
        rng = random.Random(2026)
        with sessions.begin() as session:
            world = _load_orgs_people_users(session)
            for person in world.people:
                person.extra = {**person.extra, **ladder(rng, person)}
        with sessions() as session:
            orgs, people = export_orgs(session), export_people(session)
        db.dispose()
    return orgs, people


def main() -> None:
    orgs, people = build()
    EXAMPLES.mkdir(parents=True, exist_ok=True)
    (EXAMPLES / "orgs.xlsx").write_bytes(orgs)
    (EXAMPLES / "people.xlsx").write_bytes(people)
    print(f"wrote {EXAMPLES / 'orgs.xlsx'} and {EXAMPLES / 'people.xlsx'}")


if __name__ == "__main__":
    main()
