"""The web application's skeleton: health, readiness, workflow definitions, problem+json errors."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar.testing import TestClient

import workflows
from api.app import create_app
from api.bootstrap import bootstrap
from api.cli import migrate_database
from api.settings import Settings
from tests.example_workflow import EXAMPLE, FOLLOW_UP, NATIONAL


@pytest.fixture
def client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient[object]]:
    monkeypatch.setattr(workflows, "DEFINITIONS", (EXAMPLE, FOLLOW_UP))
    monkeypatch.setattr(workflows, "PROFILES", (NATIONAL,))
    services = bootstrap(Settings(database_url=f"sqlite:///{tmp_path / 'mf.db'}", data_dir=tmp_path / "var"))
    migrate_database(services)
    with TestClient(app=create_app(services)) as test_client:
        yield test_client


def test_health_and_readiness_answer(client: TestClient[object]) -> None:
    assert client.get("/health").json() == {"status": "ok"}
    assert client.get("/ready").json() == {"status": "ready"}


def test_a_workflow_definition_is_served_as_json_with_fields_and_cited_rules(
    client: TestClient[object],
) -> None:
    body = client.get("/api/workflows/example").json()
    vote = next(a for a in body["actions"] if a["name"] == "hold_vote")
    assert [f["name"] for f in vote["fields"]][:2] == ["voters_expected", "voters_present"]
    assert vote["rules"][0]["citation"] == "党章 第七条"
    assert client.get("/api/workflows/example/diagram").text.startswith("stateDiagram-v2")


def test_an_unknown_workflow_is_a_problem_json_404_in_chinese(client: TestClient[object]) -> None:
    response = client.get("/api/workflows/nonesuch")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "not_found"
    assert "没有流程" in response.json()["title"]


def test_the_home_page_is_in_chinese_and_lists_the_workflows(client: TestClient[object]) -> None:
    page = client.get("/")
    assert 'lang="zh-CN"' in page.text and "示例流程" in page.text
