"""The policy settings of the annual assessment and of the disposition of unqualified members, with
their national values.

The lead merges them into the national profile. National values are the floor a regional profile may
make stricter and never looser (`engine.policy`):
- the 积分制 band floors are minimums (`Stricter.HIGHER`): raising a floor rates more strictly, lowering
  one would rate some score more leniently (`workflows.rating` checks whole band tables the same way);
- 限期改正 lasts at most a year (`LOWER`); how long a member has to lodge an appeal and how long a
  removed member stays barred protect the rule, so a region may only lengthen them (`HIGHER`);
- how quickly the branch must act (decide after a 限期改正, forward an appeal, hold a 提醒谈话) are
  maximums (`LOWER`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from engine.policy import Setting, Stricter

POINTS = "积分制考核（地方规定）"
APPRAISAL = "条例 第十八条"
FOLLOW_UP = "条例 第二十八、二十九条"
CORRECTION = "条例 第三十条"
DISPOSITION = "处置办法(2024)"
RIGHTS = "党章 第四条；权利保障条例"
NO_NATIONAL_LIMIT = "（全国未作统一规定，由各地设定）"

SETTINGS: tuple[Setting, ...] = (
    # 民主评议 and 积分制
    Setting("assessment_uses_points", "民主评议结合积分制考核", Stricter.TRUE, POINTS),
    Setting("points_excellent_min", "积分“优秀”最低分", Stricter.HIGHER, POINTS),
    Setting("points_qualified_min", "积分“合格”最低分", Stricter.HIGHER, POINTS),
    Setting("points_warning_min", "积分“警示”最低分（以下为不合格）", Stricter.HIGHER, POINTS),
    Setting(
        "reminder_talk_months",
        "评为警示或基本合格后提醒谈话期限（月）",
        Stricter.LOWER,
        FOLLOW_UP + NO_NATIONAL_LIMIT,
    ),
    # 处置不合格党员
    Setting("correction_period_default_months", "限期改正期限·通常（月）", Stricter.NONE, CORRECTION),
    Setting("correction_period_max_months", "限期改正期限·最长（月）", Stricter.LOWER, CORRECTION),
    Setting("correction_help_months", "限期改正期间帮扶谈心间隔（月）", Stricter.LOWER, CORRECTION),
    Setting("correction_decision_months", "限期改正期满后作出决定的期限（月）", Stricter.LOWER, CORRECTION),
    Setting("appeal_period_months", "申诉期（月）", Stricter.HIGHER, RIGHTS + NO_NATIONAL_LIMIT),
    Setting(
        "appeal_forward_working_days", "转呈申诉期限（工作日）", Stricter.LOWER, RIGHTS + NO_NATIONAL_LIMIT
    ),
    Setting("readmission_bar_years", "劝退、除名后不得重新入党的年限", Stricter.HIGHER, DISPOSITION),
)

NATIONAL_VALUES: dict[str, Any] = {
    "assessment_uses_points": False,  # 积分制 is a local scheme; a region turns it on
    "points_excellent_min": Decimal(90),
    "points_qualified_min": Decimal(70),
    "points_warning_min": Decimal(60),
    "reminder_talk_months": 1,
    "correction_period_default_months": 6,
    "correction_period_max_months": 12,
    "correction_help_months": 1,
    "correction_decision_months": 1,
    "appeal_period_months": 1,
    "appeal_forward_working_days": 5,
    "readmission_bar_years": 5,
}
