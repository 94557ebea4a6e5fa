"""The transfer, mobile and assessment documents: rendered from demo-like cases to PDF/A, read back.

Each kind is checked for what its reader relies on: the allocated number on every part, the
person, dates and validity in capital numerals, the page count and the embedded CJK font.
"""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient
from pypdf import PdfReader
from sqlalchemy import Engine as DbEngine
from sqlalchemy import select

from api import jobs
from api.app import create_app
from api.assessment import open_assessment_year, publish_year
from api.bootstrap import Services
from api.settings import Settings
from api.storage import make_storage
from engine.authz import organization_department
from engine.identity import mask_id_number, mask_name
from engine.models import Document, Org, Outbox, Person
from engine.runtime import Engine
from tests.workflows import disposition_world, transfer_world
from workflows.rating import Rating

REQUEST = {"reason": "work_unit_change", "destination": "新坝镇光明村党支部"}
LETTER = {"route": "within_county", "dues_paid_until": "2026-02-28"}
SENDER = "中共丰乐县城关镇委员会"


def _services(engine: Engine, tmp_path: Path) -> Services:
    settings = replace(Settings(), data_dir=tmp_path / "var", public_url="https://dangjian.example.gov.cn")
    settings.ensure_dirs()
    return Services(settings, engine.sessions.kw["bind"], engine, engine.registry)


@pytest.fixture
def transfers(db_engine: DbEngine, tmp_path: Path) -> tuple[transfer_world.World, Services]:
    world = transfer_world.build_world(db_engine)
    return world, _services(world.engine, tmp_path)


def rendered(services: Services, case_id: int) -> list[Document]:
    """Render the case's pending documents (as the worker would) and return all of them, oldest first."""
    with services.engine.sessions() as s:
        pending = list(
            s.scalars(select(Outbox.id).where(Outbox.topic == "render_document", Outbox.done_at.is_(None)))
        )
    for outbox_id in pending:
        jobs.run_outbox_job(services, outbox_id)
    with services.engine.sessions() as s:
        found = list(s.scalars(select(Document).where(Document.case_id == case_id).order_by(Document.id)))
    assert all(d.status == "ready" for d in found), [(d.kind, d.error) for d in found]
    return found


def pdf_of(services: Services, document: Document) -> PdfReader:
    storage = make_storage(
        services.settings.storage, services.settings.documents_dir, services.engine.sessions
    )
    return PdfReader(io.BytesIO(storage.get(document.storage_path or "")))


def flat_text(reader: PdfReader) -> str:
    return "".join(page.extract_text() for page in reader.pages).replace(" ", "").replace("\n", "")


def cjk_font_embedded(reader: PdfReader) -> bool:
    fonts = reader.pages[0]["/Resources"]["/Font"]
    names = [str(fonts[name].get_object()["/BaseFont"]) for name in fonts]
    return any("Noto-Serif-CJK-SC" in name for name in names)


# -- 党员组织关系介绍信 ---------------------------------------------------------------------------------


def issued_letter(world: transfer_world.World) -> int:
    case_id = world.open("transfer", world.member)
    world.fire(case_id, "submit_request", world.member, REQUEST)
    world.fire(case_id, "approve_request", world.sender_secretary, {"opinion": "同意转出"})
    world.fire(case_id, "issue_letter", world.sender_committee, LETTER)
    return case_id


def test_the_transfer_letter_is_one_page_with_stub_letter_and_receipt_under_the_allocated_number(
    transfers: tuple[transfer_world.World, Services],
) -> None:
    world, services = transfers
    case_id = issued_letter(world)
    [letter] = rendered(services, case_id)
    number = f"{SENDER}组转字〔2026〕第0001号"
    assert (letter.kind, letter.number) == ("transfer_letter", number)
    assert world.data(case_id)["letter_number"] == number
    reader = pdf_of(services, letter)
    assert len(reader.pages) == 1
    text = flat_text(reader)
    assert text.count(number) >= 3  # the same number on 存根, 介绍信 and 回执
    for part in ("介绍信（存根）", "中国共产党党员组织关系介绍信", "介绍信（回执）", "骑缝", "沿此线剪开"):
        assert part in text, part
    person = world.person()
    assert text.count(person.name) >= 3
    assert person.id_number in text and text.count(mask_id_number(person.id_number)) == 2
    for expected in (
        "正式党员",
        "新坝镇光明村党支部",  # to
        "城关镇东街社区党支部",  # from
        "中共丰乐县新坝镇委员会",  # addressed to the receiving 基层党委
        "贰零贰陆年",  # 党费已交到 in capital numerals
        "贰月",
        "有效期叁拾天",  # the route's validity (within the county: 30 days)
        "2026年3月2日",
        "特此回复",
        "经办人",
    ):
        assert expected in text, expected
    assert cjk_font_embedded(reader)


def test_a_lost_letter_is_voided_and_the_re_issue_gets_the_next_number_on_a_new_document(
    transfers: tuple[transfer_world.World, Services],
) -> None:
    world, services = transfers
    case_id = issued_letter(world)
    world.fire(
        case_id, "report_letter_lost", world.member, {"lost_on": "2026-03-02", "circumstances": "乘车遗失"}
    )
    world.at(date(2026, 3, 4))
    world.fire(case_id, "reissue_letter", world.sender_committee, LETTER)
    first, second = rendered(services, case_id)
    assert (first.number, second.number) == (
        f"{SENDER}组转字〔2026〕第0001号",
        f"{SENDER}组转字〔2026〕第0002号",
    )
    assert (first.voided_on, first.void_reason) == (date(2026, 3, 2), "报告介绍信遗失")
    assert second.voided_on is None
    assert world.data(case_id)["letter_number"] == second.number
    text = flat_text(pdf_of(services, second))
    assert text.count(second.number) >= 3 and first.number not in text
    assert "2026年3月4日" in text


def test_the_membership_certificate_for_a_short_absence_states_the_months_and_its_number(
    transfers: tuple[transfer_world.World, Services],
) -> None:
    world, services = transfers
    case_id = world.open("transfer", world.member)
    world.fire(case_id, "submit_request", world.member, {**REQUEST, "reason": "other"})
    world.fire(case_id, "issue_membership_certificate", world.sender_secretary, {"expected_months": 4})
    [certificate] = rendered(services, case_id)
    assert certificate.number == "城关镇东街社区党支部证明字〔2026〕第0001号"
    reader = pdf_of(services, certificate)
    text = flat_text(reader)
    for expected in (
        certificate.number,
        "党员证明信",
        world.person().name,
        "正式党员",
        "肆个月",
        "2026年3月2日",
    ):
        assert expected in text, expected
    assert len(reader.pages) == 1 and cjk_font_embedded(reader)


# -- 流动党员活动证 and 双向通报 ------------------------------------------------------------------------

DEPARTURE = {
    "destination": "江苏省苏州市工业园区",
    "employer": "苏州绿源电子科技有限公司",
    "contact_phone": "13909361234",
    "expected_months": 12,
    "leaves_on": "2026-03-10",
}


def away(world: transfer_world.World, departure: dict[str, Any] = DEPARTURE) -> int:
    case_id = world.open("mobile", world.member, parties={"inflow_side": "suzhou_branch"})
    world.fire(case_id, "register_departure", world.member, departure)
    world.at(date(2026, 3, 5))
    world.fire(case_id, "hold_departure_talk", world.sender_secretary, {"talk_summary": "交代外出期间的要求"})
    return case_id


def test_the_activity_card_is_numbered_by_the_county_department_and_has_the_entry_and_check_pages(
    transfers: tuple[transfer_world.World, Services],
) -> None:
    world, services = transfers
    first, second = away(world), away(world)
    world.fire(first, "issue_activity_card", world.sender_caseworker)
    world.fire(second, "issue_activity_card", world.sender_caseworker)
    [card] = rendered(services, first)
    department = "中共丰乐县委组织部流证字〔2026〕"
    assert card.number == f"{department}第0001号" and world.data(first)["card_number"] == card.number
    assert world.data(second)["card_number"] == f"{department}第0002号"  # one counter for the county
    with services.engine.sessions() as s:
        assert s.get(Org, card.issuer_org_id).name == "城关镇东街社区党支部"  # type: ignore[union-attr]
    reader = pdf_of(services, card)
    assert len(reader.pages) == 2 and cjk_font_embedded(reader)
    first_page = reader.pages[0].extract_text().replace(" ", "").replace("\n", "")
    for expected in (
        card.number,
        "流动党员活动证",
        world.person().name,
        "江苏省苏州市工业园区",
        "2026年3月10日",
    ):
        assert expected in first_page, expected
    assert "中共丰乐县城关镇委员会" in first_page
    entries = reader.pages[1].extract_text().replace(" ", "").replace("\n", "")
    assert "没有表决权、选举权和被选举权" in entries
    for expected in (
        "流入地党组织登记",
        "报到日期",
        "离开日期",
        "党费交纳情况",
        "年度查验",
        "2026年",
        "2028年",
    ):
        assert expected in entries, expected


def test_a_returned_card_is_voided_and_keeps_its_number(
    transfers: tuple[transfer_world.World, Services],
) -> None:
    world, services = transfers
    case_id = away(world)
    world.fire(case_id, "issue_activity_card", world.sender_caseworker)
    world.at(date(2026, 12, 20))
    world.fire(case_id, "return_activity_card", world.sender_caseworker)
    [card] = rendered(services, case_id)
    assert (card.voided_on, card.void_reason) == (date(2026, 12, 20), "交回活动证")
    assert world.data(case_id)["card_number"] == card.number


def test_the_mutual_notice_tells_the_inflow_organization_who_comes_and_how_to_reach_them(
    transfers: tuple[transfer_world.World, Services],
) -> None:
    world, services = transfers
    case_id = away(world)
    world.fire(case_id, "send_mutual_notice", world.sender_caseworker, {"channel": "letter"})
    [notice] = rendered(services, case_id)
    assert notice.number == "城关镇东街社区党支部流通字〔2026〕第0001号"
    reader = pdf_of(services, notice)
    text = flat_text(reader)
    person = world.person()
    for expected in (
        notice.number,
        f"关于{person.name}同志外出流动情况的通报",
        "中共丰乐县驻苏州流动党员党支部：",
        "苏州绿源电子科技有限公司",
        "13909361234",
        "2026年3月10日",
        "预计外出12个月",
        mask_id_number(person.id_number),
        "2026年3月5日",
    ):
        assert expected in text, expected
    assert person.id_number not in text
    assert len(reader.pages) == 1 and cjk_font_embedded(reader)


def test_the_mutual_notice_renders_without_the_optional_employer(
    transfers: tuple[transfer_world.World, Services],
) -> None:
    world, services = transfers
    case_id = away(world, {k: v for k, v in DEPARTURE.items() if k != "employer"})
    world.fire(case_id, "send_mutual_notice", world.sender_caseworker, {"channel": "letter"})
    [notice] = rendered(services, case_id)
    text = flat_text(pdf_of(services, notice))
    assert "外出到江苏省苏州市工业园区，预计外出12个月" in text and "工作" not in text.split("外出到")[1][:20]


# -- 民主评议党员结果公布 -------------------------------------------------------------------------------


def test_the_years_result_list_is_one_document_with_masked_names_scores_grades_and_counts(
    db_engine: DbEngine, tmp_path: Path
) -> None:
    world = disposition_world.build_world(db_engine)
    services = _services(world.engine, tmp_path)
    world.at(date(2026, 1, 12))
    branch = world.orgs["branch"].id
    cases = open_assessment_year(world.engine, branch, 2025, world.secretary)
    ratings = {0: Rating.EXCELLENT, 1: Rating.BASICALLY_QUALIFIED, 2: Rating.UNQUALIFIED}
    for index, case_id in enumerate(cases):
        for action, inputs in (
            ("submit_self_assessment", {"summary": "按时参加组织生活"}),
            ("record_peer_review", {"summary": "工作踏实"}),
            ("record_democratic_testing", {"participants": 9, "votes_excellent": 2, "votes_qualified": 7}),
        ):
            world.fire(case_id, action, world.caseworker, inputs)
        rating = ratings.get(index, Rating.QUALIFIED)
        world.fire(case_id, f"confirm_{rating}", world.secretary, {"body": "branch_general_meeting"})
    world.at(date(2026, 1, 20))
    assert publish_year(world.engine, branch, 2025, world.caseworker) == len(cases) == 10
    with services.engine.sessions() as s:
        [result_list] = s.scalars(select(Document).where(Document.kind == "result_list"))
    [document] = rendered(services, result_list.case_id)
    assert document.number == "城关镇南关村党支部评议字〔2026〕第0001号" and document.case_id == cases[-1]
    reader = pdf_of(services, document)
    text = flat_text(reader)
    for expected in (
        document.number,
        "2025年度民主评议党员结果公布",
        "现将城关镇南关村党支部2025年度民主评议党员结果公布如下",
        "共10名党员参加评议，其中优秀1名，合格7名，基本合格1名，不合格1名。特此公布。",
        "党员大会",
        "2/7/0/0",
        "2026年1月12日",  # the rating
        "2026年1月20日",  # the publication
        "预备党员",
    ):
        assert expected in text, expected
    with services.engine.sessions() as s:
        names = [
            p.name
            for p in s.scalars(select(Person).where(Person.id.in_(world.case(c).subject_id for c in cases)))
        ]
    assert all(mask_name(name) in text and name not in text for name in names)
    last = reader.pages[-1].extract_text().replace(" ", "").replace("\n", "")
    assert len(reader.pages) <= 2 and "城关镇南关村党支部2026年1月20日" in last  # signed under the list
    assert cjk_font_embedded(reader)


def test_the_api_shows_the_lost_letter_as_voided_and_its_replacement_as_valid(
    transfers: tuple[transfer_world.World, Services],
) -> None:
    world, services = transfers
    case_id = issued_letter(world)
    world.fire(
        case_id, "report_letter_lost", world.member, {"lost_on": "2026-03-02", "circumstances": "乘车遗失"}
    )
    world.fire(case_id, "reissue_letter", world.sender_committee, LETTER)
    with TestClient(app=create_app(services)) as client:
        token = client.app.state.auth.create_token(identifier=str(world.sender_committee.user_id))
        listed = client.get(f"/api/cases/{case_id}", headers={"Authorization": f"Bearer {token}"}).json()
    assert [(d["number"][-6:], d["voided_on"], d["void_reason"]) for d in listed["documents"]] == [
        ("第0001号", "2026-03-02", "报告介绍信遗失"),
        ("第0002号", None, ""),
    ]


def test_the_numbering_department_is_the_nearest_committees_and_an_org_without_one_has_none(
    transfers: tuple[transfer_world.World, Services],
) -> None:
    world, _ = transfers
    with world.engine.sessions() as s:
        branch, offsite = (s.get(Org, world.orgs[k].id) for k in ("sending_branch", "offsite_branch"))
        assert branch is not None and offsite is not None
        department = organization_department(s, branch)
        assert department is not None and department.name == "中共丰乐县委组织部"
        assert organization_department(s, offsite) is None  # its issue is refused: 找不到发文或编号组织
