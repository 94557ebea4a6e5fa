"""Every route × role × relation to the case's organization: the status is the expected one, and no
list, search, report or document leaks an object of another organization.

Relations: a grant at the case's own branch, a subtree grant at the township above it, a grant at a
sibling branch, and no grant at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from engine.models import Document, RoleGrant, User
from tests.api.conftest import Api

ROLES = ["caseworker", "branch_secretary", "committee_approver", "organization_department", "administrator"]
RELATIONS = ["own", "subtree", "sibling", "none"]


@dataclass
class Target:
    case_id: int
    person_id: int
    task_id: int
    document_id: int
    org_id: int


def _target(api: Api) -> Target:
    case = api.post("caseworker", "/api/cases", {
        "workflow": "example", "subject_id": api.world.subject.id, "org_id": api.world.branch.id,
        "parties": {"home_side": api.world.branch.id, "work_side": api.world.branch.id},
    }).json()  # fmt: skip
    body = api.get("caseworker", f"/api/cases/{case['case_id']}").json()
    with api.world.engine.sessions.begin() as s:
        document = Document(case_id=case["case_id"], event_id=case["event_id"], kind="notice", title="通知",
                            template="x.html", created_at=api.world.clock.now())  # fmt: skip
        s.add(document)
        s.flush()
        document_id = document.id
    return Target(
        case["case_id"], api.world.subject.id, body["tasks"][0]["id"], document_id, api.world.branch.id
    )


def _actor(api: Api, role: str, relation: str) -> str:
    """A user with `role` in `relation` to the branch; returns the attribute name set on the world."""
    org, subtree = {
        "own": (api.world.branch, False),
        "subtree": (api.world.township, True),
        "sibling": (api.world.other_branch, False),
        "none": (None, False),
    }[relation]
    with api.world.engine.sessions.begin() as s:
        user = User(username=f"{role}-{relation}", display_name=f"{role}-{relation}", password_hash="x")
        s.add(user)
        s.flush()
        if org is not None:
            s.add(RoleGrant(user_id=user.id, role=role, org_id=org.id, subtree=subtree))
        user_id = user.id
    from engine.authz import Actor

    name = f"matrix_{role}_{relation}"
    setattr(api.world, name, Actor(user_id, None, name))
    return name


def _expected(role: str, relation: str) -> dict[str, Any]:
    sees = relation in ("own", "subtree")
    visible = 200 if sees else 404
    return {
        "get_case": visible,
        "history": visible,
        "get_person": visible,
        "get_org": visible,
        "get_document": visible,
        "download": 409 if sees else 404,  # visible but not rendered yet
        "fire_submit": (422 if role == "caseworker" else 403)
        if sees
        else 404,  # 422: permitted, inputs missing
        "claim": (200 if role == "caseworker" else 404) if sees else 404,
        "users": 200 if role == "administrator" and relation != "none" else 403,
        "case_listed": sees,
        "person_listed": sees,
        "task_queued": sees and role == "caseworker",
        "reported": sees,
    }


@pytest.mark.parametrize("relation", RELATIONS)
@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_each_role_and_relation_as_expected(api: Api, role: str, relation: str) -> None:
    target = _target(api)
    who = _actor(api, role, relation)
    expected = _expected(role, relation)
    got: dict[str, Any] = {
        "get_case": api.get(who, f"/api/cases/{target.case_id}").status_code,
        "history": api.get(who, f"/api/cases/{target.case_id}/history").status_code,
        "get_person": api.get(who, f"/api/people/{target.person_id}").status_code,
        "get_org": api.get(who, f"/api/orgs/{target.org_id}").status_code,
        "get_document": api.get(who, f"/api/documents/{target.document_id}").status_code,
        "download": api.get(who, f"/api/documents/{target.document_id}/pdf").status_code,
        "fire_submit": api.post(
            who, f"/api/cases/{target.case_id}/actions/submit", {"expected_version": 1}
        ).status_code,
        "claim": api.post(who, f"/api/tasks/{target.task_id}/claim").status_code,
        "users": api.get(who, "/api/users").status_code,
        "case_listed": target.case_id in [c["id"] for c in api.get(who, "/api/cases").json()["items"]],
        "person_listed": target.person_id in [p["id"] for p in api.get(who, "/api/people").json()["items"]],
        "task_queued": target.task_id in [t["task_id"] for t in api.get(who, "/api/tasks").json()["items"]],
        "reported": any(r["workflow"] == "example" for r in api.get(who, "/api/reports/open-cases").json()),
    }
    assert got == expected
