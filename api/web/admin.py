"""Administration: users and their role grants, adding organizations, and spreadsheet imports with
upload progress and every row error. Only administrators (and, for imports, the department)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Response, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect, Template
from sqlalchemy import select

from api.importing import KINDS, import_orgs, import_people, template
from api.importing.directory import IMPORTER_ROLES
from api.routes.admin import (
    ROLES,
    GrantIn,
    UserIn,
    add_grant,
    administered_users,
    create_user,
    remove_grant,
    reset_password,
    set_user_active,
)
from api.routes.common import XLSX, ObjectId
from api.routes.imports import MAX_UPLOAD
from api.web.common import (
    ORG_KIND_LABELS,
    ROLE_LABELS,
    AnyRequest,
    actor_of,
    fragment,
    is_admin,
    page,
    refusal_context,
    services,
)
from engine.authz import Actor, holds
from engine.errors import EngineError, Forbidden, InvalidInput, NotFound
from engine.models import Org, Person, RoleGrant
from engine.orgs import add_org
from engine.scope import org_covered

FormBody = Body(media_type=RequestEncodingType.URL_ENCODED)


def _admin(actor: Actor) -> Actor:
    if not is_admin(actor):
        raise Forbidden("只有系统管理员可以管理用户、权限和组织")
    return actor


def _admin_orgs(s: Any, actor: Actor) -> list[tuple[int, str]]:
    rows = s.scalars(select(Org).where(org_covered(s, actor, roles=["administrator"])).order_by(Org.path))
    return [(o.id, "　" * max(o.path.count("/") - 2, 0) + o.name) for o in rows]


def _users_context(request: AnyRequest, errors: dict[str, str] | None = None, values: Any = None) -> Any:
    svc, actor = services(request), _admin(actor_of(request))
    with svc.engine.sessions() as s:
        users = administered_users(s, actor, 0, 500)
        grants: dict[int, list[RoleGrant]] = {}
        for grant in s.scalars(select(RoleGrant).where(RoleGrant.user_id.in_([u.id for u in users]))):
            grants.setdefault(grant.user_id, []).append(grant)
        org_names = dict(s.execute(select(Org.id, Org.short_name)).all())
        people = dict(
            s.execute(
                select(Person.id, Person.name).where(
                    Person.id.in_([u.person_id for u in users if u.person_id])
                )
            ).all()
        )
        orgs = _admin_orgs(s, actor)
        s.expunge_all()
    return {
        "users": users,
        "grants": grants,
        "org_names": org_names,
        "people": people,
        "orgs": orgs,
        "roles": [(r, ROLE_LABELS[r]) for r in ROLES],
        "errors": errors or {},
        "values": values or {},
    }


@get("/admin/users", operation_id="adminUsersPage", include_in_schema=False, sync_to_thread=True)
def users_page(request: AnyRequest) -> Template:
    return page(request, "admin/users.html", _users_context(request))


@post("/admin/users", operation_id="adminCreateUserForm", include_in_schema=False, sync_to_thread=True)
def create_user_form(request: AnyRequest, data: Annotated[dict[str, str], FormBody]) -> Response[Any]:
    svc, actor = services(request), _admin(actor_of(request))
    grants = []
    if data.get("role") and data.get("org_id", "").isdigit():
        grants = [GrantIn(data["role"], int(data["org_id"]), data.get("subtree") == "on")]
    person_id = int(data["person_id"]) if data.get("person_id", "").isdigit() else None
    user = UserIn(
        username=data.get("username", ""),
        display_name=data.get("display_name", ""),
        password=data.get("password", ""),
        email=data.get("email", ""),
        person_id=person_id,
        grants=grants,
    )
    try:
        with svc.engine.sessions.begin() as s:
            create_user(s, actor, user)
    except EngineError as exc:
        refusal = refusal_context(exc)
        errors = {k.replace("grants[0].", ""): v for k, v in refusal["errors"].items()} or {
            "org_id": refusal["message"]
        }
        values = {k: v for k, v in data.items() if k != "password"}
        return page(request, "admin/users.html", _users_context(request, errors, values), status_code=422)
    return Redirect("/admin/users")


@post(
    "/admin/users/{user_id:int}/grants",
    operation_id="adminAddGrantForm",
    include_in_schema=False,
    sync_to_thread=True,
)
def add_grant_form(
    request: AnyRequest, user_id: ObjectId, data: Annotated[dict[str, str], FormBody]
) -> Response[Any]:
    svc, actor = services(request), _admin(actor_of(request))
    org_id = int(data["org_id"]) if data.get("org_id", "").isdigit() else 0
    with svc.engine.sessions.begin() as s:
        add_grant(s, actor, user_id, GrantIn(data.get("role", ""), org_id, data.get("subtree") == "on"))
    return Redirect("/admin/users")


@post(
    "/admin/users/{user_id:int}/grants/{grant_id:int}/delete",
    operation_id="adminRemoveGrantForm",
    include_in_schema=False,
    sync_to_thread=True,
)
def remove_grant_form(request: AnyRequest, user_id: ObjectId, grant_id: ObjectId) -> Response[Any]:
    svc, actor = services(request), _admin(actor_of(request))
    with svc.engine.sessions.begin() as s:
        remove_grant(s, actor, user_id, grant_id)
    return Redirect("/admin/users")


@post(
    "/admin/users/{user_id:int}/active",
    operation_id="adminUserActiveForm",
    include_in_schema=False,
    sync_to_thread=True,
)
def user_active_form(
    request: AnyRequest, user_id: ObjectId, data: Annotated[dict[str, str], FormBody]
) -> Response[Any]:
    svc, actor = services(request), _admin(actor_of(request))
    with svc.engine.sessions.begin() as s:
        set_user_active(s, actor, user_id, data.get("active") == "true")
    return Redirect("/admin/users")


@post(
    "/admin/users/{user_id:int}/password",
    operation_id="adminResetPasswordForm",
    include_in_schema=False,
    sync_to_thread=True,
)
def reset_password_form(
    request: AnyRequest, user_id: ObjectId, data: Annotated[dict[str, str], FormBody]
) -> Response[Any]:
    svc, actor = services(request), _admin(actor_of(request))
    try:
        with svc.engine.sessions.begin() as s:
            user = reset_password(s, actor, user_id, data.get("password", ""))
            name = user.display_name
    except InvalidInput as exc:
        context = _users_context(request, {f"password-{user_id}": exc.errors.get("password", exc.message)})
        return page(request, "admin/users.html", context, status_code=422)
    return page(request, "admin/users.html", {**_users_context(request), "flash": f"已为“{name}”重置密码"})


def _orgs_context(request: AnyRequest, errors: dict[str, str] | None = None, values: Any = None) -> Any:
    svc, actor = services(request), _admin(actor_of(request))
    with svc.engine.sessions() as s:
        orgs = _admin_orgs(s, actor)
    return {
        "orgs": orgs,
        "kinds": list(ORG_KIND_LABELS.items()),
        "errors": errors or {},
        "values": values or {},
    }


@get("/admin/orgs", operation_id="adminOrgsPage", include_in_schema=False, sync_to_thread=True)
def orgs_page(request: AnyRequest) -> Template:
    return page(request, "admin/orgs.html", _orgs_context(request))


@post("/admin/orgs", operation_id="adminAddOrgForm", include_in_schema=False, sync_to_thread=True)
def add_org_form(request: AnyRequest, data: Annotated[dict[str, str], FormBody]) -> Response[Any]:
    """Add an organization under one the caller administers (bulk changes go through imports)."""
    svc, actor = services(request), _admin(actor_of(request))
    errors: dict[str, str] = {}
    name = data.get("name", "").strip()
    if not name or len(name) > 200:
        errors["name"] = "请填写组织名称（不超过200字）"
    if data.get("kind") not in ORG_KIND_LABELS:
        errors["kind"] = "请选择组织类别"
    parent_id = int(data["parent_id"]) if data.get("parent_id", "").isdigit() else 0
    try:
        with svc.engine.sessions.begin() as s:
            parent = s.get(Org, parent_id)
            if parent is None or not holds(actor, "administrator", parent):
                errors["parent_id"] = "请选择您管理的上级组织"
            if errors:
                raise InvalidInput(errors)
            org = add_org(
                s,
                parent,
                name=name,
                short_name=data.get("short_name", "").strip()[:100] or name[:100],
                kind=data["kind"],
                region_code=parent.region_code,
                can_approve_admission=data.get("can_approve_admission") == "on",
            )
            org_id = org.id
    except InvalidInput as exc:
        return page(request, "admin/orgs.html", _orgs_context(request, exc.errors, data), status_code=422)
    return Redirect(f"/orgs/{org_id}")


@dataclass
class ImportForm:
    file: UploadFile
    kind: str = "people"
    dry_run: str = ""


def _importer(actor: Actor) -> Actor:
    if not any(g.role in IMPORTER_ROLES for g in actor.grants):
        raise Forbidden("只有组织部门和系统管理员可以导入花名册")
    return actor


@get("/admin/import", operation_id="adminImportPage", include_in_schema=False, sync_to_thread=True)
def import_page(request: AnyRequest) -> Template:
    _importer(actor_of(request))
    return page(request, "admin/import.html", {})


@post(
    "/admin/import",
    operation_id="adminImportForm",
    include_in_schema=False,
    sync_to_thread=True,
    request_max_body_size=MAX_UPLOAD,
)
def import_form(
    request: AnyRequest, data: Annotated[ImportForm, Body(media_type=RequestEncodingType.MULTI_PART)]
) -> Template:
    """Check the whole file, then write it whole or not at all; the answer lists every row error."""
    svc, actor = services(request), _importer(actor_of(request))
    content = data.file.file.read(MAX_UPLOAD + 1)
    if not content:
        return fragment("admin/_import_report.html", {"report": None, "message": "请选择 .xlsx 文件"})
    name = data.file.filename or f"{data.kind}.xlsx"
    dry_run = data.dry_run in ("on", "true", "1")
    run = import_orgs if data.kind == "orgs" else import_people
    try:
        with svc.engine.sessions.begin() as s:
            extra = {} if data.kind == "orgs" else {"profile": svc.settings.policy_profile}
            report = run(s, content, actor=actor, dry_run=dry_run, filename=name, engine=svc.engine, **extra)
    except EngineError as exc:
        return fragment("admin/_import_report.html", {"report": None, "message": exc.message})
    return fragment("admin/_import_report.html", {"report": report, "message": ""})


@get(
    "/admin/import/template/{kind:str}",
    operation_id="adminImportTemplate",
    include_in_schema=False,
    sync_to_thread=True,
)
def import_template(request: AnyRequest, kind: FromPath[str]) -> Response[bytes]:
    _importer(actor_of(request))
    if kind not in KINDS:
        raise NotFound("没有此模板")
    headers = {"Content-Disposition": f'attachment; filename="memberflow-{kind}-template.xlsx"'}
    return Response(template(kind), media_type=XLSX, headers=headers)


HANDLERS = [
    import_template,
    users_page,
    create_user_form,
    add_grant_form,
    remove_grant_form,
    user_active_form,
    reset_password_form,
    orgs_page,
    add_org_form,
    import_page,
    import_form,
]
