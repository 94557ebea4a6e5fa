"""The runtime on the example workflow: states, parallel join, rules, roles, versions, tasks."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from engine.errors import ActionNotAvailable, Conflict, Forbidden, InvalidInput, NotFound, RuleRefusal
from engine.models import Case, Event, Person, Task
from tests.engine.conftest import World

VOTE = {"voters_expected": 9, "voters_present": 7, "written_opinions": 1, "votes_for": 5}


def _to_notice(world: World) -> int:
    case_id = world.open()
    world.engine.fire(case_id, "submit", world.caseworker, {"summary": "材料齐全"}, expected_version=1)
    world.engine.fire(case_id, "approve", world.approver, expected_version=2)
    return case_id


def _to_meeting(world: World) -> int:
    case_id = _to_notice(world)
    world.clock.set(date(2026, 3, 9))
    world.engine.fire(case_id, "finish_home_notice", world.home_caseworker, expected_version=3)
    world.engine.fire(case_id, "finish_work_notice", world.caseworker, expected_version=4)
    return case_id


def _tasks(world: World, case_id: int) -> list[Task]:
    with world.engine.sessions() as s:
        return list(s.scalars(select(Task).where(Task.case_id == case_id).order_by(Task.id)))


def test_both_notice_regions_run_in_parallel_and_the_case_moves_on_only_when_both_finish(
    world: World,
) -> None:
    case_id = _to_notice(world)
    world.clock.set(date(2026, 3, 9))
    half = world.engine.fire(case_id, "finish_home_notice", world.home_caseworker, expected_version=3)
    assert half.state == "NOTICE"
    assert sorted(half.state_detail[0] if isinstance(half.state_detail[0], list) else half.state_detail) == [
        "NOTICE.HOME.DONE",
        "NOTICE.WORK.OPEN",
    ]
    joined = world.engine.fire(case_id, "finish_work_notice", world.caseworker, expected_version=4)
    assert joined.state == "MEETING"
    assert joined.state_detail == "MEETING"


def test_a_notice_cannot_end_before_five_working_days_and_the_refusal_gives_the_earliest_date(
    world: World,
) -> None:
    case_id = _to_notice(world)  # approved on Monday 2026-03-02
    world.clock.set(date(2026, 3, 6))
    with pytest.raises(RuleRefusal) as refused:
        world.engine.fire(case_id, "finish_home_notice", world.home_caseworker, expected_version=3)
    [unmet] = refused.value.unmet
    assert unmet.rule == "notice_period_over"
    assert unmet.citation == "示例细则 第十三条"
    assert unmet.message == "公示期未满"
    assert unmet.earliest == date(2026, 3, 9)  # fifth working day after Monday 03-02


def test_a_vote_without_a_majority_of_the_expected_voters_is_refused_with_the_reason(world: World) -> None:
    case_id = _to_meeting(world)
    short = {**VOTE, "votes_for": 4, "written_opinions": 0}
    with pytest.raises(RuleRefusal) as refused:
        world.engine.fire(case_id, "hold_vote", world.secretary, short, expected_version=5)
    assert refused.value.unmet[0].rule == "vote_passed"
    assert "赞成票4票，未超过应到有表决权的党员9人的半数" in refused.value.unmet[0].message


def test_a_vote_counts_written_opinions_in_favour_but_not_for_the_quorum(world: World) -> None:
    case_id = _to_meeting(world)
    with pytest.raises(RuleRefusal) as refused:
        world.engine.fire(
            case_id, "hold_vote", world.secretary,
            {"voters_expected": 9, "voters_present": 4, "written_opinions": 4, "votes_for": 8},
            expected_version=5,
        )  # fmt: skip
    assert "未超过应到9人的半数" in refused.value.unmet[0].message
    passed = world.engine.fire(case_id, "hold_vote", world.secretary, VOTE, expected_version=5)
    assert passed.state == "APPROVED" and passed.closed


def test_an_action_derives_case_data_and_the_persons_new_status_and_dates(world: World) -> None:
    case_id = _to_meeting(world)
    world.engine.fire(case_id, "hold_vote", world.secretary, VOTE, expected_version=5)
    with world.engine.sessions() as s:
        person = s.get(Person, world.subject.id)
        case = s.get(Case, case_id)
        assert person is not None and case is not None
        assert (person.status, person.admitted_on) == ("probationary_member", date(2026, 3, 9))
        assert case.data["probation_end"] == "2027-03-08"


def test_the_one_who_submitted_cannot_approve(world: World) -> None:
    case_id = world.open()
    world.engine.fire(case_id, "submit", world.caseworker, {"summary": "x"}, expected_version=1)
    from engine.authz import Actor, Grant

    both = Actor(
        world.caseworker.user_id,
        None,
        "兼任",
        (*world.caseworker.grants, Grant("committee_approver", world.township.id, True)),
    )
    with pytest.raises(RuleRefusal) as refused:
        world.engine.fire(case_id, "approve", both, expected_version=2)
    assert refused.value.unmet[0].rule == "distinct_from_submit"
    assert "由您经办" in refused.value.unmet[0].message


def test_an_actor_outside_every_organization_of_the_case_is_told_it_does_not_exist(world: World) -> None:
    case_id = world.open()
    with pytest.raises(NotFound):
        world.engine.fire(case_id, "submit", world.outsider, {"summary": "x"}, expected_version=1)


def test_an_actor_who_sees_the_case_but_lacks_the_role_is_forbidden(world: World) -> None:
    case_id = world.open()
    with pytest.raises(Forbidden) as refused:
        world.engine.fire(case_id, "submit", world.secretary, {"summary": "x"}, expected_version=1)
    assert "没有办理“提交”的权限" in refused.value.message


def test_a_subtree_grant_above_reaches_the_case_and_a_grant_beside_it_does_not(world: World) -> None:
    case_id = world.open()
    world.engine.fire(case_id, "submit", world.caseworker, {"summary": "x"}, expected_version=1)
    with pytest.raises(NotFound):
        world.engine.fire(case_id, "approve", world.outsider, expected_version=2)
    assert world.engine.fire(case_id, "approve", world.approver, expected_version=2).state == "NOTICE"


def test_nobody_acts_on_their_own_case_but_the_member_may_use_self_service(world: World) -> None:
    case_id = world.open()
    with pytest.raises(RuleRefusal) as refused:
        world.engine.fire(case_id, "submit", world.member, {"summary": "x"}, expected_version=1)
    assert refused.value.unmet[0].rule == "not_own_case"
    world.engine.fire(case_id, "submit", world.caseworker, {"summary": "x"}, expected_version=1)
    report = world.engine.fire(
        case_id, "submit_report", world.member, {"text": "学习体会"}, expected_version=2
    )
    assert report.state == "SUBMITTED" and report.version == 3


def test_a_stale_version_is_a_conflict_and_writes_nothing(world: World) -> None:
    case_id = world.open()
    world.engine.fire(case_id, "submit", world.caseworker, {"summary": "x"}, expected_version=1)
    with pytest.raises(Conflict):
        world.engine.fire(case_id, "approve", world.approver, expected_version=1)
    with world.engine.sessions() as s:
        assert s.scalar(select(Event.seq).where(Event.case_id == case_id).order_by(Event.seq.desc())) == 2


def test_an_override_without_a_written_reason_is_refused(world: World) -> None:
    case_id = world.open()
    world.engine.fire(case_id, "submit", world.caseworker, {"summary": "x"}, expected_version=1)
    with pytest.raises(InvalidInput) as refused:
        world.engine.fire(case_id, "reject", world.approver, expected_version=2)
    assert "reason" in refused.value.errors
    done = world.engine.fire(case_id, "reject", world.approver, expected_version=2, reason="材料不实")
    assert done.state == "REJECTED"


def test_bad_input_names_every_bad_field(world: World) -> None:
    case_id = _to_meeting(world)
    with pytest.raises(InvalidInput) as refused:
        world.engine.fire(
            case_id, "hold_vote", world.secretary,
            {"voters_expected": "九", "voters_present": -1, "votes_for": 3.5, "colour": "red"},
            expected_version=5,
        )  # fmt: skip
    assert set(refused.value.errors) == {"voters_expected", "voters_present", "votes_for", "colour"}
    assert refused.value.errors["voters_expected"] == "“应到有表决权的党员”应为整数"


def test_an_act_cannot_be_dated_in_the_future_or_before_the_previous_step(world: World) -> None:
    case_id = world.open()
    with pytest.raises(InvalidInput) as future:
        world.engine.fire(
            case_id, "submit", world.caseworker, {"summary": "x"}, expected_version=1, on=date(2026, 3, 3)
        )
    assert future.value.errors == {"on": "办理日期不能晚于今天"}
    with pytest.raises(InvalidInput) as past:
        world.engine.fire(
            case_id, "submit", world.caseworker, {"summary": "x"}, expected_version=1, on=date(2026, 2, 1)
        )
    assert "不能早于上一环节" in past.value.errors["on"]


def test_an_action_from_another_state_is_not_available(world: World) -> None:
    case_id = world.open()
    with pytest.raises(ActionNotAvailable):
        world.engine.fire(case_id, "approve", world.approver, expected_version=1)


def test_states_open_their_tasks_in_the_right_queue_and_close_them_on_leaving(world: World) -> None:
    case_id = world.open()
    [prepare] = _tasks(world, case_id)
    assert (prepare.name, prepare.queue_org_id, prepare.status) == ("prepare", world.branch.id, "open")
    assert prepare.due_date == date(2026, 4, 1)
    world.engine.fire(case_id, "submit", world.caseworker, {"summary": "x"}, expected_version=1)
    prepare, approve = _tasks(world, case_id)
    assert prepare.status == "closed"
    assert (approve.name, approve.queue_org_id, approve.status) == ("approve", world.township.id, "open")
    world.engine.fire(case_id, "approve", world.approver, expected_version=2)
    publish = _tasks(world, case_id)[-1]
    assert (publish.name, publish.queue_org_id, publish.due_date) == (
        "publish_home",
        world.home_branch.id,
        date(2026, 3, 9),
    )


def test_each_event_records_the_rule_set_in_force_on_the_day_of_the_step(world: World) -> None:
    case_id = world.open()
    world.clock.set(date(2026, 5, 11))
    world.engine.fire(
        case_id, "submit", world.caseworker, {"summary": "x"}, expected_version=1, on=date(2026, 5, 10)
    )
    world.engine.fire(case_id, "approve", world.approver, expected_version=2)
    with world.engine.sessions() as s:
        labels = list(
            s.scalars(select(Event.policy_version).where(Event.case_id == case_id).order_by(Event.seq))
        )
    assert labels == ["national@1/示例细则(2014)", "national@1/示例细则(2014)", "national@1/示例细则(2026)"]


def test_options_list_blocked_actions_with_every_reason_and_the_earliest_date(world: World) -> None:
    case_id = _to_notice(world)
    options = {o.action.name: o for o in world.engine.options(case_id, world.home_caseworker)}
    home = options["finish_home_notice"]
    assert home.permitted and not home.allowed
    assert home.unmet[0].earliest == date(2026, 3, 9)
    assert not options["finish_work_notice"].permitted


def test_the_forecast_gives_the_earliest_date_of_each_remaining_step(world: World) -> None:
    case_id = world.open()
    steps = world.engine.forecast(case_id)
    assert [(s.action, s.earliest) for s in steps] == [
        ("submit", date(2026, 3, 2)),
        ("approve", date(2026, 3, 2)),
        ("finish_home_notice", date(2026, 3, 9)),
        ("finish_work_notice", date(2026, 3, 9)),
        ("hold_vote", date(2026, 3, 9)),
    ]
    assert not any(s.provisional for s in steps)
