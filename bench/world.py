"""The development process walked end to end, shared by the transition, peer and HTTP benchmarks.

A bench world is the development tests' county (`tests/workflows/conftest.py`) plus `n` applicants,
each with a user of their own (the probationer applies for full membership in person). A walk opens
a case and takes the 30 steps of the tests' usual path on their days (`USUAL_PATH`), moving a fixed
clock, so every run does the same work: 31 transitions a case, no refusals.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Engine as DbEngine
from sqlalchemy import select

from engine.authz import Actor, load_actor
from engine.calendar import WorkingCalendar
from engine.clock import FixedClock
from engine.db import make_sessions
from engine.identity import check_digit
from engine.models import Org, Person, User
from engine.registry import Registry
from engine.runtime import Engine
from tests.workflows.conftest import PEOPLE, TREE, build_world
from tests.workflows.development_steps import ACTORS, inputs
from tests.workflows.test_development import USUAL_PATH
from workflows import development
from workflows.profiles.national import NATIONAL

OPENED_ON = date(2025, 3, 1)
STEPS: tuple[tuple[date, str], ...] = tuple((day, action) for day, action, _state, _status in USUAL_PATH)
TRANSITIONS_PER_CASE = len(STEPS) + 1  # the opening is a transition too


@dataclass
class BenchWorld:
    engine: Engine
    clock: FixedClock
    orgs: dict[str, Org]
    people: dict[str, Person]
    actors: dict[str, Actor]
    applicants: list[tuple[int, Actor]]  # (person id, their own user) for each case to walk


def create(db: DbEngine, applicants: int) -> None:
    """The tests' county and `applicants` more applicants with users, in an empty database."""
    build_world(db)
    sessions = make_sessions(db)
    branch = _by_name(db)[0]["branch"]
    with sessions.begin() as s:
        for i in range(applicants):
            born = date(2001, 1, 1) + timedelta(days=i // 400)
            first17 = f"620724{born:%Y%m%d}{(i % 400) * 2 + 1:03d}"
            person = Person(
                name=f"申请人{i}", sex="男", birth_date=born, id_number=first17 + check_digit(first17),
                status="non_member", org_id=branch.id, extra={},
            )  # fmt: skip
            s.add(person)
            s.flush()
            s.add(
                User(
                    username=f"applicant{i}",
                    display_name=f"申请人{i}",
                    password_hash="x",
                    person_id=person.id,
                )
            )


def attach(db: DbEngine, first: int = 0, count: int | None = None) -> BenchWorld:
    """A world over an existing bench database (another process made it), with applicants
    `first` … `first + count - 1`."""
    orgs, people = _by_name(db)
    sessions = make_sessions(db)
    with sessions() as s:
        users = {u.username: u.id for u in s.scalars(select(User))}
        actors = {name: load_actor(s, uid) for name, uid in users.items() if not name.startswith("applicant")}
        numbers = range(first, first + count) if count is not None else range(len(users))
        applicants = []
        for i in numbers:
            uid = users.get(f"applicant{i}")
            if uid is None:
                break
            actor = load_actor(s, uid)
            assert actor.person_id is not None
            applicants.append((actor.person_id, actor))
    registry = Registry()
    registry.add_profile(NATIONAL)
    registry.add(development.DEFINITION)
    clock = FixedClock(OPENED_ON)
    engine = Engine(sessions, registry, clock, lambda _s: WorkingCalendar())
    return BenchWorld(engine, clock, orgs, people, actors, applicants)


def _by_name(db: DbEngine) -> tuple[dict[str, Org], dict[str, Person]]:
    with make_sessions(db)() as s:
        by_org = {o.name: o for o in s.scalars(select(Org))}
        by_person = {p.name: p for p in s.scalars(select(Person).where(Person.name.like("测试%")))}
    orgs = {key: by_org[name] for key, name, *_ in TREE}
    people = {key: by_person[f"测试{key}"] for key, *_ in PEOPLE}
    return orgs, people


def step_inputs(world: BenchWorld, action: str) -> dict[str, Any]:
    return inputs(SimpleNamespace(people=world.people), action)  # type: ignore[arg-type]


def walk(world: BenchWorld, subject_id: int, member: Actor) -> int:
    """Open a case for the subject and take every step of the usual path; returns the case id."""
    world.clock.set(OPENED_ON)
    result = world.engine.open_case(
        workflow="development", subject_id=subject_id, org_id=world.orgs["branch"].id,
        actor=world.actors["caseworker"],
    )  # fmt: skip
    for day, action in STEPS:
        world.clock.set(day)
        who = member if ACTORS[action] == "member" else world.actors[ACTORS[action]]
        result = world.engine.fire(
            result.case_id, action, who, step_inputs(world, action), expected_version=result.version
        )
    assert result.closed, result
    return result.case_id


def walk_all(world: BenchWorld, ready: Callable[[], object] = lambda: None) -> tuple[int, float, float]:
    """Walk a case for each applicant; returns (transitions, start, end) in wall-clock seconds.
    `ready` is called just before the first case (the driver's barrier)."""
    ready()
    started = time.time()
    for subject_id, member in world.applicants:
        walk(world, subject_id, member)
    return len(world.applicants) * TRANSITIONS_PER_CASE, started, time.time()
