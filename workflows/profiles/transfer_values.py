"""The policy settings of relation transfers and mobile members, with their national values.

The lead merges them into the national profile. National values are the floor a regional profile
may make stricter and never looser (`engine.policy`): a maximum (`Stricter.LOWER`: letter validity,
step time limits, how often to keep contact) may only go down; a minimum waiting time that protects
the member before a measure (`Stricter.HIGHER`: six months of lost contact before 停止党籍, two years
before 除名) may only go up.
"""

from __future__ import annotations

from typing import Any

from engine.policy import Setting, Stricter

ONLINE_STEP = "条例 第三十七条；网上转接各环节时限（全国未作统一规定，由各地设定）"
VALIDITY = "组通字〔2006〕45号（介绍信有效期）；地方规定：默认30天，最长90天"

SETTINGS: tuple[Setting, ...] = (
    # 组织关系转接
    Setting(
        "transfer_letter_validity_days_within_county", "介绍信有效期·县内转接（天）", Stricter.LOWER, VALIDITY
    ),
    Setting(
        "transfer_letter_validity_days_within_province",
        "介绍信有效期·省内跨县转接（天）",
        Stricter.LOWER,
        VALIDITY,
    ),
    Setting(
        "transfer_letter_validity_days_cross_province",
        "介绍信有效期·跨省转接（天）",
        Stricter.LOWER,
        VALIDITY,
    ),
    Setting("transfer_letter_validity_max_days", "介绍信有效期上限（天）", Stricter.LOWER, VALIDITY),
    Setting("transfer_receipt_months", "回执寄回期限（月）", Stricter.LOWER, "组通字〔2006〕45号（回执）"),
    Setting("transfer_branch_review_working_days", "党支部审核时限（工作日）", Stricter.LOWER, ONLINE_STEP),
    Setting(
        "transfer_committee_issue_working_days", "基层党委审批开具时限（工作日）", Stricter.LOWER, ONLINE_STEP
    ),
    Setting(
        "transfer_receiver_acceptance_working_days",
        "接收方审核接收时限（工作日）",
        Stricter.LOWER,
        ONLINE_STEP,
    ),
    Setting("transfer_papers_supply_working_days", "补充材料时限（工作日）", Stricter.LOWER, ONLINE_STEP),
    Setting(
        "transfer_roll_back_correction_working_days",
        "信息回退后更正时限（工作日）",
        Stricter.LOWER,
        ONLINE_STEP,
    ),
    Setting(
        "membership_certificate_max_months",
        "党员证明信适用的外出期限上限（月）",
        Stricter.LOWER,
        "组织关系转接实践：外出六个月以内开具党员证明信",
    ),
    # 流动党员
    Setting(
        "fixed_place_transfer_months",
        "在较固定地点外出多久须转接组织关系（月）",
        Stricter.LOWER,
        "条例 第二十五条",
    ),
    Setting("mobile_mutual_notice_months", "双向通报期限（月）", Stricter.LOWER, "双向通报（地方规定）"),
    Setting(
        "mobile_contact_months", "双向联系间隔（月，至少每季度一次）", Stricter.LOWER, "双向联系（地方规定）"
    ),
    Setting("mobile_card_check_months", "流动党员活动证查验间隔（月）", Stricter.LOWER, "组通字〔2006〕45号"),
    Setting(
        "mobile_lost_contact_months", "失去联系多久方可停止党籍（月）", Stricter.HIGHER, "条例 第二十四条"
    ),
    Setting(
        "mobile_suspension_to_removal_years",
        "停止党籍后仍无法联系多久予以除名（年）",
        Stricter.HIGHER,
        "条例 第二十四条",
    ),
    Setting(
        "mobile_self_lapse_months",
        "连续多久不参加组织生活等视为自行脱党（月）",
        Stricter.HIGHER,
        "党章 第九条",
    ),
)

NATIONAL_VALUES: dict[str, Any] = {
    "transfer_letter_validity_days_within_county": 30,
    "transfer_letter_validity_days_within_province": 30,
    "transfer_letter_validity_days_cross_province": 30,
    "transfer_letter_validity_max_days": 90,
    "transfer_receipt_months": 1,
    "transfer_branch_review_working_days": 5,
    "transfer_committee_issue_working_days": 5,
    "transfer_receiver_acceptance_working_days": 5,
    "transfer_papers_supply_working_days": 10,
    "transfer_roll_back_correction_working_days": 5,
    "membership_certificate_max_months": 6,
    "fixed_place_transfer_months": 6,
    "mobile_mutual_notice_months": 1,
    "mobile_contact_months": 3,
    "mobile_card_check_months": 12,
    "mobile_lost_contact_months": 6,
    "mobile_suspension_to_removal_years": 2,
    "mobile_self_lapse_months": 6,
}
