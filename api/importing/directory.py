"""The organization tree as an import sees it: the database's organizations with the file's rows
laid over them, looked up by full name or unambiguous short name, and the importer's scope on it.

A node is an existing organization's id (int) or, for an organization the file creates, its name
(str), so two organizations of one name in the database never get mixed up.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.importing.report import ImportReport, RowError
from engine.authz import Actor, covers
from engine.models import Org

Node = int | str
# Roles that may import and export rosters, over the organizations their grants cover.
IMPORTER_ROLES = frozenset({"administrator", "organization_department"})


@dataclass
class ImportContext:
    session: Session
    actor: Actor
    today: date
    now: datetime
    source: str
    report: ImportReport

    def error(self, sheet: str, row: int, column: str, message: str) -> None:
        self.report.errors.append(RowError(sheet, row, column, message))


@dataclass
class Planned:
    """What the file says about one organization: its parent (as written) and its short name."""

    name: str
    short_name: str
    parent: str
    node: Node


class Directory:
    def __init__(self, session: Session) -> None:
        self.orgs: dict[int, Org] = {o.id: o for o in session.scalars(select(Org))}
        self.by_name: dict[str, list[int]] = defaultdict(list)
        self.by_short: dict[str, set[int]] = defaultdict(set)
        for org in self.orgs.values():
            self.by_name[org.name].append(org.id)
            if org.short_name:
                self.by_short[org.short_name].add(org.id)
        self.planned: dict[str, Planned] = {}  # by full name
        self.parent_of: dict[Node, Node | None] = {o.id: o.parent_id for o in self.orgs.values()}
        self.kind_of: dict[Node, str] = {o.id: o.kind for o in self.orgs.values()}

    def existing(self, name: str) -> tuple[int | None, str]:
        """The id of the database organization of this full name, or an error when there are several."""
        ids = self.by_name.get(name, [])
        if len(ids) > 1:
            return None, f"系统中有{len(ids)}个名为“{name}”的组织，无法确定是哪一个，请先在系统中处理重名"
        return (ids[0] if ids else None), ""

    def plan(self, name: str, short_name: str, parent: str, kind: str) -> Node:
        node: Node = self.existing(name)[0] or name
        self.planned[name] = Planned(name, short_name, parent, node)
        self.kind_of[node] = kind
        if isinstance(node, int) and (old := self.orgs[node].short_name):
            self.by_short[old].discard(node)
        return node

    def resolve(self, name: str) -> tuple[Node | None, str]:
        """The node a cell names: a full name first, else a short name that names one organization."""
        if name in self.planned:
            return self.planned[name].node, ""
        node, problem = self.existing(name)
        if node is not None or problem:
            return node, problem
        matches: set[Node] = set(self.by_short.get(name, set()))
        matches |= {p.node for p in self.planned.values() if p.short_name == name}
        if len(matches) > 1:
            return None, f"有{len(matches)}个组织简称为“{name}”，请填写全称"
        if not matches:
            return None, f"找不到组织“{name}”（系统中没有，本文件中也没有）"
        return matches.pop(), ""

    def name_of(self, node: Node) -> str:
        return node if isinstance(node, str) else self.orgs[node].name

    def chain(self, node: Node) -> tuple[list[Node], bool]:
        """`node` and its ancestors in the tree as the file leaves it, and whether it loops."""
        seen: list[Node] = []
        current: Node | None = node
        while current is not None:
            if current in seen:
                return seen, True
            seen.append(current)
            current = self.parent_of.get(current)
        return seen, False

    def covered(self, actor: Actor, node: Node) -> bool:
        """Whether the importer's grants cover `node` in the tree as the file leaves it."""
        if actor.is_system:
            return True
        ancestors = {n for n in self.chain(node)[0] if isinstance(n, int)}
        return any(
            g.role in IMPORTER_ROLES and (g.org_id == node or (g.subtree and g.org_id in ancestors))
            for g in actor.grants
        )

    def covered_now(self, actor: Actor, org_id: int) -> bool:
        """Whether the importer's grants cover an existing organization where it stands today."""
        org = self.orgs[org_id]
        return actor.is_system or any(g.role in IMPORTER_ROLES and covers(g, org) for g in actor.grants)

    def covered_ids(self, actor: Actor) -> Iterable[int]:
        return (i for i in self.orgs if self.covered_now(actor, i))
