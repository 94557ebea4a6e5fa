"""Definition versions: fingerprints that refuse a silently changed definition, and case migration.

A running case keeps the definition version it started with. Moving it to a new version is an
explicit act with a state mapping, recorded as an event in the case's audit chain.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit, schedule
from engine.authz import Actor
from engine.errors import DefinitionError, InvalidInput
from engine.machine import active_paths, leaves, state_paths, top_state
from engine.models import Case, DefinitionVersion
from engine.registry import Registry, fingerprint
from engine.rules import RuleContext
from engine.runtime import Engine


def record_definitions(session: Session, registry: Registry) -> list[str]:
    """Store each loaded version's fingerprint; refuse one whose body changed under the same version."""
    stored = {(d.workflow, d.version): d.fingerprint for d in session.scalars(select(DefinitionVersion))}
    changed, added = [], []
    for workflow in registry.all_versions():
        key = (workflow.name, workflow.version)
        current = fingerprint(workflow)
        if key not in stored:
            session.add(
                DefinitionVersion(workflow=workflow.name, version=workflow.version, fingerprint=current)
            )
            added.append(f"{workflow.name} {workflow.version}")
        elif stored[key] != current:
            changed.append(f"{workflow.name} {workflow.version}")
    if changed:
        raise DefinitionError(
            "流程定义已修改但版本号未变，请提高版本号后再加载：" + "、".join(changed), changed
        )
    return added


def migrate_cases(
    engine: Engine,
    workflow: str,
    to_version: str,
    mapping: Mapping[str, str],
    actor: Actor,
    reason: str,
) -> list[int]:
    """Move every open case of `workflow` to `to_version`, renaming state paths by `mapping`."""
    if not reason.strip():
        raise InvalidInput({"reason": "迁移案件必须写明理由"})
    target = engine.registry.get(workflow, to_version)
    paths = state_paths(target)
    with engine.sessions.begin() as session:
        cases = session.scalars(
            select(Case)
            .where(Case.workflow == workflow, Case.definition_version != to_version, Case.closed.is_(False))
            .with_for_update()
        ).all()
        unmapped = sorted(
            {p for case in cases for p in leaves(case.state_detail) if mapping.get(p, p) not in paths}
        )
        if unmapped:
            raise DefinitionError("以下环节在新版本中没有对应环节：" + "、".join(unmapped), unmapped)
        for case in cases:
            _migrate_one(engine, session, case, to_version, mapping, actor, reason.strip())
        return [case.id for case in cases]


def _migrate_one(
    engine: Engine,
    session: Session,
    case: Case,
    to_version: str,
    mapping: Mapping[str, str],
    actor: Actor,
    reason: str,
) -> None:
    now, day = engine.clock.now(), engine.clock.today()
    before = case.state_detail
    after = _rename(before, mapping)
    old_paths = active_paths(before)
    schedule.leave(session, case, old_paths, now)
    from_version = case.definition_version
    case.definition_version = to_version
    workflow, policy = engine.definitions_of(case)
    case.state, case.state_detail = top_state(after), after
    kept = {mapping.get(path, path): since for path, since in case.entered.items() if path in old_paths}
    case.entered = kept | {p: day.isoformat() for p in active_paths(after) if p not in kept}
    audit.append(
        session, case, kind="migration", action="migrate_case", actor_user_id=actor.user_id,
        at=now, effective_date=day, from_state=before, to_state=after,
        inputs={"from_version": from_version, "to_version": to_version, "mapping": dict(mapping)},
        reason=reason, policy_version=policy.label_on(day),
    )  # fmt: skip
    ctx = RuleContext(day, {}, case.data, [], policy.values_on(day), engine.calendars(session), day)
    schedule.enter(session, case, state_paths(workflow), active_paths(after), ctx, now)


def _rename(value: Any, mapping: Mapping[str, str]) -> Any:
    if isinstance(value, str):
        return mapping.get(value, value)
    return [_rename(item, mapping) for item in value]
