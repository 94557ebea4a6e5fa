"""The timer sweep: fires every due timer exactly once, however many workers sweep at once.

Timers are rows. A sweep claims a batch of due timers (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so
concurrent sweepers take disjoint batches; SQLite has one writer at a time), locks their cases in id
order (no deadlock between sweepers), and fires each timer in a savepoint of the same transaction
that marks it fired: the effect and the mark commit together or not at all. A timer that fails is
logged, retried later with back-off, and never blocks the others. After downtime the sweep simply
finds everything overdue; a recurring timer catches up with one new task, not one per missed period.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload

from engine import notifications, schedule
from engine.authz import SYSTEM, resolve_org
from engine.definitions import TimerKind, TimerSpec, Workflow
from engine.errors import ActionNotAvailable, RuleRefusal
from engine.machine import state_paths
from engine.models import Case, Org, Task, Timer, User
from engine.rules import RuleContext
from engine.runtime import Engine

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


@dataclass
class SweepReport:
    fired: int = 0
    failed: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class _Batch:
    """What one sweep transaction looks up once: holders of each notified queue."""

    recipients: dict[tuple[int, str], list[User]] = field(default_factory=dict)


def sweep(engine: Engine, batch: int = 50) -> SweepReport:
    """Fire every timer due today or earlier; returns what happened."""
    report = SweepReport()
    while True:
        with engine.sessions.begin() as session:
            claimed, _cases = _claim(session, engine.clock.today(), engine.clock.now(), batch)
            lookups = _Batch()
            for timer in claimed:
                _fire_one(engine, session, timer, report, lookups)
        if len(claimed) < batch:
            return report


def _claim(session: Session, today: date, now: datetime, batch: int) -> tuple[list[Timer], list[Case]]:
    """Due timers and their cases; the caller holds the cases so the session's weak identity map keeps
    them (and their organizations) loaded for the whole batch."""
    query = (
        select(Timer)
        .where(
            Timer.status == "pending",
            Timer.due_date <= today,
            or_(Timer.retry_after.is_(None), Timer.retry_after <= now),
        )
        .order_by(Timer.case_id, Timer.id)
        .limit(batch)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    timers = list(session.scalars(query))
    # Lock the cases in id order (no deadlock between sweepers) and load what firing reads.
    cases = (
        select(Case)
        .where(Case.id.in_(sorted({t.case_id for t in timers})))
        .order_by(Case.id)
        .options(joinedload(Case.org).joinedload(Org.parent), joinedload(Case.subject))
    )
    if session.get_bind().dialect.name == "postgresql":
        cases = cases.with_for_update(of=Case)
    return timers, list(session.scalars(cases).unique())


def _fire_one(engine: Engine, session: Session, timer: Timer, report: SweepReport, lookups: _Batch) -> None:
    timer_id = timer.id
    try:
        with session.begin_nested():
            _fire(engine, session, timer, lookups)
        report.fired += 1
    except Exception as exc:  # one broken case must not stop the sweep
        log.exception("timer %s failed", timer_id)
        timer.attempts += 1
        timer.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        timer.retry_after = engine.clock.now() + timedelta(minutes=5 * 2**timer.attempts)
        if timer.attempts >= MAX_ATTEMPTS:
            timer.status = "failed"
        report.failed.append((timer_id, timer.last_error))


def _fire(engine: Engine, session: Session, timer: Timer, lookups: _Batch) -> None:
    case = session.get(Case, timer.case_id)
    if case is None:
        raise LookupError(f"timer {timer.id} has no case")
    workflow, _ = engine.definitions_of(case)
    spec = _spec(workflow, timer)
    kind = TimerKind(timer.kind)
    if kind is TimerKind.AUTO_ACTION:
        if not _auto_action(engine, session, case, timer, spec):
            return  # rescheduled to the day the action becomes possible
    elif kind is TimerKind.RECURRING:
        _recur(engine, session, case, timer, workflow, spec, lookups)
        return  # stays pending, due again next period
    else:
        _notify(engine, session, case, timer, spec, kind, lookups)
    timer.status = "fired"
    timer.fired_at = engine.clock.now()


def _spec(workflow: Workflow, timer: Timer) -> TimerSpec:
    state = state_paths(workflow)[timer.state_path]
    return next(t for t in state.timers if t.name == timer.name)


def _auto_action(engine: Engine, session: Session, case: Case, timer: Timer, spec: TimerSpec) -> bool:
    """Fire the action; False when only time stands in the way (the timer moves to that day)."""
    try:
        engine.fire_in(session, case.id, spec.action or "", SYSTEM, {}, expected_version=case.version)
    except RuleRefusal as refusal:
        if refusal.earliest is None or refusal.earliest <= timer.due_date:
            raise
        timer.due_date = refusal.earliest  # rules are judged before anything is written
        return False
    except ActionNotAvailable:
        log.info("timer %s: case %s already left the state; nothing to do", timer.id, case.id)
    return True


def _recur(
    engine: Engine,
    session: Session,
    case: Case,
    timer: Timer,
    workflow: Workflow,
    spec: TimerSpec,
    lookups: _Batch,
) -> None:
    """The day after the recurring task was due. Still open: it was missed — the organization above
    is told (when the timer names whom) and the timer looks again a period later. Done (taking it
    opens the next one, `schedule.complete`), or gone: a new one is opened. After downtime the timer
    catches up once, not once per missed period."""
    _, policy = engine.definitions_of(case)
    today = engine.clock.today()
    ctx = RuleContext(today, {}, case.data, [], policy.values_on(today), engine.calendars(session), today)
    missed = session.scalar(
        select(Task)
        .where(Task.case_id == case.id, Task.state_path == timer.state_path, Task.name == spec.task)
        .where(Task.status == "open")
        .order_by(Task.due_date)
        .limit(1)
    )
    if missed is None:
        task_spec = next(t for t in state_paths(workflow)[timer.state_path].tasks if t.name == spec.task)
        session.add(schedule.open_task(session, case, timer.state_path, task_spec, ctx, engine.clock.now()))
    elif spec.notify_role:
        _notify(engine, session, case, timer, spec, TimerKind.ESCALATION, lookups, missed.due_date)
    assert spec.every is not None  # the registry refuses a recurring timer without a period
    period = spec.every.resolve(ctx.policy)
    while timer.due_date <= today:
        timer.due_date = ctx.calendar.add(timer.due_date, period).day
    timer.fired_at = engine.clock.now()


def _notify(
    engine: Engine,
    session: Session,
    case: Case,
    timer: Timer,
    spec: TimerSpec,
    kind: TimerKind,
    lookups: _Batch,
    due: date | None = None,
) -> None:
    org = resolve_org(session, case, spec.notify_at)
    if org is None:
        raise LookupError(f"timer {timer.id}: no organization for {spec.notify_at}")
    if kind is TimerKind.ESCALATION and org.parent is not None:
        org = org.parent
    workflow, _ = engine.definitions_of(case)
    what = spec.label or workflow.title
    title = ("逾期督办" if kind is TimerKind.ESCALATION else "到期提醒") + f"：{what}"
    deadline = (due or timer.due_date).isoformat()
    body = f"{workflow.title}（案件 {case.id}，{case.subject.name}）：{what}，期限 {deadline}"
    role = spec.notify_role or ""
    key = (org.id, role)
    if key not in lookups.recipients:
        lookups.recipients[key] = notifications.recipients(session, org, role)
    notifications.notify(
        session, org=org, role=role, kind=str(kind), title=title, body=body, now=engine.clock.now(),
        case_id=case.id, timer_id=timer.id, known_recipients=lookups.recipients[key],
    )  # fmt: skip
