"""A caseworker moves a running case (and its person) to another organization, with a reason.

Used when an activist or probationer changes unit or residence (细则 第十二、三十四、三十五条);
`engine.relocation` does the move itself.
"""

from __future__ import annotations

from engine.authz import Actor, holds
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.models import Org
from engine.relocation import relocate
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
        day = engine.clock.today()
        case.subject.org_id = new_org.id
        event = relocate(
            session, case, workflow, new_org, actor, reason=reason.strip(), now=engine.clock.now(),
            day=day, policy_label=policy.label_on(day),
        )  # fmt: skip
        session.flush()
        return FireResult(case.id, case.version, case.state, case.state_detail, event.id, case.closed)
