"""Users and role grants (administrators only, within their own subtree), and reports."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from litestar import Controller, Response, delete, get, post
from litestar.params import FromQuery, JSONBody
from sqlalchemy import func, select

from api.routes.common import (
    AnyRequest,
    ObjectId,
    PageSize,
    actor_of,
    decode_cursor,
    encode_cursor,
    idempotent,
    page_size,
    services_of,
)
from engine.authz import Actor, holds
from engine.errors import Forbidden, InvalidInput, NotFound
from engine.models import Case, Org, RoleGrant, User
from engine.passwords import hash_password
from engine.scope import case_visible, org_covered

ROLES = (
    "administrator",
    "organization_department",
    "committee_approver",
    "organizer",
    "branch_secretary",
    "caseworker",
    "member",
)
MIN_PASSWORD = 10


@dataclass
class GrantIn:
    role: str
    org_id: int
    subtree: bool = False


@dataclass
class GrantOut:
    id: int
    role: str
    org_id: int
    subtree: bool


@dataclass
class UserOut:
    id: int
    username: str
    display_name: str
    active: bool
    person_id: int | None
    grants: list[GrantOut]


@dataclass
class UserPage:
    items: list[UserOut]
    next_cursor: str | None


@dataclass
class UserIn:
    username: str
    display_name: str
    password: str
    email: str = ""
    person_id: int | None = None
    grants: list[GrantIn] = field(default_factory=list)


@dataclass
class StateCount:
    workflow: str
    state: str
    open_cases: int


def _administered_org(s: Any, actor: Actor, org_id: int) -> Org:
    org = s.get(Org, org_id)
    if org is None or not holds(actor, "administrator", org):
        raise Forbidden("只有该组织的系统管理员可以管理其用户和权限")
    return org


def _require_admin(actor: Actor) -> None:
    if not any(g.role == "administrator" for g in actor.grants):
        raise Forbidden("只有系统管理员可以管理用户和权限")


def _user_out(s: Any, user: User) -> UserOut:
    grants = s.scalars(select(RoleGrant).where(RoleGrant.user_id == user.id).order_by(RoleGrant.id))
    return UserOut(
        user.id,
        user.username,
        user.display_name,
        user.active,
        user.person_id,
        [GrantOut(g.id, g.role, g.org_id, g.subtree) for g in grants],
    )


class UserController(Controller):
    path = "/api/users"
    tags = ["admin"]

    @get("/", operation_id="listUsers", sync_to_thread=True)
    def list_users(
        self, request: AnyRequest, cursor: FromQuery[str | None] = None, limit: PageSize = 50
    ) -> UserPage:
        """Users holding a grant inside the administrator's organizations."""
        services, actor = services_of(request), actor_of(request)
        _require_admin(actor)
        after = int(decode_cursor(cursor).get("id", 0))
        with services.engine.sessions() as s:
            rows = administered_users(s, actor, after, page_size(limit) + 1)
            items = [_user_out(s, u) for u in rows[:limit]]
        more = len(rows) > limit
        return UserPage(items, encode_cursor({"id": items[-1].id}) if more and items else None)

    @post("/", operation_id="createUser", sync_to_thread=True)
    def create_user(self, request: AnyRequest, data: JSONBody[UserIn]) -> Response[Any]:
        def work() -> Response[Any]:
            services, actor = services_of(request), actor_of(request)
            _require_admin(actor)
            with services.engine.sessions.begin() as s:
                user = create_user(s, actor, data)
                return Response(asdict(_user_out(s, user)), status_code=201)

        return idempotent(request, {k: v for k, v in asdict(data).items() if k != "password"}, work)

    @post("/{user_id:int}/grants", operation_id="addGrant", sync_to_thread=True)
    def add_grant(self, request: AnyRequest, user_id: ObjectId, data: JSONBody[GrantIn]) -> Response[Any]:
        def work() -> Response[Any]:
            services, actor = services_of(request), actor_of(request)
            _require_admin(actor)
            with services.engine.sessions.begin() as s:
                grant = add_grant(s, actor, user_id, data)
                return Response(
                    asdict(GrantOut(grant.id, grant.role, grant.org_id, grant.subtree)), status_code=201
                )

        return idempotent(request, {"user": user_id, **asdict(data)}, work)

    @delete(
        "/{user_id:int}/grants/{grant_id:int}",
        operation_id="removeGrant",
        status_code=204,
        sync_to_thread=True,
    )
    def remove_grant(self, request: AnyRequest, user_id: ObjectId, grant_id: ObjectId) -> None:
        services, actor = services_of(request), actor_of(request)
        _require_admin(actor)
        with services.engine.sessions.begin() as s:
            remove_grant(s, actor, user_id, grant_id)


def administered_users(s: Any, actor: Actor, after: int = 0, limit: int = 50) -> list[User]:
    """Users holding a grant inside the administrator's organizations, by id."""
    admin_orgs = org_covered(s, actor, roles=["administrator"])
    ids = select(RoleGrant.user_id).join(Org, Org.id == RoleGrant.org_id).where(admin_orgs)
    query = select(User).where(User.id.in_(ids), User.id > after).order_by(User.id)
    return list(s.scalars(query.limit(limit)))


def create_user(s: Any, actor: Actor, data: UserIn) -> User:
    """A new user with grants only at organizations the caller administers; every bad field named."""
    _require_admin(actor)
    errors = {}
    if len(data.password) < MIN_PASSWORD:
        errors["password"] = f"密码至少{MIN_PASSWORD}位"
    if not data.username.strip() or not data.display_name.strip():
        errors["username"] = "请填写用户名和姓名"
    errors |= {f"grants[{i}].role": "角色不存在" for i, g in enumerate(data.grants) if g.role not in ROLES}
    if errors:
        raise InvalidInput(errors)
    if s.scalar(select(User.id).where(User.username == data.username.strip())):
        raise InvalidInput({"username": "用户名已被使用"})
    for grant in data.grants:
        _administered_org(s, actor, grant.org_id)
    user = User(
        username=data.username.strip(),
        display_name=data.display_name.strip(),
        password_hash=hash_password(data.password),
        email=data.email,
        person_id=data.person_id,
    )
    s.add(user)
    s.flush()
    for grant in data.grants:
        s.add(RoleGrant(user_id=user.id, role=grant.role, org_id=grant.org_id, subtree=grant.subtree))
    s.flush()
    return user


def add_grant(s: Any, actor: Actor, user_id: int, data: GrantIn) -> RoleGrant:
    _require_admin(actor)
    if data.role not in ROLES:
        raise InvalidInput({"role": "角色不存在"})
    _administered_org(s, actor, data.org_id)
    if s.get(User, user_id) is None:
        raise NotFound("用户不存在")
    grant = RoleGrant(user_id=user_id, role=data.role, org_id=data.org_id, subtree=data.subtree)
    s.add(grant)
    s.flush()
    return grant


def remove_grant(s: Any, actor: Actor, user_id: int, grant_id: int) -> None:
    _require_admin(actor)
    grant = s.get(RoleGrant, grant_id)
    if grant is None or grant.user_id != user_id:
        raise NotFound("权限不存在")
    _administered_org(s, actor, grant.org_id)
    s.delete(grant)


def _administered_user(s: Any, actor: Actor, user_id: int) -> User:
    user = s.get(User, user_id)
    if user is None or user_id not in {u.id for u in administered_users(s, actor, user_id - 1, 1)}:
        raise NotFound("用户不存在或不在您的管理范围内")
    return user


def set_user_active(s: Any, actor: Actor, user_id: int, active: bool) -> User:
    """Disable (or enable again) a user the caller administers; never the caller themself."""
    _require_admin(actor)
    if user_id == actor.user_id:
        raise InvalidInput({"active": "不能停用自己的账户"})
    user = _administered_user(s, actor, user_id)
    user.active = active
    return user


def reset_password(s: Any, actor: Actor, user_id: int, password: str) -> User:
    """Set a new password for a user the caller administers (the user changes it after logging in)."""
    _require_admin(actor)
    if len(password) < MIN_PASSWORD:
        raise InvalidInput({"password": f"密码至少{MIN_PASSWORD}位"})
    user = _administered_user(s, actor, user_id)
    user.password_hash = hash_password(password)
    user.failed_logins, user.locked_until = 0, None
    return user


def open_case_counts(s: Any, actor: Actor, workflow: str | None = None) -> list[StateCount]:
    """Open cases per workflow and state, within the caller's organizations."""
    query = (
        select(Case.workflow, Case.state, func.count())
        .where(Case.closed.is_(False), case_visible(s, actor))
        .group_by(Case.workflow, Case.state)
        .order_by(Case.workflow, Case.state)
    )
    if workflow:
        query = query.where(Case.workflow == workflow)
    return [StateCount(w, st, int(n)) for w, st, n in s.execute(query)]


@get("/api/reports/open-cases", operation_id="reportOpenCases", tags=["reports"], sync_to_thread=True)
def open_cases_report(request: AnyRequest, workflow: FromQuery[str | None] = None) -> list[StateCount]:
    """Open cases per workflow and state, within the caller's organizations."""
    services, actor = services_of(request), actor_of(request)
    with services.engine.sessions() as s:
        return open_case_counts(s, actor, workflow)
