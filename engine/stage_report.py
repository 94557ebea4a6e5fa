"""How many cases entered and left each stage of a process in a period, per organization, and how many
steps were overdue: the counts an organization department reports (细则 第三十八条 for 发展党员).

A stage is a person status an action sets (`Action.subject_status`): a case enters it when such an
action is taken and leaves it when the next one is. Counting from the events — never from the
people's current status — keeps past periods stable and lets any period be asked for again. A case
opened part-way by an import (`import_case`) starts in the status its start state stands for and is
counted as `imported`, not as having entered: at_start + entered + imported - left = at_end.

Cases are counted under the organization that holds them now; a case moved to another
organization (a change of workplace) takes its history with it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from engine.definitions import Workflow
from engine.machine import top_state
from engine.models import Case, Event, Task

IMPORT_ACTION = "import_case"


@dataclass
class StageFlow:
    """One stage in one organization: the stock at the start and end, and the moves in between."""

    at_start: int = 0
    entered: int = 0
    imported: int = 0
    left: int = 0
    at_end: int = 0


@dataclass
class StageReport:
    start: date
    end: date
    stages: tuple[str, ...]
    by_org: dict[int, dict[str, StageFlow]] = field(default_factory=dict)
    overdue_open: dict[int, int] = field(default_factory=dict)  # steps past due and still open at the end
    closed_late: dict[int, int] = field(default_factory=dict)  # steps done in the period after their due day

    def total(self) -> dict[str, StageFlow]:
        summed = {s: StageFlow() for s in self.stages}
        for flows in self.by_org.values():
            for stage, flow in flows.items():
                into = summed[stage]
                into.at_start += flow.at_start
                into.entered += flow.entered
                into.imported += flow.imported
                into.left += flow.left
                into.at_end += flow.at_end
        return summed


def stages_of(workflow: Workflow) -> tuple[str, ...]:
    """The statuses the workflow's actions set, in the order of its actions."""
    return tuple(dict.fromkeys(a.subject_status for a in workflow.actions if a.subject_status))


def stage_report(
    session: Session,
    workflow: Workflow,
    cases: ColumnElement[bool],
    start: date,
    end: date,
    opened_in: Mapping[str, str] | None = None,
) -> StageReport:
    """Counts for the cases of `workflow` matching `cases` (a clause on `Case`) from `start` to `end`,
    both included. `opened_in` maps a start state of imported cases to the status it stands for."""
    status_of = {a.name: a.subject_status for a in workflow.actions if a.subject_status}
    report = StageReport(start, end, stages_of(workflow))
    rows = session.execute(
        select(Event.case_id, Event.action, Event.effective_date, Event.to_state, Case.org_id)
        .join(Case, Case.id == Event.case_id)
        .where(
            Case.workflow == workflow.name,
            cases,
            or_(Event.action.in_(list(status_of)), Event.action == IMPORT_ACTION),
            Event.effective_date <= end,
        )
        .order_by(Event.case_id, Event.seq)
    )
    current: dict[int, tuple[int, str | None, str | None]] = {}  # case -> (org, at start, now)
    for case_id, action, day, to_state, org_id in rows:
        _, before_period, status = current.get(case_id, (org_id, None, None))
        flows = report.by_org.setdefault(org_id, {s: StageFlow() for s in report.stages})
        if action == IMPORT_ACTION:
            new = (opened_in or {}).get(top_state(to_state))
            if day >= start and new in flows:
                flows[new].imported += 1
        else:
            new = status_of[action]
            if day >= start:
                if new in flows:
                    flows[new].entered += 1
                if status in flows:
                    flows[status].left += 1
        if day < start:
            before_period = new
        current[case_id] = (org_id, before_period, new)
    for org_id, before_period, status in current.values():
        flows = report.by_org[org_id]
        if before_period in flows:
            flows[before_period].at_start += 1
        if status in flows:
            flows[status].at_end += 1
    _count_overdue(session, workflow, cases, report)
    return report


def _count_overdue(
    session: Session, workflow: Workflow, cases: ColumnElement[bool], report: StageReport
) -> None:
    period_start = datetime.combine(report.start, time.min, UTC)
    period_end = datetime.combine(report.end + timedelta(days=1), time.min, UTC)
    base = (
        select(Case.org_id, func.count())
        .select_from(Task)
        .join(Case, Case.id == Task.case_id)
        .where(Task.workflow == workflow.name, cases, Task.due_date.is_not(None))
        .group_by(Case.org_id)
    )
    open_at_end: Any = base.where(
        Task.due_date < report.end,
        Task.created_at < period_end,
        or_(Task.closed_at.is_(None), Task.closed_at >= period_end),
    )
    late: Any = base.where(
        Task.closed_at >= period_start,
        Task.closed_at < period_end,
        func.date(Task.closed_at) > Task.due_date,
    )
    report.overdue_open = {org_id: int(n) for org_id, n in session.execute(open_at_end)}
    report.closed_late = {org_id: int(n) for org_id, n in session.execute(late)}
