"""PostgreSQL restarted under load: requests fail fast with a clear 503 while it is down, the service
recovers by itself, and nothing committed is lost. The server is a private cluster of the test's own."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from engine import audit
from tests.reliability.conftest import require_postgres
from tests.reliability.harness import (
    PG_BIN,
    PrivatePostgres,
    Stack,
    prepare,
    record_figures,
    size,
    wait_until,
)
from tests.reliability.load import Load, lost_and_duplicated, markers_in_database


@pytest.fixture
def private_pg() -> Iterator[PrivatePostgres]:
    require_postgres()
    if not (PG_BIN / "initdb").exists():
        pytest.skip(f"{PG_BIN}/initdb not installed")
    cluster = PrivatePostgres()
    cluster.init()
    try:
        yield cluster
    finally:
        cluster.destroy()


@pytest.mark.postgres
def test_a_database_restart_under_load_answers_503_fast_recovers_by_itself_and_loses_nothing(
    private_pg: PrivatePostgres, tmp_path: Path
) -> None:
    restarts, down_seconds, between = size(2, 8), size(3.0, 15.0), size(60, 300)
    services, population = prepare(private_pg.url, tmp_path / "var", people=size(40, 200))
    services.db.dispose()
    stack = Stack(private_pg.url, tmp_path / "var", workers=0).start()
    load = Load(stack.url, population, target=between * (restarts + 1), issue_share=0.0)
    during_outage: list[tuple[int, str, float]] = []  # status, code, seconds of requests while down
    ready_while_down: list[int] = []
    pages_while_down: list[tuple[int, str]] = []
    recoveries: list[float] = []

    def probe(http: httpx.Client) -> None:
        started = time.monotonic()
        response = http.get(f"/api/cases/{load.ledger.opened[0]}", headers=population.headers())
        code = response.json().get("code", "") if response.status_code >= 400 else ""
        during_outage.append((response.status_code, code, time.monotonic() - started))

    cookies = {"mf_token": f"Bearer {population.token}"}

    def outages() -> None:
        browser = httpx.Client(base_url=stack.url, timeout=30, cookies=cookies)  # a logged-in page visitor
        with httpx.Client(base_url=stack.url, timeout=30) as http, browser:
            for n in range(restarts):
                wait_until(lambda n=n: len(load.ledger.acknowledged) >= between * (n + 1), 300, "load")
                private_pg.stop()
                down_until = time.monotonic() + down_seconds
                while time.monotonic() < down_until:
                    probe(http)
                    ready_while_down.append(http.get("/ready").status_code)
                    page = browser.get("/work")
                    pages_while_down.append((page.status_code, page.text))
                    time.sleep(0.2)
                private_pg.start()
                back = time.monotonic()
                before = len(load.ledger.acknowledged)
                wait_until(lambda before=before: len(load.ledger.acknowledged) > before, 60, "recovery", 0.05)
                recoveries.append(time.monotonic() - back)

    started = time.monotonic()
    chaos = threading.Thread(target=outages, daemon=True)
    chaos.start()
    try:
        load.run()
        chaos.join(timeout=120)
    finally:
        stack.stop()
    assert not chaos.is_alive()
    with services.engine.sessions() as s:
        found = markers_in_database(s)
        problems = audit.verify(s)
    lost, duplicated, committed_unknown = lost_and_duplicated(load.ledger, found)
    statuses = {status for status, _code, _seconds in during_outage}
    assert statuses == {503}, f"while the database was down: {sorted(statuses)}"
    assert {code for _s, code, _t in during_outage} == {"database_unavailable"}
    assert max(seconds for *_, seconds in during_outage) < 2.0, "a request waited instead of failing fast"
    assert set(ready_while_down) == {503}
    assert {status for status, _ in pages_while_down} == {503}
    assert all(text.startswith("数据库暂时无法连接") for _, text in pages_while_down)
    assert len(recoveries) == restarts and max(recoveries) < 30
    assert 500 not in load.ledger.statuses
    assert lost == [] and duplicated == [] and problems == []
    ledger = load.ledger
    record_figures(
        "database restart",
        {
            "seconds": round(time.monotonic() - started, 1),
            "restarts": restarts,
            "seconds_down_each": down_seconds,
            "transitions_acknowledged": len(ledger.acknowledged),
            "requests_while_down": len(during_outage),
            "answers_while_down": sorted(statuses),
            "slowest_answer_while_down_s": round(max(t for *_, t in during_outage), 3),
            "recovery_seconds": [round(r, 2) for r in recoveries],
            "load_error_statuses": {str(k): v for k, v in ledger.statuses.items() if k >= 400},
            "problem_codes": dict(ledger.problem_codes),
            "unknown_outcomes": len(ledger.unknown),
            "unknown_that_committed": committed_unknown,
            "records_lost": len(lost),
            "duplicates": len(duplicated),
            "audit_problems": len(problems),
        },
    )
