"""Server-rendered pages (Jinja + htmx) for caseworkers, approvers and members, in Simplified Chinese.

One module per area; each calls the same engine and service functions as the JSON API. Errors are
pages (or fragments, for htmx) in Chinese: the user never sees a traceback or a problem+json body.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from litestar import Router, get
from litestar.exceptions import HTTPException
from litestar.response import Redirect, Template
from litestar.static_files import create_static_files_router

from api.web import admin, cases, dashboard, orgs, people, queues, self_service
from api.web.common import (
    AnyRequest,
    actor_of,
    engine_error_page,
    http_error_page,
    is_staff,
    page,
    services,
    unexpected_error_page,
)
from engine.errors import EngineError

STATIC = Path(__file__).resolve().parent.parent.parent / "static"


@get("/", operation_id="home", include_in_schema=False, sync_to_thread=True)
def home(request: AnyRequest) -> Template | Redirect:
    """Staff start at their queue's overview, members at their own cases."""
    actor = actor_of(request)
    if not is_staff(actor) and actor.person_id is not None:
        return Redirect("/me")
    return page(request, "home.html", {"workflows": services(request).registry.workflows()})


def web_router() -> Router:
    handlers: list[Any] = [
        home,
        *queues.HANDLERS,
        *cases.HANDLERS,
        *people.HANDLERS,
        *orgs.HANDLERS,
        *self_service.HANDLERS,
        *dashboard.HANDLERS,
        *admin.HANDLERS,
    ]
    return Router(
        path="/",
        route_handlers=handlers,
        exception_handlers={
            EngineError: engine_error_page,
            HTTPException: http_error_page,
            Exception: unexpected_error_page,
        },
    )


def static_router() -> Router:
    """The pages' CSS and scripts, and the libraries scripts/vendor.sh copies from npm."""
    return create_static_files_router(path="/static", directories=[STATIC], include_in_schema=False)
