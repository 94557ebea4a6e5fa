"""Workflow definitions: the list, each as JSON (with every action's input fields), and its diagram."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Controller, get
from litestar.params import FromPath

from api.routes.common import AnyRequest, services_of
from engine.registry import to_json, to_mermaid


@dataclass
class WorkflowSummary:
    name: str
    version: str
    title: str


class WorkflowController(Controller):
    path = "/api/workflows"
    tags = ["workflows"]

    @get("/", operation_id="listWorkflows", sync_to_thread=False)
    def list_workflows(self, request: AnyRequest) -> list[WorkflowSummary]:
        return [
            WorkflowSummary(w.name, w.version, w.title) for w in services_of(request).registry.workflows()
        ]

    @get("/{name:str}", operation_id="getWorkflow", sync_to_thread=False)
    def get_workflow(self, request: AnyRequest, name: FromPath[str]) -> dict[str, Any]:
        return to_json(services_of(request).registry.get(name))

    @get(
        "/{name:str}/diagram",
        operation_id="getWorkflowDiagram",
        media_type="text/plain",
        sync_to_thread=False,
    )
    def get_diagram(self, request: AnyRequest, name: FromPath[str]) -> str:
        return to_mermaid(services_of(request).registry.get(name))
