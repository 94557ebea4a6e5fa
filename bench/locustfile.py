"""Locust users that walk development cases through the HTTP API, one step after another.

Started by `bench/http_load.py`, which prepares the cases and passes them in `MF_BENCH_PLAN` (a JSON
file: the password, the cases with their applicant's user, and each step's action, day, actor and
inputs). Each user logs in as the branch's caseworker, secretary, organizer and approver, then takes
cases from the shared list: logs in as the applicant (who applies for full membership in person) and
fires each step with `POST /api/cases/{id}/actions/{action}` and the version the last answer gave.
Only the actions are counted under the name `action`; logins are counted apart. When no case is
left, the run stops.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from locust import HttpUser, between, task

PLAN: dict[str, Any] = json.loads(Path(os.environ["MF_BENCH_PLAN"]).read_text(encoding="utf-8"))
CASES: list[dict[str, Any]] = list(PLAN["cases"])
ROLES = ("caseworker", "secretary", "organizer", "approver")


class Caseworker(HttpUser):
    wait_time = between(0, 0)

    def login(self, username: str) -> str:
        answer = self.client.post(
            "/api/auth/login", json={"username": username, "password": PLAN["password"]}, name="login"
        )
        answer.raise_for_status()
        return str(answer.json()["access_token"])

    def on_start(self) -> None:
        self.tokens = {role: self.login(role) for role in ROLES}

    @task
    def walk_a_case(self) -> None:
        if not CASES:
            self.environment.runner.quit()  # type: ignore[union-attr]
            return
        case = CASES.pop()
        tokens = {**self.tokens, "member": self.login(case["username"])}
        version = case["version"]
        for step in PLAN["steps"]:
            answer = self.client.post(
                f"/api/cases/{case['case_id']}/actions/{step['action']}",
                json={"expected_version": version, "inputs": step["inputs"], "on": step["on"]},
                headers={"Authorization": f"Bearer {tokens[step['actor']]}"},
                name="action",
            )
            if answer.status_code != 200:
                return
            version = answer.json()["version"]
