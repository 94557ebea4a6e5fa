"""The organization tree within the caller's scope, and one organization's page."""

from __future__ import annotations

from typing import Any

from litestar import get
from litestar.response import Template
from sqlalchemy import func, select

from api.routes.common import ObjectId
from api.web.common import AnyRequest, actor_of, page, services
from engine.errors import NotFound
from engine.models import Case, Org, Person, Task
from engine.scope import org_covered


def covered_orgs(request: AnyRequest) -> list[dict[str, Any]]:
    """Every organization the caller's grants cover, in tree order, with its depth and head counts."""
    svc, actor = services(request), actor_of(request)
    with svc.engine.sessions() as s:
        rows = list(s.scalars(select(Org).where(org_covered(s, actor)).order_by(Org.path)))
        people = dict(s.execute(select(Person.org_id, func.count()).group_by(Person.org_id)).all())
        open_cases = dict(
            s.execute(
                select(Case.org_id, func.count()).where(Case.closed.is_(False)).group_by(Case.org_id)
            ).all()
        )
        s.expunge_all()
    top = min((o.path.count("/") for o in rows), default=0)
    return [
        {
            "org": o,
            "depth": o.path.count("/") - top,
            "people": people.get(o.id, 0),
            "open_cases": open_cases.get(o.id, 0),
        }
        for o in rows
    ]


@get("/orgs", operation_id="orgTreePage", include_in_schema=False, sync_to_thread=True)
def org_tree(request: AnyRequest) -> Template:
    return page(request, "orgs/tree.html", {"orgs": covered_orgs(request)})


@get("/orgs/{org_id:int}", operation_id="orgPage", include_in_schema=False, sync_to_thread=True)
def org_page(request: AnyRequest, org_id: ObjectId) -> Template:
    svc, actor = services(request), actor_of(request)
    with svc.engine.sessions() as s:
        org = s.scalar(select(Org).where(Org.id == org_id, org_covered(s, actor)))
        if org is None:
            raise NotFound("组织不存在或不在您的管理范围内")
        children = list(s.scalars(select(Org).where(Org.parent_id == org.id).order_by(Org.path)))
        parent = org.parent
        by_status = dict(
            s.execute(
                select(Person.status, func.count()).where(Person.org_id == org.id).group_by(Person.status)
            ).all()
        )
        overdue = s.scalar(
            select(func.count())
            .select_from(Task)
            .where(
                Task.status == "open",
                Task.queue_org_path.startswith(org.path),
                Task.due_date < svc.engine.clock.today(),
            )
        )
        s.expunge_all()
    context = {
        "org": org,
        "parent": parent,
        "children": children,
        "by_status": by_status,
        "overdue": int(overdue or 0),
    }
    return page(request, "orgs/org.html", context)


HANDLERS = [org_tree, org_page]
