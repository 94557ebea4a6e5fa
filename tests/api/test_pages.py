"""The web pages without a browser: forms generated from fields, refusals in place, errors as
Chinese pages (never problem+json or a traceback), and the login redirect."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Api


def _open(api: Api) -> int:
    return api.world.open()


def _page(api: Api, who: str, path: str, **headers: str) -> Any:
    return api.client.get(path, headers=api.headers(who, **headers), follow_redirects=False)


def _csrf(api: Api, who: str) -> str:
    _page(api, who, "/")  # the CSRF cookie is set on the first page
    token = api.client.cookies.get("csrftoken")
    assert token
    return str(token)


def test_the_case_page_draws_the_diagram_and_a_form_per_action_from_its_fields(api: Api) -> None:
    case_id = _open(api)
    page = _page(api, "caseworker", f"/cases/{case_id}")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert 'class="mermaid"' in page.text and "stateDiagram-v2" in page.text
    assert 'id="action-submit"' in page.text and 'name="f_summary"' in page.text
    assert "classDef current" in page.text  # the current state is highlighted on the diagram


def test_a_refused_form_comes_back_in_place_with_the_message_next_to_its_field(api: Api) -> None:
    case_id = _open(api)
    headers = {"x-csrftoken": _csrf(api, "caseworker"), "HX-Request": "true"}
    response = api.client.post(
        f"/cases/{case_id}/actions/submit",
        data={"expected_version": "1", "f_summary": ""},
        headers=api.headers("caseworker", **headers),
    )
    assert response.status_code == 200
    assert 'id="action-submit"' in response.text and "<html" not in response.text
    assert 'class="error"' in response.text and "请填写“摘要”" in response.text

    done = api.client.post(
        f"/cases/{case_id}/actions/submit",
        data={"expected_version": "1", "f_summary": "材料齐全"},
        headers=api.headers("caseworker", **headers),
    )
    assert done.headers["hx-redirect"] == f"/cases/{case_id}?done=submit"


def test_a_stale_form_says_the_case_changed_instead_of_failing(api: Api) -> None:
    case_id = _open(api)
    headers = {"x-csrftoken": _csrf(api, "caseworker"), "HX-Request": "true"}
    response = api.client.post(
        f"/cases/{case_id}/actions/submit",
        data={"expected_version": "7", "f_summary": "x"},
        headers=api.headers("caseworker", **headers),
    )
    assert response.status_code == 200 and "已被他人更新" in response.text


def test_a_case_outside_ones_organizations_is_a_chinese_404_page(api: Api) -> None:
    case_id = _open(api)
    page = _page(api, "outsider", f"/cases/{case_id}")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "案件不存在或不在您的管理范围内" in page.text and "problem" not in page.text


def test_a_form_post_without_the_csrf_token_is_refused_with_a_page(api: Api) -> None:
    case_id = _open(api)
    response = api.client.post(
        f"/cases/{case_id}/actions/submit",
        data={"expected_version": "1", "f_summary": "x"},
        headers=api.headers("caseworker"),
    )
    assert response.status_code == 403 and "页面已过期" in response.text


def test_a_page_without_a_login_leads_to_the_login_and_back(api: Api) -> None:
    response = api.client.get("/work", follow_redirects=False)
    assert response.status_code in (301, 302, 303, 307)
    assert response.headers["location"] == "/login?next=/work"
    login = api.client.get("/login?next=/work")
    assert 'name="next" value="/work"' in login.text
    assert 'name="next"' not in api.client.get("/login?next=//elsewhere.example").text


def test_the_queue_lists_the_open_task_and_claims_it_in_place(api: Api) -> None:
    _open(api)
    page = _page(api, "caseworker", "/work?view=org")
    assert page.status_code == 200 and "认领" in page.text
    task_id = page.text.split('action="/work/tasks/')[1].split("/")[0]
    headers = {"x-csrftoken": _csrf(api, "caseworker"), "HX-Request": "true"}
    claimed = api.client.post(f"/work/tasks/{task_id}/claim", headers=api.headers("caseworker", **headers))
    assert claimed.status_code == 200 and "已认领" in claimed.text and "退回" in claimed.text
    again = api.client.post(f"/work/tasks/{task_id}/claim", headers=api.headers("caseworker", **headers))
    assert "已被他人认领" in again.text


def test_the_member_sees_their_own_case_on_their_page(api: Api) -> None:
    case_id = _open(api)
    page = _page(api, "member", "/me")
    assert page.status_code == 200 and f"/cases/{case_id}" in page.text and "我的申请与案件" in page.text


def test_an_unknown_address_is_a_page_for_a_browser_and_problem_json_for_the_api(api: Api) -> None:
    page = api.client.get("/no-such-page", headers=api.headers("caseworker", accept="text/html"))
    assert page.status_code == 404 and "您要找的页面不存在" in page.text
    problem = api.client.get("/api/no-such-thing", headers=api.headers("caseworker", accept="text/html"))
    assert problem.status_code == 404 and problem.json()["code"] == "not_found"


def test_a_caseworker_corrects_a_phone_number_and_the_change_is_kept(api: Api) -> None:
    person = api.world.subject.id
    headers = api.headers("caseworker", **{"x-csrftoken": _csrf(api, "caseworker")})
    saved = api.client.post(f"/people/{person}/contact", data={"phone": "13900000000"}, headers=headers)
    assert saved.status_code == 200 and "已更新：联系电话" in saved.text
    assert "联系电话：" in saved.text and "人员信息页面" in saved.text
    too_long = api.client.post(f"/people/{person}/contact", data={"phone": "1" * 30}, headers=headers)
    assert too_long.status_code == 422 and "不能超过20字" in too_long.text
    outsider = api.client.post(
        f"/people/{person}/contact",
        data={"phone": "1"},
        headers=api.headers("outsider", **{"x-csrftoken": _csrf(api, "outsider")}),
    )
    assert outsider.status_code == 404 and "人员不存在或不在您的管理范围内" in outsider.text
