"""A county for the development workflow, on SQLite and PostgreSQL: a township committee that may
approve admissions with branches under it, a 党总支 and a village committee that may not (细则 第二十二条),
another township for the inflow side of two-place cases, a 流动党员党支部, the people a case names
(mentors, sponsors, members under sanctions) and a user for each role.

The `world` fixture here serves the development tests; the transfer, mobile, assessment and
disposition tests build their own worlds (`*_world.py`) and override it in their modules.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine as DbEngine
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.authz import Actor, load_actor
from engine.calendar import WorkingCalendar
from engine.clock import FixedClock
from engine.db import make_sessions
from engine.errors import RuleRefusal
from engine.identity import check_digit
from engine.models import Base, Case, Event, Notification, Org, Person, RoleGrant, Task, Timer, User
from engine.orgs import add_org
from engine.registry import Registry
from engine.runtime import Engine, FireResult, ForecastStep
from workflows import development
from workflows.profiles.gansu_example import GANSU_EXAMPLE
from workflows.profiles.national import NATIONAL

# (key, name, kind, parent key, can approve admission)
TREE = (
    ("county", "中共示例县委员会", "committee", None, True),
    ("township", "中共城关镇委员会", "primary_committee", "county", True),
    ("branch", "城关镇东街村党支部", "branch", "township", False),
    ("west_branch", "城关镇西街村党支部", "branch", "township", False),
    ("general_branch", "城关镇中学党总支", "general_branch", "township", False),
    ("school_branch", "城关镇中学教师党支部", "branch", "general_branch", False),
    ("village_committee", "中共城关镇东街村委员会", "primary_committee", "township", False),
    ("village_branch", "东街村第一党支部", "branch", "village_committee", False),
    ("inflow_committee", "中共新坝镇委员会", "primary_committee", "county", True),
    ("inflow_branch", "新坝镇工业园区党支部", "branch", "inflow_committee", False),
    ("mobile_org", "示例县驻苏州流动党员党支部", "mobile_members_org", "county", False),
)

# (key, birth date, status, organization key, extra)
PEOPLE: tuple[tuple[str, date, str, str, dict[str, Any]], ...] = (
    ("applicant", date(2000, 5, 20), "non_member", "branch", {}),
    ("young", date(2008, 4, 15), "non_member", "branch", {}),
    ("mobile_worker", date(1999, 8, 1), "non_member", "branch", {}),
    (
        "removed",
        date(1990, 9, 9),
        "non_member",
        "branch",
        {"party_exit": {"kind": "removal", "on": "2022-03-10"}},
    ),
    ("mentor_a", date(1980, 1, 2), "full_member", "branch", {}),
    ("mentor_b", date(1981, 2, 3), "full_member", "branch", {}),
    ("sponsor_a", date(1975, 3, 4), "full_member", "branch", {}),
    ("sponsor_b", date(1976, 4, 5), "full_member", "branch", {}),
    ("probationer", date(1995, 5, 6), "probationary_member", "branch", {}),
    (
        "warned",
        date(1970, 6, 7),
        "full_member",
        "branch",
        {"sanction": {"kind": "警告", "decided_on": "2025-09-01", "effective_until": "2026-08-31"}},
    ),
    (
        "on_probation_sanction",
        date(1971, 7, 8),
        "full_member",
        "branch",
        {"sanction": {"kind": "留党察看", "decided_on": "2025-06-01"}},
    ),
    (
        "restored",
        date(1972, 8, 9),
        "full_member",
        "branch",
        {"sanction": [{"kind": "留党察看", "decided_on": "2024-06-01", "restored_on": "2025-06-01"}]},
    ),
)

# (user, [(role, organization key, subtree)], the person it is)
USERS: tuple[tuple[str, tuple[tuple[str, str, bool], ...], str | None], ...] = (
    ("caseworker", (("caseworker", "branch", False),), None),
    ("secretary", (("branch_secretary", "branch", False),), None),
    ("organizer", (("organizer", "township", True),), None),
    ("approver", (("committee_approver", "township", True),), None),
    ("department", (("organization_department", "county", True),), None),
    ("county_approver", (("committee_approver", "county", True),), None),
    ("member", (), "applicant"),
    ("west_caseworker", (("caseworker", "west_branch", False),), None),
    ("west_secretary", (("branch_secretary", "west_branch", False),), None),
    ("school_caseworker", (("caseworker", "school_branch", False),), None),
    ("school_secretary", (("branch_secretary", "school_branch", False),), None),
    ("general_branch_approver", (("committee_approver", "general_branch", True),), None),
    ("village_secretary", (("branch_secretary", "village_branch", False),), None),
    ("village_approver", (("committee_approver", "village_committee", True),), None),
    ("inflow_caseworker", (("caseworker", "inflow_branch", False),), None),
    ("inflow_secretary", (("branch_secretary", "inflow_branch", False),), None),
    ("mobile_caseworker", (("caseworker", "mobile_org", False),), None),
    ("mobile_secretary", (("branch_secretary", "mobile_org", False),), None),
)


@dataclass
class World:
    engine: Engine
    clock: FixedClock
    orgs: dict[str, Org]
    people: dict[str, Person]
    actors: dict[str, Actor]

    def __getattr__(self, name: str) -> Actor:
        try:
            return self.actors[name]
        except KeyError:
            raise AttributeError(name) from None

    # -- acting --------------------------------------------------------------------------------

    def open(
        self,
        subject: str = "applicant",
        *,
        owner: str = "branch",
        parties: Mapping[str, str] | None = None,
        profile: str = "national",
        actor: str = "caseworker",
    ) -> int:
        return self.engine.open_case(
            workflow="development",
            subject_id=self.people[subject].id,
            org_id=self.orgs[owner].id,
            actor=self.actors[actor],
            parties={role: self.orgs[key].id for role, key in (parties or {}).items()},
            profile=profile,
        ).case_id

    def fire(
        self,
        case_id: int,
        action: str,
        actor: Actor | str,
        inputs: Mapping[str, Any] | None = None,
        *,
        reason: str = "",
        waive: tuple[str, ...] = (),
    ) -> FireResult:
        who = self.actors[actor] if isinstance(actor, str) else actor
        return self.engine.fire(
            case_id,
            action,
            who,
            inputs,
            expected_version=self.case(case_id).version,
            reason=reason,
            waive=waive,
        )

    def at(self, day: date) -> None:
        self.clock.set(day)

    def today(self) -> date:
        return self.clock.today()

    def refused(
        self, case_id: int, action: str, actor: Actor | str, inputs: Mapping[str, Any] | None = None
    ) -> RuleRefusal:
        """The refusal of an act that must be refused (fails the test otherwise)."""
        with pytest.raises(RuleRefusal) as caught:
            self.fire(case_id, action, actor, inputs)
        return caught.value

    # -- reading -------------------------------------------------------------------------------

    def case(self, case_id: int) -> Case:
        with self.engine.sessions() as s:
            case = s.get(Case, case_id)
            assert case is not None
            return case

    def state(self, case_id: int) -> Any:
        return self.case(case_id).state_detail

    def top(self, case_id: int) -> str:
        return self.case(case_id).state

    def data(self, case_id: int) -> dict[str, Any]:
        return dict(self.case(case_id).data)

    def person(self, key: str = "applicant") -> Person:
        with self.engine.sessions() as s:
            found = s.get(Person, self.people[key].id)
            assert found is not None
            return found

    def open_tasks(self, case_id: int, name: str | None = None) -> list[Task]:
        with self.engine.sessions() as s:
            query = select(Task).where(Task.case_id == case_id, Task.status == "open").order_by(Task.id)
            return [t for t in s.scalars(query) if name is None or t.name == name]

    def timers(self, case_id: int, name: str | None = None) -> list[Timer]:
        with self.engine.sessions() as s:
            rows = s.scalars(select(Timer).where(Timer.case_id == case_id).order_by(Timer.id))
            return [t for t in rows if name is None or t.name == name]

    def events(self, case_id: int, action: str | None = None) -> list[Event]:
        with self.engine.sessions() as s:
            query = select(Event).where(Event.case_id == case_id).order_by(Event.seq)
            return [e for e in s.scalars(query) if action is None or e.action == action]

    def notifications(self, kind: str | None = None) -> list[Notification]:
        with self.engine.sessions() as s:
            rows = s.scalars(select(Notification).order_by(Notification.id))
            return [n for n in rows if kind is None or n.kind == kind]

    def forecast(self, case_id: int) -> list[ForecastStep]:
        return self.engine.forecast(case_id)

    def org_key(self, org_id: int) -> str:
        return next(key for key, org in self.orgs.items() if org.id == org_id)


@pytest.fixture
def world(db_engine: DbEngine) -> World:
    return build_world(db_engine)


def build_world(db_engine: DbEngine) -> World:
    Base.metadata.create_all(db_engine)
    sessions = make_sessions(db_engine)
    with sessions.begin() as s:
        orgs: dict[str, Org] = {}
        for key, name, kind, parent, approves in TREE:
            orgs[key] = add_org(
                s, orgs[parent] if parent else None, name=name, short_name=name, kind=kind,
                can_approve_admission=approves,
            )  # fmt: skip
        people = {
            key: _person(s, number, key, born, status, orgs[org], extra)
            for number, (key, born, status, org, extra) in enumerate(PEOPLE, start=1)
        }
        ids = {
            name: _user(s, name, grants, orgs, people[own] if own else None) for name, grants, own in USERS
        }
    with sessions() as s:
        actors = {name: load_actor(s, uid) for name, uid in ids.items()}
    registry = Registry()
    registry.add_profile(NATIONAL)
    registry.add_profile(GANSU_EXAMPLE)
    registry.add(development.DEFINITION)
    clock = FixedClock(date(2026, 3, 2))
    engine = Engine(sessions, registry, clock, lambda _s: WorkingCalendar())
    return World(engine, clock, orgs, people, actors)


def _person(
    session: Session, number: int, key: str, born: date, status: str, org: Org, extra: dict[str, Any]
) -> Person:
    first17 = f"620724{born:%Y%m%d}{number * 2 + 1:03d}"  # odd sequence: all men, for simplicity
    member = status in ("full_member", "probationary_member")
    person = Person(
        name=f"测试{key}",
        sex="男",
        birth_date=born,
        id_number=first17 + check_digit(first17),
        status=status,
        org_id=org.id,
        admitted_on=date(2010, 7, 1) if member else None,
        full_member_since=date(2011, 7, 1) if status == "full_member" else None,
        extra=extra,
    )
    session.add(person)
    session.flush()
    return person


def _user(
    session: Session,
    name: str,
    grants: tuple[tuple[str, str, bool], ...],
    orgs: dict[str, Org],
    person: Person | None,
) -> int:
    user = User(username=name, display_name=name, password_hash="x", person_id=person.id if person else None)
    session.add(user)
    session.flush()
    for role, org, subtree in grants:
        session.add(RoleGrant(user_id=user.id, role=role, org_id=orgs[org].id, subtree=subtree))
    return user.id
