"""The import API on the example world: uploads by the organization department within its scope,
problem+json row errors, dry runs, templates, scoped exports, idempotent retries."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient
from openpyxl import load_workbook
from sqlalchemy import Engine as DbEngine
from sqlalchemy import select

import api.app
from api.bootstrap import Services
from api.importing.layouts import PEOPLE_COLUMNS
from api.routes.common import XLSX
from api.routes.imports import ImportController
from api.settings import Settings
from engine.models import Base, Person, RoleGrant, User
from tests.engine.conftest import World, build_world
from tests.importing.conftest import people_xlsx, sheet_rows
from tests.importing.test_import_people import number, person


@dataclass
class Client:
    client: TestClient[Any]
    world: World
    users: dict[str, int]

    def headers(self, who: str, **extra: str) -> dict[str, str]:
        token = self.client.app.state.auth.create_token(identifier=str(self.users[who]))
        return {"Authorization": f"Bearer {token}", **extra}

    def upload(self, who: str, kind: str, data: bytes, query: str = "", **headers: str) -> Any:
        return self.client.post(
            f"/api/imports/{kind}{query}",
            files={"file": (f"{kind}.xlsx", data, XLSX)},
            headers=self.headers(who, **headers),
        )


@pytest.fixture
def http(db_engine: DbEngine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Client]:
    Base.metadata.create_all(db_engine)
    world = build_world(db_engine)
    users = {"caseworker": world.caseworker.user_id or 0}
    with world.engine.sessions.begin() as s:
        for name, role, org in (
            ("department", "organization_department", world.township),
            ("admin", "administrator", world.county),
        ):
            user = User(username=name, display_name=name, password_hash="x")
            s.add(user)
            s.flush()
            s.add(RoleGrant(user_id=user.id, role=role, org_id=org.id, subtree=True))
            users[name] = user.id
    monkeypatch.setattr(api.app, "API_HANDLERS", [*api.app.API_HANDLERS, ImportController])
    settings = Settings(database_url=str(db_engine.url), data_dir=tmp_path / "var")
    services = Services(settings, db_engine, world.engine, world.engine.registry)
    with TestClient(app=api.app.create_app(services)) as client:
        yield Client(client, world, users)


def roster(world: World) -> bytes:
    return people_xlsx([
        person("周敏", date(1990, 4, 1), False, "full_member", org=world.branch.name, admitted_on=date(2015, 6, 30),
               full_member_since=date(2016, 6, 30)),
        person("吴刚", date(1996, 8, 8), True, "non_member", org=world.other_branch.name),
    ])  # fmt: skip


def test_the_template_downloads_with_the_headers_and_a_notes_sheet(http: Client) -> None:
    response = http.client.get("/api/imports/templates/people", headers=http.headers("caseworker"))

    assert response.status_code == 200
    assert response.headers["content-type"].startswith(XLSX)
    assert "attachment" in response.headers["content-disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["人员", "填写说明"]
    assert sheet_rows(response.content)[0] == [c.header for c in PEOPLE_COLUMNS]
    lists = {str(v.sqref).split(":")[0]: v.formula1 for v in workbook["人员"].data_validations.dataValidation}
    assert lists["G2"] == '"群众,入党申请人,入党积极分子,发展对象,预备党员,正式党员"'
    assert http.client.get("/api/imports/templates/x", headers=http.headers("caseworker")).status_code == 404


def test_the_department_imports_a_roster_after_a_dry_run(http: Client) -> None:
    data = roster(http.world)

    dry = http.upload("department", "people", data, "?dry_run=true")
    assert dry.status_code == 200, dry.text
    assert dry.json()["people"] == {"created": 2, "updated": 0, "unchanged": 0}
    assert dry.json()["written"] is False
    with http.world.engine.sessions() as s:
        assert s.scalar(select(Person).where(Person.name == "周敏")) is None

    done = http.upload("department", "people", data)
    assert done.status_code == 200
    assert done.json()["summary"] == "导入完成：人员：新增2人，更新0人，无变化0人；建立案件0件"
    again = http.upload("department", "people", data)
    assert again.json()["people"]["unchanged"] == 2


def test_a_refused_file_is_a_problem_listing_every_row_error(http: Client) -> None:
    bad = people_xlsx([
        person("周敏", date(1990, 4, 1), False, "full_member", org=http.world.branch.name,
               admitted_on=date(2015, 6, 30), full_member_since=date(2015, 1, 1)),
        person("吴刚", date(1996, 8, 8), True, "non_member", org=http.world.home_branch.name),
    ])  # fmt: skip

    response = http.upload("department", "people", bad)

    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert (body["code"], body["title"]) == ("import_refused", "文件有误，未导入任何数据")
    assert body["errors"] == [
        {"sheet": "人员", "row": 2, "column": "转正日期", "message": "应晚于入党日期（2015-06-30）"},
        {"sheet": "人员", "row": 3, "column": "所在党支部", "message": "该组织不在您的管理范围内"},
    ]


def test_only_the_department_and_administrators_import_and_export(http: Client) -> None:
    assert http.upload("caseworker", "people", roster(http.world)).status_code == 403
    assert http.client.get("/api/exports/people", headers=http.headers("caseworker")).status_code == 403


def test_a_file_that_is_not_a_workbook_is_refused(http: Client) -> None:
    response = http.upload("admin", "orgs", b"not a spreadsheet")

    assert response.status_code == 422
    assert response.json()["errors"][0]["message"].startswith("文件不是有效的 Excel 工作簿")


def test_the_export_holds_only_the_people_of_the_callers_organizations(http: Client) -> None:
    world = http.world
    with world.engine.sessions.begin() as s:
        s.add(Person(name="外县", sex="男", birth_date=date(1980, 1, 1), id_number=number(date(1980, 1, 1), True),
                     org_id=world.home_branch.id))  # fmt: skip

    mine = http.client.get("/api/exports/people", headers=http.headers("department"))
    everyone = http.client.get("/api/exports/people", headers=http.headers("admin"))
    outside = http.client.get(
        f"/api/exports/people?org_id={world.home_branch.id}", headers=http.headers("department")
    )

    assert mine.status_code == 200
    assert [r[0] for r in sheet_rows(mine.content)[1:]] == ["李明"]
    assert sorted(r[0] for r in sheet_rows(everyone.content)[1:]) == ["外县", "李明"]
    assert outside.status_code == 404


def test_a_retried_upload_with_the_same_key_is_answered_once(http: Client) -> None:
    data = roster(http.world)
    first = http.upload("department", "people", data, **{"Idempotency-Key": "roster-1"})
    retry = http.upload("department", "people", data, **{"Idempotency-Key": "roster-1"})

    assert retry.headers.get("idempotent-replay") == "true"
    assert retry.json() == first.json()
    assert first.json()["people"]["created"] == 2
