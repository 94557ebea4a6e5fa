"""Errors as RFC 9457 `application/problem+json`: a stable `code`, a zh-CN `title`, and details.

One table maps the engine's error codes to HTTP statuses; litestar's own errors (bad JSON, wrong
types, missing login) are turned into the same shape. A database that cannot be reached is a quick
503 `database_unavailable` (with `Retry-After`), never a hung request or a bare 500; the pool checks
each connection before use, so the service recovers by itself when the database is back.
"""

from __future__ import annotations

import logging
from typing import Any

from litestar import Request, Response
from litestar.exceptions import (
    ClientException,
    HTTPException,
    NotAuthorizedException,
    PermissionDeniedException,
    ValidationException,
)
from sqlalchemy.exc import DataError, DBAPIError, InterfaceError, OperationalError

from engine.errors import EngineError, InvalidInput, RuleRefusal

log = logging.getLogger("memberflow.problems")

STATUS = {
    "not_found": 404,
    "conflict": 409,
    "forbidden": 403,
    "invalid_input": 422,
    "action_not_available": 409,
    "rule_refused": 422,
    "definition_invalid": 500,
    "login_refused": 401,
    "account_locked": 429,
}
MEDIA = "application/problem+json"


def problem_body(exc: EngineError) -> dict[str, Any]:
    body: dict[str, Any] = {"type": f"urn:memberflow:{exc.code}", "code": exc.code, "title": exc.message}
    if isinstance(exc, InvalidInput):
        body["errors"] = exc.errors
        body["detail"] = "；".join(f"{k}：{v}" for k, v in exc.errors.items())
    if isinstance(exc, RuleRefusal):
        body["unmet"] = [u.as_dict() for u in exc.unmet]
        earliest = exc.earliest
        body["detail"] = f"最早可于 {earliest.isoformat()} 办理" if earliest else exc.message
    return body


def problem_response(exc: EngineError) -> Response[dict[str, Any]]:
    return Response(problem_body(exc), status_code=STATUS.get(exc.code, 400), media_type=MEDIA)


def engine_error(_: Request[Any, Any, Any], exc: EngineError) -> Response[dict[str, Any]]:
    return problem_response(exc)


def http_error(_: Request[Any, Any, Any], exc: HTTPException) -> Response[dict[str, Any]]:
    if isinstance(exc, ValidationException):
        errors = {
            str(e.get("key") or e.get("source") or "body"): _zh(e.get("message", "")) for e in _extra(exc)
        }
        invalid = InvalidInput(errors or {"body": "请求内容无法解析"})
        return Response(problem_body(invalid), status_code=422, media_type=MEDIA)
    if type(exc) is ClientException and exc.status_code == 400:
        invalid = InvalidInput({"body": "请求内容不是有效的 JSON，或已被截断"})  # litestar's decoder said why
        return Response(
            {**problem_body(invalid), "detail": str(exc.detail)}, status_code=400, media_type=MEDIA
        )
    code, title = {
        NotAuthorizedException: ("not_authenticated", "请先登录"),
        PermissionDeniedException: ("forbidden", "没有权限"),
    }.get(type(exc), ("http_error", str(exc.detail)))
    if exc.status_code == 404:
        code, title = "not_found", "资源不存在"
    elif exc.status_code == 405:
        code, title = "method_not_allowed", "不支持此请求方法"
    elif exc.status_code == 413:
        code, title = "too_large", "请求内容过大"
    body = {"type": f"urn:memberflow:{code}", "code": code, "title": title, "detail": str(exc.detail)}
    return Response(body, status_code=exc.status_code, media_type=MEDIA)


def _extra(exc: ValidationException) -> list[dict[str, Any]]:
    extra = exc.extra if isinstance(exc.extra, list) else []
    return [e for e in extra if isinstance(e, dict)]


def _zh(message: str) -> str:
    if "date" in message.lower():  # "Invalid RFC3339 encoded date"
        return f"日期不正确，应为实际存在的日期，格式 YYYY-MM-DD（{message}）"
    if "Expected" in message or "expected" in message:
        return f"类型不正确（{message}）"
    if "missing" in message.lower() or "required" in message.lower():
        return "必填"
    return message or "格式不正确"


DATABASE_DOWN = {
    "type": "urn:memberflow:database_unavailable",
    "code": "database_unavailable",
    "title": "数据库暂时无法连接，请稍后重试",
    "detail": "服务正在等待数据库恢复；请稍后刷新，确认操作是否已保存后再重试。",
}


def is_connection_error(exc: BaseException) -> bool:
    """The database cannot be reached (down, restarting, connection cut), as opposed to a bad query."""
    if isinstance(exc, OperationalError | InterfaceError):
        return True
    return isinstance(exc, DBAPIError) and exc.connection_invalidated


def database_error(request: Request[Any, Any, Any], exc: DBAPIError) -> Response[Any]:
    if isinstance(exc, DataError) and request.url.path.startswith("/api"):
        # A value the checks let through but the database cannot hold (an id beyond 64 bits): the
        # caller's input, refused; the transaction rolled back, nothing was written.
        invalid = InvalidInput({"body": "提交的数值超出允许范围或格式不被接受"})
        return Response(problem_body(invalid), status_code=422, media_type=MEDIA)
    if not is_connection_error(exc):
        if not request.url.path.startswith("/api"):  # a page: the pages' own error page
            from api.web.common import unexpected_error_page

            return unexpected_error_page(request, exc)
        log.error("database error", exc_info=exc)
        body = {"type": "urn:memberflow:internal_error", "code": "internal_error", "title": "服务器内部错误"}
        return Response(body, status_code=500, media_type=MEDIA)
    log.warning("database unavailable: %s", str(exc.orig).splitlines()[0] if exc.orig else exc)
    headers = {"Retry-After": "5"}
    if not request.url.path.startswith("/api"):  # a page: a line of text a person can read
        text = f"{DATABASE_DOWN['title']}。{DATABASE_DOWN['detail']}"
        return Response(text, status_code=503, media_type="text/plain", headers=headers)
    return Response(DATABASE_DOWN, status_code=503, media_type=MEDIA, headers=headers)
