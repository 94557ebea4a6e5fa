"""Errors as RFC 9457 `application/problem+json`: a stable `code`, a zh-CN `title`, and details.

One table maps the engine's error codes to HTTP statuses; litestar's own errors (bad JSON, wrong
types, missing login) are turned into the same shape.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    PermissionDeniedException,
    ValidationException,
)

from engine.errors import EngineError, InvalidInput, RuleRefusal

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
    if "Expected" in message or "expected" in message:
        return f"类型不正确（{message}）"
    if "missing" in message.lower() or "required" in message.lower():
        return "必填"
    return message or "格式不正确"
