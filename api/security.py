"""Authentication: password login (argon2), short-lived access tokens, rotating refresh tokens,
back-off after failed logins, and the cookie form of the same token for the web pages.

Every login and every failure is logged with the username and client address, never the password.
The JSON API accepts only `Authorization: Bearer` (so a browser cookie can never drive it without
the page's CSRF token); the pages use the cookie and litestar's CSRF middleware.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException
from litestar.handlers.base import BaseRouteHandler
from litestar.security.jwt import JWTCookieAuth, Token
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.bootstrap import Services
from engine.authz import Actor, load_actor
from engine.errors import EngineError, NotFound
from engine.models import RefreshToken, User
from engine.passwords import verify_password

log = logging.getLogger("memberflow.auth")
ACCESS_TTL = timedelta(minutes=15)
REFRESH_TTL = timedelta(days=14)
FREE_ATTEMPTS = 5  # failures allowed before the account is locked for a while
LOCK_BASE = timedelta(minutes=1)  # doubled with each further failure, at most a day
TOKEN_COOKIE = "mf_token"


class LoginRefused(EngineError):
    code = "login_refused"


class AccountLocked(EngineError):
    code = "account_locked"


@dataclass(frozen=True)
class Tokens:
    access_token: str
    refresh_token: str
    token_type: str = "Bearer"
    expires_in: int = int(ACCESS_TTL.total_seconds())


def retrieve_actor(token: Token, connection: ASGIConnection[Any, Any, Any, Any]) -> Actor | None:
    services: Services = connection.app.state.services
    with services.engine.sessions() as session:
        try:
            return load_actor(session, int(token.sub))
        except NotFound:
            return None


def make_auth(services: Services) -> JWTCookieAuth[Actor, Token]:
    return JWTCookieAuth[Actor, Token](
        retrieve_user_handler=retrieve_actor,
        token_secret=services.settings.secret_key,
        default_token_expiration=ACCESS_TTL,
        key=TOKEN_COOKIE,
        exclude=[
            "/health",
            "/ready",
            "/schema",
            "/api/auth/login",
            "/api/auth/refresh",
            "/static",
            "/login",
            "/verify",
        ],
        samesite="strict",
        secure=False,  # set by the reverse proxy in production; the embedded server speaks plain HTTP
    )


def bearer_only(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Guard of the JSON API: a cookie alone (as a forged cross-site request would carry) is refused."""
    if not connection.headers.get("authorization", "").lower().startswith("bearer "):
        raise NotAuthorizedException("请使用 Authorization: Bearer 访问令牌调用接口")


def authenticate(
    services: Services, session: Session, username: str, password: str, client: str
) -> User | EngineError:
    """The user, or the refusal to raise after the caller commits: failures are counted and the
    account backs off, and that count must be saved even though the login fails."""
    now = services.engine.clock.now()
    user = session.scalar(select(User).where(User.username == username))
    if user is not None and user.locked_until is not None and _aware(user.locked_until) > now:
        log.warning("login refused (locked) user=%s client=%s", username, client)
        return AccountLocked(
            f"登录失败次数过多，账户已暂时锁定，请于 {_aware(user.locked_until):%Y-%m-%d %H:%M} UTC 后再试"
        )
    if user is None or not user.active or not verify_password(user.password_hash, password):
        if user is not None:
            user.failed_logins += 1
            if user.failed_logins >= FREE_ATTEMPTS:
                user.locked_until = now + min(
                    LOCK_BASE * 2 ** (user.failed_logins - FREE_ATTEMPTS), timedelta(days=1)
                )
        log.warning("login failed user=%s client=%s", username, client)
        return LoginRefused("用户名或密码错误")
    user.failed_logins, user.locked_until = 0, None
    log.info("login ok user=%s client=%s", username, client)
    return user


def issue_tokens(
    services: Services, session: Session, auth: JWTCookieAuth[Actor, Token], user: User
) -> Tokens:
    refresh = secrets.token_urlsafe(32)
    now = services.engine.clock.now()
    session.add(
        RefreshToken(
            user_id=user.id, token_hash=_digest(refresh), expires_at=now + REFRESH_TTL, created_at=now
        )
    )
    return Tokens(auth.create_token(identifier=str(user.id)), refresh)


def rotate(services: Services, session: Session, auth: JWTCookieAuth[Actor, Token], refresh: str) -> Tokens:
    """Trade a valid refresh token for new tokens; the old one is revoked (a replay then fails)."""
    now = services.engine.clock.now()
    row = session.scalar(select(RefreshToken).where(RefreshToken.token_hash == _digest(refresh)))
    if row is None or row.revoked_at is not None or _aware(row.expires_at) <= now:
        log.warning("refresh refused")
        raise LoginRefused("刷新令牌无效或已过期，请重新登录")
    row.revoked_at = now
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        raise LoginRefused("用户已停用")
    return issue_tokens(services, session, auth, user)


def revoke(services: Services, session: Session, refresh: str) -> None:
    row = session.scalar(select(RefreshToken).where(RefreshToken.token_hash == _digest(refresh)))
    if row is not None and row.revoked_at is None:
        row.revoked_at = services.engine.clock.now()


def client_of(request: Request[Any, Any, Any]) -> str:
    return request.client.host if request.client else "?"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _aware(moment: datetime) -> datetime:
    from datetime import UTC

    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
