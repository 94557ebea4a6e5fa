"""People: search, a person's page with their cases and the processes one may start for them,
and registering a person."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from litestar import Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery
from litestar.response import Redirect, Template
from sqlalchemy import select

from api.routes.common import ObjectId, shown_id_number, shown_phone
from api.routes.people import (
    REGISTRARS,
    STATUSES,
    PersonIn,
    register_person,
    search_people,
    update_contact,
    visible_person,
)
from api.web.common import (
    STATUS_LABELS,
    AnyRequest,
    actor_of,
    is_htmx,
    page,
    refusal_context,
    services,
    state_label,
)
from api.web.forms import org_choices
from api.web.self_service import party_roles
from engine.authz import Actor, holds
from engine.definitions import At, Workflow
from engine.errors import EngineError, InvalidInput
from engine.models import Case, Org, PersonChange
from engine.scope import case_visible, org_covered

FormBody = Body(media_type=RequestEncodingType.URL_ENCODED)
PAGE = 50


@get("/people", operation_id="peoplePage", include_in_schema=False, sync_to_thread=True)
def people_page(
    request: AnyRequest,
    q: FromQuery[str] = "",
    org_id: FromQuery[int | None] = None,
    status: FromQuery[str] = "",
    after: FromQuery[int] = 0,
) -> Template:
    svc, actor = services(request), actor_of(request)
    with svc.engine.sessions() as s:
        rows = search_people(
            s,
            actor,
            q=q[:50] or None,
            org_id=org_id,
            status=status or None,
            after=max(after, 0),
            limit=PAGE + 1,
        )
        orgs = {
            o.id: o.short_name for o in s.scalars(select(Org).where(org_covered(s, actor)).order_by(Org.path))
        }
        items = [
            {
                "person": p,
                "org": orgs.get(p.org_id or 0, ""),
                "id_number": shown_id_number(actor, p.org, p.id_number),
            }
            for p in rows[:PAGE]
        ]
        s.expunge_all()
    context = {
        "items": items,
        "q": q,
        "org_id": org_id,
        "status": status,
        "statuses": [(k, STATUS_LABELS[k]) for k in STATUSES],
        "orgs": list(orgs.items()),
        "next_after": items[-1]["person"].id if len(rows) > PAGE and items else None,
    }
    return page(request, "people/search.html", context)


def _person_context(request: AnyRequest, person_id: int) -> dict[str, Any]:
    svc, actor = services(request), actor_of(request)
    registry = svc.registry
    with svc.engine.sessions() as s:
        person = visible_person(s, actor, person_id)
        org = person.org
        cases = list(
            s.scalars(
                select(Case)
                .where(Case.subject_id == person.id, case_visible(s, actor))
                .order_by(Case.id.desc())
            )
        )
        context = {
            "person": person,
            "org": org,
            "id_number": shown_id_number(actor, org, person.id_number),
            "phone": shown_phone(actor, org, person.phone),
            "cases": [
                {
                    "case": c,
                    "workflow": registry.get(c.workflow, c.definition_version).title,
                    "state": state_label(registry, c.workflow, c.definition_version, c.state),
                }
                for c in cases
            ],
            "workflows": [{"workflow": w, "parties": party_roles(w)} for w in registry.workflows()],
            "orgs": org_choices(s),
            "may_edit": org is not None and any(holds(actor, role, org) for role in REGISTRARS),
            "history": list(
                s.scalars(
                    select(PersonChange)
                    .where(PersonChange.person_id == person.id)
                    .order_by(PersonChange.id.desc())
                )
            )[:20],
        }
        s.expunge_all()
    return context


def may_open(actor: Actor, workflow: Workflow, org: Org) -> bool:
    """Whether the actor holds a role that opens this process at the person's organization."""
    return any(p.at == At.OWNER and holds(actor, p.role, org) for p in workflow.opened_by)


@get("/people/{person_id:int}", operation_id="personPage", include_in_schema=False, sync_to_thread=True)
def person_page(request: AnyRequest, person_id: ObjectId) -> Template:
    return page(request, "people/person.html", _person_context(request, person_id))


@post(
    "/people/{person_id:int}/cases/{workflow:str}",
    operation_id="openCaseForm",
    include_in_schema=False,
    sync_to_thread=True,
)
def open_case_form(
    request: AnyRequest,
    person_id: ObjectId,
    workflow: FromPath[str],
    data: Annotated[dict[str, str], FormBody],
) -> Response[Any]:
    """Start a process for this person at their organization; the engine checks the right to."""
    svc, actor = services(request), actor_of(request)
    with svc.engine.sessions() as s:
        person = visible_person(s, actor, person_id)
        org_id = person.org_id or 0
    definition = svc.registry.get(workflow[:60])
    parties: dict[str, int] = {}
    errors: dict[str, str] = {}
    for role in party_roles(definition):
        value = data.get(f"party_{role}", "")
        if value.isdigit():
            parties[role] = int(value)
        else:
            errors[role] = "请选择党组织"
    try:
        if errors:
            raise InvalidInput(errors, "请选择参与办理的党组织")
        opened = svc.engine.open_case(
            workflow=definition.name, subject_id=person_id, org_id=org_id, actor=actor, parties=parties
        )
    except EngineError as exc:
        context = _person_context(request, person_id)
        context["open_error"] = {"workflow": definition.name, **refusal_context(exc)}
        return page(request, "people/person.html", context, status_code=422)
    target = f"/cases/{opened.case_id}?done=open_case"
    return Response("", headers={"HX-Redirect": target}) if is_htmx(request) else Redirect(target)


@post(
    "/people/{person_id:int}/contact",
    operation_id="personContactForm",
    include_in_schema=False,
    sync_to_thread=True,
)
def contact_form(
    request: AnyRequest, person_id: ObjectId, data: Annotated[dict[str, str], FormBody]
) -> Response[Any]:
    """Correct contact details; each change goes into the person's history."""
    svc, actor = services(request), actor_of(request)
    try:
        with svc.engine.sessions.begin() as s:
            changed = update_contact(s, actor, person_id, data, svc.engine.clock.now())
    except InvalidInput as exc:
        context = {**_person_context(request, person_id), "contact_errors": exc.errors, "contact_open": True}
        return page(request, "people/person.html", context, status_code=422)
    context = _person_context(request, person_id)
    context["flash"] = "已更新：" + "、".join(changed) if changed else "没有需要更新的内容"
    return page(request, "people/person.html", context)


def _new_context(request: AnyRequest, values: dict[str, str], errors: dict[str, str]) -> dict[str, Any]:
    svc, actor = services(request), actor_of(request)
    with svc.engine.sessions() as s:
        orgs = [
            (o.id, o.name) for o in s.scalars(select(Org).where(org_covered(s, actor)).order_by(Org.path))
        ]
    return {
        "values": values,
        "errors": errors,
        "orgs": orgs,
        "statuses": [(k, STATUS_LABELS[k]) for k in STATUSES],
    }


@get("/people/new", operation_id="newPersonPage", include_in_schema=False, sync_to_thread=True)
def new_person_page(request: AnyRequest) -> Template:
    return page(request, "people/new.html", _new_context(request, {}, {}))


@post("/people/new", operation_id="newPersonForm", include_in_schema=False, sync_to_thread=True)
def new_person_form(request: AnyRequest, data: Annotated[dict[str, str], FormBody]) -> Response[Any]:
    svc, actor = services(request), actor_of(request)
    errors: dict[str, str] = {}
    birth: date | None = None
    try:
        birth = date.fromisoformat(data.get("birth_date", ""))
    except ValueError:
        errors["birth_date"] = "请填写出生日期"
    org_id = int(data["org_id"]) if data.get("org_id", "").isdigit() else 0
    if not org_id:
        errors["org_id"] = "请选择所在党组织"
    if not errors and birth is not None:
        fields = ("name", "sex", "id_number", "ethnicity", "education", "phone", "status", "work_unit")
        values = {k: data.get(k, "").strip() for k in fields}
        values["ethnicity"] = values["ethnicity"] or "汉族"
        values["status"] = values["status"] or "non_member"
        try:
            with svc.engine.sessions.begin() as s:
                person = register_person(
                    s, actor, PersonIn(birth_date=birth, org_id=org_id, **values), svc.engine.clock.today()
                )
                person_id = person.id
        except EngineError as exc:
            refusal = refusal_context(exc)
            errors = refusal["errors"] or {"org_id": refusal["message"]}
        else:
            return Redirect(f"/people/{person_id}")
    return page(request, "people/new.html", _new_context(request, data, errors), status_code=422)


HANDLERS = [people_page, person_page, open_case_form, contact_form, new_person_page, new_person_form]
