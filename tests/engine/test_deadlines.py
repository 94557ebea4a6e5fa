"""Suspending, resuming and extending deadlines: clocks move by the suspended days, always on record."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from engine import deadlines
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.models import Case, Event, Task, Timer
from engine.timers import sweep
from tests.engine.conftest import World


def _events(world: World, case_id: int) -> list[Event]:
    with world.engine.sessions() as s:
        return list(s.scalars(select(Event).where(Event.case_id == case_id).order_by(Event.seq)))


def _timers(world: World, case_id: int) -> dict[str, tuple[date, str]]:
    with world.engine.sessions() as s:
        rows = s.scalars(select(Timer).where(Timer.case_id == case_id))
        return {t.name: (t.due_date, t.status) for t in rows}


def _open_task(world: World, case_id: int) -> Task:
    with world.engine.sessions() as s:
        [task] = s.scalars(select(Task).where(Task.case_id == case_id, Task.status == "open"))
        return task


def test_resuming_after_ten_days_moves_open_task_due_dates_and_pending_timers_by_ten_days(
    world: World,
) -> None:
    case_id = world.open()  # 2026-03-02: prepare due 04-01, reminder 03-27, escalation 04-01
    suspended = deadlines.suspend(
        world.engine, case_id, world.approver, reason="申诉审理中", expected_version=1
    )
    assert suspended.version == 2
    assert {status for _, status in _timers(world, case_id).values()} == {"suspended"}
    world.clock.set(date(2026, 3, 12))
    resumed = deadlines.resume(world.engine, case_id, world.approver, reason="申诉已办结", expected_version=2)
    assert resumed.version == 3
    assert _open_task(world, case_id).due_date == date(2026, 4, 11)
    assert _timers(world, case_id) == {
        "prepare_reminder": (date(2026, 4, 6), "pending"),
        "prepare_deadline": (date(2026, 4, 11), "pending"),
    }
    suspend_event, resume_event = _events(world, case_id)[1:]
    assert (suspend_event.kind, suspend_event.action, suspend_event.reason) == (
        "deadline",
        "suspend_deadlines",
        "申诉审理中",
    )
    assert suspend_event.actor_user_id == world.approver.user_id
    assert suspend_event.effective_date == date(2026, 3, 2)
    assert (resume_event.action, resume_event.reason, resume_event.inputs) == (
        "resume_deadlines",
        "申诉已办结",
        {"shift_days": 10},
    )
    assert resume_event.effective_date == date(2026, 3, 12)
    with world.engine.sessions() as s:
        case = s.get(Case, case_id)
        assert case is not None and case.deadlines_suspended_on is None


def test_no_timer_fires_while_the_case_is_suspended(world: World) -> None:
    case_id = world.open()
    deadlines.suspend(world.engine, case_id, world.approver, reason="申诉审理中", expected_version=1)
    world.clock.set(date(2026, 4, 5))  # past the reminder and the escalation
    assert sweep(world.engine).fired == 0
    deadlines.resume(world.engine, case_id, world.approver, reason="申诉已办结", expected_version=2)
    assert sweep(world.engine).fired == 0  # both moved 34 days on
    assert _timers(world, case_id)["prepare_reminder"] == (date(2026, 4, 30), "pending")


def test_timers_of_a_state_the_case_left_while_suspended_stay_cancelled_after_resuming(world: World) -> None:
    case_id = world.open()
    deadlines.suspend(world.engine, case_id, world.approver, reason="申诉审理中", expected_version=1)
    world.engine.fire(case_id, "submit", world.caseworker, {"summary": "x"}, expected_version=2)
    world.clock.set(date(2026, 3, 12))
    deadlines.resume(world.engine, case_id, world.approver, reason="申诉已办结", expected_version=3)
    timers = _timers(world, case_id)
    assert (timers["prepare_reminder"][1], timers["prepare_deadline"][1]) == ("cancelled", "cancelled")
    world.clock.set(date(2026, 4, 30))
    sweep(world.engine)
    assert _timers(world, case_id)["prepare_reminder"][1] == "cancelled"  # no reminder for a closed task


def test_suspending_twice_or_resuming_a_running_case_is_refused(world: World) -> None:
    case_id = world.open()
    with pytest.raises(InvalidInput) as not_suspended:
        deadlines.resume(world.engine, case_id, world.approver, reason="恢复", expected_version=1)
    assert "case" in not_suspended.value.errors
    deadlines.suspend(world.engine, case_id, world.approver, reason="申诉审理中", expected_version=1)
    with pytest.raises(InvalidInput) as again:
        deadlines.suspend(world.engine, case_id, world.approver, reason="再次中止", expected_version=2)
    assert "case" in again.value.errors


def test_suspending_without_a_reason_is_refused_and_writes_nothing(world: World) -> None:
    case_id = world.open()
    for blank in ("", "   "):
        with pytest.raises(InvalidInput) as refused:
            deadlines.suspend(world.engine, case_id, world.approver, reason=blank, expected_version=1)
        assert "reason" in refused.value.errors
    assert len(_events(world, case_id)) == 1
    assert {status for _, status in _timers(world, case_id).values()} == {"pending"}


def test_someone_who_sees_the_case_but_does_not_supervise_it_may_not_touch_its_deadlines(
    world: World,
) -> None:
    case_id = world.open()
    task_id = _open_task(world, case_id).id
    with pytest.raises(Forbidden):
        deadlines.suspend(world.engine, case_id, world.caseworker, reason="申诉审理中", expected_version=1)
    with pytest.raises(Forbidden):
        deadlines.extend(
            world.engine,
            case_id,
            task_id,
            date(2026, 5, 1),
            world.secretary,
            reason="材料补正",
            expected_version=1,
        )
    with pytest.raises(NotFound):
        deadlines.suspend(world.engine, case_id, world.outsider, reason="申诉审理中", expected_version=1)
    assert len(_events(world, case_id)) == 1


def test_extending_a_task_records_the_old_and_new_due_date_and_the_reason(world: World) -> None:
    case_id = world.open()
    task_id = _open_task(world, case_id).id
    result = deadlines.extend(
        world.engine,
        case_id,
        task_id,
        date(2026, 4, 15),
        world.approver,
        reason="材料需公证",
        expected_version=1,
    )
    assert result.version == 2
    assert _open_task(world, case_id).due_date == date(2026, 4, 15)
    event = _events(world, case_id)[-1]
    assert (event.kind, event.action, event.reason) == ("deadline", "extend_deadline", "材料需公证")
    assert event.inputs == {"task_id": task_id, "old_due": "2026-04-01", "new_due": "2026-04-15"}


def test_extending_to_an_earlier_or_the_same_date_is_refused(world: World) -> None:
    case_id = world.open()
    task_id = _open_task(world, case_id).id
    for day in (date(2026, 3, 20), date(2026, 4, 1)):
        with pytest.raises(InvalidInput) as refused:
            deadlines.extend(
                world.engine, case_id, task_id, day, world.approver, reason="缩短期限", expected_version=1
            )
        assert "2026-04-01" in refused.value.errors["new_due"]
    assert _open_task(world, case_id).due_date == date(2026, 4, 1)
    assert len(_events(world, case_id)) == 1


def test_extending_a_task_of_another_case_or_a_closed_task_is_not_found(world: World) -> None:
    first, second = world.open(), world.open()
    foreign = _open_task(world, second).id
    with pytest.raises(NotFound):
        deadlines.extend(
            world.engine, first, foreign, date(2026, 5, 1), world.approver, reason="延期", expected_version=1
        )
    own = _open_task(world, first).id
    world.engine.fire(first, "submit", world.caseworker, {"summary": "x"}, expected_version=1)
    with pytest.raises(NotFound):
        deadlines.extend(
            world.engine, first, own, date(2026, 5, 1), world.approver, reason="延期", expected_version=2
        )


def test_a_stale_expected_version_is_a_conflict(world: World) -> None:
    case_id = world.open()
    task_id = _open_task(world, case_id).id
    world.engine.fire(case_id, "submit", world.caseworker, {"summary": "x"}, expected_version=1)
    with pytest.raises(Conflict):
        deadlines.suspend(world.engine, case_id, world.approver, reason="申诉审理中", expected_version=1)
    with pytest.raises(Conflict):
        deadlines.resume(world.engine, case_id, world.approver, reason="申诉已办结", expected_version=1)
    with pytest.raises(Conflict):
        deadlines.extend(
            world.engine,
            case_id,
            task_id,
            date(2026, 5, 1),
            world.approver,
            reason="延期",
            expected_version=1,
        )
    assert len(_events(world, case_id)) == 2


def test_extending_a_deadline_moves_the_states_reminder_and_escalation_with_it(world: World) -> None:
    case_id = world.open()  # prepare due 04-01, reminder 03-27, escalation 04-01
    task = _open_task(world, case_id)
    deadlines.extend(
        world.engine,
        case_id,
        task.id,
        date(2026, 4, 15),
        world.approver,
        reason="材料补正",
        expected_version=1,
    )
    assert _timers(world, case_id) == {
        "prepare_reminder": (date(2026, 4, 10), "pending"),
        "prepare_deadline": (date(2026, 4, 15), "pending"),
    }
    world.clock.set(date(2026, 4, 1))
    assert sweep(world.engine).fired == 0  # the old escalation day passes quietly


def test_a_state_entered_while_deadlines_are_suspended_sets_its_timers_suspended_too(world: World) -> None:
    case_id = world.open()
    deadlines.suspend(world.engine, case_id, world.approver, reason="申诉审理中", expected_version=1)
    world.engine.fire(case_id, "submit", world.caseworker, {"summary": "x"}, expected_version=2)
    assert _timers(world, case_id)["approval_deadline"][1] == "suspended"
    world.clock.set(date(2026, 7, 1))
    assert sweep(world.engine).fired == 0
