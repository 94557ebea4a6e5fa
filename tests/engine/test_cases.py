"""Moving a running case to another organization keeps its clocks and moves its queues."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.cases import move_case
from engine.errors import InvalidInput, NotFound
from engine.models import Case, Event, Person, Task
from tests.engine.conftest import World


def test_a_moved_case_keeps_its_history_and_its_open_tasks_follow_to_the_new_queue(world: World) -> None:
    case_id = world.open()
    moved = move_case(
        world.engine,
        case_id,
        world.other_branch.id,
        world.caseworker,
        reason="工作单位变动",
        expected_version=1,
    )
    assert moved.version == 2
    with world.engine.sessions() as s:
        case = s.get(Case, case_id)
        task = s.scalar(select(Task).where(Task.case_id == case_id, Task.status == "open"))
        event = s.scalar(select(Event).where(Event.case_id == case_id, Event.seq == 2))
        person = s.get(Person, world.subject.id)
        assert case is not None and task is not None and event is not None and person is not None
        assert (case.org_id, task.queue_org_id, person.org_id) == (world.other_branch.id,) * 3
        assert event.action == "move_case" and event.reason == "工作单位变动"
        assert event.inputs == {"from_org_id": world.branch.id, "to_org_id": world.other_branch.id}
        assert case.entered["DRAFT"] == "2026-03-02"  # the clock did not restart


def test_moving_needs_a_reason_and_someone_who_can_see_the_case(world: World) -> None:
    case_id = world.open()
    with pytest.raises(InvalidInput):
        move_case(
            world.engine, case_id, world.other_branch.id, world.caseworker, reason=" ", expected_version=1
        )
    with pytest.raises(NotFound):
        move_case(
            world.engine, case_id, world.other_branch.id, world.outsider, reason="调动", expected_version=1
        )
