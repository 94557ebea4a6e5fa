"""A branch's assessment year: opened once with its member list fixed that day, scores imported from a
spreadsheet all at once or not at all, results published together. No web framework here: routes
and the CLI call these functions, which call the engine.

A year is the set of `assessment` cases of the branch whose data says `year`; the list is whoever was
a full or probationary member of the branch the day it was opened (条例 第十八条).
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.authz import Actor
from engine.errors import Conflict, InvalidInput, NotFound, RuleRefusal
from engine.identity import InvalidIdNumber, parse_id_number
from engine.machine import active_paths
from engine.models import Case, Event, Org, Person
from engine.runtime import Engine
from workflows.assessment import assessment_year
from workflows.rating import APPRAISAL_GRADES, LABELS, Rating, ScoreError, parse_score, score_text

WORKFLOW = "assessment"
ROSTER_STATUSES = ("full_member", "probationary_member")
NAME, ID_NUMBER, SCORE, ITEMS = "姓名", "公民身份号码", "积分", "各项得分"
HEADER_ALIASES = {
    "身份证号": ID_NUMBER,
    "身份证号码": ID_NUMBER,
    "公民身份证号码": ID_NUMBER,
    "得分": SCORE,
    "总分": SCORE,
    "总积分": SCORE,
    "积分得分": SCORE,
    "得分明细": ITEMS,
    "积分明细": ITEMS,
}
REQUIRED = (NAME, ID_NUMBER, SCORE)
MAX_ROWS = 5000  # a branch has at most a few hundred members


# -- opening the year ------------------------------------------------------------------------------


def open_assessment_year(
    engine: Engine,
    branch_id: int,
    year: int,
    actor: Actor,
    *,
    on: date | None = None,
    profile: str = "national",
) -> list[int]:
    """Open one case per full or probationary member of the branch today; the list is then fixed.

    Refused when the year is already open for the branch, or is neither this year nor last year."""
    with engine.sessions.begin() as session:
        branch = session.get(Org, branch_id, with_for_update=True)  # two openings at once queue here
        if branch is None:
            raise NotFound("党组织不存在")
        day = engine.effective_date(on, None)
        if year not in (day.year, day.year - 1):
            raise InvalidInput({"year": f"只能开启{day.year - 1}年或{day.year}年的民主评议"})
        if year_cases(session, branch_id, year):
            raise Conflict(f"{branch.name}{year}年度民主评议已经开启，参评名单已确定")
        members = list(
            session.scalars(
                select(Person)
                .where(Person.org_id == branch_id, Person.status.in_(ROSTER_STATUSES))
                .order_by(Person.id)
            )
        )
        if not members:
            raise InvalidInput({"branch_id": "该党组织没有正式党员或预备党员，无需开启民主评议"})
        data = {"year": year, "roster_fixed_on": day.isoformat(), "roster_size": len(members)}
        return [
            engine.open_case_in(
                session, workflow=WORKFLOW, subject_id=member.id, org_id=branch_id, actor=actor,
                data=data, on=day, profile=profile,
            ).case_id
            for member in members
        ]  # fmt: skip


def year_cases(session: Session, branch_id: int, year: int) -> list[Case]:
    """The branch's cases of that year (the year is in the case data, read here portably)."""
    cases = session.scalars(
        select(Case).where(Case.workflow == WORKFLOW, Case.org_id == branch_id).order_by(Case.id)
    )
    return [c for c in cases if c.data.get("year") == year]


# -- importing scores ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    """One problem of the spreadsheet: the Excel row (0: the file itself), the column header, why."""

    row: int
    column: str
    message: str


@dataclass(frozen=True)
class ScoreRow:
    row: int
    case_id: int
    name: str
    score: str
    items: str


@dataclass
class ScoreImport:
    """What an import found and did: nothing is imported when any row is bad."""

    dry_run: bool
    rows: list[ScoreRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    imported: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def import_scores(
    engine: Engine, branch_id: int, year: int, xlsx_bytes: bytes, actor: Actor, dry_run: bool
) -> ScoreImport:
    """Record every row's 积分 on its member's case of the year, in one transaction, or none at all.

    Every bad row is reported with its row number, column and a zh-CN reason: unknown 身份证号, a name
    that does not match it, a member not on the year's list or already rated, a score that is not a
    number from 0 to 100 with at most two decimals, a member listed twice."""
    result = ScoreImport(dry_run)
    try:
        sheet_rows = _read_sheet(xlsx_bytes, result.errors)
    except _Unreadable as exc:
        result.errors.append(RowError(0, "", exc.message))
        return result
    if result.errors:  # a missing column: the rows cannot be read
        return result
    with engine.sessions() as session:
        cases = {c.subject_id: c for c in year_cases(session, branch_id, year)}
        if not cases:
            result.errors.append(RowError(0, "", f"本支部{year}年度民主评议尚未开启"))
            return result
        recordable = engine.registry.get(WORKFLOW).action("record_score").source
        result.rows = _check_rows(session, sheet_rows, cases, set(recordable), result.errors)
    if result.errors or dry_run:
        return result
    try:
        with engine.sessions.begin() as session:
            for row in result.rows:
                case = session.get(Case, row.case_id)
                assert case is not None
                engine.fire_in(
                    session, row.case_id, "record_score", actor, {"score": row.score, "items": row.items},
                    expected_version=case.version,
                )  # fmt: skip
                result.imported += 1
    except (RuleRefusal, InvalidInput, Conflict) as exc:
        failed = result.rows[result.imported]
        result.errors.append(RowError(failed.row, SCORE, f"未能登记：{exc.message}"))
        result.imported = 0  # the transaction rolled back: nothing was imported
    return result


class _Unreadable(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _read_sheet(data: bytes, errors: list[RowError]) -> list[tuple[int, dict[str, Any]]]:
    """The data rows (Excel row number, header → cell) of the first sheet; header problems to `errors`."""
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not an xlsx
        raise _Unreadable("文件不是有效的 Excel 工作簿（.xlsx）") from exc
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        positions: dict[str, int] = {}
        for index, value in enumerate(next(rows, ())):
            header = _header(value)
            if header in (*REQUIRED, ITEMS):
                positions.setdefault(header, index)
        errors.extend(RowError(1, h, f"缺少“{h}”列") for h in REQUIRED if h not in positions)
        found: list[tuple[int, dict[str, Any]]] = []
        for number, values in enumerate(rows, start=2):
            if number > MAX_ROWS + 1:
                raise _Unreadable(f"表格超过{MAX_ROWS}行，请检查是否选错了文件")
            row = {h: values[i] if i < len(values) else None for h, i in positions.items()}
            if any(_cell_text(v) for v in row.values()):
                found.append((number, row))
    finally:
        workbook.close()
    if not found and not errors:
        errors.append(RowError(0, "", "表格中没有数据行"))
    return found


def _check_rows(
    session: Session,
    rows: Sequence[tuple[int, Mapping[str, Any]]],
    cases: Mapping[int, Case],
    recordable: set[str],
    errors: list[RowError],
) -> list[ScoreRow]:
    good: list[ScoreRow] = []
    first_seen: dict[str, int] = {}
    numbers = [_id_number(row.get(ID_NUMBER)) for _, row in rows]
    people = {
        p.id_number: p
        for p in session.scalars(select(Person).where(Person.id_number.in_([n for n in numbers if n])))
    }
    for (number, row), id_number in zip(rows, numbers, strict=True):
        problems = _row_problems(number, row, id_number, people, cases, recordable, first_seen)
        if problems:
            errors.extend(problems)
            continue
        person = people[id_number or ""]
        good.append(
            ScoreRow(
                number,
                cases[person.id].id,
                person.name,
                score_text(parse_score(_score_cell(row.get(SCORE)))),
                _cell_text(row.get(ITEMS)),
            )
        )
    return good


def _row_problems(
    number: int,
    row: Mapping[str, Any],
    id_number: str | None,
    people: Mapping[str, Person],
    cases: Mapping[int, Case],
    recordable: set[str],
    first_seen: dict[str, int],
) -> list[RowError]:
    found: list[RowError] = []
    raw_id, name = _cell_text(row.get(ID_NUMBER)), _cell_text(row.get(NAME))
    try:
        parse_score(_score_cell(row.get(SCORE)))
    except ScoreError as exc:
        found.append(RowError(number, SCORE, exc.message))
    if not name:
        found.append(RowError(number, NAME, "未填写姓名"))
    if not raw_id:
        return [*found, RowError(number, ID_NUMBER, "未填写公民身份号码")]
    if id_number is None:
        return [*found, RowError(number, ID_NUMBER, _id_problem(raw_id))]
    if id_number in first_seen:
        return [*found, RowError(number, ID_NUMBER, f"与第{first_seen[id_number]}行重复")]
    first_seen[id_number] = number
    person = people.get(id_number)
    if person is None:
        return [*found, RowError(number, ID_NUMBER, "系统中没有此公民身份号码的人员")]
    if name and name != person.name:
        found.append(RowError(number, NAME, "姓名与公民身份号码不符"))
    case = cases.get(person.id)
    if case is None:
        found.append(RowError(number, ID_NUMBER, "不在本支部本年度民主评议名单内"))
    elif case.closed or not active_paths(case.state_detail) & recordable:
        found.append(RowError(number, SCORE, "已评定等次，不能再导入积分"))
    return found


def _header(value: Any) -> str:
    text = "".join(unicodedata.normalize("NFKC", str(value or "")).split()).strip("*")
    return HEADER_ALIASES.get(text, text)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    return unicodedata.normalize("NFKC", str(value)).strip()


def _score_cell(value: Any) -> Any:
    """A number cell as it reads (59.99, not 59.990000000000002); text cells as typed."""
    if isinstance(value, float):
        return repr(value)
    return _cell_text(value) if isinstance(value, str) else value


def _id_number(value: Any) -> str | None:
    try:
        return parse_id_number(_cell_text(value)).value
    except InvalidIdNumber:
        return None


def _id_problem(raw: str) -> str:
    try:
        parse_id_number(raw)
    except InvalidIdNumber as exc:
        return exc.message
    return "公民身份号码无效"


# -- publishing ------------------------------------------------------------------------------------


def publish_year(engine: Engine, branch_id: int, year: int, actor: Actor, *, means: str = "") -> int:
    """Publish the year's results to the members at once: refused whole while any member is unrated.

    Returns how many results were published (those already published are left as they are)."""
    with engine.sessions.begin() as session:
        listed = year_cases(session, branch_id, year)
        unrated = [c.subject.name for c in listed if not isinstance(c.data.get("rating"), str)]
        if unrated:
            raise InvalidInput({"year": "以下党员尚未评定等次，评议结果应一并公布：" + "、".join(unrated)})
        cases = [c for c in listed if "RESULT.PUBLICATION.PENDING" in _active(c)]
        for case in cases:  # one result list for all of them, issued with the last publication
            engine.fire_in(
                session, case.id, "publish_result", actor, {"means": means} if means else {},
                expected_version=case.version, issue_documents=case is cases[-1],
            )  # fmt: skip
        return len(cases)


@dataclass(frozen=True)
class ResultRow:
    name: str
    status: str
    score: str
    rating: str
    rated_on: date
    rated_by: str
    votes: str  # 民主测评: 优秀/合格/基本合格/不合格 votes of the participants


def result_rows(session: Session, case: Case, event_id: int) -> list[ResultRow]:
    """The branch's results of the case's year published up to that act (the list a publication issues)."""
    year = assessment_year(case.data)
    published = select(Event.case_id).where(Event.action == "publish_result", Event.id <= event_id)
    cases = session.scalars(
        select(Case)
        .where(Case.workflow == WORKFLOW, Case.org_id == case.org_id, Case.id.in_(published))
        .order_by(Case.id)
    )
    bodies = {"branch_committee_meeting": "支委会", "branch_general_meeting": "党员大会"}
    rows = []
    for listed in cases:
        data = listed.data
        if assessment_year(data) != year or not isinstance(data.get("rating"), str):
            continue
        testing = data.get("record_democratic_testing", {})
        votes = "/".join(str(testing.get(f"votes_{r}") or 0) for r in APPRAISAL_GRADES) if testing else "—"
        rows.append(
            ResultRow(
                listed.subject.name,
                listed.subject.status,
                data.get("score") or "—",
                LABELS[Rating(data["rating"])],
                date.fromisoformat(data["rated_on"]),
                bodies.get(data.get("rated_by", ""), ""),
                votes,
            )
        )
    return rows


def _active(case: Case) -> frozenset[str]:
    return frozenset() if case.closed else active_paths(case.state_detail)
