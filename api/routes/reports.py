"""Statistics for organization departments: the 发展党员 monthly and yearly report (细则 第三十八条)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from litestar import Response, get
from litestar.params import QueryParameter

from api.development_report import (
    WORKFLOW,
    DevelopmentReport,
    development_report,
    report_org,
    report_pdf,
    report_workbook,
)
from api.routes.common import XLSX, AnyRequest, OptionalId, actor_of, download, services_of, xlsx_response

PeriodParam = Annotated[
    str, QueryParameter(description="统计期间：2026-11（月报）或 2026（年报）", pattern=r"^\d{4}(-\d{1,2})?$")
]


def _report(request: AnyRequest, period: str, org_id: int | None) -> DevelopmentReport:
    services, actor = services_of(request), actor_of(request)
    with services.engine.sessions() as s:
        org = report_org(s, actor, org_id)
        return development_report(s, services.registry.get(WORKFLOW), org, period)


@get("/api/reports/development", operation_id="reportDevelopment", tags=["reports"], sync_to_thread=True)
def development_statistics(
    request: AnyRequest, period: PeriodParam, org_id: OptionalId = None
) -> Response[dict[str, Any]]:
    """People entering and leaving each stage of the development of members, per organization in the
    subtree, with the overdue steps, for a month (`2026-11`) or a year (`2026`)."""
    return Response(asdict(_report(request, period, org_id)))


@get(
    "/api/reports/development.xlsx",
    operation_id="reportDevelopmentWorkbook",
    tags=["reports"],
    media_type=XLSX,
    sync_to_thread=True,
)
def development_statistics_workbook(
    request: AnyRequest, period: PeriodParam, org_id: OptionalId = None
) -> Response[bytes]:
    """The same report as an Excel workbook (发展党员月报 or 年报)."""
    report = _report(request, period, org_id)
    return xlsx_response(report_workbook(report), f"development-report-{report.period}.xlsx")


@get(
    "/api/reports/development.pdf",
    operation_id="reportDevelopmentPdf",
    tags=["reports"],
    media_type="application/pdf",
    sync_to_thread=True,
)
def development_statistics_pdf(
    request: AnyRequest, period: PeriodParam, org_id: OptionalId = None
) -> Response[bytes]:
    """The same report as a PDF to print and file."""
    report = _report(request, period, org_id)
    pdf = report_pdf(report, services_of(request).engine.clock.today())
    return download(pdf, "application/pdf", f"development-report-{report.period}.pdf")
