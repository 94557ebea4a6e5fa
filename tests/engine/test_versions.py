"""Definition fingerprints and moving running cases to a new definition version, on the record."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select

from engine.authz import SYSTEM
from engine.definitions import Workflow
from engine.errors import DefinitionError, InvalidInput
from engine.models import Case, DefinitionVersion, Event, Task
from engine.registry import Registry, fingerprint
from engine.versions import migrate_cases, record_definitions
from tests.engine.conftest import World
from tests.example_workflow import EXAMPLE, FOLLOW_UP


def _renamed(workflow: Workflow, old: str, new: str, version: str) -> Workflow:
    """`workflow` under a new version with the top-level state `old` called `new` everywhere."""

    def rename(path: str) -> str:
        return new if path == old else path

    states = tuple(replace(s, name=new) if s.name == old else s for s in workflow.states)
    actions = tuple(
        replace(
            a,
            source=tuple(rename(s) for s in a.source),
            target=rename(a.target) if a.target else None,
        )
        for a in workflow.actions
    )
    return replace(workflow, version=version, states=states, actions=actions)


V2 = _renamed(EXAMPLE, "SUBMITTED", "REVIEW", "2")


def _case(world: World, case_id: int) -> Case:
    with world.engine.sessions() as s:
        case = s.get(Case, case_id)
        assert case is not None
        return case


def _last_event(world: World, case_id: int) -> Event:
    with world.engine.sessions() as s:
        event = s.scalars(select(Event).where(Event.case_id == case_id).order_by(Event.seq.desc())).first()
        assert event is not None
        return event


def _submitted(world: World) -> int:
    case_id = world.open()
    world.engine.fire(case_id, "submit", world.caseworker, {"summary": "x"}, expected_version=1)
    return case_id


# -- fingerprints --------------------------------------------------------------------------


def test_recording_definitions_stores_each_versions_fingerprint_once(world: World) -> None:
    world.engine.registry.add(V2, current=False)
    with world.engine.sessions.begin() as s:
        assert sorted(record_definitions(s, world.engine.registry)) == [
            "example 1",
            "example 2",
            "example_follow_up 1",
        ]
    with world.engine.sessions.begin() as s:
        assert record_definitions(s, world.engine.registry) == []
        stored = {(d.workflow, d.version): d.fingerprint for d in s.scalars(select(DefinitionVersion))}
    assert stored == {
        ("example", "1"): fingerprint(EXAMPLE),
        ("example", "2"): fingerprint(V2),
        ("example_follow_up", "1"): fingerprint(FOLLOW_UP),
    }


def test_a_definition_changed_under_the_same_version_is_refused_by_name(world: World) -> None:
    with world.engine.sessions.begin() as s:
        record_definitions(s, world.engine.registry)
    [rule] = EXAMPLE.action("hold_vote").rules
    vote = replace(EXAMPLE.action("hold_vote"), rules=(replace(rule, message="表决未获通过"),))
    reworded = replace(EXAMPLE, actions=tuple(vote if a.name == "hold_vote" else a for a in EXAMPLE.actions))
    changed = Registry()
    changed.add(reworded)
    changed.add(V2, current=False)
    with pytest.raises(DefinitionError) as refused, world.engine.sessions.begin() as s:
        record_definitions(s, changed)
    assert refused.value.problems == ["example 1"]
    assert "example 1" in refused.value.message
    with world.engine.sessions() as s:  # the refused load stored nothing, not even the new version
        stored = {(d.workflow, d.version): d.fingerprint for d in s.scalars(select(DefinitionVersion))}
    assert stored == {
        ("example", "1"): fingerprint(EXAMPLE),
        ("example_follow_up", "1"): fingerprint(FOLLOW_UP),
    }


# -- which version a case runs -------------------------------------------------------------


def test_a_case_keeps_the_definition_version_it_started_with(world: World) -> None:
    old = world.open()
    world.engine.registry.add(V2)  # version 2 becomes current
    new = world.open()
    assert (_case(world, old).definition_version, _case(world, new).definition_version) == ("1", "2")
    moved_old = world.engine.fire(old, "submit", world.caseworker, {"summary": "x"}, expected_version=1)
    moved_new = world.engine.fire(new, "submit", world.caseworker, {"summary": "x"}, expected_version=1)
    assert (moved_old.state, moved_new.state) == ("SUBMITTED", "REVIEW")
    assert _last_event(world, old).definition_version == "1"
    assert _last_event(world, new).definition_version == "2"


# -- migration -----------------------------------------------------------------------------


def test_migrating_moves_open_cases_by_the_mapping_and_records_it_in_the_audit_chain(world: World) -> None:
    submitted = _submitted(world)  # entered SUBMITTED on 2026-03-02
    draft = world.open()
    rejected = _submitted(world)
    world.engine.fire(rejected, "reject", world.approver, expected_version=2, reason="材料不实")
    world.engine.registry.add(V2, current=False)
    world.clock.set(date(2026, 3, 10))
    moved = migrate_cases(world.engine, "example", "2", {"SUBMITTED": "REVIEW"}, world.approver, " 细则修订 ")
    assert sorted(moved) == sorted([submitted, draft])

    case = _case(world, submitted)
    assert (case.definition_version, case.state, case.state_detail, case.version) == (
        "2",
        "REVIEW",
        "REVIEW",
        3,
    )
    assert case.entered == {"REVIEW": "2026-03-02"}  # the clock of the renamed state keeps running
    event = _last_event(world, submitted)
    assert (event.kind, event.action, event.reason, event.actor_user_id) == (
        "migration",
        "migrate_case",
        "细则修订",
        world.approver.user_id,
    )
    assert (event.from_state, event.to_state, event.definition_version) == ("SUBMITTED", "REVIEW", "2")
    assert event.inputs == {"from_version": "1", "to_version": "2", "mapping": {"SUBMITTED": "REVIEW"}}
    with world.engine.sessions() as s:
        open_tasks = list(s.scalars(select(Task).where(Task.case_id == submitted, Task.status == "open")))
    assert [(t.name, t.state_path) for t in open_tasks] == [("approve", "REVIEW")]

    assert (_case(world, draft).definition_version, _case(world, draft).state) == ("2", "DRAFT")
    closed = _case(world, rejected)
    assert (closed.definition_version, closed.state, closed.version) == ("1", "REJECTED", 3)


def test_after_migrating_a_case_fires_the_actions_of_the_new_version(world: World) -> None:
    case_id = _submitted(world)
    world.engine.registry.add(V2, current=False)
    migrate_cases(world.engine, "example", "2", {"SUBMITTED": "REVIEW"}, SYSTEM, "细则修订")
    approved = world.engine.fire(case_id, "approve", world.approver, expected_version=3)
    assert approved.state == "NOTICE"
    assert _last_event(world, case_id).from_state == "REVIEW"


def test_migrating_without_a_reason_is_refused(world: World) -> None:
    case_id = _submitted(world)
    world.engine.registry.add(V2, current=False)
    with pytest.raises(InvalidInput) as refused:
        migrate_cases(world.engine, "example", "2", {"SUBMITTED": "REVIEW"}, SYSTEM, "  ")
    assert "reason" in refused.value.errors
    assert _case(world, case_id).definition_version == "1"


def test_a_state_the_mapping_leaves_without_a_counterpart_is_refused_and_nothing_moves(world: World) -> None:
    case_id = _submitted(world)
    draft = world.open()
    world.engine.registry.add(V2, current=False)
    with pytest.raises(DefinitionError) as refused:
        migrate_cases(world.engine, "example", "2", {}, SYSTEM, "细则修订")
    assert refused.value.problems == ["SUBMITTED"]
    assert "SUBMITTED" in refused.value.message
    assert (_case(world, case_id).definition_version, _case(world, case_id).version) == ("1", 2)
    assert _case(world, draft).definition_version == "1"  # all or nothing


def test_a_migrated_case_keeps_its_clocks_counting_from_the_day_it_entered_the_state(world: World) -> None:
    world.engine.registry.add(V2, current=False)
    case_id = world.open()  # DRAFT entered 2026-03-02, prepare due 04-01
    world.clock.set(date(2026, 3, 20))
    migrate_cases(world.engine, "example", "2", {}, SYSTEM, "细则修订")
    with world.engine.sessions() as s:
        [task] = s.scalars(select(Task).where(Task.case_id == case_id, Task.status == "open"))
    assert task.due_date == date(2026, 4, 1)
