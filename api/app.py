"""create_app(): the one composition root of the web application."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from litestar import Litestar, Request, Response, get
from litestar.datastructures import State
from litestar.params import FromPath
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Template
from litestar.template.config import TemplateConfig
from sqlalchemy import text

from api.bootstrap import TEMPLATES, Services
from engine.errors import EngineError, InvalidInput, RuleRefusal
from engine.registry import to_json, to_mermaid

STATUS = {
    "not_found": 404,
    "conflict": 409,
    "forbidden": 403,
    "invalid_input": 422,
    "action_not_available": 409,
    "rule_refused": 422,
    "definition_invalid": 500,
}


def problem(exc: EngineError) -> dict[str, Any]:
    """An RFC 9457 problem body with a stable code and a zh-CN title."""
    body: dict[str, Any] = {"type": f"urn:memberflow:{exc.code}", "code": exc.code, "title": exc.message}
    if isinstance(exc, InvalidInput):
        body["errors"] = exc.errors
    if isinstance(exc, RuleRefusal):
        body["unmet"] = [u.as_dict() for u in exc.unmet]
    return body


def engine_error_handler(_: Request[Any, Any, Any], exc: EngineError) -> Response[dict[str, Any]]:
    return Response(
        problem(exc), status_code=STATUS.get(exc.code, 400), media_type="application/problem+json"
    )


def _services(state: State) -> Services:
    services: Services = state.services
    return services


@get("/health", operation_id="health", sync_to_thread=False)
def health() -> dict[str, str]:
    return {"status": "ok"}


@get("/ready", operation_id="ready", sync_to_thread=True)
def ready(state: State) -> Response[dict[str, str]]:
    try:
        with _services(state).db.connect() as conn:
            conn.execute(text("select 1"))
    except Exception:
        return Response({"status": "unavailable", "detail": "数据库暂时无法连接"}, status_code=503)
    return Response({"status": "ready"})


@get("/api/workflows", operation_id="listWorkflows", sync_to_thread=False)
def list_workflows(state: State) -> list[dict[str, str]]:
    return [
        {"name": w.name, "version": w.version, "title": w.title}
        for w in _services(state).registry.workflows()
    ]


@get("/api/workflows/{name:str}", operation_id="getWorkflow", sync_to_thread=False)
def get_workflow(state: State, name: FromPath[str]) -> dict[str, Any]:
    return to_json(_services(state).registry.get(name))


@get(
    "/api/workflows/{name:str}/diagram",
    operation_id="getWorkflowDiagram",
    media_type="text/plain",
    sync_to_thread=False,
)
def get_workflow_diagram(state: State, name: FromPath[str]) -> str:
    return to_mermaid(_services(state).registry.get(name))


@get("/", operation_id="home", include_in_schema=False, sync_to_thread=False)
def home(state: State) -> Template:
    return Template("pages/home.html", context={"workflows": _services(state).registry.workflows()})


def create_app(services: Services, *, with_worker: bool = False) -> Litestar:
    @asynccontextmanager
    async def worker_lifespan(_: Litestar) -> AsyncIterator[None]:
        stop = None
        if with_worker:
            from api.jobs import start_worker

            stop = start_worker(services)
        try:
            yield
        finally:
            if stop:
                stop()

    return Litestar(
        route_handlers=[health, ready, list_workflows, get_workflow, get_workflow_diagram, home],
        state=State({"services": services}),
        exception_handlers={EngineError: engine_error_handler},
        template_config=TemplateConfig(directory=TEMPLATES, engine=JinjaTemplateEngine),
        lifespan=[worker_lifespan],
    )
