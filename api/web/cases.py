"""The case page: who, which process, where it stands on the diagram, what happened, what is open,
what the user may do now (a form per action) and what is blocked and why; and case search."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any

from litestar import Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery
from litestar.response import Redirect, Template
from sqlalchemy import select
from sqlalchemy.orm import aliased

from api.routes.cases import ActionOut, CaseOut, case_history, read_case
from api.routes.common import SYSTEM_ACTION_LABELS, ObjectId
from api.routes.work import visible_document
from api.storage import make_storage
from api.web.common import (
    AnyRequest,
    actor_of,
    due_class,
    fragment,
    is_htmx,
    page,
    refusal_context,
    services,
    state_label,
    workflow_title,
)
from api.web.forms import Input, inputs_for, pickers, read_submission
from engine.authz import Actor
from engine.definitions import Field, FieldType, Workflow
from engine.errors import EngineError, NotFound, RuleRefusal
from engine.machine import SEPARATOR, state_paths
from engine.models import Case, Org, Person, User
from engine.registry import to_mermaid
from engine.runtime import Engine
from engine.scope import case_visible

FormBody = Body(media_type=RequestEncodingType.URL_ENCODED)
PAGE = 50


@dataclass
class ActionForm:
    """One action as the page offers it: its form, or the reasons it is blocked."""

    name: str
    label: str
    inputs: list[Input]
    requires_reason: bool
    permitted: bool
    unmet: list[Any]
    waivable: bool  # every obstacle may be waived with a written reason
    earliest: date | None
    message: str = ""
    reason: str = ""
    on: str = ""
    errors: dict[str, str] = field(default_factory=dict)
    open: bool = False
    waived: list[str] = field(default_factory=list)


def _form(action: ActionOut, definition: Workflow, found: Any) -> ActionForm:
    spec = definition.action(action.name)
    unmet = action.unmet
    earliest_dates = [u.earliest for u in unmet]
    earliest = max(d for d in earliest_dates if d) if unmet and all(earliest_dates) else None
    return ActionForm(
        name=action.name,
        label=action.label,
        inputs=inputs_for(spec.fields, found),
        requires_reason=action.requires_reason,
        permitted=action.permitted,
        unmet=unmet,
        waivable=bool(unmet) and all(u.waivable for u in unmet),
        earliest=earliest,
    )


def _names(engine: Engine, case: CaseOut, definition: Workflow) -> dict[str, Any]:
    """Organizations and people the page names by id: the case's, and those in its events' inputs."""
    with engine.sessions() as s:
        org_ids = {case.org_id, *(p.org_id for p in case.parties)}
        orgs = {o.id: o.name for o in s.scalars(select(Org).where(Org.id.in_(org_ids)))}
        users = {u.id: u.display_name for u in s.scalars(select(User))} if case.tasks else {}
    return {"orgs": orgs, "users": users}


def _shown_inputs(
    engine: Engine, definition: Workflow, action: str, inputs: dict[str, Any]
) -> list[tuple[str, str]]:
    """An event's inputs as label and readable value (choices, people and organizations by name)."""
    try:
        fields = {f.name: f for f in definition.action(action).fields}
    except KeyError:
        fields = {}
    shown: list[tuple[str, str]] = []
    with engine.sessions() as s:
        for name, value in inputs.items():
            spec = fields.get(name)
            if spec is None:
                continue
            shown.append((spec.label, _readable(s, spec, value)))
    return shown


def _readable(s: Any, spec: Field, value: Any) -> str:
    if spec.type is FieldType.BOOLEAN:
        return "是" if value else "否"
    if spec.type is FieldType.CHOICE:
        return dict(spec.choices).get(value, str(value))
    if spec.type is FieldType.PERSON:
        person = s.get(Person, value)
        return person.name if person else str(value)
    if spec.type is FieldType.ORG:
        org = s.get(Org, value)
        return org.name if org else str(value)
    return str(value)


def overview_mermaid(definition: Workflow, current: list[str]) -> str:
    """The top-level states only, the current one naming its active sub-states: a diagram small
    enough to lay out for any process (the full one is tried first, this is the fallback)."""
    paths = state_paths(definition)

    def top(path: str) -> str:
        return path.split(SEPARATOR)[0]

    def label(text: str) -> str:
        return text.replace('"', "”")

    active: dict[str, list[str]] = {}
    for path in current:
        if SEPARATOR in path:
            parts = path.split(SEPARATOR)
            parent = SEPARATOR.join(parts[:-1])
            step = paths[path].label
            named = f"{paths[parent].label}·{step}" if len(parts) > 2 else step  # which region
            active.setdefault(top(path), []).append(named)
        else:
            active.setdefault(path, [])
    lines = ["stateDiagram-v2", f"    [*] --> {top(definition.initial)}"]
    for state in definition.states:
        shown = state.label + ("：" + "、".join(active[state.name]) if active.get(state.name) else "")
        lines.append(f'    state "{label(shown)}" as {state.name}')
    edges: dict[tuple[str, str], None] = {}
    for action in definition.actions:
        for source in action.source if action.target else ():
            edge = (top(source), top(action.target or ""))
            if edge[0] != edge[1]:
                edges[edge] = None
    for path, state in paths.items():
        if state.parallel and state.join and top(path) != top(state.join):
            edges[(top(path), top(state.join))] = None
    lines += [f"    {a} --> {b}" for a, b in edges]  # unlabelled: the overview stays compact
    if active:
        lines.append("    classDef current fill:#c8102e,color:#fff,stroke:#8b0000")
        lines += [f"    class {name} current" for name in sorted(active)]
    return "\n".join(lines) + "\n"


def case_context(request: AnyRequest, case_id: int, failed: ActionForm | None = None) -> dict[str, Any]:
    svc, actor = services(request), actor_of(request)
    engine, registry = svc.engine, svc.registry
    case = read_case(engine, actor, case_id)
    definition = registry.get(case.workflow, case.definition_version)
    org_ids = [case.org_id, *(p.org_id for p in case.parties)]
    wanted = [f for a in case.actions + case.blocked for f in definition.action(a.name).fields]
    with engine.sessions() as s:
        found = pickers(s, org_ids, wanted)
    forms = [_form(a, definition, found) for a in case.actions]
    blocked = [_form(a, definition, found) for a in case.blocked]
    if failed is not None:
        forms = [failed if f.name == failed.name else f for f in forms]
        blocked = [failed if f.name == failed.name else f for f in blocked]
    history = case_history(engine, actor, case_id, 0, 500)
    timeline = [
        {"event": e, "inputs": _shown_inputs(engine, definition, e.action, e.inputs)}
        for e in reversed(history)
    ]
    today = engine.clock.today()
    return {
        "case": case,
        "title": f"{case.subject_name} · {case.workflow_title}",
        "state_labels": [
            state_label(registry, case.workflow, case.definition_version, p) for p in case.active_states
        ],
        "diagram": to_mermaid(definition, case.active_states),
        "overview": overview_mermaid(definition, case.active_states),
        "timeline": timeline,
        "forms": forms,
        "waivable": [b for b in blocked if b.permitted and b.waivable],
        "blocked": [b for b in blocked if not (b.permitted and b.waivable)],
        "names": _names(engine, case, definition),
        "due_class": lambda d: due_class(d, today),
        "description": definition.description,
        "done": request.query_params.get("done", ""),
        "pickers": found,
    }


@get("/cases/{case_id:int}", operation_id="casePage", include_in_schema=False, sync_to_thread=True)
def case_page(request: AnyRequest, case_id: ObjectId) -> Template:
    context = case_context(request, case_id)
    done = context["done"]
    if done:
        definition = services(request).registry.get(
            context["case"].workflow, context["case"].definition_version
        )
        labels = {**SYSTEM_ACTION_LABELS, **{a.name: a.label for a in definition.actions}}
        context["done_label"] = labels.get(done, "")
    return page(request, "cases/case.html", context)


@post(
    "/cases/{case_id:int}/actions/{action:str}",
    operation_id="caseActionForm",
    include_in_schema=False,
    sync_to_thread=True,
)
def fire_action(
    request: AnyRequest,
    case_id: ObjectId,
    action: FromPath[str],
    data: Annotated[dict[str, str], FormBody],
) -> Response[Any]:
    """Fire from the page; a refusal comes back as the same form with each message in its place."""
    svc, actor = services(request), actor_of(request)
    submission = read_submission(data)
    failure: EngineError | None = None
    if not submission.errors and submission.expected_version is not None:
        try:
            svc.engine.fire(
                case_id,
                action[:80],
                actor,
                submission.inputs,
                expected_version=submission.expected_version,
                on=submission.on,
                reason=submission.reason,
                waive=submission.waive,
            )
        except NotFound:
            raise
        except EngineError as exc:
            failure = exc
        else:
            target = f"/cases/{case_id}?done={action[:80]}"
            if is_htmx(request):
                return Response("", status_code=200, headers={"HX-Redirect": target})
            return Redirect(target)
    refusal = refusal_context(failure) if failure else {"errors": submission.errors, "message": ""}
    context = case_context(request, case_id)
    form = next(
        (f for f in context["forms"] + context["waivable"] + context["blocked"] if f.name == action), None
    )
    if form is None:
        raise NotFound("此事项当前不能办理")
    errors = refusal["errors"]
    form.inputs = inputs_for(
        svc.registry.get(context["case"].workflow, context["case"].definition_version).action(action).fields,
        context["pickers"],
        submission.inputs,
        {k: v for k, v in errors.items() if k not in ("on", "reason")},
    )
    form.message = (
        refusal["message"] if not errors or len(errors) > 1 or set(errors) - {"reason", "on"} else ""
    )
    if isinstance(failure, RuleRefusal):
        form.unmet = failure.unmet
        form.earliest = failure.earliest
        form.message = "不符合办理条件，请查看下列原因"
    elif failure is not None and not errors:
        form.message = failure.message
    form.errors = {k: v for k, v in errors.items() if k in ("on", "reason")}
    form.reason, form.on, form.open = submission.reason, data.get("on", ""), True
    form.waived = submission.waive
    if is_htmx(request):
        return fragment(
            "cases/_action_form.html",
            {"form": form, "case": context["case"], "today": svc.engine.clock.today()},
        )
    context["forms"] = [form if f.name == form.name else f for f in context["forms"]]
    context["waivable"] = [form if f.name == form.name else f for f in context["waivable"]]
    return page(request, "cases/case.html", context, status_code=422)


@get(
    "/cases/{case_id:int}/documents",
    operation_id="caseDocumentsFragment",
    include_in_schema=False,
    sync_to_thread=True,
)
def case_documents(request: AnyRequest, case_id: ObjectId) -> Template:
    """The documents list alone: the page polls it while any document is still being rendered."""
    case = read_case(services(request).engine, actor_of(request), case_id)
    return fragment("cases/_documents.html", {"case": case})


@get(
    "/documents/{document_id:int}/pdf",
    operation_id="documentDownloadPage",
    include_in_schema=False,
    sync_to_thread=True,
)
def download_document(request: AnyRequest, document_id: ObjectId) -> Response[bytes]:
    svc = services(request)
    document = visible_document(svc.engine, actor_of(request), document_id)
    if document.status != "ready" or not document.storage_path:
        raise NotFound("文书尚未生成，请稍后再试")
    storage = make_storage(svc.settings.storage, svc.settings.documents_dir, svc.engine.sessions)
    content = storage.get(document.storage_path)
    filename = f"{document.title}-{document.number or document.id}.pdf"
    from urllib.parse import quote

    disposition = f"attachment; filename=\"document-{document.id}.pdf\"; filename*=UTF-8''{quote(filename)}"
    return Response(content, media_type="application/pdf", headers={"Content-Disposition": disposition})


@get("/cases", operation_id="caseSearchPage", include_in_schema=False, sync_to_thread=True)
def case_search(
    request: AnyRequest,
    q: FromQuery[str] = "",
    workflow: FromQuery[str] = "",
    closed: FromQuery[str] = "",
    offset: FromQuery[int] = 0,
) -> Template:
    """Cases of the caller's organizations (or their own), newest first, by name and process."""
    svc, actor = services(request), actor_of(request)
    rows = search_cases(svc.engine, actor, q=q.strip()[:50], workflow=workflow, closed=closed, offset=offset)
    registry = svc.registry
    items = [
        {
            "case": c,
            "subject": name,
            "org": org,
            "workflow": workflow_title(registry, c.workflow),
            "state": state_label(registry, c.workflow, c.definition_version, c.state),
        }
        for c, name, org in rows[:PAGE]
    ]
    context = {
        "items": items,
        "q": q,
        "workflow": workflow,
        "closed": closed,
        "offset": max(offset, 0),
        "more": len(rows) > PAGE,
        "workflows": registry.workflows(),
    }
    return page(request, "cases/search.html", context)


def search_cases(
    engine: Engine, actor: Actor, *, q: str = "", workflow: str = "", closed: str = "", offset: int = 0
) -> list[tuple[Case, str, str]]:
    with engine.sessions() as s:
        owner = aliased(Org)  # case_visible correlates on Org itself
        query = (
            select(Case, Person.name, owner.short_name)
            .join(Person, Person.id == Case.subject_id)
            .join(owner, owner.id == Case.org_id)
            .where(case_visible(s, actor))
        )
        if q:
            query = query.where(Person.name.contains(q))
        if workflow:
            query = query.where(Case.workflow == workflow)
        if closed in ("0", "1"):
            query = query.where(Case.closed.is_(closed == "1"))
        query = query.order_by(Case.id.desc()).offset(max(offset, 0)).limit(PAGE + 1)
        rows = [(c, name, org) for c, name, org in s.execute(query)]
        for c, _, _ in rows:
            s.expunge(c)
        return rows


HANDLERS = [case_page, fire_action, case_documents, download_document, case_search]
