"""People from the 人员 sheet: every row checked (identity number, dates, status, branch, scope,
duplicates) before anything is written; then new people are added, changed fields updated with a
history row each, and people in the middle of the development process get their case.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.importing.directory import Directory, ImportContext, Node
from api.importing.layouts import (
    EXTRA_FIELDS,
    LADDER,
    MEMBER_ORG_KINDS,
    MEMBER_STATUSES,
    PEOPLE_COLUMNS,
    STATUS_DATES,
    STATUS_LABEL,
    Cell,
    column,
    header,
)
from api.importing.process import ProcessStart, case_opening, extension_bounds, full_membership_day
from api.importing.report import RowAction
from api.importing.workbook import CellError, SheetRows, parse, show
from engine.authz import SYSTEM
from engine.errors import EngineError, NotFound
from engine.identity import InvalidIdNumber, mask_id_number, mask_name, parse_id_number
from engine.machine import state_paths
from engine.models import Case, Org, Person, PersonChange
from engine.runtime import Engine

ATTRIBUTES = (
    "name", "sex", "ethnicity", "birth_date", "education", "phone", "status", "org_id", "work_unit",
    "mobile", "admitted_on", "full_member_since", "dues_paid_until",
)  # fmt: skip
# What only a process may change once the person has a case: status and the ladder's dates.
PROCESS_FIELDS = frozenset({"status", *LADDER, "probation_extended_to"})
CHUNK = 500
DEFAULT_ETHNICITY = "汉族"


@dataclass
class PersonRow:
    row: int
    values: dict[str, Any]
    org: Node = 0
    person: Person | None = None
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # field -> (old, new)
    start: ProcessStart | None = None

    @property
    def id_number(self) -> str:
        return str(self.values["id_number"])

    def key(self) -> str:
        return f"{self.values['name']}（{mask_id_number(self.id_number)}）"


class PeoplePlan:
    def __init__(
        self,
        ctx: ImportContext,
        directory: Directory,
        sheet: SheetRows,
        engine: Engine | None,
        process: Mapping[str, ProcessStart],
        profile: str = "national",
    ) -> None:
        self.ctx, self.directory, self.sheet = ctx, directory, sheet.title
        self.engine, self.process, self.profile = engine, process, profile
        self.rows: list[PersonRow] = []
        for name in sheet.missing:
            ctx.error(self.sheet, 1, name, "缺少此列（必填）")
        seen: dict[str, int] = {}
        for number, raw in sheet.rows:
            row = self._parse(number, raw)
            if row is None or not self._check(row):
                continue
            if row.id_number in seen:
                self._error(
                    row, "id_number", f"与第{seen[row.id_number]}行的公民身份号码重复（同一人只能有一行）"
                )
                continue
            seen[row.id_number] = number
            self.rows.append(row)
        self._match_existing()

    # -- checking one row ------------------------------------------------------------------

    def _error(self, row: PersonRow | int, field_name: str, message: str) -> None:
        number = row if isinstance(row, int) else row.row
        self.ctx.error(self.sheet, number, header(PEOPLE_COLUMNS, field_name) if field_name else "", message)

    def _parse(self, number: int, raw: dict[str, Any]) -> PersonRow | None:
        values: dict[str, Any] = {}
        bad = False
        for spec in PEOPLE_COLUMNS:
            try:
                values[spec.field] = parse(spec, raw.get(spec.header))
            except CellError as exc:
                self._error(number, spec.field, exc.message)
                bad = True
                continue
            if spec.required and values[spec.field] in ("", None):
                self._error(number, spec.field, "必填")
                bad = True
        if bad:
            return None
        values["ethnicity"] = values["ethnicity"] or DEFAULT_ETHNICITY
        return PersonRow(number, values)

    def _check(self, row: PersonRow) -> bool:
        before = len(self.ctx.report.errors)
        self._check_identity(row)
        self._check_dates(row)
        self._check_org(row)
        return len(self.ctx.report.errors) == before

    def _check_identity(self, row: PersonRow) -> None:
        values = row.values
        try:
            number = parse_id_number(values["id_number"], today=self.ctx.today)
        except InvalidIdNumber as exc:
            self._error(row, "id_number", exc.message)
            return
        values["id_number"] = number.value
        if number.birth_date != values["birth_date"]:
            self._error(
                row, "birth_date", f"与公民身份号码中的出生日期（{number.birth_date.isoformat()}）不一致"
            )
        if number.sex != values["sex"]:
            self._error(row, "sex", f"与公民身份号码不一致（号码第17位表示“{number.sex}”）")

    def _check_dates(self, row: PersonRow) -> None:
        values, status = row.values, row.values["status"]
        label = STATUS_LABEL[status]
        allowed = STATUS_DATES[status]
        for name in (*LADDER, "probation_extended_to"):
            if values[name] and name not in allowed:
                self._error(row, name, f"人员类别为“{label}”，不应填写此项")
        if status in MEMBER_STATUSES and not values["admitted_on"]:
            self._error(row, "admitted_on", f"人员类别为“{label}”，此项必填")
        if status == "full_member" and not values["full_member_since"]:
            self._error(row, "full_member_since", "人员类别为“正式党员”，此项必填")
        if values["dues_paid_until"] and status not in MEMBER_STATUSES:
            self._error(row, "dues_paid_until", f"人员类别为“{label}”，不交纳党费，不应填写此项")
        for spec in PEOPLE_COLUMNS:
            day = values[spec.field]
            if (
                spec.cell is Cell.DATE
                and spec.field != "probation_extended_to"
                and day
                and day > self.ctx.today
            ):
                self._error(row, spec.field, "不能晚于今天")
        self._check_order(row)
        self._check_probation(row)

    def _check_order(self, row: PersonRow) -> None:
        values = row.values
        previous: tuple[str, date] = ("birth_date", values["birth_date"])
        for name in LADDER:
            day = values[name]
            if not day or name not in STATUS_DATES[values["status"]]:
                continue
            earlier_name, earlier = previous
            if day < earlier or (name == "full_member_since" and day == earlier):
                word = "晚于" if name == "full_member_since" else "不早于"
                self._error(
                    row, name,
                    f"应{word}{header(PEOPLE_COLUMNS, earlier_name)}（{earlier.isoformat()}）",
                )  # fmt: skip
            previous = (name, day)

    def _check_probation(self, row: PersonRow) -> None:
        values = row.values
        admitted, extended, full = (
            values["admitted_on"],
            values["probation_extended_to"],
            values["full_member_since"],
        )
        if not admitted or values["status"] not in MEMBER_STATUSES:
            return
        if extended:
            low, high = extension_bounds(admitted)
            if not low <= extended <= high:
                self._error(
                    row, "probation_extended_to",
                    f"延长预备期不能少于半年，最长不超过一年：应在{low.isoformat()}至{high.isoformat()}之间",
                )  # fmt: skip
                return
        if full and full > admitted:
            expected = full_membership_day(admitted, extended)
            if full != expected:
                why = (
                    f"延长预备期至{extended.isoformat()}，转正日期应为其次日"
                    if extended
                    else "预备期一年，转正日期应为入党日期满一年之日；如延长了预备期，请填写“延长预备期至”"
                )
                self._error(row, "full_member_since", f"应为{expected.isoformat()}（{why}）")

    def _check_org(self, row: PersonRow) -> None:
        node, problem = self.directory.resolve(row.values["org"])
        if node is None:
            self._error(row, "org", problem)
            return
        kind = self.directory.kind_of.get(node, "")
        if kind not in MEMBER_ORG_KINDS:
            self._error(
                row, "org", f"“{row.values['org']}”不是党支部，人员应编入党支部、党总支或流动党员党支部"
            )
            return
        if not self.directory.covered(self.ctx.actor, node):
            self._error(row, "org", "该组织不在您的管理范围内")
            return
        row.org = node

    # -- against the database ---------------------------------------------------------------

    def _match_existing(self) -> None:
        session = self.ctx.session
        by_number = {r.id_number: r for r in self.rows}
        numbers = list(by_number)
        for start in range(0, len(numbers), CHUNK):
            for person in session.scalars(
                select(Person).where(Person.id_number.in_(numbers[start : start + CHUNK]))
            ):
                by_number[person.id_number].person = person
        existing = {r.person.id: r for r in self.rows if r.person is not None}
        self.cases: dict[int, list[Case]] = {}
        ids = list(existing)
        for start in range(0, len(ids), CHUNK):
            for case in session.scalars(
                select(Case).where(Case.subject_id.in_(ids[start : start + CHUNK])).order_by(Case.id)
            ):
                self.cases.setdefault(case.subject_id, []).append(case)
        for row in self.rows:
            if row.person is not None:
                self._check_update(row)
        self._check_processes()

    def _check_update(self, row: PersonRow) -> None:
        person = row.person
        assert person is not None
        if person.name != row.values["name"]:
            self._error(
                row, "name",
                f"该公民身份号码已登记为“{mask_name(person.name)}”，与本行姓名不一致；请核对号码（更名请在系统中办理）",
            )  # fmt: skip
            return
        if person.org_id is not None and not self.directory.covered_now(self.ctx.actor, person.org_id):
            self._error(row, "id_number", "该人员已登记在您管理范围以外的组织，不能通过导入修改")
            return
        row.changes = self._differences(row, person)
        cases = self.cases.get(person.id, [])
        managed = sorted(PROCESS_FIELDS & set(row.changes), key=_position)
        if managed and cases:
            self._error(
                row, managed[0],
                f"该人员已有流程案件（案件{cases[-1].id}），人员类别和发展日期由流程办理，不能通过导入修改",
            )  # fmt: skip
        open_cases = [c for c in cases if not c.closed]
        if "org_id" in row.changes and open_cases:
            self._error(
                row, "org",
                f"该人员有正在办理的流程（案件{open_cases[0].id}），变更所在党支部请办理组织关系转接",
            )  # fmt: skip

    def _differences(self, row: PersonRow, person: Person) -> dict[str, tuple[Any, Any]]:
        new = self._stored(row)
        old: dict[str, Any] = {a: getattr(person, a) for a in ATTRIBUTES}
        extra = person.extra or {}
        old.update({f: _date(extra.get(f)) for f in EXTRA_FIELDS})
        return {f: (old[f], value) for f, value in new.items() if old[f] != value}

    def _stored(self, row: PersonRow) -> dict[str, Any]:
        """The row as the values a Person holds (the organization by id, once it exists)."""
        stored = {a: row.values[a] for a in ATTRIBUTES if a != "org_id"}
        stored["org_id"] = row.org
        stored.update({f: row.values[f] for f in EXTRA_FIELDS})
        return stored

    def _check_processes(self) -> None:
        missing: dict[str, int] = {}
        for row in self.rows:
            start = self.process.get(row.values["status"])
            if start is None or case_opening(start, row.values) is None:
                continue
            if row.person is not None and any(
                c.workflow == start.workflow for c in self.cases.get(row.person.id, [])
            ):
                continue
            if self.engine is None or not _registered(self.engine, start.workflow):
                missing[f"流程“{start.workflow}”"] = missing.get(f"流程“{start.workflow}”", 0) + 1
                continue
            if not _has_profile(self.engine, self.profile):
                missing[f"政策配置“{self.profile}”"] = missing.get(f"政策配置“{self.profile}”", 0) + 1
                continue
            workflow = self.engine.registry.get(start.workflow)
            if start.state not in state_paths(workflow):
                self._error(row, "status", f"流程“{workflow.title}”没有环节 {start.state}（导入配置有误）")
                continue
            row.start = start
        for name, count in missing.items():
            self.ctx.report.warnings.append(
                f"{name}尚未安装：{count}名正在发展过程中的人员只登记了人员信息，未建立案件"
            )

    # -- deciding and writing ---------------------------------------------------------------

    def decide(self) -> None:
        for row in self.rows:
            if row.person is None:
                action = RowAction(self.sheet, row.row, row.key(), "create")
            else:
                changed = [_label(f) for f in sorted(row.changes, key=_position)]
                action = RowAction(
                    self.sheet, row.row, row.key(), "update" if changed else "unchanged", changed
                )
            if row.start is not None:
                action.case = f"{row.start.workflow}: {row.start.state}"
                self.ctx.report.cases_opened += 1
            self.ctx.report.count(action)

    def apply(self, session: Session, orgs: Mapping[Node, Org]) -> None:
        def org_id(node: Node) -> int:
            return orgs[node].id if node in orgs else int(node)

        created: list[Person] = []
        for row in self.rows:
            if row.person is None:
                row.person = Person(**self._new_values(row, org_id(row.org)))
                created.append(row.person)
            elif row.changes:
                self._update(session, row, org_id(row.org))
        session.add_all(created)
        session.flush()
        self._open_cases(session)

    def _new_values(self, row: PersonRow, org_id: int) -> dict[str, Any]:
        values = {a: row.values[a] for a in ATTRIBUTES if a != "org_id"}
        values.update(org_id=org_id, id_number=row.id_number)
        values["extra"] = {f: row.values[f].isoformat() for f in EXTRA_FIELDS if row.values[f]}
        return values

    def _update(self, session: Session, row: PersonRow, org_id: int) -> None:
        person = row.person
        assert person is not None
        extra = dict(person.extra or {})
        for name, (old, new) in row.changes.items():
            if name in EXTRA_FIELDS:
                if new:
                    extra[name] = new.isoformat()
                else:
                    extra.pop(name, None)
            else:
                setattr(person, name, org_id if name == "org_id" else new)
            session.add(
                PersonChange(
                    person_id=person.id, field=name, old=self._text(name, old), new=self._text(name, new),
                    source=self.ctx.source, changed_by=self.ctx.actor.user_id, changed_at=self.ctx.now,
                )
            )  # fmt: skip
        person.extra = extra

    def _text(self, name: str, value: Any) -> str | None:
        if name == "org_id":
            return self.directory.name_of(value) if value else None
        spec = column(PEOPLE_COLUMNS, name)
        shown = show(spec, value)
        if shown is None:
            return None
        return shown.isoformat() if isinstance(shown, date) else str(shown)

    def _open_cases(self, session: Session) -> None:
        for row in self.rows:
            if row.start is None or self.engine is None:
                continue
            person = row.person
            assert person is not None and person.org_id is not None
            opening = case_opening(row.start, row.values)
            assert opening is not None
            since, data = opening
            data["imported"] = {"source": self.ctx.source, "by": self.ctx.actor.user_id}
            try:
                self.engine.open_case_in(
                    session, workflow=row.start.workflow, subject_id=person.id, org_id=person.org_id,
                    actor=SYSTEM, data=data, start_state=row.start.state, entered_on={row.start.state: since},
                    profile=self.profile,
                )  # fmt: skip
            except EngineError as exc:
                self._error(row, "status", f"建立案件失败：{exc.message}")
                raise


def _registered(engine: Engine, workflow: str) -> bool:
    try:
        engine.registry.get(workflow)
    except NotFound:
        return False
    return True


def _has_profile(engine: Engine, profile: str) -> bool:
    try:
        engine.registry.profile(profile)
    except NotFound:
        return False
    return True


def _date(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) and value else None


def _position(name: str) -> int:
    fields = [c.field for c in PEOPLE_COLUMNS]
    return fields.index("org" if name == "org_id" else name)


def _label(name: str) -> str:
    return header(PEOPLE_COLUMNS, "org" if name == "org_id" else name)


def person_cells(person: Person, org_name: str) -> list[Any]:
    """One person as a row of the 人员 sheet."""
    values: dict[str, Any] = {a: getattr(person, a) for a in ATTRIBUTES}
    extra = person.extra or {}
    values.update({f: _date(extra.get(f)) for f in EXTRA_FIELDS})
    values.update(org=org_name, id_number=person.id_number)
    return [show(c, values[c.field]) for c in PEOPLE_COLUMNS]
