"""处置不合格党员 with a moved clock: every path to its end, the member's rights (notice, defense, appeal),
the five-year bar, and every rule held and refused with its citation and, for time, the earliest date."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine as DbEngine

from engine.calendar import WorkingCalendar
from engine.errors import ActionNotAvailable, InvalidInput, RuleRefusal
from engine.rules import PARTY_EXIT, RuleContext, no_recent_removal
from engine.timers import sweep
from tests.workflows.disposition_world import World, build_world
from workflows.disposition import ATTEND_AND_DEFEND, SELF_LAPSE, VOTE, S
from workflows.profiles.disposition_values import CORRECTION, DISPOSITION, NATIONAL_VALUES, RIGHTS

START = date(2026, 3, 2)
PROPOSAL = {"committee_meeting_on": "2026-03-02", "facts": "全年六次无故不参加组织生活"}
INVESTIGATION = {"findings": "经走访核实，情况属实", "already_disciplined": False}
PRE_REVIEW = {
    "opinion": "同意提交支部大会",
    "department_opinion": "县委组织部书面意见（丰组函〔2026〕3号）：同意",
}
VOTES = {
    "voters_expected": 9,
    "voters_present": 7,
    "written_opinions": 1,
    "votes_for": 6,
    "secret_ballot": True,
    "considered_individually": True,
    "resolution": "经支部党员大会无记名投票表决通过",
}
APPROVAL = {"approval_number": "城党发〔2026〕8号"}


@pytest.fixture
def world(db_engine: DbEngine) -> World:
    return build_world(db_engine)


def refusal(excinfo: pytest.ExceptionInfo[RuleRefusal], rule: str) -> Any:
    found = [u for u in excinfo.value.unmet if u.rule == rule]
    assert found, [u.rule for u in excinfo.value.unmet]
    return found[0]


def refused_rules(excinfo: pytest.ExceptionInfo[RuleRefusal]) -> set[str]:
    return {u.rule for u in excinfo.value.unmet}


def talk(world: World, **changes: Any) -> dict[str, Any]:
    return {
        "talker_one": world.people["talker_one"].id,
        "talker_two": world.people["talker_two"].id,
        "talked_on": world.clock.today().isoformat(),
        "attendance": "attended",
        "facts_stated": "说明核实的事实、拟处置措施及依据",
        "member_view": "对事实无异议",
        **changes,
    }


def correction(world: World, **changes: Any) -> dict[str, Any]:
    return {
        **VOTES,
        "requirements": "按时参加组织生活，按月交纳党费",
        "help_measures": "结对帮扶，每月谈心一次",
        "helper": world.people["talker_one"].id,
        **changes,
    }


def notice(served_on: date, **changes: Any) -> dict[str, Any]:
    return {
        "served_on": served_on.isoformat(),
        "appeal_right_stated": True,
        "acknowledgement": "signed",
        **changes,
    }


def to_meeting(
    world: World,
    measure: str,
    *,
    ground: str | None = "unqualified_conduct",
    data: dict[str, Any] | None = None,
) -> int:
    case_id = world.open("disposition", data=data)
    world.fire(
        case_id, f"propose_{measure}", world.secretary, {**PROPOSAL, **({"ground": ground} if ground else {})}
    )
    world.fire(case_id, "acknowledge_advance_filing", world.committee)
    world.fire(case_id, "complete_investigation", world.caseworker, INVESTIGATION)
    world.fire(case_id, "record_talk", world.secretary, talk(world))
    world.fire(case_id, "pass_pre_review", world.committee, PRE_REVIEW)
    return case_id


def hear(world: World, case_id: int) -> None:
    today = world.clock.today().isoformat()
    world.fire(
        case_id,
        "notify_member",
        world.secretary,
        {"notified_on": today, "meeting_on": today, "means": "written"},
    )
    world.fire(
        case_id,
        "record_defense",
        world.secretary,
        {"defense": "defended_in_person", "statement": "本人说明情况"},
    )


def correcting(world: World) -> int:
    """A 限期改正 decided, served and begun on 2026-03-02 (it ends 2026-09-01)."""
    world.at(START)
    case_id = to_meeting(world, "correction_period")
    hear(world, case_id)
    world.fire(case_id, "decide_correction_period", world.secretary, correction(world))
    world.fire(case_id, "serve_notice", world.secretary, notice(START))
    world.fire(case_id, "begin_correction", world.secretary)
    return case_id


def removal_served(world: World, served_on: date = START, **open_kwargs: Any) -> int:
    """A 除名 decided by the meeting, approved above and served on `served_on`."""
    world.at(START)
    case_id = to_meeting(world, "removal", **open_kwargs)
    hear(world, case_id)
    world.fire(case_id, "decide_removal", world.secretary, VOTES)
    world.fire(case_id, "approve_removal", world.committee, APPROVAL)
    world.at(served_on)
    world.fire(case_id, "serve_notice", world.secretary, notice(served_on))
    return case_id


def advice_served(world: World) -> int:
    world.at(START)
    case_id = to_meeting(world, "advised_withdrawal")
    hear(world, case_id)
    world.fire(case_id, "decide_advised_withdrawal", world.secretary, VOTES)
    world.fire(case_id, "approve_advised_withdrawal", world.committee, APPROVAL)
    world.fire(case_id, "serve_notice", world.secretary, notice(START))
    return case_id


# -- the paths to the end ---------------------------------------------------------------------------


def test_a_correction_kept_in_time_ends_back_to_normal_at_the_end_of_the_period(world: World) -> None:
    case_id = correcting(world)
    data = world.data(case_id)
    assert (data["measure"], data["correction_starts"], data["correction_ends"]) == (
        "correction_period",
        "2026-03-02",
        "2026-09-01",
    )
    assert [(d.kind, d.title) for d in world.documents(case_id)] == [("correction_notice", "限期改正通知书")]
    assert world.state(case_id) == S.CORRECTION
    [decide] = world.open_tasks(case_id, "conclude_correction")
    assert decide.due_date == date(2026, 10, 1)
    world.at(date(2026, 9, 1))
    with pytest.raises(RuleRefusal) as early:
        world.fire(case_id, "conclude_correction", world.secretary, {"assessment": "已改正"})
    unmet = refusal(early, "correction_period_over")
    assert (unmet.citation, unmet.earliest) == (CORRECTION, date(2026, 9, 2))
    world.at(date(2026, 9, 2))
    world.fire(
        case_id, "conclude_correction", world.secretary, {"assessment": "按时参加组织生活，群众反映良好"}
    )
    assert world.state(case_id) == S.CORRECTED
    assert world.person().status == "full_member"
    world.fire(case_id, "file_papers", world.caseworker, {"archive": "党员档案"})
    case = world.case(case_id)
    assert (case.state, case.closed, case.data["correction_outcome"]) == ("ARCHIVED", True, "corrected")


def test_during_the_correction_the_branch_helps_monthly_is_reminded_before_the_end_and_escalated_after(
    world: World,
) -> None:
    case_id = correcting(world)
    [first] = world.open_tasks(case_id, "help_member")
    assert first.due_date == date(2026, 4, 2)
    world.at(date(2026, 3, 30))
    world.fire(
        case_id,
        "record_help",
        world.secretary,
        {"helped_by": "结对党员", "summary": "谈心一次，已按时参加组织生活"},
    )
    assert [t.due_date for t in world.open_tasks(case_id, "help_member")] == [date(2026, 4, 30)]
    world.at(date(2026, 5, 1))  # the next month's help missed: still one task, overdue
    sweep(world.engine)
    assert [t.due_date for t in world.open_tasks(case_id, "help_member")] == [date(2026, 4, 30)]
    world.at(date(2026, 8, 17))
    sweep(world.engine)
    assert world.notifications("reminder") == []
    world.at(date(2026, 8, 18))  # fourteen days before the period ends
    sweep(world.engine)
    [reminder] = world.notifications("reminder")
    assert (reminder.user_id, reminder.title) == (world.secretary.user_id, "到期提醒：限期改正期满")
    world.at(date(2026, 10, 1))  # a month after the end and still no decision
    sweep(world.engine)
    [escalated] = world.notifications("escalation")
    assert (escalated.org_id, escalated.title) == (
        world.orgs["township"].id,
        "逾期督办：限期改正期满后作出决定",
    )


def test_no_change_after_the_correction_leads_to_advised_withdrawal_which_the_member_accepts(
    world: World,
) -> None:
    case_id = correcting(world)
    world.at(date(2026, 9, 2))
    world.fire(case_id, "find_no_change", world.secretary, {"assessment": "仍不参加组织生活"})
    assert (world.state(case_id), world.data(case_id)["measure"]) == (S.TALK, "advised_withdrawal")
    world.fire(case_id, "record_talk", world.secretary, talk(world))
    with pytest.raises(RuleRefusal) as unwritten:
        world.fire(case_id, "pass_pre_review", world.committee, {"opinion": "同意"})
    assert refusal(unwritten, "department_opinion_in_writing").citation == DISPOSITION
    world.fire(case_id, "pass_pre_review", world.committee, PRE_REVIEW)
    with pytest.raises(RuleRefusal) as unheard:  # the hearing before the 限期改正 does not count again
        world.fire(case_id, "decide_advised_withdrawal", world.secretary, VOTES)
    assert refused_rules(unheard) == {"member_notified", "member_heard"}
    hear(world, case_id)
    world.fire(case_id, "decide_advised_withdrawal", world.secretary, VOTES)
    assert world.state(case_id) == S.WITHDRAWAL_APPROVAL
    world.fire(case_id, "approve_advised_withdrawal", world.committee, APPROVAL)
    world.fire(case_id, "serve_notice", world.secretary, notice(date(2026, 9, 2)))
    world.fire(case_id, "accept_advice", world.secretary, {"statement": "本人书面表示退党"})
    assert world.state(case_id) == S.WITHDRAWN
    assert world.person().status == "withdrawn"
    assert world.data(case_id)["exit"] == {
        "kind": "advised_withdrawal",
        "ground": "unqualified_conduct",
        "on": "2026-09-02",
        "readmission_possible_from": "2031-09-02",
        "status_before": "full_member",
    }
    kinds = [d.kind for d in world.documents(case_id)]
    assert kinds == ["correction_notice", "advised_withdrawal_decision"]


def test_advised_withdrawal_refused_leads_to_removal_by_the_meeting_and_approval_above(world: World) -> None:
    case_id = advice_served(world)
    world.at(date(2026, 3, 5))
    world.fire(case_id, "refuse_advice", world.secretary, {"answer": "refused"})
    assert (world.state(case_id), world.data(case_id)["measure"]) == (S.BRANCH_MEETING, "removal")
    with pytest.raises(RuleRefusal) as unheard:
        world.fire(case_id, "decide_removal", world.secretary, VOTES)
    assert refused_rules(unheard) == {"member_notified", "member_heard"}
    hear(world, case_id)
    world.fire(case_id, "decide_removal", world.secretary, VOTES)
    assert world.state(case_id) == S.REMOVAL_APPROVAL
    world.fire(case_id, "approve_removal", world.committee, APPROVAL)
    world.fire(case_id, "serve_notice", world.secretary, notice(date(2026, 3, 5)))
    world.at(date(2026, 4, 5))
    with pytest.raises(RuleRefusal) as within_appeal_period:
        world.fire(case_id, "remove_member", world.secretary)
    unmet = refusal(within_appeal_period, "appeal_period_over")
    assert (unmet.citation, unmet.earliest) == (RIGHTS, date(2026, 4, 6))
    assert world.person().status == "full_member"
    world.at(date(2026, 4, 6))
    world.fire(case_id, "remove_member", world.secretary)
    assert (world.state(case_id), world.person().status) == (S.REMOVED, "removed")
    assert world.data(case_id)["exit"]["kind"] == "removal"
    world.fire(case_id, "file_papers", world.caseworker)
    assert world.case(case_id).closed


def test_self_lapse_leads_to_removal_by_the_meeting_and_approval_above(world: World) -> None:
    referral = {"ground": "self_lapse", "basis": "no_party_life", "last_done_on": "2025-08-20"}
    case_id = world.open("disposition", data=referral)  # as the mobile-member process opens it
    for measure in ("correction_period", "advised_withdrawal"):
        with pytest.raises(RuleRefusal) as not_removal:
            world.fire(case_id, f"propose_{measure}", world.secretary, PROPOSAL)
        assert refusal(not_removal, "self_lapse_means_removal").citation == SELF_LAPSE
    with pytest.raises(RuleRefusal) as other_ground:
        world.fire(case_id, "propose_removal", world.secretary, {**PROPOSAL, "ground": "unqualified_conduct"})
    assert refusal(other_ground, "ground_as_referred").citation == DISPOSITION
    world.fire(case_id, "propose_removal", world.secretary, PROPOSAL)
    world.fire(case_id, "acknowledge_advance_filing", world.committee)
    world.fire(case_id, "complete_investigation", world.caseworker, INVESTIGATION)
    world.fire(
        case_id,
        "record_talk",
        world.secretary,
        talk(world, attendance="absent", member_view="", absence_record="经电话、上门通知，本人未到"),
    )
    world.fire(case_id, "pass_pre_review", world.committee, PRE_REVIEW)
    hear(world, case_id)
    world.fire(case_id, "decide_removal", world.secretary, VOTES)
    world.fire(case_id, "approve_removal", world.committee, APPROVAL)
    world.fire(case_id, "serve_notice", world.secretary, notice(START, acknowledgement="refused_to_sign"))
    world.at(date(2026, 4, 3))
    world.fire(case_id, "remove_member", world.secretary)
    assert world.person().status == "removed"
    assert world.data(case_id)["exit"]["ground"] == "self_lapse"
    assert world.person().extra["party_exit"]["on"] == "2026-04-03"  # read by no_recent_removal
    assert [d.title for d in world.documents(case_id)] == ["除名决定通知书"]


def test_withdrawal_at_the_members_own_request_is_announced_as_removal_and_filed_above(world: World) -> None:
    case_id = world.open("disposition")
    world.fire(
        case_id,
        "record_withdrawal_request",
        world.secretary,
        {"requested_on": "2026-02-27", "request": "本人书面要求退党"},
    )
    world.fire(case_id, "announce_removal", world.secretary, {"discussion": "支部大会讨论后宣布除名"})
    assert (world.state(case_id), world.person().status) == (S.WITHDRAWAL_FILING, "removed")
    assert (world.data(case_id)["exit"]["ground"], world.documents(case_id)[0].title) == (
        "withdrawal_request",
        "退党除名通知书",
    )
    [filing] = world.open_tasks(case_id)
    assert (filing.queue_org_id, filing.queue_role) == (world.orgs["township"].id, "committee_approver")
    world.fire(case_id, "acknowledge_withdrawal_filing", world.committee)
    assert world.case(case_id).closed


def test_approval_refused_above_ends_the_case_with_the_written_reason(world: World) -> None:
    case_id = to_meeting(world, "removal")
    hear(world, case_id)
    world.fire(case_id, "decide_removal", world.secretary, VOTES)
    with pytest.raises(InvalidInput):
        world.fire(case_id, "refuse_approval", world.committee)
    world.fire(case_id, "refuse_approval", world.committee, reason="事实不清，不予批准")
    assert (world.state(case_id), world.person().status) == (S.ENDED, "full_member")


# -- the member's rights ----------------------------------------------------------------------------


def test_a_decision_is_refused_while_the_member_was_never_notified_or_heard(world: World) -> None:
    case_id = to_meeting(world, "advised_withdrawal")
    with pytest.raises(RuleRefusal) as never:
        world.fire(case_id, "decide_advised_withdrawal", world.secretary, VOTES)
    assert refused_rules(never) == {"member_notified", "member_heard"}
    assert refusal(never, "member_notified").citation == ATTEND_AND_DEFEND
    assert refusal(never, "member_heard").message.startswith("未听取本人申辩")
    world.fire(
        case_id,
        "notify_member",
        world.secretary,
        {"notified_on": "2026-03-02", "meeting_on": "2026-03-09", "means": "in_person"},
    )
    with pytest.raises(RuleRefusal) as unheard:
        world.fire(case_id, "decide_advised_withdrawal", world.secretary, VOTES)
    assert refused_rules(unheard) == {"member_heard"}
    world.fire(case_id, "record_defense", world.secretary, {"defense": "absent_after_notice"})
    world.fire(case_id, "decide_advised_withdrawal", world.secretary, VOTES)
    assert world.state(case_id) == S.WITHDRAWAL_APPROVAL


def test_the_notice_to_attend_comes_before_the_meeting_and_is_dated_truly(world: World) -> None:
    case_id = to_meeting(world, "correction_period")
    with pytest.raises(RuleRefusal) as after_meeting:
        world.fire(
            case_id,
            "notify_member",
            world.secretary,
            {"notified_on": "2026-03-02", "meeting_on": "2026-03-01", "means": "written"},
        )
    assert refusal(after_meeting, "notified_before_meeting").citation == ATTEND_AND_DEFEND
    with pytest.raises(RuleRefusal) as future:
        world.fire(
            case_id,
            "notify_member",
            world.secretary,
            {"notified_on": "2026-03-03", "meeting_on": "2026-03-09", "means": "written"},
        )
    assert refusal(future, "dates_not_in_future").message == "所填日期不能晚于办理当日（通知日期）"


def test_the_written_decision_states_the_right_to_appeal_and_is_served_after_the_decision(
    world: World,
) -> None:
    world.at(date(2026, 3, 10))
    case_id = to_meeting(world, "removal")
    hear(world, case_id)
    world.fire(case_id, "decide_removal", world.secretary, VOTES)
    world.fire(case_id, "approve_removal", world.committee, APPROVAL)
    with pytest.raises(RuleRefusal) as silent:
        world.fire(
            case_id, "serve_notice", world.secretary, notice(date(2026, 3, 10), appeal_right_stated=False)
        )
    assert refusal(silent, "appeal_right_stated").citation == RIGHTS
    with pytest.raises(RuleRefusal) as early:
        world.fire(case_id, "serve_notice", world.secretary, notice(date(2026, 3, 9)))
    assert refusal(early, "served_after_decision").citation == RIGHTS
    world.fire(case_id, "serve_notice", world.secretary, notice(date(2026, 3, 10)))
    assert world.data(case_id)["notice_served_on"] == "2026-03-10"


def test_an_appeal_pauses_the_removal_until_it_is_answered(world: World) -> None:
    case_id = removal_served(world)
    world.at(date(2026, 3, 10))
    world.fire(case_id, "lodge_appeal", world.member, {"lodged_on": "2026-03-10", "grounds": "事实有误"})
    assert world.state(case_id) == S.APPEAL_RECEIVED
    world.at(date(2026, 5, 4))  # the appeal period has long passed: the appeal still holds the removal
    with pytest.raises(ActionNotAvailable):
        world.fire(case_id, "remove_member", world.secretary)
    assert world.person().status == "full_member"
    world.fire(case_id, "forward_appeal", world.secretary, {"forwarded_to": "中共丰乐县委员会"})
    world.fire(
        case_id, "uphold_on_appeal", world.committee, {"answered_by": "中共丰乐县委员会", "answer": "维持"}
    )
    appeal = world.data(case_id)["appeal"]
    assert (appeal["outcome"], appeal["lodged_on"], appeal["answered_on"]) == (
        "upheld",
        "2026-03-10",
        "2026-05-04",
    )
    world.fire(case_id, "remove_member", world.secretary)
    assert (world.state(case_id), world.person().status) == (S.REMOVED, "removed")


def test_an_appeal_not_forwarded_within_five_working_days_is_escalated_above(world: World) -> None:
    case_id = removal_served(world)
    world.at(date(2026, 3, 10))
    world.fire(case_id, "lodge_appeal", world.caseworker, {"lodged_on": "2026-03-09", "grounds": "程序不当"})
    [forward] = world.open_tasks(case_id, "forward_appeal")
    assert forward.due_date == date(2026, 3, 17)
    world.at(date(2026, 3, 16))
    sweep(world.engine)
    assert world.notifications("escalation") == []
    world.at(date(2026, 3, 17))
    sweep(world.engine)
    [escalated] = world.notifications("escalation")
    assert (escalated.org_id, escalated.title) == (world.orgs["township"].id, "逾期督办：转呈申诉期限")


def test_an_appeal_during_the_correction_pauses_it_and_the_period_ends_later_by_the_days_it_took(
    world: World,
) -> None:
    case_id = correcting(world)
    world.at(date(2026, 4, 1))
    world.fire(case_id, "lodge_appeal", world.member, {"lodged_on": "2026-04-01", "grounds": "期限过长"})
    world.fire(case_id, "forward_appeal", world.secretary, {"forwarded_to": "城关镇党委"})
    world.at(date(2026, 4, 21))
    world.fire(case_id, "uphold_on_appeal", world.committee, {"answered_by": "城关镇党委", "answer": "维持"})
    assert world.data(case_id)["correction_ends"] == "2026-09-21"
    assert world.data(case_id)["appeal"]["paused_days"] == 20
    world.fire(case_id, "begin_correction", world.secretary)
    [decide] = world.open_tasks(case_id, "conclude_correction")
    assert decide.due_date == date(2026, 10, 21)
    world.at(date(2026, 9, 2))
    with pytest.raises(RuleRefusal) as early:
        world.fire(case_id, "conclude_correction", world.secretary, {"assessment": "已改正"})
    assert refusal(early, "correction_period_over").earliest == date(2026, 9, 22)


def test_an_appeal_granted_after_removal_rescinds_it_and_restores_the_membership(world: World) -> None:
    case_id = removal_served(world)
    world.at(date(2026, 4, 3))
    world.fire(case_id, "remove_member", world.secretary)
    world.at(date(2026, 4, 20))  # a late appeal is forwarded just the same
    world.fire(
        case_id,
        "lodge_appeal",
        world.caseworker,
        {"lodged_on": "2026-04-20", "grounds": "已在流入地交纳党费"},
    )
    world.fire(case_id, "forward_appeal", world.secretary, {"forwarded_to": "城关镇党委"})
    world.fire(
        case_id, "overturn_on_appeal", world.committee, {"answered_by": "城关镇党委", "answer": "撤销除名"}
    )
    assert (world.state(case_id), world.person().status) == (S.RESCINDED, "full_member")
    assert world.data(case_id)["exit"]["rescinded_on"] == "2026-04-20"
    assert world.person().extra["party_exit"]["rescinded_on"] == "2026-04-20"  # the bar is lifted too


# -- the five-year bar ------------------------------------------------------------------------------


def bar_context(
    on: date, exit_record: dict[str, Any] | None, policy: dict[str, Any] | None = None
) -> RuleContext:
    extra = {PARTY_EXIT: exit_record} if exit_record else {}
    return RuleContext(
        on=on,
        inputs={},
        data={},
        events=[],
        policy=policy or NATIONAL_VALUES,
        calendar=WorkingCalendar(),
        entered_on=on,
        facts={"subject": {"status": "removed", "extra": extra}},
    )


NO_RECENT_REMOVAL = no_recent_removal("no_recent_removal", DISPOSITION, "被劝退、除名的，五年内不得重新入党")


def test_a_re_application_within_five_years_of_removal_is_refused_until_the_fifth_anniversary(
    world: World,
) -> None:
    case_id = removal_served(world)
    world.at(date(2026, 4, 3))
    world.fire(case_id, "remove_member", world.secretary)
    recorded = world.data(case_id)["exit"]  # what the disposition records for the person
    refused = NO_RECENT_REMOVAL.check(bar_context(date(2031, 4, 2), recorded))
    assert (refused.ok, refused.earliest, refused.detail) == (
        False,
        date(2031, 4, 3),
        "2026-04-03被劝退或除名，5年内不得重新入党",
    )
    assert NO_RECENT_REMOVAL.time_bound and NO_RECENT_REMOVAL.citation == DISPOSITION
    assert NO_RECENT_REMOVAL.check(bar_context(date(2031, 4, 3), recorded)).ok
    assert recorded["readmission_possible_from"] == "2031-04-03"


def test_the_bar_reads_the_profile_and_ignores_rescinded_or_other_exits() -> None:
    removed = {"kind": "removal", "on": "2026-04-03"}
    longer = bar_context(date(2032, 4, 2), removed, {**NATIONAL_VALUES, "readmission_bar_years": 6})
    assert NO_RECENT_REMOVAL.check(longer).earliest == date(2032, 4, 3)
    assert NO_RECENT_REMOVAL.check(bar_context(date(2027, 1, 1), None)).ok
    assert NO_RECENT_REMOVAL.check(
        bar_context(date(2027, 1, 1), {**removed, "rescinded_on": "2026-05-01"})
    ).ok
    assert NO_RECENT_REMOVAL.check(
        bar_context(date(2027, 1, 1), {"kind": "withdrawal", "on": "2026-04-03"})
    ).ok
    assert not NO_RECENT_REMOVAL.check(
        bar_context(date(2027, 1, 1), {"kind": "advised_withdrawal", "on": "2026-04-03"})
    ).ok
    assert (
        NO_RECENT_REMOVAL.check(bar_context(date(2027, 1, 1), {"kind": "removal"})).detail
        == "出党记录缺少日期，请先核实"
    )


# -- the steps before the meeting -------------------------------------------------------------------


def test_a_case_opened_by_a_caseworker_states_its_ground_and_is_filed_in_advance_with_the_township(
    world: World,
) -> None:
    case_id = world.open("disposition")
    with pytest.raises(RuleRefusal) as no_ground:
        world.fire(case_id, "propose_correction_period", world.secretary, PROPOSAL)
    assert refusal(no_ground, "ground_stated").citation == DISPOSITION
    world.fire(
        case_id, "propose_correction_period", world.secretary, {**PROPOSAL, "ground": "unqualified_conduct"}
    )
    [filing] = world.open_tasks(case_id)
    assert (filing.name, filing.queue_org_id, filing.queue_role) == (
        "receive_advance_filing",
        world.orgs["township"].id,
        "committee_approver",
    )
    world.fire(case_id, "acknowledge_advance_filing", world.committee, {"opinion": "已备案"})
    assert world.state(case_id) == S.INVESTIGATION


def test_a_matter_already_punished_by_discipline_is_not_disposed_of_again(world: World) -> None:
    case_id = world.open("disposition", data={"ground": "unqualified_rating"})
    world.fire(case_id, "propose_correction_period", world.secretary, PROPOSAL)
    world.fire(case_id, "acknowledge_advance_filing", world.committee)
    with pytest.raises(RuleRefusal) as punished:
        world.fire(
            case_id,
            "complete_investigation",
            world.caseworker,
            {**INVESTIGATION, "already_disciplined": True},
        )
    assert refusal(punished, "no_double_measure").citation == DISPOSITION
    with pytest.raises(InvalidInput):
        world.fire(case_id, "end_disposition", world.secretary, {"outcome": "already_disciplined"})
    world.fire(
        case_id,
        "end_disposition",
        world.secretary,
        {"outcome": "already_disciplined"},
        reason="2025年已受警告处分",
    )
    assert world.state(case_id) == S.ENDED


def test_the_talk_is_held_by_two_full_members_other_than_the_member_and_records_their_view(
    world: World,
) -> None:
    case_id = world.open("disposition", data={"ground": "unqualified_rating"})
    world.fire(case_id, "propose_correction_period", world.secretary, PROPOSAL)
    world.fire(case_id, "acknowledge_advance_filing", world.committee)
    world.fire(case_id, "complete_investigation", world.caseworker, INVESTIGATION)
    probationer, subject = world.people["probationer"], world.people["subject"]
    with pytest.raises(RuleRefusal) as not_full:
        world.fire(case_id, "record_talk", world.secretary, talk(world, talker_two=probationer.id))
    unmet = refusal(not_full, "talkers_are_full_members")
    assert (unmet.citation, unmet.message) == (
        DISPOSITION,
        f"谈话应由两名正式党员进行（{probationer.name}不是正式党员）",
    )
    for changes in ({"talker_two": world.people["talker_one"].id}, {"talker_one": subject.id}):
        with pytest.raises(RuleRefusal) as same:
            world.fire(case_id, "record_talk", world.secretary, talk(world, **changes))
        assert refusal(same, "two_distinct_talkers").citation == DISPOSITION
    with pytest.raises(RuleRefusal) as no_view:
        world.fire(case_id, "record_talk", world.secretary, talk(world, member_view=""))
    assert refusal(no_view, "member_view_or_absence_recorded").citation == DISPOSITION
    with pytest.raises(RuleRefusal) as no_record:
        world.fire(case_id, "record_talk", world.secretary, talk(world, attendance="refused"))
    assert refused_rules(no_record) == {"member_view_or_absence_recorded"}
    world.fire(
        case_id,
        "record_talk",
        world.secretary,
        talk(world, attendance="refused", absence_record="本人拒绝谈话，已记录"),
    )
    assert world.state(case_id) == S.PRE_REVIEW


def test_the_pre_review_needs_the_departments_written_opinion_only_for_withdrawal_and_removal(
    world: World,
) -> None:
    case_id = world.open("disposition", data={"ground": "unqualified_rating"})
    world.fire(case_id, "propose_correction_period", world.secretary, PROPOSAL)
    world.fire(case_id, "acknowledge_advance_filing", world.committee)
    world.fire(case_id, "complete_investigation", world.caseworker, INVESTIGATION)
    world.fire(case_id, "record_talk", world.secretary, talk(world))
    with pytest.raises(InvalidInput):
        world.fire(case_id, "return_for_investigation", world.committee)
    world.fire(case_id, "return_for_investigation", world.committee, reason="请补充核实缺席原因")
    world.fire(case_id, "complete_investigation", world.caseworker, INVESTIGATION)
    world.fire(case_id, "record_talk", world.secretary, talk(world))
    world.fire(case_id, "pass_pre_review", world.committee, {"opinion": "同意限期改正"})
    assert world.data(case_id)["pre_reviewed_measure"] == "correction_period"


# -- the vote and the measure -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "rule", "detail"),
    [
        (
            {"voters_present": 4, "written_opinions": 0, "votes_for": 4},
            "vote_passed",
            "实到有表决权的党员4人，未超过应到9人的半数",
        ),
        ({"votes_for": 4}, "vote_passed", "赞成票4票，未超过应到有表决权的党员9人的半数"),
        ({"secret_ballot": False}, "secret_ballot", None),
        ({"considered_individually": False}, "one_person_at_a_time", None),
    ],
)
def test_the_vote_needs_a_quorum_a_majority_a_secret_ballot_and_one_member_at_a_time(
    world: World, changes: dict[str, Any], rule: str, detail: str | None
) -> None:
    case_id = to_meeting(world, "advised_withdrawal")
    hear(world, case_id)
    with pytest.raises(RuleRefusal) as refused:
        world.fire(case_id, "decide_advised_withdrawal", world.secretary, {**VOTES, **changes})
    unmet = refusal(refused, rule)
    assert unmet.citation == VOTE
    assert detail is None or unmet.message.endswith(f"（{detail}）")
    world.fire(
        case_id, "decide_advised_withdrawal", world.secretary, VOTES
    )  # written opinions count for the majority
    assert world.state(case_id) == S.WITHDRAWAL_APPROVAL


def test_only_the_measure_that_was_pre_reviewed_can_be_decided(world: World) -> None:
    case_id = to_meeting(world, "correction_period")
    hear(world, case_id)
    with pytest.raises(RuleRefusal) as other:
        world.fire(case_id, "decide_removal", world.secretary, VOTES)
    unmet = refusal(other, "measure_as_reviewed")
    assert (unmet.citation, unmet.message.endswith("（本案的处置措施为“限期改正”）")) == (DISPOSITION, True)
    world.fire(case_id, "decide_correction_period", world.secretary, correction(world))
    assert world.state(case_id) == S.NOTICE


def test_the_correction_period_is_six_months_unless_reasoned_and_never_beyond_the_maximum(
    world: World,
) -> None:
    case_id = to_meeting(world, "correction_period")
    hear(world, case_id)
    with pytest.raises(RuleRefusal) as unreasoned:
        world.fire(
            case_id, "decide_correction_period", world.secretary, correction(world, correction_months=8)
        )
    assert refusal(unreasoned, "correction_period_reason").citation == CORRECTION
    with pytest.raises(InvalidInput) as beyond_a_year:
        world.fire(
            case_id, "decide_correction_period", world.secretary, correction(world, correction_months=13)
        )
    assert beyond_a_year.value.errors == {"correction_months": "“改正期限（月）”不能大于12"}
    with pytest.raises(RuleRefusal) as helper:
        world.fire(
            case_id,
            "decide_correction_period",
            world.secretary,
            correction(world, helper=world.people["probationer"].id),
        )
    assert refusal(helper, "helper_is_full_member").citation == CORRECTION
    world.fire(
        case_id,
        "decide_correction_period",
        world.secretary,
        correction(world, correction_months=12, period_reason="问题较多，需较长时间"),
    )
    assert world.data(case_id)["correction_ends"] == "2027-03-01"


def test_a_county_with_a_shorter_maximum_refuses_a_longer_correction_period(world: World) -> None:
    case_id = world.open("disposition", data={"ground": "unqualified_rating"}, profile="fengle")
    world.fire(case_id, "propose_correction_period", world.secretary, PROPOSAL)
    world.fire(case_id, "acknowledge_advance_filing", world.committee)
    world.fire(case_id, "complete_investigation", world.caseworker, INVESTIGATION)
    world.fire(case_id, "record_talk", world.secretary, talk(world))
    world.fire(case_id, "pass_pre_review", world.committee, PRE_REVIEW)
    hear(world, case_id)
    with pytest.raises(RuleRefusal) as longer:
        world.fire(
            case_id,
            "decide_correction_period",
            world.secretary,
            correction(world, correction_months=10, period_reason="x"),
        )
    unmet = refusal(longer, "correction_period_within_bound")
    assert (unmet.citation, unmet.message.endswith("（期限10个月，最长9个月）")) == (CORRECTION, True)
    world.fire(
        case_id,
        "decide_correction_period",
        world.secretary,
        correction(world, correction_months=9, period_reason="x"),
    )
    world.fire(case_id, "serve_notice", world.secretary, notice(START))
    assert world.data(case_id)["correction_ends"] == "2026-12-01"


def test_the_county_gives_two_months_to_appeal_before_a_removal_takes_effect(world: World) -> None:
    case_id = world.open("disposition", data={"ground": "self_lapse"}, profile="fengle")
    world.fire(case_id, "propose_removal", world.secretary, PROPOSAL)
    world.fire(case_id, "acknowledge_advance_filing", world.committee)
    world.fire(case_id, "complete_investigation", world.caseworker, INVESTIGATION)
    world.fire(case_id, "record_talk", world.secretary, talk(world))
    world.fire(case_id, "pass_pre_review", world.committee, PRE_REVIEW)
    hear(world, case_id)
    world.fire(case_id, "decide_removal", world.secretary, VOTES)
    world.fire(case_id, "approve_removal", world.committee, APPROVAL)
    world.fire(case_id, "serve_notice", world.secretary, notice(START))
    world.at(date(2026, 4, 3))
    with pytest.raises(RuleRefusal) as early:
        world.fire(case_id, "remove_member", world.secretary)
    assert refusal(early, "appeal_period_over").earliest == date(2026, 5, 3)


# -- the demo ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("workflow", ["assessment", "disposition"])
def test_every_state_of_the_assessment_and_the_disposition_has_a_demo_case(
    world: World, workflow: str
) -> None:
    import api.demo as demo
    from api.bootstrap import Services
    from api.demo_scenarios import scenarios_for
    from engine.machine import active_paths, state_paths

    # The demo loader fills PERSON fields with other full members of the subject's branch.
    definition = world.engine.registry.get(workflow)
    services = Services(None, None, world.engine, world.engine.registry)  # type: ignore[arg-type]
    scenarios = scenarios_for(definition)
    reached: set[str] = set()
    for start, path in enumerate(scenarios.paths):
        case_id = demo.walk_case(
            services,
            definition,
            world.person(f"member_{start % 6 + 1}"),
            date(2025, 1, 6),
            path.steps,
            {},
            scenarios.inputs_for(path),
        )
        reached |= active_paths(world.state(case_id))
    assert set(state_paths(definition)) - reached == set()
