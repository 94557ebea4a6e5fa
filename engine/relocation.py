"""Moving a running case to another owning organization: the owner changes, the clocks do not.

The case keeps its events, data and the dates its clocks run from; its open tasks move to the new
organization's queues; the move is an event in the audit chain. Used by `engine.cases.move_case`
and by actions that move a person's organization relation (`Action.moves_subject_to`).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit
from engine.authz import Actor, resolve_org
from engine.definitions import At, Workflow
from engine.machine import state_paths
from engine.models import Case, Event, Org, Task

REQUEUED = (At.OWNER, At.PARENT, At.APPROVING_COMMITTEE)


def relocate(
    session: Session,
    case: Case,
    workflow: Workflow,
    new_org: Org,
    actor: Actor,
    *,
    reason: str,
    now: datetime,
    day: date,
    policy_label: str,
) -> Event:
    old_org_id = case.org_id
    case.org_id, case.org = new_org.id, new_org
    specs = {(path, t.name): t for path, s in state_paths(workflow).items() for t in s.tasks}
    for task in session.scalars(select(Task).where(Task.case_id == case.id, Task.status == "open")):
        spec = specs.get((task.state_path, task.name))
        if spec is not None and spec.at in REQUEUED:
            target = resolve_org(session, case, spec.at)
            if target is not None:
                task.queue_org_id, task.queue_org_path = target.id, target.path
    return audit.append(
        session, case, kind="move", action="move_case", actor_user_id=actor.user_id, at=now,
        effective_date=day, from_state=case.state_detail, to_state=case.state_detail,
        inputs={"from_org_id": old_org_id, "to_org_id": new_org.id}, reason=reason,
        policy_version=policy_label,
    )  # fmt: skip
