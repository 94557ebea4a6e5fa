"""Timers tested by moving the clock: reminders, escalation, automatic actions, recurrence, catch-up."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select, update

from engine.models import Event, Notification, Task, Timer
from engine.timers import sweep
from tests.engine.conftest import World

VOTE = {"voters_expected": 9, "voters_present": 7, "written_opinions": 0, "votes_for": 6}


def _notifications(world: World) -> list[Notification]:
    with world.engine.sessions() as s:
        return list(s.scalars(select(Notification).order_by(Notification.id)))


def _open_tasks(world: World, case_id: int, name: str) -> list[Task]:
    with world.engine.sessions() as s:
        query = select(Task).where(Task.case_id == case_id, Task.name == name, Task.status == "open")
        return list(s.scalars(query))


def _to_meeting(world: World, approve_on: date = date(2026, 3, 2)) -> int:
    world.clock.set(approve_on)
    case_id = world.open()
    world.engine.fire(case_id, "submit", world.caseworker, {"summary": "x"}, expected_version=1)
    world.engine.fire(case_id, "approve", world.approver, expected_version=2)
    world.clock.set(approve_on + timedelta(days=14))
    world.engine.fire(case_id, "finish_home_notice", world.home_caseworker, expected_version=3)
    sweep(world.engine)  # the work-side notice ends by itself
    return case_id


def test_a_reminder_fires_on_its_day_before_the_deadline_and_not_earlier(world: World) -> None:
    world.open()  # prepare task due 2026-04-01, reminder 5 days before
    world.clock.set(date(2026, 3, 26))
    assert sweep(world.engine).fired == 0
    world.clock.set(date(2026, 3, 27))
    assert sweep(world.engine).fired == 1
    reminded = {n.user_id for n in _notifications(world)}
    assert reminded == {world.caseworker.user_id, world.member.user_id}  # every caseworker of the branch
    assert all(n.title == "到期提醒：准备材料期限" for n in _notifications(world))


def test_an_overdue_deadline_escalates_to_the_organization_above(world: World) -> None:
    world.open()
    world.clock.set(date(2026, 4, 1))
    sweep(world.engine)
    escalated = [n for n in _notifications(world) if n.kind == "escalation"]
    assert [(n.user_id, n.org_id) for n in escalated] == [(world.approver.user_id, world.township.id)]
    assert escalated[0].title == "逾期督办：准备材料期限"


def test_a_notice_period_ends_by_itself_after_five_working_days_across_a_holiday_and_a_make_up_saturday(
    world: World,
) -> None:
    world.clock.set(date(2026, 9, 29))
    case_id = world.open()
    world.engine.fire(case_id, "submit", world.caseworker, {"summary": "x"}, expected_version=1)
    world.engine.fire(case_id, "approve", world.approver, expected_version=2)
    with world.engine.sessions() as s:
        timer = s.scalar(select(Timer).where(Timer.case_id == case_id, Timer.name == "work_notice_ends"))
        assert timer is not None and timer.due_date == date(
            2026, 10, 12
        )  # 09-30, 10-08, 10-09, 10-10 (调休), 10-12
    world.clock.set(date(2026, 10, 11))
    sweep(world.engine)
    with world.engine.sessions() as s:
        assert (
            s.scalar(select(Event.action).where(Event.case_id == case_id).order_by(Event.seq.desc()))
            == "approve"
        )
    world.clock.set(date(2026, 10, 12))
    sweep(world.engine)
    with world.engine.sessions() as s:
        last = s.scalars(select(Event).where(Event.case_id == case_id).order_by(Event.seq.desc())).first()
        assert last is not None and (last.action, last.actor_user_id) == ("finish_work_notice", None)


def test_a_recurring_task_not_done_stays_one_open_task_and_the_timer_looks_again_each_period(
    world: World,
) -> None:
    case_id = _to_meeting(world)  # MEETING entered 2026-03-16; the contact is due in ten days
    [first] = _open_tasks(world, case_id, "quarterly_contact")
    world.clock.set(date(2026, 6, 16))
    assert sweep(world.engine).fired == 0  # the timer looks the day after the period
    world.clock.set(date(2026, 6, 17))
    sweep(world.engine)
    assert [t.id for t in _open_tasks(world, case_id, "quarterly_contact")] == [first.id]
    with world.engine.sessions() as s:
        timer = s.scalar(select(Timer).where(Timer.case_id == case_id, Timer.kind == "recurring"))
        assert timer is not None and (timer.status, timer.due_date) == ("pending", date(2026, 9, 17))
    world.engine.fire(case_id, "hold_vote", world.secretary, VOTE, expected_version=5)
    assert _open_tasks(world, case_id, "quarterly_contact") == []
    world.clock.set(date(2026, 12, 17))
    assert sweep(world.engine).fired == 0
    with world.engine.sessions() as s:
        statuses = set(
            s.scalars(select(Timer.status).where(Timer.case_id == case_id, Timer.kind == "recurring"))
        )
    assert statuses == {"cancelled"}


def test_after_downtime_the_sweep_catches_up_once_without_duplicates(world: World) -> None:
    case_id = _to_meeting(world)
    world.clock.set(date(2026, 12, 20))  # three periods passed
    first = sweep(world.engine)
    again = sweep(world.engine)
    assert (first.fired, again.fired) == (1, 0)
    assert len(_open_tasks(world, case_id, "quarterly_contact")) == 1
    with world.engine.sessions() as s:
        timer = s.scalar(select(Timer).where(Timer.case_id == case_id, Timer.kind == "recurring"))
        assert timer is not None and timer.due_date == date(2027, 3, 17)


def test_a_failing_case_is_logged_and_skipped_while_the_others_fire(world: World) -> None:
    broken, healthy = world.open(), world.open()
    with world.engine.sessions.begin() as s:
        s.execute(update(Timer).where(Timer.case_id == broken).values(state_path="NO_SUCH_STATE"))
    world.clock.set(date(2026, 4, 1))
    report = sweep(world.engine)
    assert report.fired == 2  # the healthy case's reminder and escalation
    assert len(report.failed) == 2 and all("NO_SUCH_STATE" in error for _, error in report.failed)
    with world.engine.sessions() as s:
        failed = list(s.scalars(select(Timer).where(Timer.case_id == broken)))
        fired = list(s.scalars(select(Timer.status).where(Timer.case_id == healthy)))
    assert all(t.status == "pending" and t.attempts == 1 and t.retry_after for t in failed)
    assert fired == ["fired", "fired"]
