"""Organizations in the caller's scope, as a flat list that draws the tree (parent ids and paths)."""

from __future__ import annotations

from dataclasses import dataclass

from litestar import Controller, get
from litestar.params import FromQuery
from sqlalchemy import select

from api.routes.common import (
    AnyRequest,
    ObjectId,
    PageSize,
    actor_of,
    decode_cursor,
    encode_cursor,
    page_size,
    services_of,
)
from engine.errors import NotFound
from engine.models import Org
from engine.scope import org_covered


@dataclass
class OrgOut:
    id: int
    name: str
    short_name: str
    kind: str
    parent_id: int | None
    path: str
    region_code: str
    can_approve_admission: bool

    @classmethod
    def of(cls, org: Org) -> OrgOut:
        return cls(
            org.id,
            org.name,
            org.short_name,
            org.kind,
            org.parent_id,
            org.path,
            org.region_code,
            org.can_approve_admission,
        )


@dataclass
class OrgPage:
    items: list[OrgOut]
    next_cursor: str | None


class OrgController(Controller):
    path = "/api/orgs"
    tags = ["orgs"]

    @get("/", operation_id="listOrgs", sync_to_thread=True)
    def list_orgs(
        self, request: AnyRequest, cursor: FromQuery[str | None] = None, limit: PageSize = 100
    ) -> OrgPage:
        """Every organization a grant of the caller covers, in tree order (by path)."""
        services, actor = services_of(request), actor_of(request)
        after = decode_cursor(cursor).get("path", "")
        with services.engine.sessions() as s:
            query = select(Org).where(org_covered(s, actor), Org.path > after).order_by(Org.path)
            rows = list(s.scalars(query.limit(page_size(limit) + 1)))
        more = len(rows) > limit
        items = [OrgOut.of(o) for o in rows[:limit]]
        return OrgPage(items, encode_cursor({"path": items[-1].path}) if more and items else None)

    @get("/{org_id:int}", operation_id="getOrg", sync_to_thread=True)
    def get_org(self, request: AnyRequest, org_id: ObjectId) -> OrgOut:
        services, actor = services_of(request), actor_of(request)
        with services.engine.sessions() as s:
            org = s.scalar(select(Org).where(Org.id == org_id, org_covered(s, actor)))
            if org is None:
                raise NotFound("组织不存在或不在您的管理范围内")
            return OrgOut.of(org)
