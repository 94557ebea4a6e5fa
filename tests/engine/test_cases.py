"""Moving a running case to another organization keeps its clocks and moves its queues."""

from __future__ import annotations

from datetime import date

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


def _meeting(world: World) -> int:
    case_id = world.open()
    world.engine.fire(case_id, "submit", world.caseworker, {"summary": "x"}, expected_version=1)
    world.engine.fire(case_id, "approve", world.approver, expected_version=2)
    world.clock.set(date(2026, 3, 9))
    world.engine.fire(case_id, "finish_home_notice", world.home_caseworker, expected_version=3)
    world.engine.fire(case_id, "finish_work_notice", world.caseworker, expected_version=4)
    return case_id


def test_an_action_opens_a_follow_up_case_for_the_same_person_in_its_own_transaction(world: World) -> None:
    case_id = _meeting(world)
    world.engine.fire(case_id, "open_review", world.caseworker, expected_version=5)
    with world.engine.sessions() as s:
        follow_up = s.scalar(select(Case).where(Case.workflow == "example_follow_up"))
        assert follow_up is not None
        assert (follow_up.subject_id, follow_up.org_id, follow_up.state) == (
            world.subject.id,
            world.branch.id,
            "OPEN",
        )
        assert follow_up.data == {"opened_by_case": case_id, "reason": "会议复核", "since": "2026-03-09"}
        assert {p.role for p in follow_up.parties} == {"home_side", "work_side"}


def test_moving_the_relation_moves_the_person_and_their_following_cases_once_clocks_intact(
    world: World,
) -> None:
    case_id = _meeting(world)
    world.engine.fire(case_id, "open_review", world.caseworker, expected_version=5)
    world.clock.set(date(2026, 3, 20))
    world.engine.fire(case_id, "record_move", world.caseworker, expected_version=6)
    with world.engine.sessions() as s:
        person = s.get(Person, world.subject.id)
        follow_up = s.scalar(select(Case).where(Case.workflow == "example_follow_up"))
        main = s.get(Case, case_id)
        assert person is not None and follow_up is not None and main is not None
        assert person.org_id == world.home_branch.id
        assert follow_up.org_id == world.home_branch.id
        assert follow_up.entered["OPEN"] == "2026-03-09"
        moves = list(
            s.scalars(select(Event).where(Event.case_id == follow_up.id, Event.action == "move_case"))
        )
        assert [m.reason for m in moves] == [f"随组织关系转接（案件 {case_id}）"]
        assert main.org_id == world.branch.id  # the sending side keeps its own case


def test_a_link_to_an_unknown_workflow_is_reported() -> None:
    from dataclasses import replace

    from engine.definitions import CaseOpening
    from engine.registry import Registry
    from tests.example_workflow import EXAMPLE

    broken = replace(EXAMPLE.actions[-2], opens=(CaseOpening("nonesuch"),))
    registry = Registry()
    registry.add(replace(EXAMPLE, actions=(*EXAMPLE.actions[:-2], broken, EXAMPLE.actions[-1])))
    assert registry.link_problems() == ["action 'open_review' of 'example' opens unknown workflow 'nonesuch'"]


def test_a_case_imported_part_way_keeps_the_real_dates_its_clocks_run_from(world: World) -> None:
    with world.engine.sessions.begin() as s:
        result = world.engine.open_case_in(
            s, workflow="example", subject_id=world.subject.id, org_id=world.branch.id, actor=world.caseworker,
            parties={"home_side": world.home_branch.id, "work_side": world.branch.id},
            data={"approve": {"on": "2026-01-09"}}, start_state="NOTICE",
            entered_on={"NOTICE": date(2026, 1, 9)},
        )  # fmt: skip
    assert sorted(result.state_detail[0] if isinstance(result.state_detail[0], list) else result.state_detail) == [
        "NOTICE.HOME.OPEN", "NOTICE.WORK.OPEN",
    ]  # fmt: skip
    with world.engine.sessions() as s:
        case = s.get(Case, result.case_id)
        [task] = s.scalars(select(Task).where(Task.case_id == result.case_id, Task.status == "open"))
        [event] = s.scalars(select(Event).where(Event.case_id == result.case_id))
        assert case is not None and case.entered["NOTICE"] == "2026-01-09"
    assert event.action == "import_case"
    assert task.due_date == date(2026, 1, 16)  # five working days from the recorded approval
    done = world.engine.fire(result.case_id, "finish_home_notice", world.home_caseworker, expected_version=1)
    assert done.version == 2  # the notice period counts from the imported approval date


def test_importing_into_an_unknown_state_is_refused(world: World) -> None:
    with pytest.raises(InvalidInput) as refused, world.engine.sessions.begin() as s:
        world.engine.open_case_in(
            s, workflow="example", subject_id=world.subject.id, org_id=world.branch.id, actor=world.caseworker,
            start_state="NOWHERE",
        )  # fmt: skip
    assert "没有环节 NOWHERE" in refused.value.errors["start_state"]
