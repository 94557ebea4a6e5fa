"""Moving a running case to another owning organization, with its materials and its clocks.

Used when an activist or probationer changes unit or residence (细则 第十二、三十四、三十五条): the
case keeps its events, data and the dates its clocks run from; only the owner changes, the open
tasks move to the new organization's queues, and the move is recorded in the audit chain.
"""

from __future__ import annotations

from sqlalchemy import select

from engine import audit
from engine.authz import Actor, holds, resolve_org
from engine.definitions import At
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.machine import state_paths
from engine.models import Org, Task
from engine.runtime import REASON_REQUIRED, Engine, FireResult


def move_case(
    engine: Engine,
    case_id: int,
    new_org_id: int,
    actor: Actor,
    *,
    reason: str,
    expected_version: int,
    role: str = "caseworker",
) -> FireResult:
    """The actor must hold `role` at the new organization or the old one (either side may record it)."""
    if not reason.strip():
        raise InvalidInput({"reason": REASON_REQUIRED})
    with engine.sessions.begin() as session:
        case = engine.load_case(session, case_id, actor, lock=True)
        if case.version != expected_version:
            raise Conflict(f"案件已被他人更新（当前版本 {case.version}），请刷新后重试")
        new_org = session.get(Org, new_org_id)
        if new_org is None:
            raise NotFound("接收组织不存在")
        if new_org.id == case.org_id:
            raise InvalidInput({"new_org_id": "接收组织与当前组织相同"})
        if not actor.is_system and not (holds(actor, role, case.org) or holds(actor, role, new_org)):
            raise Forbidden("您没有转移此案件的权限")
        workflow, policy = engine.definitions_of(case)
        old_org_id, day = case.org_id, engine.clock.today()
        case.org_id, case.org = new_org.id, new_org
        case.subject.org_id = new_org.id
        specs = {(path, t.name): t for path, s in state_paths(workflow).items() for t in s.tasks}
        for task in session.scalars(select(Task).where(Task.case_id == case.id, Task.status == "open")):
            spec = specs.get((task.state_path, task.name))
            if spec is not None and spec.at in (At.OWNER, At.PARENT, At.APPROVING_COMMITTEE):
                target = resolve_org(session, case, spec.at)
                if target is not None:
                    task.queue_org_id, task.queue_org_path = target.id, target.path
        event = audit.append(
            session, case, kind="move", action="move_case", actor_user_id=actor.user_id,
            at=engine.clock.now(), effective_date=day, from_state=case.state_detail,
            to_state=case.state_detail, inputs={"from_org_id": old_org_id, "to_org_id": new_org.id},
            reason=reason.strip(), policy_version=policy.label_on(day),
        )  # fmt: skip
        session.flush()
        return FireResult(case.id, case.version, case.state, case.state_detail, event.id, case.closed)
