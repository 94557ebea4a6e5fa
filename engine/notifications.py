"""In-app notifications, one row per recipient, and the outbox job that e-mails them when possible."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from engine import outbox
from engine.models import Notification, Org, RoleGrant, User


def recipients(session: Session, org: Org, role: str) -> list[User]:
    """Active users holding `role` at `org`, or above it with a subtree grant."""
    covering = or_(
        RoleGrant.org_id == org.id,
        RoleGrant.subtree.is_(True) & RoleGrant.org_id.in_(org.ancestor_ids()),
    )
    query = (
        select(User)
        .join(RoleGrant, RoleGrant.user_id == User.id)
        .where(RoleGrant.role == role, covering, User.active.is_(True))
        .distinct()
        .order_by(User.id)
    )
    return list(session.scalars(query))


def notify(
    session: Session,
    *,
    org: Org,
    role: str,
    kind: str,
    title: str,
    body: str,
    now: datetime,
    case_id: int | None = None,
    timer_id: int | None = None,
    known_recipients: list[User] | None = None,
) -> list[Notification]:
    """Notify every holder of the role; with none, leave it in the organization's inbox for that role.

    `known_recipients` lets a caller that notifies one queue many times look its holders up once."""
    found = recipients(session, org, role) if known_recipients is None else known_recipients
    users: list[User | None] = [*found] or [None]
    rows = [
        Notification(
            user_id=user.id if user else None,
            org_id=org.id,
            role=role,
            kind=kind,
            title=title,
            body=body,
            created_at=now,
            case_id=case_id,
            timer_id=timer_id,
        )
        for user in users
    ]
    session.add_all(rows)
    session.flush()
    for row, user in zip(rows, users, strict=True):
        if user is not None and user.email:
            outbox.enqueue(session, "send_email", {"notification_id": row.id}, now)
    return rows


def inbox(
    session: Session, user_id: int, *, unread_only: bool = False, limit: int = 50
) -> list[Notification]:
    query = select(Notification).where(Notification.user_id == user_id)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    return list(session.scalars(query.order_by(Notification.id.desc()).limit(limit)))


def mark_read(session: Session, user_id: int, notification_id: int, now: datetime) -> bool:
    row = session.get(Notification, notification_id)
    if row is None or row.user_id != user_id:
        return False
    row.read_at = row.read_at or now
    return True
