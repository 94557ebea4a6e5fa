"""Member self-service: apply, follow one's own cases, do what falls to oneself (报到, 思想汇报),
read one's notices; and, for every user, changing one's password."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery
from litestar.response import Redirect, Template
from sqlalchemy import select

from api.routes.common import ObjectId
from api.web.common import (
    AnyRequest,
    actor_of,
    is_htmx,
    page,
    refusal_context,
    services,
    state_label,
)
from api.web.forms import PREFIX, inputs_for, org_choices, pickers, read_submission
from engine import notifications
from engine.authz import Actor
from engine.definitions import Action, At, Workflow
from engine.errors import EngineError, Forbidden, InvalidInput, NotFound
from engine.machine import state_paths
from engine.models import Case, Person, User
from engine.passwords import hash_password, verify_password
from engine.registry import Registry

FormBody = Body(media_type=RequestEncodingType.URL_ENCODED)
MIN_PASSWORD = 10


def self_service_workflows(registry: Registry) -> list[Workflow]:
    """Processes a person may start for themself (an application, a departure registration, …)."""
    return [w for w in registry.workflows() if any(p.at == At.SUBJECT for p in w.opened_by)]


def first_own_step(workflow: Workflow) -> Action | None:
    """The usual first step, when it is the person's own to take (else the branch takes it)."""
    if not workflow.main_path:
        return None
    first = workflow.action(workflow.main_path[0])
    return first if any(p.at == At.SUBJECT for p in first.permissions) else None


def application_label(workflow: Workflow) -> str:
    first = first_own_step(workflow)
    return first.label if first else f"提出申请（{workflow.title}）"


def party_roles(workflow: Workflow) -> list[str]:
    """The other organizations a case of this process names (an inflow side, …), in a stable order."""
    places = [p.at for a in workflow.actions for p in a.permissions]
    places += [t.at for s in state_paths(workflow).values() for t in s.tasks]
    return sorted({str(at).removeprefix("party:") for at in places if str(at).startswith("party:")})


def _own_person(s: Any, actor: Actor) -> Person:
    person = s.get(Person, actor.person_id) if actor.person_id else None
    if person is None:
        raise Forbidden("此功能仅供已关联本人信息的党员、申请人使用")
    return person


def my_cases(request: AnyRequest) -> list[dict[str, Any]]:
    """The caller's own cases, newest first, with what each waits for and what is the caller's to do."""
    svc, actor = services(request), actor_of(request)
    registry = svc.registry
    with svc.engine.sessions() as s:
        rows = list(
            s.scalars(select(Case).where(Case.subject_id == actor.person_id).order_by(Case.id.desc()))
        )
        s.expunge_all()
    items = []
    for case in rows:
        todo = []
        if not case.closed:
            todo = [
                o.action
                for o in svc.engine.options(case.id, actor)
                if o.permitted and any(p.at == At.SUBJECT for p in o.action.permissions)
            ]
        items.append(
            {
                "case": case,
                "workflow": registry.get(case.workflow, case.definition_version).title,
                "state": state_label(registry, case.workflow, case.definition_version, case.state),
                "todo": todo,
            }
        )
    return items


@get("/me", operation_id="selfServicePage", include_in_schema=False, sync_to_thread=True)
def me_page(request: AnyRequest) -> Template:
    svc, actor = services(request), actor_of(request)
    with svc.engine.sessions() as s:
        person = _own_person(s, actor)
        inbox = notifications.inbox(s, actor.user_id or 0, limit=10)
        s.expunge_all()
    context = {
        "person": person,
        "cases": my_cases(request),
        "notices": inbox,
        "applications": [(w, application_label(w)) for w in self_service_workflows(svc.registry)],
    }
    return page(request, "self_service/me.html", context)


def _apply_context(request: AnyRequest, workflow: Workflow, values: Any = None, errors: Any = None) -> Any:
    svc, actor = services(request), actor_of(request)
    first = first_own_step(workflow)
    fields = first.fields if first else ()
    with svc.engine.sessions() as s:
        person = _own_person(s, actor)
        found = pickers(s, [person.org_id] if person.org_id else [], fields)
        orgs = org_choices(s) if party_roles(workflow) else []
        s.expunge(person)
    errors = errors or {}
    return {
        "workflow": workflow,
        "label": application_label(workflow),
        "person": person,
        "inputs": inputs_for(fields, found, values, errors),
        "parties": [
            {
                "role": role,
                "value": str((values or {}).get(f"party_{role}", "")),
                "error": errors.get(role, ""),
            }
            for role in party_roles(workflow)
        ],
        "orgs": orgs,
        "errors": errors,
    }


def _workflow_for_self(request: AnyRequest, name: str) -> Workflow:
    for workflow in self_service_workflows(services(request).registry):
        if workflow.name == name:
            return workflow
    raise NotFound("没有可自助提交的此类申请")


@get("/me/apply/{workflow:str}", operation_id="applyPage", include_in_schema=False, sync_to_thread=True)
def apply_page(request: AnyRequest, workflow: FromPath[str]) -> Template:
    return page(
        request, "self_service/apply.html", _apply_context(request, _workflow_for_self(request, workflow))
    )


@post("/me/apply/{workflow:str}", operation_id="applyForm", include_in_schema=False, sync_to_thread=True)
def apply_form(
    request: AnyRequest, workflow: FromPath[str], data: Annotated[dict[str, str], FormBody]
) -> Response[Any]:
    """Open the case and take its first step in one transaction: a refused step leaves no case behind."""
    svc, actor = services(request), actor_of(request)
    definition = _workflow_for_self(request, workflow)
    first = first_own_step(definition)
    submission = read_submission({**data, "expected_version": "0"})
    parties: dict[str, int] = {}
    errors: dict[str, str] = {}
    for role in party_roles(definition):
        value = data.get(f"party_{role}", "")
        if value.isdigit():
            parties[role] = int(value)
        else:
            errors[role] = "请选择党组织"
    message = ""
    if not errors:
        try:
            with svc.engine.sessions.begin() as s:
                person = _own_person(s, actor)
                opened = svc.engine.open_case_in(
                    s,
                    workflow=definition.name,
                    subject_id=person.id,
                    org_id=person.org_id or 0,
                    actor=actor,
                    parties=parties,
                )
                if first is not None:
                    svc.engine.fire_in(
                        s, opened.case_id, first.name, actor, submission.inputs,
                        expected_version=opened.version, on=submission.on, reason=submission.reason,
                    )  # fmt: skip
                case_id = opened.case_id
        except EngineError as exc:
            refusal = refusal_context(exc)
            errors = refusal["errors"]
            message = refusal["message"]
            if "unmet" in refusal:
                message = "；".join(u.message for u in refusal["unmet"])
        else:
            target = f"/cases/{case_id}?done={first.name if first else 'open_case'}"
            return Response("", headers={"HX-Redirect": target}) if is_htmx(request) else Redirect(target)
    values = {**{k.removeprefix(PREFIX): v for k, v in data.items()}, **data}
    context = _apply_context(request, definition, values, errors)
    context["message"] = message or "提交的内容有误，请检查标出的项目"
    return page(request, "self_service/apply.html", context, status_code=422)


@get("/notifications", operation_id="notificationsPage", include_in_schema=False, sync_to_thread=True)
def notifications_page(request: AnyRequest, unread: FromQuery[bool] = False) -> Template:
    svc, actor = services(request), actor_of(request)
    with svc.engine.sessions() as s:
        rows = notifications.inbox(s, actor.user_id or 0, unread_only=unread, limit=200)
        s.expunge_all()
    return page(request, "self_service/notifications.html", {"notices": rows, "unread_only": unread})


@post(
    "/notifications/{notification_id:int}/read",
    operation_id="markNotificationReadForm",
    include_in_schema=False,
    sync_to_thread=True,
)
def mark_notification_read(request: AnyRequest, notification_id: ObjectId) -> Response[Any]:
    svc, actor = services(request), actor_of(request)
    with svc.engine.sessions.begin() as s:
        if not notifications.mark_read(s, actor.user_id or 0, notification_id, svc.engine.clock.now()):
            raise NotFound("通知不存在")
    if is_htmx(request):
        return Response('<span class="badge">已读</span>', media_type="text/html")
    return Redirect("/notifications")


@get("/account/password", operation_id="passwordPage", include_in_schema=False, sync_to_thread=False)
def password_page(request: AnyRequest) -> Template:
    return page(request, "self_service/password.html", {"errors": {}})


@post("/account/password", operation_id="passwordForm", include_in_schema=False, sync_to_thread=True)
def password_form(request: AnyRequest, data: Annotated[dict[str, str], FormBody]) -> Response[Any]:
    svc, actor = services(request), actor_of(request)
    try:
        change_password(svc, actor, data.get("current", ""), data.get("new", ""), data.get("repeat", ""))
    except InvalidInput as exc:
        return page(request, "self_service/password.html", {"errors": exc.errors}, status_code=422)
    return page(request, "self_service/password.html", {"errors": {}, "changed": True})


def change_password(svc: Any, actor: Actor, current: str, new: str, repeat: str) -> None:
    errors: dict[str, str] = {}
    if len(new) < MIN_PASSWORD:
        errors["new"] = f"新密码至少{MIN_PASSWORD}位"
    elif new != repeat:
        errors["repeat"] = "两次输入的新密码不一致"
    with svc.engine.sessions.begin() as s:
        user = s.get(User, actor.user_id)
        if user is None or not verify_password(user.password_hash, current):
            errors["current"] = "当前密码不正确"
        if errors:
            raise InvalidInput(errors)
        user.password_hash = hash_password(new)


HANDLERS = [
    me_page,
    apply_page,
    apply_form,
    notifications_page,
    mark_notification_read,
    password_page,
    password_form,
]
