"""The load a reliability run puts on the API: clients firing notes and notices on cases of their own
and opening new cases, each act carrying a unique marker, and a ledger of what each client was told.

A request that got an answer is *acknowledged* (its event id is known) or *refused*; one that got no
answer (the server died, or the connection broke) is *unknown*: it may or may not have committed.
The checks afterwards: every acknowledged act is in the database exactly once, no marker appears
twice, and unknown acts appear at most once.
"""

from __future__ import annotations

import random
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy import select

from engine.models import Event
from tests.reliability.harness import Population, fire

NETWORK_ERRORS = (httpx.TransportError,)


@dataclass
class Ledger:
    acknowledged: dict[str, int] = field(default_factory=dict)  # marker -> event id
    unknown: set[str] = field(default_factory=set)
    refused_connections: int = 0  # connection refused: the request never reached a server
    statuses: Counter[int] = field(default_factory=Counter)
    problem_codes: Counter[str] = field(default_factory=Counter)
    network_errors: int = 0
    opened: list[int] = field(default_factory=list)
    slowest_error_seconds: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def answered(self) -> int:
        return sum(self.statuses.values())


@dataclass
class Load:
    """Clients, each with its own cases, firing until `target` acts were acknowledged in all."""

    base_url: str
    population: Population
    target: int
    clients: int = 4
    issue_share: float = 0.25
    open_share: float = 0.03
    ledger: Ledger = field(default_factory=Ledger)
    stop: threading.Event = field(default_factory=threading.Event)
    people: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.people = list(self.population.person_ids)

    def run(self) -> None:
        threads = [threading.Thread(target=self._client, args=(n,), daemon=True) for n in range(self.clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    @property
    def done(self) -> bool:
        return self.stop.is_set() or len(self.ledger.acknowledged) >= self.target

    def _client(self, n: int) -> None:
        rng = random.Random(n)
        cases: dict[int, int] = {}  # case id -> version as last seen
        with httpx.Client(base_url=self.base_url, timeout=30) as http:
            while not self.done:
                try:
                    if not cases or rng.random() < self.open_share:
                        self._open(http, cases)
                    else:
                        case_id = rng.choice(list(cases))
                        action = "issue" if rng.random() < self.issue_share else "note"
                        self._act(http, cases, case_id, action)
                except NETWORK_ERRORS:
                    with self.ledger.lock:
                        self.ledger.network_errors += 1
                    time.sleep(0.3)  # the server is down: wait, then carry on

    def _open(self, http: httpx.Client, cases: dict[int, int]) -> None:
        with self.ledger.lock:
            if not self.people:
                return
            person_id = self.people.pop()
        body = {"workflow": "reliability", "subject_id": person_id, "org_id": self.population.branch_id}
        response = http.post("/api/cases", json=body, headers=self.population.headers())  # lost: maybe opened
        self._count(response)
        if response.status_code == 201:
            answer = response.json()
            cases[int(answer["case_id"])] = int(answer["version"])
            with self.ledger.lock:
                self.ledger.opened.append(int(answer["case_id"]))

    def _act(self, http: httpx.Client, cases: dict[int, int], case_id: int, action: str) -> None:
        marker = f"{action}-{uuid.uuid4().hex}"
        started = time.monotonic()
        try:
            response = fire(http, self.population, case_id, action, cases[case_id], text=marker)
        except httpx.ConnectError:
            with self.ledger.lock:
                self.ledger.refused_connections += 1
            raise
        except NETWORK_ERRORS:
            with self.ledger.lock:
                self.ledger.unknown.add(marker)
            cases[case_id] = self._version(http, case_id, cases[case_id])
            raise
        self._count(response)
        if response.status_code == 200:
            answer = response.json()
            cases[case_id] = int(answer["version"])
            with self.ledger.lock:
                self.ledger.acknowledged[marker] = int(answer["event_id"])
            return
        elapsed = time.monotonic() - started
        with self.ledger.lock:
            self.ledger.slowest_error_seconds = max(self.ledger.slowest_error_seconds, elapsed)
        if response.status_code >= 500:
            with self.ledger.lock:
                self.ledger.unknown.add(marker)
            time.sleep(0.3)
        cases[case_id] = self._version(http, case_id, cases[case_id])

    def _version(self, http: httpx.Client, case_id: int, fallback: int) -> int:
        try:
            response = http.get(f"/api/cases/{case_id}", headers=self.population.headers())
        except NETWORK_ERRORS:
            return fallback
        if response.status_code != 200:
            return fallback
        return int(response.json()["version"])

    def _count(self, response: httpx.Response) -> None:
        with self.ledger.lock:
            self.ledger.statuses[response.status_code] += 1
            if response.status_code >= 400 and "json" in response.headers.get("content-type", ""):
                self.ledger.problem_codes[str(response.json().get("code", ""))] += 1


def markers_in_database(session: Any) -> Counter[str]:
    """How many events carry each load marker."""
    found: Counter[str] = Counter()
    for inputs in session.scalars(select(Event.inputs).where(Event.action.in_(["note", "issue"]))):
        marker = (inputs or {}).get("text")
        if marker:
            found[marker] += 1
    return found


def lost_and_duplicated(ledger: Ledger, found: Counter[str]) -> tuple[list[str], list[str], int]:
    """Acknowledged acts missing from the database, markers stored twice, unknown acts that committed."""
    lost = [m for m in ledger.acknowledged if found[m] != 1]
    duplicated = [m for m, n in found.items() if n > 1]
    committed_unknown = sum(1 for m in ledger.unknown if found[m] == 1)
    return lost, duplicated, committed_unknown
