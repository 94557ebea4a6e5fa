"""流动党员 with a moved clock: registration, notice, contact, the card, and each rule that opens a
follow-up case (fixed place → transfer; six months → disposition; lost contact → 停止党籍 → 除名)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine as DbEngine

from engine.errors import RuleRefusal
from engine.machine import leaves
from engine.timers import sweep
from tests.workflows.transfer_world import World, build_world
from workflows.mobile import (
    CARD_FORM,
    FIXED_PLACE,
    LOST_CONTACT_ARTICLE,
    MUTUAL_NOTICE,
    SEED_2345,
    SELF_LAPSE,
)

PARTIES = {"outflow_side": "sending_branch", "inflow_side": "suzhou_branch"}
DEPARTURE: dict[str, Any] = {
    "destination": "江苏省苏州市工业园区",
    "employer": "苏州某电子科技有限公司",
    "contact_phone": "13909361234",
    "expected_months": 12,
    "leaves_on": "2026-03-10",
}
TALK = {"talk_summary": "交代外出期间参加组织生活、按时交纳党费和定期汇报的要求"}


@pytest.fixture
def world(db_engine: DbEngine) -> World:
    return build_world(db_engine)


def refusal(excinfo: pytest.ExceptionInfo[RuleRefusal], rule: str) -> Any:
    found = [u for u in excinfo.value.unmet if u.rule == rule]
    assert found, [u.rule for u in excinfo.value.unmet]
    return found[0]


def away(world: World) -> int:
    """Registered on 2026-03-02, talked to on 2026-03-05: away from then on."""
    case_id = world.open("mobile", world.member, parties=PARTIES)
    world.fire(case_id, "register_departure", world.member, DEPARTURE)
    world.at(date(2026, 3, 5))
    world.fire(case_id, "hold_departure_talk", world.sender_secretary, TALK)
    return case_id


def test_a_member_registers_is_talked_to_notified_carded_and_comes_home(world: World) -> None:
    case_id = away(world)
    assert world.person().mobile is True
    assert sorted(leaves(world.state(case_id))) == ["AWAY.CARD.NOT_ISSUED", "AWAY.NOTICE.PENDING"]
    world.fire(case_id, "send_mutual_notice", world.sender_caseworker, {"channel": "platform"})
    [ack] = world.open_tasks(case_id, "acknowledge_mutual_notice")
    assert ack.queue_org_id == world.orgs["suzhou_branch"].id  # shown in the inflow side's queue
    world.fire(case_id, "acknowledge_mutual_notice", world.suzhou_caseworker, {"note": "已纳入流入党员管理"})
    world.fire(case_id, "issue_activity_card", world.sender_caseworker)
    world.fire(
        case_id,
        "record_participation",
        world.suzhou_caseworker,
        {"kind": "party_life", "summary": "参加三月主题党日"},
    )
    world.fire(
        case_id, "record_participation", world.member, {"kind": "thought_report", "summary": "一季度思想汇报"}
    )
    assert sorted(leaves(world.state(case_id))) == ["AWAY.CARD.HELD", "AWAY.NOTICE.ACKNOWLEDGED"]
    world.at(date(2026, 12, 20))
    world.fire(case_id, "return_activity_card", world.sender_caseworker)
    result = world.fire(
        case_id, "end_mobile_management", world.sender_caseworker, {"ending": "returned_home"}
    )
    assert (result.state, result.closed) == ("ENDED", True)
    assert world.person().mobile is False
    assert world.data(case_id)["last_party_life_on"] == "2026-03-05"


def test_the_registration_comes_before_leaving_unless_a_late_one_is_explained(world: World) -> None:
    case_id = world.open("mobile", parties=PARTIES)
    late = {**DEPARTURE, "leaves_on": "2026-02-20"}
    with pytest.raises(RuleRefusal) as refused:
        world.fire(case_id, "register_departure", world.sender_caseworker, late)
    unmet = refusal(refused, "registration_dated_ahead")
    assert (unmet.citation, unmet.waivable) == (SEED_2345, True)
    world.fire(
        case_id,
        "register_departure",
        world.sender_caseworker,
        late,
        reason="春节后直接返岗",
        waive=("registration_dated_ahead",),
    )
    assert world.state(case_id) == "DEPARTURE_TALK"


def test_the_departure_talk_comes_before_leaving_or_is_explained(world: World) -> None:
    case_id = world.open("mobile", parties=PARTIES)
    world.fire(case_id, "register_departure", world.sender_caseworker, DEPARTURE)
    world.at(date(2026, 3, 11))
    with pytest.raises(RuleRefusal) as refused:
        world.fire(case_id, "hold_departure_talk", world.sender_secretary, TALK)
    unmet = refusal(refused, "talk_before_departure")
    assert unmet.citation == SEED_2345 and "期限为2026-03-10，已逾期1天" in unmet.message
    world.fire(
        case_id,
        "hold_departure_talk",
        world.sender_secretary,
        TALK,
        reason="视频谈话",
        waive=("talk_before_departure",),
    )
    assert "AWAY.NOTICE.PENDING" in leaves(world.state(case_id))


def test_the_mutual_notice_is_due_within_a_month_and_escalates_when_missed(world: World) -> None:
    on_time, late = away(world), away(world)
    world.at(date(2026, 4, 5))
    world.fire(on_time, "send_mutual_notice", world.sender_caseworker, {"channel": "letter"})
    sweep(world.engine)
    escalated = world.notifications("escalation")
    assert [(n.case_id, n.user_id, n.title) for n in escalated] == [
        (late, world.sender_committee.user_id, "逾期督办：双向通报期限")
    ]
    world.at(date(2026, 4, 6))
    with pytest.raises(RuleRefusal) as refused:
        world.fire(late, "send_mutual_notice", world.sender_caseworker, {"channel": "letter"})
    unmet = refusal(refused, "mutual_notice_within_deadline")
    assert unmet.citation == MUTUAL_NOTICE and "期限为2026-04-05，已逾期1天" in unmet.message


def test_a_recorded_contact_makes_the_next_one_due_a_quarter_later_and_a_missed_one_escalates(
    world: World,
) -> None:
    case_id = away(world)  # away since 2026-03-05
    world.fire(case_id, "send_mutual_notice", world.sender_caseworker, {"channel": "platform"})
    [first] = world.open_tasks(case_id, "mutual_contact")
    assert first.due_date == date(2026, 6, 5)
    world.at(date(2026, 4, 20))
    contact = {"channel": "phone", "summary": "工作稳定"}
    world.fire(case_id, "record_mutual_contact", world.sender_caseworker, contact)
    assert [t.due_date for t in world.open_tasks(case_id, "mutual_contact")] == [date(2026, 7, 20)]
    world.at(date(2026, 7, 20))  # the last day of the quarter: nobody is told yet
    sweep(world.engine)
    assert world.notifications("escalation") == []
    world.at(date(2026, 7, 21))
    sweep(world.engine)
    [escalated] = world.notifications("escalation")
    assert (escalated.case_id, escalated.user_id, escalated.title) == (
        case_id,
        world.sender_committee.user_id,
        "逾期督办：双向联系",
    )
    assert escalated.body.endswith("双向联系，期限 2026-07-20")
    assert [t.due_date for t in world.open_tasks(case_id, "mutual_contact")] == [
        date(2026, 7, 20)
    ]  # no pile-up
    world.at(date(2026, 7, 28))
    world.fire(
        case_id, "record_mutual_contact", world.suzhou_caseworker, {"channel": "visit", "summary": "走访"}
    )
    assert [t.due_date for t in world.open_tasks(case_id, "mutual_contact")] == [date(2026, 10, 28)]
    world.at(date(2026, 10, 29))
    sweep(world.engine)
    assert len(world.notifications("escalation")) == 2  # missed again
    world.fire(
        case_id,
        "report_lost_contact",
        world.sender_caseworker,
        {"last_contact_on": "2026-07-28", "search_efforts": "电话停机"},
    )
    assert world.open_tasks(case_id, "mutual_contact") == []
    assert {t.status for t in world.timers(case_id, "mutual_contact_due")} == {"cancelled"}
    world.at(date(2027, 1, 29))
    sweep(world.engine)
    assert world.open_tasks(case_id, "mutual_contact") == [] and len(world.notifications("escalation")) == 2


def test_the_activity_card_is_checked_every_year_with_the_democratic_appraisal(world: World) -> None:
    case_id = away(world)
    world.at(date(2026, 3, 10))
    world.fire(case_id, "issue_activity_card", world.sender_caseworker)
    [check] = world.open_tasks(case_id, "check_activity_card")
    assert check.due_date == date(2027, 3, 10)
    world.at(date(2027, 3, 10))
    world.fire(case_id, "check_activity_card", world.suzhou_caseworker, {"democratic_appraisal": "qualified"})
    assert world.events(case_id, "check_activity_card")[0].inputs["democratic_appraisal"] == "qualified"
    [next_check] = world.open_tasks(case_id, "check_activity_card")
    assert next_check.due_date == date(2028, 3, 10)
    world.at(date(2027, 3, 11))
    sweep(world.engine)
    assert [t.due_date for t in world.open_tasks(case_id, "check_activity_card")] == [date(2028, 3, 10)]


def test_ending_while_the_card_is_still_held_needs_a_reason(world: World) -> None:
    case_id = away(world)
    world.fire(case_id, "issue_activity_card", world.sender_caseworker)
    with pytest.raises(RuleRefusal) as refused:
        world.fire(case_id, "end_mobile_management", world.sender_caseworker, {"ending": "returned_home"})
    unmet = refusal(refused, "activity_card_returned")
    assert (unmet.citation, unmet.waivable) == (CARD_FORM, True)
    world.fire(
        case_id,
        "end_mobile_management",
        world.sender_caseworker,
        {"ending": "returned_home"},
        reason="活动证遗失，已登报声明",
        waive=("activity_card_returned",),
    )
    assert world.state(case_id) == "ENDED"


# -- six months unreachable → 停止党籍; two years later → 除名 ------------------------------------------


def lost(world: World) -> int:
    case_id = away(world)
    world.at(date(2026, 4, 1))
    world.fire(
        case_id,
        "record_mutual_contact",
        world.sender_caseworker,
        {"channel": "phone", "summary": "在苏州务工"},
    )
    world.at(date(2026, 7, 1))
    world.fire(
        case_id,
        "report_lost_contact",
        world.sender_caseworker,
        {"last_contact_on": "2026-04-01", "search_efforts": "电话、走访家属"},
    )
    return case_id


def test_the_last_contact_stated_cannot_precede_a_recorded_contact(world: World) -> None:
    case_id = away(world)
    world.at(date(2026, 4, 1))
    world.fire(
        case_id, "record_mutual_contact", world.suzhou_caseworker, {"channel": "visit", "summary": "走访"}
    )
    world.at(date(2026, 7, 1))
    with pytest.raises(RuleRefusal) as refused:
        world.fire(
            case_id,
            "report_lost_contact",
            world.sender_caseworker,
            {"last_contact_on": "2026-03-20", "search_efforts": "电话"},
        )
    unmet = refusal(refused, "last_contact_matches_records")
    assert unmet.citation == LOST_CONTACT_ARTICLE and "已登记2026-04-01的联系" in unmet.message


def test_membership_is_suspended_by_the_branch_only_after_six_months_without_contact(world: World) -> None:
    case_id = lost(world)
    [review] = world.timers(case_id, "lost_contact_review")
    assert review.due_date == date(2027, 1, 1)
    world.at(date(2026, 9, 30))
    decision = {"decision": "2026年10月1日支委会决定停止其党籍"}
    with pytest.raises(RuleRefusal) as early:
        world.fire(case_id, "suspend_membership", world.sender_secretary, decision)
    unmet = refusal(early, "lost_contact_six_months")
    assert (unmet.citation, unmet.earliest) == (LOST_CONTACT_ARTICLE, date(2026, 10, 1))
    world.at(date(2026, 10, 1))
    world.fire(case_id, "suspend_membership", world.sender_secretary, decision)
    assert world.state(case_id) == "MEMBERSHIP_SUSPENDED"
    assert world.person().status == "membership_suspended"


def test_contact_restored_before_suspension_brings_the_member_back_to_away(world: World) -> None:
    case_id = lost(world)
    world.at(date(2026, 8, 1))
    world.fire(case_id, "restore_contact", world.sender_caseworker, {"summary": "本人来电，更换了手机号码"})
    assert "AWAY.NOTICE.PENDING" in leaves(world.state(case_id))
    assert world.data(case_id)["last_contact_on"] == "2026-08-01"


def test_two_years_after_suspension_still_unreachable_opens_a_removal_case(world: World) -> None:
    case_id = lost(world)
    world.at(date(2026, 10, 1))
    world.fire(case_id, "suspend_membership", world.sender_secretary, {"decision": "支委会决定停止党籍"})
    findings = {"still_unreachable": True, "findings": "二年来多方查找仍无音讯"}
    world.at(date(2028, 9, 30))
    with pytest.raises(RuleRefusal) as early:
        world.fire(case_id, "refer_for_removal", world.sender_secretary, findings)
    unmet = refusal(early, "two_years_since_suspension")
    assert (unmet.citation, unmet.earliest) == (LOST_CONTACT_ARTICLE, date(2028, 10, 1))
    world.at(date(2028, 10, 1))
    sweep(world.engine)
    reminders = [n for n in world.notifications("reminder") if n.title.startswith("到期提醒：停止党籍满二年")]
    assert [n.user_id for n in reminders] == [world.sender_secretary.user_id]
    with pytest.raises(RuleRefusal) as found_again:
        world.fire(
            case_id, "refer_for_removal", world.sender_secretary, {**findings, "still_unreachable": False}
        )
    assert refusal(found_again, "still_unreachable").citation == LOST_CONTACT_ARTICLE
    world.fire(case_id, "refer_for_removal", world.sender_secretary, findings)
    assert world.state(case_id) == "REFERRED_FOR_REMOVAL"
    [disposition] = world.cases("disposition")
    assert disposition.data == {
        "opened_by_case": case_id,
        "ground": "self_lapse",
        "basis": "unreachable_two_years_after_suspension",
        "suspended_on": "2026-10-01",
    }
    assert disposition.org_id == world.orgs["sending_branch"].id


# -- six consecutive months without party life, dues or assigned work → disposition -------------------


LAPSE: dict[str, Any] = {
    "ground": "no_party_life",
    "last_done_on": "2026-03-10",
    "without_justified_reason": True,
    "facts": "流入地党组织反映其连续六个月未参加组织生活",
}


def test_six_consecutive_months_without_party_life_opens_a_disposition_case(world: World) -> None:
    case_id = away(world)
    world.at(date(2026, 9, 9))
    with pytest.raises(RuleRefusal) as early:
        world.fire(case_id, "report_self_lapse", world.sender_secretary, LAPSE)
    unmet = refusal(early, "six_consecutive_months")
    assert (unmet.citation, unmet.earliest) == (SELF_LAPSE, date(2026, 9, 10))
    world.at(date(2026, 9, 10))
    with pytest.raises(RuleRefusal) as justified:
        world.fire(
            case_id, "report_self_lapse", world.sender_secretary, {**LAPSE, "without_justified_reason": False}
        )
    assert refusal(justified, "no_justified_reason").citation == SELF_LAPSE
    world.fire(case_id, "report_self_lapse", world.sender_secretary, LAPSE)
    [disposition] = world.cases("disposition")
    assert disposition.data == {
        "opened_by_case": case_id,
        "ground": "self_lapse",
        "basis": "no_party_life",
        "last_done_on": "2026-03-10",
    }
    assert "AWAY.NOTICE.PENDING" in leaves(world.state(case_id))  # the member is still managed as away
    with pytest.raises(RuleRefusal) as again:
        world.fire(case_id, "report_self_lapse", world.sender_secretary, {**LAPSE, "ground": "no_dues"})
    assert refusal(again, "not_referred_already").citation == SELF_LAPSE


@pytest.mark.parametrize("ground", ["no_dues", "no_assigned_work"])
def test_a_lapse_is_refused_when_the_records_show_the_member_did_it_since(world: World, ground: str) -> None:
    case_id = away(world)
    kind = {"no_dues": "dues", "no_assigned_work": "assigned_work"}[ground]
    world.at(date(2026, 5, 1))
    world.fire(case_id, "record_participation", world.suzhou_caseworker, {"kind": kind})
    world.at(date(2026, 9, 10))
    with pytest.raises(RuleRefusal) as refused:
        world.fire(case_id, "report_self_lapse", world.sender_secretary, {**LAPSE, "ground": ground})
    assert [u.rule for u in refused.value.unmet] == ["lapse_matches_records"]
    assert "已登记2026-05-01的记录" in refused.value.unmet[0].message
    world.at(date(2026, 11, 1))
    world.fire(
        case_id,
        "report_self_lapse",
        world.sender_secretary,
        {**LAPSE, "ground": ground, "last_done_on": "2026-05-01"},
    )
    assert len(world.cases("disposition")) == 1


def test_dates_stated_for_a_lapse_or_a_fixed_place_cannot_be_in_the_future(world: World) -> None:
    case_id = away(world)
    with pytest.raises(RuleRefusal) as refused:
        world.fire(
            case_id, "report_self_lapse", world.sender_secretary, {**LAPSE, "last_done_on": "2026-03-06"}
        )
    assert "最后一次参加（交纳、完成）的日期" in refusal(refused, "dates_not_in_future").message
    with pytest.raises(RuleRefusal) as refused_transfer:
        world.fire(
            case_id,
            "require_transfer",
            world.sender_secretary,
            {"fixed_place_since": "2026-03-06", "workplace": "x"},
        )
    refusal(refused_transfer, "dates_not_in_future")


# -- a fixed place for six months → a transfer case -------------------------------------------------


def test_six_months_at_a_fixed_place_opens_a_transfer_case_for_the_member(world: World) -> None:
    case_id = away(world)
    fixed = {"fixed_place_since": "2026-03-10", "workplace": "苏州某电子科技有限公司"}
    world.at(date(2026, 9, 5))
    sweep(world.engine)
    reminded = [
        n for n in world.notifications("reminder") if n.case_id == case_id and "转接组织关系" in n.title
    ]
    assert [n.user_id for n in reminded] == [world.sender_secretary.user_id]
    world.at(date(2026, 9, 9))
    with pytest.raises(RuleRefusal) as early:
        world.fire(case_id, "require_transfer", world.sender_secretary, fixed)
    unmet = refusal(early, "fixed_place_six_months")
    assert (unmet.citation, unmet.earliest) == (FIXED_PLACE, date(2026, 9, 10))
    world.at(date(2026, 9, 10))
    world.fire(case_id, "require_transfer", world.sender_secretary, fixed)
    [transfer] = world.cases("transfer")
    assert (transfer.state, transfer.org_id, transfer.subject_id) == (
        "REQUESTED",
        world.orgs["sending_branch"].id,
        world.subject.id,
    )
    assert transfer.data == {"opened_by_case": case_id, "reason": "fixed_place_away", **fixed}
    assert {p.role: p.org_id for p in _parties(world, transfer.id)} == {
        "outflow_side": world.orgs["sending_branch"].id,
        "inflow_side": world.orgs["suzhou_branch"].id,
    }
    [task] = world.open_tasks(transfer.id)
    assert (task.name, task.queue_org_id) == ("submit_request", world.orgs["sending_branch"].id)
    world.fire(
        transfer.id, "submit_request", world.member, {"reason": "fixed_place_away", "destination": "苏州"}
    )
    with pytest.raises(RuleRefusal) as again:
        world.fire(case_id, "require_transfer", world.sender_secretary, fixed)
    assert refusal(again, "transfer_not_requested_already").citation == FIXED_PLACE


def _parties(world: World, case_id: int) -> list[Any]:
    from sqlalchemy import select

    from engine.models import CaseParty

    with world.engine.sessions() as s:
        return list(s.scalars(select(CaseParty).where(CaseParty.case_id == case_id)))


def test_the_definition_is_registered() -> None:
    import workflows
    from workflows.mobile import DEFINITION

    assert DEFINITION in workflows.DEFINITIONS and DEFINITION.follows_subject is False
