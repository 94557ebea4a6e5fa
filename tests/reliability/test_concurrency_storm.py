"""Fifty clients fire conflicting actions on the same cases at the same instant: one wins each race."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from engine import audit
from engine.models import Event
from tests.reliability.harness import Stack, fire, open_case, prepare, record_figures, running, size

CLIENTS = 50


@pytest.mark.postgres
def test_fifty_clients_racing_on_the_same_cases_one_wins_each_race_the_rest_get_409(
    pg_url: str, tmp_path: Path
) -> None:
    cases_n, rounds = 5, size(6, 200)  # 10 clients race on each case in every round
    services, population = prepare(pg_url, tmp_path / "var", people=cases_n)
    with running(Stack(pg_url, tmp_path / "var", workers=0)) as stack:
        with httpx.Client(base_url=stack.url, timeout=60) as client:
            case_ids = [open_case(client, population, p) for p in population.person_ids]
        barrier = threading.Barrier(CLIENTS)
        outcomes: list[tuple[int, int, int, int, str]] = []  # client, case, round, status, code
        wins: list[int] = []  # event ids the winners were told
        lock = threading.Lock()

        def client_run(n: int) -> None:
            case_id = case_ids[n % cases_n]
            with httpx.Client(base_url=stack.url, timeout=120) as http:
                for r in range(rounds):
                    # the last round races a close against notes: still one winner
                    action = "close" if r == rounds - 1 and n % 2 else "note"
                    inputs = {"text": f"client {n} round {r}"} if action == "note" else {}
                    barrier.wait(timeout=300)
                    response = fire(http, population, case_id, action, 1 + r, **inputs)
                    code = response.json().get("code", "") if response.status_code != 200 else ""
                    with lock:
                        outcomes.append((n, case_id, r, response.status_code, code))
                        if response.status_code == 200:
                            wins.append(int(response.json()["event_id"]))

        with ThreadPoolExecutor(CLIENTS) as pool:
            list(pool.map(client_run, range(CLIENTS)))

    statuses = Counter(status for *_, status, _code in outcomes)
    winners = Counter((case, r) for _n, case, r, status, _ in outcomes if status == 200)
    assert len(winners) == cases_n * rounds and set(winners.values()) == {1}, (
        f"one winner per race: {winners}"
    )
    assert set(statuses) <= {200, 409}, statuses
    assert all(code == "conflict" for *_, status, code in outcomes if status == 409)
    with services.engine.sessions() as s:
        events = s.scalar(select(func.count()).select_from(Event)) or 0
        event_ids = set(s.scalars(select(Event.id).where(Event.action.in_(["note", "close"]))))
        per_case = dict(s.execute(select(Event.case_id, func.count()).group_by(Event.case_id)).all())
        problems = audit.verify(s)
    assert event_ids == set(wins), (
        "an event the clients were not told of, or one they were told of is missing"
    )
    assert per_case == {c: 1 + rounds for c in case_ids}
    assert problems == []
    verified = subprocess.run(
        [str(Path(sys.executable).parent / "memberflow"), "verify-audit"],
        env={**stack.server.env},
        capture_output=True,
        text=True,
        check=False,
    )
    assert verified.returncode == 0, verified.stderr
    record_figures(
        "concurrency storm",
        {
            "clients": CLIENTS,
            "cases": cases_n,
            "races": cases_n * rounds,
            "requests": len(outcomes),
            "won_200": statuses[200],
            "conflict_409": statuses[409],
            "other_status": sum(n for s, n in statuses.items() if s not in (200, 409)),
            "events": events,
            "events_duplicated": events - len(set(wins)) - cases_n,
            "audit_problems": len(problems),
        },
    )
