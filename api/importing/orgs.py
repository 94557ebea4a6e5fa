"""Organizations from the 组织 sheet: check every row against the file and the database, then
create the new ones parent first and update the changed ones, keeping every materialized path right.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, literal, select, update
from sqlalchemy.orm import Session

from api.importing.directory import Directory, ImportContext, Node
from api.importing.layouts import ORG_COLUMNS, header
from api.importing.report import RowAction
from api.importing.workbook import CellError, SheetRows, parse, show
from engine.models import Org, Task
from engine.orgs import add_org

FIELDS = ("short_name", "kind", "region_code", "can_approve_admission", "address", "phone", "postcode")
_DIGITS = re.compile(r"[0-9]+")
HEADERS = [c.header for c in ORG_COLUMNS]


@dataclass
class OrgRow:
    row: int
    values: dict[str, Any]
    node: Node = ""
    parent: Node | None = None
    action: RowAction | None = None
    changes: dict[str, Any] = field(default_factory=dict)
    linked: bool = True

    @property
    def name(self) -> str:
        return str(self.values["name"])


class OrgPlan:
    """Checked rows of one 组织 sheet, ready to be written."""

    def __init__(self, ctx: ImportContext, directory: Directory, sheet: SheetRows) -> None:
        self.ctx, self.directory, self.sheet = ctx, directory, sheet.title
        self.rows: list[OrgRow] = []
        for column in sheet.missing:
            ctx.error(self.sheet, 1, column, "缺少此列（必填）")
        seen: dict[str, int] = {}
        for number, raw in sheet.rows:
            row = self._parse(number, raw)
            if row is None:
                continue
            if row.name in seen:
                self._error(row, "name", f"与第{seen[row.name]}行重复")
                continue
            seen[row.name] = number
            _, problem = directory.existing(row.name)
            if problem:
                self._error(row, "name", problem)
                continue
            row.node = directory.plan(
                row.name, row.values["short_name"], row.values["parent"], row.values["kind"]
            )
            self.rows.append(row)
        for row in self.rows:
            self._link(row)
        for row in self.rows:
            self._check_tree(row)

    def _error(self, row: OrgRow, field_name: str, message: str) -> None:
        self.ctx.error(self.sheet, row.row, header(ORG_COLUMNS, field_name), message)

    def _parse(self, number: int, raw: dict[str, Any]) -> OrgRow | None:
        values: dict[str, Any] = {}
        bad = False
        for column in ORG_COLUMNS:
            try:
                values[column.field] = parse(column, raw.get(column.header))
            except CellError as exc:
                self.ctx.error(self.sheet, number, column.header, exc.message)
                bad = True
                continue
            if column.required and values[column.field] in ("", None):
                self.ctx.error(self.sheet, number, column.header, "必填")
                bad = True
        bad = self._check_codes(number, values) or bad
        return None if bad else OrgRow(number, values)

    def _check_codes(self, number: int, values: dict[str, Any]) -> bool:
        problems = []
        region = values.get("region_code", "")
        if region and not (_DIGITS.fullmatch(region) and len(region) in (6, 9, 12)):
            problems.append(("行政区划代码", "应为6位、9位或12位数字"))
        postcode = values.get("postcode", "")
        if postcode and not (_DIGITS.fullmatch(postcode) and len(postcode) == 6):
            problems.append(("邮编", "应为6位数字"))
        for column, message in problems:
            self.ctx.error(self.sheet, number, column, message)
        return bool(problems)

    def _link(self, row: OrgRow) -> None:
        parent_name = row.values["parent"]
        if not parent_name:
            row.parent = None
        else:
            parent, problem = self.directory.resolve(parent_name)
            if parent is None:
                self._error(row, "parent", problem)
                row.linked = False
                return
            if parent == row.node:
                self._error(row, "parent", "上级组织不能是本组织")
                row.linked = False
                return
            row.parent = parent
        self.directory.parent_of[row.node] = row.parent

    def _check_tree(self, row: OrgRow) -> None:
        if not row.linked:
            return
        directory, actor = self.directory, self.ctx.actor
        chain, loops = directory.chain(row.node)
        if loops:
            names = " → ".join(directory.name_of(n) for n in [*chain, chain[0]])
            self._error(row, "parent", f"上级关系形成循环：{names}")
            return
        existing = row.node if isinstance(row.node, int) else None
        if existing is not None and not directory.covered_now(actor, existing):
            self._error(row, "name", "该组织不在您的管理范围内")
        elif not directory.covered(actor, row.node):
            message = (
                "上级组织不在您的管理范围内，不能在其下新建或移入组织"
                if row.parent is not None
                else "不能新建顶级组织或将组织移为顶级组织（超出您的管理范围）"
            )
            self._error(row, "parent", message)

    def decide(self) -> None:
        """Count each row as created, updated or unchanged (after every row passed its checks)."""
        for row in self.rows:
            row.action = RowAction(self.sheet, row.row, row.name, "create")
            if isinstance(row.node, int):
                org = self.directory.orgs[row.node]
                row.changes = {f: row.values[f] for f in FIELDS if getattr(org, f) != row.values[f]}
                if org.parent_id != row.parent:
                    row.changes["parent_id"] = row.parent
                labels = sorted((_label(f) for f in row.changes), key=HEADERS.index)
                row.action = RowAction(
                    self.sheet, row.row, row.name, "update" if labels else "unchanged", labels
                )
            self.ctx.report.count(row.action)

    def apply(self, session: Session) -> dict[Node, Org]:
        """Write the plan; returns every organization of the file by node (new ones now have ids)."""
        made: dict[Node, Org] = {}
        pending = [r for r in self.rows if isinstance(r.node, str)]
        while pending:  # parents first: a row waits until its parent exists
            ready = [r for r in pending if not isinstance(r.parent, str) or r.parent in made]
            for row in ready:
                parent = self._org(row.parent, made)
                fields = {f: row.values[f] for f in FIELDS}
                made[row.node] = add_org(session, parent, name=row.name, **fields)
            pending = [r for r in pending if r not in ready]
        moved: list[tuple[Org, Org | None]] = []
        for row in self.rows:
            if not isinstance(row.node, int):
                continue
            org = self.directory.orgs[row.node]
            made[row.node] = org
            for name, value in row.changes.items():
                if name != "parent_id":
                    setattr(org, name, value)
            if "parent_id" in row.changes:
                moved.append((org, self._org(row.parent, made)))
        session.flush()
        for org, parent in sorted(moved, key=lambda m: len(self.directory.chain(m[0].id)[0])):
            _move(session, org, parent)
        return made

    def _org(self, node: Node | None, made: dict[Node, Org]) -> Org | None:
        if node is None:
            return None
        return made[node] if node in made else self.directory.orgs[int(node)]


def _move(session: Session, org: Org, parent: Org | None) -> None:
    """Re-parent `org` and rewrite the paths of its subtree and of the tasks queued there."""
    old = session.scalar(select(Org.path).where(Org.id == org.id)) or org.path
    new_parent_path = session.scalar(select(Org.path).where(Org.id == parent.id)) if parent else "/"
    new = f"{new_parent_path}{org.id}/"
    org.parent_id = parent.id if parent else None
    session.flush()
    for column, table in ((Org.path, Org), (Task.queue_org_path, Task)):
        session.execute(
            update(table)
            .where(column.startswith(old))
            .values({column.key: literal(new) + func.substr(column, len(old) + 1)})
            .execution_options(synchronize_session=False)
        )
    for instance in list(session.identity_map.values()):
        if isinstance(instance, Org):
            session.expire(instance, ["path"])


def _label(field_name: str) -> str:
    return "上级组织" if field_name == "parent_id" else header(ORG_COLUMNS, field_name)


def org_cells(org: Org, parent_name: str) -> list[Any]:
    """One organization as a row of the 组织 sheet."""
    values: dict[str, Any] = {f: getattr(org, f) for f in FIELDS}
    values.update(name=org.name, parent=parent_name)
    return [show(c, values[c.field]) for c in ORG_COLUMNS]
