"""Demo paths of the development of new members: a case stopped after every step of the usual path
(each prefix), and the other ways a case goes — a 公示 objection pending and cleared, the 上级党委
not consenting, the candidacy withdrawn, 政审 failed, 预审 refused, a 支部党员大会 vote that falls short,
admission not approved, the probation extended and then confirmed, the probation cancelled, a 转正
resolution returned, a probationer not recognized, an application withdrawn — and a two-place case
(流出地 the applicant's home branch, 流入地 the branch in Suzhou) in each of its parallel states.

Votes add up (for + against + abstain = present + written opinions) and pass or fail as 细则 第二十条
counts them; a person field takes full members of the applicant's own branch.
"""

from __future__ import annotations

from typing import Any

from api.demo_scenarios import SUBJECT_ORG, DemoPath
from workflows.development import MAIN_PATH, MATERIALS

SUBJECT_STATUS = "non_member"

# A single-place case names no second organization; a two-place path names both.
PARTIES: dict[str, str | None] = {"outflow_side": None, "inflow_side": None}
TWO_PLACES: dict[str, str | None] = {"outflow_side": SUBJECT_ORG, "inflow_side": "驻苏州流动党员党支部"}

# The half-year review and the year of cultivation before the proposal, the year of probation
# before the application for full membership, and the extension; the other steps take days or weeks.
WAIT_MONTHS = {
    "record_half_year_review": 6,
    "propose_candidate": 7,
    "apply_for_full_membership": 12,
    "approve_extension": 7,
    "hold_admission_meeting": 1,
}


def _until(action: str) -> tuple[str, ...]:
    """The usual path up to and including `action`."""
    return MAIN_PATH[: MAIN_PATH.index(action) + 1]


TO_NOTICE = _until("consent_to_candidate")
TO_MEETING = _until("issue_admission_form")
TO_PROBATION = _until("take_oath")
TO_FULL_MEMBERSHIP_MEETING = _until("examine_full_membership")

FAILED_VOTE = {
    "voters_expected": 23,
    "voters_present": 19,
    "written_opinions": 1,
    "votes_for": 10,
    "votes_against": 7,
    "votes_abstain": 3,
    "resolution": "赞成票未超过应到会有表决权党员的半数，未通过接收其为预备党员，继续培养考察。",
}
TWO_PLACE = {"submit_application": {"place": "two_place", "notes": "在苏州市吴中区务工，现居苏州。"}}
TWO_PLACE_NOTICE = (*TO_NOTICE, "start_two_place_notice")
TWO_PLACE_REVIEW = (
    *TWO_PLACE_NOTICE,
    "finish_outflow_notice",
    "finish_inflow_notice",
    "designate_candidate",
    "assign_sponsors",
    "record_training",
    "request_two_place_opinions",
)


def _two_place(*steps: str) -> DemoPath:
    return DemoPath(steps, TWO_PLACE, TWO_PLACES)


EXTRA_PATHS: list[tuple[str, ...] | DemoPath] = [
    # the parallel parts of a stage done in another order: mentors before the filing, the 政审
    # concluded before sponsors and training, the oath before the filing and the announcement
    (*_until("designate_activist"), "assign_mentors"),
    (*_until("designate_candidate"), "conclude_political_review"),
    (*_until("approve_admission"), "take_oath"),
    # 公示: an objection pending, then found unfounded and the notice finished
    (*TO_NOTICE, "start_public_notice", "record_objection"),
    (*TO_NOTICE, "start_public_notice", "record_objection", "resolve_objection", "finish_public_notice"),
    # the 上级党委 does not consent; the candidacy withdrawn during the notice
    (*_until("propose_candidate"), "refuse_candidate"),
    (*TO_NOTICE, "start_public_notice", "withdraw_candidacy"),
    # 政审 failed, 预审 refused, the meeting's vote falls short, admission not approved
    (*_until("record_training"), "fail_political_review"),
    (*_until("examine_candidate"), "refuse_pre_review"),
    (*TO_MEETING, "record_admission_not_adopted"),
    (*_until("hold_approval_talk"), "reject_admission"),
    # 转正: extended (then confirmed after the extension), cancelled, returned to the branch
    (*TO_FULL_MEMBERSHIP_MEETING, "resolve_extension"),
    (*TO_FULL_MEMBERSHIP_MEETING, "resolve_extension", "approve_extension"),
    (
        *TO_FULL_MEMBERSHIP_MEETING,
        "resolve_extension",
        "approve_extension",
        *MAIN_PATH[MAIN_PATH.index("apply_for_full_membership") :],
    ),
    (*TO_FULL_MEMBERSHIP_MEETING, "resolve_cancellation"),
    (*TO_FULL_MEMBERSHIP_MEETING, "resolve_cancellation", "cancel_probation"),
    (*_until("resolve_full_membership"), "return_resolution"),
    # not recognized after a move; the applicant withdraws
    (*TO_PROBATION, "refuse_recognition"),
    (*_until("designate_activist"), "withdraw_application"),
    # a two-place case in each of its parallel states, to the join and beyond
    _two_place(*TO_NOTICE[:2]),
    _two_place(*TWO_PLACE_NOTICE),
    _two_place(*TWO_PLACE_NOTICE, "record_inflow_objection"),
    _two_place(*TWO_PLACE_NOTICE, "record_outflow_objection"),
    _two_place(
        *TWO_PLACE_NOTICE, "record_outflow_objection", "resolve_outflow_objection", "finish_outflow_notice"
    ),
    _two_place(*TWO_PLACE_NOTICE, "finish_inflow_notice"),
    _two_place(*TWO_PLACE_REVIEW),
    _two_place(*TWO_PLACE_REVIEW, "give_residence_opinion"),
    _two_place(*TWO_PLACE_REVIEW, "give_household_opinion"),
    _two_place(*TWO_PLACE_REVIEW, "give_household_opinion", "give_residence_opinion"),
    _two_place(
        *TWO_PLACE_REVIEW,
        "give_household_opinion",
        "give_residence_opinion",
        "conclude_political_review",
        *TO_MEETING[TO_MEETING.index("examine_candidate") :],
    ),
]

VOTE: dict[str, Any] = {
    "voters_expected": 23,
    "voters_present": 20,
    "written_opinions": 2,
    "votes_for": 21,
    "votes_against": 0,
    "votes_abstain": 1,
    "one_candidate": True,
    "secret_ballot": True,
    "secretary_signed": True,
}
COMMITTEE: dict[str, Any] = {
    "committee_members": 9,
    "committee_present": 8,
    "committee_for": 8,
    "committee_against": 0,
    "committee_abstain": 0,
    "one_candidate": True,
}
INPUTS: dict[str, dict[str, Any]] = {
    "submit_application": {
        "applied_via": "work_unit",
        "place": "single",
        "notes": "本人递交入党申请书一份。",
    },
    "hold_talk": {
        "talker": "支部组织委员",
        "summary": "了解了入党动机和本人基本情况，介绍了党的基本知识，提出了努力方向。",
    },
    "designate_activist": {"nomination": "party_members", "decided_by": "branch_committee_meeting"},
    "file_activist": {"filed_with": "上级党委组织委员"},
    "record_half_year_review": {"assessment": "政治立场坚定，学习认真，能按时提交思想汇报，工作中积极肯干。"},
    "propose_candidate": {"opinions_heard": True},
    "consent_to_candidate": {"opinion": "经研究，同意列为发展对象人选，请按程序公示。"},
    "start_public_notice": {"notice_place": "村（社区）党务公开栏及单位公告栏"},
    "record_objection": {"objection": "有群众反映该同志曾拖欠村集体承包费。"},
    "resolve_objection": {
        "finding": "unfounded",
        "finding_text": "经支部委员走访核实，承包费已于2023年结清，反映问题不属实。",
    },
    "record_outflow_objection": {"objection": "有群众反映该同志在户籍地有未了结的民事纠纷。"},
    "resolve_outflow_objection": {
        "finding": "not_an_obstacle",
        "finding_text": "经核实，纠纷已经人民调解委员会调解结案，不影响列为发展对象。",
    },
    "record_inflow_objection": {"objection": "流入地有同事反映该同志曾多次无故缺勤，正在核实。"},
    "record_training": {
        "organized_by": "county_department",
        "training_days": 3,
        "training_hours": 24,
        "by_video": False,
    },
    "give_household_opinion": {
        "opinion": "该同志在户籍所在地期间拥护党的路线方针政策，无违法违纪记录，同意发展。"
    },
    "give_residence_opinion": {"opinion": "该同志在居住地遵纪守法，积极参加社区志愿服务，同意发展。"},
    "conclude_political_review": {
        "conclusion": "经函调和外调，该同志本人及直系亲属政治历史清楚，政治审查合格。"
    },
    "fail_political_review": {"conclusion": "经函调核实，本人存在严重违法记录，政治审查不合格。"},
    "examine_candidate": {"opinion": "经支委会集体审查，该同志具备发展条件，同意报上级党委预审。"},
    "pass_pre_review": {"written_reply": "经预审，同意发放《入党志愿书》。", "leaving_unit_soon": False},
    "refuse_pre_review": {"written_reply": "政审材料不完整，请补充后重新报送预审。"},
    "issue_admission_form": {"form_number": "620725-2026-0016"},
    "hold_admission_meeting": {
        **VOTE,
        "resolution": "该同志入党动机端正，培养考察期间表现突出，同意接收为中共预备党员。",
    },
    "record_admission_not_adopted": {**VOTE, **FAILED_VOTE},
    "submit_for_approval": {"materials_enclosed": True},
    "hold_approval_talk": {
        "talker": "党委组织员",
        "record": "就入党动机、对党的认识和今后努力方向进行了谈话。",
        "opinion": "该同志对党的认识正确，入党动机端正，同意提交党委审批。",
    },
    "approve_admission": COMMITTEE,
    "reject_admission": {},
    "file_admission": {"filed_with": "县委组织部"},
    "announce_admission": {"party_group": "第一党小组"},
    "take_oath": {"led_by": "支部书记"},
    "apply_for_full_membership": {"application": "本人于预备期满前提交书面转正申请。"},
    "examine_full_membership": {
        "opinions_heard": True,
        "opinion": "经听取党小组、党员和群众意见，支委会审查认为该同志具备转正条件。",
    },
    "resolve_full_membership": {**VOTE, "resolution": "同意该同志按期转为中共正式党员。"},
    "resolve_extension": {
        **VOTE,
        "resolution": "同意延长该同志预备期六个月。",
        "extension_months": 6,
        "ground": "预备期内参加组织生活不够经常，党员意识有待加强。",
    },
    "resolve_cancellation": {
        **VOTE,
        "resolution": "同意取消该同志预备党员资格。",
        "ground": "预备期内严重违反党的纪律，不具备党员条件。",
    },
    "confirm_full_membership": COMMITTEE,
    "approve_extension": COMMITTEE,
    "cancel_probation": COMMITTEE,
    "refuse_recognition": {"ground": "cannot_establish", "approval_reference": "丰组函〔2026〕8号"},
    "withdraw_application": {},
    "archive_materials": {"kept_in": "committee_file", **{name: True for name, _ in MATERIALS}},
}
