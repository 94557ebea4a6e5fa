"""The web pages' login and logout: the same token as the API, in an HttpOnly cookie, with CSRF."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery, QueryParameter
from litestar.response import Redirect, Template
from sqlalchemy import select

from api.routes.common import services_of
from api.security import TOKEN_COOKIE, authenticate, client_of
from engine.identity import mask_name
from engine.models import Case, Document, Org, User

FormBody = Body(media_type=RequestEncodingType.URL_ENCODED)
PAGE_SESSION = timedelta(hours=8)  # a working day at the desk; the API's bearer tokens stay short


@get(
    "/login", operation_id="loginPage", include_in_schema=False, exclude_from_auth=True, sync_to_thread=False
)
def login_page(
    error: FromQuery[str] = "", next_page: Annotated[str, QueryParameter(name="next")] = ""
) -> Template:
    return Template("pages/login.html", context={"error": error, "next": _local(next_page)})


@post(
    "/login", operation_id="loginForm", include_in_schema=False, exclude_from_auth=True, sync_to_thread=True
)
def login_form(request: Request[Any, Any, Any], data: Annotated[dict[str, str], FormBody]) -> Response[Any]:
    services = services_of(request)
    with services.engine.sessions.begin() as session:
        outcome = authenticate(
            services, session, data.get("username", ""), data.get("password", ""), client_of(request)
        )
        user_id = outcome.id if isinstance(outcome, User) else None
    if user_id is None:
        message = getattr(outcome, "message", "登录失败")
        context = {"error": message, "next": _local(data.get("next", ""))}
        return Template("pages/login.html", context=context, status_code=401)
    token = request.app.state.auth.create_token(identifier=str(user_id), token_expiration=PAGE_SESSION)
    response = Redirect(_local(data.get("next", "")) or "/")
    response.set_cookie(
        TOKEN_COOKIE,
        f"Bearer {token}",
        httponly=True,
        samesite="strict",
        max_age=int(PAGE_SESSION.total_seconds()),
    )
    return response


def _local(path: str) -> str:
    """Only a path on this site (never `//host` or a scheme): where to go after logging in."""
    return path if path.startswith("/") and not path.startswith("//") and "\\" not in path else ""


@post("/logout", operation_id="logoutForm", include_in_schema=False, sync_to_thread=False)
def logout_form() -> Redirect:
    response = Redirect("/login")
    response.delete_cookie(TOKEN_COOKIE)
    return response


@get(
    "/verify/{code:str}",
    operation_id="verifyDocument",
    include_in_schema=False,
    exclude_from_auth=True,
    sync_to_thread=True,
)
def verify_page(request: Request[Any, Any, Any], code: FromPath[str]) -> Template:
    """Public: is this document genuine? Its number, issuer, date and kind, and a masked name only."""
    services = services_of(request)
    with services.engine.sessions() as session:
        document = session.scalar(select(Document).where(Document.verify_code == code[:32]))
        if document is None or document.status != "ready":
            return Template("pages/verify.html", context={"found": False}, status_code=404)
        issuer = session.get(Org, document.issuer_org_id) if document.issuer_org_id else None
        case = session.get(Case, document.case_id)
        assert case is not None
        context = {
            "found": True,
            "number": document.number,
            "title": document.title,
            "kind": document.kind,
            "issuer": issuer.name if issuer else "",
            "issued_at": document.rendered_at,
            "name": mask_name(case.subject.name),
            "sha256": document.sha256,
            "voided_on": document.voided_on,
            "void_reason": document.void_reason,
        }
    return Template("pages/verify.html", context=context)
