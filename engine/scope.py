"""Organization scope as SQL: which rows an actor's grants cover, for lists and searches.

A grant covers its organization, and with `subtree` every organization whose path starts with its
path. Lists filter with these clauses, so nothing outside the actor's organizations is ever read.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, exists, false, or_, select
from sqlalchemy.orm import Session

from engine.authz import Actor, Grant
from engine.models import Case, CaseParty, Org


def grant_paths(session: Session, grants: Iterable[Grant]) -> list[tuple[Grant, str]]:
    grants = list(grants)
    rows = session.execute(select(Org.id, Org.path).where(Org.id.in_([g.org_id for g in grants])))
    paths: dict[int, str] = {org_id: path for org_id, path in rows}
    return [(g, paths[g.org_id]) for g in grants if g.org_id in paths]


def org_covered(session: Session, actor: Actor, roles: Iterable[str] | None = None) -> ColumnElement[bool]:
    """A clause on `Org` (join it first): the organization is covered by one of the actor's grants."""
    wanted = set(roles) if roles is not None else None
    grants = [g for g in actor.grants if wanted is None or g.role in wanted]
    clauses = [
        Org.path.startswith(path) if g.subtree else Org.id == g.org_id
        for g, path in grant_paths(session, grants)
    ]
    return or_(*clauses) if clauses else false()


def case_visible(session: Session, actor: Actor) -> ColumnElement[bool]:
    """A clause on `Case`: its owner or one of its parties is covered, or it is the actor's own case."""
    covered = org_covered(session, actor)
    owner = exists(select(Org.id).where(Org.id == Case.org_id, covered))
    party = exists(
        select(CaseParty.id)
        .join(Org, Org.id == CaseParty.org_id)
        .where(CaseParty.case_id == Case.id, covered)
    )
    own = Case.subject_id == actor.person_id if actor.person_id is not None else false()
    return or_(owner, party, own)
