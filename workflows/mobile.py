"""流动党员: a member away from home without moving their relation, kept in contact and in party life.

The member registers before leaving (外出报备) and the branch talks with them (行前谈话). While they
are away, two things run side by side: the 双向通报 to the inflow organization (within a month, the
inflow side confirms it), and the 流动党员活动证 (issued or recorded by the branch, checked once a
year with 民主评议, returned at the end). The branch keeps in touch at least once a quarter (a
recurring task that stops when the member is no longer away); either side records party life, 党费,
思想汇报 and assigned work.

Exceptions open other processes, never decide them: a fixed place of work for six months or more
opens a relation transfer (条例 第二十五条); six consecutive months without party life, 党费 or
assigned work and no justified reason opens a disposition case (党章 第九条); six months unreachable
lets the branch decide 停止党籍, and two years later, still unreachable, the case is referred for
除名 as 自行脱党 (条例 第二十四条).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

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
    Rule,
    Span,
    State,
    TaskSpec,
    TimerKind,
    TimerSpec,
    Verdict,
    Workflow,
    party,
)
from engine.rules import RuleContext, elapsed, field_is, rule, within

LOST_CONTACT_ARTICLE = "条例 第二十四条"
SELF_LAPSE = "党章 第九条；条例 第三十一条"
FIXED_PLACE = "条例 第二十五条"
CARD_FORM = "组通字〔2006〕45号"
SEED_2345 = "“2345”工作法（外出报备、行前谈话）"
MUTUAL_NOTICE = "双向通报（地方规定）"
TRUE_RECORD = "如实记录：所填日期不得晚于办理当日"


class S(StrEnum):
    REGISTRATION = "REGISTRATION"
    DEPARTURE_TALK = "DEPARTURE_TALK"
    AWAY = "AWAY"
    NOTICE_PENDING = "AWAY.NOTICE.PENDING"
    NOTICE_SENT = "AWAY.NOTICE.SENT"
    NOTICE_ACKNOWLEDGED = "AWAY.NOTICE.ACKNOWLEDGED"
    CARD_NOT_ISSUED = "AWAY.CARD.NOT_ISSUED"
    CARD_HELD = "AWAY.CARD.HELD"
    CARD_RETURNED = "AWAY.CARD.RETURNED"
    LOST_CONTACT = "LOST_CONTACT"
    MEMBERSHIP_SUSPENDED = "MEMBERSHIP_SUSPENDED"
    REFERRED_FOR_REMOVAL = "REFERRED_FOR_REMOVAL"
    ENDED = "ENDED"


INFLOW = party("inflow_side")
CONTACT_SPAN = Span(DurationUnit.MONTHS, 3, "mobile_contact_months")
NOTICE_SPAN = Span(DurationUnit.MONTHS, 1, "mobile_mutual_notice_months")
CARD_CHECK_SPAN = Span(DurationUnit.MONTHS, 12, "mobile_card_check_months")
LOST_CONTACT_SPAN = Span(DurationUnit.MONTHS, 6, "mobile_lost_contact_months")
REMOVAL_SPAN = Span(DurationUnit.YEARS, 2, "mobile_suspension_to_removal_years")
SELF_LAPSE_SPAN = Span(DurationUnit.MONTHS, 6, "mobile_self_lapse_months")
FIXED_PLACE_SPAN = Span(DurationUnit.MONTHS, 6, "fixed_place_transfer_months")
ACTIVITY_CARD = "activity_card"  # document kinds
MUTUAL_NOTICE_LETTER = "mutual_notice"
DOCUMENTS = (
    # Numbered by the county department, issued (stamped) by the branch (组通字〔2006〕45号).
    DocumentSpec(
        ACTIVITY_CARD,
        "流动党员活动证",
        "mobile/activity_card.html",
        At.OWNER,
        "流证字",
        numbered_by=At.DEPARTMENT,
    ),
    DocumentSpec(MUTUAL_NOTICE_LETTER, "流动党员双向通报函", "mobile/mutual_notice.html", At.OWNER, "流通字"),
)

PARTICIPATION = (
    ("party_life", "参加组织生活"),
    ("dues", "交纳党费"),
    ("thought_report", "思想汇报"),
    ("assigned_work", "完成党组织分配的任务"),
)
LAPSE_GROUNDS = (
    ("no_party_life", "连续六个月不参加党的组织生活"),
    ("no_dues", "连续六个月不交纳党费"),
    ("no_assigned_work", "连续六个月不做党所分配的工作"),
)
LAPSE_TO_PARTICIPATION = {
    "no_party_life": "party_life",
    "no_dues": "dues",
    "no_assigned_work": "assigned_work",
}


def _input_date(ctx: RuleContext, name: str) -> date | None:
    value = ctx.inputs.get(name)
    return date.fromisoformat(value) if isinstance(value, str) else None


def _since_input(name: str, field_name: str, span: Span, citation: str, message: str) -> Rule:
    """At least `span` has passed since the date the action's input `field_name` states."""

    def check(ctx: RuleContext) -> Verdict:
        since = _input_date(ctx, field_name)
        if since is None:
            return Verdict.fails("起算日期未填写")
        earliest = ctx.calendar.add(since, span.resolve(ctx.policy)).day
        return Verdict.holds() if ctx.on >= earliest else Verdict.fails(earliest=earliest)

    return Rule(name, citation, message, check, time_bound=True, needs_input=True)


# -- rules -----------------------------------------------------------------------------------------


@rule(
    "registration_dated_ahead", SEED_2345, "外出报备应在外出之前办理；已外出的补办须说明理由", waivable=True
)
def registration_dated_ahead(ctx: RuleContext) -> Verdict:
    leaves_on = _input_date(ctx, "leaves_on")
    if leaves_on is None or ctx.on <= leaves_on:
        return Verdict.holds()
    return Verdict.fails(f"外出日期为{leaves_on.isoformat()}")


talk_before_departure = within(
    "talk_before_departure",
    "data.leaves_on",
    Span(DurationUnit.CALENDAR_DAYS, 0),
    SEED_2345,
    "行前谈话应在党员外出之前进行；已外出的可电话或视频谈话并说明理由",
)
mutual_notice_within_deadline = within(
    "mutual_notice_within_deadline",
    "entered",
    NOTICE_SPAN,
    MUTUAL_NOTICE,
    "外出党员的情况应在规定期限内通报流入地党组织",
)
lost_contact_six_months = elapsed(
    "lost_contact_six_months",
    "data.last_contact_on",
    LOST_CONTACT_SPAN,
    LOST_CONTACT_ARTICLE,
    "党员失去联系满六个月后，方可停止其党籍",
)
two_years_since_suspension = elapsed(
    "two_years_since_suspension",
    "event.suspend_membership",
    REMOVAL_SPAN,
    LOST_CONTACT_ARTICLE,
    "停止党籍满二年后仍无法取得联系的，方可按自行脱党予以除名",
)
still_unreachable = field_is(
    "still_unreachable",
    "still_unreachable",
    True,
    LOST_CONTACT_ARTICLE,
    "党员已恢复联系的，不能按自行脱党除名",
)
six_consecutive_months = _since_input(
    "six_consecutive_months",
    "last_done_on",
    SELF_LAPSE_SPAN,
    SELF_LAPSE,
    "连续六个月不参加党的组织生活、不交纳党费或不做党所分配的工作，方可视为自行脱党",
)
no_justified_reason = field_is(
    "no_justified_reason",
    "without_justified_reason",
    True,
    SELF_LAPSE,
    "有正当理由的，不能视为自行脱党",
)
fixed_place_six_months = _since_input(
    "fixed_place_six_months",
    "fixed_place_since",
    FIXED_PLACE_SPAN,
    FIXED_PLACE,
    "外出到较为固定的地点工作生活满六个月的，应当转接组织关系",
)


@rule(
    "lapse_matches_records",
    SELF_LAPSE,
    "所填日期之后已登记该党员参加过相应活动，不能认定连续六个月未参加",
    needs_input=True,
)
def lapse_matches_records(ctx: RuleContext) -> Verdict:
    kind = LAPSE_TO_PARTICIPATION.get(str(ctx.inputs.get("ground")))
    since = _input_date(ctx, "last_done_on")
    recorded = ctx.anchor_date(f"data.last_{kind}_on") if kind else None
    if since is None or recorded is None or recorded <= since:
        return Verdict.holds()
    return Verdict.fails(f"已登记{recorded.isoformat()}的记录")


@rule(
    "last_contact_matches_records",
    LOST_CONTACT_ARTICLE,
    "最后联系日期早于已登记的联系记录或晚于今天",
    needs_input=True,
)
def last_contact_matches_records(ctx: RuleContext) -> Verdict:
    stated = _input_date(ctx, "last_contact_on")
    recorded = ctx.anchor_date("data.last_contact_on")
    if stated is None:
        return Verdict.fails("未填写最后联系日期")
    if stated > ctx.on:
        return Verdict.fails(f"{stated.isoformat()}晚于办理当日")
    if recorded is not None and stated < recorded:
        return Verdict.fails(f"已登记{recorded.isoformat()}的联系")
    return Verdict.holds()


@rule("not_referred_already", SELF_LAPSE, "已就自行脱党移交处置程序，不重复移交")
def not_referred_already(ctx: RuleContext) -> Verdict:
    referred = ctx.data.get("self_lapse_referred_on")
    return Verdict.fails(f"已于{referred}移交") if referred else Verdict.holds()


@rule("transfer_not_requested_already", FIXED_PLACE, "已要求该党员转接组织关系，不重复发起")
def transfer_not_requested_already(ctx: RuleContext) -> Verdict:
    requested = ctx.data.get("transfer_requested_on")
    return Verdict.fails(f"已于{requested}发起") if requested else Verdict.holds()


@rule("activity_card_returned", CARD_FORM, "流动党员活动证尚未交回；遗失的须说明理由", waivable=True)
def activity_card_returned(ctx: RuleContext) -> Verdict:
    held = ctx.data.get("card_number") and not ctx.data.get("card_returned_on")
    return Verdict.fails(f"活动证{ctx.data['card_number']}") if held else Verdict.holds()


DATED_INPUTS = {"last_done_on": "最后一次参加（交纳、完成）的日期", "fixed_place_since": "起始日期"}


@rule("dates_not_in_future", TRUE_RECORD, "所填日期不能晚于办理当日", needs_input=True)
def dates_not_in_future(ctx: RuleContext) -> Verdict:
    late = [label for name, label in DATED_INPUTS.items() if (day := _input_date(ctx, name)) and day > ctx.on]
    return Verdict.fails("、".join(late)) if late else Verdict.holds()


# -- derived data ------------------------------------------------------------------------------------


def departure_registered(ctx: RuleContext) -> dict[str, Any]:
    return {"leaves_on": ctx.inputs["leaves_on"], "destination": ctx.inputs["destination"]}


def now_mobile(ctx: RuleContext) -> dict[str, Any]:
    return {"mobile": True}


def no_longer_mobile(ctx: RuleContext) -> dict[str, Any]:
    return {"mobile": False}


def contact_recorded(ctx: RuleContext) -> dict[str, Any]:
    return {"last_contact_on": ctx.on.isoformat()}


def contact_lost(ctx: RuleContext) -> dict[str, Any]:
    return {"last_contact_on": ctx.inputs["last_contact_on"], "lost_contact_reported_on": ctx.on.isoformat()}


def participation_recorded(ctx: RuleContext) -> dict[str, Any]:
    return {f"last_{ctx.inputs['kind']}_on": ctx.on.isoformat()}


def card_issued(ctx: RuleContext) -> dict[str, Any]:
    """The card's number is the one the county department's counter allocated to its document."""
    return {"card_number": ctx.data["documents"][ACTIVITY_CARD], "card_returned_on": None}


def card_returned(ctx: RuleContext) -> dict[str, Any]:
    return {"card_returned_on": ctx.on.isoformat()}


def lapse_referred(ctx: RuleContext) -> dict[str, Any]:
    return {"self_lapse_referred_on": ctx.on.isoformat()}


def transfer_requested(ctx: RuleContext) -> dict[str, Any]:
    return {"transfer_requested_on": ctx.on.isoformat()}


def self_lapse_case(ctx: RuleContext) -> dict[str, Any]:
    return {"ground": "self_lapse", "basis": ctx.inputs["ground"], "last_done_on": ctx.inputs["last_done_on"]}


def removal_case(ctx: RuleContext) -> dict[str, Any]:
    suspended = ctx.last("suspend_membership")
    return {
        "ground": "self_lapse",
        "basis": "unreachable_two_years_after_suspension",
        "suspended_on": suspended.on.isoformat() if suspended else None,
    }


def transfer_case(ctx: RuleContext) -> dict[str, Any]:
    return {
        "reason": "fixed_place_away",
        "fixed_place_since": ctx.inputs["fixed_place_since"],
        "workplace": ctx.inputs["workplace"],
    }


# -- the process -----------------------------------------------------------------------------------

CASEWORKER = Permission("caseworker")
SECRETARY = Permission("branch_secretary")
MEMBER = Permission("member", At.SUBJECT)
INFLOW_CASEWORKER = Permission("caseworker", INFLOW)

STATES = (
    State(
        S.REGISTRATION.value,
        "外出报备",
        tasks=(
            TaskSpec("register_departure", "登记外出报备", "caseworker", actions=("register_departure",)),
        ),
    ),
    State(
        S.DEPARTURE_TALK.value,
        "行前谈话",
        tasks=(
            TaskSpec(
                "hold_departure_talk",
                "与外出党员进行行前谈话",
                "branch_secretary",
                actions=("hold_departure_talk",),
            ),
        ),
    ),
    State(
        S.AWAY.value,
        "外出期间",
        parallel=True,
        tasks=(
            TaskSpec(
                "mutual_contact",
                "双向联系（每季度至少一次）",
                "caseworker",
                due=Due(CONTACT_SPAN),
                actions=("record_mutual_contact",),
            ),
        ),
        timers=(
            TimerSpec(
                "mutual_contact_due",
                TimerKind.RECURRING,
                Due(CONTACT_SPAN),
                label="双向联系",
                every=CONTACT_SPAN,
                task="mutual_contact",
                notify_role="committee_approver",
            ),
            TimerSpec(
                "fixed_place_review",
                TimerKind.REMINDER,
                Due(FIXED_PLACE_SPAN),
                label="外出满六个月：在较为固定地点工作生活的，应转接组织关系",
                notify_role="branch_secretary",
            ),
        ),
        children=(
            State(
                "NOTICE",
                "双向通报",
                initial="PENDING",
                children=(
                    State(
                        "PENDING",
                        "待通报流入地党组织",
                        tasks=(
                            TaskSpec(
                                "send_mutual_notice",
                                "向流入地党组织通报外出党员情况",
                                "caseworker",
                                due=Due(NOTICE_SPAN),
                                actions=("send_mutual_notice",),
                            ),
                        ),
                        timers=(
                            TimerSpec(
                                "mutual_notice_deadline",
                                TimerKind.ESCALATION,
                                Due(NOTICE_SPAN),
                                label="双向通报期限",
                                notify_role="committee_approver",
                            ),
                        ),
                    ),
                    State(
                        "SENT",
                        "已通报，待流入地确认",
                        tasks=(
                            TaskSpec(
                                "acknowledge_mutual_notice",
                                "确认流入党员并纳入管理",
                                "caseworker",
                                INFLOW,
                                actions=("acknowledge_mutual_notice",),
                            ),
                        ),
                    ),
                    State("ACKNOWLEDGED", "流入地已确认（双报到）", final=True),
                ),
            ),
            State(
                "CARD",
                "流动党员活动证",
                initial="NOT_ISSUED",
                children=(
                    State("NOT_ISSUED", "未发活动证"),
                    State(
                        "HELD",
                        "持活动证",
                        tasks=(
                            TaskSpec(
                                "check_activity_card",
                                "结合民主评议查验活动证",
                                "branch_secretary",
                                due=Due(CARD_CHECK_SPAN),
                                actions=("check_activity_card",),
                            ),
                        ),
                        timers=(
                            TimerSpec(
                                "card_check_due",
                                TimerKind.RECURRING,
                                Due(CARD_CHECK_SPAN),
                                label="活动证年度查验",
                                every=CARD_CHECK_SPAN,
                                task="check_activity_card",
                            ),
                        ),
                    ),
                    State("RETURNED", "活动证已交回", final=True),
                ),
            ),
        ),
    ),
    State(
        S.LOST_CONTACT.value,
        "失去联系",
        tasks=(TaskSpec("search_member", "查找失去联系的党员", "caseworker", actions=("restore_contact",)),),
        timers=(
            # From the day the loss was reported: the six months since the last contact end no later.
            TimerSpec(
                "lost_contact_review",
                TimerKind.REMINDER,
                Due(LOST_CONTACT_SPAN),
                label="失去联系满六个月，请党支部研究是否停止党籍",
                notify_role="branch_secretary",
            ),
        ),
    ),
    State(
        S.MEMBERSHIP_SUSPENDED.value,
        "已停止党籍",
        tasks=(TaskSpec("keep_searching", "继续查找停止党籍的党员", "caseworker"),),
        timers=(
            TimerSpec(
                "removal_review",
                TimerKind.REMINDER,
                Due(REMOVAL_SPAN),
                label="停止党籍满二年，仍无法取得联系的应按自行脱党除名",
                notify_role="branch_secretary",
            ),
        ),
    ),
    State(S.REFERRED_FOR_REMOVAL.value, "已移交除名程序（自行脱党）", final=True),
    State(S.ENDED.value, "流动管理结束", final=True),
)

ACTIONS = (
    Action(
        "register_departure",
        "外出报备",
        (S.REGISTRATION.value,),
        S.DEPARTURE_TALK.value,
        (CASEWORKER, MEMBER),
        fields=(
            Field("destination", "外出地点", max_length=200),
            Field("employer", "工作单位", required=False, max_length=200),
            Field("contact_phone", "联系方式", max_length=40),
            Field("expected_months", "预计外出时间（月）", FieldType.INTEGER, minimum=1),
            Field("leaves_on", "外出日期", FieldType.DATE),
        ),
        rules=(registration_dated_ahead,),
        sets_data=departure_registered,
        sets_subject=now_mobile,
    ),
    Action(
        "hold_departure_talk",
        "行前谈话",
        (S.DEPARTURE_TALK.value,),
        S.AWAY.value,
        (SECRETARY,),
        fields=(Field("talk_summary", "谈话内容及提出的要求"),),
        rules=(talk_before_departure,),
    ),
    Action(
        "send_mutual_notice",
        "向流入地通报",
        (S.NOTICE_PENDING.value,),
        S.NOTICE_SENT.value,
        (CASEWORKER,),
        fields=(
            Field(
                "channel",
                "通报方式",
                FieldType.CHOICE,
                choices=(("platform", "平台推送"), ("letter", "函件"), ("phone", "电话")),
            ),
        ),
        rules=(mutual_notice_within_deadline,),
        documents=(MUTUAL_NOTICE_LETTER,),
    ),
    Action(
        "acknowledge_mutual_notice",
        "流入地确认接收通报",
        (S.NOTICE_SENT.value,),
        S.NOTICE_ACKNOWLEDGED.value,
        (INFLOW_CASEWORKER, CASEWORKER),
        fields=(Field("note", "备注", required=False),),
    ),
    Action(
        "issue_activity_card",
        "发放（登记）流动党员活动证",
        (S.CARD_NOT_ISSUED.value,),
        S.CARD_HELD.value,
        (CASEWORKER,),
        documents=(ACTIVITY_CARD,),
        sets_data=card_issued,
    ),
    Action(
        "check_activity_card",
        "年度查验活动证（结合民主评议）",
        (S.CARD_HELD.value,),
        None,
        (SECRETARY, INFLOW_CASEWORKER),
        fields=(
            Field(
                "democratic_appraisal",
                "民主评议结果",
                FieldType.CHOICE,
                choices=(
                    ("excellent", "优秀"),
                    ("qualified", "合格"),
                    ("basically_qualified", "基本合格"),
                    ("unqualified", "不合格"),
                ),
            ),
            Field("party_life", "参加组织生活和交纳党费情况", required=False),
        ),
    ),
    Action(
        "return_activity_card",
        "交回活动证",
        (S.CARD_HELD.value,),
        S.CARD_RETURNED.value,
        (CASEWORKER,),
        voids=(ACTIVITY_CARD,),
        sets_data=card_returned,
    ),
    Action(
        "record_mutual_contact",
        "登记双向联系",
        (S.AWAY.value,),
        None,
        (CASEWORKER, INFLOW_CASEWORKER, MEMBER),
        fields=(
            Field(
                "channel",
                "联系方式",
                FieldType.CHOICE,
                choices=(("phone", "电话"), ("online", "网络"), ("visit", "走访"), ("letter", "书信")),
            ),
            Field("summary", "联系情况"),
        ),
        sets_data=contact_recorded,
    ),
    Action(
        "record_participation",
        "登记组织生活、党费、思想汇报或任务完成情况",
        (S.AWAY.value,),
        None,
        (CASEWORKER, INFLOW_CASEWORKER, MEMBER),
        fields=(
            Field("kind", "事项", FieldType.CHOICE, choices=PARTICIPATION),
            Field("summary", "情况", required=False),
        ),
        sets_data=participation_recorded,
    ),
    Action(
        "report_lost_contact",
        "报告失去联系",
        (S.AWAY.value,),
        S.LOST_CONTACT.value,
        (CASEWORKER,),
        fields=(
            Field("last_contact_on", "最后一次取得联系的日期", FieldType.DATE),
            Field("search_efforts", "已采取的查找措施"),
        ),
        rules=(last_contact_matches_records,),
        sets_data=contact_lost,
    ),
    Action(
        "restore_contact",
        "恢复联系",
        (S.LOST_CONTACT.value,),
        S.AWAY.value,
        (CASEWORKER,),
        fields=(Field("summary", "联系情况"),),
        sets_data=contact_recorded,
    ),
    Action(
        "suspend_membership",
        "停止党籍（党支部决定）",
        (S.LOST_CONTACT.value,),
        S.MEMBERSHIP_SUSPENDED.value,
        (SECRETARY,),
        fields=(Field("decision", "党支部委员会的决定（会议日期及结论）"),),
        rules=(lost_contact_six_months,),
        subject_status="membership_suspended",
    ),
    Action(
        "refer_for_removal",
        "停止党籍满二年仍无法联系，提请除名",
        (S.MEMBERSHIP_SUSPENDED.value,),
        S.REFERRED_FOR_REMOVAL.value,
        (SECRETARY,),
        fields=(
            Field("still_unreachable", "经查找仍无法取得联系", FieldType.BOOLEAN),
            Field("findings", "查找情况"),
        ),
        rules=(two_years_since_suspension, still_unreachable),
        opens=(CaseOpening("disposition", data=removal_case),),
    ),
    Action(
        "report_self_lapse",
        "连续六个月未参加组织生活等，提请处置",
        (S.AWAY.value, S.LOST_CONTACT.value),
        None,
        (SECRETARY,),
        fields=(
            Field("ground", "情形", FieldType.CHOICE, choices=LAPSE_GROUNDS),
            Field("last_done_on", "最后一次参加（交纳、完成）的日期", FieldType.DATE),
            Field("without_justified_reason", "经查无正当理由", FieldType.BOOLEAN),
            Field("facts", "核实情况"),
        ),
        rules=(
            six_consecutive_months,
            lapse_matches_records,
            no_justified_reason,
            not_referred_already,
            dates_not_in_future,
        ),
        sets_data=lapse_referred,
        opens=(CaseOpening("disposition", data=self_lapse_case),),
    ),
    Action(
        "require_transfer",
        "在较固定地点满六个月，要求转接组织关系",
        (S.AWAY.value,),
        None,
        (SECRETARY,),
        fields=(
            Field("fixed_place_since", "在该地点工作生活的起始日期", FieldType.DATE),
            Field("workplace", "工作单位或居住地", max_length=200),
        ),
        rules=(fixed_place_six_months, transfer_not_requested_already, dates_not_in_future),
        sets_data=transfer_requested,
        opens=(CaseOpening("transfer", data=transfer_case),),
    ),
    Action(
        "end_mobile_management",
        "返乡或结束流动管理",
        (S.REGISTRATION.value, S.DEPARTURE_TALK.value, S.AWAY.value, S.LOST_CONTACT.value),
        S.ENDED.value,
        (CASEWORKER,),
        fields=(
            Field(
                "ending",
                "结束原因",
                FieldType.CHOICE,
                choices=(
                    ("returned_home", "返乡"),
                    ("relation_transferred", "已转接组织关系"),
                    ("not_leaving", "不再外出"),
                ),
            ),
        ),
        rules=(activity_card_returned,),
        voids=(ACTIVITY_CARD,),  # a card not returned (lost) is void from now on
        sets_subject=no_longer_mobile,
    ),
)

DEFINITION = Workflow(
    name="mobile",
    version="1",
    title="流动党员管理",
    description=(
        "党员外出前报备，党支部进行行前谈话；外出期间向流入地党组织双向通报，至少每季度双向联系一次，"
        "发放流动党员活动证并每年结合民主评议查验；流出、流入双方均可登记组织生活、党费、思想汇报和任务完成情况。"
        "在较为固定的地点满六个月的，要求转接组织关系（条例 第二十五条）；连续六个月不参加组织生活、不交党费"
        "或不做分配的工作且无正当理由的，移交处置（党章 第九条）；失去联系满六个月的，由党支部决定停止党籍，"
        "停止党籍满二年仍无法取得联系的，按自行脱党除名（条例 第二十四条）。"
    ),
    states=STATES,
    initial=S.REGISTRATION.value,
    actions=ACTIONS,
    documents=DOCUMENTS,
    opened_by=(CASEWORKER, MEMBER),
    main_path=(
        "register_departure",
        "hold_departure_talk",
        "send_mutual_notice",
        "acknowledge_mutual_notice",
        "issue_activity_card",
        "return_activity_card",
        "end_mobile_management",
    ),
    supervised_by=(Permission("committee_approver", At.APPROVING_COMMITTEE),),
)
