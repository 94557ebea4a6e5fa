"""The usual inputs and actors of each development step, and a walker that takes steps on the first
day their rules allow (moving the clock), so a test starts a case at the stage it is about."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from engine.errors import RuleRefusal
from engine.runtime import FireResult
from tests.workflows.conftest import World
from workflows.development import MAIN_PATH, MATERIALS

VOTE: dict[str, Any] = {
    "voters_expected": 9,
    "voters_present": 8,
    "written_opinions": 1,
    "votes_for": 8,
    "votes_against": 1,
    "votes_abstain": 0,
    "one_candidate": True,
    "secret_ballot": True,
}
RESOLUTION: dict[str, Any] = {
    **VOTE,
    "resolution": "该同志入党动机端正，表现突出，同意接收。",
    "secretary_signed": True,
}
COMMITTEE: dict[str, Any] = {
    "committee_members": 7,
    "committee_present": 6,
    "committee_for": 6,
    "committee_against": 0,
    "committee_abstain": 0,
    "one_candidate": True,
}

ACTORS: dict[str, str] = {
    "submit_application": "caseworker",
    "hold_talk": "secretary",
    "designate_activist": "secretary",
    "file_activist": "caseworker",
    "assign_mentors": "secretary",
    "record_half_year_review": "secretary",
    "propose_candidate": "secretary",
    "consent_to_candidate": "approver",
    "file_candidate_proposal": "caseworker",
    "start_public_notice": "caseworker",
    "start_two_place_notice": "caseworker",
    "finish_public_notice": "caseworker",
    "finish_outflow_notice": "caseworker",
    "finish_inflow_notice": "inflow_caseworker",
    "designate_candidate": "secretary",
    "assign_sponsors": "secretary",
    "record_training": "organizer",
    "request_two_place_opinions": "caseworker",
    "give_household_opinion": "caseworker",
    "give_residence_opinion": "inflow_caseworker",
    "conclude_political_review": "secretary",
    "examine_candidate": "secretary",
    "pass_pre_review": "approver",
    "issue_admission_form": "organizer",
    "hold_admission_meeting": "secretary",
    "submit_for_approval": "caseworker",
    "hold_approval_talk": "organizer",
    "approve_admission": "approver",
    "file_admission": "organizer",
    "announce_admission": "caseworker",
    "take_oath": "secretary",
    "apply_for_full_membership": "member",
    "examine_full_membership": "secretary",
    "resolve_full_membership": "secretary",
    "resolve_extension": "secretary",
    "resolve_cancellation": "secretary",
    "confirm_full_membership": "approver",
    "approve_extension": "approver",
    "cancel_probation": "approver",
    "archive_materials": "caseworker",
}


def inputs(world: World, action: str) -> dict[str, Any]:
    """What a caseworker usually enters for `action` (people fields name the world's members)."""
    person = {key: p.id for key, p in world.people.items()}
    table: dict[str, dict[str, Any]] = {
        "submit_application": {"applied_via": "work_unit", "place": "single"},
        "hold_talk": {"talker": "支部书记 王建国", "summary": "了解入党动机，提出要求"},
        "designate_activist": {"nomination": "party_members", "decided_by": "branch_committee_meeting"},
        "assign_mentors": {"mentor_1": person["mentor_a"], "mentor_2": person["mentor_b"]},
        "record_half_year_review": {"assessment": "学习认真，表现良好"},
        "propose_candidate": {"opinions_heard": True},
        "start_public_notice": {"notice_place": "东街村村务公开栏"},
        "assign_sponsors": {"sponsor_1": person["sponsor_a"], "sponsor_2": person["sponsor_b"]},
        "record_training": {"organized_by": "primary_committee", "training_days": 3, "training_hours": 24},
        "give_household_opinion": {"opinion": "现实表现良好，同意"},
        "give_residence_opinion": {"opinion": "在居住地遵纪守法，同意"},
        "conclude_political_review": {"conclusion": "政治审查合格"},
        "examine_candidate": {"opinion": "同意报党委预审"},
        "pass_pre_review": {"written_reply": "城关镇党委〔2026〕12号", "leaving_unit_soon": False},
        "issue_admission_form": {"form_number": "620724-2026-015"},
        "hold_admission_meeting": RESOLUTION,
        "submit_for_approval": {"materials_enclosed": True},
        "hold_approval_talk": {"talker": "组织员 刘洋", "record": "谈话记录", "opinion": "同意接收"},
        "approve_admission": COMMITTEE,
        "announce_admission": {"party_group": "第一党小组"},
        "apply_for_full_membership": {"application": "转正申请书"},
        "examine_full_membership": {"opinions_heard": True, "opinion": "同意提交支部党员大会"},
        "resolve_full_membership": RESOLUTION,
        "resolve_extension": {**RESOLUTION, "extension_months": 6, "ground": "党员意识有待加强"},
        "resolve_cancellation": {**RESOLUTION, "ground": "严重违纪"},
        "confirm_full_membership": COMMITTEE,
        "approve_extension": COMMITTEE,
        "cancel_probation": COMMITTEE,
        "archive_materials": {"kept_in": "personnel_file", **{name: True for name, _ in MATERIALS}},
    }
    return dict(table.get(action, {}))


def take(
    world: World,
    case_id: int,
    action: str,
    actor: str | None = None,
    extra: Mapping[str, Any] | None = None,
) -> FireResult:
    """Take one step with the usual inputs, on today or, if only time stands in the way, the first
    day it is allowed (the clock moves there)."""
    who = actor or ACTORS[action]
    values = {**inputs(world, action), **(extra or {})}
    try:
        return world.fire(case_id, action, who, values)
    except RuleRefusal as refusal:
        if refusal.earliest is None:
            raise
        world.at(refusal.earliest)
        return world.fire(case_id, action, who, values)


def walk(
    world: World,
    case_id: int,
    until: str | None = None,
    steps: Iterable[str] = MAIN_PATH,
    actors: Mapping[str, str] | None = None,
) -> None:
    """Take the usual steps not yet taken, stopping before `until`."""
    done = {e.action for e in world.events(case_id)}
    for action in steps:
        if action == until:
            return
        if action not in done:
            take(world, case_id, action, (actors or {}).get(action))
