"""组织关系转接 with a moved clock: every path, every rule held and refused, the relation moved once."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine as DbEngine
from sqlalchemy import select

from engine.authz import SYSTEM
from engine.errors import DefinitionError, Forbidden, InvalidInput, RuleRefusal
from engine.models import Case, Person
from engine.registry import Registry
from engine.timers import sweep
from tests.workflows.transfer_world import NATIONAL, REGIONAL, World, build_world
from workflows.profiles.transfer_values import VALIDITY
from workflows.transfer import DEFINITION, LETTER_FORM, ONLINE, RECEIPT, REPORT_IN, SELF_LAPSE

LETTER: dict[str, Any] = {"route": "cross_province", "dues_paid_until": "2026-02-28"}
NEW_LETTER = LETTER  # a re-issue takes the next allocated number
FIRST_NUMBER = "中共丰乐县城关镇委员会组转字〔2026〕第0001号"
SECOND_NUMBER = "中共丰乐县城关镇委员会组转字〔2026〕第0002号"
REQUEST = {"reason": "work_unit_change", "destination": "新坝镇光明村党支部"}


@pytest.fixture
def world(db_engine: DbEngine) -> World:
    return build_world(db_engine)


def refusal(excinfo: pytest.ExceptionInfo[RuleRefusal], rule: str) -> Any:
    """The one unmet rule of that name (the refusal lists every unmet rule)."""
    found = [u for u in excinfo.value.unmet if u.rule == rule]
    assert found, [u.rule for u in excinfo.value.unmet]
    return found[0]


def to_letter_issuance(world: World, **open_kwargs: Any) -> int:
    case_id = world.open("transfer", world.member, **open_kwargs)
    world.fire(case_id, "submit_request", world.member, REQUEST)
    world.fire(case_id, "approve_request", world.sender_secretary, {"opinion": "同意转出"})
    return case_id


def to_report_in(world: World, letter: dict[str, Any] | None = None, **open_kwargs: Any) -> int:
    case_id = to_letter_issuance(world, **open_kwargs)
    world.fire(case_id, "issue_letter", world.sender_committee, letter or LETTER)
    return case_id


def to_receiver_review(world: World) -> int:
    case_id = to_report_in(world)
    world.at(date(2026, 3, 9))
    world.fire(case_id, "record_report_in", world.receiver_caseworker)
    return case_id


# -- the usual path ---------------------------------------------------------------------------------


def test_an_online_transfer_asked_for_by_the_member_ends_with_the_receipt_returned(world: World) -> None:
    case_id = world.open("transfer", world.member)
    world.fire(case_id, "submit_request", world.member, REQUEST)
    assert world.state(case_id) == "BRANCH_REVIEW"
    world.fire(case_id, "approve_request", world.sender_secretary, {"opinion": "同意"})
    world.fire(case_id, "issue_letter", world.sender_committee, LETTER)
    assert world.state(case_id) == "IN_TRANSIT.AWAITING_REPORT_IN"
    data = world.data(case_id)
    assert (data["letter_number"], data["letter_valid_until"], data["dues_paid_until"]) == (
        FIRST_NUMBER,
        "2026-04-01",
        "2026-02-28",
    )
    world.at(date(2026, 3, 9))
    world.fire(case_id, "record_report_in", world.receiver_caseworker)
    world.fire(case_id, "accept_transfer", world.receiver_committee)
    assert world.state(case_id) == "AWAITING_RECEIPT"
    world.at(date(2026, 3, 20))
    result = world.fire(case_id, "return_receipt", world.receiver_committee)
    assert (result.state, result.closed) == ("COMPLETED", True)
    assert [letter["status"] for letter in world.data(case_id)["letters"]] == ["used"]
    assert world.org_of() == "receiving_branch"


def test_only_the_receiving_side_may_accept_and_the_sending_committee_issues(world: World) -> None:
    case_id = to_letter_issuance(world)
    with pytest.raises(Forbidden):
        world.fire(case_id, "issue_letter", world.receiver_committee, LETTER)
    world.fire(case_id, "issue_letter", world.sender_committee, LETTER)
    world.fire(case_id, "record_report_in", world.receiver_caseworker)
    with pytest.raises(Forbidden):
        world.fire(case_id, "accept_transfer", world.sender_committee)


def test_the_sending_side_keeps_a_custody_task_in_its_queue_until_acceptance(world: World) -> None:
    case_id = to_receiver_review(world)
    [custody] = world.open_tasks(case_id, "sending_custody")
    assert custody.queue_org_id == world.orgs["sending_branch"].id
    world.fire(case_id, "request_papers", world.receiver_committee, {"missing_papers": "党费交纳证明"})
    assert len(world.open_tasks(case_id, "sending_custody")) == 1  # still the sender's while papers go back
    world.fire(case_id, "supply_papers", world.sender_caseworker, {"papers": "已补党费交纳证明"})
    assert world.state(case_id) == "IN_TRANSIT.RECEIVER_REVIEW"
    world.fire(case_id, "accept_transfer", world.receiver_committee)
    assert world.open_tasks(case_id, "sending_custody") == []
    [receipt_task] = world.open_tasks(case_id)
    assert (receipt_task.name, receipt_task.due_date) == ("return_receipt", date(2026, 4, 9))


# -- the relation moves once, at acceptance, in that transaction -----------------------------------


def test_the_relation_moves_exactly_once_at_acceptance_and_a_following_case_keeps_its_clocks(
    world: World,
) -> None:
    world.at(date(2026, 1, 5))
    follower = world.open("follower", parties={})
    [timer] = world.timers(follower, "handle_deadline")
    world.at(date(2026, 3, 2))
    case_id = world.open("transfer", world.member)
    steps = [
        ("submit_request", world.member, REQUEST),
        ("approve_request", world.sender_secretary, {}),
        ("issue_letter", world.sender_committee, LETTER),
        ("record_report_in", world.receiver_caseworker, {}),
    ]
    for action, actor, inputs in steps:
        world.fire(case_id, action, actor, inputs)
        assert world.org_of() == "sending_branch", action  # not before acceptance
    world.at(date(2026, 3, 10))
    accepted = world.fire(case_id, "accept_transfer", world.receiver_committee)
    assert world.org_of() == "receiving_branch"
    moved = world.case(follower)
    assert moved.org_id == world.orgs["receiving_branch"].id
    assert moved.entered == {"OPEN": "2026-01-05"}  # its clock did not restart
    [still] = world.timers(follower, "handle_deadline")
    assert (still.due_date, still.status) == (timer.due_date, "pending") == (date(2026, 4, 5), "pending")
    [task] = world.open_tasks(follower)
    assert (task.queue_org_id, task.due_date) == (world.orgs["receiving_branch"].id, date(2026, 4, 5))
    [move] = world.events(follower, "move_case")
    assert move.reason == f"随组织关系转接（案件 {case_id}）"
    assert move.effective_date == world.events(case_id)[accepted.version - 1].effective_date
    world.at(date(2026, 3, 20))
    world.fire(case_id, "return_receipt", world.receiver_committee)
    assert world.org_of() == "receiving_branch" and len(world.events(follower, "move_case")) == 1


def test_acceptance_and_the_move_commit_together_or_not_at_all(world: World) -> None:
    follower = world.open("follower", parties={})
    case_id = to_receiver_review(world)
    version = world.case(case_id).version

    class Abandon(Exception):
        pass

    with pytest.raises(Abandon), world.engine.sessions.begin() as s:
        world.engine.fire_in(
            s, case_id, "accept_transfer", world.receiver_committee, {}, expected_version=version
        )
        person = s.get(Person, world.subject.id)
        assert person is not None and person.org_id == world.orgs["receiving_branch"].id  # in the transaction
        raise Abandon
    assert world.org_of() == "sending_branch"
    assert world.case(follower).org_id == world.orgs["sending_branch"].id
    assert world.state(case_id) == "IN_TRANSIT.RECEIVER_REVIEW"
    world.fire(case_id, "accept_transfer", world.receiver_committee)
    assert (world.org_of(), world.case(follower).org_id) == (
        "receiving_branch",
        world.orgs["receiving_branch"].id,
    )


# -- validity by route and the cap -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("profile", "route", "validity", "valid_until"),
    [
        ("national", "within_county", None, "2026-04-01"),  # 30 days
        ("national", "cross_province", None, "2026-04-01"),
        ("fengle", "within_county", None, "2026-03-17"),  # the county gives in-county letters 15 days
        ("fengle", "cross_province", None, "2026-04-01"),  # other routes keep the national 30
        ("national", "cross_province", 90, "2026-05-31"),  # the national cap itself
        ("fengle", "cross_province", 60, "2026-05-01"),  # the county's cap
    ],
)
def test_the_validity_comes_from_the_route_or_the_letter_up_to_the_cap(
    world: World, profile: str, route: str, validity: int | None, valid_until: str
) -> None:
    letter = {**LETTER, "route": route, **({"validity_days": validity} if validity else {})}
    case_id = to_report_in(world, letter, profile=profile)
    assert world.data(case_id)["letter_valid_until"] == valid_until


@pytest.mark.parametrize(("profile", "validity", "cap"), [("national", 91, 90), ("fengle", 61, 60)])
def test_a_validity_over_the_cap_is_refused_with_its_source(
    world: World, profile: str, validity: int, cap: int
) -> None:
    case_id = to_letter_issuance(world, profile=profile)
    with pytest.raises(RuleRefusal) as refused:
        world.fire(case_id, "issue_letter", world.sender_committee, {**LETTER, "validity_days": validity})
    unmet = refusal(refused, "validity_within_cap")
    assert unmet.citation == VALIDITY
    assert f"填写{validity}天，上限为{cap}天" in unmet.message
    assert unmet.earliest is None


def test_a_regional_profile_that_relaxes_the_validity_is_refused_when_loaded() -> None:
    for looser in (
        {"transfer_letter_validity_max_days": 120},
        {"transfer_letter_validity_days_cross_province": 120},
    ):
        profile = replace(REGIONAL, name="lax", additions=looser)
        [problem] = profile.problems()
        assert "relaxes the national value" in problem and VALIDITY in problem
        with pytest.raises(DefinitionError):
            Registry().add_profile(profile)
    assert REGIONAL.problems() == [] and NATIONAL.problems() == []


# -- reporting in, expiry and re-issue ----------------------------------------------------------------


def test_reporting_in_on_the_last_day_of_validity_holds_and_the_day_after_is_refused(world: World) -> None:
    on_time = to_report_in(world)
    late = to_report_in(world, NEW_LETTER)
    world.at(date(2026, 4, 2))
    world.fire(on_time, "record_report_in", world.receiver_caseworker, on=date(2026, 4, 1))
    with pytest.raises(RuleRefusal) as refused:
        world.fire(late, "record_report_in", world.receiver_caseworker)
    unmet = refusal(refused, "reported_within_validity")
    assert (unmet.citation, unmet.waivable) == (REPORT_IN, False)
    assert "有效期至2026-04-01，报到日为2026-04-02" in unmet.message


def test_the_member_may_report_in_online_themself_within_the_validity_but_not_after(world: World) -> None:
    on_time = to_report_in(world)
    late = to_report_in(world, NEW_LETTER)
    world.at(date(2026, 3, 20))
    world.fire(on_time, "record_report_in", world.member)
    assert world.state(on_time) == "IN_TRANSIT.RECEIVER_REVIEW"
    assert world.events(on_time)[-1].actor_user_id == world.member.user_id
    world.at(date(2026, 4, 2))
    with pytest.raises(RuleRefusal) as refused:
        world.fire(late, "record_report_in", world.member)
    assert "有效期至2026-04-01，报到日为2026-04-02" in refusal(refused, "reported_within_validity").message
    with pytest.raises(Forbidden):
        world.fire(
            late, "record_report_in", world.sender_caseworker
        )  # the sending side cannot report for them


def test_an_expired_letter_is_voided_and_re_issued_under_a_new_number(world: World) -> None:
    case_id = to_report_in(world)
    world.at(date(2026, 4, 1))
    with pytest.raises(RuleRefusal) as early:
        world.fire(case_id, "void_expired_letter", world.sender_committee, {"findings": "党员尚未报到"})
    unmet = refusal(early, "letter_has_expired")
    assert (unmet.citation, unmet.earliest) == (REPORT_IN, date(2026, 4, 2))
    world.at(date(2026, 4, 2))
    world.fire(case_id, "void_expired_letter", world.sender_committee, {"findings": "党员因病未能按期报到"})
    assert world.state(case_id) == "REISSUE"
    [task] = world.open_tasks(case_id, "reissue_letter")
    assert task.queue_org_id == world.orgs["sending_committee"].id
    world.fire(case_id, "reissue_letter", world.sender_committee, NEW_LETTER)
    letters = world.data(case_id)["letters"]
    assert [(x["number"], x["status"], x.get("reason")) for x in letters] == [
        (FIRST_NUMBER, "voided", "expired"),
        (SECOND_NUMBER, "valid", None),
    ]
    assert world.data(case_id)["letter_valid_until"] == "2026-05-02"
    world.at(date(2026, 4, 20))
    world.fire(case_id, "record_report_in", world.receiver_caseworker)
    assert world.state(case_id) == "IN_TRANSIT.RECEIVER_REVIEW"


def test_a_lost_letter_is_reported_by_the_member_voided_and_re_issued(world: World) -> None:
    case_id = to_report_in(world)
    world.at(date(2026, 3, 5))
    with pytest.raises(RuleRefusal) as future:
        world.fire(
            case_id,
            "report_letter_lost",
            world.member,
            {"lost_on": "2026-03-06", "circumstances": "乘车遗失"},
        )
    assert "遗失日期" in refusal(future, "dates_not_in_future").message
    world.fire(
        case_id, "report_letter_lost", world.member, {"lost_on": "2026-03-04", "circumstances": "乘车遗失"}
    )
    assert world.state(case_id) == "REISSUE"
    world.fire(case_id, "reissue_letter", world.sender_committee, NEW_LETTER)
    letters = world.data(case_id)["letters"]
    assert [(x["status"], x.get("reason")) for x in letters] == [("voided", "lost"), ("valid", None)]
    assert world.org_of() == "sending_branch"


def test_no_report_in_and_six_months_without_party_life_is_referred_to_disposition(world: World) -> None:
    case_id = to_report_in(world)
    facts = {"last_party_life_on": "2026-03-02", "without_justified_reason": True, "facts": "多方查找未果"}
    world.at(date(2026, 9, 1))
    with pytest.raises(RuleRefusal) as early:
        world.fire(case_id, "report_self_lapse", world.sender_secretary, facts)
    unmet = refusal(early, "six_months_without_party_life")
    assert (unmet.citation, unmet.earliest) == (SELF_LAPSE, date(2026, 9, 2))
    world.at(date(2026, 9, 2))
    with pytest.raises(RuleRefusal) as justified:
        world.fire(
            case_id, "report_self_lapse", world.sender_secretary, {**facts, "without_justified_reason": False}
        )
    assert refusal(justified, "no_justified_reason").citation == SELF_LAPSE
    world.fire(case_id, "report_self_lapse", world.sender_secretary, facts)
    assert world.state(case_id) == "REFERRED_FOR_DISPOSITION"
    [disposition] = world.cases("disposition")
    assert (disposition.subject_id, disposition.org_id) == (world.subject.id, world.orgs["sending_branch"].id)
    assert disposition.data["ground"] == "self_lapse" and disposition.data["opened_by_case"] == case_id


# -- the receiver: papers, refusal, roll-back ---------------------------------------------------------


def test_a_refusal_needs_a_reason_voids_the_letter_and_leaves_the_relation_where_it_was(world: World) -> None:
    case_id = to_receiver_review(world)
    with pytest.raises(InvalidInput) as no_reason:
        world.fire(case_id, "refuse_transfer", world.receiver_committee)
    assert "reason" in no_reason.value.errors
    result = world.fire(
        case_id, "refuse_transfer", world.receiver_committee, reason="该同志已在本镇另一支部登记"
    )
    assert (result.state, result.closed) == ("REFUSED", True)
    assert world.events(case_id, "refuse_transfer")[0].reason == "该同志已在本镇另一支部登记"
    assert world.data(case_id)["letters"][0]["status"] == "voided"
    assert world.org_of() == "sending_branch"


def test_a_roll_back_returns_the_transfer_for_correction_and_a_new_letter(world: World) -> None:
    case_id = to_receiver_review(world)
    world.fire(case_id, "roll_back", world.receiver_committee, reason="身份证号码与档案不符")
    assert world.state(case_id) == "ROLLED_BACK"
    [task] = world.open_tasks(case_id, "correct_after_roll_back")
    assert (task.queue_org_id, task.due_date) == (world.orgs["sending_branch"].id, date(2026, 3, 16))
    world.fire(case_id, "correct_after_roll_back", world.sender_caseworker, {"corrections": "更正身份证号码"})
    world.fire(case_id, "reissue_letter", world.sender_committee, NEW_LETTER)
    world.fire(case_id, "record_report_in", world.receiver_caseworker)
    world.fire(case_id, "accept_transfer", world.receiver_committee)
    assert [x["status"] for x in world.data(case_id)["letters"]] == ["voided", "used"]
    assert world.org_of() == "receiving_branch"


def test_a_roll_back_needs_both_ends_on_the_platform(world: World) -> None:
    case_id = to_report_in(world)
    world.fire(case_id, "print_paper_letter", world.sender_committee)
    with pytest.raises(RuleRefusal) as refused:
        world.fire(case_id, "roll_back", world.receiver_committee, reason="信息有误")
    assert refusal(refused, "both_ends_on_platform").citation == ONLINE


def test_the_branch_may_return_a_request_and_the_committee_may_return_it_too_with_a_reason(
    world: World,
) -> None:
    case_id = world.open("transfer")
    world.fire(case_id, "submit_request", world.sender_caseworker, REQUEST)
    with pytest.raises(InvalidInput):
        world.fire(case_id, "return_for_correction", world.sender_secretary)
    world.fire(case_id, "return_for_correction", world.sender_secretary, reason="转往组织名称不全")
    assert world.state(case_id) == "REQUESTED"
    world.fire(case_id, "submit_request", world.sender_caseworker, REQUEST)
    world.fire(case_id, "approve_request", world.sender_secretary)
    world.fire(case_id, "return_for_correction", world.sender_committee, reason="党费交纳情况待核实")
    assert world.state(case_id) == "REQUESTED"


def test_the_member_may_withdraw_and_the_issued_letter_is_voided(world: World) -> None:
    case_id = to_report_in(world)
    world.fire(case_id, "withdraw_request", world.member, reason="工作调动取消")
    assert world.state(case_id) == "CANCELLED"
    assert world.data(case_id)["letters"][0]["reason"] == "withdrawn"


# -- paper letters: one end off the platform ------------------------------------------------------------


def to_paper_out(world: World) -> int:
    case_id = to_report_in(world, parties={"outflow_side": "sending_branch", "inflow_side": "offsite_branch"})
    world.fire(case_id, "print_paper_letter", world.sender_committee)
    return case_id


RECEIPT_IN: dict[str, Any] = {
    "reported_on": "2026-03-20",
    "receipt_date": "2026-04-10",
    "receiving_org": "中共苏州工业园区娄葑街道工作委员会",
    "handler": "周敏",
}


def test_a_paper_letter_to_an_organization_off_the_platform_is_accepted_when_its_receipt_is_recorded(
    world: World,
) -> None:
    case_id = to_paper_out(world)
    with pytest.raises(RuleRefusal) as printed_twice:
        world.fire(case_id, "print_paper_letter", world.sender_committee)
    assert refusal(printed_twice, "receiver_on_platform").citation == ONLINE
    with pytest.raises(RuleRefusal) as online_step:  # nobody off the platform can; not even the system
        world.fire(case_id, "record_report_in", SYSTEM)
    assert {u.rule for u in online_step.value.unmet} == {"receiver_on_platform"}
    world.at(date(2026, 4, 14))
    assert world.org_of() == "sending_branch"
    result = world.fire(case_id, "record_paper_receipt", world.sender_caseworker, RECEIPT_IN)
    assert (result.state, result.closed) == ("COMPLETED", True)
    assert world.org_of() == "offsite_branch"


def test_the_paper_receipt_is_checked_against_the_validity_the_month_and_the_order_of_dates(
    world: World,
) -> None:
    case_id = to_paper_out(world)
    world.at(date(2026, 5, 20))
    with pytest.raises(RuleRefusal) as late_report:
        world.fire(
            case_id,
            "record_paper_receipt",
            world.sender_caseworker,
            {**RECEIPT_IN, "reported_on": "2026-04-02"},
        )
    refusal(late_report, "reported_within_validity")
    late_receipt = {**RECEIPT_IN, "receipt_date": "2026-04-21"}
    with pytest.raises(RuleRefusal) as late:
        world.fire(case_id, "record_paper_receipt", world.sender_caseworker, late_receipt)
    unmet = refusal(late, "receipt_within_one_month")
    assert (unmet.citation, unmet.waivable) == (RECEIPT, True)
    assert "期限为2026-04-20，已逾期1天" in unmet.message
    with pytest.raises(RuleRefusal) as disordered:
        world.fire(
            case_id,
            "record_paper_receipt",
            world.sender_caseworker,
            {**RECEIPT_IN, "receipt_date": "2026-03-19"},
        )
    refusal(disordered, "receipt_dates_in_order")
    world.fire(
        case_id,
        "record_paper_receipt",
        world.sender_caseworker,
        late_receipt,
        reason="接收方邮寄延误",
        waive=("receipt_within_one_month",),
    )
    assert world.events(case_id, "record_paper_receipt")[0].inputs["waived"] == ["receipt_within_one_month"]
    assert world.org_of() == "offsite_branch"


def test_a_paper_receipt_is_not_recorded_for_an_online_transfer(world: World) -> None:
    case_id = to_report_in(world)
    with pytest.raises(RuleRefusal) as refused:
        world.fire(
            case_id,
            "record_paper_receipt",
            world.sender_caseworker,
            {**RECEIPT_IN, "receipt_date": "2026-03-02", "reported_on": "2026-03-02"},
        )
    assert refusal(refused, "receiver_off_platform").citation == ONLINE


INCOMING: dict[str, Any] = {
    "letter_number": "苏园组转〔2026〕0456号",
    "issuing_org": "中共苏州工业园区娄葑街道工作委员会",
    "issued_on": "2026-02-20",
    "validity_days": 30,
    "dues_paid_until": "2026-01-31",
}


def open_incoming(world: World) -> int:
    """The receiving branch opens the case of a member who arrives with a paper letter."""
    return world.open(
        "transfer",
        world.receiver_caseworker,
        subject=world.newcomer,
        owner="offsite_branch",
        parties={"outflow_side": "offsite_branch", "inflow_side": "receiving_branch"},
    )


def test_a_paper_letter_from_off_the_platform_is_recorded_by_the_receiver_and_accepted(world: World) -> None:
    case_id = open_incoming(world)
    world.fire(case_id, "record_incoming_letter", world.receiver_caseworker, INCOMING)
    assert world.data(case_id)["letter_valid_until"] == "2026-03-22"
    world.fire(case_id, "record_report_in", world.receiver_caseworker)
    assert world.org_of(world.newcomer) == "offsite_branch"
    world.fire(case_id, "accept_transfer", world.receiver_committee)
    assert world.org_of(world.newcomer) == "receiving_branch"
    world.fire(case_id, "return_receipt", world.receiver_committee)
    assert world.state(case_id) == "COMPLETED"


def test_an_incoming_letter_is_checked_for_its_cap_and_dates(world: World) -> None:
    case_id = open_incoming(world)
    with pytest.raises(RuleRefusal) as refused:
        world.fire(
            case_id,
            "record_incoming_letter",
            world.receiver_caseworker,
            {**INCOMING, "validity_days": 120, "issued_on": "2026-03-03"},
        )
    assert {u.rule for u in refused.value.unmet} == {"validity_within_cap", "dates_not_in_future"}


def test_an_expired_letter_from_off_the_platform_goes_back_for_a_new_one(world: World) -> None:
    case_id = open_incoming(world)
    world.fire(case_id, "record_incoming_letter", world.receiver_caseworker, INCOMING)
    with pytest.raises(RuleRefusal) as too_soon:
        world.fire(case_id, "refuse_expired_letter", world.receiver_caseworker)
    assert refusal(too_soon, "letter_has_expired").earliest == date(2026, 3, 23)
    world.at(date(2026, 3, 23))
    with pytest.raises(RuleRefusal) as not_ours:  # the issuer is off the platform: nobody here may void it
        world.fire(case_id, "void_expired_letter", SYSTEM, {"findings": "已过期"})
    assert {u.rule for u in not_ours.value.unmet} == {"sender_on_platform"}
    with pytest.raises(RuleRefusal):
        world.fire(case_id, "record_report_in", world.receiver_caseworker)
    world.fire(case_id, "refuse_expired_letter", world.receiver_caseworker)
    assert world.state(case_id) == "REQUESTED"
    with pytest.raises(RuleRefusal) as online_request:
        world.fire(case_id, "submit_request", SYSTEM, REQUEST)
    assert refusal(online_request, "sender_on_platform").citation == ONLINE
    with pytest.raises(RuleRefusal) as same_number:  # the voided letter's number cannot come back
        world.fire(
            case_id,
            "record_incoming_letter",
            world.receiver_caseworker,
            {**INCOMING, "issued_on": "2026-03-23"},
        )
    unmet = refusal(same_number, "letter_number_not_used")
    assert unmet.citation == LETTER_FORM and "已使用或已作废的编号不得再用" in unmet.message
    assert "苏园组转〔2026〕0456号已用于本案" in unmet.message
    world.fire(
        case_id,
        "record_incoming_letter",
        world.receiver_caseworker,
        {**INCOMING, "letter_number": "苏园组转〔2026〕0501号", "issued_on": "2026-03-23"},
    )
    world.fire(case_id, "record_report_in", world.receiver_caseworker)
    assert world.state(case_id) == "IN_TRANSIT.RECEIVER_REVIEW"


def test_refusing_an_expired_letter_is_only_for_letters_from_off_the_platform(world: World) -> None:
    case_id = to_report_in(world)
    world.at(date(2026, 4, 2))
    with pytest.raises(RuleRefusal) as refused:
        world.fire(case_id, "refuse_expired_letter", world.receiver_caseworker)
    assert {u.rule for u in refused.value.unmet} == {"letter_from_off_platform"}


# -- time limits --------------------------------------------------------------------------------------


def test_the_receipt_overdue_at_one_month_escalates_and_a_late_receipt_needs_a_waiver(world: World) -> None:
    case_id = to_receiver_review(world)  # reported in on 2026-03-09
    world.at(date(2026, 3, 10))
    world.fire(case_id, "accept_transfer", world.receiver_committee)
    world.at(date(2026, 4, 9))
    sweep(world.engine)
    assert world.notifications("escalation") == []
    world.at(date(2026, 4, 10))
    sweep(world.engine)
    [escalated] = world.notifications("escalation")
    assert (escalated.user_id, escalated.org_id) == (
        world.receiver_committee.user_id,
        world.orgs["receiving_committee"].id,
    )
    assert escalated.title == "逾期督办：介绍信回执寄回期限"
    assert "期限 2026-04-10" in escalated.body
    world.at(date(2026, 4, 11))
    with pytest.raises(RuleRefusal) as late:
        world.fire(case_id, "return_receipt", world.receiver_committee)
    unmet = refusal(late, "receipt_within_one_month")
    assert (unmet.citation, unmet.waivable) == (RECEIPT, True)
    assert "期限为2026-04-10，已逾期1天" in unmet.message
    world.fire(
        case_id,
        "return_receipt",
        world.receiver_committee,
        reason="邮寄延误",
        waive=("receipt_within_one_month",),
    )
    assert world.state(case_id) == "COMPLETED"


def test_each_online_step_has_a_time_limit_that_escalates_above_the_one_that_owes_it(world: World) -> None:
    case_id = world.open("transfer")
    world.fire(case_id, "submit_request", world.sender_caseworker, REQUEST)  # Monday 2026-03-02
    [review] = world.open_tasks(case_id, "review_request")
    assert review.due_date == date(2026, 3, 9)  # five working days
    world.at(date(2026, 3, 9))
    sweep(world.engine)
    [escalated] = world.notifications("escalation")
    assert (escalated.user_id, escalated.title) == (
        world.sender_committee.user_id,
        "逾期督办：党支部审核转接申请",
    )
    world.fire(case_id, "approve_request", world.sender_secretary)
    [issue] = world.open_tasks(case_id, "issue_letter")
    assert (issue.queue_org_id, issue.due_date) == (world.orgs["sending_committee"].id, date(2026, 3, 16))
    world.at(date(2026, 3, 16))
    sweep(world.engine)
    assert world.notifications("escalation")[-1].user_id == world.county_department.user_id


def test_no_report_in_by_the_longest_validity_escalates_to_the_sending_committee(world: World) -> None:
    case_id = to_report_in(world)
    [timer] = world.timers(case_id, "report_in_deadline")
    assert timer.due_date == date(2026, 5, 31)
    world.at(date(2026, 5, 31))
    sweep(world.engine)
    assert [n.user_id for n in world.notifications("escalation")] == [world.sender_committee.user_id]


# -- short absences ------------------------------------------------------------------------------------


def test_a_short_absence_gets_a_membership_certificate_instead_of_a_transfer(world: World) -> None:
    refused_case, case_id = world.open("transfer"), world.open("transfer")
    for each in (refused_case, case_id):
        world.fire(each, "submit_request", world.sender_caseworker, {**REQUEST, "reason": "other"})
    with pytest.raises(RuleRefusal) as too_long:
        world.fire(
            refused_case,
            "issue_membership_certificate",
            world.sender_secretary,
            {"expected_months": 7},
        )
    assert "预计7个月" in refusal(too_long, "absence_within_certificate_limit").message
    world.fire(
        case_id,
        "issue_membership_certificate",
        world.sender_secretary,
        {"expected_months": 6},
    )
    assert world.state(case_id) == "CERTIFICATE_ISSUED" and world.org_of() == "sending_branch"
    assert world.data(case_id)["certificate_number"] == "城关镇东街社区党支部证明字〔2026〕第0001号"


def test_the_definition_is_registered_and_sound() -> None:
    import workflows

    assert DEFINITION in workflows.DEFINITIONS
    assert DEFINITION.follows_subject is False
    assert {d.kind for d in DEFINITION.documents} == {"transfer_letter", "membership_certificate"}


def test_open_cases_of_the_transfer_itself_do_not_move(world: World) -> None:
    other = world.open("transfer")
    case_id = to_receiver_review(world)
    world.fire(case_id, "accept_transfer", world.receiver_committee)
    with world.engine.sessions() as s:
        untouched = s.scalar(select(Case).where(Case.id == other))
        assert untouched is not None and untouched.org_id == world.orgs["sending_branch"].id
