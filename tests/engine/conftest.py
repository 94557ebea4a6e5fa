"""A small organization world and an engine running the example workflow on it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import Engine as DbEngine
from sqlalchemy.orm import Session

from engine.authz import Actor, load_actor
from engine.calendar import WorkingCalendar
from engine.clock import FixedClock
from engine.db import make_sessions
from engine.models import Base, Org, Person, RoleGrant, User
from engine.registry import Registry
from engine.runtime import Engine
from tests.example_workflow import EXAMPLE, FOLLOW_UP, NATIONAL


@dataclass
class World:
    engine: Engine
    clock: FixedClock
    county: Org
    township: Org
    branch: Org
    other_branch: Org
    home_branch: Org
    subject: Person
    caseworker: Actor
    approver: Actor
    secretary: Actor
    outsider: Actor
    member: Actor
    home_caseworker: Actor

    def open(self) -> int:
        return self.engine.open_case(
            workflow="example",
            subject_id=self.subject.id,
            org_id=self.branch.id,
            actor=self.caseworker,
            parties={"home_side": self.home_branch.id, "work_side": self.branch.id},
        ).case_id


def _org(session: Session, name: str, kind: str, parent: Org | None, approves: bool = False) -> Org:
    org = Org(name=name, kind=kind, parent_id=parent.id if parent else None, can_approve_admission=approves)
    session.add(org)
    session.flush()
    org.path = f"{parent.path if parent else '/'}{org.id}/"
    return org


def _user(
    session: Session, name: str, grants: list[tuple[str, Org, bool]], person: Person | None = None
) -> int:
    user = User(username=name, display_name=name, password_hash="x", person_id=person.id if person else None)
    session.add(user)
    session.flush()
    for role, org, subtree in grants:
        session.add(RoleGrant(user_id=user.id, role=role, org_id=org.id, subtree=subtree))
    return user.id


@pytest.fixture
def world(db_engine: DbEngine) -> World:
    Base.metadata.create_all(db_engine)
    return build_world(db_engine)


def build_world(db_engine: DbEngine) -> World:
    """The organizations, people, users and engine of the example workflow, on a created schema."""
    sessions = make_sessions(db_engine)
    with sessions.begin() as s:
        county = _org(s, "中共示例县委员会", "committee", None, approves=True)
        township = _org(s, "中共城关镇委员会", "primary_committee", county, approves=True)
        branch = _org(s, "城关镇东街村党支部", "branch", township)
        other_branch = _org(s, "城关镇西街村党支部", "branch", township)
        other_township = _org(s, "中共新坝镇委员会", "primary_committee", county, approves=True)
        home_branch = _org(s, "新坝镇光明村党支部", "branch", other_township)
        third_township = _org(s, "中共红湾寺镇委员会", "primary_committee", county, approves=True)
        subject = Person(
            name="李明",
            sex="男",
            birth_date=date(1998, 3, 7),
            id_number="620724199803070017",
            org_id=branch.id,
        )
        s.add(subject)
        s.flush()
        ids = {
            "caseworker": _user(s, "caseworker", [("caseworker", branch, False)]),
            "approver": _user(s, "approver", [("committee_approver", township, True)]),
            "secretary": _user(s, "secretary", [("branch_secretary", branch, False)]),
            "outsider": _user(
                s,
                "outsider",
                [("caseworker", other_branch, False), ("committee_approver", third_township, True)],
            ),
            "member": _user(s, "member", [("caseworker", branch, False)], person=subject),
            "home_caseworker": _user(s, "home", [("caseworker", home_branch, False)]),
        }
    with sessions() as s:
        actors = {name: load_actor(s, uid) for name, uid in ids.items()}
    registry = Registry()
    registry.add(EXAMPLE)
    registry.add(FOLLOW_UP)
    registry.add_profile(NATIONAL)
    clock = FixedClock(date(2026, 3, 2))
    engine = Engine(sessions, registry, clock, lambda _s: WorkingCalendar())
    return World(engine, clock, county, township, branch, other_branch, home_branch, subject, **actors)
