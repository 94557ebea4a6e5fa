"""发展党员 as a whole: the usual path walked with a moved clock, the rule sets by effective date, the
two-place case run by two organizations, the forecast, the definition's validation and the profiles.

Each rule row of REGULATIONS.md §1, held and refused, is in `test_development_rules.py`.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from engine.errors import ActionNotAvailable, DefinitionError, Forbidden
from engine.machine import leaves
from engine.policy import PolicyProfile
from engine.registry import Registry, to_json, to_mermaid, validate
from engine.timers import sweep
from tests.workflows.conftest import World
from tests.workflows.development_steps import ACTORS, inputs, take, walk
from workflows import DEFINITIONS, PROFILES
from workflows.development import DEFINITION, MAIN_PATH
from workflows.profiles.gansu_example import GANSU_EXAMPLE
from workflows.profiles.national import NATIONAL, SETTINGS

TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "documents"  # as api.bootstrap reads them
RULES_2014 = "national@1/细则(2014)+条例(2019)"
RULES_2026 = "national@1/细则(2026)+条例(2019)"

# -- the usual path --------------------------------------------------------------------------------

# (day, action, the top-level state after it, the person's status after it)
USUAL_PATH = (
    (date(2025, 3, 3), "submit_application", "TALK", "applicant"),
    (date(2025, 3, 20), "hold_talk", "APPLIED", "applicant"),
    (date(2025, 4, 8), "designate_activist", "ACTIVIST", "activist"),
    (date(2025, 4, 10), "file_activist", "ACTIVIST", "activist"),
    (date(2025, 4, 10), "assign_mentors", "ACTIVIST", "activist"),
    (date(2025, 10, 9), "record_half_year_review", "ACTIVIST", "activist"),
    (date(2026, 4, 8), "record_half_year_review", "ACTIVIST", "activist"),
    (date(2026, 5, 12), "propose_candidate", "CANDIDATE_PROPOSED", "activist"),
    (date(2026, 5, 14), "consent_to_candidate", "NOTICE_PENDING", "activist"),
    (date(2026, 5, 15), "start_public_notice", "PUBLIC_NOTICE", "activist"),
    (date(2026, 5, 22), "finish_public_notice", "NOTICE_ENDED", "activist"),
    (date(2026, 5, 22), "designate_candidate", "CANDIDATE", "candidate"),
    (date(2026, 5, 25), "assign_sponsors", "CANDIDATE", "candidate"),
    (date(2026, 6, 5), "record_training", "CANDIDATE", "candidate"),
    (date(2026, 6, 8), "conclude_political_review", "EXAMINATION", "candidate"),
    (date(2026, 6, 10), "examine_candidate", "PRE_REVIEW", "candidate"),
    (date(2026, 6, 15), "pass_pre_review", "ADMISSION_FORM", "candidate"),
    (date(2026, 6, 16), "issue_admission_form", "GENERAL_MEETING", "candidate"),
    (date(2026, 7, 1), "hold_admission_meeting", "ADMISSION_SUBMISSION", "candidate"),
    (date(2026, 7, 2), "submit_for_approval", "APPROVAL", "candidate"),
    (date(2026, 7, 10), "hold_approval_talk", "APPROVAL", "candidate"),
    (date(2026, 7, 20), "approve_admission", "ADMITTED", "probationary_member"),
    (date(2026, 7, 24), "file_admission", "ADMITTED", "probationary_member"),
    (date(2026, 7, 24), "announce_admission", "ADMITTED", "probationary_member"),
    (date(2026, 8, 1), "take_oath", "PROBATION", "probationary_member"),
    (date(2027, 6, 1), "apply_for_full_membership", "FULL_MEMBERSHIP_REVIEW", "probationary_member"),
    (date(2027, 6, 20), "examine_full_membership", "FULL_MEMBERSHIP_MEETING", "probationary_member"),
    (date(2027, 7, 1), "resolve_full_membership", "FULL_MEMBERSHIP_APPROVAL", "probationary_member"),
    (date(2027, 7, 10), "confirm_full_membership", "ARCHIVING", "full_member"),
    (date(2027, 7, 15), "archive_materials", "ARCHIVED", "full_member"),
)


def test_the_usual_path_runs_from_the_application_to_the_archive_with_the_person_following_it(
    world: World,
) -> None:
    world.at(USUAL_PATH[0][0])
    case_id = world.open()
    for day, action, state, status in USUAL_PATH:
        world.at(day)
        sweep(world.engine)
        result = world.fire(case_id, action, ACTORS[action], inputs(world, action))
        assert (result.state, world.person().status) == (state, status), action
    assert world.case(case_id).closed
    person = world.person()
    assert (person.admitted_on, person.full_member_since) == (date(2026, 7, 1), date(2027, 7, 1))
    data = world.data(case_id)
    assert (data["probation_start"], data["probation_end"], data["party_standing_since"]) == (
        "2026-07-01",
        "2027-06-30",
        "2027-07-01",
    )
    assert world.notifications("escalation") == []  # every step was on time
    assert world.open_tasks(case_id) == []


def test_every_step_records_the_rule_set_of_its_day_and_a_case_straddling_2026_05_11_shows_both(
    world: World,
) -> None:
    world.at(USUAL_PATH[0][0])
    case_id = world.open()
    for day, action, _, _ in USUAL_PATH[:9]:
        world.at(day)
        world.fire(case_id, action, ACTORS[action], inputs(world, action))
    labels = {e.action: e.policy_version for e in world.events(case_id)}
    assert labels["designate_activist"] == RULES_2014
    assert labels["propose_candidate"] == RULES_2026
    assert {e.policy_version for e in world.events(case_id)} == {RULES_2014, RULES_2026}


def test_a_step_on_2026_05_10_and_one_on_2026_05_11_are_judged_by_different_rule_sets(world: World) -> None:
    """细则(2014): the 发展对象 is filed with the 上级党委; 细则(2026): it needs consent and a 公示."""
    world.at(date(2025, 3, 3))
    earlier, later = world.open(), world.open("mobile_worker")
    for case_id in (earlier, later):
        world.at(date(2025, 3, 3))
        walk(world, case_id, until="consent_to_candidate")
    world.at(date(2026, 5, 10))
    filed = world.fire(earlier, "file_candidate_proposal", "caseworker")
    listed = world.fire(earlier, "designate_candidate", "secretary")
    assert (filed.state, listed.state) == ("NOTICE_PENDING", "CANDIDATE")
    world.at(date(2026, 5, 11))
    refusal = world.refused(later, "file_candidate_proposal", "caseworker")
    [unmet] = refusal.unmet
    assert (unmet.rule, unmet.citation) == (
        "consent_not_required",
        "细则(2026) 第十三条；细则(2014) 第十三条",
    )
    assert [e.policy_version for e in world.events(earlier)][-2:] == [RULES_2014, RULES_2014]


def test_a_proposal_filed_under_2014_cannot_be_listed_under_2026_without_consent_and_a_notice(
    world: World,
) -> None:
    world.at(date(2025, 3, 3))
    case_id = world.open()
    walk(world, case_id, until="consent_to_candidate")
    world.at(date(2026, 5, 10))
    world.fire(case_id, "file_candidate_proposal", "caseworker")
    world.at(date(2026, 5, 11))
    refusal = world.refused(case_id, "designate_candidate", "secretary")
    assert {u.rule: u.message for u in refusal.unmet} == {
        "committee_consent_given": "确定发展对象须经上级党委同意（上级党委尚未同意）",
        "public_notice_completed": "发展对象须经公示，公示没有影响发展的问题方可列为发展对象（须公示不少于5个工作日）",
    }
    world.fire(case_id, "consent_to_candidate", "approver")
    world.fire(case_id, "start_public_notice", "caseworker", inputs(world, "start_public_notice"))
    world.at(date(2026, 5, 18))
    world.fire(case_id, "finish_public_notice", "caseworker")
    assert world.fire(case_id, "designate_candidate", "secretary").state == "CANDIDATE"
    labels = [(e.action, e.policy_version) for e in world.events(case_id)][-5:]
    assert labels[0] == ("file_candidate_proposal", RULES_2014)
    assert all(label == RULES_2026 for _, label in labels[1:])


# -- a two-place case ------------------------------------------------------------------------------

TWO_PLACES = {"outflow_side": "branch", "inflow_side": "inflow_branch"}


def _two_place_case(world: World) -> int:
    world.at(date(2025, 3, 3))
    case_id = world.open("mobile_worker", parties=TWO_PLACES)
    take(world, case_id, "submit_application", extra={"place": "two_place"})
    walk(world, case_id, until="start_public_notice")
    return case_id


def _queues(world: World, case_id: int) -> dict[str, str]:
    return {t.name: world.org_key(t.queue_org_id) for t in world.open_tasks(case_id)}


def test_a_two_place_case_runs_both_sides_in_parallel_and_joins_only_when_both_have_finished(
    world: World,
) -> None:
    case_id = _two_place_case(world)
    world.at(date(2026, 9, 29))
    world.fire(case_id, "start_two_place_notice", "caseworker")
    assert _queues(world, case_id) == {
        "finish_outflow_notice": "branch",
        "finish_inflow_notice": "inflow_branch",
    }
    assert {t.due_date for t in world.open_tasks(case_id)} == {date(2026, 10, 12)}
    world.at(date(2026, 10, 12))
    with pytest.raises(Forbidden):
        world.fire(case_id, "finish_outflow_notice", "inflow_caseworker")
    world.fire(case_id, "finish_outflow_notice", "caseworker")
    assert sorted(leaves(world.state(case_id))) == [
        "TWO_PLACE_NOTICE.INFLOW.POSTED",
        "TWO_PLACE_NOTICE.OUTFLOW.ENDED",
    ]
    with pytest.raises(ActionNotAvailable):
        world.fire(case_id, "designate_candidate", "secretary")
    assert world.fire(case_id, "finish_inflow_notice", "inflow_caseworker").state == "NOTICE_ENDED"
    world.fire(case_id, "designate_candidate", "secretary")

    # 政审: each side gives its opinion in its own queue; the conclusion waits for both
    world.fire(case_id, "request_two_place_opinions", "caseworker")
    assert {k: v for k, v in _queues(world, case_id).items() if k.startswith("give_")} == {
        "give_household_opinion": "branch",
        "give_residence_opinion": "inflow_branch",
    }
    world.fire(
        case_id, "give_residence_opinion", "inflow_caseworker", inputs(world, "give_residence_opinion")
    )
    with pytest.raises(ActionNotAvailable):
        world.fire(
            case_id, "conclude_political_review", "secretary", inputs(world, "conclude_political_review")
        )
    world.fire(case_id, "give_household_opinion", "caseworker", inputs(world, "give_household_opinion"))
    assert "CANDIDATE.POLITICAL_REVIEW.CONCLUSION" in leaves(world.state(case_id))
    take(world, case_id, "conclude_political_review")
    take(world, case_id, "assign_sponsors")
    assert take(world, case_id, "record_training").state == "EXAMINATION"
    rest = MAIN_PATH[MAIN_PATH.index("examine_candidate") :]
    walk(world, case_id, steps=rest, actors={"apply_for_full_membership": "caseworker"})
    assert world.top(case_id) == "ARCHIVED" and world.person("mobile_worker").status == "full_member"


def test_a_two_place_review_whose_opinions_come_in_last_still_waits_for_its_written_conclusion(
    world: World,
) -> None:
    """Sponsors and training done first, the household opinion before the residence one: the 政审
    region must not end with the opinions (细则 第十六条: the review ends in a written conclusion)."""
    case_id = _two_place_case(world)
    world.at(date(2026, 9, 29))
    world.fire(case_id, "start_two_place_notice", "caseworker")
    world.at(date(2026, 10, 12))
    world.fire(case_id, "finish_outflow_notice", "caseworker")
    world.fire(case_id, "finish_inflow_notice", "inflow_caseworker")
    world.fire(case_id, "designate_candidate", "secretary")
    take(world, case_id, "assign_sponsors")
    take(world, case_id, "record_training")
    world.fire(case_id, "request_two_place_opinions", "caseworker")
    world.fire(case_id, "give_household_opinion", "caseworker", inputs(world, "give_household_opinion"))
    world.fire(
        case_id, "give_residence_opinion", "inflow_caseworker", inputs(world, "give_residence_opinion")
    )
    assert "CANDIDATE.POLITICAL_REVIEW.CONCLUSION" in leaves(world.state(case_id))
    assert take(world, case_id, "conclude_political_review").state == "EXAMINATION"


@pytest.mark.parametrize(("side", "caseworker", "secretary"), [
    ("outflow", "caseworker", "secretary"),
    ("inflow", "inflow_caseworker", "inflow_secretary"),
])  # fmt: skip
def test_an_objection_on_either_side_blocks_the_two_place_notice_until_it_is_resolved(
    world: World, side: str, caseworker: str, secretary: str
) -> None:
    case_id = _two_place_case(world)
    world.at(date(2026, 9, 29))
    world.fire(case_id, "start_two_place_notice", "caseworker")
    world.fire(
        case_id, f"record_{side}_objection", caseworker, {"objection": "群众反映其在外务工期间存在违法行为"}
    )
    world.at(date(2026, 10, 12))
    other = "inflow" if side == "outflow" else "outflow"
    world.fire(case_id, f"finish_{other}_notice", ACTORS[f"finish_{other}_notice"])
    assert world.top(case_id) == "TWO_PLACE_NOTICE"  # one side done, the other blocked
    with pytest.raises(ActionNotAvailable):
        world.fire(case_id, f"finish_{side}_notice", caseworker)
    refusal = world.refused(
        case_id, f"resolve_{side}_objection", secretary, {"finding": "founded", "finding_text": "经核实属实"}
    )
    assert refusal.unmet[0].rule == "objection_cleared" and refusal.unmet[0].citation == "细则(2026) 第十三条"
    world.fire(
        case_id,
        f"resolve_{side}_objection",
        secretary,
        {"finding": "unfounded", "finding_text": "经核实不属实"},
    )
    assert world.fire(case_id, f"finish_{side}_notice", caseworker).state == "NOTICE_ENDED"


def test_an_objection_found_true_ends_the_candidacy_and_cultivation_goes_on(world: World) -> None:
    case_id = _two_place_case(world)
    world.at(date(2026, 9, 29))
    world.fire(case_id, "start_two_place_notice", "caseworker")
    world.fire(case_id, "record_inflow_objection", "inflow_caseworker", {"objection": "反映其有违法行为"})
    result = world.fire(case_id, "withdraw_candidacy", "secretary", reason="经核实属实，继续培养考察")
    assert (result.state, result.state_detail) == ("ACTIVIST", "ACTIVIST.CULTIVATION")
    assert world.open_tasks(case_id, "finish_outflow_notice") == []


def test_a_single_place_case_cannot_take_the_two_place_steps_and_a_two_place_case_not_the_single_ones(
    world: World,
) -> None:
    world.at(date(2025, 3, 3))
    single = world.open()
    walk(world, single, until="start_public_notice")
    refusal = world.refused(single, "start_two_place_notice", "caseworker")
    assert refusal.unmet[0].rule == "two_place_notice_for_mobile_only"
    two_place = _two_place_case(world)
    refusal = world.refused(
        two_place, "start_public_notice", "caseworker", inputs(world, "start_public_notice")
    )
    assert (refusal.unmet[0].rule, refusal.unmet[0].message) == (
        "notice_in_one_place_only_if_not_mobile",
        "流动人员应在流出地和流入地同时公示",
    )


# -- people imported part-way -----------------------------------------------------------------------


def _imported(world: World, subject: str, state: str, since: date, data: dict[str, object]) -> int:
    """Opened as `api/importing` does for a person already in the process: the state, the day it was
    entered, and the earlier acts' days in the data."""
    with world.engine.sessions.begin() as s:
        return world.engine.open_case_in(
            s, workflow="development", subject_id=world.people[subject].id, org_id=world.orgs["branch"].id,
            actor=world.caseworker, data=data, on=world.today(), start_state=state, entered_on={state: since},
        ).case_id  # fmt: skip


def test_an_imported_activist_is_a_candidate_a_year_after_the_recorded_designation(world: World) -> None:
    world.at(date(2026, 3, 2))
    acts = {"submit_application": {"on": "2025-01-10"}, "designate_activist": {"on": "2025-04-01"}}
    case_id = _imported(world, "applicant", "ACTIVIST", date(2025, 4, 1), acts)
    take(world, case_id, "file_activist")
    take(world, case_id, "assign_mentors")
    world.at(date(2026, 3, 31))
    refusal = world.refused(case_id, "propose_candidate", "secretary", inputs(world, "propose_candidate"))
    assert [(u.rule, u.earliest) for u in refusal.unmet] == [("one_year_of_cultivation", date(2026, 4, 1))]
    world.at(date(2026, 4, 1))
    assert take(world, case_id, "propose_candidate").state == "CANDIDATE_PROPOSED"


def test_an_imported_probationer_keeps_the_probation_of_the_row(world: World) -> None:
    world.at(date(2026, 3, 2))
    data = {
        "hold_admission_meeting": {"on": "2025-05-20"},
        "probation_start": "2025-05-20",
        "probation_end": "2026-05-19",
    }
    case_id = _imported(world, "applicant", "PROBATION", date(2025, 5, 20), data)
    [task] = world.open_tasks(case_id)
    assert (task.name, task.due_date) == ("apply_for_full_membership", date(2026, 5, 19))
    take(world, case_id, "apply_for_full_membership")
    take(world, case_id, "examine_full_membership")
    world.at(date(2026, 5, 19))
    refusal = world.refused(
        case_id, "resolve_full_membership", "secretary", inputs(world, "resolve_full_membership")
    )
    assert refusal.earliest == date(2026, 5, 20)
    world.at(date(2026, 5, 20))
    take(world, case_id, "resolve_full_membership")
    take(world, case_id, "confirm_full_membership")
    assert world.person().full_member_since == date(2026, 5, 20)


# -- the forecast ----------------------------------------------------------------------------------


def test_the_forecast_for_a_new_applicant_lists_the_earliest_date_of_every_remaining_step(
    world: World,
) -> None:
    world.at(date(2026, 3, 2))
    case_id = world.open()
    steps = world.forecast(case_id)
    assert [s.action for s in steps] == list(MAIN_PATH)
    earliest = {s.action: s.earliest for s in steps}
    assert {name: earliest[name] for name in ("submit_application", "hold_talk", "designate_activist")} == {
        "submit_application": date(2026, 3, 2),
        "hold_talk": date(2026, 3, 2),
        "designate_activist": date(2026, 3, 2),
    }
    assert earliest["record_half_year_review"] == date(2026, 9, 2)  # the first half year
    assert earliest["propose_candidate"] == date(2027, 3, 2)  # one year of cultivation
    assert earliest["finish_public_notice"] == date(2027, 3, 9)  # five working days, weekends only in 2027
    assert earliest["hold_admission_meeting"] == date(2027, 3, 9)
    assert earliest["resolve_full_membership"] == date(2028, 3, 9)  # the day after the probation ends
    assert earliest["archive_materials"] == date(2028, 3, 9)
    assert [s.earliest for s in steps] == sorted(s.earliest for s in steps)
    provisional = {s.action for s in steps if s.provisional}
    assert (
        "designate_activist" not in provisional and "finish_public_notice" in provisional
    )  # 2027 unpublished


def test_the_forecast_follows_the_regional_profile_and_what_is_already_done(world: World) -> None:
    world.at(date(2026, 3, 2))
    case_id = world.open(profile="gansu-example")
    take(world, case_id, "submit_application")
    steps = {s.action: s.earliest for s in world.forecast(case_id)}
    assert "submit_application" not in steps
    assert steps["designate_activist"] == date(2026, 9, 2)  # six months after the application [LOCAL]
    assert steps["propose_candidate"] == date(2027, 9, 2)
    assert steps["finish_public_notice"] == date(2027, 9, 13)  # seven working days (weekends only)


# -- the definition and the profiles ---------------------------------------------------------------


def test_the_definition_passes_the_check_with_the_templates() -> None:
    registry = Registry(templates_root=TEMPLATES)
    registry.add(DEFINITION)
    registry.add_profile(NATIONAL)
    registry.add_profile(GANSU_EXAMPLE)
    assert validate(DEFINITION, TEMPLATES) == []
    assert (DEFINITION.name, DEFINITION.version) == ("development", "1")
    assert DEFINITION.description.startswith("发展党员")
    assert to_json(DEFINITION)["main_path"] == list(MAIN_PATH)
    assert "TWO_PLACE_NOTICE__INFLOW__OBJECTION" in to_mermaid(DEFINITION)


def test_the_definition_and_the_regional_example_are_registered() -> None:
    assert DEFINITION in DEFINITIONS and NATIONAL in PROFILES and GANSU_EXAMPLE in PROFILES


def test_every_rule_cites_an_article_and_every_time_rule_says_when_it_will_hold() -> None:
    rules = {r.name: r for a in DEFINITION.actions for r in a.rules}
    assert all(r.citation and r.message for r in rules.values())
    assert all(any(text in r.citation for text in ("细则", "党章", "处置办法")) for r in rules.values())
    assert {n for n, r in rules.items() if r.time_bound} == {
        "applicant_is_adult",
        "not_recently_removed",
        "activist_after_local_wait",
        "half_year_review_due",
        "one_year_of_cultivation",
        "notice_period_over",
        "probation_has_expired",
    }


def test_the_national_profile_has_the_2014_and_2026_rule_sets_differing_where_the_texts_differ() -> None:
    assert NATIONAL.problems() == []
    old, new = NATIONAL.values_on(date(2026, 5, 10)), NATIONAL.values_on(date(2026, 5, 11))
    assert {k for k in new if old[k] != new[k]} == {
        "candidate_needs_committee_consent",
        "candidate_notice_working_days",
        "oath_deadline_applies",
    }
    assert (old["candidate_notice_working_days"], new["candidate_notice_working_days"]) == (0, 5)
    assert NATIONAL.ruleset_on(date(2014, 6, 10)).name == "细则(2014)"
    assert NATIONAL.label_on(date(2026, 5, 11)) == RULES_2026
    keys = {s.key for s in SETTINGS}
    assert {"talk_within_months", "training_min_days", "training_min_hours", "probation_years"} <= keys


def test_a_stricter_regional_profile_loads_and_one_that_relaxes_a_national_value_is_refused() -> None:
    registry = Registry()
    registry.add_profile(GANSU_EXAMPLE)
    assert GANSU_EXAMPLE.values_on(date(2026, 6, 1))["candidate_notice_working_days"] == 7
    relaxed = PolicyProfile(
        "relaxed-example",
        "1",
        "放宽公示期（不允许）",
        SETTINGS,
        NATIONAL.rulesets,
        {"candidate_notice_working_days": 3, "approval_max_months": 9, "training_min_hours": 12},
    )
    with pytest.raises(DefinitionError) as refused:
        registry.add_profile(relaxed)
    problems = refused.value.problems
    assert {p.split("=")[0].removeprefix("relaxed-example: ") for p in problems} == {
        "candidate_notice_working_days",
        "approval_max_months",
        "training_min_hours",
    }
    assert (
        "relaxed-example: candidate_notice_working_days=3 relaxes the national value 5 of 细则(2026)+条例(2019)"
        in (" ".join(problems))
    )
