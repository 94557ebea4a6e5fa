"""What every page shares: the logged-in actor, Chinese labels, the layout's context, errors as pages."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Redirect, Template
from sqlalchemy import func, select

from api.bootstrap import Services
from api.routes.common import services_of
from engine import tasks
from engine.authz import Actor
from engine.clock import CHINA_TZ
from engine.errors import EngineError, InvalidInput, RuleRefusal
from engine.machine import state_paths
from engine.models import Notification
from engine.registry import Registry

log = logging.getLogger("memberflow.pages")
AnyRequest = Request[Any, Any, Any]

ROLE_LABELS = {
    "administrator": "系统管理员",
    "organization_department": "组织部门",
    "committee_approver": "党委审批人",
    "organizer": "组织员",
    "branch_secretary": "支部书记",
    "caseworker": "经办人",
    "member": "党员本人",
}
STATUS_LABELS = {
    "non_member": "群众",
    "applicant": "入党申请人",
    "activist": "入党积极分子",
    "candidate": "发展对象",
    "probationary_member": "预备党员",
    "full_member": "正式党员",
}
ORG_KIND_LABELS = {
    "committee": "党委",
    "primary_committee": "基层党委",
    "working_committee": "工委",
    "general_branch": "党总支",
    "branch": "党支部",
    "group": "党小组",
    "organization_department": "组织部门",
    "mobile_members_org": "流动党员党组织",
    "leading_group": "党组",
    "temporary_org": "临时党组织",
}
DOCUMENT_STATUS_LABELS = {
    "pending": "生成中",
    "ready": "已生成",
    "failed": "生成失败",
    "void": "已作废",
    "voided": "已作废",
}
TIMER_KIND_LABELS = {
    "reminder": "提醒",
    "escalation": "督办",
    "auto_action": "到期自动办理",
    "recurring": "定期任务",
}
PARTY_ROLE_LABELS = {
    "inflow_side": "流入地（接收方）党组织",
    "outflow_side": "流出地党组织",
}
PERSON_FIELD_LABELS = {
    "name": "姓名",
    "sex": "性别",
    "ethnicity": "民族",
    "birth_date": "出生日期",
    "phone": "联系电话",
    "education": "学历",
    "work_unit": "工作单位",
    "status": "人员类别",
    "org_id": "所在党组织",
    "admitted_on": "入党日期",
    "full_member_since": "转正日期",
    "dues_paid_until": "党费交至",
}
STAFF_ROLES = frozenset(ROLE_LABELS) - {"member"}
DUE_SOON_DAYS = 7


def local_time(moment: datetime | date | None, pattern: str = "%Y-%m-%d %H:%M") -> str:
    """A stored (UTC) timestamp as the clock on the wall in China reads it (a date stays as it is)."""
    if moment is None:
        return ""
    if not isinstance(moment, datetime):
        return moment.strftime(pattern)
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(CHINA_TZ).strftime(pattern)


def register_filters(engine: JinjaTemplateEngine) -> None:
    engine.engine.filters["local"] = local_time


def actor_of(request: AnyRequest) -> Actor:
    actor: Actor = request.user
    return actor


def is_staff(actor: Actor) -> bool:
    return any(g.role in STAFF_ROLES for g in actor.grants)


def is_admin(actor: Actor) -> bool:
    return any(g.role == "administrator" for g in actor.grants)


def is_htmx(request: AnyRequest) -> bool:
    return request.headers.get("hx-request") == "true"


def state_label(registry: Registry, workflow: str, version: str | None, path: str) -> str:
    """The Chinese name of a state path; nested states read 'outer · inner'."""
    try:
        definition = registry.get(workflow, version)
    except EngineError:
        return path
    paths = state_paths(definition)
    parts = path.split(".")
    labels = [
        paths[".".join(parts[: i + 1])].label for i in range(len(parts)) if ".".join(parts[: i + 1]) in paths
    ]
    return " · ".join(labels) or path


def workflow_title(registry: Registry, name: str) -> str:
    try:
        return registry.get(name).title
    except EngineError:
        return name


def due_class(due: date | None, today: date) -> str:
    """'overdue', 'due-soon' (within a week) or '' — the queue rows' highlight."""
    if due is None:
        return ""
    if due < today:
        return "overdue"
    if (due - today).days <= DUE_SOON_DAYS:
        return "due-soon"
    return ""


def layout_context(request: AnyRequest) -> dict[str, Any]:
    """What the base layout shows: who is logged in, which menus, the unread and open-work counts."""
    services = services_of(request)
    actor = actor_of(request)
    with services.engine.sessions() as s:
        unread = s.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.user_id == actor.user_id, Notification.read_at.is_(None))
        )
        mine = 0
        if is_staff(actor):
            today = services.engine.clock.today()
            filters = tasks.QueueFilter(assignee_id=actor.user_id, limit=200)
            mine = len(tasks.queue(s, actor, filters, today))
    return {
        "me": actor,
        "staff": is_staff(actor),
        "admin": is_admin(actor),
        "member": actor.person_id is not None,
        "unread": int(unread or 0),
        "my_open_tasks": mine,
        "today": services.engine.clock.today(),
        "path": request.url.path,
        "labels": {
            "role": ROLE_LABELS,
            "status": STATUS_LABELS,
            "org_kind": ORG_KIND_LABELS,
            "document": DOCUMENT_STATUS_LABELS,
            "timer": TIMER_KIND_LABELS,
            "party": PARTY_ROLE_LABELS,
            "person_field": PERSON_FIELD_LABELS,
        },
    }


def page(
    request: AnyRequest, template: str, context: Mapping[str, Any] | None = None, status_code: int = 200
) -> Template:
    """A full page (with the layout), or only its fragment when htmx asks for `fragment`."""
    return Template(
        f"pages/{template}", context={**layout_context(request), **(context or {})}, status_code=status_code
    )


def fragment(template: str, context: Mapping[str, Any], status_code: int = 200) -> Template:
    return Template(f"pages/{template}", context=dict(context), status_code=status_code)


def services(request: AnyRequest) -> Services:
    return services_of(request)


def refusal_context(exc: EngineError) -> dict[str, Any]:
    """An engine refusal as the form shows it: per-field messages, the unmet rules, or one message."""
    if isinstance(exc, InvalidInput):
        return {"errors": exc.errors, "message": exc.message}
    if isinstance(exc, RuleRefusal):
        return {"errors": {}, "message": "不符合办理条件", "unmet": exc.unmet, "earliest": exc.earliest}
    return {"errors": {}, "message": exc.message}


# -- errors as pages -----------------------------------------------------------------------

ERROR_TITLES = {
    403: "没有权限",
    404: "页面不存在",
    409: "操作冲突",
    413: "上传的文件过大",
    422: "提交的内容有误",
    500: "系统出现错误",
}
ENGINE_STATUS = {
    "not_found": 404,
    "forbidden": 403,
    "conflict": 409,
    "action_not_available": 409,
    "invalid_input": 422,
    "rule_refused": 422,
}


def _error_page(request: AnyRequest, status: int, message: str) -> Response[Any]:
    context = {"status": status, "title": ERROR_TITLES.get(status, "出错了"), "message": message}
    if is_htmx(request):
        return fragment("_error.html", context, status_code=200)
    try:
        context = {**layout_context(request), **context}
    except Exception:  # not logged in, or the database is away: the bare error page still shows
        context = {**context, "me": None}
    return Template("pages/error.html", context=context, status_code=status)


def engine_error_page(request: AnyRequest, exc: EngineError) -> Response[Any]:
    return _error_page(request, ENGINE_STATUS.get(exc.code, 400), exc.message)


def http_error_page(request: AnyRequest, exc: HTTPException) -> Response[Any]:
    if isinstance(exc, NotAuthorizedException):
        if is_htmx(request):
            return Response("", status_code=200, headers={"HX-Redirect": "/login"})
        return Redirect(f"/login?next={request.url.path}")
    messages = {
        403: "您没有访问此页面的权限。",
        404: "您要找的页面不存在。",
        405: "不支持此操作。",
        413: "上传的文件过大。",
    }
    message = messages.get(exc.status_code, "请求无法处理，请检查后重试。")
    if exc.status_code == 403 and "csrf" in str(exc.detail).lower():
        message = "页面已过期，请刷新页面后重试。"
    if exc.status_code == 400:
        message = "提交的内容格式不正确，请检查后重试。"
    return _error_page(request, exc.status_code, message)


def unexpected_error_page(request: AnyRequest, exc: Exception) -> Response[Any]:
    log.exception("page failed: %s %s", request.method, request.url.path, exc_info=exc)
    return _error_page(request, 500, "系统暂时无法完成此操作，请稍后重试；如仍有问题，请联系系统管理员。")


API_PREFIXES = ("/api", "/schema", "/health", "/ready", "/static")


def app_http_error(request: AnyRequest, exc: HTTPException) -> Response[Any]:
    """Outside any route (an unknown address): a page for a browser, problem+json for the API."""
    from api.problems import http_error

    if request.url.path.startswith(API_PREFIXES) or "text/html" not in request.headers.get("accept", ""):
        return http_error(request, exc)
    return http_error_page(request, exc)
