"""Dashboard per organization (its subtree): open cases by process and stage, overdue work, mobile
members by destination, assessment results — each a Chart.js chart with its numbers beside it."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from litestar import Response, get
from litestar.params import FromQuery
from litestar.response import Template
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.development_report import (
    WORKFLOW as DEVELOPMENT,
)
from api.development_report import (
    DevelopmentReport,
    development_report,
    report_org,
    report_workbook,
)
from api.routes.common import xlsx_response
from api.web.common import AnyRequest, actor_of, page, services, state_label, workflow_title
from engine.authz import Actor
from engine.errors import InvalidInput, NotFound
from engine.models import Case, Org, Person, Task
from engine.scope import org_covered
from workflows.rating import LABELS as RATING_LABELS


def _scope_org(s: Session, actor: Actor, org_id: int | None) -> Org:
    """The chosen organization if covered, else the caller's topmost covered one."""
    covered = org_covered(s, actor)
    query = select(Org).where(covered)
    org = (
        s.scalar(query.where(Org.id == org_id)) if org_id else s.scalar(query.order_by(func.length(Org.path)))
    )
    if org is None:
        raise NotFound("没有可查看统计的组织" if not org_id else "组织不存在或不在您的管理范围内")
    return org


def dashboard_figures(s: Session, org: Org, today: Any, registry: Any) -> dict[str, Any]:
    in_subtree = Case.org_id.in_(select(Org.id).where(Org.path.startswith(org.path)))
    by_stage = s.execute(
        select(Case.workflow, Case.state, func.count())
        .where(Case.closed.is_(False), in_subtree)
        .group_by(Case.workflow, Case.state)
        .order_by(Case.workflow, Case.state)
    ).all()
    per_workflow: Counter[str] = Counter()
    stages = []
    for workflow, state, n in by_stage:
        title = workflow_title(registry, workflow)
        per_workflow[title] += int(n)
        stages.append((title, state_label(registry, workflow, None, state), int(n)))
    overdue_rows = s.execute(
        select(Org.short_name, func.count())
        .join(Task, Task.queue_org_id == Org.id)
        .where(Task.status == "open", Task.due_date < today, Task.queue_org_path.startswith(org.path))
        .group_by(Org.short_name)
        .order_by(func.count().desc())
    ).all()
    mobile_people = (
        select(Person.id)
        .join(Org, Org.id == Person.org_id)
        .where(Person.mobile.is_(True), Org.path.startswith(org.path))
    )
    destinations: Counter[str] = Counter()
    mobile_cases = s.scalars(
        select(Case).where(
            Case.workflow == "mobile", Case.closed.is_(False), Case.subject_id.in_(mobile_people)
        )
    )
    seen: set[int] = set()
    for case in mobile_cases:
        if case.subject_id in seen:
            continue
        seen.add(case.subject_id)
        destinations[str(case.data.get("destination") or "未登记外出地点")] += 1
    others = int(s.scalar(select(func.count()).select_from(mobile_people.subquery())) or 0) - len(seen)
    if others > 0:
        destinations["未登记外出地点"] += others
    ratings: Counter[str] = Counter()
    for data in s.scalars(select(Case.data).where(Case.workflow == "assessment", in_subtree)):
        rating = data.get("rating") if isinstance(data, dict) else None
        if isinstance(rating, str):
            ratings[RATING_LABELS.get(rating, rating)] += 1  # type: ignore[call-overload]
    rating_order = [label for label in RATING_LABELS.values() if label in ratings]
    return {
        "cases": list(per_workflow.items()),
        "stages": stages,
        "overdue": [(name, int(n)) for name, n in overdue_rows],
        "destinations": destinations.most_common(),
        "ratings": [(label, ratings[label]) for label in rating_order],
    }


@get("/dashboard", operation_id="dashboardPage", include_in_schema=False, sync_to_thread=True)
def dashboard_page(request: AnyRequest, org_id: FromQuery[int | None] = None) -> Template:
    svc, actor = services(request), actor_of(request)
    with svc.engine.sessions() as s:
        org = _scope_org(s, actor, org_id)
        figures = dashboard_figures(s, org, svc.engine.clock.today(), svc.registry)
        choices = [
            (o.id, "　" * max(o.path.count("/") - 2, 0) + o.short_name)
            for o in s.scalars(select(Org).where(org_covered(s, actor)).order_by(Org.path))
        ]
        s.expunge(org)
    charts = {
        "cases": _chart(figures["cases"]),
        "overdue": _chart(figures["overdue"]),
        "destinations": _chart(figures["destinations"]),
        "ratings": _chart(figures["ratings"]),
    }
    context = {
        "org": org,
        "figures": figures,
        "charts_json": json.dumps(charts, ensure_ascii=False).replace("</", "<\\/"),
        "orgs": choices,
    }
    return page(request, "dashboard/dashboard.html", context)


def _chart(pairs: list[tuple[str, int]]) -> dict[str, list[Any]]:
    return {"labels": [label for label, _ in pairs], "values": [n for _, n in pairs]}


def _development_report(request: AnyRequest, period: str, org_id: int | None) -> DevelopmentReport:
    svc, actor = services(request), actor_of(request)
    with svc.engine.sessions() as s:
        org = report_org(s, actor, org_id)
        return development_report(s, svc.registry.get(DEVELOPMENT), org, period)


@get(
    "/reports/development", operation_id="developmentReportPage", include_in_schema=False, sync_to_thread=True
)
def development_report_page(
    request: AnyRequest, period: FromQuery[str] = "", org_id: FromQuery[int | None] = None
) -> Template:
    """发展党员月报 (or 年报): each stage's flow in the period, per organization, with an Excel export."""
    svc, actor = services(request), actor_of(request)
    today = svc.engine.clock.today()
    period = period.strip()[:7] or f"{today.year}-{today.month:02d}"
    try:
        report = _development_report(request, period, org_id)
        error = ""
    except InvalidInput as exc:
        report, error = None, exc.errors.get("period", exc.message)
    with svc.engine.sessions() as s:
        choices = [
            (o.id, "　" * max(o.path.count("/") - 2, 0) + o.short_name)
            for o in s.scalars(select(Org).where(org_covered(s, actor)).order_by(Org.path))
        ]
    chart = (
        {"labels": [], "values": []}
        if report is None
        else _chart([(c.label, c.at_end) for c in report.total.stages])
    )
    context = {
        "report": report,
        "period": period,
        "org_id": org_id,
        "orgs": choices,
        "error": error,
        "charts_json": json.dumps({"stock": chart}, ensure_ascii=False).replace("</", "<\\/"),
    }
    return page(request, "dashboard/development_report.html", context)


@get(
    "/reports/development.xlsx",
    operation_id="developmentReportWorkbookPage",
    include_in_schema=False,
    sync_to_thread=True,
)
def development_report_workbook(
    request: AnyRequest, period: FromQuery[str] = "", org_id: FromQuery[int | None] = None
) -> Response[bytes]:
    report = _development_report(request, period.strip()[:7], org_id)
    return xlsx_response(report_workbook(report), f"development-report-{report.period}.xlsx")


HANDLERS = [dashboard_page, development_report_page, development_report_workbook]
