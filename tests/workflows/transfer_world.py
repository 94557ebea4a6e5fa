"""A county with a sending and a receiving township, an organization off the platform, and an engine
running the transfer and mobile workflows with the national profile and a stricter regional one.

Used by the transfer and mobile tests (a colleague may own `tests/workflows/conftest.py`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Engine as DbEngine
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.authz import Actor, load_actor
from engine.calendar import WorkingCalendar
from engine.clock import FixedClock
from engine.db import make_sessions
from engine.definitions import (
    Action,
    Due,
    DurationUnit,
    Permission,
    Span,
    State,
    TaskSpec,
    TimerKind,
    TimerSpec,
    Workflow,
)
from engine.demo_identities import IdentityFactory
from engine.models import Base, Case, Event, Notification, Org, Person, RoleGrant, Task, Timer, User
from engine.orgs import add_org
from engine.policy import PolicyProfile, RuleSet
from engine.registry import Registry
from engine.runtime import Engine, FireResult
from workflows import disposition, mobile, transfer
from workflows.profiles.transfer_values import NATIONAL_VALUES, SETTINGS

REGULATIONS_2019 = RuleSet("条例(2019)", date(2019, 5, 6), NATIONAL_VALUES)
NATIONAL = PolicyProfile("national", "1", "全国统一规定", SETTINGS, (REGULATIONS_2019,))
# A county that gives in-county letters 15 days and caps every letter at 60: stricter, so allowed.
REGIONAL = PolicyProfile(
    "fengle",
    "1",
    "丰乐县补充规定",
    SETTINGS,
    (REGULATIONS_2019,),
    {"transfer_letter_validity_days_within_county": 15, "transfer_letter_validity_max_days": 60},
)


def _stand_in(name: str, title: str, *, follows: bool) -> Workflow:
    """A minimal process for the tests: a task with a three-month deadline and its escalation."""
    three_months = Due(Span(DurationUnit.MONTHS, 3))
    return Workflow(
        name=name,
        version="1",
        title=title,
        description="测试用流程。",
        initial="OPEN",
        states=(
            State(
                "OPEN",
                "办理中",
                tasks=(TaskSpec("handle", "办理", "caseworker", due=three_months),),
                timers=(
                    TimerSpec(
                        "handle_deadline",
                        TimerKind.ESCALATION,
                        three_months,
                        notify_role="committee_approver",
                    ),
                ),
            ),
            State("DONE", "已办结", final=True),
        ),
        actions=(Action("finish", "办结", ("OPEN",), "DONE", (Permission("caseworker"),)),),
        opened_by=(Permission("caseworker"),),
        follows_subject=follows,
    )


# Open cases of this process move with the person's relation (like a development case, 细则 第十二条).
FOLLOWER = _stand_in("follower", "随人员转移的测试流程", follows=True)


@dataclass
class World:
    engine: Engine
    clock: FixedClock
    orgs: dict[str, Org]
    subject: Person
    newcomer: Person  # comes in from the organization off the platform
    actors: dict[str, Actor]

    def __getattr__(self, name: str) -> Actor:
        try:
            return self.actors[name]
        except KeyError:
            raise AttributeError(name) from None

    # -- acting --------------------------------------------------------------------------------

    def open(
        self,
        workflow: str,
        actor: Actor | None = None,
        *,
        subject: Person | None = None,
        owner: str = "sending_branch",
        parties: Mapping[str, str] | None = None,
        data: Mapping[str, Any] | None = None,
        profile: str = "national",
    ) -> int:
        default = {"outflow_side": owner, "inflow_side": "receiving_branch"}
        roles = parties if parties is not None else default
        return self.engine.open_case(
            workflow=workflow,
            subject_id=(subject or self.subject).id,
            org_id=self.orgs[owner].id,
            actor=actor or self.actors["sender_caseworker"],
            parties={role: self.orgs[short].id for role, short in roles.items()},
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
        on: date | None = None,
        reason: str = "",
        waive: tuple[str, ...] = (),
    ) -> FireResult:
        return self.engine.fire(
            case_id,
            action,
            actor,
            inputs,
            expected_version=self.case(case_id).version,
            on=on,
            reason=reason,
            waive=waive,
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

    def person(self, person: Person | None = None) -> Person:
        with self.engine.sessions() as s:
            found = s.get(Person, (person or self.subject).id)
            assert found is not None
            return found

    def org_of(self, person: Person | None = None) -> str:
        """The short name of the organization the person's relation is in."""
        org_id = self.person(person).org_id
        return next(short for short, org in self.orgs.items() if org.id == org_id)

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

    def notifications(self, kind: str | None = None) -> list[Notification]:
        with self.engine.sessions() as s:
            rows = s.scalars(select(Notification).order_by(Notification.id))
            return [n for n in rows if kind is None or n.kind == kind]


# (key, name, kind, parent key, can approve admission, on the platform)
TREE = (
    ("county", "中共丰乐县委员会", "committee", None, True, True),
    ("department", "中共丰乐县委组织部", "organization_department", "county", False, True),
    ("sending_committee", "中共丰乐县城关镇委员会", "primary_committee", "county", True, True),
    ("sending_branch", "城关镇东街社区党支部", "branch", "sending_committee", False, True),
    ("other_branch", "城关镇西街村党支部", "branch", "sending_committee", False, True),
    ("receiving_committee", "中共丰乐县新坝镇委员会", "primary_committee", "county", True, True),
    ("receiving_branch", "新坝镇光明村党支部", "branch", "receiving_committee", False, True),
    ("suzhou_branch", "中共丰乐县驻苏州流动党员党支部", "mobile_members_org", "county", False, True),
    ("offsite_committee", "中共苏州工业园区娄葑街道工作委员会", "working_committee", None, True, False),
    ("offsite_branch", "娄葑街道东景社区党支部", "branch", "offsite_committee", False, False),
)

# (user, [(role, org key, subtree)], is the subject)
USERS: tuple[tuple[str, tuple[tuple[str, str, bool], ...], bool], ...] = (
    ("sender_caseworker", (("caseworker", "sending_branch", False),), False),
    ("sender_secretary", (("branch_secretary", "sending_branch", False),), False),
    ("sender_committee", (("committee_approver", "sending_committee", True),), False),
    ("receiver_caseworker", (("caseworker", "receiving_branch", False),), False),
    ("receiver_committee", (("committee_approver", "receiving_committee", True),), False),
    (
        "county_department",
        (("organization_department", "county", True), ("committee_approver", "county", False)),
        False,
    ),
    ("suzhou_caseworker", (("caseworker", "suzhou_branch", False),), False),
    ("member", (), True),
)


def build_world(db_engine: DbEngine) -> World:
    """Organizations, two people, users and an engine with every process the tests need."""
    Base.metadata.create_all(db_engine)
    sessions = make_sessions(db_engine)
    identities = IdentityFactory(seed=5)
    with sessions.begin() as s:
        orgs: dict[str, Org] = {}
        for key, name, kind, parent, approves, on_platform in TREE:
            orgs[key] = add_org(
                s,
                orgs[parent] if parent else None,
                name=name,
                short_name=name,
                kind=kind,
                can_approve_admission=approves,
                on_platform=on_platform,
            )
        subject = _person(s, identities, orgs["sending_branch"])
        newcomer = _person(s, identities, orgs["offsite_branch"])
        ids = {name: _user(s, name, grants, orgs, subject if own else None) for name, grants, own in USERS}
    with sessions() as s:
        actors = {name: load_actor(s, uid) for name, uid in ids.items()}
    registry = Registry()
    registry.add_profile(NATIONAL)
    registry.add_profile(REGIONAL)
    for definition in (transfer.DEFINITION, mobile.DEFINITION, disposition.DEFINITION, FOLLOWER):
        registry.add(definition)
    assert registry.link_problems() == []
    clock = FixedClock(date(2026, 3, 2))
    engine = Engine(sessions, registry, clock, lambda _s: WorkingCalendar())
    return World(engine, clock, orgs, subject, newcomer, actors)


def _person(session: Session, identities: IdentityFactory, org: Org) -> Person:
    who = identities.person(date(1980, 1, 1), date(1998, 1, 1), region_code="620725")
    person = Person(
        name=who.name,
        sex=who.sex,
        birth_date=who.birth_date,
        id_number=who.id_number,
        status="full_member",
        org_id=org.id,
        admitted_on=date(2015, 7, 1),
        full_member_since=date(2016, 7, 1),
        dues_paid_until=date(2026, 2, 28),
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
