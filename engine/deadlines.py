"""Suspending, resuming and extending a case's deadlines: always with a reason, always on record.

A suspension (e.g. while an appeal is heard) stops every clock of the case; resuming moves each
open task's due date and each suspended timer by the days the case was suspended. Extending a task's
deadline moves the reminders and escalations of the same state with it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit, schedule
from engine.authz import Actor, permitted
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.models import Case, Task, Timer
from engine.runtime import REASON_REQUIRED, Engine, FireResult

SUSPEND, RESUME, EXTEND = "suspend_deadlines", "resume_deadlines", "extend_deadline"


def suspend(engine: Engine, case_id: int, actor: Actor, *, reason: str, expected_version: int) -> FireResult:
    with engine.sessions.begin() as session:
        case, day = _guarded(engine, session, case_id, actor, reason, expected_version)
        if case.deadlines_suspended_on is not None:
            raise InvalidInput({"case": "案件期限已处于中止状态"})
        case.deadlines_suspended_on = day
        for timer in _timers(session, case, "pending"):
            timer.status = "suspended"
        return _record(engine, session, case, actor, SUSPEND, day, {}, reason)


def resume(engine: Engine, case_id: int, actor: Actor, *, reason: str, expected_version: int) -> FireResult:
    with engine.sessions.begin() as session:
        case, day = _guarded(engine, session, case_id, actor, reason, expected_version)
        if case.deadlines_suspended_on is None:
            raise InvalidInput({"case": "案件期限未中止，无需恢复"})
        shift = timedelta(days=(day - case.deadlines_suspended_on).days)
        calendar = engine.calendars(session)
        for task in schedule.open_tasks(session, case.id):
            if task.due_date is not None:
                task.due_date += shift
                task.due_provisional = task.due_provisional or not calendar.is_confirmed(task.due_date.year)
        for timer in _timers(session, case, "suspended"):
            timer.due_date += shift
            timer.status = "pending"
        case.deadlines_suspended_on = None
        return _record(engine, session, case, actor, RESUME, day, {"shift_days": shift.days}, reason)


def extend(
    engine: Engine,
    case_id: int,
    task_id: int,
    new_due: date,
    actor: Actor,
    *,
    reason: str,
    expected_version: int,
) -> FireResult:
    with engine.sessions.begin() as session:
        case, day = _guarded(engine, session, case_id, actor, reason, expected_version)
        task = session.get(Task, task_id)
        if task is None or task.case_id != case.id or task.status != "open":
            raise NotFound("该案件没有此待办任务")
        if task.due_date is not None and new_due <= task.due_date:
            raise InvalidInput({"new_due": f"延长后的期限应晚于原期限（{task.due_date.isoformat()}）"})
        inputs = {
            "task_id": task.id,
            "old_due": task.due_date.isoformat() if task.due_date else None,
            "new_due": new_due.isoformat(),
        }
        if task.due_date is not None:  # the state's reminders and escalations move with its deadline
            shift = new_due - task.due_date
            for timer in _timers(session, case, "pending"):
                if timer.state_path == task.state_path and timer.kind in ("reminder", "escalation"):
                    timer.due_date += shift
        task.due_date = new_due
        task.due_provisional = not engine.calendars(session).is_confirmed(new_due.year)
        return _record(engine, session, case, actor, EXTEND, day, inputs, reason)


def _guarded(
    engine: Engine, session: Session, case_id: int, actor: Actor, reason: str, expected_version: int
) -> tuple[Case, date]:
    case = engine.load_case(session, case_id, actor, lock=True)
    if case.version != expected_version:
        raise Conflict(f"案件已被他人更新（当前版本 {case.version}），请刷新后重试")
    workflow, _ = engine.definitions_of(case)
    if not actor.is_system and not any(
        permitted(session, actor, case, p.role, p.at) for p in workflow.supervised_by
    ):
        raise Forbidden("您没有调整此案件期限的权限")
    if not reason.strip():
        raise InvalidInput({"reason": REASON_REQUIRED})
    return case, engine.clock.today()


def _record(
    engine: Engine,
    session: Session,
    case: Case,
    actor: Actor,
    action: str,
    day: date,
    inputs: Mapping[str, object],
    reason: str,
) -> FireResult:
    _, policy = engine.definitions_of(case)
    event = audit.append(
        session, case, kind="deadline", action=action, actor_user_id=actor.user_id,
        at=engine.clock.now(), effective_date=day, from_state=case.state_detail,
        to_state=case.state_detail, inputs=dict(inputs), reason=reason.strip(),
        policy_version=policy.label_on(day),
    )  # fmt: skip
    session.flush()
    return FireResult(case.id, case.version, case.state, case.state_detail, event.id, case.closed)


def _timers(session: Session, case: Case, status: str) -> list[Timer]:
    return list(session.scalars(select(Timer).where(Timer.case_id == case.id, Timer.status == status)))
