"""A small example process used only by the engine tests: it exercises every engine feature.

A caseworker submits, a committee approves (not the submitter), two organizations publish a notice
in parallel and both must finish, then the branch votes. The member may file reports throughout.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from engine.calendar import add_months
from engine.definitions import (
    Action,
    At,
    CaseOpening,
    DocumentSpec,
    Due,
    DurationUnit,
    Field,
    FieldType,
    Permission,
    Span,
    State,
    TaskSpec,
    TimerKind,
    TimerSpec,
    Workflow,
    party,
)
from engine.policy import PolicyProfile, RuleSet, Setting, Stricter
from engine.rules import RuleContext, elapsed, majority_vote

NOTICE_DAYS = Span(DurationUnit.WORKING_DAYS, 5, "notice_period_working_days")

notice_period_over = elapsed(
    "notice_period_over",
    "event.approve",
    NOTICE_DAYS,
    "示例细则 第十三条",
    "公示期未满",
)
vote_passed = majority_vote("vote_passed", "党章 第七条", "表决未通过")


def probation_period(ctx: RuleContext) -> dict[str, Any]:
    """One year from the meeting day, ending the day before the anniversary."""
    return {"probation_end": add_months(ctx.on, 12) - timedelta(days=1)}


def admission_date(ctx: RuleContext) -> dict[str, Any]:
    return {"admitted_on": ctx.on}


def review_reason(ctx: RuleContext) -> dict[str, Any]:
    return {"reason": "会议复核", "since": ctx.on}


EXAMPLE = Workflow(
    name="example",
    version="1",
    title="示例流程",
    description="引擎测试用的示例流程。",
    initial="DRAFT",
    states=(
        State(
            "DRAFT",
            "起草",
            tasks=(
                TaskSpec("prepare", "准备材料", "caseworker", due=Due(Span(DurationUnit.CALENDAR_DAYS, 30))),
            ),
            timers=(
                TimerSpec(
                    "prepare_reminder",
                    TimerKind.REMINDER,
                    Due(Span(DurationUnit.CALENDAR_DAYS, 30)),
                    label="准备材料期限",
                    notify_role="caseworker",
                    before_days=5,
                ),
                TimerSpec(
                    "prepare_deadline",
                    TimerKind.ESCALATION,
                    Due(Span(DurationUnit.CALENDAR_DAYS, 30)),
                    label="准备材料期限",
                    notify_role="committee_approver",
                ),
            ),
        ),
        State(
            "SUBMITTED",
            "待审批",
            tasks=(TaskSpec("approve", "审批", "committee_approver", At.APPROVING_COMMITTEE),),
            timers=(
                TimerSpec(
                    "approval_deadline",
                    TimerKind.ESCALATION,
                    Due(Span(DurationUnit.MONTHS, 3)),
                    notify_role="committee_approver",
                ),
            ),
        ),
        State(
            "NOTICE",
            "两地公示",
            parallel=True,
            join="MEETING",
            children=(
                State(
                    "HOME",
                    "户籍地",
                    initial="OPEN",
                    children=(
                        State(
                            "OPEN",
                            "公示中",
                            tasks=(
                                TaskSpec(
                                    "publish_home",
                                    "户籍地公示",
                                    "caseworker",
                                    party("home_side"),
                                    due=Due(NOTICE_DAYS),
                                ),
                            ),
                        ),
                        State("DONE", "已完成", final=True),
                    ),
                ),
                State(
                    "WORK",
                    "工作地",
                    initial="OPEN",
                    children=(
                        State(
                            "OPEN",
                            "公示中",
                            timers=(
                                TimerSpec(
                                    "work_notice_ends",
                                    TimerKind.AUTO_ACTION,
                                    Due(NOTICE_DAYS, "event.approve"),
                                    label="工作地公示期满",
                                    action="finish_work_notice",
                                ),
                            ),
                        ),
                        State("DONE", "已完成", final=True),
                    ),
                ),
            ),
        ),
        State(
            "MEETING",
            "支部大会",
            tasks=(
                TaskSpec(
                    "quarterly_contact",
                    "季度联系",
                    "caseworker",
                    due=Due(Span(DurationUnit.CALENDAR_DAYS, 10)),
                ),
            ),
            timers=(
                TimerSpec(
                    "quarterly_contact_due",
                    TimerKind.RECURRING,
                    Due(Span(DurationUnit.MONTHS, 3)),
                    label="季度联系",
                    every=Span(DurationUnit.MONTHS, 3),
                    task="quarterly_contact",
                ),
            ),
        ),
        State("APPROVED", "已通过", final=True),
        State("REJECTED", "未通过", final=True),
    ),
    actions=(
        Action(
            "submit",
            "提交",
            ("DRAFT",),
            "SUBMITTED",
            (Permission("caseworker"),),
            fields=(Field("summary", "摘要"),),
        ),
        Action(
            "approve",
            "审批同意",
            ("SUBMITTED",),
            "NOTICE",
            (Permission("committee_approver", At.APPROVING_COMMITTEE),),
            distinct_from=("submit",),
        ),
        Action(
            "finish_home_notice",
            "户籍地公示结束",
            ("NOTICE.HOME.OPEN",),
            "NOTICE.HOME.DONE",
            (Permission("caseworker", party("home_side")),),
            rules=(notice_period_over,),
        ),
        Action(
            "finish_work_notice",
            "工作地公示结束",
            ("NOTICE.WORK.OPEN",),
            "NOTICE.WORK.DONE",
            (Permission("caseworker", party("work_side")),),
            rules=(notice_period_over,),
        ),
        Action(
            "hold_vote",
            "支部大会表决",
            ("MEETING",),
            "APPROVED",
            (Permission("branch_secretary"),),
            fields=(
                Field("voters_expected", "应到有表决权的党员", FieldType.INTEGER, minimum=1),
                Field("voters_present", "实到有表决权的党员", FieldType.INTEGER, minimum=0),
                Field("written_opinions", "书面意见", FieldType.INTEGER, required=False, minimum=0),
                Field("votes_for", "赞成票", FieldType.INTEGER, minimum=0),
            ),
            rules=(vote_passed,),
            subject_status="probationary_member",
            documents=("admission_notice",),
            sets_data=probation_period,
            sets_subject=admission_date,
        ),
        Action(
            "reject",
            "不予通过",
            ("SUBMITTED", "MEETING"),
            "REJECTED",
            (Permission("committee_approver", At.APPROVING_COMMITTEE),),
            requires_reason=True,
        ),
        Action(
            "record_move",
            "登记组织关系转出",
            ("MEETING",),
            None,
            (Permission("caseworker"),),
            moves_subject_to=party("home_side"),
        ),
        Action(
            "open_review",
            "启动复核",
            ("MEETING",),
            None,
            (Permission("caseworker"),),
            opens=(CaseOpening("example_follow_up", data=review_reason),),
        ),
        Action(
            "submit_report",
            "提交思想汇报",
            ("SUBMITTED", "NOTICE", "MEETING"),
            None,
            (Permission("member", At.SUBJECT),),
            fields=(Field("text", "汇报内容"),),
        ),
    ),
    opened_by=(Permission("caseworker"),),
    documents=(
        DocumentSpec(
            "admission_notice", "接收预备党员通知", "common/notice.html", At.APPROVING_COMMITTEE, "组通字"
        ),
    ),
    main_path=("submit", "approve", "finish_home_notice", "finish_work_notice", "hold_vote"),
    supervised_by=(Permission("committee_approver", At.APPROVING_COMMITTEE),),
)

NATIONAL = PolicyProfile(
    name="national",
    version="1",
    title="全国统一规定",
    settings=(
        Setting("notice_period_working_days", "公示期（工作日）", Stricter.HIGHER, "示例细则 第十三条"),
    ),
    rulesets=(
        RuleSet("示例细则(2014)", date(2014, 6, 10), {"notice_period_working_days": 5}),
        RuleSet("示例细则(2026)", date(2026, 5, 11), {"notice_period_working_days": 5}),
    ),
)


FOLLOW_UP = Workflow(
    name="example_follow_up",
    version="1",
    title="示例后续流程",
    description="由示例流程的动作开启，并随人员的组织关系转移。",
    initial="OPEN",
    states=(State("OPEN", "办理中"), State("DONE", "已办结", final=True)),
    actions=(Action("finish", "办结", ("OPEN",), "DONE", (Permission("caseworker"),)),),
    opened_by=(Permission("caseworker"),),
    follows_subject=True,
)
