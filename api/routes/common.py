"""What every API area shares: the services, the calling actor, cursors, masking, idempotency."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from typing import Annotated, Any

import msgspec
from litestar import Request, Response
from litestar.params import PathParameter, QueryParameter
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from api.bootstrap import Services
from api.problems import problem_response
from engine.authz import Actor, covers
from engine.errors import EngineError, InvalidInput
from engine.identity import mask_id_number, mask_phone
from engine.models import IdempotencyRecord, Org

MAX_PAGE = 200
MAX_ID = 2**53  # ids fit every database's integer (and JavaScript's); larger ones are 422, not 500
ObjectId = Annotated[int, PathParameter(ge=1, le=MAX_ID)]
OptionalId = Annotated[int | None, QueryParameter(ge=1, le=MAX_ID)]
BodyId = Annotated[int, msgspec.Meta(ge=1, le=MAX_ID)]  # an id in a JSON body, bounded the same way
PageSize = Annotated[int, QueryParameter(ge=1, le=MAX_PAGE)]
FULL_IDENTITY_ROLES = frozenset({"organization_department", "administrator"})
AnyRequest = Request[Any, Any, Any]
SYSTEM_ACTION_LABELS = {
    "open_case": "立案",
    "move_case": "转移承办组织",
    "migrate_case": "迁移到新版本流程",
    "suspend_deadlines": "中止期限",
    "resume_deadlines": "恢复期限",
    "extend_deadline": "延长期限",
}  # acts of the engine itself, not of a workflow


def services_of(request: AnyRequest) -> Services:
    services: Services = request.app.state.services
    return services


def actor_of(request: AnyRequest) -> Actor:
    actor: Actor = request.user
    return actor


def page_size(limit: int) -> int:
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidInput({"limit": f"每页条数应在1到{MAX_PAGE}之间"})
    return limit


def encode_cursor(position: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(position, separators=(",", ":")).encode()).decode()


def decode_cursor(cursor: str | None) -> dict[str, Any]:
    if not cursor:
        return {}
    try:
        value = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except ValueError:
        value = None
    if not isinstance(value, dict) or not all(isinstance(v, int | str) for v in value.values()):
        raise InvalidInput({"cursor": "分页游标无效"})
    if any(isinstance(v, int) and not 0 <= v <= MAX_ID for v in value.values()):
        raise InvalidInput({"cursor": "分页游标无效"})
    return value


def sees_full_identity(actor: Actor, org: Org | None) -> bool:
    """Only the organization department and administrators over the person's organization."""
    return org is not None and any(g.role in FULL_IDENTITY_ROLES and covers(g, org) for g in actor.grants)


def shown_id_number(actor: Actor, org: Org | None, value: str) -> str:
    return value if sees_full_identity(actor, org) else mask_id_number(value)


def shown_phone(actor: Actor, org: Org | None, value: str) -> str:
    return value if sees_full_identity(actor, org) else mask_phone(value)


def idempotent(request: AnyRequest, body: Any, work: Callable[[], Response[Any]]) -> Response[Any]:
    """Run `work` once per Idempotency-Key and caller; a retry gets the first response again.

    The key is reserved in its own transaction before the work starts, so two concurrent requests
    with one key cannot both fire; a 4xx answer is kept (retrying gives the same answer), a crash
    frees the key.
    """
    key = request.headers.get("idempotency-key")
    if not key:
        return work()
    services, actor = services_of(request), actor_of(request)
    fingerprint = hashlib.sha256(
        json.dumps([request.method, request.url.path, body], sort_keys=True, default=str).encode()
    ).hexdigest()
    sessions = services.engine.sessions
    try:
        with sessions.begin() as s:
            s.add(
                IdempotencyRecord(
                    user_id=actor.user_id,
                    key=key[:200],
                    request_hash=fingerprint,
                    status_code=0,
                    body="",
                    created_at=services.engine.clock.now(),
                )
            )
    except IntegrityError:
        return _replay(services, actor, key[:200], fingerprint)
    try:
        response = work()
    except EngineError as exc:  # a refusal is an answer too: a retry gets the same one
        response = problem_response(exc)
    except Exception:
        with sessions.begin() as s:
            s.query(IdempotencyRecord).filter_by(user_id=actor.user_id, key=key[:200]).delete()
        raise
    with sessions.begin() as s:
        record = s.scalar(
            select(IdempotencyRecord).where(
                IdempotencyRecord.user_id == actor.user_id, IdempotencyRecord.key == key[:200]
            )
        )
        if record is not None:
            record.status_code = response.status_code
            record.body = json.dumps(response.content, ensure_ascii=False, default=str)
    return response


def _replay(services: Services, actor: Actor, key: str, fingerprint: str) -> Response[Any]:
    with services.engine.sessions() as s:
        record = s.scalar(
            select(IdempotencyRecord).where(
                IdempotencyRecord.user_id == actor.user_id, IdempotencyRecord.key == key
            )
        )
    if record is None or record.request_hash != fingerprint:
        raise InvalidInput({"Idempotency-Key": "同一幂等键已用于另一个请求"})
    if record.status_code == 0:
        raise IdempotencyInProgress("相同幂等键的请求正在处理，请稍后重试")
    return Response(
        json.loads(record.body), status_code=record.status_code, headers={"Idempotent-Replay": "true"}
    )


class IdempotencyInProgress(EngineError):
    code = "conflict"


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(content: bytes, media_type: str, filename: str) -> Response[bytes]:
    """A file to save (`filename` in ASCII: browsers differ on anything else)."""
    return Response(
        content, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


def xlsx_response(content: bytes, filename: str) -> Response[bytes]:
    return download(content, XLSX, filename)
