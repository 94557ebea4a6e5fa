"""The policy settings of 发展党员, with the national values of the 2014 细则 and of its 2026 revision.

`workflows.profiles.national` joins them into the national profile. National values are the floor a
regional profile may make stricter and never looser (`engine.policy`):
- waiting times, notice periods, training length and the probation are minimums (`Stricter.HIGHER`);
- deadlines (talk, meeting after 预审, approval, oath, the 转正 discussion) are maximums (`LOWER`);
- requirements that one text added (the 上级党委's consent and the 公示 of 细则(2026) 第十三条, the oath
  deadline of 第二十九条) are switches a region may turn on for older dates and never off (`TRUE`).

The two rule sets differ exactly where REGULATIONS.md §1 says the texts differ (row 7: consent and
公示 instead of filing; row 19: the oath within one month); every other value is the same.

The probation (one year, 党章 第七条) and the bounds of an extension (six to twelve months, 第三十一条)
are fixed by the 党章 and the 细则: no region may change them either way. `engine.policy` has no
"fixed" direction, so they are declared in the direction that at least refuses a relaxation.
"""

from __future__ import annotations

from typing import Any

from engine.policy import Setting, Stricter

ARTICLE_5 = "细则(2026) 第五条"
ARTICLE_7 = "细则(2026) 第七条"
ARTICLE_8 = "细则(2026) 第八条"
ARTICLE_11 = "细则(2026) 第十一条"
ARTICLE_13 = "细则(2026) 第十三条"
ARTICLE_17 = "细则(2026) 第十七条"
ARTICLE_18 = "细则(2026) 第十八条"
ARTICLE_19 = "细则(2026) 第十九条"
ARTICLE_25 = "细则(2026) 第二十五条"
ARTICLE_29 = "细则(2026) 第二十九条"
ARTICLE_31 = "细则(2026) 第三十一条；党章 第七条"
ARTICLE_33 = "细则(2026) 第三十三条"
ARTICLE_35 = "细则(2026) 第三十五条"
LOCAL = "（全国无统一规定，地方规定可增设）"
ASSUMED = "（“及时”未规定天数，本系统设定，可从严）"

SETTINGS: tuple[Setting, ...] = (
    Setting("applicant_min_age", "申请入党的最低年龄（周岁）", Stricter.HIGHER, ARTICLE_5),
    Setting("talk_within_months", "收到入党申请书后谈话期限（月）", Stricter.LOWER, ARTICLE_7),
    Setting(
        "activist_min_months_after_application",
        "提出申请后确定为入党积极分子的最短时间（月）",
        Stricter.HIGHER,
        ARTICLE_8 + LOCAL,
    ),
    Setting("activist_review_months", "入党积极分子考察间隔（月）", Stricter.LOWER, ARTICLE_11),
    Setting(
        "activist_min_cultivation_years", "确定为发展对象前的最短培养期（年）", Stricter.HIGHER, ARTICLE_13
    ),
    Setting(
        "cultivation_counted_from_filing",
        "培养期自报上级党委备案之日起算（否则自支委会确定之日起算）",
        Stricter.TRUE,
        ARTICLE_13 + "（起算日各地做法不一）",
    ),
    Setting(
        "candidate_needs_committee_consent",
        "确定发展对象须经上级党委同意（否则报上级党委备案即可）",
        Stricter.TRUE,
        ARTICLE_13 + "；细则(2014) 第十三条",
    ),
    Setting(
        "candidate_notice_working_days", "发展对象公示期（工作日，0为不公示）", Stricter.HIGHER, ARTICLE_13
    ),
    Setting("training_min_days", "集中培训最短天数", Stricter.HIGHER, ARTICLE_17),
    Setting("training_min_hours", "集中培训最短学时", Stricter.HIGHER, ARTICLE_17),
    Setting("leaving_unit_months", "预审时即将离开工作单位不宜发展的期限（月）", Stricter.HIGHER, ARTICLE_18),
    Setting(
        "quorum_excludes_written_opinions",
        "书面意见不计入到会人数",
        Stricter.TRUE,
        "细则(2026) 第二十条（是否计入到会人数未见明文，从严不计入）",
    ),
    Setting(
        "general_meeting_within_months_of_pre_review",
        "预审通过后召开支部党员大会的期限（月）",
        Stricter.LOWER,
        ARTICLE_19,
    ),
    Setting("approval_within_months", "党委审批期限（月）", Stricter.LOWER, ARTICLE_25),
    Setting("approval_max_months", "党委审批期限·特殊情况最长（月）", Stricter.LOWER, ARTICLE_25),
    Setting(
        "oath_deadline_applies",
        "入党宣誓须在批准后规定期限内进行",
        Stricter.TRUE,
        ARTICLE_29 + "（2026年新增）",
    ),
    Setting("oath_within_months", "批准后入党宣誓期限（月）", Stricter.LOWER, ARTICLE_29),
    Setting("probation_years", "预备期（年）", Stricter.HIGHER, ARTICLE_31),
    Setting("probation_extension_min_months", "延长预备期·最短（月）", Stricter.HIGHER, ARTICLE_31),
    Setting("probation_extension_max_months", "延长预备期·最长（月）", Stricter.LOWER, ARTICLE_31),
    Setting(
        "full_membership_meeting_within_months",
        "预备期满后讨论转正的期限（月）",
        Stricter.LOWER,
        "细则(2026) 第三十一条" + ASSUMED,
    ),
    Setting(
        "full_membership_postponement_max_months",
        "转接组织关系的预备党员推迟讨论转正的最长期限（月）",
        Stricter.LOWER,
        ARTICLE_35,
    ),
    Setting("full_membership_approval_within_months", "转正审批期限（月）", Stricter.LOWER, ARTICLE_33),
)

VALUES_2026: dict[str, Any] = {
    "applicant_min_age": 18,
    "talk_within_months": 1,
    "activist_min_months_after_application": 0,  # no national wait; "six months" rules are local
    "activist_review_months": 6,
    "activist_min_cultivation_years": 1,
    "cultivation_counted_from_filing": False,  # the 支委会 decision starts the clock; both are recorded
    "candidate_needs_committee_consent": True,
    "candidate_notice_working_days": 5,
    "training_min_days": 3,
    "training_min_hours": 24,
    "leaving_unit_months": 3,
    "quorum_excludes_written_opinions": True,
    "general_meeting_within_months_of_pre_review": 1,
    "approval_within_months": 3,
    "approval_max_months": 6,
    "oath_deadline_applies": True,
    "oath_within_months": 1,
    "probation_years": 1,
    "probation_extension_min_months": 6,
    "probation_extension_max_months": 12,
    "full_membership_meeting_within_months": 1,
    "full_membership_postponement_max_months": 6,
    "full_membership_approval_within_months": 3,
}

# 细则(2014): the 支委会's choice of a 发展对象 is filed with the 上级党委 (no consent, no national 公示),
# and the oath has no deadline. Everything else reads the same.
VALUES_2014: dict[str, Any] = {
    **VALUES_2026,
    "candidate_needs_committee_consent": False,
    "candidate_notice_working_days": 0,
    "oath_deadline_applies": False,
}
