"""Queues and tasks (claim, release, assign), the caller's notifications, and documents."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

from litestar import Controller, Response, get, post
from litestar.params import FromQuery, JSONBody, QueryParameter
from litestar.response import File

from api.routes.cases import DocumentOut
from api.routes.common import (
    AnyRequest,
    ObjectId,
    OptionalId,
    PageSize,
    actor_of,
    decode_cursor,
    encode_cursor,
    idempotent,
    page_size,
    services_of,
)
from engine import notifications, tasks
from engine.authz import Actor
from engine.errors import Conflict, NotFound
from engine.models import Document
from engine.runtime import Engine
from engine.tasks import QueueFilter


@dataclass
class QueueItemOut:
    task_id: int
    name: str
    label: str
    case_id: int
    workflow: str
    state: str
    subject_name: str
    queue_org_id: int
    queue_role: str
    assignee_id: int | None
    priority: int
    due_date: date | None
    due_provisional: bool
    overdue: bool


@dataclass
class QueuePage:
    items: list[QueueItemOut]
    next_cursor: str | None


@dataclass
class AssignIn:
    user_id: int


@dataclass
class NotificationOut:
    id: int
    kind: str
    title: str
    body: str
    case_id: int | None
    created_at: datetime
    read_at: datetime | None


class TaskController(Controller):
    path = "/api/tasks"
    tags = ["tasks"]

    @get("/", operation_id="listQueue", sync_to_thread=True)
    def queue(
        self,
        request: AnyRequest,
        org_id: OptionalId = None,
        workflow: FromQuery[str | None] = None,
        state_name: Annotated[str | None, QueryParameter(name="state", description="状态")] = None,
        overdue: FromQuery[bool] = False,
        assignee_id: OptionalId = None,
        unassigned: FromQuery[bool] = False,
        cursor: FromQuery[str | None] = None,
        limit: PageSize = 50,
    ) -> QueuePage:
        """The caller's queues (and those they substitute for), soonest due first."""
        services, actor = services_of(request), actor_of(request)
        offset = int(decode_cursor(cursor).get("offset", 0))
        filters = QueueFilter(
            org_id, workflow, state_name, overdue, assignee_id, unassigned, page_size(limit) + 1, offset
        )
        with services.engine.sessions() as s:
            rows = tasks.queue(s, actor, filters, services.engine.clock.today())
        items = [
            QueueItemOut(
                i.task.id,
                i.task.name,
                i.task.label,
                i.case_id,
                i.workflow,
                i.state,
                i.subject_name,
                i.task.queue_org_id,
                i.task.queue_role,
                i.task.assignee_id,
                i.task.priority,
                i.task.due_date,
                i.task.due_provisional,
                i.overdue,
            )
            for i in rows[:limit]
        ]
        more = len(rows) > limit
        return QueuePage(items, encode_cursor({"offset": offset + limit}) if more else None)

    @post("/{task_id:int}/claim", operation_id="claimTask", status_code=200, sync_to_thread=True)
    def claim(self, request: AnyRequest, task_id: ObjectId) -> Response[Any]:
        return self._change(
            request, task_id, "claim", lambda s, a, now, today: tasks.claim(s, a, task_id, now, today)
        )

    @post("/{task_id:int}/release", operation_id="releaseTask", status_code=200, sync_to_thread=True)
    def release(self, request: AnyRequest, task_id: ObjectId) -> Response[Any]:
        return self._change(
            request, task_id, "release", lambda s, a, now, today: tasks.release(s, a, task_id)
        )

    @post("/{task_id:int}/assign", operation_id="assignTask", status_code=200, sync_to_thread=True)
    def assign(self, request: AnyRequest, task_id: ObjectId, data: JSONBody[AssignIn]) -> Response[Any]:
        def op(s: Any, a: Any, now: datetime, today: date) -> Any:
            return tasks.assign(s, a, task_id, data.user_id, now, today)

        return self._change(request, task_id, f"assign:{data.user_id}", op)

    def _change(self, request: AnyRequest, task_id: int, what: str, op: Any) -> Response[Any]:
        services, actor = services_of(request), actor_of(request)

        def work() -> Response[Any]:
            clock = services.engine.clock
            with services.engine.sessions.begin() as s:
                task = op(s, actor, clock.now(), clock.today())
                return Response({"task_id": task.id, "assignee_id": task.assignee_id, "status": task.status})

        return idempotent(request, {"task": task_id, "op": what}, work)


class NotificationController(Controller):
    path = "/api/notifications"
    tags = ["notifications"]

    @get("/", operation_id="listNotifications", sync_to_thread=True)
    def inbox(
        self, request: AnyRequest, unread: FromQuery[bool] = False, limit: PageSize = 50
    ) -> list[NotificationOut]:
        services, actor = services_of(request), actor_of(request)
        with services.engine.sessions() as s:
            rows = notifications.inbox(s, actor.user_id or 0, unread_only=unread, limit=page_size(limit))
            return [
                NotificationOut(n.id, n.kind, n.title, n.body, n.case_id, n.created_at, n.read_at)
                for n in rows
            ]

    @post(
        "/{notification_id:int}/read",
        operation_id="markNotificationRead",
        status_code=204,
        sync_to_thread=True,
    )
    def mark_read(self, request: AnyRequest, notification_id: ObjectId) -> None:
        services, actor = services_of(request), actor_of(request)
        with services.engine.sessions.begin() as s:
            if not notifications.mark_read(
                s, actor.user_id or 0, notification_id, services.engine.clock.now()
            ):
                raise NotFound("通知不存在")


class DocumentController(Controller):
    path = "/api/documents"
    tags = ["documents"]

    @get("/{document_id:int}", operation_id="getDocument", sync_to_thread=True)
    def get_document(self, request: AnyRequest, document_id: ObjectId) -> DocumentOut:
        return DocumentOut.of(_visible_document(request, document_id))

    @get(
        "/{document_id:int}/pdf",
        operation_id="downloadDocument",
        media_type="application/pdf",
        sync_to_thread=True,
    )
    def download(self, request: AnyRequest, document_id: ObjectId) -> File:
        document = _visible_document(request, document_id)
        if document.status != "ready" or not document.storage_path:
            raise Conflict(f"文书尚未生成（状态：{document.status}）")
        path = services_of(request).settings.documents_dir / Path(document.storage_path).name
        return File(path=path, filename=f"{document.title}-{document.number or document.id}.pdf")


def _visible_document(request: AnyRequest, document_id: int) -> Document:
    return visible_document(services_of(request).engine, actor_of(request), document_id)


def visible_document(engine: Engine, actor: Actor, document_id: int) -> Document:
    """A document is visible exactly when its case is."""
    with engine.sessions() as s:
        document = s.get(Document, document_id)
        if document is None:
            raise NotFound("文书不存在或不在您的管理范围内")
        try:
            engine.load_case(s, document.case_id, actor)
        except NotFound:
            raise NotFound("文书不存在或不在您的管理范围内") from None
        s.expunge(document)
        return document
