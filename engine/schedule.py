"""Opens and closes the tasks and timers a state declares as a case enters and leaves it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engine.authz import resolve_org
from engine.definitions import Due, State, TaskSpec, TimerKind, TimerSpec
from engine.errors import DefinitionError
from engine.machine import SEPARATOR
from engine.models import Case, Task, Timer
from engine.rules import RuleContext

RECURRING_CHECK_DELAY = timedelta(days=1)  # a recurring timer looks at its task the day after it is due


def due_date(ctx: RuleContext, due: Due) -> tuple[date | None, bool]:
    """The due day and whether it is provisional (its year's holiday schedule is not known yet)."""
    start = ctx.anchor_date(due.anchor)
    if start is None:
        return None, False
    result = ctx.calendar.add(start, due.span.resolve(ctx.policy))
    return result.day, result.provisional


def enter(
    session: Session,
    case: Case,
    states: dict[str, State],
    paths: Iterable[str],
    ctx: RuleContext,
    now: datetime,
) -> None:
    """Open every task and set every timer of the entered states, outermost first.

    'entered' anchors count from the day the case entered each state (`case.entered`), so a case
    migrated to a new definition version keeps its clocks."""
    for path in sorted(paths, key=lambda p: p.count(SEPARATOR)):
        state = states[path]
        since = case.entered.get(path)
        state_ctx = replace(ctx, entered_on=date.fromisoformat(since)) if since else ctx
        for spec in state.tasks:
            session.add(open_task(session, case, path, spec, state_ctx, now))
        for timer in state.timers:
            session.add(_timer(case, path, timer, state_ctx))


def leave(session: Session, case: Case, paths: Iterable[str], now: datetime) -> None:
    """Close the open tasks and cancel the pending (or suspended) timers of the states the case left."""
    left = list(paths)
    if not left:
        return
    session.execute(
        update(Task)
        .where(Task.case_id == case.id, Task.status == "open", Task.state_path.in_(left))
        .values(status="closed", closed_at=now)
    )
    session.execute(  # a suspended timer too: resuming must not revive the clock of a state left
        update(Timer)
        .where(
            Timer.case_id == case.id,
            Timer.status.in_(("pending", "suspended")),
            Timer.state_path.in_(left),
        )
        .values(status="cancelled")
    )


def complete(
    session: Session,
    case: Case,
    states: dict[str, State],
    staying: set[str],
    action: str,
    ctx: RuleContext,
    now: datetime,
) -> None:
    """Close the open tasks an action taken inside the state finishes: those whose every completing
    action stays in the state (a review, a contact, a talk). A task that leads out of the state stays
    open until the case leaves it. A recurring task opens again at once, due a period after today,
    and its timer moves to the day after that (a missed one is escalated then)."""
    for path, state in states.items():
        for spec in state.tasks:
            if action not in spec.actions or not set(spec.actions) <= staying:
                continue
            closed = session.execute(
                update(Task)
                .where(Task.case_id == case.id, Task.status == "open", Task.state_path == path)
                .where(Task.name == spec.name)
                .values(status="closed", closed_at=now)
                .returning(Task.id)
            ).all()
            recurring = next(
                (t for t in state.timers if t.kind is TimerKind.RECURRING and t.task == spec.name), None
            )
            if not closed or recurring is None:
                continue
            task = open_task(session, case, path, spec, replace(ctx, entered_on=ctx.on), now)
            session.add(task)
            session.execute(
                update(Timer)
                .where(Timer.case_id == case.id, Timer.state_path == path, Timer.name == recurring.name)
                .where(Timer.status == "pending")
                .values(due_date=(task.due_date or ctx.on) + RECURRING_CHECK_DELAY)
            )


def open_tasks(session: Session, case_id: int) -> list[Task]:
    query = select(Task).where(Task.case_id == case_id, Task.status == "open").order_by(Task.id)
    return list(session.scalars(query))


def open_task(
    session: Session, case: Case, path: str, spec: TaskSpec, ctx: RuleContext, now: datetime
) -> Task:
    org = resolve_org(session, case, spec.at)
    if org is None:
        raise DefinitionError(f"任务“{spec.label}”找不到应办理的组织（{spec.at}）")
    due, provisional = due_date(ctx, spec.due) if spec.due else (None, False)
    return Task(
        case_id=case.id,
        workflow=case.workflow,
        name=spec.name,
        label=spec.label,
        state_path=path,
        queue_org_id=org.id,
        queue_org_path=org.path,
        queue_role=spec.role,
        priority=spec.priority,
        due_date=due,
        due_provisional=provisional,
        created_at=now,
    )


def _timer(case: Case, path: str, spec: TimerSpec, ctx: RuleContext) -> Timer:
    due, provisional = due_date(ctx, spec.due)
    if due is not None and spec.before_days:
        due -= timedelta(days=spec.before_days)
    if due is not None and spec.kind is TimerKind.RECURRING:
        due += RECURRING_CHECK_DELAY  # the task may still be done on its due day
    return Timer(
        status="suspended" if case.deadlines_suspended_on else "pending",  # no clock runs while suspended
        case_id=case.id,
        name=spec.name,
        kind=str(spec.kind),
        state_path=path,
        due_date=due or ctx.on,
        due_provisional=provisional,
        action=spec.action if spec.kind is TimerKind.AUTO_ACTION else None,
    )
