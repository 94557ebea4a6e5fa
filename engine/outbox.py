"""The transactional outbox: jobs are rows written with the transition, relayed after commit.

A job is never sent for a transaction that rolled back, and never lost for one that committed;
delivery is at least once, so every job handler must be idempotent. Each row keeps the request id of
the request that wrote it (`engine.correlation`), so the worker's log lines carry it too.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from engine import correlation
from engine.models import Outbox


def enqueue(session: Session, topic: str, payload: dict[str, Any], now: datetime) -> Outbox:
    row = Outbox(topic=topic, payload=payload, created_at=now, request_id=correlation.current())
    session.add(row)
    return row


def claim(session: Session, redeliver_before: datetime, limit: int = 100) -> list[Outbox]:
    """Rows never sent, and rows sent before `redeliver_before` but never done; locked so that
    several relays never send the same row at the same time."""
    pending = or_(
        Outbox.sent_at.is_(None), and_(Outbox.done_at.is_(None), Outbox.sent_at <= redeliver_before)
    )
    query = select(Outbox).where(pending).order_by(Outbox.id).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return list(session.scalars(query))


def mark_sent(row: Outbox, now: datetime) -> None:
    row.sent_at = now
    row.attempts += 1
