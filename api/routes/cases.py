"""Cases: open, list and search, read everything a caseworker needs, fire actions, read history."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Annotated, Any

from litestar import Controller, Response, get, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from sqlalchemy import select

from api.archive import build_archive
from api.routes.common import (
    SYSTEM_ACTION_LABELS,
    AnyRequest,
    BodyId,
    ObjectId,
    OptionalId,
    PageSize,
    actor_of,
    decode_cursor,
    download,
    encode_cursor,
    idempotent,
    page_size,
    services_of,
    shown_id_number,
)
from engine.authz import Actor
from engine.machine import leaves
from engine.models import Case, CaseParty, Document, Event, Person, Task, Timer, User
from engine.registry import field_json
from engine.runtime import Engine, FireResult
from engine.scope import case_visible


@dataclass
class FireOut:
    case_id: int
    version: int
    state: str
    closed: bool
    event_id: int

    @classmethod
    def of(cls, result: FireResult) -> FireOut:
        return cls(result.case_id, result.version, result.state, result.closed, result.event_id)


@dataclass
class OpenIn:
    workflow: str
    subject_id: BodyId
    org_id: BodyId
    parties: dict[str, BodyId] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class FireIn:
    expected_version: int
    inputs: dict[str, Any] = field(default_factory=dict)
    on: date | None = None
    reason: str = ""
    waive: list[str] = field(default_factory=list)


@dataclass
class CaseSummary:
    id: int
    workflow: str
    state: str
    subject_id: int
    subject_name: str
    org_id: int
    version: int
    closed: bool
    opened_at: datetime


@dataclass
class CasePage:
    items: list[CaseSummary]
    next_cursor: str | None


@dataclass
class TaskOut:
    id: int
    name: str
    label: str
    queue_org_id: int
    queue_role: str
    assignee_id: int | None
    due_date: date | None
    due_provisional: bool
    status: str


@dataclass
class DeadlineOut:
    name: str
    kind: str
    due_date: date
    provisional: bool
    status: str


@dataclass
class DocumentOut:
    id: int
    kind: str
    title: str
    status: str
    number: str | None
    error: str
    voided_on: date | None = None  # an expired or lost letter: its number stays, it is no longer valid
    void_reason: str = ""

    @classmethod
    def of(cls, d: Document) -> DocumentOut:
        return cls(d.id, d.kind, d.title, d.status, d.number, d.error, d.voided_on, d.void_reason)


@dataclass
class UnmetOut:
    rule: str
    citation: str
    message: str
    earliest: date | None
    waivable: bool


@dataclass
class ActionOut:
    name: str
    label: str
    fields: list[dict[str, Any]]
    requires_reason: bool
    permitted: bool
    unmet: list[UnmetOut]


@dataclass
class ForecastOut:
    action: str
    label: str
    earliest: date
    provisional: bool


@dataclass
class PartyOut:
    role: str
    org_id: int


@dataclass
class CaseOut:
    id: int
    workflow: str
    workflow_title: str
    definition_version: str
    policy: str
    subject_id: int
    subject_name: str
    subject_id_number: str
    org_id: int
    parties: list[PartyOut]
    state: str
    active_states: list[str]
    data: dict[str, Any]
    version: int
    closed: bool
    deadlines_suspended_on: date | None
    tasks: list[TaskOut]
    deadlines: list[DeadlineOut]
    documents: list[DocumentOut]
    actions: list[ActionOut]
    blocked: list[ActionOut]
    forecast: list[ForecastOut]


@dataclass
class EventOut:
    seq: int
    kind: str
    action: str
    label: str
    actor_user_id: int | None
    actor_name: str
    at: datetime
    effective_date: date
    inputs: dict[str, Any]
    reason: str
    policy_version: str


@dataclass
class HistoryPage:
    items: list[EventOut]
    next_cursor: str | None


class CaseController(Controller):
    path = "/api/cases"
    tags = ["cases"]

    @post("/", operation_id="openCase", sync_to_thread=True)
    def open_case(self, request: AnyRequest, data: JSONBody[OpenIn]) -> Response[Any]:
        def work() -> Response[Any]:
            result = services_of(request).engine.open_case(
                workflow=data.workflow,
                subject_id=data.subject_id,
                org_id=data.org_id,
                actor=actor_of(request),
                parties=data.parties,
                data=data.data,
            )
            return Response(asdict(FireOut.of(result)), status_code=201)

        return idempotent(request, data, work)

    @get("/", operation_id="listCases", sync_to_thread=True)
    def list_cases(
        self,
        request: AnyRequest,
        workflow: FromQuery[str | None] = None,
        state_name: Annotated[str | None, QueryParameter(name="state", description="状态")] = None,
        org_id: OptionalId = None,
        subject_id: OptionalId = None,
        q: FromQuery[str | None] = None,
        closed: FromQuery[bool | None] = None,
        cursor: FromQuery[str | None] = None,
        limit: PageSize = 50,
    ) -> CasePage:
        """Newest first; only cases of the caller's organizations (or the caller's own)."""
        services, actor = services_of(request), actor_of(request)
        before = decode_cursor(cursor).get("id")
        with services.engine.sessions() as s:
            query = (
                select(Case, Person.name)
                .join(Person, Person.id == Case.subject_id)
                .where(case_visible(s, actor))
            )
            if before is not None:
                query = query.where(Case.id < int(before))
            for column, value in (
                (Case.workflow, workflow),
                (Case.state, state_name),
                (Case.org_id, org_id),
                (Case.subject_id, subject_id),
                (Case.closed, closed),
            ):
                if value is not None:
                    query = query.where(column == value)
            if q:
                query = query.where(Person.name.contains(q.strip()))
            rows = list(s.execute(query.order_by(Case.id.desc()).limit(page_size(limit) + 1)))
        items = [
            CaseSummary(
                c.id, c.workflow, c.state, c.subject_id, name, c.org_id, c.version, c.closed, c.opened_at
            )
            for c, name in rows[:limit]
        ]
        more = len(rows) > limit
        return CasePage(items, encode_cursor({"id": items[-1].id}) if more and items else None)

    @get("/{case_id:int}", operation_id="getCase", sync_to_thread=True)
    def get_case(self, request: AnyRequest, case_id: ObjectId) -> CaseOut:
        return read_case(services_of(request).engine, actor_of(request), case_id)

    @post(
        "/{case_id:int}/actions/{action:str}", operation_id="fireAction", status_code=200, sync_to_thread=True
    )
    def fire(
        self, request: AnyRequest, case_id: ObjectId, action: FromPath[str], data: JSONBody[FireIn]
    ) -> Response[Any]:
        """Fire an action; `expected_version` must be the version the caller read (409 otherwise)."""

        def work() -> Response[Any]:
            result = services_of(request).engine.fire(
                case_id,
                action,
                actor_of(request),
                data.inputs,
                expected_version=data.expected_version,
                on=data.on,
                reason=data.reason,
                waive=data.waive,
            )
            return Response(asdict(FireOut.of(result)), status_code=200)

        return idempotent(request, {"case": case_id, "action": action, **asdict(data)}, work)

    @get(
        "/{case_id:int}/archive.pdf",
        operation_id="getCaseArchive",
        media_type="application/pdf",
        sync_to_thread=True,
    )
    def archive(self, request: AnyRequest, case_id: ObjectId) -> Response[bytes]:
        """The case's archive: contents, history and every document in one PDF."""
        pdf = build_archive(services_of(request), case_id, actor_of(request))
        return download(pdf, "application/pdf", f"case-{case_id}-archive.pdf")

    @get("/{case_id:int}/history", operation_id="getCaseHistory", sync_to_thread=True)
    def history(
        self,
        request: AnyRequest,
        case_id: ObjectId,
        cursor: FromQuery[str | None] = None,
        limit: PageSize = 100,
    ) -> HistoryPage:
        engine, actor = services_of(request).engine, actor_of(request)
        after = int(decode_cursor(cursor).get("seq", 0))
        rows = case_history(engine, actor, case_id, after, page_size(limit) + 1)
        items = rows[:limit]
        more = len(rows) > limit
        return HistoryPage(items, encode_cursor({"seq": items[-1].seq}) if more and items else None)


def case_history(
    engine: Engine, actor: Actor, case_id: int, after: int = 0, limit: int = 100
) -> list[EventOut]:
    """The case's events after `seq`, oldest first, each with its action's label and the actor's name."""
    with engine.sessions() as s:
        case = engine.load_case(s, case_id, actor)
        workflow, _ = engine.definitions_of(case)
        labels = {a.name: a.label for a in workflow.actions}
        query = (
            select(Event, User.display_name)
            .outerjoin(User, User.id == Event.actor_user_id)
            .where(Event.case_id == case.id, Event.seq > after)
            .order_by(Event.seq)
            .limit(limit)
        )
        rows = list(s.execute(query))
    return [
        EventOut(
            e.seq,
            e.kind,
            e.action,
            labels.get(e.action, SYSTEM_ACTION_LABELS.get(e.action, e.action)),
            e.actor_user_id,
            name or "系统",
            e.at,
            e.effective_date,
            e.inputs,
            e.reason,
            e.policy_version,
        )
        for e, name in rows
    ]


def read_case(engine: Engine, actor: Actor, case_id: int) -> CaseOut:
    """Everything about one case the caller may see: also what they may do now, and why not."""
    options = engine.options(case_id, actor)
    forecast = engine.forecast(case_id, actor)
    with engine.sessions() as s:
        case = engine.load_case(s, case_id, actor)
        workflow, policy = engine.definitions_of(case)
        parties = s.scalars(select(CaseParty).where(CaseParty.case_id == case.id))
        tasks = s.scalars(
            select(Task).where(Task.case_id == case.id, Task.status == "open").order_by(Task.id)
        )
        timers = s.scalars(
            select(Timer).where(Timer.case_id == case.id, Timer.status.in_(("pending", "suspended")))
        )
        documents = s.scalars(select(Document).where(Document.case_id == case.id).order_by(Document.id))
        actions = [_action_out(o) for o in options if o.allowed]
        blocked = [_action_out(o) for o in options if not o.allowed]
        return CaseOut(
            id=case.id,
            workflow=case.workflow,
            workflow_title=workflow.title,
            definition_version=case.definition_version,
            policy=policy.label_on(engine.clock.today()),
            subject_id=case.subject_id,
            subject_name=case.subject.name,
            subject_id_number=shown_id_number(actor, case.subject.org, case.subject.id_number),
            org_id=case.org_id,
            parties=[PartyOut(p.role, p.org_id) for p in parties],
            state=case.state,
            active_states=leaves(case.state_detail),
            data=case.data,
            version=case.version,
            closed=case.closed,
            deadlines_suspended_on=case.deadlines_suspended_on,
            tasks=[
                TaskOut(
                    t.id,
                    t.name,
                    t.label,
                    t.queue_org_id,
                    t.queue_role,
                    t.assignee_id,
                    t.due_date,
                    t.due_provisional,
                    t.status,
                )
                for t in tasks
            ],
            deadlines=[DeadlineOut(t.name, t.kind, t.due_date, t.due_provisional, t.status) for t in timers],
            documents=[DocumentOut.of(d) for d in documents],
            actions=actions,
            blocked=blocked,
            forecast=[ForecastOut(f.action, f.label, f.earliest, f.provisional) for f in forecast],
        )


def _action_out(option: Any) -> ActionOut:
    action = option.action
    unmet = [UnmetOut(u.rule, u.citation, u.message, u.earliest, u.waivable) for u in option.unmet]
    return ActionOut(
        action.name,
        action.label,
        [field_json(f) for f in action.fields],
        action.requires_reason,
        option.permitted,
        unmet,
    )
