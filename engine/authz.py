"""Who may see a case and who may fire an action: role × organization scope, nothing else.

A grant covers its organization, and every organization below it when `subtree` is set. A case is
visible to whoever holds any grant covering one of its organizations, and to its subject.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.definitions import At
from engine.errors import NotFound
from engine.models import Case, CaseParty, Org, RoleGrant, User


@dataclass(frozen=True)
class Grant:
    role: str
    org_id: int
    subtree: bool


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    person_id: int | None
    name: str
    grants: tuple[Grant, ...] = ()

    @property
    def is_system(self) -> bool:
        return self.user_id is None


SYSTEM = Actor(user_id=None, person_id=None, name="系统")


def load_actor(session: Session, user_id: int) -> Actor:
    user = session.get(User, user_id)
    if user is None or not user.active:
        raise NotFound("用户不存在或已停用")
    grants = session.scalars(select(RoleGrant).where(RoleGrant.user_id == user_id))
    return Actor(
        user_id=user.id,
        person_id=user.person_id,
        name=user.display_name,
        grants=tuple(Grant(g.role, g.org_id, g.subtree) for g in grants),
    )


def covers(grant: Grant, org: Org) -> bool:
    return grant.org_id == org.id or (grant.subtree and grant.org_id in org.ancestor_ids())


def holds(actor: Actor, role: str, org: Org) -> bool:
    return any(g.role == role and covers(g, org) for g in actor.grants)


def can_see(actor: Actor, case: Case, orgs: Iterable[Org]) -> bool:
    if actor.is_system or (actor.person_id is not None and actor.person_id == case.subject_id):
        return True
    return any(covers(g, org) for g in actor.grants for org in orgs)


def case_orgs(session: Session, case: Case) -> list[Org]:
    """The owner and every party organization of a case."""
    parties = session.scalars(
        select(Org).join(CaseParty, CaseParty.org_id == Org.id).where(CaseParty.case_id == case.id)
    )
    return [case.org, *parties]


def resolve_org(session: Session, case: Case, at: str) -> Org | None:
    """The organization a permission or task names, relative to the case."""
    if at == At.OWNER:
        return case.org
    if at == At.PARENT:
        return case.org.parent
    if at == At.APPROVING_COMMITTEE:
        return approving_committee(session, case.org)
    if at == At.DEPARTMENT:
        return organization_department(session, case.org)
    if at.startswith("party:"):
        role = at.removeprefix("party:")
        return session.scalar(
            select(Org)
            .join(CaseParty, CaseParty.org_id == Org.id)
            .where(CaseParty.case_id == case.id, CaseParty.role == role)
        )
    return None


def approving_committee(session: Session, org: Org) -> Org | None:
    """The nearest organization above (or at) `org` that may approve admissions (细则 第二十二条)."""
    ids = list(reversed(org.ancestor_ids()))
    rows = {o.id: o for o in session.scalars(select(Org).where(Org.id.in_(ids)))}
    for org_id in ids:
        candidate = rows.get(org_id)
        if candidate is not None and candidate.can_approve_admission:
            return candidate
    return None


def organization_department(session: Session, org: Org) -> Org | None:
    """The 组织部门 attached to the nearest committee above `org` that has one (it numbers 活动证)."""
    ids = org.ancestor_ids()
    found = {
        d.parent_id: d
        for d in session.scalars(
            select(Org).where(Org.kind == "organization_department", Org.parent_id.in_(ids)).order_by(Org.id)
        )
    }
    return next((found[i] for i in reversed(ids) if i in found), None)


def permitted(session: Session, actor: Actor, case: Case, role: str, at: str) -> bool:
    if at == At.SUBJECT:
        return actor.person_id is not None and actor.person_id == case.subject_id
    org = resolve_org(session, case, at)
    return org is not None and holds(actor, role, org)
