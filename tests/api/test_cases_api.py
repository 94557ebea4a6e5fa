"""Cases through the API: the statuses the issue names, idempotency, and masked identities."""

from __future__ import annotations

import threading
from datetime import date

from sqlalchemy import func, select

from engine.models import Case, Event
from tests.api.conftest import Api


def _open(api: Api, key: str | None = None) -> dict[str, object]:
    body = {
        "workflow": "example",
        "subject_id": api.world.subject.id,
        "org_id": api.world.branch.id,
        "parties": {"home_side": api.world.home_branch.id, "work_side": api.world.branch.id},
    }
    response = api.post("caseworker", "/api/cases", body, key=key)
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_a_case_reads_with_its_tasks_what_may_be_done_what_is_blocked_and_the_forecast(api: Api) -> None:
    case_id = _open(api)["case_id"]
    api.post(
        "caseworker",
        f"/api/cases/{case_id}/actions/submit",
        {"expected_version": 1, "inputs": {"summary": "x"}},
    )
    api.post("approver", f"/api/cases/{case_id}/actions/approve", {"expected_version": 2})
    body = api.get("home_caseworker", f"/api/cases/{case_id}").json()
    assert body["state"] == "NOTICE" and sorted(body["active_states"]) == [
        "NOTICE.HOME.OPEN",
        "NOTICE.WORK.OPEN",
    ]
    assert [t["name"] for t in body["tasks"]] == ["publish_home"]
    blocked = {a["name"]: a for a in body["blocked"]}
    assert blocked["finish_home_notice"]["unmet"][0]["earliest"] == "2026-03-09"
    assert blocked["finish_home_notice"]["permitted"] is True
    assert [f["action"] for f in body["forecast"]] == [
        "finish_home_notice",
        "finish_work_notice",
        "hold_vote",
    ]
    assert body["subject_id_number"] == "620724********0017"


def test_the_statuses_stale_409_out_of_scope_404_forbidden_403_invalid_422_refused_422(api: Api) -> None:
    case_id = _open(api)["case_id"]
    path = f"/api/cases/{case_id}/actions/submit"
    assert api.post("outsider", path, {"expected_version": 1, "inputs": {"summary": "x"}}).status_code == 404
    assert api.get("outsider", f"/api/cases/{case_id}").status_code == 404
    assert api.post("secretary", path, {"expected_version": 1, "inputs": {"summary": "x"}}).status_code == 403
    invalid = api.post("caseworker", path, {"expected_version": 1, "inputs": {"summary": "", "colour": 1}})
    assert invalid.status_code == 422 and set(invalid.json()["errors"]) == {"summary", "colour"}
    assert (
        api.post("caseworker", path, {"expected_version": 1, "inputs": {"summary": "x"}}).status_code == 200
    )
    stale = api.post("caseworker", path, {"expected_version": 1, "inputs": {"summary": "x"}})
    assert stale.status_code == 409 and stale.json()["code"] == "conflict"
    api.post("approver", f"/api/cases/{case_id}/actions/approve", {"expected_version": 2})
    refused = api.post(
        "home_caseworker", f"/api/cases/{case_id}/actions/finish_home_notice", {"expected_version": 3}
    )
    assert refused.status_code == 422
    [unmet] = refused.json()["unmet"]
    assert (unmet["rule"], unmet["citation"], unmet["earliest"]) == (
        "notice_period_over",
        "示例细则 第十三条",
        "2026-03-09",
    )


def test_a_body_that_is_not_json_or_has_wrong_types_is_422_naming_the_field(api: Api) -> None:
    headers = api.headers("caseworker", **{"content-type": "application/json"})
    broken = api.client.post("/api/cases", content=b"{not json", headers=headers)
    assert broken.status_code in (400, 422) and broken.json()["code"] in ("invalid_input", "http_error")
    wrong = api.post("caseworker", "/api/cases", {"workflow": "example", "subject_id": "李明", "org_id": 1})
    assert wrong.status_code == 422 and "subject_id" in str(wrong.json()["errors"])


def test_a_retried_post_with_the_same_idempotency_key_fires_once(api: Api) -> None:
    first = _open(api, key="open-1")
    again = api.post("caseworker", "/api/cases", {
        "workflow": "example", "subject_id": api.world.subject.id, "org_id": api.world.branch.id,
        "parties": {"home_side": api.world.home_branch.id, "work_side": api.world.branch.id},
    }, key="open-1")  # fmt: skip
    assert again.status_code == 201 and again.json() == first
    assert again.headers["Idempotent-Replay"] == "true"
    with api.world.engine.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Case)) == 1
    body = {"expected_version": 1, "inputs": {"summary": "x"}}
    path = f"/api/cases/{first['case_id']}/actions/submit"
    assert api.post("caseworker", path, body, key="fire-1").status_code == 200
    assert api.post("caseworker", path, body, key="fire-1").status_code == 200
    with api.world.engine.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Event).where(Event.action == "submit")) == 1
    reused = api.post("caseworker", path, {"expected_version": 2, "inputs": {"summary": "y"}}, key="fire-1")
    assert reused.status_code == 422 and "Idempotency-Key" in reused.json()["errors"]


def test_two_different_keys_racing_on_one_case_give_one_success_and_one_409(api: Api) -> None:
    case_id = _open(api)["case_id"]
    barrier, codes = threading.Barrier(2), []

    def fire(key: str) -> None:
        barrier.wait()
        body = {"expected_version": 1, "inputs": {"summary": key}}
        codes.append(
            api.post("caseworker", f"/api/cases/{case_id}/actions/submit", body, key=key).status_code
        )

    threads = [threading.Thread(target=fire, args=(k,)) for k in ("race-a", "race-b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [200, 409]


def test_lists_are_cursor_paged_and_bounded(api: Api) -> None:
    ids = [_open(api)["case_id"] for _ in range(3)]
    first = api.get("caseworker", "/api/cases", params={"limit": 2}).json()
    assert [c["id"] for c in first["items"]] == sorted(ids, reverse=True)[:2] and first["next_cursor"]
    rest = api.get("caseworker", "/api/cases", params={"limit": 2, "cursor": first["next_cursor"]}).json()
    assert [c["id"] for c in rest["items"]] == [min(ids)] and rest["next_cursor"] is None
    assert api.get("caseworker", "/api/cases", params={"limit": 5000}).status_code == 422


def test_history_lists_each_event_with_its_actor_and_rule_set(api: Api) -> None:
    case_id = _open(api)["case_id"]
    api.post(
        "caseworker",
        f"/api/cases/{case_id}/actions/submit",
        {"expected_version": 1, "inputs": {"summary": "x"}},
    )
    events = api.get("approver", f"/api/cases/{case_id}/history").json()["items"]
    assert [(e["seq"], e["label"], e["actor_name"]) for e in events] == [
        (1, "立案", "caseworker"),
        (2, "提交", "caseworker"),
    ]
    assert events[1]["policy_version"] == "national@1/示例细则(2014)"
    assert date.fromisoformat(events[1]["effective_date"]) == date(2026, 3, 2)


def test_a_members_own_account_sees_only_their_own_cases(api: Api) -> None:
    from sqlalchemy import delete

    from engine.models import RoleGrant

    mine = _open(api)["case_id"]
    with api.world.engine.sessions.begin() as s:  # the member keeps no role: only self-service
        s.execute(delete(RoleGrant).where(RoleGrant.user_id == api.world.member.user_id))
    other = api.post("caseworker", "/api/people", {
        "name": "赵强", "sex": "男", "birth_date": "1995-02-03", "org_id": api.world.branch.id,
        "id_number": _id("19950203", "011"),
    }).json()  # fmt: skip
    theirs = api.post("caseworker", "/api/cases", {"workflow": "example", "subject_id": other["id"],
                      "org_id": api.world.branch.id, "parties": {"home_side": api.world.home_branch.id,
                      "work_side": api.world.branch.id}}).json()["case_id"]  # fmt: skip
    listed = [c["id"] for c in api.get("member", "/api/cases").json()["items"]]
    assert listed == [mine]
    assert api.get("member", f"/api/cases/{theirs}").status_code == 404
    assert api.get("member", f"/api/cases/{mine}").status_code == 200


def _id(birth: str, serial: str) -> str:
    from engine.identity import check_digit

    first17 = f"620724{birth}{serial}"
    return first17 + check_digit(first17)
