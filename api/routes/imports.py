"""Spreadsheet onboarding over HTTP: upload an organization tree or a roster (checked whole, written
whole or not at all), download the templates, export the caller's organizations and people.

Only administrators and the organization department import and export, and only within the
organizations their grants cover; a refused file is a 422 problem listing every row error.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from litestar import Controller, Response, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath, FromQuery, MultipartBody
from sqlalchemy import select

from api.importing import (
    KINDS,
    ImportReport,
    export_orgs,
    export_people,
    import_orgs,
    import_people,
    template,
)
from api.importing.directory import IMPORTER_ROLES
from api.problems import MEDIA
from api.routes.common import AnyRequest, OptionalId, actor_of, idempotent, services_of, xlsx_response
from engine.authz import Actor
from engine.errors import Forbidden, InvalidInput, NotFound
from engine.models import Org
from engine.scope import org_covered

MAX_UPLOAD = 20 * 1024 * 1024  # a county's roster of tens of thousands is a few megabytes


@dataclass
class UploadIn:
    file: UploadFile


def _importer(actor: Actor) -> Actor:
    if not any(g.role in IMPORTER_ROLES for g in actor.grants):
        raise Forbidden("只有组织部门和系统管理员可以导入、导出花名册")
    return actor


def _answer(report: ImportReport) -> Response[Any]:
    body = report.as_dict()
    if report.ok:
        return Response(body, status_code=200)
    problem = {
        "type": "urn:memberflow:import_refused",
        "code": "import_refused",
        "title": "文件有误，未导入任何数据",
        "detail": report.summary(),
        "errors": body["errors"],
        "warnings": report.warnings,
    }
    return Response(problem, status_code=422, media_type=MEDIA)


class ImportController(Controller):
    path = "/api"
    tags = ["imports"]

    @post(
        "/imports/orgs",
        operation_id="importOrgs",
        sync_to_thread=True,
        request_max_body_size=MAX_UPLOAD,
        status_code=200,
    )
    def import_orgs(
        self, request: AnyRequest, data: MultipartBody[UploadIn], dry_run: FromQuery[bool] = False
    ) -> Response[Any]:
        """Import the 组织 sheet of an .xlsx upload; `dry_run` reports the changes, writes nothing."""
        return self._import(request, "orgs", data, dry_run)

    @post(
        "/imports/people",
        operation_id="importPeople",
        sync_to_thread=True,
        request_max_body_size=MAX_UPLOAD,
        status_code=200,
    )
    def import_people(
        self, request: AnyRequest, data: MultipartBody[UploadIn], dry_run: FromQuery[bool] = False
    ) -> Response[Any]:
        """Import the 人员 sheet (and a 组织 sheet in the same workbook first); people in the middle of
        the development process get a case in their state, clocks from the dates in their row."""
        return self._import(request, "people", data, dry_run)

    def _import(self, request: AnyRequest, kind: str, data: UploadIn, dry_run: bool) -> Response[Any]:
        actor = _importer(actor_of(request))
        content = data.file.file.read(MAX_UPLOAD + 1)
        if not content:
            raise InvalidInput({"file": "请上传 .xlsx 文件"})
        fingerprint = {"sha256": hashlib.sha256(content).hexdigest(), "dry_run": dry_run}
        name = data.file.filename or f"{kind}.xlsx"
        return idempotent(
            request, fingerprint, lambda: self._run(request, actor, kind, content, name, dry_run)
        )

    def _run(
        self, request: AnyRequest, actor: Actor, kind: str, content: bytes, name: str, dry_run: bool
    ) -> Response[Any]:
        services = services_of(request)
        with services.engine.sessions.begin() as s:
            if kind == "orgs":
                report = import_orgs(
                    s, content, actor=actor, dry_run=dry_run, filename=name, engine=services.engine
                )
            else:
                report = import_people(
                    s, content, actor=actor, dry_run=dry_run, filename=name, engine=services.engine,
                    profile=services.settings.policy_profile,
                )  # fmt: skip
        return _answer(report)

    @get("/imports/templates/{kind:str}", operation_id="downloadImportTemplate", sync_to_thread=True)
    def download_template(self, kind: FromPath[str]) -> Response[bytes]:
        """An empty .xlsx of the layout (`orgs` or `people`) with a notes sheet explaining each column."""
        if kind not in KINDS:
            raise NotFound("没有此模板（应为 orgs 或 people）")
        return xlsx_response(template(kind), f"memberflow-{kind}-template.xlsx")

    @get("/exports/orgs", operation_id="exportOrgs", sync_to_thread=True)
    def export_orgs(self, request: AnyRequest) -> Response[bytes]:
        """The organizations the caller covers, in the import layout."""
        services, actor = services_of(request), _importer(actor_of(request))
        with services.engine.sessions() as s:
            return xlsx_response(export_orgs(s, actor=actor), "memberflow-orgs.xlsx")

    @get("/exports/people", operation_id="exportPeople", sync_to_thread=True)
    def export_people(self, request: AnyRequest, org_id: OptionalId = None) -> Response[bytes]:
        """Everyone in the organizations the caller covers (below `org_id` only, when given), in the
        import layout: edit it and import it again."""
        services, actor = services_of(request), _importer(actor_of(request))
        with services.engine.sessions() as s:
            covered = select(Org.id).where(Org.id == org_id, org_covered(s, actor, IMPORTER_ROLES))
            if org_id is not None and s.scalar(covered) is None:
                raise NotFound("组织不存在或不在您的管理范围内")
            return xlsx_response(export_people(s, actor=actor, org_id=org_id), "memberflow-people.xlsx")
