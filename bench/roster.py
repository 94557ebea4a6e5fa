"""A generated county roster in the import layouts: an organization tree and its people, each row
valid and consistent (identity numbers, ladder dates, 转正 one year after 入党), for tests and the
import benchmark.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from api.importing.layouts import ORG_COLUMNS, PEOPLE_COLUMNS
from api.importing.process import full_membership_day
from api.importing.workbook import show, write_layout
from engine.calendar import add_months
from engine.demo_identities import IdentityFactory

REGION = "620725"
# Share of each status in a county roster (per 100 people).
STATUS_MIX = (
    ("full_member", 60), ("probationary_member", 5), ("candidate", 3),
    ("activist", 7), ("applicant", 7), ("non_member", 18),
)  # fmt: skip


@dataclass
class Roster:
    orgs: list[dict[str, Any]] = field(default_factory=list)
    people: list[dict[str, Any]] = field(default_factory=list)

    @property
    def branches(self) -> list[str]:
        return [o["name"] for o in self.orgs if o["kind"] == "branch"]

    def orgs_xlsx(self) -> bytes:
        return write_layout("orgs", (_cells(ORG_COLUMNS, o) for o in self.orgs))

    def people_xlsx(self) -> bytes:
        return write_layout("people", (_cells(PEOPLE_COLUMNS, p) for p in self.people))


def _cells(columns: Any, values: dict[str, Any]) -> list[Any]:
    return [show(c, values.get(c.field)) for c in columns]


def generate(orgs: int = 300, people: int = 10_000, *, today: date, seed: int = 12) -> Roster:
    """`orgs` organizations (a county, its department, townships of about 15 branches) and `people`
    spread over the branches; every date on or before `today`."""
    rng = random.Random(seed)
    roster = Roster()
    county = _org(roster, "中共丰乐县委员会", "丰乐县委", "", "committee", True)
    _org(roster, "中共丰乐县委组织部", "县委组织部", county, "organization_department", False)
    townships = max(1, (orgs - 2) // 16)
    branch_count = orgs - 2 - townships
    towns = [_org(roster, f"中共丰乐县第{t + 1}镇委员会", f"第{t + 1}镇党委", county, "primary_committee", True)
             for t in range(townships)]  # fmt: skip
    for b in range(branch_count):
        town = towns[b % townships]
        _org(roster, f"{town.removeprefix('中共丰乐县').removesuffix('委员会')}第{b + 1}村党支部", "",
             town, "branch", False)  # fmt: skip
    identities = IdentityFactory(seed=seed)
    statuses = [s for s, weight in STATUS_MIX for _ in range(weight)]
    branches = roster.branches
    for index in range(people):
        status = statuses[rng.randrange(len(statuses))]
        roster.people.append(_person(identities, rng, branches[index % len(branches)], status, today))
    return roster


def _org(roster: Roster, name: str, short: str, parent: str, kind: str, approves: bool) -> str:
    roster.orgs.append({
        "name": name, "short_name": short, "parent": parent, "kind": kind,
        "region_code": REGION, "can_approve_admission": approves, "address": f"甘肃省丰乐县{short or name}",
        "phone": "0936-5521000", "postcode": "734300",
    })  # fmt: skip
    return name


def _person(
    identities: IdentityFactory, rng: random.Random, branch: str, status: str, today: date
) -> dict[str, Any]:
    young = status not in ("full_member",)
    born_from, born_to = (
        (date(1985, 1, 1), date(2004, 12, 31)) if young else (date(1950, 1, 1), date(1996, 12, 31))
    )
    who = identities.person(born_from, born_to, region_code=REGION)
    values: dict[str, Any] = {
        "name": who.name, "sex": who.sex, "ethnicity": who.ethnicity, "birth_date": who.birth_date,
        "id_number": who.id_number, "education": who.education, "status": status, "org": branch,
        "phone": who.phone, "work_unit": branch.removesuffix("党支部"), "mobile": rng.random() < 0.03,
    }  # fmt: skip
    values.update(_ladder(rng, who.birth_date, status, today))
    if status in ("probationary_member", "full_member"):
        values["dues_paid_until"] = date(today.year, today.month, 1) - timedelta(days=1)
    return values


def _ladder(rng: random.Random, born: date, status: str, today: date) -> dict[str, Any]:
    """Dates of the development ladder a person of `status` has reached, in order, before today."""
    adult = (
        born.replace(year=born.year + 18) if (born.month, born.day) != (2, 29) else date(born.year + 18, 3, 1)
    )

    def between(start: date, end: date) -> date:
        return start + timedelta(days=rng.randrange(max(1, (end - start).days)))

    if status == "non_member":
        return {}
    if status == "full_member":
        admitted = between(max(adult, date(1975, 1, 1)), add_months(today, -13))
        return {"admitted_on": admitted, "full_member_since": full_membership_day(admitted)}
    if status == "applicant":
        return {"applied_on": between(max(adult, today - timedelta(days=300)), today)}
    if status == "probationary_member":
        admitted = between(max(adult, add_months(today, -11)), today - timedelta(days=1))
        candidate = admitted - timedelta(days=rng.randrange(60, 200))
        activist = add_months(candidate, -12) - timedelta(days=rng.randrange(0, 120))
        return {"applied_on": activist - timedelta(days=rng.randrange(30, 200)), "activist_since": activist,
                "candidate_since": candidate, "admitted_on": admitted}  # fmt: skip
    if status == "candidate":
        candidate = between(add_months(today, -6), today)
        activist = add_months(candidate, -12) - timedelta(days=rng.randrange(0, 120))
        return {"applied_on": activist - timedelta(days=rng.randrange(30, 200)), "activist_since": activist,
                "candidate_since": candidate}  # fmt: skip
    activist = between(add_months(today, -20), today)
    return {"applied_on": activist - timedelta(days=rng.randrange(30, 200)), "activist_since": activist}
