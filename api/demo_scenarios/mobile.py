"""Demo mobile members in every state: registered, talked to, notified, carded, out of contact,
suspended, referred for removal, asked to transfer, referred for self-lapse, back home."""

from __future__ import annotations

from datetime import timedelta

AWAY = ("register_departure", "hold_departure_talk")
LOST = (*AWAY, "record_mutual_contact", "report_lost_contact")

EXTRA_PATHS: list[tuple[str, ...]] = [
    (*AWAY, "issue_activity_card", "check_activity_card"),  # card held, checked with 民主评议
    (*AWAY, "send_mutual_notice", "record_mutual_contact", "record_participation"),
    LOST,  # 失去联系
    (*LOST, "restore_contact"),
    (*LOST, "suspend_membership"),  # 停止党籍 after six months
    (*LOST, "suspend_membership", "refer_for_removal"),  # two years later: 除名 (自行脱党)
    (*AWAY, "report_self_lapse"),  # six months without party life → disposition
    (*AWAY, "require_transfer"),  # a fixed place for six months → a transfer case
    ("end_mobile_management",),  # registered, then did not leave after all
]

# Six months away or out of contact before the six-month rules; two years of 停止党籍 before 除名;
# a year between the card's checks.
WAIT_MONTHS = {
    "report_lost_contact": 7,
    "refer_for_removal": 24,
    "report_self_lapse": 7,
    "require_transfer": 7,
    "check_activity_card": 12,
}

INPUTS: dict[str, dict[str, object]] = {
    "register_departure": {
        "destination": "江苏省苏州市工业园区",
        "employer": "苏州绿源电子科技有限公司",
        "contact_phone": "13909361234",
        "leaves_on": lambda day: (day + timedelta(days=20)).isoformat(),  # the talk comes before
        "expected_months": 12,
    },
    "hold_departure_talk": {"talk_summary": "交代外出期间按时参加组织生活、交纳党费、每季度汇报思想的要求"},
    "send_mutual_notice": {"channel": "platform"},
    "acknowledge_mutual_notice": {"note": "已纳入驻苏州流动党员党支部管理"},
    "check_activity_card": {
        "democratic_appraisal": "qualified",
        "party_life": "按时参加主题党日，党费交至本年度",
    },
    "record_mutual_contact": {"channel": "phone", "summary": "电话联系，工作生活稳定"},
    "record_participation": {"kind": "party_life", "summary": "参加流入地主题党日活动"},
    "report_lost_contact": {"search_efforts": "电话停机，走访家属和务工单位均未找到"},
    "restore_contact": {"summary": "本人来电，已更换手机号码"},
    "suspend_membership": {"decision": "党支部委员会研究决定停止其党籍"},
    "refer_for_removal": {"still_unreachable": True, "findings": "停止党籍二年来多方查找仍无法取得联系"},
    "report_self_lapse": {
        "ground": "no_party_life",
        "last_done_on": "2024-05-31",
        "without_justified_reason": True,
        "facts": "流入地党组织反映其连续六个月未参加组织生活",
    },
    "require_transfer": {"fixed_place_since": "2024-05-01", "workplace": "苏州绿源电子科技有限公司"},
    "end_mobile_management": {"ending": "returned_home"},
}

PARTIES = {"inflow_side": "驻苏州流动党员党支部"}
SUBJECT_STATUS = "full_member"
