"""我的待办 and 本组织待办: the queues, soonest due first, with filters, counts, claim and release."""

from __future__ import annotations

from typing import Any

from litestar import Response, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template
from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from api.routes.common import ObjectId
from api.web.common import (
    AnyRequest,
    actor_of,
    due_class,
    fragment,
    is_htmx,
    page,
    services,
    state_label,
    workflow_title,
)
from engine import tasks
from engine.authz import Actor
from engine.models import Org, Task, User
from engine.scope import org_covered

PAGE = 100
VIEWS = {"mine": "我的待办", "org": "本组织待办"}


def _counts(s: Session, actor: Actor, today: Any) -> dict[str, int]:
    visible = tasks.visibility(s, actor, today)

    def count(*where: ColumnElement[bool]) -> int:
        query = select(func.count()).select_from(Task).where(Task.status == "open", visible, *where)
        return int(s.scalar(query) or 0)

    return {
        "mine": count(Task.assignee_id == actor.user_id),
        "org": count(),
        "unassigned": count(Task.assignee_id.is_(None)),
        "overdue": count(Task.due_date < today),
    }


def _per_queue(s: Session, actor: Actor, today: Any) -> list[dict[str, Any]]:
    """Open and overdue tasks of each queue (organization × role) the actor works."""
    overdue = func.sum(case((Task.due_date < today, 1), else_=0))
    rows = s.execute(
        select(Task.queue_org_id, Org.short_name, Task.queue_role, func.count(), overdue)
        .join(Org, Org.id == Task.queue_org_id)
        .where(Task.status == "open", tasks.visibility(s, actor, today))
        .group_by(Task.queue_org_id, Org.short_name, Task.queue_role)
        .order_by(Org.short_name, Task.queue_role)
    )
    return [
        {"org_id": org_id, "org": name, "role": role, "open": int(n), "overdue": int(late or 0)}
        for org_id, name, role, n, late in rows
    ]


def _filter_options(s: Session, actor: Actor, today: Any, registry: Any) -> dict[str, Any]:
    visible = tasks.visibility(s, actor, today)
    stages = s.execute(
        select(Task.workflow, Task.state_path)
        .where(Task.status == "open", visible)
        .distinct()
        .order_by(Task.workflow, Task.state_path)
    )
    assignees = s.execute(
        select(User.id, User.display_name)
        .join(Task, Task.assignee_id == User.id)
        .where(Task.status == "open", visible)
        .distinct()
        .order_by(User.display_name)
    )
    orgs = s.execute(select(Org.id, Org.short_name, Org.path).where(org_covered(s, actor)).order_by(Org.path))
    return {
        "stages": [
            (f"{w}:{p}", f"{workflow_title(registry, w)} · {state_label(registry, w, None, p)}")
            for w, p in stages
        ],
        "assignees": list(assignees),
        "orgs": [(i, "　" * max(path.count("/") - 2, 0) + name) for i, name, path in orgs],
    }


@get("/work", operation_id="queuePage", include_in_schema=False, sync_to_thread=True)
def queue_page(
    request: AnyRequest,
    view: FromQuery[str] = "mine",
    org_id: FromQuery[int | None] = None,
    workflow: FromQuery[str] = "",
    stage: FromQuery[str] = "",
    assignee: FromQuery[str] = "",
    overdue: FromQuery[bool] = False,
    offset: FromQuery[int] = 0,
) -> Template:
    svc, actor = services(request), actor_of(request)
    engine, registry = svc.engine, svc.registry
    view = view if view in VIEWS else "mine"
    today = engine.clock.today()
    stage_workflow, _, stage_path = stage.partition(":")
    assignee_id: int | None = actor.user_id if view == "mine" else None
    if view == "org" and assignee.isdigit():
        assignee_id = int(assignee)
    filters = tasks.QueueFilter(
        org_id=org_id,
        workflow=(workflow or stage_workflow or None),
        state=stage_path or None,
        overdue=overdue,
        assignee_id=assignee_id,
        unassigned=view == "org" and assignee == "none",
        limit=PAGE + 1,
        offset=max(offset, 0),
    )
    with engine.sessions() as s:
        rows = tasks.queue(s, actor, filters, today)
        counts = _counts(s, actor, today)
        queues = _per_queue(s, actor, today)
        options = _filter_options(s, actor, today, registry)
        names = dict(s.execute(select(User.id, User.display_name)).all())
        org_names = dict(s.execute(select(Org.id, Org.short_name)).all())
    items = [
        {
            "task": i.task,
            "case_id": i.case_id,
            "subject": i.subject_name,
            "workflow": workflow_title(registry, i.workflow),
            "state": state_label(registry, i.workflow, None, i.task.state_path),
            "org": org_names.get(i.task.queue_org_id, ""),
            "assignee": names.get(i.task.assignee_id or 0, ""),
            "due": due_class(i.task.due_date, today),
            "mine": i.task.assignee_id == actor.user_id,
        }
        for i in rows[:PAGE]
    ]
    context = {
        "view": view,
        "views": VIEWS,
        "items": items,
        "counts": counts,
        "queues": queues,
        "options": options,
        "workflows": registry.workflows(),
        "filters": {
            "org_id": org_id,
            "workflow": workflow,
            "stage": stage,
            "assignee": assignee,
            "overdue": overdue,
        },
        "offset": max(offset, 0),
        "more": len(rows) > PAGE,
        "page_size": PAGE,
    }
    return page(request, "queues/queue.html", context)


def _change(request: AnyRequest, task_id: int, op: str) -> Response[Any]:
    svc, actor = services(request), actor_of(request)
    engine = svc.engine
    clock = engine.clock
    with engine.sessions.begin() as s:
        if op == "claim":
            task = tasks.claim(s, actor, task_id, clock.now(), clock.today())
        else:
            task = tasks.release(s, actor, task_id)
        case_id = task.case_id
    if not is_htmx(request):
        return Redirect(request.headers.get("referer") or f"/cases/{case_id}")
    with engine.sessions() as s:
        task = s.get(Task, task_id)
        assert task is not None
        org = s.get(Org, task.queue_org_id)
        assignee = s.get(User, task.assignee_id) if task.assignee_id else None
        s.expunge_all()
    item = {
        "task": task,
        "case_id": case_id,
        "org": org.short_name if org else "",
        "assignee": assignee.display_name if assignee else "",
        "mine": task.assignee_id == actor.user_id,
        "due": due_class(task.due_date, clock.today()),
        "changed": "已认领" if op == "claim" else "已退回",
    }
    with engine.sessions() as s:
        mine = _counts(s, actor, clock.today())["mine"]  # the menu's count, swapped out of band
    return fragment("queues/_claim.html", {"item": item, "mine_count": mine})


@post(
    "/work/tasks/{task_id:int}/claim",
    operation_id="claimTaskForm",
    include_in_schema=False,
    sync_to_thread=True,
)
def claim_task(request: AnyRequest, task_id: ObjectId) -> Response[Any]:
    return _change(request, task_id, "claim")


@post(
    "/work/tasks/{task_id:int}/release",
    operation_id="releaseTaskForm",
    include_in_schema=False,
    sync_to_thread=True,
)
def release_task(request: AnyRequest, task_id: ObjectId) -> Response[Any]:
    return _change(request, task_id, "release")


HANDLERS = [queue_page, claim_task, release_task]
