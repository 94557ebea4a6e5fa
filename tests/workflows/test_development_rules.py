"""Every rule row of REGULATIONS.md §1: one case where it holds and one where it refuses, with the
cited reason and, where time is the obstacle, the earliest date. Row numbers are in the headings."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from engine.cases import move_case
from engine.errors import Forbidden, InvalidInput, NotFound, RuleRefusal, UnmetRule
from engine.timers import sweep
from tests.workflows.conftest import World
from tests.workflows.development_steps import ACTORS, COMMITTEE, RESOLUTION, inputs, take, walk
from workflows.development import MAIN_PATH

START = date(2025, 3, 3)  # the walker then designates on 2025-03-03 and proposes on 2026-03-03


def unmet(refusal: RuleRefusal, rule: str) -> UnmetRule:
    found = [u for u in refusal.unmet if u.rule == rule]
    assert found, [u.rule for u in refusal.unmet]
    return found[0]


def case_at(world: World, until: str, *, start: date = START, **open_kwargs: Any) -> int:
    """A case walked along the usual path up to (not including) `until`."""
    world.at(start)
    case_id = world.open(**open_kwargs)
    walk(world, case_id, until=until)
    return case_id


def received(world: World, on: date, subject: str = "applicant", **open_kwargs: Any) -> int:
    world.at(on)
    case_id = world.open(subject, **open_kwargs)
    take(world, case_id, "submit_application")
    return case_id


# -- row 1: age and where to apply (第五条、第六条) -----------------------------------------------


def test_row1_an_applicant_may_apply_on_the_eighteenth_birthday_and_not_the_day_before(world: World) -> None:
    world.at(date(2026, 4, 14))
    case_id = world.open("young")  # born 2008-04-15
    refusal = world.refused(case_id, "submit_application", "caseworker", inputs(world, "submit_application"))
    [rule] = refusal.unmet
    assert (rule.rule, rule.citation, rule.earliest) == (
        "applicant_is_adult",
        "细则(2026) 第五条",
        date(2026, 4, 15),
    )
    assert rule.message == "年满十八岁方可申请入党（出生于2008-04-15，2026-04-15年满18周岁）"
    world.at(date(2026, 4, 15))
    assert (
        world.fire(case_id, "submit_application", "caseworker", inputs(world, "submit_application")).state
        == "TALK"
    )
    assert world.person("young").status == "applicant"


def test_row1_a_person_removed_applies_again_only_when_five_years_have_passed(world: World) -> None:
    world.at(date(2027, 3, 9))
    case_id = world.open("removed")  # 除名 on 2022-03-10
    refusal = world.refused(case_id, "submit_application", "caseworker", inputs(world, "submit_application"))
    [rule] = refusal.unmet
    assert (rule.rule, rule.citation, rule.earliest) == (
        "not_recently_removed",
        "处置办法(2024)",
        date(2027, 3, 10),
    )
    assert rule.message == "被劝退或除名的，五年内不得重新入党（2022-03-10被劝退或除名，5年内不得重新入党）"
    world.at(date(2027, 3, 10))
    assert world.fire(
        case_id, "submit_application", "caseworker", inputs(world, "submit_application")
    ).state == ("TALK")


def test_row1_only_a_mobile_worker_may_apply_to_a_mobile_members_org(world: World) -> None:
    world.at(date(2026, 3, 2))
    case_id = world.open(owner="mobile_org", actor="mobile_caseworker")
    via_mobile_org = {"applied_via": "mobile_members_org", "place": "single"}
    refusal = world.refused(case_id, "submit_application", "mobile_caseworker", via_mobile_org)
    assert (refusal.unmet[0].rule, refusal.unmet[0].citation) == (
        "mobile_org_only_for_mobile_workers",
        "细则(2026) 第六条",
    )
    result = world.fire(
        case_id, "submit_application", "mobile_caseworker", {**via_mobile_org, "place": "two_place"}
    )
    assert result.state == "TALK"


# -- row 2: the talk within one month (第七条) -----------------------------------------------------


def test_row2_the_talk_is_on_time_on_the_last_day_of_the_month_and_overdue_the_day_after(
    world: World,
) -> None:
    on_time, late = received(world, date(2026, 3, 2)), received(world, date(2026, 3, 2), "mobile_worker")
    [task] = world.open_tasks(on_time, "hold_talk")
    assert (task.due_date, world.org_key(task.queue_org_id)) == (date(2026, 4, 2), "branch")
    world.at(date(2026, 4, 2))
    assert world.fire(on_time, "hold_talk", "secretary", inputs(world, "hold_talk")).state == "APPLIED"
    world.at(date(2026, 4, 3))
    refusal = world.refused(late, "hold_talk", "secretary", inputs(world, "hold_talk"))
    [rule] = refusal.unmet
    assert (rule.rule, rule.citation, rule.waivable, rule.earliest) == (
        "talk_within_one_month",
        "细则(2026) 第七条",
        True,
        None,
    )
    assert rule.message.endswith("（期限为2026-04-02，已逾期1天）")
    with pytest.raises(InvalidInput):  # an overdue talk needs a written reason
        world.engine.fire(late, "hold_talk", world.secretary, inputs(world, "hold_talk"),
                          expected_version=world.case(late).version, waive=("talk_within_one_month",))  # fmt: skip
    done = world.fire(late, "hold_talk", "secretary", inputs(world, "hold_talk"),
                      waive=("talk_within_one_month",), reason="申请人外出务工，返乡后谈话")  # fmt: skip
    assert done.state == "APPLIED"
    assert world.events(late, "hold_talk")[0].inputs["waived"] == ["talk_within_one_month"]


def test_row2_the_talk_deadline_reminds_the_branch_and_escalates_above_the_day_after_it_passed(
    world: World,
) -> None:
    received(world, date(2026, 3, 2))
    world.at(date(2026, 3, 26))
    sweep(world.engine)
    assert [(n.kind, world.org_key(n.org_id or 0)) for n in world.notifications()] == [("reminder", "branch")]
    world.at(date(2026, 4, 2))
    sweep(world.engine)
    assert world.notifications("escalation") == []
    world.at(date(2026, 4, 3))
    sweep(world.engine)
    escalated = world.notifications("escalation")
    assert {(world.org_key(n.org_id or 0), n.role) for n in escalated} == {("township", "committee_approver")}
    assert escalated[0].title == "逾期督办：入党申请人谈话期限"


# -- row 3: the activist, decided by the 支委会 and filed (第八条) ---------------------------------


def test_row3_an_activist_not_yet_filed_with_the_committee_above_cannot_be_proposed(world: World) -> None:
    case_id = case_at(world, "file_activist")
    take(world, case_id, "assign_mentors")
    world.at(date(2026, 3, 3))
    refusal = world.refused(case_id, "propose_candidate", "secretary", inputs(world, "propose_candidate"))
    assert unmet(refusal, "activist_filed").citation == "细则(2026) 第八条"
    take(world, case_id, "file_activist")
    result = world.fire(case_id, "propose_candidate", "secretary", inputs(world, "propose_candidate"),
                        waive=("half_year_reviews_on_record",), reason="半年考察记录另册保存")  # fmt: skip
    assert result.state == "CANDIDATE_PROPOSED"
    assert world.person().status == "activist"


def test_row3_a_local_minimum_wait_after_the_application_is_a_regional_addition_only(world: World) -> None:
    national = received(world, date(2026, 3, 2))
    regional = received(world, date(2026, 3, 2), "mobile_worker", profile="gansu-example")
    for case_id in (national, regional):
        take(world, case_id, "hold_talk")
    assert take(world, national, "designate_activist").state == "ACTIVIST"
    world.at(date(2026, 9, 1))
    refusal = world.refused(regional, "designate_activist", "secretary", inputs(world, "designate_activist"))
    [rule] = refusal.unmet
    assert (rule.rule, rule.citation, rule.earliest) == (
        "activist_after_local_wait",
        "细则(2026) 第八条；地方规定（全国无最短期限）",
        date(2026, 9, 2),
    )
    world.at(date(2026, 9, 2))
    assert take(world, regional, "designate_activist").state == "ACTIVIST"


# -- row 4: one or two full members as mentors (第九条) --------------------------------------------


def test_row4_mentors_are_one_or_two_full_members_and_a_probationer_cannot_be_one(world: World) -> None:
    case_id = case_at(world, "assign_mentors")
    people = world.people
    refusal = world.refused(
        case_id,
        "assign_mentors",
        "secretary",
        {"mentor_1": people["mentor_a"].id, "mentor_2": people["probationer"].id},
    )
    rule = unmet(refusal, "mentors_are_full_members")
    assert rule.citation == "细则(2026) 第九条" and "测试probationer是预备党员" in rule.message
    twice = {"mentor_1": people["mentor_a"].id, "mentor_2": people["mentor_a"].id}
    assert (
        "两名培养联系人为同一人"
        in world.refused(case_id, "assign_mentors", "secretary", twice).unmet[0].message
    )
    assert (
        world.fire(case_id, "assign_mentors", "secretary", {"mentor_1": people["mentor_a"].id}).state
        == "ACTIVIST"
    )
    with pytest.raises(InvalidInput):  # replacing one needs a reason
        world.fire(case_id, "replace_mentors", "secretary", {"mentor_1": people["mentor_b"].id})
    world.fire(
        case_id, "replace_mentors", "secretary", {"mentor_1": people["mentor_b"].id}, reason="原联系人调离"
    )


# -- row 5: the half-year review (第十一条) --------------------------------------------------------


def test_row5_the_half_year_review_reopens_every_six_months_and_is_recorded_from_its_day(
    world: World,
) -> None:
    case_id = case_at(world, "record_half_year_review")  # designated 2025-03-03
    [first] = world.open_tasks(case_id, "half_year_review")
    assert first.due_date == date(2025, 9, 3)
    world.at(date(2025, 9, 2))
    sweep(world.engine)
    assert len(world.open_tasks(case_id, "half_year_review")) == 1
    refusal = world.refused(
        case_id, "record_half_year_review", "secretary", inputs(world, "record_half_year_review")
    )
    assert (refusal.unmet[0].rule, refusal.unmet[0].earliest) == ("half_year_review_due", date(2025, 9, 3))
    world.at(date(2025, 9, 3))
    take(world, case_id, "record_half_year_review")  # the review done reopens the next one
    assert [t.due_date for t in world.open_tasks(case_id, "half_year_review")] == [date(2026, 3, 3)]
    [timer] = world.timers(case_id, "half_year_review_due")
    assert (timer.kind, timer.due_date) == ("recurring", date(2026, 3, 4))  # looks the day after
    world.at(date(2025, 9, 4))
    sweep(world.engine)
    assert [t.due_date for t in world.open_tasks(case_id, "half_year_review")] == [date(2026, 3, 3)]
    world.at(date(2026, 3, 3))
    take(world, case_id, "propose_candidate")
    assert world.open_tasks(case_id, "half_year_review") == []
    assert world.timers(case_id, "half_year_review_due")[0].status == "cancelled"


def test_row5_a_proposal_without_a_review_for_each_past_half_year_needs_a_written_reason(
    world: World,
) -> None:
    case_id = case_at(world, "record_half_year_review")
    world.at(date(2026, 3, 4))  # two half years have passed (2025-09-03 and 2026-03-03)
    refusal = world.refused(case_id, "propose_candidate", "secretary", inputs(world, "propose_candidate"))
    [rule] = refusal.unmet
    assert (rule.rule, rule.citation, rule.waivable) == (
        "half_year_reviews_on_record",
        "细则(2026) 第十一条",
        True,
    )
    assert rule.message.endswith("（应有2次半年考察记录，已登记0次）")
    done = world.fire(case_id, "propose_candidate", "secretary", inputs(world, "propose_candidate"),
                      waive=("half_year_reviews_on_record",), reason="考察记录补录中")  # fmt: skip
    assert done.state == "CANDIDATE_PROPOSED"


# -- row 6: an activist who moves keeps the cultivation time (第十二条) ---------------------------


def test_row6_an_activist_moved_to_another_branch_keeps_the_cultivation_clock(world: World) -> None:
    case_id = case_at(world, "propose_candidate")  # designated 2025-03-03, reviewed 2025-09-03
    world.at(date(2025, 11, 1))
    move_case(world.engine, case_id, world.orgs["west_branch"].id, world.caseworker,
              reason="工作单位变动，转入西街村", expected_version=world.case(case_id).version)  # fmt: skip
    assert world.org_key(world.person().org_id or 0) == "west_branch"
    assert {world.org_key(t.queue_org_id) for t in world.open_tasks(case_id)} == {"west_branch"}
    with pytest.raises(NotFound):  # the old branch no longer sees it
        world.fire(case_id, "propose_candidate", "secretary", inputs(world, "propose_candidate"))
    world.at(date(2026, 3, 2))
    refusal = world.refused(
        case_id, "propose_candidate", "west_secretary", inputs(world, "propose_candidate")
    )
    assert unmet(refusal, "one_year_of_cultivation").earliest == date(2026, 3, 3)
    world.at(date(2026, 3, 3))
    assert take(world, case_id, "propose_candidate", "west_secretary").state == "CANDIDATE_PROPOSED"
    assert [e.action for e in world.events(case_id)][-2:] == ["move_case", "propose_candidate"]


# -- row 7: the candidate after one year, with consent and a 公示 (第十三条) -----------------------


def test_row7_a_candidate_is_refused_the_day_before_a_full_year_and_allowed_on_the_day_it_completes(
    world: World,
) -> None:
    case_id = case_at(world, "propose_candidate")
    world.at(date(2026, 3, 2))
    refusal = world.refused(case_id, "propose_candidate", "secretary", inputs(world, "propose_candidate"))
    [rule] = refusal.unmet
    assert (rule.rule, rule.citation, rule.earliest) == (
        "one_year_of_cultivation",
        "细则(2026) 第十三条",
        date(2026, 3, 3),
    )
    assert rule.message.endswith("（自2025-03-03支委会确定为入党积极分子起算，满1年为2026-03-03）")
    assert refusal.earliest == date(2026, 3, 3)
    world.at(date(2026, 3, 3))
    assert take(world, case_id, "propose_candidate").state == "CANDIDATE_PROPOSED"


def test_row7_the_proposal_needs_the_opinions_of_the_group_mentors_members_and_non_members(
    world: World,
) -> None:
    case_id = case_at(world, "propose_candidate")
    world.at(date(2026, 3, 3))
    refusal = world.refused(case_id, "propose_candidate", "secretary", {"opinions_heard": False})
    assert [(u.rule, u.citation) for u in refusal.unmet] == [
        ("candidate_opinions_heard", "细则(2026) 第十三条")
    ]


def test_row7_the_notice_lasts_five_working_days_across_the_national_day_holiday_and_a_make_up_saturday(
    world: World,
) -> None:
    case_id = case_at(world, "start_public_notice")
    world.at(date(2026, 9, 29))
    take(world, case_id, "start_public_notice")
    [task] = world.open_tasks(case_id, "finish_public_notice")
    assert task.due_date == date(2026, 10, 12)  # 09-30, 10-08, 10-09, 10-10 (调休), 10-12
    for day in (date(2026, 10, 9), date(2026, 10, 10), date(2026, 10, 11)):
        world.at(day)
        refusal = world.refused(case_id, "finish_public_notice", "caseworker")
        [rule] = refusal.unmet
        assert (rule.rule, rule.citation, rule.earliest) == (
            "notice_period_over",
            "细则(2026) 第十三条",
            date(2026, 10, 12),
        )
    assert rule.message.endswith("（2026-09-29起公示，满5个工作日为2026-10-12）")
    world.at(date(2026, 10, 12))
    assert world.fire(case_id, "finish_public_notice", "caseworker").state == "NOTICE_ENDED"


def test_row7_a_regional_profile_may_lengthen_the_notice_to_seven_working_days(world: World) -> None:
    case_id = case_at(world, "start_public_notice", profile="gansu-example")
    world.at(date(2026, 9, 29))
    take(world, case_id, "start_public_notice")
    world.at(date(2026, 10, 12))
    assert world.refused(case_id, "finish_public_notice", "caseworker").earliest == date(2026, 10, 14)
    world.at(date(2026, 10, 14))
    assert world.fire(case_id, "finish_public_notice", "caseworker").state == "NOTICE_ENDED"


def test_row7_an_objection_stops_a_single_place_notice_until_it_is_resolved(world: World) -> None:
    case_id = case_at(world, "start_public_notice")
    world.at(date(2026, 9, 29))
    take(world, case_id, "start_public_notice")
    world.fire(case_id, "record_objection", "caseworker", {"objection": "反映其有赌博行为"})
    [task] = world.open_tasks(case_id)
    assert (task.name, world.org_key(task.queue_org_id)) == ("resolve_objection", "branch")
    world.at(date(2026, 10, 12))
    refusal = world.refused(
        case_id, "resolve_objection", "secretary", {"finding": "founded", "finding_text": "属实"}
    )
    assert unmet(refusal, "objection_cleared").citation == "细则(2026) 第十三条"
    world.fire(
        case_id, "resolve_objection", "secretary", {"finding": "unfounded", "finding_text": "经核实不属实"}
    )
    assert world.fire(case_id, "finish_public_notice", "caseworker").state == "NOTICE_ENDED"


# -- row 8: two full members as sponsors, none under a barring sanction (第十四条) -----------------


def _sponsors(world: World, first: str, second: str) -> dict[str, int]:
    return {"sponsor_1": world.people[first].id, "sponsor_2": world.people[second].id}


def test_row8_a_sponsor_under_a_warning_serves_from_the_day_after_its_effect_period(world: World) -> None:
    case_id = case_at(world, "assign_sponsors")
    world.at(date(2026, 5, 25))
    refusal = world.refused(case_id, "assign_sponsors", "secretary", _sponsors(world, "sponsor_a", "warned"))
    [rule] = refusal.unmet
    assert (rule.rule, rule.citation, rule.earliest) == (
        "sponsors_not_under_sanction",
        "细则(2026) 第十四条",
        date(2026, 9, 1),
    )
    assert rule.message.endswith("（测试warned受警告处分，影响期至2026-08-31）")
    world.at(date(2026, 9, 1))
    assert (
        world.fire(case_id, "assign_sponsors", "secretary", _sponsors(world, "sponsor_a", "warned")).state
        == "CANDIDATE"
    )


@pytest.mark.parametrize(("second", "rule", "says"), [
    ("on_probation_sanction", "sponsors_not_under_sanction", "受留党察看处分，尚未恢复党员权利"),
    ("probationer", "sponsors_are_full_members", "测试probationer是预备党员"),
    ("sponsor_a", "sponsors_are_full_members", "两名入党介绍人为同一人"),
    ("applicant", "sponsors_are_full_members", "测试applicant是本人"),
])  # fmt: skip
def test_row8_sponsors_who_cannot_serve_are_refused_with_the_reason(
    world: World, second: str, rule: str, says: str
) -> None:
    case_id = case_at(world, "assign_sponsors")
    refusal = world.refused(case_id, "assign_sponsors", "secretary", _sponsors(world, "sponsor_a", second))
    assert says in unmet(refusal, rule).message and unmet(refusal, rule).earliest is None


def test_row8_a_member_whose_rights_were_restored_after_probation_in_the_party_may_sponsor(
    world: World,
) -> None:
    case_id = case_at(world, "assign_sponsors")
    assert (
        world.fire(case_id, "assign_sponsors", "secretary", _sponsors(world, "sponsor_a", "restored")).state
        == "CANDIDATE"
    )


# -- row 9: the political review (第十六条) --------------------------------------------------------


def test_row9_no_examination_without_a_political_review_and_a_failed_one_ends_the_case(world: World) -> None:
    case_id = case_at(world, "assign_sponsors")
    take(world, case_id, "assign_sponsors")
    take(world, case_id, "record_training")
    refusal = world.refused(case_id, "examine_candidate", "secretary", inputs(world, "examine_candidate"))
    assert [(u.rule, u.citation) for u in refusal.unmet] == [
        ("political_review_passed", "细则(2026) 第十六条")
    ]
    failed = world.fire(
        case_id,
        "fail_political_review",
        "secretary",
        {"conclusion": "政治审查不合格"},
        reason="有严重违法记录",
    )
    assert (failed.state, failed.closed, world.person().status) == ("NOT_ADMITTED", True, "applicant")


def test_row9_a_mobile_workers_review_asks_both_places_and_a_single_places_cannot(world: World) -> None:
    world.at(START)
    mobile = world.open("mobile_worker", parties={"outflow_side": "branch", "inflow_side": "inflow_branch"})
    take(world, mobile, "submit_application", extra={"place": "two_place"})
    steps = [s if s != "start_public_notice" else "start_two_place_notice" for s in MAIN_PATH]
    steps = [s for s in steps if s != "finish_public_notice"]
    walk(world, mobile, until="start_two_place_notice", steps=steps)
    world.fire(mobile, "start_two_place_notice", "caseworker")  # under 细则(2014): no national notice period
    world.fire(mobile, "finish_outflow_notice", "caseworker")
    world.fire(mobile, "finish_inflow_notice", "inflow_caseworker")
    world.fire(mobile, "designate_candidate", "secretary")
    refusal = world.refused(
        mobile, "conclude_political_review", "secretary", inputs(world, "conclude_political_review")
    )
    assert [(u.rule, u.citation) for u in refusal.unmet] == [
        ("review_in_one_place_only_if_not_mobile", "细则(2026) 第十六条")
    ]
    single = case_at(world, "conclude_political_review")
    refusal = world.refused(single, "request_two_place_opinions", "caseworker")
    assert refusal.unmet[0].rule == "two_place_review_for_mobile_only"
    assert take(world, single, "conclude_political_review").state == "EXAMINATION"


# -- row 10: training of three days or 24 学时 (第十七条) ------------------------------------------


@pytest.mark.parametrize(
    ("days", "hours", "holds"), [(3, 0, True), (1, 24, True), (2, 16, False), (0, 0, False)]
)
def test_row10_training_is_three_days_or_twenty_four_hours(
    world: World, days: int, hours: int, holds: bool
) -> None:
    case_id = case_at(world, "record_training")
    training = {
        "organized_by": "county_department",
        "training_days": days,
        "training_hours": hours,
        "by_video": True,
    }
    if holds:
        world.fire(case_id, "record_training", "organizer", training)
        return
    refusal = world.refused(case_id, "record_training", "organizer", training)
    [rule] = refusal.unmet
    assert (rule.rule, rule.citation, rule.waivable) == ("training_long_enough", "细则(2026) 第十七条", True)
    assert rule.message.endswith(f"（培训{days}天、{hours}学时，应不少于3天或24学时）")
    world.fire(case_id, "record_training", "organizer", training,
               waive=("training_long_enough",), reason="援藏支教，个别特殊情况经党委研究")  # fmt: skip


def test_row10_an_untrained_candidate_is_not_examined(world: World) -> None:
    case_id = case_at(world, "record_training")
    take(world, case_id, "conclude_political_review")
    refusal = world.refused(case_id, "examine_candidate", "secretary", inputs(world, "examine_candidate"))
    assert [(u.rule, u.citation) for u in refusal.unmet] == [("training_completed", "细则(2026) 第十七条")]
    take(world, case_id, "record_training")
    assert world.top(case_id) == "EXAMINATION"
    assert take(world, case_id, "examine_candidate").state == "PRE_REVIEW"


# -- row 11: 支委会审查, 预审 in writing, the 入党志愿书, leaving soon (第十八条) ------------------


def test_row11_a_candidate_leaving_the_unit_soon_is_normally_not_passed_in_pre_review(world: World) -> None:
    case_id = case_at(world, "pass_pre_review")
    leaving = {**inputs(world, "pass_pre_review"), "leaving_unit_soon": True}
    with pytest.raises(Forbidden):  # the branch cannot pre-review its own candidate
        world.fire(case_id, "pass_pre_review", "secretary", leaving)
    refusal = world.refused(case_id, "pass_pre_review", "approver", leaving)
    assert [(u.rule, u.citation, u.waivable) for u in refusal.unmet] == [
        ("not_leaving_unit_soon", "细则(2026) 第十八条", True)
    ]
    world.fire(
        case_id,
        "pass_pre_review",
        "approver",
        leaving,
        waive=("not_leaving_unit_soon",),
        reason="调动尚未确定",
    )
    assert world.data(case_id)["pass_pre_review"]["written_reply"] == "城关镇党委〔2026〕12号"
    [task] = world.open_tasks(case_id)
    assert (task.name, world.org_key(task.queue_org_id)) == ("issue_admission_form", "township")


def test_row11_a_refused_pre_review_goes_back_to_the_branch_with_a_written_reason(world: World) -> None:
    case_id = case_at(world, "pass_pre_review")
    with pytest.raises(InvalidInput):
        world.fire(case_id, "refuse_pre_review", "approver", {"written_reply": "城关镇党委〔2026〕13号"})
    back = world.fire(
        case_id,
        "refuse_pre_review",
        "approver",
        {"written_reply": "城关镇党委〔2026〕13号"},
        reason="材料不全",
    )
    assert back.state == "EXAMINATION"


# -- row 12: the meeting within one month of 预审 (第十九条) ----------------------------------------


def test_row12_the_meeting_is_due_a_month_after_pre_review_and_late_the_day_after(world: World) -> None:
    case_id = case_at(world, "pass_pre_review")
    world.at(date(2026, 6, 15))
    take(world, case_id, "pass_pre_review")
    take(world, case_id, "issue_admission_form")
    [task] = world.open_tasks(case_id, "hold_admission_meeting")
    assert task.due_date == date(2026, 7, 15)
    world.at(date(2026, 7, 16))
    sweep(world.engine)
    assert {world.org_key(n.org_id or 0) for n in world.notifications("escalation")} == {"township"}
    refusal = world.refused(case_id, "hold_admission_meeting", "secretary", RESOLUTION)
    [rule] = refusal.unmet
    assert (rule.rule, rule.citation) == ("general_meeting_within_one_month", "细则(2026) 第十九条")
    assert rule.message.endswith("（期限为2026-07-15，已逾期1天）")
    world.fire(case_id, "hold_admission_meeting", "secretary", RESOLUTION,
               waive=("general_meeting_within_one_month",), reason="汛期抢险，会议推迟")  # fmt: skip


# -- row 13: the vote (第十九条、第二十条) ----------------------------------------------------------

VOTES: list[tuple[str, dict[str, Any], str | None, str]] = [
    ("quorum short by one", {"voters_present": 4, "written_opinions": 2, "votes_for": 6, "votes_against": 0},
     "quorum_present", "应到有表决权的党员9人，实到4人，未超过半数，还差1人，书面意见不计入到会人数"),
    ("majority short by one", {"voters_present": 7, "written_opinions": 0, "votes_for": 4, "votes_against": 2,
     "votes_abstain": 1}, "majority_in_favour", "应到有表决权的党员9人，赞成4票，未超过半数，还差1票"),
    ("without the written opinions", {"voters_present": 5, "written_opinions": 0, "votes_for": 3,
     "votes_against": 1, "votes_abstain": 1}, "majority_in_favour", "赞成3票，未超过半数，还差2票"),
    ("passing because absentees' written opinions count", {"voters_present": 5, "written_opinions": 2,
     "votes_for": 5, "votes_against": 1, "votes_abstain": 1}, None, ""),
    ("counts not adding up", {"voters_present": 8, "written_opinions": 1, "votes_for": 8, "votes_against": 2},
     "ballot_adds_up", "赞成8、反对2、弃权0之和应等于实到人数与书面意见数之和9"),
    ("two candidates at once", {"one_candidate": False}, "one_candidate_per_vote", "必须逐个讨论和表决"),
    ("a show of hands", {"secret_ballot": False}, "secret_ballot_used", "无记名投票"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "counts", "rule", "says"), VOTES, ids=[v[0] for v in VOTES])
def test_row13_the_vote_counts_quorum_and_majority_over_the_voters_who_should_attend(
    world: World, case: str, counts: dict[str, Any], rule: str | None, says: str
) -> None:
    case_id = case_at(world, "hold_admission_meeting")
    vote = {**RESOLUTION, "votes_abstain": 0, **counts}
    if rule is None:
        assert (
            world.fire(case_id, "hold_admission_meeting", "secretary", vote).state == "ADMISSION_SUBMISSION"
        )
        return
    refusal = world.refused(case_id, "hold_admission_meeting", "secretary", vote)
    assert [u.rule for u in refusal.unmet] == [rule]
    assert says in refusal.unmet[0].message and refusal.unmet[0].citation.startswith("细则(2026)")


def test_row13_a_meeting_with_a_quorum_that_did_not_adopt_sends_the_candidate_back_to_the_committee(
    world: World,
) -> None:
    case_id = case_at(world, "hold_admission_meeting")
    not_adopted = {
        **RESOLUTION,
        "voters_present": 7,
        "written_opinions": 0,
        "votes_for": 3,
        "votes_against": 4,
    }
    assert (
        world.fire(case_id, "record_admission_not_adopted", "secretary", not_adopted).state == "EXAMINATION"
    )
    no_quorum = {**not_adopted, "voters_present": 4, "votes_for": 2, "votes_against": 2}
    case_two = case_at(world, "hold_admission_meeting", subject="mobile_worker")
    refusal = world.refused(case_two, "record_admission_not_adopted", "secretary", no_quorum)
    assert [u.rule for u in refusal.unmet] == ["quorum_present"]


# -- row 14: the resolution and what goes up with it (第二十一条) ----------------------------------


def test_row14_the_resolution_is_signed_and_goes_up_with_the_application_record_and_review(
    world: World,
) -> None:
    case_id = case_at(world, "hold_admission_meeting")
    refusal = world.refused(
        case_id, "hold_admission_meeting", "secretary", {**RESOLUTION, "secretary_signed": False}
    )
    assert [(u.rule, u.citation) for u in refusal.unmet] == [("resolution_signed", "细则(2026) 第二十一条")]
    take(world, case_id, "hold_admission_meeting")
    refusal = world.refused(case_id, "submit_for_approval", "caseworker", {"materials_enclosed": False})
    assert [u.rule for u in refusal.unmet] == ["materials_enclosed"]
    assert take(world, case_id, "submit_for_approval").state == "APPROVAL"


# -- row 15: who may approve (第二十二条) ----------------------------------------------------------

SCHOOL = {name: f"school_{who}" for name, who in ACTORS.items() if who in ("caseworker", "secretary")}


def test_row15_a_general_branch_deliberates_and_the_township_committee_approves(world: World) -> None:
    world.at(START)
    case_id = world.open(owner="school_branch", actor="school_caseworker")
    walk(world, case_id, until="approve_admission", actors=SCHOOL)
    approvals = [t for t in world.open_tasks(case_id) if t.name == "approve_admission"]
    assert [world.org_key(t.queue_org_id) for t in approvals] == ["township"]
    with pytest.raises(Forbidden):
        world.fire(case_id, "approve_admission", "general_branch_approver", COMMITTEE)
    world.fire(
        case_id, "record_deliberation", "general_branch_approver", {"opinion": "经党总支审议，同意报党委审批"}
    )
    assert world.fire(case_id, "approve_admission", "approver", COMMITTEE).state == "ADMITTED"


def test_row15_a_village_committee_under_a_township_committee_cannot_approve(world: World) -> None:
    world.at(START)
    case_id = world.open(owner="village_branch", actor="village_secretary")
    village = {
        name: "village_secretary" for name, who in ACTORS.items() if who in ("caseworker", "secretary")
    }
    walk(world, case_id, until="pass_pre_review", actors=village)
    with pytest.raises(Forbidden):
        world.fire(case_id, "pass_pre_review", "village_approver", inputs(world, "pass_pre_review"))
    world.fire(case_id, "record_deliberation", "village_approver", {"opinion": "村党委审议同意"})
    assert take(world, case_id, "pass_pre_review").state == "ADMISSION_FORM"


# -- rows 16-18: the talk, the collective vote, three months (six at most), filing -----------------


def test_row16_the_committee_approves_only_after_its_member_or_organizer_has_talked_with_the_candidate(
    world: World,
) -> None:
    case_id = case_at(world, "hold_approval_talk")
    refusal = world.refused(case_id, "approve_admission", "approver", COMMITTEE)
    assert [(u.rule, u.citation) for u in refusal.unmet] == [("approval_talk_held", "细则(2026) 第二十三条")]
    take(world, case_id, "hold_approval_talk")
    assert world.fire(case_id, "approve_admission", "approver", COMMITTEE).state == "ADMITTED"


def test_row17_the_committee_decides_collectively_and_the_decision_states_the_probation(world: World) -> None:
    case_id = case_at(world, "approve_admission")
    refusal = world.refused(
        case_id, "approve_admission", "approver", {**COMMITTEE, "committee_present": 3, "committee_for": 3}
    )
    assert [(u.rule, u.message.split("（")[1]) for u in refusal.unmet] == [
        ("committee_quorum_present", "应到党委委员7人，实到3人，未超过半数，还差1人）"),
        ("committee_majority_in_favour", "应到党委委员7人，赞成3票，未超过半数，还差1票）"),
    ]
    take(world, case_id, "approve_admission")
    data = world.data(case_id)
    assert (data["probation_start"], data["probation_end"]) == ("2026-03-03", "2027-03-02")
    assert {world.org_key(t.queue_org_id): t.name for t in world.open_tasks(case_id)}[
        "township"
    ] == "file_admission"


def _at_approval(world: World, subject: str = "applicant") -> int:
    """A case whose meeting passed the admission on 2026-07-01 (pre-review 2026-06-15)."""
    case_id = case_at(world, "pass_pre_review", subject=subject)
    world.at(date(2026, 6, 15))
    walk(world, case_id, until="hold_admission_meeting")
    world.at(date(2026, 7, 1))
    walk(world, case_id, until="approve_admission")
    return case_id


def test_row18_approval_is_due_three_months_after_the_meeting_and_later_needs_a_reason(world: World) -> None:
    case_id = _at_approval(world)
    world.at(date(2026, 10, 1))
    sweep(world.engine)
    assert world.notifications("escalation") == []
    world.at(date(2026, 10, 2))
    sweep(world.engine)
    [escalated] = world.notifications("escalation")
    assert (world.org_key(escalated.org_id or 0), escalated.role) == ("county", "organization_department")
    refusal = world.refused(case_id, "approve_admission", "approver", COMMITTEE)
    [rule] = refusal.unmet
    assert (rule.rule, rule.citation, rule.waivable) == (
        "approval_within_three_months",
        "细则(2026) 第二十五条",
        True,
    )
    assert rule.message.endswith("（期限为2026-10-01，已逾期1天）")
    world.fire(case_id, "approve_admission", "approver", COMMITTEE,
               waive=("approval_within_three_months",), reason="党委换届，延期审批")  # fmt: skip
    assert world.person().status == "probationary_member"


def test_row18_no_approval_is_possible_past_six_months_even_with_a_reason(world: World) -> None:
    case_id = _at_approval(world)
    world.at(date(2027, 1, 2))
    waived = ("approval_within_three_months", "approval_within_six_months")
    with pytest.raises(RuleRefusal) as refused:
        world.fire(case_id, "approve_admission", "approver", COMMITTEE, waive=waived, reason="特殊情况")
    [rule] = refused.value.unmet
    assert (rule.rule, rule.waivable) == ("approval_within_six_months", False)
    assert rule.message.endswith("（期限为2027-01-01，已逾期1天）")
    case_two = _at_approval(world, "mobile_worker")
    world.at(date(2027, 1, 1))
    world.fire(case_two, "approve_admission", "approver", COMMITTEE, waive=waived[:1], reason="特殊情况")


# -- row 19: the oath within one month, new in 2026 (第二十九条) -----------------------------------


def test_row19_the_oath_is_due_a_month_after_an_approval_under_the_2026_rules(world: World) -> None:
    case_id = _at_approval(world)
    world.at(date(2026, 7, 20))
    take(world, case_id, "approve_admission")
    [task] = world.open_tasks(case_id, "take_oath")
    assert task.due_date == date(2026, 8, 20)
    world.at(date(2026, 8, 21))
    refusal = world.refused(case_id, "take_oath", "secretary")
    [rule] = refusal.unmet
    assert (rule.rule, rule.citation, rule.waivable) == (
        "oath_within_one_month",
        "细则(2026) 第二十九条（2026年新增）",
        True,
    )
    assert rule.message.endswith("（期限为2026-08-20，已逾期1天）")
    other = _at_approval(world, "mobile_worker")
    world.at(date(2026, 7, 20))
    take(world, other, "approve_admission")
    world.at(date(2026, 8, 20))
    world.fire(other, "take_oath", "secretary")


def test_row19_under_the_2014_rules_the_oath_had_no_deadline(world: World) -> None:
    case_id = case_at(world, "take_oath")  # approved on 2026-03-03
    world.at(date(2026, 5, 8))
    assert world.fire(case_id, "take_oath", "secretary").state == "PROBATION"
    assert world.events(case_id, "take_oath")[0].policy_version.endswith("细则(2014)+条例(2019)")


# -- rows 20-22: the probation, 转正 and 党龄 ------------------------------------------------------


def _meeting_on(world: World, day: date, subject: str = "applicant") -> int:
    """A case whose 支部党员大会 passed the admission on `day`, then approved the same day."""
    case_id = case_at(world, "pass_pre_review", start=date(2024, 3, 1), subject=subject)
    world.at(day - (date(2025, 5, 20) - date(2025, 5, 15)))
    walk(world, case_id, until="hold_admission_meeting")
    world.at(day)
    walk(world, case_id, until="resolve_full_membership", actors={"apply_for_full_membership": "caseworker"})
    return case_id


def test_row20_the_probation_runs_a_year_from_the_meeting_and_ends_the_day_before_its_anniversary(
    world: World,
) -> None:
    case_id = _meeting_on(world, date(2025, 5, 20))
    data, person = world.data(case_id), world.person()
    assert (data["probation_start"], data["probation_end"]) == ("2025-05-20", "2026-05-19")
    assert (person.status, person.admitted_on) == ("probationary_member", date(2025, 5, 20))
    world.at(date(2026, 5, 19))
    refusal = world.refused(case_id, "resolve_full_membership", "secretary", RESOLUTION)
    [rule] = refusal.unmet
    assert (rule.rule, rule.citation, rule.earliest) == (
        "probation_has_expired",
        "细则(2026) 第三十一条",
        date(2026, 5, 20),
    )
    world.at(date(2026, 5, 20))
    take(world, case_id, "resolve_full_membership")
    take(world, case_id, "confirm_full_membership")
    person = world.person()
    assert (person.status, person.full_member_since) == ("full_member", date(2026, 5, 20))
    assert world.data(case_id)["party_standing_since"] == "2026-05-20"


def test_row21_the_probation_is_extended_once_by_six_to_twelve_months_and_a_second_extension_is_refused(
    world: World,
) -> None:
    case_id = _meeting_on(world, date(2025, 5, 20))
    world.at(date(2026, 5, 20))
    for months in (5, 13):
        refusal = world.refused(
            case_id,
            "resolve_extension",
            "secretary",
            {**inputs(world, "resolve_extension"), "extension_months": months},
        )
        assert [(u.rule, u.citation) for u in refusal.unmet] == [
            ("extension_within_bounds", "细则(2026) 第三十一条")
        ]
    take(world, case_id, "resolve_extension")
    back = take(world, case_id, "approve_extension")
    assert (back.state, world.data(case_id)["probation_end"]) == ("PROBATION", "2026-11-19")
    assert world.person().status == "probationary_member"
    take(world, case_id, "apply_for_full_membership")
    take(world, case_id, "examine_full_membership")
    world.at(date(2026, 11, 20))
    refusal = world.refused(case_id, "resolve_extension", "secretary", inputs(world, "resolve_extension"))
    assert [u.rule for u in refusal.unmet] == ["extended_at_most_once"]
    assert refusal.unmet[0].message == "预备期只能延长一次（已于2026-05-20批准延长）"
    take(world, case_id, "resolve_full_membership")
    take(world, case_id, "confirm_full_membership")
    assert world.person().full_member_since == date(2026, 11, 20)


def test_row21_the_probation_can_be_cancelled_by_the_meeting_and_the_committee(world: World) -> None:
    case_id = _meeting_on(world, date(2025, 5, 20))
    world.at(date(2026, 5, 20))
    take(world, case_id, "resolve_cancellation")
    result = take(world, case_id, "cancel_probation")
    person = world.person()
    assert (result.state, result.closed, person.status, person.admitted_on) == (
        "PROBATION_CANCELLED", True, "non_member", None,
    )  # fmt: skip


def test_row21_the_branch_discusses_promptly_after_expiry_or_gives_a_reason(world: World) -> None:
    case_id = _meeting_on(world, date(2025, 5, 20))
    world.at(date(2026, 6, 20))
    refusal = world.refused(case_id, "resolve_full_membership", "secretary", RESOLUTION)
    assert [(u.rule, u.waivable) for u in refusal.unmet] == [("full_membership_discussed_promptly", True)]
    assert refusal.unmet[0].message.endswith("（期限为2026-06-19，已逾期1天）")


def test_row22_opinions_are_heard_and_the_committee_approves_within_three_months(world: World) -> None:
    case_id = _meeting_on(world, date(2025, 5, 20))
    world.at(date(2026, 5, 20))
    assert world.top(case_id) == "FULL_MEMBERSHIP_MEETING"
    take(world, case_id, "resolve_full_membership")
    world.at(date(2026, 8, 21))
    refusal = world.refused(case_id, "confirm_full_membership", "approver", COMMITTEE)
    assert [(u.rule, u.citation) for u in refusal.unmet] == [
        ("full_membership_approval_within_three_months", "细则(2026) 第三十三条")
    ]
    world.fire(case_id, "confirm_full_membership", "approver", COMMITTEE,
               waive=("full_membership_approval_within_three_months",), reason="党委换届")  # fmt: skip
    assert world.person().full_member_since == date(2026, 5, 20)  # 党龄 from the end of probation


def test_row22_the_full_membership_examination_hears_the_group_members_and_non_members(world: World) -> None:
    case_id = case_at(world, "examine_full_membership")
    refusal = world.refused(
        case_id, "examine_full_membership", "secretary", {"opinions_heard": False, "opinion": "同意"}
    )
    assert [(u.rule, u.citation) for u in refusal.unmet] == [
        ("full_membership_opinions_heard", "细则(2026) 第三十二条")
    ]
    assert take(world, case_id, "examine_full_membership").state == "FULL_MEMBERSHIP_MEETING"


# -- row 23: a probationer who moves; not recognized (第三十四条、第三十五条) ----------------------


def test_row23_a_transferred_probationer_may_have_the_discussion_postponed_up_to_six_months(
    world: World,
) -> None:
    case_id = _meeting_on(world, date(2025, 5, 20))
    world.at(date(2026, 1, 10))
    move_case(world.engine, case_id, world.orgs["west_branch"].id, world.caseworker,
              reason="预备期内工作调动", expected_version=world.case(case_id).version)  # fmt: skip
    world.at(date(2026, 11, 20))  # six months and a day after the probation ended
    refusal = world.refused(case_id, "resolve_full_membership", "west_secretary", RESOLUTION)
    [rule] = refusal.unmet
    assert (rule.rule, rule.citation, rule.waivable) == (
        "postponement_at_most_six_months",
        "细则(2026) 第三十五条",
        False,
    )
    assert rule.message.endswith("（期限为2026-11-19，已逾期1天）")
    other = _meeting_on(world, date(2025, 5, 20), subject="mobile_worker")
    world.at(date(2026, 1, 10))
    move_case(world.engine, other, world.orgs["west_branch"].id, world.caseworker,
              reason="预备期内工作调动", expected_version=world.case(other).version)  # fmt: skip
    world.at(date(2026, 11, 19))
    take(world, other, "resolve_full_membership", "west_secretary")
    take(world, other, "confirm_full_membership")
    assert world.person("mobile_worker").full_member_since == date(
        2026, 5, 20
    )  # dated from the end of probation


def test_row23_a_probationer_whose_probation_cannot_be_established_is_not_recognized_by_the_county(
    world: World,
) -> None:
    case_id = _meeting_on(world, date(2025, 5, 20))
    ground = {"ground": "cannot_establish", "approval_reference": "示组字〔2026〕5号"}
    with pytest.raises(Forbidden):
        world.fire(case_id, "refuse_recognition", "approver", ground, reason="原组织撤销，考察情况无法认定")
    result = world.fire(
        case_id, "refuse_recognition", "department", ground, reason="原组织撤销，考察情况无法认定"
    )
    assert (result.state, world.person().status, world.person().admitted_on) == (
        "NOT_RECOGNIZED",
        "non_member",
        None,
    )


# -- row 24: the archive (第三十六条) ---------------------------------------------------------------


def test_row24_the_archive_needs_every_material(world: World) -> None:
    case_id = case_at(world, "archive_materials")
    incomplete = {**inputs(world, "archive_materials"), "full_membership_application_archived": False}
    refusal = world.refused(case_id, "archive_materials", "caseworker", incomplete)
    assert [(u.rule, u.citation) for u in refusal.unmet] == [
        ("all_materials_archived", "细则(2026) 第三十六条")
    ]
    assert refusal.unmet[0].message.endswith("（缺少转正申请书）")
    result = take(world, case_id, "archive_materials")
    assert (result.state, result.closed) == ("ARCHIVED", True)


# -- row 25: a 流动党员党组织 develops only when it qualifies (第四十条) ---------------------------

MOBILE_ORG = {name: f"mobile_{who}" for name, who in ACTORS.items() if who in ("caseworker", "secretary")}


def test_row25_a_mobile_members_org_that_does_not_qualify_cultivates_and_hands_over(world: World) -> None:
    world.at(START)
    sides = {"outflow_side": "branch", "inflow_side": "mobile_org"}
    case_id = world.open("mobile_worker", owner="mobile_org", parties=sides, actor="mobile_caseworker")
    via = {"applied_via": "mobile_members_org", "place": "two_place"}
    take(world, case_id, "submit_application", "mobile_caseworker", via)
    walk(world, case_id, until="propose_candidate", actors=MOBILE_ORG)
    world.at(date(2026, 3, 3))
    refusal = world.refused(
        case_id, "propose_candidate", "mobile_secretary", inputs(world, "propose_candidate")
    )
    assert [(u.rule, u.citation) for u in refusal.unmet] == [
        ("mobile_org_may_develop", "细则(2026) 第四十条")
    ]
    world.fire(
        case_id, "confirm_mobile_org_qualified", "department", {"approval_reference": "示组字〔2025〕9号"}
    )
    assert take(world, case_id, "propose_candidate", "mobile_secretary").state == "CANDIDATE_PROPOSED"
