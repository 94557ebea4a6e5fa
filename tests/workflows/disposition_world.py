"""A township with a branch of eleven members, and an engine running the assessment and disposition
workflows with the national profile (处置办法 in force from 2024-08-01) and a county's stricter one.

Used by the assessment, rating and disposition tests (a colleague may own `tests/workflows/conftest.py`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine as DbEngine
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.authz import Actor, load_actor
from engine.calendar import WorkingCalendar
from engine.clock import FixedClock
from engine.db import make_sessions
from engine.demo_identities import IdentityFactory
from engine.models import Base, Case, Document, Event, Notification, Org, Person, RoleGrant, Task, Timer, User
from engine.orgs import add_org
from engine.policy import PolicyProfile, RuleSet
from engine.registry import Registry
from engine.runtime import Engine, FireResult
from workflows import assessment, disposition
from workflows.profiles.disposition_values import NATIONAL_VALUES, SETTINGS

DISPOSITION_RULES = RuleSet("处置办法(2024)", date(2024, 8, 1), NATIONAL_VALUES)
NATIONAL = PolicyProfile("national", "1", "全国统一规定", SETTINGS, (DISPOSITION_RULES,))
# A county that uses the 积分制 with a higher 合格 floor (70–75 is a 警示 there), caps 限期改正 at nine
# months and gives two months to appeal: every value stricter than the nation's, so allowed.
REGIONAL = PolicyProfile(
    "fengle",
    "1",
    "丰乐县补充规定",
    SETTINGS,
    (DISPOSITION_RULES,),
    {
        "assessment_uses_points": True,
        "points_qualified_min": Decimal(75),
        "correction_period_max_months": 9,
        "appeal_period_months": 2,
    },
)

# (key, name, kind, parent key, can approve admission)
TREE = (
    ("county", "中共丰乐县委员会", "committee", None, True),
    ("township", "中共丰乐县城关镇委员会", "primary_committee", "county", True),
    ("branch", "城关镇南关村党支部", "branch", "township", False),
    ("other_branch", "城关镇西街村党支部", "branch", "township", False),
)
# (key, status, organization key): the subject, eight more full members (two are the talkers),
# a probationary member and an applicant in the branch, and a full member of another branch.
PEOPLE = (
    ("subject", "full_member", "branch"),
    ("talker_one", "full_member", "branch"),
    ("talker_two", "full_member", "branch"),
    *((f"member_{i}", "full_member", "branch") for i in range(1, 7)),
    ("probationer", "probationary_member", "branch"),
    ("applicant", "applicant", "branch"),
    ("outsider", "full_member", "other_branch"),
)
# (user, [(role, organization key, subtree)], the person it is)
USERS: tuple[tuple[str, tuple[tuple[str, str, bool], ...], str | None], ...] = (
    ("caseworker", (("caseworker", "branch", False),), None),
    ("secretary", (("branch_secretary", "branch", False),), None),
    ("committee", (("committee_approver", "township", True),), None),
    ("department", (("organization_department", "county", True),), None),
    ("member", (), "subject"),
)


@dataclass
class World:
    engine: Engine
    clock: FixedClock
    orgs: dict[str, Org]
    people: dict[str, Person]
    actors: dict[str, Actor] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Actor:
        try:
            return self.actors[name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def subject(self) -> Person:
        return self.people["subject"]

    # -- acting --------------------------------------------------------------------------------

    def open(
        self,
        workflow: str,
        *,
        subject: str = "subject",
        data: Mapping[str, Any] | None = None,
        profile: str = "national",
    ) -> int:
        return self.engine.open_case(
            workflow=workflow,
            subject_id=self.people[subject].id,
            org_id=self.orgs["branch"].id,
            actor=self.actors["caseworker"],
            data=data,
            profile=profile,
        ).case_id

    def fire(
        self,
        case_id: int,
        action: str,
        actor: Actor,
        inputs: Mapping[str, Any] | None = None,
        *,
        reason: str = "",
    ) -> FireResult:
        return self.engine.fire(
            case_id, action, actor, inputs, expected_version=self.case(case_id).version, reason=reason
        )

    def at(self, day: date) -> None:
        self.clock.set(day)

    # -- reading -------------------------------------------------------------------------------

    def case(self, case_id: int) -> Case:
        with self.engine.sessions() as s:
            case = s.get(Case, case_id)
            assert case is not None
            return case

    def state(self, case_id: int) -> Any:
        return self.case(case_id).state_detail

    def data(self, case_id: int) -> dict[str, Any]:
        return dict(self.case(case_id).data)

    def person(self, key: str = "subject") -> Person:
        with self.engine.sessions() as s:
            found = s.get(Person, self.people[key].id)
            assert found is not None
            return found

    def open_tasks(self, case_id: int, name: str | None = None) -> list[Task]:
        with self.engine.sessions() as s:
            query = select(Task).where(Task.case_id == case_id, Task.status == "open").order_by(Task.id)
            return [t for t in s.scalars(query) if name is None or t.name == name]

    def timers(self, case_id: int, name: str) -> list[Timer]:
        with self.engine.sessions() as s:
            return list(s.scalars(select(Timer).where(Timer.case_id == case_id, Timer.name == name)))

    def events(self, case_id: int, action: str | None = None) -> list[Event]:
        with self.engine.sessions() as s:
            query = select(Event).where(Event.case_id == case_id).order_by(Event.seq)
            return [e for e in s.scalars(query) if action is None or e.action == action]

    def cases(self, workflow: str) -> list[Case]:
        with self.engine.sessions() as s:
            return list(s.scalars(select(Case).where(Case.workflow == workflow).order_by(Case.id)))

    def documents(self, case_id: int) -> list[Document]:
        with self.engine.sessions() as s:
            return list(s.scalars(select(Document).where(Document.case_id == case_id).order_by(Document.id)))

    def notifications(self, kind: str | None = None) -> list[Notification]:
        with self.engine.sessions() as s:
            rows = s.scalars(select(Notification).order_by(Notification.id))
            return [n for n in rows if kind is None or n.kind == kind]


def build_world(db_engine: DbEngine) -> World:
    """Organizations, people, users and an engine with both processes, on a fresh schema."""
    Base.metadata.create_all(db_engine)
    sessions = make_sessions(db_engine)
    identities = IdentityFactory(seed=6)
    with sessions.begin() as s:
        orgs: dict[str, Org] = {}
        for key, name, kind, parent, approves in TREE:
            orgs[key] = add_org(
                s, orgs[parent] if parent else None, name=name, short_name=name, kind=kind,
                can_approve_admission=approves,
            )  # fmt: skip
        people = {key: _person(s, identities, orgs[org], status) for key, status, org in PEOPLE}
        ids = {
            name: _user(s, name, grants, orgs, people[own] if own else None) for name, grants, own in USERS
        }
    with sessions() as s:
        actors = {name: load_actor(s, uid) for name, uid in ids.items()}
    registry = Registry()
    registry.add_profile(NATIONAL)
    registry.add_profile(REGIONAL)
    registry.add(assessment.DEFINITION)
    registry.add(disposition.DEFINITION)
    assert registry.link_problems() == []
    clock = FixedClock(date(2026, 3, 2))
    engine = Engine(sessions, registry, clock, lambda _s: WorkingCalendar())
    return World(engine, clock, orgs, people, actors)


def _person(session: Session, identities: IdentityFactory, org: Org, status: str) -> Person:
    who = identities.person(date(1970, 1, 1), date(1998, 1, 1), region_code="620725")
    member = status in ("full_member", "probationary_member")
    person = Person(
        name=who.name,
        sex=who.sex,
        birth_date=who.birth_date,
        id_number=who.id_number,
        status=status,
        org_id=org.id,
        admitted_on=date(2012, 7, 1) if member else None,
        full_member_since=date(2013, 7, 1) if status == "full_member" else None,
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
