"""Import and export entry points: one call per file, in the caller's transaction.

Every row is checked before anything is written; a file with any bad row writes nothing and the
report lists every error. Writing happens in a savepoint, so a failure part-way (a case that cannot
be opened) leaves the caller's transaction as it was.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.importing.directory import Directory, ImportContext, Node
from api.importing.layouts import ORG_COLUMNS, ORG_SHEET, PEOPLE_COLUMNS, PEOPLE_SHEET, header
from api.importing.orgs import OrgPlan, org_cells
from api.importing.people import CHUNK, PeoplePlan, person_cells
from api.importing.process import PROCESS_IMPORT, ProcessStart
from api.importing.report import ImportReport
from api.importing.workbook import (
    FileUnreadable,
    SheetRows,
    find_sheet,
    open_workbook,
    read_rows,
    write_layout,
)
from engine.authz import SYSTEM, Actor
from engine.clock import SystemClock
from engine.errors import EngineError
from engine.models import Org, Person
from engine.runtime import Engine

KINDS = ("orgs", "people")


def template(kind: str) -> bytes:
    """An empty workbook of the layout, with its notes sheet and choice lists."""
    if kind not in KINDS:
        raise ValueError(kind)
    return write_layout(kind)


def import_orgs(
    session: Session,
    data: bytes,
    *,
    actor: Actor = SYSTEM,
    dry_run: bool = False,
    filename: str = "",
    engine: Engine | None = None,
) -> ImportReport:
    ctx = _context(session, "orgs", data, actor, dry_run, filename, engine)
    sheets = _read(ctx, data, people=False)
    if sheets is None:
        return ctx.report
    rows, _ = sheets
    assert rows is not None
    plan = OrgPlan(ctx, Directory(session), rows)
    if ctx.report.ok:
        plan.decide()
    if ctx.report.written:
        with session.begin_nested():
            plan.apply(session)
    return ctx.report


def import_people(
    session: Session,
    data: bytes,
    *,
    actor: Actor = SYSTEM,
    dry_run: bool = False,
    filename: str = "",
    engine: Engine | None = None,
    profile: str = "national",
    process: Mapping[str, ProcessStart] = PROCESS_IMPORT,
) -> ImportReport:
    """Import a roster; a 组织 sheet in the same workbook is imported first, in the same transaction.

    Without `engine` (or with a workflow it does not know) nobody gets a case: the report says so."""
    ctx = _context(session, "people", data, actor, dry_run, filename, engine)
    sheets = _read(ctx, data, people=True)
    if sheets is None:
        return ctx.report
    org_rows, people_rows = sheets
    assert people_rows is not None
    directory = Directory(session)
    orgs = OrgPlan(ctx, directory, org_rows) if org_rows is not None else None
    people = PeoplePlan(ctx, directory, people_rows, engine, process, profile)
    if ctx.report.ok:
        if orgs is not None:
            orgs.decide()
        people.decide()
    if ctx.report.written:
        try:
            with session.begin_nested():
                made: dict[Node, Org] = orgs.apply(session) if orgs is not None else {}
                people.apply(session, made)
        except EngineError:
            if ctx.report.ok:
                raise
    return ctx.report


def export_orgs(session: Session, *, actor: Actor = SYSTEM) -> bytes:
    """The organizations the actor covers, parents before children (the file imports as it is)."""
    directory = Directory(session)
    covered = set(directory.covered_ids(actor))
    orgs = sorted((directory.orgs[i] for i in covered), key=lambda o: _path_key(o.path))
    rows = [org_cells(o, directory.orgs[o.parent_id].name if o.parent_id else "") for o in orgs]
    return write_layout("orgs", rows)


def export_people(session: Session, *, actor: Actor = SYSTEM, org_id: int | None = None) -> bytes:
    """Everyone in the organizations the actor covers (under `org_id` only, when given)."""
    directory = Directory(session)
    covered = set(directory.covered_ids(actor))
    if org_id is not None:
        root = directory.orgs.get(org_id)
        prefix = root.path if root is not None else "/none/"
        covered = {i for i in covered if directory.orgs[i].path.startswith(prefix)}
    order = {i: _path_key(directory.orgs[i].path) for i in covered}
    ids = sorted(covered)
    people = [
        p
        for chunk in range(0, len(ids), CHUNK)
        for p in session.scalars(select(Person).where(Person.org_id.in_(ids[chunk : chunk + CHUNK])))
    ]
    people.sort(key=lambda p: (order[p.org_id or 0], p.id))
    return write_layout("people", (person_cells(p, directory.orgs[p.org_id or 0].name) for p in people))


def _context(
    session: Session,
    kind: str,
    data: bytes,
    actor: Actor,
    dry_run: bool,
    filename: str,
    engine: Engine | None,
) -> ImportContext:
    clock = engine.clock if engine is not None else SystemClock()
    digest = hashlib.sha256(data).hexdigest()[:12]
    source = f"导入 {filename or kind + '.xlsx'}（{digest}）"[:200]
    report = ImportReport(kind, dry_run, source)
    return ImportContext(session, actor, clock.today(), clock.now(), source, report)


def _read(
    ctx: ImportContext, data: bytes, *, people: bool
) -> tuple[SheetRows | None, SheetRows | None] | None:
    """The 组织 rows and (for a roster) the 人员 rows of the upload, or None after reporting why not.

    A roster's 组织 sheet is optional; an organization file's is not."""
    try:
        workbook = open_workbook(data)
        try:
            return _sheets(ctx, workbook, people)
        finally:
            workbook.close()
    except FileUnreadable as exc:
        ctx.error("", 0, "", exc.message)
        return None


def _sheets(
    ctx: ImportContext, workbook: Any, people: bool
) -> tuple[SheetRows | None, SheetRows | None] | None:
    if people:
        sheet = find_sheet(workbook, PEOPLE_SHEET, header(PEOPLE_COLUMNS, "id_number"))
        if sheet is None:
            ctx.error(PEOPLE_SHEET, 1, "", "找不到“人员”工作表（第一行应为列名，含“公民身份号码”）")
            return None
        org_sheet = workbook[ORG_SHEET] if ORG_SHEET in workbook.sheetnames else None
        people_rows = read_rows(sheet, PEOPLE_COLUMNS)
    else:
        org_sheet = find_sheet(workbook, ORG_SHEET, header(ORG_COLUMNS, "name"))
        if org_sheet is None:
            ctx.error(ORG_SHEET, 1, "", "找不到“组织”工作表（第一行应为列名，含“组织名称”）")
            return None
        people_rows = None
    org_rows = read_rows(org_sheet, ORG_COLUMNS) if org_sheet is not None else None
    for rows in (org_rows, people_rows):
        if rows is not None and rows.ignored:
            ctx.report.warnings.append(
                f"“{rows.title}”表中以下列不属于模板，已忽略：{'、'.join(rows.ignored)}"
            )
    return org_rows, people_rows


def _path_key(path: str) -> tuple[int, ...]:
    return tuple(int(part) for part in path.strip("/").split("/") if part)
