"""Login, token refresh and logout; who am I."""

from __future__ import annotations

from dataclasses import dataclass

from litestar import Controller, Request, get, post
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_204_NO_CONTENT

from api.routes.common import AnyRequest, actor_of, services_of
from api.security import Tokens, authenticate, client_of, issue_tokens, revoke, rotate
from engine.errors import EngineError
from engine.models import User


@dataclass
class LoginIn:
    username: str
    password: str


@dataclass
class RefreshIn:
    refresh_token: str


@dataclass
class GrantOut:
    role: str
    org_id: int
    subtree: bool


@dataclass
class MeOut:
    user_id: int | None
    name: str
    person_id: int | None
    grants: list[GrantOut]


class AuthController(Controller):
    path = "/api/auth"
    tags = ["auth"]

    @post(
        "/login", operation_id="login", status_code=HTTP_200_OK, exclude_from_auth=True, sync_to_thread=True
    )
    def login(self, request: Request[None, None, None], data: JSONBody[LoginIn]) -> Tokens:
        services = services_of(request)
        auth = request.app.state.auth
        with services.engine.sessions.begin() as session:
            outcome = authenticate(services, session, data.username, data.password, client_of(request))
            tokens = issue_tokens(services, session, auth, outcome) if isinstance(outcome, User) else None
        if tokens is None:
            assert isinstance(outcome, EngineError)
            raise outcome
        return tokens

    @post(
        "/refresh",
        operation_id="refreshToken",
        status_code=HTTP_200_OK,
        exclude_from_auth=True,
        sync_to_thread=True,
    )
    def refresh(self, request: Request[None, None, None], data: JSONBody[RefreshIn]) -> Tokens:
        services = services_of(request)
        with services.engine.sessions.begin() as session:
            return rotate(services, session, request.app.state.auth, data.refresh_token)

    @post("/logout", operation_id="logout", status_code=HTTP_204_NO_CONTENT, sync_to_thread=True)
    def logout(self, request: AnyRequest, data: JSONBody[RefreshIn]) -> None:
        services = services_of(request)
        with services.engine.sessions.begin() as session:
            revoke(services, session, data.refresh_token)


@get("/api/me", operation_id="getMe", tags=["auth"], sync_to_thread=False)
def me(request: AnyRequest) -> MeOut:
    actor = actor_of(request)
    return MeOut(
        actor.user_id,
        actor.name,
        actor.person_id,
        [GrantOut(g.role, g.org_id, g.subtree) for g in actor.grants],
    )
