"""Demo paths of the disposition of unqualified members: a case stopped in every state — corrected in
time, no change → 劝退 accepted, 劝退 refused → 除名, 自行脱党 → 除名, an appeal pending, upheld and
granted, 退党 at the member's own request, and cases ended or not approved.

The usual path (every prefix) is the 限期改正 corrected in time. `propose_removal` carries the ground
自行脱党, so every removal proposed from the start is one.
"""

from __future__ import annotations

from typing import Any

TO_MEETING = ("acknowledge_advance_filing", "complete_investigation", "record_talk", "pass_pre_review")
HEARD = ("notify_member", "record_defense")
CORRECTION = (
    "propose_correction_period",
    *TO_MEETING,
    *HEARD,
    "decide_correction_period",
    "serve_notice",
    "begin_correction",
)
ADVICE = (
    "propose_advised_withdrawal",
    *TO_MEETING,
    *HEARD,
    "decide_advised_withdrawal",
    "approve_advised_withdrawal",
    "serve_notice",
)
SELF_LAPSE = ("propose_removal", *TO_MEETING, *HEARD, "decide_removal", "approve_removal", "serve_notice")
REMOVAL_AFTER_REFUSAL = (*HEARD, "decide_removal", "approve_removal", "serve_notice", "remove_member")

EXTRA_PATHS: list[tuple[str, ...]] = [
    # 限期改正 without change → 劝退
    (*CORRECTION, "find_no_change"),
    (*CORRECTION, "find_no_change", "record_talk", "pass_pre_review", *HEARD, "decide_advised_withdrawal"),
    # 劝退 accepted
    ADVICE[:-2],
    ADVICE[:-1],
    ADVICE,
    (*ADVICE, "accept_advice"),
    (*ADVICE, "accept_advice", "file_papers"),
    # 劝退 refused → 除名
    (*ADVICE, "refuse_advice"),
    (*ADVICE, "refuse_advice", *REMOVAL_AFTER_REFUSAL),
    (*ADVICE, "refuse_advice", *REMOVAL_AFTER_REFUSAL, "file_papers"),
    # 自行脱党 → 除名
    SELF_LAPSE[:-2],
    SELF_LAPSE,
    (*SELF_LAPSE, "remove_member"),
    (*SELF_LAPSE, "remove_member", "file_papers"),
    # appeals: pending, forwarded, granted; upheld during a 限期改正, which then resumes
    (*SELF_LAPSE, "lodge_appeal"),
    (*SELF_LAPSE, "lodge_appeal", "forward_appeal"),
    (*SELF_LAPSE, "lodge_appeal", "forward_appeal", "overturn_on_appeal"),
    (*CORRECTION, "lodge_appeal", "forward_appeal", "uphold_on_appeal"),
    (*CORRECTION, "lodge_appeal", "forward_appeal", "uphold_on_appeal", "begin_correction"),
    # 退党 at the member's own request
    ("record_withdrawal_request",),
    ("record_withdrawal_request", "announce_removal"),
    ("record_withdrawal_request", "announce_removal", "acknowledge_withdrawal_filing"),
    # ended, returned, not approved
    ("propose_advised_withdrawal", "acknowledge_advance_filing", "end_disposition"),
    ("propose_correction_period", *TO_MEETING[:3], "return_for_investigation"),
    (*SELF_LAPSE[:-2], "refuse_approval"),
]

VOTE = {
    "voters_expected": 21,
    "voters_present": 18,
    "written_opinions": 1,
    "votes_for": 16,
    "secret_ballot": True,
    "considered_individually": True,
}
INPUTS: dict[str, dict[str, Any]] = {
    "propose_correction_period": {
        "ground": "unqualified_rating",
        "facts": "年度民主评议被评定为不合格：全年六次无故不参加组织生活，拒不完成支部分配的工作。",
    },
    "propose_advised_withdrawal": {
        "ground": "unqualified_conduct",
        "facts": "理想信念动摇，经多次教育仍拒不参加组织生活，在群众中造成不良影响。",
    },
    "propose_removal": {
        "ground": "self_lapse",
        "facts": "自2025年3月起连续六个月以上不参加党的组织生活、不交纳党费，经查无正当理由。",
    },
    "acknowledge_advance_filing": {"opinion": "已备案，请按程序调查核实。"},
    "complete_investigation": {
        "findings": "经走访本人、所在村民小组和党小组，情况属实。",
        "already_disciplined": False,
    },
    "record_talk": {
        "attendance": "attended",
        "facts_stated": "说明了核实的事实、拟采取的处置措施及依据。",
        "member_view": "本人对事实无异议，表示愿意改正。",
    },
    "pass_pre_review": {
        "opinion": "事实清楚，程序规范，同意提交支部党员大会讨论。",
        "department_opinion": "县委组织部书面意见（丰组函〔2025〕12号）：同意。",
    },
    "notify_member": {"means": "written"},
    "record_defense": {"defense": "defended_in_person", "statement": "本人到会说明情况，表示接受组织教育。"},
    "decide_correction_period": {
        **VOTE,
        "resolution": "给予限期改正六个月。",
        "correction_months": 6,
        "requirements": "按时参加组织生活，按月交纳党费，每季度向支部书面汇报思想。",
        "help_measures": "指定一名党员结对帮扶，每月谈心一次。",
    },
    "decide_advised_withdrawal": {**VOTE, "resolution": "经教育仍无转变，劝其退党。"},
    "decide_removal": {**VOTE, "resolution": "予以除名。"},
    "approve_advised_withdrawal": {"approval_number": "城党发〔2025〕31号", "opinion": "同意。"},
    "approve_removal": {"approval_number": "城党发〔2025〕32号", "opinion": "同意。"},
    "serve_notice": {"appeal_right_stated": True, "acknowledgement": "signed"},
    "accept_advice": {"statement": "本人书面表示接受组织劝退，申请退党。"},
    "refuse_advice": {"answer": "refused"},
    "lodge_appeal": {"grounds": "认为事实认定有误，本人外出务工期间曾向流入地党组织交纳党费。"},
    "forward_appeal": {"forwarded_to": "上级党委"},
    "uphold_on_appeal": {"answered_by": "上级党委", "answer": "经复查，原决定事实清楚，维持原决定。"},
    "overturn_on_appeal": {
        "answered_by": "上级党委",
        "answer": "经复查，本人在流入地按期交纳党费，撤销除名决定。",
    },
    "conclude_correction": {"assessment": "期间按时参加组织生活、交纳党费，群众反映良好，恢复正常。"},
    "find_no_change": {"assessment": "期满仍不参加组织生活，无明显转变。"},
    "record_withdrawal_request": {
        "request": "本人书面提出退党要求。",
        "talk_summary": "支部书记谈话，本人坚持退党。",
    },
    "announce_removal": {"discussion": "支部党员大会讨论，同意其退党，宣布除名。"},
    "acknowledge_withdrawal_filing": {"archive": "党员档案"},
    "file_papers": {"archive": "党员档案"},
    "end_disposition": {"outcome": "facts_not_established"},
}

SUBJECT_STATUS = "full_member"
