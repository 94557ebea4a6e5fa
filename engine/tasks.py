"""Work queues: who sees which open tasks, and claiming, releasing, assigning and delegating them.

A task sits in a queue (organization + role). A user's queue holds every open task whose queue one
of their grants covers, plus the tasks assigned to them — and, while a substitution (代理人) runs,
the same for each user they stand in for. Completing a task is firing its case's action; the task
closes when the case leaves the state that opened it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, false, or_, select, update
from sqlalchemy.orm import Session

from engine.authz import Actor, Grant, load_actor
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.models import Case, Org, Person, Substitution, Task

ASSIGNERS = frozenset({"branch_secretary", "committee_approver", "organization_department", "administrator"})


@dataclass(frozen=True)
class QueueFilter:
    org_id: int | None = None  # this organization and everything below it
    workflow: str | None = None
    state: str | None = None
    overdue: bool = False
    assignee_id: int | None = None
    unassigned: bool = False
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True)
class QueueItem:
    task: Task
    case_id: int
    workflow: str
    state: str
    subject_name: str
    overdue: bool


def principals(session: Session, actor: Actor, today: date) -> list[Actor]:
    """The actor and everyone whose queue they work today as a substitute."""
    ids = session.scalars(
        select(Substitution.user_id).where(
            Substitution.substitute_id == actor.user_id,
            Substitution.starts_on <= today,
            Substitution.ends_on >= today,
        )
    )
    return [actor, *(load_actor(session, uid) for uid in ids)]


def _grant_clause(session: Session, grants: Sequence[Grant]) -> ColumnElement[bool]:
    rows = session.execute(select(Org.id, Org.path).where(Org.id.in_([g.org_id for g in grants])))
    paths: dict[int, str] = {org_id: path for org_id, path in rows}
    clauses = [
        and_(
            Task.queue_role == g.role,
            Task.queue_org_path.startswith(paths[g.org_id]) if g.subtree else Task.queue_org_id == g.org_id,
        )
        for g in grants
        if g.org_id in paths
    ]
    return or_(*clauses) if clauses else false()


def visibility(session: Session, actor: Actor, today: date) -> ColumnElement[bool]:
    people = principals(session, actor, today)
    grants = [g for p in people for g in p.grants]
    assigned = Task.assignee_id.in_([p.user_id for p in people if p.user_id is not None])
    return or_(_grant_clause(session, grants), assigned)


def queue(session: Session, actor: Actor, filters: QueueFilter, today: date) -> list[QueueItem]:
    """Open tasks the actor may work, soonest due first (undated last), then by priority.

    The page is chosen on the tasks table alone (its indexes cover every filter), and only the
    page's rows are joined to their cases and people.
    """
    page = select(Task.id).where(Task.status == "open", visibility(session, actor, today))
    if filters.org_id is not None:
        org = session.get(Org, filters.org_id)
        if org is None:
            raise NotFound("组织不存在")
        page = page.where(Task.queue_org_path.startswith(org.path))
    if filters.workflow:
        page = page.where(Task.workflow == filters.workflow)
    if filters.state:
        page = page.where(
            or_(Task.state_path == filters.state, Task.state_path.startswith(filters.state + "."))
        )
    if filters.overdue:
        page = page.where(Task.due_date < today)
    if filters.assignee_id is not None:
        page = page.where(Task.assignee_id == filters.assignee_id)
    if filters.unassigned:
        page = page.where(Task.assignee_id.is_(None))
    order = (Task.due_date.asc().nulls_last(), Task.priority.desc(), Task.id)
    ids = page.order_by(*order).limit(filters.limit).offset(filters.offset).subquery()
    query = (
        select(Task, Case.state, Person.name)
        .join(ids, ids.c.id == Task.id)
        .join(Case, Case.id == Task.case_id)
        .join(Person, Person.id == Case.subject_id)
        .order_by(*order)
    )
    return [
        QueueItem(
            task, task.case_id, task.workflow, state, name, bool(task.due_date and task.due_date < today)
        )
        for task, state, name in session.execute(query)
    ]


def _eligible(session: Session, actor: Actor, task: Task, today: date) -> bool:
    query = select(Task.id).where(
        Task.id == task.id, _grant_clause(session, _all_grants(session, actor, today))
    )
    return session.scalar(query) is not None


def _all_grants(session: Session, actor: Actor, today: date) -> list[Grant]:
    return [g for p in principals(session, actor, today) for g in p.grants]


def _open_task(session: Session, task_id: int) -> Task:
    task = session.get(Task, task_id)
    if task is None or task.status != "open":
        raise NotFound("待办任务不存在或已办结")
    return task


def claim(session: Session, actor: Actor, task_id: int, now: datetime, today: date) -> Task:
    task = _open_task(session, task_id)
    if not _eligible(session, actor, task, today):
        raise NotFound("待办任务不存在或不在您的管理范围内")
    claimed = session.execute(
        update(Task)
        .where(Task.id == task_id, Task.status == "open", Task.assignee_id.is_(None))
        .values(assignee_id=actor.user_id, claimed_at=now)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict("该任务已被他人认领")
    session.refresh(task)
    return task


def release(session: Session, actor: Actor, task_id: int) -> Task:
    task = _open_task(session, task_id)
    if task.assignee_id != actor.user_id:
        raise Forbidden("只能退回自己认领的任务")
    task.assignee_id, task.claimed_at = None, None
    return task


def assign(session: Session, actor: Actor, task_id: int, user_id: int, now: datetime, today: date) -> Task:
    """A secretary or approver over the queue puts a task on a named, eligible user."""
    task = _open_task(session, task_id)
    queue_org = session.get(Org, task.queue_org_id)
    assert queue_org is not None
    may_assign = any(
        g.role in ASSIGNERS
        and (g.org_id == queue_org.id or (g.subtree and g.org_id in queue_org.ancestor_ids()))
        for g in actor.grants
    )
    if not may_assign:
        raise Forbidden("您没有分派此任务的权限")
    return _hand_to(session, task, user_id, now, today)


def delegate(session: Session, actor: Actor, task_id: int, user_id: int, now: datetime, today: date) -> Task:
    """The current assignee hands the task to another user who may work the same queue."""
    task = _open_task(session, task_id)
    if task.assignee_id != actor.user_id:
        raise Forbidden("只能转交自己认领的任务")
    return _hand_to(session, task, user_id, now, today)


def _hand_to(session: Session, task: Task, user_id: int, now: datetime, today: date) -> Task:
    target = load_actor(session, user_id)
    if not _eligible(session, target, task, today):
        raise InvalidInput({"user_id": "该用户不能办理此队列的任务"})
    task.assignee_id, task.claimed_at = user_id, now
    return task


def name_substitute(
    session: Session, user: Actor, substitute_id: int, starts_on: date, ends_on: date, reason: str
) -> Substitution:
    """A user names who works their queues while they are away (代理人)."""
    if user.user_id is None or substitute_id == user.user_id:
        raise InvalidInput({"substitute_id": "不能指定本人为代理人"})
    if ends_on < starts_on:
        raise InvalidInput({"ends_on": "结束日期不能早于开始日期"})
    load_actor(session, substitute_id)
    row = Substitution(
        user_id=user.user_id, substitute_id=substitute_id, starts_on=starts_on, ends_on=ends_on, reason=reason
    )
    session.add(row)
    return row
