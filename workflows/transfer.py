"""组织关系转接: a member's organization relation moves to a new organization by a 介绍信 or online.

The member (or a caseworker for them) asks; the sending branch reviews; the 基层党委 with approval
authority above it issues the 党员组织关系介绍信 (one number for 存根, 介绍信 and 回执; 党费交至;
validity in days by route, default 30, never over 90); the member reports (报到) to the receiving
organization within the validity; the receiving 基层党委 accepts, which moves the member's relation
to the receiving branch (`inflow_side`) in that one transaction, together with their open cases of
processes that follow the person; it then returns the 回执 within one month. Until acceptance the
sending side stays responsible (条例 第二十五条): its custody task stays open in its queue.

Paths: online (both ends on the platform: the receiver may ask for missing papers, accept, refuse
with a reason, or roll the transfer back for correction, 信息回退); a paper letter to a receiver off
the platform (the sending side records the returned 回执 by hand, which is the acceptance); a paper
letter from a sender off the platform (the receiving side records the letter by hand). An expired
letter is voided and re-issued under a new number, a lost one likewise; every voided number stays on
record. A short absence gets a 党员证明信 instead; a member who never reports and drops out of party
life for six months is referred to the disposition process (自行脱党).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, timedelta
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
from engine.rules import RuleContext, field_is, rule
from workflows.profiles.transfer_values import VALIDITY

TRANSFER_ARTICLE = "条例 第二十五条"
LETTER_FORM = "组通字〔2006〕45号（存根、介绍信、回执同一编号）"
REPORT_IN = "组通字〔2006〕45号（介绍信有效期）"
RECEIPT = "组通字〔2006〕45号（回执）"
ONLINE = "条例 第三十七条"
SELF_LAPSE = "党章 第九条；条例 第三十一条"
CERTIFICATE = "组织关系转接实践：外出六个月以内开具党员证明信"
TRUE_RECORD = "如实记录：所填日期不得晚于办理当日"


class S(StrEnum):
    REQUESTED = "REQUESTED"
    BRANCH_REVIEW = "BRANCH_REVIEW"
    LETTER_ISSUANCE = "LETTER_ISSUANCE"
    REISSUE = "REISSUE"
    IN_TRANSIT = "IN_TRANSIT"
    AWAITING_REPORT_IN = "IN_TRANSIT.AWAITING_REPORT_IN"
    RECEIVER_REVIEW = "IN_TRANSIT.RECEIVER_REVIEW"
    PAPERS_REQUESTED = "IN_TRANSIT.PAPERS_REQUESTED"
    ROLLED_BACK = "ROLLED_BACK"
    AWAITING_RECEIPT = "AWAITING_RECEIPT"
    COMPLETED = "COMPLETED"
    CERTIFICATE_ISSUED = "CERTIFICATE_ISSUED"
    REFUSED = "REFUSED"
    CANCELLED = "CANCELLED"
    REFERRED_FOR_DISPOSITION = "REFERRED_FOR_DISPOSITION"


class Delivery(StrEnum):
    """Which ends are on the platform; kept in case data as `delivery` (absent means ONLINE)."""

    ONLINE = "online"  # both ends on the platform
    PAPER_OUT = "paper_out"  # the receiver is off the platform: a paper letter, its 回执 recorded by hand
    PAPER_IN = "paper_in"  # the sender is off the platform: the receiver records the paper letter


ROUTES = (
    ("within_county", "县内转接"),
    ("within_province", "省内跨县转接"),
    ("cross_province", "跨省转接"),
)
INFLOW = party("inflow_side")
RECEIPT_SPAN = Span(DurationUnit.MONTHS, 1, "transfer_receipt_months")
SELF_LAPSE_SPAN = Span(DurationUnit.MONTHS, 6, "mobile_self_lapse_months")
BRANCH_REVIEW_SPAN = Span(DurationUnit.WORKING_DAYS, 5, "transfer_branch_review_working_days")
ISSUE_SPAN = Span(DurationUnit.WORKING_DAYS, 5, "transfer_committee_issue_working_days")
ACCEPTANCE_SPAN = Span(DurationUnit.WORKING_DAYS, 5, "transfer_receiver_acceptance_working_days")
PAPERS_SPAN = Span(DurationUnit.WORKING_DAYS, 10, "transfer_papers_supply_working_days")
ROLL_BACK_SPAN = Span(DurationUnit.WORKING_DAYS, 5, "transfer_roll_back_correction_working_days")
LONGEST_VALIDITY = Span(DurationUnit.CALENDAR_DAYS, 90, "transfer_letter_validity_max_days")
DEFAULT_VALIDITY_DAYS = 30
TRANSFER_LETTER = "transfer_letter"  # document kinds
MEMBERSHIP_CERTIFICATE = "membership_certificate"
VALIDITY_CAP_DAYS = 90


# -- reading the case ------------------------------------------------------------------------------


def _delivery(ctx: RuleContext) -> Delivery:
    return Delivery(ctx.data.get("delivery") or Delivery.ONLINE)


def _input_date(ctx: RuleContext, name: str) -> date | None:
    value = ctx.inputs.get(name)
    return date.fromisoformat(value) if isinstance(value, str) else None


def letter_validity(ctx: RuleContext) -> int:
    """The days the letter is valid: as written on it, else the profile's value for its route."""
    given = ctx.inputs.get("validity_days")
    if isinstance(given, int):
        return given
    route = ctx.inputs.get("route") or "cross_province"
    return int(ctx.policy.get(f"transfer_letter_validity_days_{route}", DEFAULT_VALIDITY_DAYS))


def _letters(ctx: RuleContext) -> list[dict[str, Any]]:
    return [dict(letter) for letter in ctx.data.get("letters", [])]


# -- rules -----------------------------------------------------------------------------------------


@rule("sender_on_platform", ONLINE, "转出方不在平台上，此事项由转出方在线下办理")
def sender_on_platform(ctx: RuleContext) -> Verdict:
    return Verdict(_delivery(ctx) is not Delivery.PAPER_IN)


@rule("receiver_on_platform", ONLINE, "接收方不在平台上：接收以寄回的纸质回执为准，请由转出方登记回执")
def receiver_on_platform(ctx: RuleContext) -> Verdict:
    return Verdict(_delivery(ctx) is not Delivery.PAPER_OUT)


@rule("receiver_off_platform", ONLINE, "接收方在平台上，应由接收方在平台上办理接收，不凭纸质回执登记")
def receiver_off_platform(ctx: RuleContext) -> Verdict:
    return Verdict(_delivery(ctx) is Delivery.PAPER_OUT)


@rule("both_ends_on_platform", ONLINE, "信息回退仅适用于转出、接收双方均在平台上的网上转接")
def both_ends_on_platform(ctx: RuleContext) -> Verdict:
    return Verdict(_delivery(ctx) is Delivery.ONLINE)


@rule("letter_from_off_platform", ONLINE, "仅对平台外党组织开具的纸质介绍信由接收方登记")
def letter_from_off_platform(ctx: RuleContext) -> Verdict:
    return Verdict(_delivery(ctx) is Delivery.PAPER_IN)


@rule(
    "validity_within_cap",
    VALIDITY,
    "介绍信有效期超过规定上限（全国最长90天，地方可规定更短）",
    needs_input=True,
)
def validity_within_cap(ctx: RuleContext) -> Verdict:
    cap = int(ctx.policy.get("transfer_letter_validity_max_days", VALIDITY_CAP_DAYS))
    validity = letter_validity(ctx)
    return Verdict.holds() if validity <= cap else Verdict.fails(f"填写{validity}天，上限为{cap}天")


@rule(
    "letter_number_not_used",
    LETTER_FORM,
    "该介绍信编号已在本案登记过：已使用或已作废的编号不得再用",
    needs_input=True,
)
def letter_number_not_used(ctx: RuleContext) -> Verdict:
    number = ctx.inputs.get("letter_number")
    used = {letter["number"] for letter in _letters(ctx)}
    return Verdict.fails(f"编号{number}已用于本案") if number in used else Verdict.holds()


@rule(
    "reported_within_validity",
    REPORT_IN,
    "党员应在介绍信有效期内报到；逾期的介绍信作废，须查明情况后重新开具",
)
def reported_within_validity(ctx: RuleContext) -> Verdict:
    until = ctx.anchor_date("data.letter_valid_until")
    if until is None:
        return Verdict.fails("本案没有有效的介绍信")
    day = _input_date(ctx, "reported_on") or ctx.on
    if day <= until:
        return Verdict.holds()
    return Verdict.fails(f"介绍信有效期至{until.isoformat()}，报到日为{day.isoformat()}")


def _letter_has_expired(ctx: RuleContext) -> Verdict:
    until = ctx.anchor_date("data.letter_valid_until")
    if until is None:
        return Verdict.fails("本案没有有效的介绍信")
    if ctx.on > until:
        return Verdict.holds()
    return Verdict.fails(f"介绍信有效期至{until.isoformat()}", earliest=until + timedelta(days=1))


letter_has_expired = Rule(
    "letter_has_expired",
    REPORT_IN,
    "介绍信仍在有效期内，不能按过期作废",
    _letter_has_expired,
    time_bound=True,
)


@rule("receipt_within_one_month", RECEIPT, "回执应在接收党员之日起一个月内寄回原基层党委", waivable=True)
def receipt_within_one_month(ctx: RuleContext) -> Verdict:
    start = _input_date(ctx, "reported_on") or ctx.anchor_date("event.accept_transfer")
    if start is None:
        return Verdict.holds()
    deadline = ctx.calendar.add(start, RECEIPT_SPAN.resolve(ctx.policy)).day
    day = _input_date(ctx, "receipt_date") or ctx.on
    if day <= deadline:
        return Verdict.holds()
    return Verdict.fails(f"期限为{deadline.isoformat()}，已逾期{(day - deadline).days}天")


@rule(
    "receipt_dates_in_order",
    TRUE_RECORD,
    "日期顺序不符：应为开具介绍信 ≤ 报到 ≤ 回执落款 ≤ 登记当日",
    needs_input=True,
)
def receipt_dates_in_order(ctx: RuleContext) -> Verdict:
    issued = ctx.anchor_date("data.letter_issued_on")
    reported, signed = _input_date(ctx, "reported_on"), _input_date(ctx, "receipt_date")
    days = [d for d in (issued, reported, signed, ctx.on) if d is not None]
    return Verdict(days == sorted(days))


DATED_INPUTS = {
    "issued_on": "开具日期",
    "lost_on": "遗失日期",
    "last_party_life_on": "最后一次参加组织生活的日期",
}


@rule("dates_not_in_future", TRUE_RECORD, "所填日期不能晚于办理当日", needs_input=True)
def dates_not_in_future(ctx: RuleContext) -> Verdict:
    late = [label for name, label in DATED_INPUTS.items() if (day := _input_date(ctx, name)) and day > ctx.on]
    return Verdict.fails("、".join(late)) if late else Verdict.holds()


@rule(
    "absence_within_certificate_limit",
    CERTIFICATE,
    "外出超过六个月的应转接组织关系，不能以党员证明信代替",
    needs_input=True,
)
def absence_within_certificate_limit(ctx: RuleContext) -> Verdict:
    limit = int(ctx.policy.get("membership_certificate_max_months", 6))
    months = ctx.inputs.get("expected_months")
    return (
        Verdict.holds() if isinstance(months, int) and months <= limit else Verdict.fails(f"预计{months}个月")
    )


def _six_months_without_party_life(ctx: RuleContext) -> Verdict:
    since = _input_date(ctx, "last_party_life_on")
    if since is None:
        return Verdict.fails("未填写最后一次参加组织生活的日期")
    earliest = ctx.calendar.add(since, SELF_LAPSE_SPAN.resolve(ctx.policy)).day
    return Verdict.holds() if ctx.on >= earliest else Verdict.fails(earliest=earliest)


six_months_without_party_life = Rule(
    "six_months_without_party_life",
    SELF_LAPSE,
    "连续六个月不参加党的组织生活方可视为自行脱党",
    _six_months_without_party_life,
    time_bound=True,
    needs_input=True,
)
no_justified_reason = field_is(
    "no_justified_reason",
    "without_justified_reason",
    True,
    SELF_LAPSE,
    "有正当理由的，不能视为自行脱党",
)


# -- derived data ------------------------------------------------------------------------------------


def issued_number(ctx: RuleContext, kind: str) -> str:
    """The number the act's document of this kind was allocated (the engine numbers it first)."""
    return str(ctx.data["documents"][kind])


def _letter_on_record(ctx: RuleContext, number: str) -> dict[str, Any]:
    """The letter appended to every letter of the case; it becomes the current one."""
    issued_on = _input_date(ctx, "issued_on") or ctx.on
    validity = letter_validity(ctx)
    letter = {
        "number": number,
        "issued_on": issued_on.isoformat(),
        "validity_days": validity,
        "valid_until": (issued_on + timedelta(days=validity)).isoformat(),
        "route": ctx.inputs.get("route", ""),
        "issuing_org": ctx.inputs.get("issuing_org", ""),
        "dues_paid_until": ctx.inputs.get("dues_paid_until"),
        "status": "valid",
    }
    return {
        "letters": [*_letters(ctx), letter],
        "letter_number": letter["number"],
        "letter_issued_on": letter["issued_on"],
        "letter_valid_until": letter["valid_until"],
        "validity_days": validity,
        "dues_paid_until": letter["dues_paid_until"],
    }


def letter_issued(ctx: RuleContext) -> dict[str, Any]:
    """A letter of ours: its number is the transfer_letter document's, on all three parts."""
    return _letter_on_record(ctx, issued_number(ctx, TRANSFER_LETTER))


def incoming_letter_recorded(ctx: RuleContext) -> dict[str, Any]:
    """A paper letter from off the platform: its number is the one its issuer wrote on it."""
    return {**_letter_on_record(ctx, ctx.inputs["letter_number"]), "delivery": Delivery.PAPER_IN.value}


def certificate_issued(ctx: RuleContext) -> dict[str, Any]:
    return {
        "certificate_number": issued_number(ctx, MEMBERSHIP_CERTIFICATE),
        "certificate_issued_on": ctx.on.isoformat(),
    }


def paper_letter_printed(ctx: RuleContext) -> dict[str, Any]:
    return {"delivery": Delivery.PAPER_OUT.value}


def _closing_letter(status: str, reason: str) -> Callable[[RuleContext], Mapping[str, Any]]:
    """Close the current letter (voided with a reason, or used at acceptance); its number stays on record."""

    def close(ctx: RuleContext) -> dict[str, Any]:
        letters = _letters(ctx)
        for letter in letters:
            if letter["status"] == "valid":
                letter.update(status=status, closed_on=ctx.on.isoformat(), reason=reason)
        current = {} if status == "used" else {"letter_number": None, "letter_valid_until": None}
        return {"letters": letters, **current}

    close.__name__ = f"letter_{status}_{reason}"
    return close


def self_lapse_referral(ctx: RuleContext) -> dict[str, Any]:
    return {
        "ground": "self_lapse",
        "basis": "no_report_in_and_no_party_life",
        "last_party_life_on": ctx.inputs.get("last_party_life_on"),
        "letter_number": ctx.data.get("letter_number"),
    }


# -- the process -----------------------------------------------------------------------------------

CASEWORKER = Permission("caseworker")
SECRETARY = Permission("branch_secretary")
ISSUER = Permission("committee_approver", At.APPROVING_COMMITTEE)
MEMBER = Permission("member", At.SUBJECT)
RECEIVER = Permission("committee_approver", INFLOW)
RECEIVING_CASEWORKER = Permission("caseworker", INFLOW)


def _deadline(name: str, span: Span, label: str, role: str, at: str) -> TimerSpec:
    """An online step's time limit: past it, the organization above the one that owes it hears."""
    return TimerSpec(name, TimerKind.ESCALATION, Due(span), label=label, notify_role=role, notify_at=at)


DOCUMENTS = (
    DocumentSpec(
        TRANSFER_LETTER,
        "中国共产党党员组织关系介绍信",
        "transfer/transfer_letter.html",
        At.APPROVING_COMMITTEE,
        "组转字",
    ),
    DocumentSpec(
        MEMBERSHIP_CERTIFICATE, "党员证明信", "transfer/membership_certificate.html", At.OWNER, "证明字"
    ),
)

# The letter's number is allocated when it is issued (存根、介绍信、回执 carry the same one).
LETTER_FIELDS = (
    Field("route", "转接类别", FieldType.CHOICE, choices=ROUTES),
    Field("dues_paid_until", "党费已交到", FieldType.DATE),
    Field(
        "validity_days",
        "有效期（天）",
        FieldType.INTEGER,
        required=False,
        minimum=1,
        help="不填则按转接类别取政策规定的天数；最长不超过规定上限",
    ),
)

STATES = (
    State(
        S.REQUESTED.value,
        "待提出申请",
        tasks=(
            TaskSpec("submit_request", "提出组织关系转接申请", "caseworker", actions=("submit_request",)),
        ),
    ),
    State(
        S.BRANCH_REVIEW.value,
        "党支部审核",
        tasks=(
            TaskSpec(
                "review_request",
                "审核转接申请",
                "branch_secretary",
                due=Due(BRANCH_REVIEW_SPAN),
                actions=("approve_request", "return_for_correction", "issue_membership_certificate"),
            ),
        ),
        timers=(
            _deadline(
                "branch_review_deadline",
                BRANCH_REVIEW_SPAN,
                "党支部审核转接申请",
                "committee_approver",
                At.OWNER,
            ),
        ),
    ),
    State(
        S.LETTER_ISSUANCE.value,
        "基层党委审批并开具介绍信",
        tasks=(
            TaskSpec(
                "issue_letter",
                "审批并开具组织关系介绍信",
                "committee_approver",
                At.APPROVING_COMMITTEE,
                due=Due(ISSUE_SPAN),
                actions=("issue_letter", "return_for_correction"),
            ),
        ),
        timers=(
            _deadline(
                "issue_deadline",
                ISSUE_SPAN,
                "基层党委开具介绍信",
                "organization_department",
                At.APPROVING_COMMITTEE,
            ),
        ),
    ),
    State(
        S.REISSUE.value,
        "查明情况，重新开具介绍信",
        tasks=(
            TaskSpec(
                "reissue_letter",
                "查明情况并以新编号重新开具介绍信",
                "committee_approver",
                At.APPROVING_COMMITTEE,
                due=Due(ISSUE_SPAN),
                actions=("reissue_letter",),
            ),
        ),
        timers=(
            _deadline(
                "reissue_deadline",
                ISSUE_SPAN,
                "重新开具介绍信",
                "organization_department",
                At.APPROVING_COMMITTEE,
            ),
        ),
    ),
    State(
        "IN_TRANSIT",
        "转接途中（转出方继续负责）",
        initial="AWAITING_REPORT_IN",
        tasks=(TaskSpec("sending_custody", "转出方继续管理，直至接收方接收", "caseworker"),),
        children=(
            State(
                "AWAITING_REPORT_IN",
                "待党员报到",
                tasks=(
                    TaskSpec(
                        "await_report_in",
                        "等待党员持介绍信报到",
                        "caseworker",
                        INFLOW,
                        actions=("record_report_in",),
                    ),
                ),
                timers=(
                    # Past the longest validity the profile allows, every letter has expired.
                    _deadline(
                        "report_in_deadline",
                        LONGEST_VALIDITY,
                        "介绍信有效期已过仍未报到（或纸质回执未返回）",
                        "committee_approver",
                        At.OWNER,
                    ),
                ),
            ),
            State(
                "RECEIVER_REVIEW",
                "接收方审核",
                tasks=(
                    TaskSpec(
                        "review_transfer",
                        "审核并接收转入党员",
                        "committee_approver",
                        INFLOW,
                        due=Due(ACCEPTANCE_SPAN),
                        actions=("accept_transfer", "request_papers", "refuse_transfer", "roll_back"),
                    ),
                ),
                timers=(
                    _deadline(
                        "acceptance_deadline", ACCEPTANCE_SPAN, "接收方审核接收", "committee_approver", INFLOW
                    ),
                ),
            ),
            State(
                "PAPERS_REQUESTED",
                "转出方补充材料",
                tasks=(
                    TaskSpec(
                        "supply_papers",
                        "按接收方要求补充材料",
                        "caseworker",
                        due=Due(PAPERS_SPAN),
                        actions=("supply_papers",),
                    ),
                ),
                timers=(
                    _deadline(
                        "papers_deadline", PAPERS_SPAN, "转出方补充材料", "committee_approver", At.OWNER
                    ),
                ),
            ),
        ),
    ),
    State(
        S.ROLLED_BACK.value,
        "信息回退，待转出方更正",
        tasks=(
            TaskSpec(
                "correct_after_roll_back",
                "更正被回退的转接信息",
                "caseworker",
                due=Due(ROLL_BACK_SPAN),
                actions=("correct_after_roll_back",),
            ),
        ),
        timers=(
            _deadline(
                "correction_deadline", ROLL_BACK_SPAN, "信息回退后更正", "committee_approver", At.OWNER
            ),
        ),
    ),
    State(
        S.AWAITING_RECEIPT.value,
        "已接收，待寄回回执",
        tasks=(
            TaskSpec(
                "return_receipt",
                "向原基层党委寄回介绍信回执",
                "committee_approver",
                INFLOW,
                due=Due(RECEIPT_SPAN),
                actions=("return_receipt",),
            ),
        ),
        timers=(
            _deadline("receipt_deadline", RECEIPT_SPAN, "介绍信回执寄回期限", "committee_approver", INFLOW),
        ),
    ),
    State(S.COMPLETED.value, "转接完成", final=True),
    State(S.CERTIFICATE_ISSUED.value, "已开具党员证明信（不转接）", final=True),
    State(S.REFUSED.value, "接收方不予接收", final=True),
    State(S.CANCELLED.value, "已撤回", final=True),
    State(S.REFERRED_FOR_DISPOSITION.value, "未报到且脱离组织生活，已移交处置", final=True),
)

ACTIONS = (
    Action(
        "submit_request",
        "提出转接申请",
        (S.REQUESTED.value,),
        S.BRANCH_REVIEW.value,
        (CASEWORKER, MEMBER),
        fields=(
            Field(
                "reason",
                "转接原因",
                FieldType.CHOICE,
                choices=(
                    ("work_unit_change", "工作单位变动"),
                    ("residence_change", "经常居住地变动"),
                    ("fixed_place_away", "外出到较为固定的地点六个月以上"),
                    ("other", "其他"),
                ),
            ),
            Field("destination", "转往的党组织", max_length=200),
        ),
        rules=(sender_on_platform,),
    ),
    Action(
        "approve_request",
        "党支部审核同意",
        (S.BRANCH_REVIEW.value,),
        S.LETTER_ISSUANCE.value,
        (SECRETARY,),
        fields=(Field("opinion", "审核意见", required=False),),
    ),
    Action(
        "issue_membership_certificate",
        "开具党员证明信（短期外出，不转接）",
        (S.BRANCH_REVIEW.value,),
        S.CERTIFICATE_ISSUED.value,
        (SECRETARY,),
        fields=(Field("expected_months", "预计外出时间（月）", FieldType.INTEGER, minimum=1),),
        rules=(absence_within_certificate_limit,),
        documents=(MEMBERSHIP_CERTIFICATE,),
        sets_data=certificate_issued,
    ),
    Action(
        "return_for_correction",
        "退回修改",
        (S.BRANCH_REVIEW.value, S.LETTER_ISSUANCE.value),
        S.REQUESTED.value,
        (SECRETARY, ISSUER),
        requires_reason=True,
    ),
    Action(
        "issue_letter",
        "审批并开具介绍信",
        (S.LETTER_ISSUANCE.value,),
        S.IN_TRANSIT.value,
        (ISSUER,),
        fields=LETTER_FIELDS,
        rules=(validity_within_cap,),
        documents=(TRANSFER_LETTER,),
        sets_data=letter_issued,
    ),
    Action(
        "print_paper_letter",
        "打印纸质介绍信（接收方不在平台上）",
        (S.AWAITING_REPORT_IN.value,),
        None,
        (ISSUER, CASEWORKER),
        rules=(sender_on_platform, receiver_on_platform),
        sets_data=paper_letter_printed,
    ),
    Action(
        "record_incoming_letter",
        "登记平台外党组织开具的纸质介绍信",
        (S.REQUESTED.value,),
        S.IN_TRANSIT.value,
        (RECEIVING_CASEWORKER, RECEIVER),
        fields=(
            Field("letter_number", "介绍信编号", max_length=60),
            Field("issuing_org", "开具介绍信的党组织", max_length=200),
            Field("issued_on", "开具日期", FieldType.DATE),
            Field("validity_days", "有效期（天）", FieldType.INTEGER, minimum=1),
            Field("dues_paid_until", "党费已交到", FieldType.DATE),
        ),
        rules=(validity_within_cap, letter_number_not_used, dates_not_in_future),
        sets_data=incoming_letter_recorded,
    ),
    Action(
        "record_report_in",
        "登记党员报到",
        (S.AWAITING_REPORT_IN.value,),
        S.RECEIVER_REVIEW.value,
        (RECEIVING_CASEWORKER, RECEIVER, MEMBER),  # the member may report in online themself
        rules=(receiver_on_platform, reported_within_validity),
    ),
    Action(
        "request_papers",
        "要求补充材料",
        (S.RECEIVER_REVIEW.value,),
        S.PAPERS_REQUESTED.value,
        (RECEIVER, RECEIVING_CASEWORKER),
        fields=(Field("missing_papers", "需补充的材料"),),
    ),
    Action(
        "supply_papers",
        "补充材料",
        (S.PAPERS_REQUESTED.value,),
        S.RECEIVER_REVIEW.value,
        (CASEWORKER,),
        fields=(Field("papers", "已补充的材料"),),
        rules=(sender_on_platform,),
    ),
    Action(
        "accept_transfer",
        "接收并编入党支部",
        (S.RECEIVER_REVIEW.value,),
        S.AWAITING_RECEIPT.value,
        (RECEIVER,),
        rules=(receiver_on_platform,),
        sets_data=_closing_letter("used", "accepted"),
        moves_subject_to=INFLOW,
    ),
    Action(
        "refuse_transfer",
        "不予接收（须说明理由）",
        (S.RECEIVER_REVIEW.value, S.PAPERS_REQUESTED.value),
        S.REFUSED.value,
        (RECEIVER,),
        voids=(TRANSFER_LETTER,),
        sets_data=_closing_letter("voided", "refused"),
        requires_reason=True,
    ),
    Action(
        "roll_back",
        "信息回退",
        (S.AWAITING_REPORT_IN.value, S.RECEIVER_REVIEW.value, S.PAPERS_REQUESTED.value),
        S.ROLLED_BACK.value,
        (RECEIVER, RECEIVING_CASEWORKER),
        rules=(both_ends_on_platform,),
        voids=(TRANSFER_LETTER,),
        sets_data=_closing_letter("voided", "rolled_back"),
        requires_reason=True,
    ),
    Action(
        "correct_after_roll_back",
        "更正后重新报批",
        (S.ROLLED_BACK.value,),
        S.REISSUE.value,
        (CASEWORKER,),
        fields=(Field("corrections", "更正内容"),),
    ),
    Action(
        "void_expired_letter",
        "介绍信过期作废",
        (S.AWAITING_REPORT_IN.value,),
        S.REISSUE.value,
        (ISSUER, CASEWORKER),
        fields=(Field("findings", "查明的情况"),),
        rules=(sender_on_platform, letter_has_expired),
        voids=(TRANSFER_LETTER,),
        sets_data=_closing_letter("voided", "expired"),
    ),
    Action(
        "refuse_expired_letter",
        "平台外介绍信已过期，退回重开",
        (S.AWAITING_REPORT_IN.value,),
        S.REQUESTED.value,
        (RECEIVING_CASEWORKER, RECEIVER),
        rules=(letter_from_off_platform, letter_has_expired),
        sets_data=_closing_letter("voided", "expired"),
    ),
    Action(
        "report_letter_lost",
        "报告介绍信遗失",
        (S.AWAITING_REPORT_IN.value,),
        S.REISSUE.value,
        (CASEWORKER, MEMBER),
        fields=(Field("lost_on", "遗失日期", FieldType.DATE), Field("circumstances", "遗失经过")),
        rules=(sender_on_platform, dates_not_in_future),
        voids=(TRANSFER_LETTER,),
        sets_data=_closing_letter("voided", "lost"),
    ),
    Action(
        "reissue_letter",
        "以新编号重新开具介绍信",
        (S.REISSUE.value,),
        S.IN_TRANSIT.value,
        (ISSUER,),
        fields=LETTER_FIELDS,
        rules=(validity_within_cap,),
        documents=(TRANSFER_LETTER,),
        sets_data=letter_issued,
    ),
    Action(
        "record_paper_receipt",
        "登记寄回的纸质回执（即接收）",
        (S.AWAITING_REPORT_IN.value,),
        S.COMPLETED.value,
        (CASEWORKER, ISSUER),
        fields=(
            Field("reported_on", "回执所载报到（接收）日期", FieldType.DATE),
            Field("receipt_date", "回执落款日期", FieldType.DATE),
            Field("receiving_org", "接收的基层党委", max_length=200),
            Field("handler", "经办人", required=False, max_length=50),
        ),
        rules=(
            receiver_off_platform,
            reported_within_validity,
            receipt_within_one_month,
            receipt_dates_in_order,
        ),
        sets_data=_closing_letter("used", "accepted"),
        moves_subject_to=INFLOW,
    ),
    Action(
        "return_receipt",
        "寄回介绍信回执",
        (S.AWAITING_RECEIPT.value,),
        S.COMPLETED.value,
        (RECEIVER,),
        rules=(receipt_within_one_month,),
    ),
    Action(
        "withdraw_request",
        "撤回转接申请",
        (
            S.REQUESTED.value,
            S.BRANCH_REVIEW.value,
            S.LETTER_ISSUANCE.value,
            S.REISSUE.value,
            S.ROLLED_BACK.value,
            S.AWAITING_REPORT_IN.value,
        ),
        S.CANCELLED.value,
        (CASEWORKER, MEMBER),
        voids=(TRANSFER_LETTER,),
        sets_data=_closing_letter("voided", "withdrawn"),
        requires_reason=True,
    ),
    Action(
        "report_self_lapse",
        "未报到且六个月未过组织生活，提请处置",
        (S.AWAITING_REPORT_IN.value, S.REISSUE.value),
        S.REFERRED_FOR_DISPOSITION.value,
        (SECRETARY,),
        fields=(
            Field("last_party_life_on", "最后一次参加组织生活的日期", FieldType.DATE),
            Field("without_justified_reason", "经查无正当理由", FieldType.BOOLEAN),
            Field("facts", "查找及核实情况"),
        ),
        rules=(sender_on_platform, six_months_without_party_life, no_justified_reason, dates_not_in_future),
        voids=(TRANSFER_LETTER,),
        sets_data=_closing_letter("voided", "self_lapse"),
        opens=(CaseOpening("disposition", data=self_lapse_referral),),
    ),
)

DEFINITION = Workflow(
    name="transfer",
    version="1",
    title="党员组织关系转接",
    description=(
        "党员工作单位或经常居住地发生变动，或外出到较为固定的地点六个月以上的，"
        "转接组织关系（条例 第二十五条）。"
        "党员本人或经办人提出申请，党支部审核，具有审批权限的基层党委开具介绍信（存根、介绍信、回执同一编号，"
        "写明党费交至年月和有效期），党员在有效期内向接收党组织报到，接收方审核接收并编入党支部，"
        "一个月内寄回回执。接收前由转出党组织继续负责管理。双方均在平台上的网上办理，接收方可要求补充材料、"
        "不予接收（须说明理由）或信息回退；一方不在平台上的，凭纸质介绍信和回执登记。介绍信过期或遗失的，"
        "原编号作废并以新编号重新开具。"
    ),
    states=STATES,
    initial=S.REQUESTED.value,
    actions=ACTIONS,
    documents=DOCUMENTS,
    opened_by=(CASEWORKER, MEMBER, RECEIVING_CASEWORKER),
    main_path=(
        "submit_request",
        "approve_request",
        "issue_letter",
        "record_report_in",
        "accept_transfer",
        "return_receipt",
    ),
    supervised_by=(ISSUER,),
)
