"""Demo transfers in every state: online, paper either way, refused, rolled back, expired and lost
letters re-issued under new numbers, a membership certificate, and a referral for self-lapse."""

from __future__ import annotations

MAIN = ("submit_request", "approve_request", "issue_letter")
REPORTED = (*MAIN, "record_report_in")

EXTRA_PATHS: list[tuple[str, ...]] = [
    ("submit_request", "return_for_correction"),  # 退回修改 → back with the requester
    ("submit_request", "approve_request", "return_for_correction"),  # returned by the committee
    ("submit_request", "issue_membership_certificate"),  # short absence: 党员证明信
    ("submit_request", "withdraw_request"),  # cancelled by the member
    (*REPORTED, "request_papers"),  # the receiver asks for missing papers
    (*REPORTED, "request_papers", "supply_papers", "accept_transfer"),
    (*REPORTED, "refuse_transfer"),  # refused with a reason
    (*REPORTED, "roll_back"),  # 信息回退, waiting for the sender's correction
    (*REPORTED, "roll_back", "correct_after_roll_back"),  # corrected, waiting for a new letter
    (
        *REPORTED,
        "roll_back",
        "correct_after_roll_back",
        "reissue_letter",
        "record_report_in",
        "accept_transfer",
    ),
    (*MAIN, "void_expired_letter"),  # expired before 报到, old number voided
    (*MAIN, "void_expired_letter", "reissue_letter", "record_report_in"),  # re-issued, reported in
    (*MAIN, "report_letter_lost"),  # lost, old number voided
    (*MAIN, "report_letter_lost", "reissue_letter"),
    (*MAIN, "print_paper_letter"),  # receiver off the platform: paper letter under way
    (*MAIN, "print_paper_letter", "record_paper_receipt"),  # its 回执 recorded by hand
    ("record_incoming_letter",),  # a paper letter from off the platform
    ("record_incoming_letter", "record_report_in", "accept_transfer", "return_receipt"),
    ("record_incoming_letter", "refuse_expired_letter"),  # it had expired: back for a new one
    (*MAIN, "report_self_lapse"),  # never reported, no party life for six months
]

INPUTS: dict[str, dict[str, object]] = {
    "submit_request": {"reason": "work_unit_change", "destination": "中共丰乐县新坝镇委员会光明村党支部"},
    "approve_request": {"opinion": "情况属实，同意转出"},
    "issue_membership_certificate": {"expected_months": 4},
    # The letter's number is allocated when it is issued; a re-issue gets the next one.
    "issue_letter": {"route": "within_county", "validity_days": None},  # validity by route from the profile
    "reissue_letter": {"route": "within_county", "validity_days": None},
    "record_incoming_letter": {
        "letter_number": "苏园组转〔2026〕0456号",
        "issuing_org": "中共苏州工业园区娄葑街道工作委员会",
        "validity_days": 30,
    },
    "request_papers": {"missing_papers": "党费交纳证明、近三年民主评议情况"},
    "supply_papers": {"papers": "已补交党费交纳证明和民主评议登记表"},
    "correct_after_roll_back": {"corrections": "更正身份证号码和入党时间"},
    "void_expired_letter": {"findings": "党员因病住院，未能在有效期内报到"},
    "report_letter_lost": {"circumstances": "报到途中乘车时遗失"},
    "record_paper_receipt": {"receiving_org": "中共苏州工业园区娄葑街道工作委员会", "handler": "周敏"},
    "report_self_lapse": {
        "last_party_life_on": "2024-05-31",
        "without_justified_reason": True,
        "facts": "开具介绍信后未报到，电话停机，多方查找未果",
    },
}

PARTIES = {"inflow_side": "光明村党支部"}
SUBJECT_STATUS = "full_member"
