"""The web application's skeleton: health, readiness, the home page, OpenAPI, problem+json."""

from __future__ import annotations

from tests.api.conftest import Api


def test_health_and_readiness_answer_without_a_login(api: Api) -> None:
    assert api.client.get("/health").json() == {"status": "ok"}
    assert api.client.get("/ready").json() == {"status": "ready"}


def test_a_workflow_definition_is_served_as_json_with_fields_and_cited_rules(api: Api) -> None:
    body = api.get("caseworker", "/api/workflows/example").json()
    vote = next(a for a in body["actions"] if a["name"] == "hold_vote")
    assert [f["name"] for f in vote["fields"]][:2] == ["voters_expected", "voters_present"]
    assert vote["rules"][0]["citation"] == "党章 第七条"
    assert api.get("caseworker", "/api/workflows/example/diagram").text.startswith("stateDiagram-v2")


def test_an_unknown_workflow_is_a_problem_json_404_in_chinese(api: Api) -> None:
    response = api.get("caseworker", "/api/workflows/nonesuch")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "not_found"
    assert "没有流程" in response.json()["title"]


def test_the_api_refuses_a_request_without_a_bearer_token(api: Api) -> None:
    response = api.client.get("/api/cases")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_the_home_page_is_in_chinese_and_lists_the_workflows(api: Api) -> None:
    page = api.client.get("/", headers=api.headers("caseworker"))
    assert 'lang="zh-CN"' in page.text and "示例流程" in page.text


def test_every_route_has_an_explicit_operation_id(api: Api) -> None:
    schema = api.client.get("/schema/openapi.json").json()
    operations = [op for path in schema["paths"].values() for op in path.values()]
    ids = [op["operationId"] for op in operations]
    assert len(ids) == len(set(ids)) >= 25
    assert all(not i.startswith(("Api", "api")) and "_" not in i for i in ids), ids
