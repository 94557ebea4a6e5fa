"""The audit chain: each case's events are append-only and linked by SHA-256 hashes.

`seq` equals the case version and `cases.audit_head` holds the last hash, so an edited, deleted,
reordered or truncated event breaks the chain at a point `verify` can name.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import Case, Event

GENESIS = "0" * 64


@dataclass(frozen=True)
class AuditProblem:
    case_id: int
    seq: int
    event_id: int | None
    message: str


def _utc_text(at: datetime) -> str:
    aware = at if at.tzinfo else at.replace(tzinfo=UTC)
    return aware.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds")


def payload(event: Event) -> dict[str, Any]:
    """The hashed content of an event, in a form that reads back the same from every database."""
    return {
        "case_id": event.case_id,
        "seq": event.seq,
        "kind": event.kind,
        "action": event.action,
        "actor_user_id": event.actor_user_id,
        "at": _utc_text(event.at),
        "effective_date": event.effective_date.isoformat(),
        "from_state": event.from_state,
        "to_state": event.to_state,
        "inputs": event.inputs,
        "reason": event.reason,
        "definition_version": event.definition_version,
        "policy_version": event.policy_version,
    }


def chain_hash(prev_hash: str, content: dict[str, Any]) -> str:
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev_hash + text).encode()).hexdigest()


def append(
    session: Session,
    case: Case,
    *,
    kind: str,
    action: str,
    actor_user_id: int | None,
    at: datetime,
    effective_date: date,
    from_state: Any,
    to_state: Any,
    inputs: dict[str, Any],
    reason: str,
    policy_version: str,
) -> Event:
    """Add the next event and move the case's version and head with it."""
    event = Event(
        case_id=case.id,
        seq=case.version + 1,
        kind=kind,
        action=action,
        actor_user_id=actor_user_id,
        at=at.astimezone(UTC),
        effective_date=effective_date,
        from_state=from_state,
        to_state=to_state,
        inputs=inputs,
        reason=reason,
        definition_version=case.definition_version,
        policy_version=policy_version,
        prev_hash=case.audit_head or GENESIS,
    )
    event.hash = chain_hash(event.prev_hash, payload(event))
    session.add(event)
    case.version = event.seq
    case.audit_head = event.hash
    return event


def verify(session: Session, case_ids: Iterable[int] | None = None) -> list[AuditProblem]:
    """The first problem of each damaged case; an empty list means every chain is intact."""
    query = select(Case).order_by(Case.id)
    if case_ids is not None:
        query = query.where(Case.id.in_(list(case_ids)))
    problems: list[AuditProblem] = []
    for case in session.scalars(query).yield_per(500):
        events = session.scalars(select(Event).where(Event.case_id == case.id).order_by(Event.seq))
        problem = _first_problem(case, events)
        if problem:
            problems.append(problem)
    return problems


def _first_problem(case: Case, events: Iterable[Event]) -> AuditProblem | None:
    prev, expected_seq = GENESIS, 1
    for event in events:
        if event.seq != expected_seq:
            return AuditProblem(case.id, expected_seq, None, f"第{expected_seq}条事件缺失")
        if event.prev_hash != prev:
            return AuditProblem(case.id, event.seq, event.id, f"第{event.seq}条事件与前一条的链接不符")
        if chain_hash(prev, payload(event)) != event.hash:
            return AuditProblem(case.id, event.seq, event.id, f"第{event.seq}条事件内容被篡改")
        prev, expected_seq = event.hash, expected_seq + 1
    if expected_seq - 1 != case.version or prev != (case.audit_head or GENESIS):
        return AuditProblem(case.id, expected_seq, None, f"第{expected_seq}条及以后的事件缺失")
    return None
