"""The 发展党员 documents: cases walked with a moved clock issue them, the job renders them, read back.

Each kind is checked for what its reader relies on: the number, the person, the dates (the 公示 period,
the probation's start and end, 党龄), the vote counts, both organizations of a two-place 公示, the
page count with the signature on the last page, and the embedded CJK font.
"""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import Engine as DbEngine
from sqlalchemy import select, update

from api import jobs
from api.bootstrap import Services
from api.rendering import cn_date
from api.settings import Settings
from api.storage import make_storage
from engine.models import Document, Org, Outbox, Person
from tests.workflows.conftest import World, build_world
from tests.workflows.development_steps import ACTORS, inputs, take, walk
from tests.workflows.test_development import USUAL_PATH
from workflows.development import MAIN_PATH

BRANCH = "城关镇东街村党支部"
COMMITTEE = "中共城关镇委员会"


@pytest.fixture
def world(db_engine: DbEngine) -> World:
    return build_world(db_engine)


@pytest.fixture
def services(world: World, tmp_path: Path) -> Services:
    settings = replace(Settings(), data_dir=tmp_path / "var", public_url="https://dangjian.example.gov.cn")
    settings.ensure_dirs()
    return Services(settings, world.engine.sessions.kw["bind"], world.engine, world.engine.registry)


class Rendered:
    """One rendered document: its row, its act's day and the text of each page without any white space."""

    def __init__(self, document: Document, reader: PdfReader, issued_on: date) -> None:
        self.document, self.issued_on = document, issued_on
        self.pages = ["".join(page.extract_text().split()) for page in reader.pages]
        self.text = "".join(self.pages)
        fonts = reader.pages[0]["/Resources"]["/Font"]
        self.fonts = {str(fonts[name].get_object()["/BaseFont"]) for name in fonts}

    def shows(self, *expected: str) -> None:
        for text in expected:
            assert "".join(text.split()) in self.text, (self.document.kind, text)

    def is_laid_out(self, signer: str, signed_on: date | None = None) -> None:
        """The number on the first page, at most two pages, the signer with the date on one page (the
        closing block is never split), the serif CJK font embedded and subset."""
        kind, signed = self.document.kind, cn_date(signed_on or self.issued_on)
        assert (self.document.number or "-") in self.pages[0], kind
        assert 1 <= len(self.pages) <= 2, (kind, len(self.pages))
        assert any(signer in page and signed in page[page.rindex(signer) :] for page in self.pages), kind
        assert any("Noto-Serif-CJK-SC" in font for font in self.fonts), (kind, self.fonts)


def rendered(world: World, services: Services, case_id: int) -> dict[str, list[Rendered]]:
    """Render the pending documents as the worker would, then read the case's back, by kind."""
    with world.engine.sessions() as s:
        pending = list(
            s.scalars(select(Outbox.id).where(Outbox.topic == "render_document", Outbox.done_at.is_(None)))
        )
    for outbox_id in pending:
        jobs.run_outbox_job(services, outbox_id)
    storage = make_storage(services.settings.storage, services.settings.documents_dir, world.engine.sessions)
    days = {e.id: e.effective_date for e in world.events(case_id)}
    found: dict[str, list[Rendered]] = {}
    with world.engine.sessions() as s:
        for document in s.scalars(select(Document).where(Document.case_id == case_id).order_by(Document.id)):
            assert document.status == "ready", (document.kind, document.error)
            reader = PdfReader(io.BytesIO(storage.get(document.storage_path or "")))
            found.setdefault(document.kind, []).append(Rendered(document, reader, days[document.event_id]))
    return found


def fresh_case(world: World, subject: str, day: date) -> int:
    """A case about one of the world's members as if they had never joined (the world has few people)."""
    with world.engine.sessions.begin() as s:
        s.execute(update(Person).where(Person.id == world.people[subject].id).values(status="non_member"))
    world.at(day)
    return world.open(subject)


def test_the_usual_path_issues_each_record_form_notice_resolution_and_approval_with_the_cases_facts(
    world: World, services: Services
) -> None:
    world.at(USUAL_PATH[0][0])
    case_id = world.open()
    for day, action, _, _ in USUAL_PATH:
        world.at(day)
        world.fire(case_id, action, ACTORS[action], inputs(world, action))
    docs = rendered(world, services, case_id)
    assert sorted(docs) == [
        "activist_filing",
        "admission_approval",
        "approval_talk_record",
        "candidate_report",
        "full_membership_approval",
        "meeting_resolution",
        "public_notice",
        "talk_record",
    ]
    [talk] = docs["talk_record"]
    talk.shows(f"{BRANCH}谈字〔2025〕第0001号", "入党申请人谈话记录", "测试applicant", "2025年3月3日")
    talk.shows("谈话日期2025年3月20日", "支部书记 王建国", "了解入党动机，提出要求", "谈话对象（签名）")
    [filing] = docs["activist_filing"]
    filing.shows(f"{BRANCH}积备字〔2025〕第0001号", "入党积极分子备案表", "党员推荐", "2025年4月8日")
    filing.shows("经支部委员会研究，确定测试applicant同志为入党积极分子", f"备案的党委{COMMITTEE}")
    assert "mentor" not in filing.text  # filed before the mentors were named the same day
    [report] = docs["candidate_report"]
    report.shows(f"{BRANCH}发报字〔2026〕第0001号", "发展对象人选报告表", "测试mentor_a、测试mentor_b")
    report.shows(
        "2025年4月8日至2026年5月12日", "同意确定测试applicant同志为发展对象", f"{COMMITTEE}2026年5月14日"
    )
    [notice] = docs["public_notice"]
    notice.shows(f"{BRANCH}公示字〔2026〕第0001号", "关于拟将测试applicant同志列为发展对象的公示")
    notice.shows("申请入党日期2025年3月3日", "确定为入党积极分子日期2025年4月8日", "拟列为发展对象")
    notice.shows("公示期2026年5月15日至2026年5月22日", "东街村村务公开栏", f"也可向{COMMITTEE}反映")
    admission, full_membership = docs["meeting_resolution"]
    admission.shows(f"{BRANCH}决字〔2026〕第0001号", "关于接收测试applicant同志为中共预备党员的决议")
    admission.shows("2026年7月1日", "应到会有表决权的党员9名", "实到会有表决权的党员8名", "书面意见1份")
    admission.shows("赞成8票，反对1票，弃权0票", "该同志入党动机端正，表现突出", "支部书记（签名）")
    admission.shows("会议决议：同意接收测试applicant同志为中共预备党员。本决议于2026年7月1日通过")
    full_membership.shows(f"{BRANCH}决字〔2027〕第0001号", "同意测试applicant同志按期转为中共正式党员")
    [approval_talk] = docs["approval_talk_record"]
    approval_talk.shows(f"{COMMITTEE}谈话字〔2026〕第0001号", "入党前谈话记录", "组织员 刘洋", "同意接收")
    approval_talk.shows("支部党员大会通过日期2026年7月1日", "谈话日期2026年7月10日")
    [approval] = docs["admission_approval"]
    approval.shows(f"{COMMITTEE}接收字〔2026〕第0001号", "同意接收测试applicant同志为中共预备党员")
    approval.shows("预备期一年，自2026年7月1日起至2027年6月30日止", "测试sponsor_a、测试sponsor_b")
    approval.shows("应到会委员7名，实到会委员6名，表决结果：赞成6票，反对0票，弃权0票", "2026年7月20日")
    [confirmed] = docs["full_membership_approval"]
    confirmed.shows(f"{COMMITTEE}转正字〔2027〕第0001号", "党龄自2027年7月1日算起")
    confirmed.shows("预备期2026年7月1日至2027年6月30日", "支部党员大会通过日期2027年7月1日")
    for kind in ("talk_record", "activist_filing", "public_notice", "meeting_resolution"):
        for one in docs[kind]:
            one.is_laid_out(BRANCH)
    report.is_laid_out(BRANCH, signed_on=date(2026, 5, 12))  # the branch reported on the proposal day
    for kind in ("approval_talk_record", "admission_approval", "full_membership_approval"):
        docs[kind][0].is_laid_out(COMMITTEE)


def test_a_two_place_notice_names_both_organizations_each_with_its_contact_and_signs_for_both(
    world: World, services: Services
) -> None:
    with world.engine.sessions.begin() as s:
        for key, phone in (("branch", "0936-5521001"), ("inflow_branch", "0512-6688002")):
            s.execute(
                update(Org).where(Org.id == world.orgs[key].id).values(phone=phone, address=f"{key}路1号")
            )
    world.at(date(2025, 6, 2))
    case_id = world.open("mobile_worker", parties={"outflow_side": "branch", "inflow_side": "inflow_branch"})
    take(world, case_id, "submit_application", extra={"place": "two_place"})
    steps = [s if s != "start_public_notice" else "start_two_place_notice" for s in MAIN_PATH]
    walk(world, case_id, until="finish_public_notice", steps=steps)
    start = world.events(case_id, "start_two_place_notice")[0].effective_date
    [notice] = rendered(world, services, case_id)["two_place_notice"]
    notice.shows(f"{BRANCH}两地公示字〔2026〕第0001号", "关于拟将测试mobile_worker同志列为发展对象的公示")
    notice.shows(f"现在流出地{BRANCH}和流入地新坝镇工业园区党支部同时公示")
    notice.shows(f"流出地公示单位及联系方式{BRANCH}，地址：branch路1号，电话：0936-5521001")
    notice.shows("流入地公示单位及联系方式新坝镇工业园区党支部，地址：inflow_branch路1号，电话：0512-6688002")
    notice.shows(f"公示期{cn_date(start)}至{cn_date(date(2026, 6, 9))}", "向流出地或流入地党组织反映")
    assert start == date(2026, 6, 2)  # a Tuesday: five working days end on the next Tuesday
    notice.is_laid_out("新坝镇工业园区党支部")
    assert BRANCH in notice.pages[-1]


def test_under_the_2014_rules_the_same_report_form_files_the_candidate_instead_of_asking_consent(
    world: World, services: Services
) -> None:
    world.at(date(2025, 3, 3))
    case_id = world.open()
    walk(world, case_id, until="consent_to_candidate")
    world.at(date(2026, 5, 10))
    world.fire(case_id, "file_candidate_proposal", "caseworker")
    [filing] = rendered(world, services, case_id)["candidate_report"]
    filing.shows(
        f"{BRANCH}发报字〔2026〕第0001号", "发展对象人选报告表", "报请上级党委备案", "上级党委备案意见"
    )
    assert "审查同意" not in filing.text and "同意确定" not in filing.text
    filing.is_laid_out(BRANCH)


def test_a_refused_admission_gives_the_committees_reason(world: World, services: Services) -> None:
    case_id = fresh_case(world, "warned", date(2025, 6, 2))
    walk(world, case_id, until="approve_admission")
    world.fire(case_id, "reject_admission", "approver", reason="政治审查材料不完整")
    [refusal] = rendered(world, services, case_id)["admission_refusal"]
    refusal.shows(
        f"{COMMITTEE}不予接收字〔2026〕第0001号", f"{BRANCH}：", "不同意接收测试warned同志为中共预备党员"
    )
    refusal.shows("理由：政治审查材料不完整")
    refusal.is_laid_out(COMMITTEE)


def test_an_extension_states_the_months_and_the_new_end_and_the_earlier_approval_keeps_its_end(
    world: World, services: Services
) -> None:
    case_id = fresh_case(world, "restored", date(2025, 6, 2))
    walk(world, case_id, until="resolve_full_membership", actors={"apply_for_full_membership": "caseworker"})
    take(world, case_id, "resolve_extension")
    take(world, case_id, "approve_extension")
    data = world.data(case_id)
    start, old_end, new_end = (
        date.fromisoformat(data[k]) for k in ("probation_start", "original_probation_end", "probation_end")
    )
    assert (new_end - old_end).days in range(181, 185)  # six months from the day after the old end
    docs = rendered(world, services, case_id)  # the admission's approval too, rendered only now
    [extension] = docs["probation_extension"]
    extension.shows(
        f"{COMMITTEE}延期字〔{extension.issued_on.year}〕第0001号", "同意延长测试restored同志的预备期6个月"
    )
    extension.shows(f"延长后的预备期至{cn_date(new_end)}止", f"原预备期{cn_date(start)}至{cn_date(old_end)}")
    extension.shows("延长理由党员意识有待加强")
    extension.is_laid_out(COMMITTEE)
    [approval] = docs["admission_approval"]
    approval.shows(f"自{cn_date(start)}起至{cn_date(old_end)}止")
    resolutions = docs["meeting_resolution"]
    resolutions[-1].shows("同意延长测试restored同志的预备期6个月", "理由：党员意识有待加强")


def test_a_cancellation_gives_the_ground_and_the_right_to_appeal(world: World, services: Services) -> None:
    case_id = fresh_case(world, "on_probation_sanction", date(2025, 6, 2))
    walk(world, case_id, until="resolve_full_membership", actors={"apply_for_full_membership": "caseworker"})
    take(world, case_id, "resolve_cancellation")
    take(world, case_id, "cancel_probation")
    docs = rendered(world, services, case_id)
    [cancellation] = docs["probation_cancellation"]
    cancellation.shows(f"{COMMITTEE}取消字〔{cancellation.issued_on.year}〕第0001号")
    cancellation.shows("同意取消测试on_probation_sanction同志的预备党员资格", "取消理由严重违纪", "提出申诉")
    cancellation.is_laid_out(COMMITTEE)
    docs["meeting_resolution"][-1].shows("同意取消测试on_probation_sanction同志的预备党员资格")
