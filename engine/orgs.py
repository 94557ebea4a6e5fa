"""Organization tree upkeep: the materialized path every subtree scope relies on."""

from __future__ import annotations

from sqlalchemy.orm import Session

from engine.models import Org


def add_org(session: Session, parent: Org | None, **fields: object) -> Org:
    """Insert an organization and set its path ('/root/…/self/')."""
    org = Org(parent_id=parent.id if parent else None, **fields)
    session.add(org)
    session.flush()
    org.path = f"{parent.path if parent else '/'}{org.id}/"
    return org
