"""处置不合格党员: 限期改正, 劝退 or 除名 of one member, from the 支委会's proposal to the papers on file.

A case is opened by a rating of 不合格 (the annual assessment), by the 自行脱党 alert or by 停止党籍 after
two years (the mobile-member process; data {"ground": "self_lapse"}), or by a caseworker with a reason.
The 支委会 proposes a measure and files it in advance with the 基层党委 that has approval authority
(处置办法(2024)); then 调查核实, a talk by two full members (the facts, the proposed measure, the member's
view, or a record that they refused or stayed away), 预审 by the 基层党委 (for 劝退 and 除名 also the
organization department above, in writing), and the 支部大会: the member is notified to attend and may
defend themselves (党章 第四条); the vote is secret, one person at a time, with the quorum and majority of
an admission. 劝退 and 除名 then need the approval of the organization above (党章 第九条). Every decision
reaches the member in writing, with the right to appeal.

限期改正 normally lasts six months and at most a year (条例 第三十条), with help measures; at its end the
branch decides promptly: back to normal, or 劝退. 劝退 accepted → the member leaves; refused → 除名 by the
支部大会 and approval above. 自行脱党 → 除名 (党章 第九条; 条例 第三十一条). 退党 at the member's own
request → the 支部大会 discusses it, announces 除名 and files it with the organization above (党章 第九条).

An appeal (申诉) moves the case into its own stage: the branch must forward it (it cannot withhold it;
a late forward escalates to the organization above), and only the answer moves the case on — upheld,
the decision proceeds (a 限期改正 ends later by the days the appeal took); overturned, the measure is
rescinded. 除名 takes effect only when the appeal period has passed without an appeal or an appeal was
answered. After 劝退 or 除名 the member may not be admitted again for five years (处置办法(2024)); a matter
already punished by discipline is not disposed of again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from engine.calendar import add_months
from engine.definitions import (
    Action,
    At,
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
)
from engine.rules import PARTY_EXIT, EventView, RuleContext, field_is, majority_vote, rule
from workflows.profiles.disposition_values import CORRECTION, DISPOSITION, NATIONAL_VALUES, RIGHTS

CONSTITUTION = "党章 第九条"
SELF_LAPSE = "党章 第九条；条例 第三十一条"
ATTEND_AND_DEFEND = "党章 第四条"
VOTE = "处置办法(2024)；细则(2026) 第十九条、第二十条"
TRUE_RECORD = "如实记录：所填日期不得晚于办理当日"


class Measure(StrEnum):
    CORRECTION_PERIOD = "correction_period"
    ADVISED_WITHDRAWAL = "advised_withdrawal"
    REMOVAL = "removal"


MEASURE_LABELS = {
    Measure.CORRECTION_PERIOD: "限期改正",
    Measure.ADVISED_WITHDRAWAL: "劝退",
    Measure.REMOVAL: "除名",
}
GROUNDS = (
    ("unqualified_rating", "民主评议（积分考核）评定为不合格"),
    ("self_lapse", "自行脱党（连续六个月不参加组织生活、不交纳党费或不做分配的工作；停止党籍满二年）"),
    ("unqualified_conduct", "其他不符合党员条件的表现"),
    ("withdrawal_request", "本人要求退党"),
)
ATTENDANCE = (("attended", "本人参加谈话"), ("refused", "本人拒绝谈话"), ("absent", "本人经通知未到"))
DEFENSE = (
    ("defended_in_person", "到会申辩"),
    ("written_defense", "提交书面申辩"),
    ("declined", "表示不申辩"),
    ("absent_after_notice", "经通知未到会"),
)
READMISSION_BAR = Span(DurationUnit.YEARS, 5, "readmission_bar_years")
APPEAL_PERIOD = Span(DurationUnit.MONTHS, 1, "appeal_period_months")


class S(StrEnum):
    PROPOSAL = "PROPOSAL"
    ADVANCE_FILING = "ADVANCE_FILING"
    INVESTIGATION = "INVESTIGATION"
    TALK = "TALK"
    PRE_REVIEW = "PRE_REVIEW"
    BRANCH_MEETING = "BRANCH_MEETING"
    WITHDRAWAL_APPROVAL = "WITHDRAWAL_APPROVAL"
    REMOVAL_APPROVAL = "REMOVAL_APPROVAL"
    DECIDED = "DECIDED"
    NOTICE = "DECIDED.NOTICE"
    APPEAL_WINDOW = "DECIDED.APPEAL_WINDOW"
    APPEAL = "APPEAL"
    APPEAL_RECEIVED = "APPEAL.RECEIVED"
    APPEAL_FORWARDED = "APPEAL.FORWARDED"
    CORRECTION = "CORRECTION"
    CORRECTED = "CORRECTED"
    WITHDRAWN = "WITHDRAWN"
    REMOVED = "REMOVED"
    WITHDRAWAL_DISCUSSION = "WITHDRAWAL_DISCUSSION"
    WITHDRAWAL_FILING = "WITHDRAWAL_FILING"
    ARCHIVED = "ARCHIVED"
    RESCINDED = "RESCINDED"
    ENDED = "ENDED"


def setting(ctx: RuleContext, key: str) -> Any:
    """A profile value, else the national one (a profile that predates these settings still works)."""
    return ctx.policy.get(key, NATIONAL_VALUES[key])


def ground_of(ctx: RuleContext) -> str | None:
    """The referral's ground wins over the form's: a case opened by another process says why."""
    ground = ctx.data.get("ground") or ctx.inputs.get("ground")
    return str(ground) if ground else None


def _day(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else None


def _since_stage(ctx: RuleContext, openers: tuple[str, ...]) -> list[EventView]:
    """The acts since the case last entered a stage (the latest act among `openers`)."""
    last = max((i for i, e in enumerate(ctx.events) if e.action in openers), default=-1)
    return list(ctx.events[last + 1 :])


DATED_INPUTS = {
    "committee_meeting_on": "支委会会议日期",
    "talked_on": "谈话日期",
    "notified_on": "通知日期",
    "served_on": "送达日期",
    "lodged_on": "提出申诉的日期",
    "requested_on": "提出退党要求的日期",
}


@rule("dates_not_in_future", TRUE_RECORD, "所填日期不能晚于办理当日", needs_input=True)
def dates_not_in_future(ctx: RuleContext) -> Verdict:
    late = [
        label for name, label in DATED_INPUTS.items() if (day := _day(ctx.inputs.get(name))) and day > ctx.on
    ]
    return Verdict.fails("、".join(late)) if late else Verdict.holds()


# -- rules: the start ------------------------------------------------------------------------------


@rule("ground_stated", DISPOSITION, "请选择启动处置的情形", needs_input=True)
def ground_stated(ctx: RuleContext) -> Verdict:
    return Verdict(ground_of(ctx) is not None)


@rule("ground_as_referred", DISPOSITION, "本案由其他程序移送，处置情形应与移送时一致", needs_input=True)
def ground_as_referred(ctx: RuleContext) -> Verdict:
    referred, chosen = ctx.data.get("ground"), ctx.inputs.get("ground")
    return Verdict(not referred or not chosen or referred == chosen)


@rule("self_lapse_means_removal", SELF_LAPSE, "自行脱党的，应予除名，不适用限期改正或劝退")
def self_lapse_means_removal(ctx: RuleContext) -> Verdict:
    return Verdict(ground_of(ctx) != "self_lapse")


def _already_disciplined(ctx: RuleContext) -> bool:
    if ctx.inputs.get("already_disciplined") is True or ctx.data.get("already_disciplined") is True:
        return True
    investigation = ctx.data.get("complete_investigation")
    return isinstance(investigation, Mapping) and investigation.get("already_disciplined") is True


@rule("no_double_measure", DISPOSITION, "该问题已受过党纪处分，不再作组织处置（可终止本案并写明理由）")
def no_double_measure(ctx: RuleContext) -> Verdict:
    return Verdict(not _already_disciplined(ctx))


# -- rules: the talk and the pre-review ------------------------------------------------------------

TALKERS = ("talker_one", "talker_two")


@rule("talkers_are_full_members", DISPOSITION, "谈话应由两名正式党员进行", needs_input=True)
def talkers_are_full_members(ctx: RuleContext) -> Verdict:
    for name in TALKERS:
        person = ctx.person(name)
        if person is None:
            return Verdict.fails("所选谈话人不存在")
        if person["status"] != "full_member":
            return Verdict.fails(f"{person['name']}不是正式党员")
    return Verdict.holds()


@rule(
    "two_distinct_talkers",
    DISPOSITION,
    "谈话人应为两名不同的党员，且不能是被处置的党员本人",
    needs_input=True,
)
def two_distinct_talkers(ctx: RuleContext) -> Verdict:
    ids = [ctx.inputs.get(name) for name in TALKERS]
    subject = ctx.facts.get("subject", {}).get("id")
    return Verdict(ids[0] != ids[1] and subject not in ids)


@rule(
    "member_view_or_absence_recorded",
    DISPOSITION,
    "应记录本人对事实和拟处置措施的意见；本人拒绝谈话或未到的，应记录有关情况",
    needs_input=True,
)
def member_view_or_absence_recorded(ctx: RuleContext) -> Verdict:
    if ctx.inputs.get("attendance") == "attended":
        return Verdict(bool(ctx.inputs.get("member_view")))
    return Verdict(bool(ctx.inputs.get("absence_record")))


@rule(
    "department_opinion_in_writing",
    DISPOSITION,
    "劝退、除名的，还应经上级党组织的组织部门预审，并有书面意见",
    needs_input=True,
)
def department_opinion_in_writing(ctx: RuleContext) -> Verdict:
    severe = ctx.data.get("measure") in (Measure.ADVISED_WITHDRAWAL, Measure.REMOVAL)
    return Verdict(not severe or bool(ctx.inputs.get("department_opinion")))


# -- rules: the 支部大会 ------------------------------------------------------------------------------

MEETING_OPENERS = ("pass_pre_review", "refuse_advice")


@rule(
    "notified_before_meeting",
    ATTEND_AND_DEFEND,
    "应在开会前通知本人：通知日期不得晚于会议日期",
    needs_input=True,
)
def notified_before_meeting(ctx: RuleContext) -> Verdict:
    notified, meeting = _day(ctx.inputs.get("notified_on")), _day(ctx.inputs.get("meeting_on"))
    return Verdict(notified is None or meeting is None or notified <= meeting)


@rule("member_notified", ATTEND_AND_DEFEND, "未通知本人参加支部大会，不能作出决定")
def member_notified(ctx: RuleContext) -> Verdict:
    return Verdict(any(e.action == "notify_member" for e in _since_stage(ctx, MEETING_OPENERS)))


@rule("member_heard", ATTEND_AND_DEFEND, "未听取本人申辩（或记录本人不申辩、经通知未到会），不能作出决定")
def member_heard(ctx: RuleContext) -> Verdict:
    return Verdict(any(e.action == "record_defense" for e in _since_stage(ctx, MEETING_OPENERS)))


vote_passed = majority_vote(
    "vote_passed", VOTE, "支部大会表决未获通过：实到和赞成票均须超过应到会有表决权党员的半数"
)
secret_ballot = field_is("secret_ballot", "secret_ballot", True, VOTE, "应以无记名投票方式表决")
one_person_at_a_time = field_is(
    "one_person_at_a_time", "considered_individually", True, VOTE, "应逐个讨论、逐个表决"
)


def measure_is(measure: Measure) -> Rule:
    def check(ctx: RuleContext) -> Verdict:
        current = ctx.data.get("measure")
        if current == measure:
            return Verdict.holds()
        label = MEASURE_LABELS[Measure(current)] if current in {m.value for m in Measure} else "未确定"
        return Verdict.fails(f"本案的处置措施为“{label}”")

    return Rule(
        "measure_as_reviewed",
        DISPOSITION,
        "办理的措施应与预审通过（或劝退未果转为除名）的处置措施一致",
        check,
    )


# -- rules: 限期改正 ----------------------------------------------------------------------------------


def correction_months(ctx: RuleContext) -> int:
    chosen = ctx.inputs.get("correction_months")
    return int(chosen) if isinstance(chosen, int) else int(setting(ctx, "correction_period_default_months"))


@rule(
    "correction_period_within_bound", CORRECTION, "限期改正期限通常为六个月，最长不超过一年", needs_input=True
)
def correction_period_within_bound(ctx: RuleContext) -> Verdict:
    months, longest = correction_months(ctx), int(setting(ctx, "correction_period_max_months"))
    return Verdict.holds() if months <= longest else Verdict.fails(f"期限{months}个月，最长{longest}个月")


@rule("correction_period_reason", CORRECTION, "限期改正期限不是通常期限的，应写明理由", needs_input=True)
def correction_period_reason(ctx: RuleContext) -> Verdict:
    usual = int(setting(ctx, "correction_period_default_months"))
    return Verdict(correction_months(ctx) == usual or bool(ctx.inputs.get("period_reason")))


@rule("helper_is_full_member", CORRECTION, "帮扶人应为正式党员", needs_input=True)
def helper_is_full_member(ctx: RuleContext) -> Verdict:
    if ctx.inputs.get("helper") is None:
        return Verdict.holds()
    helper = ctx.person("helper")
    return Verdict(helper is not None and helper["status"] == "full_member")


def _correction_over(ctx: RuleContext) -> Verdict:
    ends = _day(ctx.data.get("correction_ends"))
    if ends is None:
        return Verdict.fails("限期改正期限尚未确定")
    earliest = ends + timedelta(days=1)
    return Verdict.holds() if ctx.on >= earliest else Verdict.fails(earliest=earliest)


correction_period_over = Rule(
    "correction_period_over",
    CORRECTION,
    "限期改正期满后方可作出恢复正常或劝退的决定",
    _correction_over,
    time_bound=True,
)


# -- rules: notice and appeal ----------------------------------------------------------------------

DECISIONS = ("decide_correction_period", "approve_advised_withdrawal", "approve_removal")

appeal_right_stated = field_is(
    "appeal_right_stated", "appeal_right_stated", True, RIGHTS, "书面决定应写明本人有申诉的权利"
)


@rule("served_after_decision", RIGHTS, "送达日期不得早于作出（批准）决定的日期", needs_input=True)
def served_after_decision(ctx: RuleContext) -> Verdict:
    served = _day(ctx.inputs.get("served_on"))
    decided = max((e.on for e in ctx.events if e.action in DECISIONS), default=None)
    return Verdict(served is None or decided is None or served >= decided)


def _appeal_period_over(ctx: RuleContext) -> Verdict:
    appeal = ctx.data.get("appeal")
    if isinstance(appeal, Mapping) and appeal.get("outcome") == "upheld":
        return Verdict.holds()
    served = _day(ctx.data.get("notice_served_on"))
    if served is None:
        return Verdict.fails("书面决定尚未送达本人")
    earliest = ctx.calendar.add(served, APPEAL_PERIOD.resolve(ctx.policy)).day + timedelta(days=1)
    return Verdict.holds() if ctx.on >= earliest else Verdict.fails(earliest=earliest)


appeal_period_over = Rule(
    "appeal_period_over",
    RIGHTS,
    "申诉期内未申诉或申诉已答复维持原决定，除名方可执行",
    _appeal_period_over,
    time_bound=True,
)


# -- derived values --------------------------------------------------------------------------------


def proposed(measure: Measure) -> Callable[[RuleContext], Mapping[str, Any]]:
    def proposal(ctx: RuleContext) -> dict[str, Any]:
        return {"ground": ground_of(ctx), "measure": str(measure), "proposed_on": ctx.on.isoformat()}

    proposal.__name__ = f"proposed_{measure}"
    return proposal


def pre_reviewed(ctx: RuleContext) -> dict[str, Any]:
    return {"pre_reviewed_measure": ctx.data.get("measure"), "pre_reviewed_on": ctx.on.isoformat()}


def correction_decided(ctx: RuleContext) -> dict[str, Any]:
    """The period runs from the meeting and ends the day before the months' anniversary."""
    months = correction_months(ctx)
    return {
        "correction_months": months,
        "correction_starts": ctx.on.isoformat(),
        "correction_ends": (add_months(ctx.on, months) - timedelta(days=1)).isoformat(),
    }


def notice_served(ctx: RuleContext) -> dict[str, Any]:
    return {"notice_served_on": ctx.inputs["served_on"]}


def appeal_lodged(ctx: RuleContext) -> dict[str, Any]:
    return {"appeal": {"lodged_on": ctx.inputs["lodged_on"], "outcome": None}}


def appeal_forwarded(ctx: RuleContext) -> dict[str, Any]:
    return {"appeal": {**ctx.data["appeal"], "forwarded_on": ctx.on.isoformat()}}


def appeal_upheld(ctx: RuleContext) -> dict[str, Any]:
    """Upheld: a running 限期改正 ends later by the days the appeal took (the appeal paused it)."""
    appeal = dict(ctx.data["appeal"])
    paused = (ctx.on - date.fromisoformat(appeal["lodged_on"])).days
    found: dict[str, Any] = {"appeal": {**appeal, "outcome": "upheld", "answered_on": ctx.on.isoformat()}}
    ends = _day(ctx.data.get("correction_ends"))
    if ctx.data.get("measure") == Measure.CORRECTION_PERIOD and ends is not None:
        found["correction_ends"] = (ends + timedelta(days=paused)).isoformat()
        found["appeal"]["paused_days"] = paused
    return found


def appeal_overturned(ctx: RuleContext) -> dict[str, Any]:
    found: dict[str, Any] = {
        "appeal": {**ctx.data["appeal"], "outcome": "overturned", "answered_on": ctx.on.isoformat()}
    }
    if isinstance(ctx.data.get("exit"), Mapping):
        found["exit"] = {**ctx.data["exit"], "rescinded_on": ctx.on.isoformat()}
    return found


def status_restored(ctx: RuleContext) -> dict[str, Any]:
    """An overturned 除名 gives the member back the status they had before it took effect, and the
    exit record on the person is marked rescinded (it bars no re-admission)."""
    exit_record = ctx.data.get("exit")
    if not isinstance(exit_record, Mapping):
        return {}
    rescinded = {**exit_record, "rescinded_on": ctx.on.isoformat()}
    return {"status": exit_record["status_before"], "extra": {PARTY_EXIT: rescinded}}


def advice_refused(ctx: RuleContext) -> dict[str, Any]:
    return {"measure": str(Measure.REMOVAL), "advice_refused_on": ctx.on.isoformat()}


def no_change_after_correction(ctx: RuleContext) -> dict[str, Any]:
    return {"measure": str(Measure.ADVISED_WITHDRAWAL), "correction_outcome": "no_change"}


def corrected(ctx: RuleContext) -> dict[str, Any]:
    return {"correction_outcome": "corrected"}


def withdrawal_requested(ctx: RuleContext) -> dict[str, Any]:
    return {"ground": "withdrawal_request", "measure": str(Measure.REMOVAL)}


def party_exit(ctx: RuleContext, kind: Measure) -> dict[str, Any]:
    """The record of leaving the party: what `engine.rules.no_recent_removal` reads on the person.

    Kept on the case as `data["exit"]` and on the person as `extra[PARTY_EXIT]`. An exit already
    recorded (a 除名 registered again after an upheld late appeal) keeps its first date."""
    earlier = ctx.data.get("exit")
    if isinstance(earlier, Mapping) and not earlier.get("rescinded_on"):
        return dict(earlier)
    return {
        "kind": str(kind),
        "ground": ctx.data.get("ground"),
        "on": ctx.on.isoformat(),
        "readmission_possible_from": ctx.calendar.add(
            ctx.on, READMISSION_BAR.resolve(ctx.policy)
        ).day.isoformat(),
        "status_before": ctx.facts.get("subject", {}).get("status"),
    }


def exited(kind: Measure) -> Callable[[RuleContext], Mapping[str, Any]]:
    def record(ctx: RuleContext) -> dict[str, Any]:
        return {"exit": party_exit(ctx, kind)}

    record.__name__ = f"exited_by_{kind}"
    return record


def exit_on_person(kind: Measure) -> Callable[[RuleContext], Mapping[str, Any]]:
    """The same exit record on the person, where a later application is checked against it."""

    def record(ctx: RuleContext) -> dict[str, Any]:
        return {"extra": {PARTY_EXIT: party_exit(ctx, kind)}}

    record.__name__ = f"person_exited_by_{kind}"
    return record


# -- the process -----------------------------------------------------------------------------------

CASEWORKER = Permission("caseworker")
SECRETARY = Permission("branch_secretary")
COMMITTEE = Permission("committee_approver", At.APPROVING_COMMITTEE)
MEMBER = Permission("member", At.SUBJECT)


def task(
    name: str, label: str, role: str, *actions: str, at: str = At.OWNER, due: Due | None = None
) -> TaskSpec:
    return TaskSpec(name, label, role, at, due=due, actions=actions)


CORRECTION_END = Due(Span(DurationUnit.CALENDAR_DAYS, 0), "data.correction_ends")
CORRECTION_DECISION = Due(Span(DurationUnit.MONTHS, 1, "correction_decision_months"), "data.correction_ends")
HELP_EVERY = Span(DurationUnit.MONTHS, 1, "correction_help_months")
FORWARD_DUE = Due(Span(DurationUnit.WORKING_DAYS, 5, "appeal_forward_working_days"))
APPEAL_ENDS = Due(APPEAL_PERIOD, "event.serve_notice")
MEASURE_ACTIONS = ("begin_correction", "accept_advice", "refuse_advice", "remove_member")

STATES = (
    State(
        "PROPOSAL",
        "支委会提出处置意见",
        tasks=(
            task(
                "propose_measure",
                "研究提出处置意见",
                "branch_secretary",
                "propose_correction_period",
                "propose_advised_withdrawal",
                "propose_removal",
                "record_withdrawal_request",
            ),
        ),
    ),
    State(
        "ADVANCE_FILING",
        "向基层党委事前备案",
        tasks=(
            task(
                "receive_advance_filing",
                "接收处置意见事前备案",
                "committee_approver",
                "acknowledge_advance_filing",
                at=At.APPROVING_COMMITTEE,
            ),
        ),
    ),
    State(
        "INVESTIGATION",
        "调查核实",
        tasks=(task("investigate", "调查核实有关情况", "caseworker", "complete_investigation"),),
    ),
    State(
        "TALK",
        "谈话",
        tasks=(task("hold_talk", "安排两名正式党员与本人谈话", "branch_secretary", "record_talk"),),
    ),
    State(
        "PRE_REVIEW",
        "基层党委预审",
        tasks=(
            task(
                "pre_review",
                "预审处置意见（劝退、除名还须上级组织部门书面预审）",
                "committee_approver",
                "pass_pre_review",
                "return_for_investigation",
                at=At.APPROVING_COMMITTEE,
            ),
        ),
    ),
    State(
        "BRANCH_MEETING",
        "支部党员大会",
        tasks=(
            task(
                "hold_branch_meeting",
                "通知本人到会，听取申辩，召开支部大会表决",
                "branch_secretary",
                "notify_member",
                "record_defense",
                "decide_correction_period",
                "decide_advised_withdrawal",
                "decide_removal",
            ),
        ),
    ),
    State(
        "WITHDRAWAL_APPROVAL",
        "劝退待上级批准",
        tasks=(
            task(
                "approve_withdrawal",
                "审批劝退",
                "committee_approver",
                "approve_advised_withdrawal",
                "refuse_approval",
                at=At.APPROVING_COMMITTEE,
            ),
        ),
    ),
    State(
        "REMOVAL_APPROVAL",
        "除名待上级批准",
        tasks=(
            task(
                "approve_removal",
                "审批除名",
                "committee_approver",
                "approve_removal",
                "refuse_approval",
                at=At.APPROVING_COMMITTEE,
            ),
        ),
    ),
    State(
        "DECIDED",
        "决定已作出",
        initial="NOTICE",
        children=(
            State(
                "NOTICE",
                "书面通知本人",
                tasks=(
                    task(
                        "serve_notice",
                        "向本人送达书面决定（告知申诉权利）",
                        "branch_secretary",
                        "serve_notice",
                    ),
                ),
            ),
            State(
                "APPEAL_WINDOW",
                "执行决定",
                tasks=(
                    task(
                        "carry_out_decision",
                        "执行决定：开始限期改正、登记劝退答复，或申诉期满后执行除名",
                        "branch_secretary",
                        *MEASURE_ACTIONS,
                        due=APPEAL_ENDS,
                    ),
                ),
            ),
        ),
    ),
    State(
        "APPEAL",
        "申诉",
        initial="RECEIVED",
        children=(
            State(
                "RECEIVED",
                "待转呈申诉",
                tasks=(
                    task(
                        "forward_appeal",
                        "转呈本人申诉（不得扣压）",
                        "branch_secretary",
                        "forward_appeal",
                        due=FORWARD_DUE,
                    ),
                ),
                timers=(
                    TimerSpec(
                        "forward_appeal_deadline",
                        TimerKind.ESCALATION,
                        FORWARD_DUE,
                        label="转呈申诉期限",
                        notify_role="committee_approver",
                    ),
                ),
            ),
            State(
                "FORWARDED",
                "申诉已转呈，待答复",
                tasks=(
                    task(
                        "record_appeal_answer",
                        "登记申诉答复",
                        "committee_approver",
                        "uphold_on_appeal",
                        "overturn_on_appeal",
                        at=At.APPROVING_COMMITTEE,
                    ),
                ),
            ),
        ),
    ),
    State(
        "CORRECTION",
        "限期改正",
        tasks=(
            task(
                "help_member",
                "帮扶谈心，了解改正情况",
                "branch_secretary",
                "record_help",
                due=Due(HELP_EVERY),
            ),
            task(
                "conclude_correction",
                "限期改正期满：及时作出恢复正常或劝退的决定",
                "branch_secretary",
                "conclude_correction",
                "find_no_change",
                due=CORRECTION_DECISION,
            ),
        ),
        timers=(
            TimerSpec(
                "help_member_due",
                TimerKind.RECURRING,
                Due(HELP_EVERY),
                label="帮扶谈心",
                every=HELP_EVERY,
                task="help_member",
            ),
            TimerSpec(
                "correction_end_reminder",
                TimerKind.REMINDER,
                CORRECTION_END,
                label="限期改正期满",
                notify_role="branch_secretary",
                before_days=14,
            ),
            TimerSpec(
                "correction_decision_deadline",
                TimerKind.ESCALATION,
                CORRECTION_DECISION,
                label="限期改正期满后作出决定",
                notify_role="committee_approver",
            ),
        ),
    ),
    State(
        "CORRECTED", "已改正，恢复正常", tasks=(task("file_papers", "材料归档", "caseworker", "file_papers"),)
    ),
    State(
        "WITHDRAWN", "接受劝退，已退党", tasks=(task("file_papers", "材料归档", "caseworker", "file_papers"),)
    ),
    State("REMOVED", "已除名", tasks=(task("file_papers", "材料归档", "caseworker", "file_papers"),)),
    State(
        "WITHDRAWAL_DISCUSSION",
        "本人要求退党：支部大会讨论",
        tasks=(task("discuss_withdrawal", "支部大会讨论退党申请", "branch_secretary", "announce_removal"),),
    ),
    State(
        "WITHDRAWAL_FILING",
        "宣布除名，报上级党组织备案",
        tasks=(
            task(
                "receive_withdrawal_filing",
                "接收退党除名备案",
                "committee_approver",
                "acknowledge_withdrawal_filing",
                at=At.APPROVING_COMMITTEE,
            ),
        ),
    ),
    State("ARCHIVED", "已归档", final=True),
    State("RESCINDED", "申诉后撤销处置", final=True),
    State("ENDED", "终止处置", final=True),
)

VOTE_FIELDS = (
    Field("voters_expected", "应到会有表决权的党员", FieldType.INTEGER, minimum=1),
    Field("voters_present", "实到会有表决权的党员", FieldType.INTEGER, minimum=0),
    Field("written_opinions", "未到会党员的书面意见", FieldType.INTEGER, required=False, minimum=0),
    Field("votes_for", "赞成票", FieldType.INTEGER, minimum=0),
    Field("secret_ballot", "无记名投票", FieldType.BOOLEAN),
    Field("considered_individually", "逐个讨论、逐个表决", FieldType.BOOLEAN),
    Field("resolution", "会议决议（主要事实和理由）"),
)
MEETING_RULES = (
    member_notified,
    member_heard,
    secret_ballot,
    one_person_at_a_time,
    vote_passed,
    no_double_measure,
)
PROPOSAL_FIELDS = (
    Field("ground", "启动处置的情形", FieldType.CHOICE, required=False, choices=GROUNDS[:3]),
    Field("committee_meeting_on", "支委会会议日期", FieldType.DATE),
    Field("facts", "主要问题和理由"),
)


def propose(measure: Measure, *extra_rules: Rule) -> Action:
    return Action(
        f"propose_{measure}",
        f"支委会提出{MEASURE_LABELS[measure]}意见",
        (S.PROPOSAL.value,),
        S.ADVANCE_FILING.value,
        (SECRETARY,),
        fields=PROPOSAL_FIELDS,
        rules=(ground_stated, ground_as_referred, dates_not_in_future, *extra_rules),
        sets_data=proposed(measure),
    )


def decide(measure: Measure, target: str, *extra_fields: Field, rules: tuple[Rule, ...] = ()) -> Action:
    return Action(
        f"decide_{measure}",
        f"支部大会表决{MEASURE_LABELS[measure]}",
        (S.BRANCH_MEETING.value,),
        target,
        (SECRETARY,),
        fields=(*VOTE_FIELDS, *extra_fields),
        rules=(measure_is(measure), *MEETING_RULES, *rules),
        sets_data=correction_decided if measure is Measure.CORRECTION_PERIOD else None,
        documents=("correction_notice",) if measure is Measure.CORRECTION_PERIOD else (),
    )


APPROVAL_FIELDS = (
    Field("approval_number", "批复文号", max_length=100),
    Field("opinion", "审批意见", required=False),
)
FILING_FIELDS = (Field("archive", "归档去向（党员档案或人事档案）", required=False),)

ACTIONS = (
    propose(Measure.CORRECTION_PERIOD, self_lapse_means_removal),
    propose(Measure.ADVISED_WITHDRAWAL, self_lapse_means_removal),
    propose(Measure.REMOVAL),
    Action(
        "acknowledge_advance_filing",
        "基层党委接收事前备案",
        (S.ADVANCE_FILING.value,),
        S.INVESTIGATION.value,
        (COMMITTEE,),
        fields=(Field("opinion", "意见", required=False),),
    ),
    Action(
        "complete_investigation",
        "完成调查核实",
        (S.INVESTIGATION.value,),
        S.TALK.value,
        (CASEWORKER, SECRETARY),
        fields=(
            Field("findings", "核实的事实"),
            Field("already_disciplined", "该问题已受过党纪处分", FieldType.BOOLEAN),
        ),
        rules=(no_double_measure,),
    ),
    Action(
        "record_talk",
        "登记谈话情况",
        (S.TALK.value,),
        S.PRE_REVIEW.value,
        (SECRETARY,),
        fields=(
            Field("talker_one", "谈话人（正式党员）", FieldType.PERSON),
            Field("talker_two", "谈话人（正式党员）", FieldType.PERSON),
            Field("talked_on", "谈话日期", FieldType.DATE),
            Field("attendance", "本人情况", FieldType.CHOICE, choices=ATTENDANCE),
            Field("facts_stated", "向本人说明的事实和拟处置措施"),
            Field("member_view", "本人意见", required=False),
            Field("absence_record", "拒绝谈话或未到的情况记录", required=False),
        ),
        rules=(
            talkers_are_full_members,
            two_distinct_talkers,
            member_view_or_absence_recorded,
            dates_not_in_future,
        ),
    ),
    Action(
        "pass_pre_review",
        "预审通过",
        (S.PRE_REVIEW.value,),
        S.BRANCH_MEETING.value,
        (COMMITTEE,),
        fields=(
            Field("opinion", "基层党委预审意见"),
            Field(
                "department_opinion", "上级组织部门书面预审意见（文号及意见，劝退、除名必填）", required=False
            ),
        ),
        rules=(department_opinion_in_writing, no_double_measure),
        sets_data=pre_reviewed,
    ),
    Action(
        "return_for_investigation",
        "预审退回补充调查",
        (S.PRE_REVIEW.value,),
        S.INVESTIGATION.value,
        (COMMITTEE,),
        requires_reason=True,
    ),
    Action(
        "notify_member",
        "通知本人参加支部大会",
        (S.BRANCH_MEETING.value,),
        None,
        (SECRETARY,),
        fields=(
            Field("notified_on", "通知日期", FieldType.DATE),
            Field("meeting_on", "会议日期", FieldType.DATE),
            Field(
                "means",
                "通知方式",
                FieldType.CHOICE,
                choices=(("written", "书面通知"), ("in_person", "当面通知"), ("phone", "电话通知")),
            ),
        ),
        rules=(notified_before_meeting, dates_not_in_future),
    ),
    Action(
        "record_defense",
        "登记本人申辩情况",
        (S.BRANCH_MEETING.value,),
        None,
        (SECRETARY,),
        fields=(
            Field("defense", "申辩情况", FieldType.CHOICE, choices=DEFENSE),
            Field("statement", "申辩要点", required=False),
            Field("spoken_for_by", "为其作证或辩护的党员", required=False),
        ),
    ),
    decide(
        Measure.CORRECTION_PERIOD,
        S.DECIDED.value,
        Field(
            "correction_months", "改正期限（月）", FieldType.INTEGER, required=False, minimum=1, maximum=12
        ),
        Field("period_reason", "期限不是通常期限的理由", required=False),
        Field("requirements", "改正要求"),
        Field("help_measures", "帮扶措施"),
        Field("helper", "帮扶人（正式党员）", FieldType.PERSON, required=False),
        rules=(correction_period_within_bound, correction_period_reason, helper_is_full_member),
    ),
    decide(Measure.ADVISED_WITHDRAWAL, S.WITHDRAWAL_APPROVAL.value),
    decide(Measure.REMOVAL, S.REMOVAL_APPROVAL.value),
    Action(
        "approve_advised_withdrawal",
        "批准劝退",
        (S.WITHDRAWAL_APPROVAL.value,),
        S.DECIDED.value,
        (COMMITTEE,),
        fields=APPROVAL_FIELDS,
        rules=(no_double_measure,),
        documents=("advised_withdrawal_decision",),
    ),
    Action(
        "approve_removal",
        "批准除名",
        (S.REMOVAL_APPROVAL.value,),
        S.DECIDED.value,
        (COMMITTEE,),
        fields=APPROVAL_FIELDS,
        rules=(no_double_measure,),
        documents=("removal_decision",),
    ),
    Action(
        "refuse_approval",
        "不予批准",
        (S.WITHDRAWAL_APPROVAL.value, S.REMOVAL_APPROVAL.value),
        S.ENDED.value,
        (COMMITTEE,),
        requires_reason=True,
    ),
    Action(
        "serve_notice",
        "送达书面决定",
        (S.NOTICE.value,),
        S.APPEAL_WINDOW.value,
        (SECRETARY,),
        fields=(
            Field("served_on", "送达日期", FieldType.DATE),
            Field("appeal_right_stated", "已告知本人有申诉的权利", FieldType.BOOLEAN),
            Field(
                "acknowledgement",
                "本人签收情况",
                FieldType.CHOICE,
                choices=(("signed", "本人签收"), ("refused_to_sign", "本人拒绝签收（已记录在案）")),
            ),
        ),
        rules=(appeal_right_stated, served_after_decision, dates_not_in_future),
        sets_data=notice_served,
    ),
    Action(
        "begin_correction",
        "开始（申诉后恢复）限期改正",
        (S.APPEAL_WINDOW.value,),
        S.CORRECTION.value,
        (SECRETARY,),
        rules=(measure_is(Measure.CORRECTION_PERIOD),),
    ),
    Action(
        "accept_advice",
        "本人接受劝退，办理退党",
        (S.APPEAL_WINDOW.value,),
        S.WITHDRAWN.value,
        (SECRETARY,),
        fields=(Field("statement", "本人退党表态（书面材料）"),),
        rules=(measure_is(Measure.ADVISED_WITHDRAWAL),),
        subject_status="withdrawn",
        sets_data=exited(Measure.ADVISED_WITHDRAWAL),
        sets_subject=exit_on_person(Measure.ADVISED_WITHDRAWAL),
    ),
    Action(
        "refuse_advice",
        "本人坚持不退，提交支部大会讨论除名",
        (S.APPEAL_WINDOW.value,),
        S.BRANCH_MEETING.value,
        (SECRETARY,),
        fields=(
            Field(
                "answer",
                "本人答复",
                FieldType.CHOICE,
                choices=(("refused", "明确拒绝退党"), ("no_answer", "逾期不作答复")),
            ),
        ),
        rules=(measure_is(Measure.ADVISED_WITHDRAWAL),),
        sets_data=advice_refused,
    ),
    Action(
        "remove_member",
        "执行除名",
        (S.APPEAL_WINDOW.value,),
        S.REMOVED.value,
        (SECRETARY,),
        rules=(measure_is(Measure.REMOVAL), appeal_period_over),
        subject_status="removed",
        sets_data=exited(Measure.REMOVAL),
        sets_subject=exit_on_person(Measure.REMOVAL),
    ),
    Action(
        "lodge_appeal",
        "登记本人申诉",
        (S.NOTICE.value, S.APPEAL_WINDOW.value, S.CORRECTION.value, S.REMOVED.value),
        S.APPEAL_RECEIVED.value,
        (CASEWORKER, SECRETARY, MEMBER),
        fields=(
            Field("lodged_on", "提出申诉的日期", FieldType.DATE),
            Field("grounds", "申诉理由"),
            Field("addressed_to", "申诉所向的上级党组织", required=False),
        ),
        rules=(dates_not_in_future,),
        sets_data=appeal_lodged,
    ),
    Action(
        "forward_appeal",
        "转呈申诉",
        (S.APPEAL_RECEIVED.value,),
        S.APPEAL_FORWARDED.value,
        (SECRETARY,),
        fields=(Field("forwarded_to", "转呈的党组织"),),
        sets_data=appeal_forwarded,
    ),
    Action(
        "uphold_on_appeal",
        "申诉答复：维持原决定",
        (S.APPEAL_FORWARDED.value,),
        S.APPEAL_WINDOW.value,
        (COMMITTEE,),
        fields=(Field("answered_by", "作出答复的党组织"), Field("answer", "答复意见")),
        sets_data=appeal_upheld,
    ),
    Action(
        "overturn_on_appeal",
        "申诉答复：撤销处置",
        (S.APPEAL_FORWARDED.value,),
        S.RESCINDED.value,
        (COMMITTEE,),
        fields=(Field("answered_by", "作出答复的党组织"), Field("answer", "答复意见")),
        sets_data=appeal_overturned,
        sets_subject=status_restored,
    ),
    Action(
        "record_help",
        "登记帮扶谈心",
        (S.CORRECTION.value,),
        None,
        (SECRETARY,),
        fields=(Field("helped_by", "帮扶人"), Field("summary", "谈心和改正情况")),
    ),
    Action(
        "conclude_correction",
        "期满已改正，恢复正常",
        (S.CORRECTION.value,),
        S.CORRECTED.value,
        (SECRETARY,),
        fields=(Field("assessment", "改正情况"),),
        rules=(correction_period_over,),
        sets_data=corrected,
    ),
    Action(
        "find_no_change",
        "期满仍无转变，拟予劝退",
        (S.CORRECTION.value,),
        S.TALK.value,
        (SECRETARY,),
        fields=(Field("assessment", "改正情况"),),
        rules=(correction_period_over,),
        sets_data=no_change_after_correction,
    ),
    Action(
        "record_withdrawal_request",
        "登记本人退党要求",
        (S.PROPOSAL.value,),
        S.WITHDRAWAL_DISCUSSION.value,
        (SECRETARY,),
        fields=(
            Field("requested_on", "提出退党要求的日期", FieldType.DATE),
            Field("request", "本人退党要求（书面材料）"),
            Field("talk_summary", "党组织谈话情况", required=False),
        ),
        rules=(dates_not_in_future,),
        sets_data=withdrawal_requested,
    ),
    Action(
        "announce_removal",
        "支部大会讨论后宣布除名",
        (S.WITHDRAWAL_DISCUSSION.value,),
        S.WITHDRAWAL_FILING.value,
        (SECRETARY,),
        fields=(Field("discussion", "支部大会讨论情况"),),
        subject_status="removed",
        sets_data=exited(Measure.REMOVAL),
        sets_subject=exit_on_person(Measure.REMOVAL),
        documents=("withdrawal_removal_notice",),
    ),
    Action(
        "acknowledge_withdrawal_filing",
        "上级党组织接收备案",
        (S.WITHDRAWAL_FILING.value,),
        S.ARCHIVED.value,
        (COMMITTEE,),
        fields=FILING_FIELDS,
    ),
    Action(
        "file_papers",
        "材料归档",
        (S.CORRECTED.value, S.WITHDRAWN.value, S.REMOVED.value),
        S.ARCHIVED.value,
        (CASEWORKER,),
        fields=FILING_FIELDS,
    ),
    Action(
        "end_disposition",
        "终止处置",
        (
            S.PROPOSAL.value,
            S.ADVANCE_FILING.value,
            S.INVESTIGATION.value,
            S.TALK.value,
            S.PRE_REVIEW.value,
            S.BRANCH_MEETING.value,
        ),
        S.ENDED.value,
        (SECRETARY,),
        fields=(
            Field(
                "outcome",
                "终止原因",
                FieldType.CHOICE,
                choices=(
                    ("already_disciplined", "该问题已受党纪处分"),
                    ("facts_not_established", "经核实问题不成立"),
                    ("not_adopted", "支部大会表决未通过"),
                    ("other", "其他"),
                ),
            ),
        ),
        requires_reason=True,
    ),
)

DOCUMENTS = (
    DocumentSpec("correction_notice", "限期改正通知书", "common/notice.html", At.OWNER, "限改字"),
    DocumentSpec("advised_withdrawal_decision", "劝退决定通知书", "common/notice.html", At.OWNER, "劝退字"),
    DocumentSpec("removal_decision", "除名决定通知书", "common/notice.html", At.OWNER, "除名字"),
    DocumentSpec("withdrawal_removal_notice", "退党除名通知书", "common/notice.html", At.OWNER, "除名字"),
)

DEFINITION = Workflow(
    name="disposition",
    version="1",
    title="处置不合格党员",
    description=(
        "民主评议评定为不合格、自行脱党、停止党籍满二年仍无法联系，或经办人写明理由提出的，由支委会提出处"
        "置意见并向具有审批权限的基层党委事前备案（处置办法(2024)）；调查核实后，由两名正式党员与本人谈话"
        "，基层党委预审（劝退、除名还须上级组织部门书面预审），支部大会通知本人到会申辩后逐个无记名表决（"
        "党章 第四条）；劝退、除名报上级党组织批准（党章 第九条），书面决定送达本人并告知申诉权利。限期改"
        "正通常六个月、最长一年，期满及时决定恢复正常或劝退（条例 第三十条）；劝而不退的、自行脱党的，除"
        "名（条例 第三十一条）；本人要求退党的，支部大会讨论后宣布除名并报上级备案。申诉期间暂停执行，申"
        "诉须转呈、不得扣压。劝退、除名后五年内不得重新入党；已受党纪处分的同一问题不再处置。"
    ),
    states=STATES,
    initial=S.PROPOSAL.value,
    actions=ACTIONS,
    opened_by=(CASEWORKER, SECRETARY),
    documents=DOCUMENTS,
    main_path=(
        "propose_correction_period",
        "acknowledge_advance_filing",
        "complete_investigation",
        "record_talk",
        "pass_pre_review",
        "notify_member",
        "record_defense",
        "decide_correction_period",
        "serve_notice",
        "begin_correction",
        "conclude_correction",
        "file_papers",
    ),
    supervised_by=(COMMITTEE,),
)
