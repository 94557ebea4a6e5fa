"""The 发展党员 statistics (细则 第三十八条): people entering and leaving each stage per organization and
period, those who became full members or left, and the overdue steps — from the engine and the API,
as JSON and as an Excel workbook."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import Engine as DbEngine

from api.app import create_app
from api.bootstrap import Services
from api.development_report import DevelopmentReport, development_report, parse_period
from api.settings import Settings
from engine.errors import InvalidInput
from tests.workflows.conftest import World
from tests.workflows.development_steps import take
from tests.workflows.test_development import USUAL_PATH
from workflows.development import DEFINITION


def report(world: World, period: str, org: str = "county") -> DevelopmentReport:
    with world.engine.sessions() as s:
        return development_report(s, DEFINITION, world.orgs[org], period)


def flows(found: DevelopmentReport) -> dict[str, tuple[int, int, int, int, int]]:
    """Per stage of the total: (at start, entered, imported, left, at end)."""
    return {s.stage: (s.at_start, s.entered, s.imported, s.left, s.at_end) for s in found.total.stages}


def usual_case(world: World, until: str | None = None) -> int:
    world.at(USUAL_PATH[0][0])
    case_id = world.open()
    for day, action, _, _ in USUAL_PATH:
        if action == until:
            break
        world.at(day)
        take(world, case_id, action)
    return case_id


def test_each_month_counts_who_entered_and_left_each_stage_and_the_stock_at_both_ends(world: World) -> None:
    usual_case(world)
    assert flows(report(world, "2025-03"))["applicant"] == (0, 1, 0, 0, 1)  # applied on 2025-03-03
    april = flows(report(world, "2025-04"))  # made an activist on 2025-04-08
    assert (april["applicant"], april["activist"]) == ((1, 0, 0, 1, 0), (0, 1, 0, 0, 1))
    year = report(world, "2026")  # 发展对象 on 2026-05-22, 预备党员 on 2026-07-20
    assert flows(year) == {
        "applicant": (0, 0, 0, 0, 0),
        "activist": (1, 0, 0, 1, 0),
        "candidate": (0, 1, 0, 1, 0),
        "probationary_member": (0, 1, 0, 0, 1),
    }
    assert (year.total.became_full_members, year.total.left_the_process) == (0, 0)
    assert report(world, "2027").total.became_full_members == 1  # 转正 approved on 2027-07-10
    assert (year.title, year.start, year.end) == (
        "中共示例县委员会发展党员工作年报（2026年）",
        date(2026, 1, 1),
        date(2026, 12, 31),
    )


def test_rows_are_per_organization_and_a_report_covers_only_the_subtree_asked_for(world: World) -> None:
    usual_case(world, until="designate_activist")
    world.at(date(2025, 3, 10))
    other = world.open("mobile_worker", owner="west_branch", actor="west_caseworker")
    take(world, other, "submit_application", "west_caseworker")
    county = report(world, "2025-03")
    assert [(r.org_name, r.stages[0].entered) for r in county.rows] == [
        ("城关镇东街村党支部", 1),
        ("城关镇西街村党支部", 1),
    ]
    assert county.total.stages[0].entered == 2
    branch = report(world, "2025-03", org="branch")
    assert [r.org_name for r in branch.rows] == ["城关镇东街村党支部"] and branch.total.stages[0].entered == 1


def test_a_withdrawn_application_counts_as_leaving_the_process(world: World) -> None:
    case_id = usual_case(world, until="designate_activist")
    world.at(date(2025, 6, 2))
    world.fire(case_id, "withdraw_application", "secretary", reason="本人书面撤回入党申请")
    june = report(world, "2025-06")
    assert flows(june)["applicant"] == (1, 0, 0, 1, 0)
    assert june.total.left_the_process == 1


def test_a_talk_not_held_within_a_month_is_overdue_at_the_end_of_the_next_month_and_then_done_late(
    world: World,
) -> None:
    world.at(date(2025, 3, 3))
    case_id = world.open()
    take(world, case_id, "submit_application")  # the talk is due on 2025-04-03
    assert report(world, "2025-03").total.overdue_open == 0
    assert report(world, "2025-04").total.overdue_open == 1
    world.at(date(2025, 5, 6))
    talk = {"talker": "支部书记", "summary": "了解入党动机"}
    world.fire(
        case_id,
        "hold_talk",
        "secretary",
        talk,
        waive=("talk_within_one_month",),
        reason="申请人外出返乡后谈话",
    )
    may = report(world, "2025-05").total
    assert (may.overdue_open, may.closed_late) == (0, 1)


def test_a_case_imported_part_way_joins_the_stock_as_imported_not_as_entered(world: World) -> None:
    world.at(date(2026, 2, 10))
    with world.engine.sessions.begin() as s:
        world.engine.open_case_in(
            s, workflow="development", subject_id=world.people["probationer"].id,
            org_id=world.orgs["branch"].id, actor=world.caseworker,
            data={"probation_start": "2025-09-01", "probation_end": "2026-08-31"},
            start_state="PROBATION", entered_on={"PROBATION": date(2025, 9, 1)},
        )  # fmt: skip
    found = report(world, "2026-02")
    assert flows(found)["probationary_member"] == (0, 0, 1, 0, 1)
    assert flows(report(world, "2026-03"))["probationary_member"] == (1, 0, 0, 0, 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11", ("2026年11月", date(2026, 11, 1), date(2026, 11, 30))),
        ("2024-2", ("2024年2月", date(2024, 2, 1), date(2024, 2, 29))),
        ("2026", ("2026年", date(2026, 1, 1), date(2026, 12, 31))),
    ],
)
def test_a_period_is_a_month_or_a_year(text: str, expected: tuple[str, date, date]) -> None:
    assert parse_period(text) == expected


@pytest.mark.parametrize("text", ["2026-13", "2026-0", "26-11", "2026/11", "本月"])
def test_a_period_that_is_neither_is_refused_in_chinese(text: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_period(text)
    assert refused.value.errors == {"period": "统计期间应写作 2026-11（月报）或 2026（年报）"}


# -- the API --------------------------------------------------------------------------------------


@pytest.fixture
def client(world: World, db_engine: DbEngine, tmp_path: Path) -> Any:
    settings = Settings(database_url=str(db_engine.url), data_dir=tmp_path / "var")
    services = Services(settings, db_engine, world.engine, world.engine.registry)
    with TestClient(app=create_app(services)) as test_client:
        yield test_client


def _as(world: World, client: Any, who: str) -> dict[str, str]:
    token = client.app.state.auth.create_token(identifier=str(world.actors[who].user_id))
    return {"Authorization": f"Bearer {token}"}


def test_the_api_gives_the_report_as_json_and_as_a_workbook(world: World, client: Any) -> None:
    usual_case(world, until="designate_candidate")
    headers = _as(world, client, "department")
    answer = client.get("/api/reports/development", params={"period": "2025-04"}, headers=headers)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["org_name"] == "中共示例县委员会" and body["title"].endswith("月报（2025年4月）")
    assert [(s["label"], s["entered"]) for s in body["total"]["stages"]][:2] == [
        ("入党申请人", 0),
        ("入党积极分子", 1),
    ]

    sheet = client.get("/api/reports/development.xlsx", params={"period": "2025"}, headers=headers)
    assert sheet.status_code == 200
    assert sheet.headers["content-disposition"] == 'attachment; filename="development-report-2025.xlsx"'
    rows = [list(r) for r in load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True)]
    assert rows[0][0] == "中共示例县委员会发展党员工作年报（2025年）"
    assert rows[2][:3] == ["组织", "入党申请人", None] and rows[3][1:6] == [
        "期初",
        "新增",
        "导入",
        "减少",
        "期末",
    ]
    assert rows[4][0] == "城关镇东街村党支部" and rows[-1][0] == "合计"
    assert rows[-1][1:11] == [0, 1, 0, 1, 0, 0, 1, 0, 0, 1]  # applied and made an activist in 2025


def test_the_api_gives_the_report_as_a_pdf_to_print(world: World, client: Any) -> None:
    usual_case(world, until="designate_candidate")
    answer = client.get(
        "/api/reports/development.pdf", params={"period": "2025-04"}, headers=_as(world, client, "department")
    )
    assert answer.status_code == 200 and answer.content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(answer.content))
    text = "".join(page.extract_text() for page in reader.pages).replace(" ", "").replace("\n", "")
    assert len(reader.pages) == 1 and reader.pages[0].mediabox.width > reader.pages[0].mediabox.height
    for expected in (
        "中共示例县委员会发展党员工作月报（2025年4月）",
        "2025年4月1日至2025年4月30日",
        "城关镇东街村党支部",
        "合计",
        "入党积极分子",
        "第三十八条",
    ):
        assert expected in text, expected
    fonts = {str(f["/BaseFont"]) for page in reader.pages for f in page["/Resources"]["/Font"].values()}
    assert any("Noto-Serif-CJK-SC" in font for font in fonts), fonts


def test_the_api_refuses_a_bad_period_and_an_organization_outside_the_callers_scope(
    world: World, client: Any
) -> None:
    bad = client.get(
        "/api/reports/development", params={"period": "2026-13"}, headers=_as(world, client, "caseworker")
    )
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_input"
    assert bad.json()["errors"] == {"period": "统计期间应写作 2026-11（月报）或 2026（年报）"}
    outside = client.get(
        "/api/reports/development",
        params={"period": "2026", "org_id": world.orgs["county"].id},
        headers=_as(world, client, "caseworker"),
    )
    assert outside.status_code == 404 and outside.json()["title"] == "组织不存在或不在您的管理范围内"
    mine = client.get(
        "/api/reports/development", params={"period": "2026"}, headers=_as(world, client, "caseworker")
    )
    assert mine.json()["org_name"] == "城关镇东街村党支部"
