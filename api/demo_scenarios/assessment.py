"""Demo paths of the annual assessment: a year with every rating and each follow-up at every stage.

Only the 警示 path records a score: the national profile does not use the 积分制, so the other ratings
are 民主评议 grades, and one score (65.50, a 警示) serves every path that records one.
"""

from __future__ import annotations

from typing import Any

TO_RATING = ("submit_self_assessment", "record_peer_review", "record_democratic_testing")
EXCELLENT = (*TO_RATING, "confirm_excellent")
WARNING = (*TO_RATING, "record_score", "confirm_warning")

EXTRA_PATHS: list[tuple[str, ...]] = [
    EXCELLENT,
    (*EXCELLENT, "publish_result", "file_upward"),  # filed while the commendation is still open
    (*EXCELLENT, "record_commendation", "publish_result", "file_upward"),
    (*TO_RATING, "confirm_basically_qualified"),
    (*TO_RATING, "confirm_basically_qualified", "hold_reminder_talk", "publish_result"),
    (*TO_RATING, "record_score"),
    WARNING,
    (*WARNING, "publish_result"),
    (*WARNING, "hold_reminder_talk", "publish_result", "file_upward"),
    (*TO_RATING, "confirm_unqualified"),  # opens a disposition case
    (*TO_RATING, "confirm_unqualified", "publish_result", "file_upward"),
]

INPUTS: dict[str, dict[str, Any]] = {
    "submit_self_assessment": {
        "summary": "一年来按时参加“三会一课”，完成村里安排的防汛值守任务；学习不够系统，联系群众还不够主动。"
    },
    "record_peer_review": {"summary": "党员互评：工作踏实，能带头参加义务劳动；建议加强政治理论学习。"},
    "record_democratic_testing": {
        "participants": 23,
        "votes_excellent": 6,
        "votes_qualified": 15,
        "votes_basically_qualified": 2,
        "votes_unqualified": 0,
    },
    "record_score": {"score": "65.50", "items": "基础积分52，日常表现积分9.5，奖励积分4，扣减积分0"},
    **{
        f"confirm_{rating}": {"body": "branch_general_meeting", "grounds": ""}
        for rating in ("excellent", "qualified", "basically_qualified", "warning", "unqualified")
    },
    "record_commendation": {"commended": True, "form": "在支部党员大会上通报表扬"},
    "hold_reminder_talk": {
        "summary": "指出全年三次无故缺席组织生活，要求按时参加并补交思想汇报。",
        "member_view": "接受组织提醒，表示今后按时参加组织生活。",
    },
    "publish_result": {"means": "支部党员大会宣布，并在党务公开栏公示"},
    "file_upward": {"filed_with": "上级党委组织委员"},
}

SUBJECT_STATUS = "full_member"
