"""Password login, tokens, refresh rotation, back-off after failures, and what is logged."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import update

from engine.models import User
from engine.passwords import hash_password
from tests.api.conftest import Api

PASSWORD = "correct-horse-battery"


@pytest.fixture
def login_ready(api: Api) -> Api:
    with api.world.engine.sessions.begin() as s:
        s.execute(
            update(User).where(User.username == "caseworker").values(password_hash=hash_password(PASSWORD))
        )
    return api


def _login(api: Api, password: str) -> object:
    return api.client.post("/api/auth/login", json={"username": "caseworker", "password": password})


def test_a_correct_password_gives_tokens_that_open_the_api(
    login_ready: Api, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="memberflow.auth"):
        response = _login(login_ready, PASSWORD)
    assert response.status_code == 200  # type: ignore[attr-defined]
    tokens = response.json()  # type: ignore[attr-defined]
    assert tokens["token_type"] == "Bearer" and tokens["expires_in"] == 900
    me = login_ready.client.get("/api/me", headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert me.json()["name"] == "caseworker"
    assert "login ok user=caseworker" in caplog.text
    assert PASSWORD not in caplog.text


def test_a_wrong_password_is_refused_logged_and_never_stored(
    login_ready: Api, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="memberflow.auth"):
        response = _login(login_ready, "wrong-guess")
    assert response.status_code == 401  # type: ignore[attr-defined]
    assert response.json()["code"] == "login_refused"  # type: ignore[attr-defined]
    assert "login failed user=caseworker" in caplog.text and "wrong-guess" not in caplog.text
    with login_ready.world.engine.sessions() as s:
        stored = s.query(User).filter_by(username="caseworker").one().password_hash
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_repeated_failures_lock_the_account_even_for_the_right_password(login_ready: Api) -> None:
    codes = [_login(login_ready, f"guess-{i}").status_code for i in range(5)]  # type: ignore[attr-defined]
    assert codes == [401] * 5
    locked = _login(login_ready, PASSWORD)
    assert locked.status_code == 429  # type: ignore[attr-defined]
    assert locked.json()["code"] == "account_locked"  # type: ignore[attr-defined]
    assert "暂时锁定" in locked.json()["title"]  # type: ignore[attr-defined]


def test_a_refresh_token_works_once_and_its_replay_is_refused(login_ready: Api) -> None:
    first = _login(login_ready, PASSWORD).json()  # type: ignore[attr-defined]
    renewed = login_ready.client.post("/api/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert renewed.status_code == 200 and renewed.json()["refresh_token"] != first["refresh_token"]
    replay = login_ready.client.post("/api/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert replay.status_code == 401 and replay.json()["code"] == "login_refused"


def test_a_token_cookie_alone_does_not_open_the_api(login_ready: Api) -> None:
    tokens = _login(login_ready, PASSWORD).json()  # type: ignore[attr-defined]
    login_ready.client.cookies.set("mf_token", f"Bearer {tokens['access_token']}")
    response = login_ready.client.get("/api/cases")
    assert response.status_code == 401


def test_the_pages_log_in_with_a_cookie_and_a_csrf_token_and_refuse_a_form_without_it(
    login_ready: Api,
) -> None:
    client = login_ready.client
    page = client.get("/login")
    assert page.status_code == 200 and "登录" in page.text
    token = page.text.split('name="_csrf_token" value="')[1].split('"')[0]
    forged = client.post("/login", data={"username": "caseworker", "password": PASSWORD})
    assert forged.status_code == 403
    done = client.post(
        "/login",
        data={"username": "caseworker", "password": PASSWORD, "_csrf_token": token},
        follow_redirects=False,
    )
    assert done.status_code in (301, 302, 303) and "mf_token" in done.cookies
    home = client.get("/")
    assert home.status_code == 200 and 'lang="zh-CN"' in home.text
    assert client.get("/api/cases").status_code == 401  # the cookie never opens the JSON API
