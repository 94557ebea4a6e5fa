"""The 发展党员 statistics an organization department reports (细则 第三十八条), monthly or yearly, for an
organization and its subtree: per branch, the people at the start and end of the period in each
stage (入党申请人, 入党积极分子, 发展对象, 预备党员), those who entered and left it, those who became
full members or left the process, and the overdue steps — as data for the API and the page, as an
Excel workbook and as a PDF (发展党员月报 / 年报).
"""

from __future__ import annotations

import calendar
import io
import re
from dataclasses import dataclass
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.bootstrap import TEMPLATES
from api.importing.layouts import STATUS_LABEL
from api.importing.process import PROCESS_IMPORT
from engine.authz import Actor
from engine.definitions import Workflow
from engine.errors import InvalidInput, NotFound
from engine.models import Case, Org
from engine.scope import org_covered
from engine.stage_report import StageFlow, StageReport, stage_report

WORKFLOW = "development"
# The stages the report counts, in order; becoming a full member and leaving the process are moves
# out of the ladder, so only their entries are shown.
LADDER = ("applicant", "activist", "candidate", "probationary_member")
OUTCOMES = {"full_member": "转为正式党员", "non_member": "终止发展"}
PERIOD = re.compile(r"^(\d{4})(?:-(\d{1,2}))?$")


@dataclass(frozen=True)
class StageCounts:
    stage: str
    label: str
    at_start: int
    entered: int
    imported: int  # opened part-way by a roster import in the period
    left: int
    at_end: int


@dataclass(frozen=True)
class ReportRow:
    org_id: int | None  # None for the total
    org_name: str
    stages: list[StageCounts]
    became_full_members: int
    left_the_process: int
    overdue_open: int
    closed_late: int


@dataclass(frozen=True)
class DevelopmentReport:
    org_id: int
    org_name: str
    period: str
    title: str
    start: date
    end: date
    rows: list[ReportRow]
    total: ReportRow


def parse_period(text: str) -> tuple[str, date, date]:
    """'2026-11' → November 2026, '2026' → the year: the label and the first and last day."""
    found = PERIOD.match(text.strip())
    if not found or (found.group(2) and not 1 <= int(found.group(2)) <= 12):
        raise InvalidInput({"period": "统计期间应写作 2026-11（月报）或 2026（年报）"})
    year = int(found.group(1))
    if found.group(2):
        month = int(found.group(2))
        last = calendar.monthrange(year, month)[1]
        return f"{year}年{month}月", date(year, month, 1), date(year, month, last)
    return f"{year}年", date(year, 1, 1), date(year, 12, 31)


def report_org(session: Session, actor: Actor, org_id: int | None) -> Org:
    """The organization asked for if the caller covers it, else the caller's topmost one."""
    query = select(Org).where(org_covered(session, actor))
    if org_id is not None:
        org = session.scalar(query.where(Org.id == org_id))
    else:
        org = session.scalar(query.order_by(func.length(Org.path), Org.id).limit(1))
    if org is None:
        raise NotFound("组织不存在或不在您的管理范围内" if org_id is not None else "您没有可统计的组织")
    return org


def development_report(session: Session, workflow: Workflow, org: Org, period: str) -> DevelopmentReport:
    label, start, end = parse_period(period)
    subtree = Case.org_id.in_(select(Org.id).where(Org.path.startswith(org.path)))
    opened_in = {start_.state: status for status, start_ in PROCESS_IMPORT.items()}
    counted = stage_report(session, workflow, subtree, start, end, opened_in)
    names = dict(session.execute(select(Org.id, Org.name).where(Org.id.in_(list(counted.by_org)))).all())
    rows = [
        _row(org_id, names[org_id], flows, counted)
        for org_id, flows in sorted(counted.by_org.items(), key=lambda item: names[item[0]])
    ]
    total = _row(None, "合计", counted.total(), counted)
    kind = "月报" if "月" in label else "年报"
    return DevelopmentReport(
        org.id, org.name, period, f"{org.name}发展党员工作{kind}（{label}）", start, end, rows, total
    )


def _row(org_id: int | None, name: str, flows: dict[str, StageFlow], counted: StageReport) -> ReportRow:
    def overdue(found: dict[int, int]) -> int:
        return found.get(org_id, 0) if org_id is not None else sum(found.values())

    return ReportRow(
        org_id,
        name,
        [
            StageCounts(s, STATUS_LABEL[s], f.at_start, f.entered, f.imported, f.left, f.at_end)
            for s in LADDER
            for f in (flows[s],)
        ],
        flows["full_member"].entered,
        flows["non_member"].entered,
        overdue(counted.overdue_open),
        overdue(counted.closed_late),
    )


def report_workbook(report: DevelopmentReport) -> bytes:
    """The report as an .xlsx sheet: a title, a two-row header (stage over 期初/新增/导入/减少/期末), a row
    per organization and the total."""
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.title = "发展党员统计"
    moves = ("期初", "新增", "导入", "减少", "期末")
    tail = ("转为正式党员", "终止发展", "逾期未办", "逾期办结")
    width = 1 + len(LADDER) * len(moves) + len(tail)
    sheet.append([report.title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.append([f"统计期间：{report.start.isoformat()} 至 {report.end.isoformat()}"])
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    header = ["组织"]
    for stage in LADDER:
        header += [STATUS_LABEL[stage], *("" for _ in moves[1:])]
    sheet.append([*header, *tail])
    sheet.append(["", *(m for _ in LADDER for m in moves), *("" for _ in tail)])
    sheet.merge_cells(start_row=3, start_column=1, end_row=4, end_column=1)
    for i in range(len(LADDER)):
        first = 2 + i * len(moves)
        sheet.merge_cells(start_row=3, start_column=first, end_row=3, end_column=first + len(moves) - 1)
    for j in range(len(tail)):
        column = 2 + len(LADDER) * len(moves) + j
        sheet.merge_cells(start_row=3, start_column=column, end_row=4, end_column=column)
    for row in [*report.rows, report.total]:
        counts = [n for s in row.stages for n in (s.at_start, s.entered, s.imported, s.left, s.at_end)]
        sheet.append(
            [
                row.org_name,
                *counts,
                row.became_full_members,
                row.left_the_process,
                row.overdue_open,
                row.closed_late,
            ]
        )
    _style(sheet, width)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def report_pdf(report: DevelopmentReport, generated_on: date) -> bytes:
    """The report as a landscape A4 PDF/A in the documents' fonts (templates/documents/reports)."""
    from weasyprint import HTML  # imported here: only the PDF needs it

    from api.rendering import environment

    page = environment.get_template("reports/development_report.html")
    html = page.render(report=report, generated_on=generated_on)
    base = str(TEMPLATES / "documents" / "reports")
    return bytes(HTML(string=html, base_url=base).write_pdf(pdf_variant="pdf/a-3b"))


def _style(sheet: Worksheet, width: int) -> None:
    thin = Side(style="thin")
    sheet.cell(1, 1).font = Font(bold=True, size=14)
    for row in sheet.iter_rows(min_row=3, max_col=width):
        for cell in row:
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.column_dimensions["A"].width = 36
