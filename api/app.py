"""create_app(): the one composition root of the web application."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from litestar import Litestar, Router, get
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import State
from litestar.exceptions import HTTPException
from litestar.openapi import OpenAPIConfig
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Response
from litestar.template.config import TemplateConfig
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from api.bootstrap import TEMPLATES, Services
from api.pages import login_form, login_page, logout_form, verify_page
from api.problems import database_error, engine_error
from api.request_id import request_id_middleware
from api.routes.admin import UserController, open_cases_report
from api.routes.auth import AuthController, me
from api.routes.cases import CaseController
from api.routes.common import AnyRequest, services_of
from api.routes.imports import ImportController
from api.routes.orgs import OrgController
from api.routes.people import PeopleController
from api.routes.reports import (
    development_statistics,
    development_statistics_pdf,
    development_statistics_workbook,
)
from api.routes.work import DocumentController, NotificationController, TaskController
from api.routes.workflows import WorkflowController
from api.security import bearer_only, make_auth
from api.web import static_router, web_router
from api.web.common import app_http_error, register_filters
from engine.errors import EngineError

MAX_BODY = 1024 * 1024  # a JSON request is small; spreadsheets get their own upload limit


@get("/health", operation_id="health", exclude_from_auth=True, sync_to_thread=False)
def health() -> dict[str, str]:
    return {"status": "ok"}


@get("/ready", operation_id="ready", exclude_from_auth=True, sync_to_thread=True)
def ready(request: AnyRequest) -> Response[dict[str, str]]:
    try:
        with services_of(request).db.connect() as conn:
            conn.execute(text("select 1"))
    except Exception:
        return Response({"status": "unavailable", "detail": "数据库暂时无法连接"}, status_code=503)
    return Response({"status": "ready"})


API_HANDLERS: list[Any] = [
    AuthController,
    me,
    OrgController,
    PeopleController,
    UserController,
    WorkflowController,
    CaseController,
    TaskController,
    NotificationController,
    DocumentController,
    open_cases_report,
    development_statistics,
    development_statistics_workbook,
    development_statistics_pdf,
    ImportController,
]


def create_app(services: Services, *, with_worker: bool = False) -> Litestar:
    auth = make_auth(services)

    @asynccontextmanager
    async def worker_lifespan(_: Litestar) -> AsyncIterator[None]:
        stop: Callable[[], None] | None = None
        if with_worker:
            from api.jobs import start_worker

            stop = start_worker(services)
        try:
            yield
        finally:
            if stop:
                stop()

    api = Router(path="/", route_handlers=API_HANDLERS, guards=[_api_guard])
    return Litestar(
        route_handlers=[
            health,
            ready,
            login_page,
            login_form,
            logout_form,
            verify_page,
            api,
            web_router(),
            static_router(),
        ],
        state=State({"services": services, "auth": auth}),
        exception_handlers={
            EngineError: engine_error,
            HTTPException: app_http_error,
            DBAPIError: database_error,
        },
        middleware=[request_id_middleware],
        template_config=TemplateConfig(
            directory=TEMPLATES, engine=JinjaTemplateEngine, engine_callback=register_filters
        ),
        openapi_config=OpenAPIConfig(title="memberflow API", version="0.1.0", path="/schema"),
        csrf_config=CSRFConfig(
            secret=services.settings.secret_key, exclude=["/api", "/schema", "/health", "/ready"]
        ),
        on_app_init=[auth.on_app_init],
        request_max_body_size=MAX_BODY,
        lifespan=[worker_lifespan],
    )


def _api_guard(connection: Any, handler: Any) -> None:
    """Logged-in API routes take only bearer tokens; the login and refresh routes take none."""
    if not handler.opt.get("exclude_from_auth"):
        bearer_only(connection, handler)
