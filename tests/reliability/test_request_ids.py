"""Structured logs: JSON lines, each with the request id, carried from the request into the job it caused."""

from __future__ import annotations

import json
import os
import re
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from engine.models import Document, Outbox
from tests.reliability.harness import Stack, fire, open_case, prepare, record_figures, running, wait_until

RABBITMQ_URL = os.environ.get("MEMBERFLOW_TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/")


def _json_lines(path: Path) -> list[dict[str, Any]]:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    parsed = []
    for line in lines:
        try:
            parsed.append(json.loads(line))
        except json.JSONDecodeError:
            pytest.fail(f"{path.name}: a log line that is not JSON: {line[:200]}")
    return parsed


@pytest.mark.postgres
def test_a_request_id_is_returned_logged_as_json_and_carried_into_the_job_the_request_caused(
    pg_url: str, tmp_path: Path
) -> None:
    data_dir = tmp_path / "var"
    services, population = prepare(pg_url, data_dir, people=1)
    request_id = f"req-{uuid.uuid4().hex[:12]}"
    stack = Stack(pg_url, data_dir, broker_url=RABBITMQ_URL, extra_env={"MEMBERFLOW_LOG_FORMAT": "json"})
    with running(stack), httpx.Client(base_url=stack.url, timeout=30) as http:
        case_id = open_case(http, population, population.person_ids[0])
        headers = population.headers(**{"X-Request-ID": request_id})
        body = {"expected_version": 1, "inputs": {"text": "请求编号随作业传递"}}
        answer = http.post(f"/api/cases/{case_id}/actions/issue", json=body, headers=headers)
        assert answer.status_code == 200 and answer.headers["x-request-id"] == request_id
        made_up = fire(http, population, case_id, "note", 2, text="无请求编号")
        assert re.fullmatch(r"[0-9a-f]{32}", made_up.headers["x-request-id"])
        refused = fire(http, population, case_id, "note", 1, text="过期版本")
        assert (
            refused.status_code == 409 and refused.headers["x-request-id"] != made_up.headers["x-request-id"]
        )
        hostile = http.get("/health", headers={"X-Request-ID": 'a b {"injected": 1}' + "x" * 80})
        assert re.fullmatch(r"[0-9a-f]{32}", hostile.headers["x-request-id"])  # not echoed into the logs

        def rendered() -> bool:
            with services.engine.sessions() as s:
                return s.scalar(select(Document.status)) == "ready"

        wait_until(rendered, 60, "the document to render")
        wait_until(
            lambda: request_id in (data_dir / "worker-0.log").read_text(encoding="utf-8"), 10, "the log"
        )
    with services.engine.sessions() as s:
        job = s.scalars(select(Outbox)).one()
    assert job.request_id == request_id
    server_lines = _json_lines(data_dir / "server.log")
    worker_lines = _json_lines(data_dir / "worker-0.log")
    assert all({"time", "level", "logger", "message", "request_id"} <= set(line) for line in server_lines)
    in_server = [line for line in server_lines if line["request_id"] == request_id]
    in_worker = [line for line in worker_lines if line["request_id"] == request_id]
    assert any("/actions/issue" in line["message"] for line in in_server), "the access line"
    assert any("render_document" in line["message"] for line in in_worker), "the job's line"
    record_figures(
        "request ids",
        {
            "server_json_lines": len(server_lines),
            "worker_json_lines": len(worker_lines),
            "server_lines_with_the_id": len(in_server),
            "worker_lines_with_the_id": len(in_worker),
            "outbox_request_id": job.request_id,
        },
    )
