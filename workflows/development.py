"""发展党员: from the application to the archive, in the five stages of the 发展党员工作细则.

1. 申请入党 — the branch receives the written application (the applicant is at least 18, 第五条; a
   流动人员 may apply to a 流动党员党组织, 第六条) and talks with the applicant within one month (第七条).
2. 入党积极分子的确定和培养教育 — the 支委会 chooses the activist from applicants recommended by members
   or by the 群团组织 (推优) and files the choice with the 上级党委 (第八条); one or two full members are
   named 培养联系人 (第九条); the branch reviews the activist every half year (第十一条, a recurring task).
3. 发展对象的确定和考察 — after at least one year of cultivation (一年以上 includes the day it completes)
   and having heard the 党小组, the 培养联系人, members and non-members, the 支委会 proposes the activist as
   a 发展对象; the 上级党委 agrees and a 公示 of at least five working days raises no obstacle (第十三条).
   Under 细则(2014) the choice was only filed with the 上级党委 and there was no national 公示: a step
   is judged by the rule set in force on its day, so a case that straddles 2026-05-11 shows both.
   Then, in any order: two full members not under a barring sanction as 入党介绍人 (第十四条), the
   政治审查 ending in a written conclusion (第十六条), 集中培训 of three days or 24 学时 (第十七条).
4. 预备党员的接收 — 支委会审查, 预审 by the 基层党委 with approval authority and its written reply, the
   入党志愿书 (第十八条); the 支部党员大会 within one month of 预审 (第十九条) votes on one candidate at a
   time, quorum and majority over N as 第二十条 says (written opinions of absentees count as votes,
   not for the quorum); the resolution goes up (第二十一条); only a 党委 with approval authority
   approves (第二十二条: a 党总支 or a 基层党委 under a 乡镇/街道党委 only deliberates), after a talk by a
   党委委员 or 组织员 (第二十三条), by collective vote (第二十四条), within three months of the meeting,
   six at most with a reason (第二十五条), then files it upward; the 入党宣誓 follows within one month
   (第二十九条, new in 2026).
5. 预备党员的教育考察和转正 — the 预备期 runs one year from the meeting day and ends the day before
   its anniversary (第三十一条); at expiry the branch hears opinions, the 支委会 examines and the
   支部党员大会 resolves to confirm, to extend once by six to twelve months, or to cancel; the 党委
   approves within three months (第三十二、三十三条); 党龄 counts from the day after the probation
   ends; the materials go to the archive (第三十六条).

Persons follow the case: 入党申请人 → 入党积极分子 → 发展对象 → 预备党员 → 正式党员 (`subject_status`),
with `admitted_on` (the meeting day) and `full_member_since` (the day after the probation ends).

Organizational decisions are acts recorded by the people entitled to them; the rules refuse acts
that break a regulation (with the article, the reason and, where only time is missing, the first day
it will hold) and never decide anything themselves.

Two-place cases (流动人员, 双向培养/双向考察/两地公示). The applicant registers as a 流动人员 when the
application is received (`place="two_place"`); the case then names two party organizations,
`outflow_side` (the home organization, also the 户籍所在地's) and `inflow_side` (where the applicant
works or lives now, the 居住地's). Two steps run in both places at once, each side in its own queue:
the 政审 asks both organizations for their opinion (a parallel state nested in the 政审 region), and
the 公示 runs in both places (a parallel state whose regions end in a final state; an objection moves
that side to OBJECTION until it is resolved, so the join — and the case — waits). Single-place and
two-place cases take separate actions into separate states (`start_public_notice` and
`start_two_place_notice`, `conclude_political_review` and `request_two_place_opinions`), each
allowed only when the registered place says so. This keeps every task's queue resolvable: a region
whose task sits at `party("inflow_side")` is never entered by a case that has no inflow side, and a
two-place case cannot slip through the single-place path.

A change of workplace mid-way (第十二、三十四、三十五条) moves the case with `engine.cases.move_case` (or
with the person's relation transfer, `follows_subject`): events, clocks and the cultivation time go
with it; a probationer moved during the probation may have the 转正 discussion postponed up to six
months.

Readings where the texts leave a choice (each the stricter one, each a setting where a region may
differ): the one-year clock starts at the 支委会 decision (a region may count from the filing); the
公示 ends no earlier than the fifth working day after the day it is posted (the posting day, usually
partial, is not counted); the approval clock runs from the 支部党员大会 (the safe reading of "from
the submission"); written opinions count as votes, not for the quorum; "promptly" after the
probation is one month. Before 2026 there was no national oath deadline: the oath is then only
escalated if it has not happened by the end of the probation.

Barring sanctions of a 入党介绍人 (第十四条) are read from the person's `extra["sanction"]` (one record
or a list), each `{"kind": "警告" | "严重警告" | "撤销党内职务" | "留党察看", "decided_on": "YYYY-MM-DD",
"effective_until": "YYYY-MM-DD", "restored_on": "YYYY-MM-DD"}`: the first three bar while their
影响期 runs (`effective_until`, that day included; a record without it bars until verified); 留党察看
bars until `restored_on` (恢复党员权利).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from engine.calendar import PROVISIONAL_NOTE, add_months
from engine.definitions import (
    Action,
    At,
    DocumentSpec,
    Due,
    Duration,
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
from engine.rules import (
    BallotFields,
    EventView,
    RuleContext,
    ballot_consistent,
    ballot_majority,
    ballot_quorum,
    field_is,
    no_recent_removal,
    rule,
    within,
)

# -- citations --------------------------------------------------------------------------------------

A5 = "细则(2026) 第五条"
A6 = "细则(2026) 第六条"
A7 = "细则(2026) 第七条"
A8 = "细则(2026) 第八条"
A8_LOCAL = "细则(2026) 第八条；地方规定（全国无最短期限）"
A9 = "细则(2026) 第九条"
A11 = "细则(2026) 第十一条"
A13 = "细则(2026) 第十三条"
A13_BOTH = "细则(2026) 第十三条；细则(2014) 第十三条"
A14 = "细则(2026) 第十四条"
A16 = "细则(2026) 第十六条"
A17 = "细则(2026) 第十七条"
A18 = "细则(2026) 第十八条"
A19 = "细则(2026) 第十九条"
A20 = "细则(2026) 第十九条、第二十条；党章 第七条"
A21 = "细则(2026) 第二十一条"
A23 = "细则(2026) 第二十三条"
A24 = "细则(2026) 第二十四条"
A25 = "细则(2026) 第二十五条"
A29 = "细则(2026) 第二十九条"
A31 = "细则(2026) 第三十一条"
A32 = "细则(2026) 第三十二条"
A33 = "细则(2026) 第三十三条"
A35 = "细则(2026) 第三十五条"
A36 = "细则(2026) 第三十六条"
A40 = "细则(2026) 第四十条"
READMISSION = "处置办法(2024)"

# -- states -----------------------------------------------------------------------------------------


class S(StrEnum):
    APPLICATION = "APPLICATION"
    TALK = "TALK"
    APPLIED = "APPLIED"
    ACTIVIST = "ACTIVIST"
    ACTIVIST_SETUP = "ACTIVIST.SETUP"
    ACTIVIST_FILING_PENDING = "ACTIVIST.SETUP.FILING.PENDING"
    ACTIVIST_FILED = "ACTIVIST.SETUP.FILING.FILED"
    MENTORS_PENDING = "ACTIVIST.SETUP.MENTORS.PENDING"
    MENTORS_ASSIGNED = "ACTIVIST.SETUP.MENTORS.ASSIGNED"
    CULTIVATION = "ACTIVIST.CULTIVATION"
    CANDIDATE_PROPOSED = "CANDIDATE_PROPOSED"
    NOTICE_PENDING = "NOTICE_PENDING"
    PUBLIC_NOTICE = "PUBLIC_NOTICE"
    NOTICE_POSTED = "PUBLIC_NOTICE.POSTED"
    NOTICE_OBJECTION = "PUBLIC_NOTICE.OBJECTION"
    TWO_PLACE_NOTICE = "TWO_PLACE_NOTICE"
    OUTFLOW_POSTED = "TWO_PLACE_NOTICE.OUTFLOW.POSTED"
    OUTFLOW_OBJECTION = "TWO_PLACE_NOTICE.OUTFLOW.OBJECTION"
    OUTFLOW_ENDED = "TWO_PLACE_NOTICE.OUTFLOW.ENDED"
    INFLOW_POSTED = "TWO_PLACE_NOTICE.INFLOW.POSTED"
    INFLOW_OBJECTION = "TWO_PLACE_NOTICE.INFLOW.OBJECTION"
    INFLOW_ENDED = "TWO_PLACE_NOTICE.INFLOW.ENDED"
    NOTICE_ENDED = "NOTICE_ENDED"
    CANDIDATE = "CANDIDATE"
    SPONSORS_PENDING = "CANDIDATE.SPONSORS.PENDING"
    SPONSORS_ASSIGNED = "CANDIDATE.SPONSORS.ASSIGNED"
    TRAINING_PENDING = "CANDIDATE.TRAINING.PENDING"
    TRAINED = "CANDIDATE.TRAINING.TRAINED"
    POLITICAL_REVIEW = "CANDIDATE.POLITICAL_REVIEW"
    REVIEW_PENDING = "CANDIDATE.POLITICAL_REVIEW.PENDING"
    REVIEW_OPINIONS = "CANDIDATE.POLITICAL_REVIEW.OPINIONS"
    HOUSEHOLD_OPINION_REQUESTED = "CANDIDATE.POLITICAL_REVIEW.OPINIONS.HOUSEHOLD_REGISTRATION_PLACE.REQUESTED"
    HOUSEHOLD_OPINION_GIVEN = "CANDIDATE.POLITICAL_REVIEW.OPINIONS.HOUSEHOLD_REGISTRATION_PLACE.GIVEN"
    RESIDENCE_OPINION_REQUESTED = "CANDIDATE.POLITICAL_REVIEW.OPINIONS.RESIDENCE_PLACE.REQUESTED"
    RESIDENCE_OPINION_GIVEN = "CANDIDATE.POLITICAL_REVIEW.OPINIONS.RESIDENCE_PLACE.GIVEN"
    REVIEW_CONCLUSION = "CANDIDATE.POLITICAL_REVIEW.CONCLUSION"
    REVIEW_PASSED = "CANDIDATE.POLITICAL_REVIEW.PASSED"
    EXAMINATION = "EXAMINATION"
    PRE_REVIEW = "PRE_REVIEW"
    ADMISSION_FORM = "ADMISSION_FORM"
    GENERAL_MEETING = "GENERAL_MEETING"
    ADMISSION_SUBMISSION = "ADMISSION_SUBMISSION"
    APPROVAL = "APPROVAL"
    ADMITTED = "ADMITTED"
    ADMISSION_FILING_PENDING = "ADMITTED.FILING.PENDING"
    ADMISSION_FILED = "ADMITTED.FILING.FILED"
    ANNOUNCEMENT_PENDING = "ADMITTED.ANNOUNCEMENT.PENDING"
    ANNOUNCED = "ADMITTED.ANNOUNCEMENT.DONE"
    OATH_PENDING = "ADMITTED.OATH.PENDING"
    OATH_TAKEN = "ADMITTED.OATH.TAKEN"
    PROBATION = "PROBATION"
    FULL_MEMBERSHIP_REVIEW = "FULL_MEMBERSHIP_REVIEW"
    FULL_MEMBERSHIP_MEETING = "FULL_MEMBERSHIP_MEETING"
    FULL_MEMBERSHIP_APPROVAL = "FULL_MEMBERSHIP_APPROVAL"
    EXTENSION_APPROVAL = "EXTENSION_APPROVAL"
    CANCELLATION_APPROVAL = "CANCELLATION_APPROVAL"
    ARCHIVING = "ARCHIVING"
    ARCHIVED = "ARCHIVED"
    NOT_ADMITTED = "NOT_ADMITTED"
    WITHDRAWN = "WITHDRAWN"
    PROBATION_CANCELLED = "PROBATION_CANCELLED"
    NOT_RECOGNIZED = "NOT_RECOGNIZED"


BEFORE_ADMISSION = (
    S.APPLICATION,
    S.TALK,
    S.APPLIED,
    S.ACTIVIST,
    S.CANDIDATE_PROPOSED,
    S.NOTICE_PENDING,
    S.PUBLIC_NOTICE,
    S.TWO_PLACE_NOTICE,
    S.NOTICE_ENDED,
    S.CANDIDATE,
    S.EXAMINATION,
    S.PRE_REVIEW,
    S.ADMISSION_FORM,
    S.GENERAL_MEETING,
)
CULTIVATED = (
    S.CULTIVATION,
    S.CANDIDATE_PROPOSED,
    S.NOTICE_PENDING,
    S.PUBLIC_NOTICE,
    S.TWO_PLACE_NOTICE,
    S.NOTICE_ENDED,
    S.CANDIDATE,
)
ON_PROBATION = (S.ADMITTED, S.PROBATION, S.FULL_MEMBERSHIP_REVIEW, S.FULL_MEMBERSHIP_MEETING)

# -- spans (the amount comes from the policy profile) -----------------------------------------------

TALK_SPAN = Span(DurationUnit.MONTHS, 1, "talk_within_months")
REVIEW_SPAN = Span(DurationUnit.MONTHS, 6, "activist_review_months")
NOTICE_SPAN = Span(DurationUnit.WORKING_DAYS, 5, "candidate_notice_working_days")
MEETING_SPAN = Span(DurationUnit.MONTHS, 1, "general_meeting_within_months_of_pre_review")
APPROVAL_SPAN = Span(DurationUnit.MONTHS, 3, "approval_within_months")
APPROVAL_MAX_SPAN = Span(DurationUnit.MONTHS, 6, "approval_max_months")
OATH_SPAN = Span(DurationUnit.MONTHS, 1, "oath_within_months")
FULL_MEMBERSHIP_APPROVAL_SPAN = Span(DurationUnit.MONTHS, 3, "full_membership_approval_within_months")
DAY_AFTER = Span(DurationUnit.CALENDAR_DAYS, 1)  # escalations fire the day after a deadline
ON_THE_DAY = Span(DurationUnit.CALENDAR_DAYS, 0)

SINGLE, TWO_PLACE = "single", "two_place"
NOTICE_STARTS = ("start_public_notice", "start_two_place_notice")
FULL_MEMBERSHIP_RESOLUTIONS = ("resolve_full_membership", "resolve_extension", "resolve_cancellation")
LIGHT_SANCTIONS = frozenset({"警告", "严重警告", "撤销党内职务"})
PROBATION_SANCTION = "留党察看"
STATUS_ZH = {
    "non_member": "群众",
    "applicant": "入党申请人",
    "activist": "入党积极分子",
    "candidate": "发展对象",
    "probationary_member": "预备党员",
    "full_member": "正式党员",
}

# -- reading the case -------------------------------------------------------------------------------


def _policy_int(ctx: RuleContext, key: str, default: int) -> int:
    value = ctx.policy.get(key, default)
    return int(value) if value is not None else default


def _place(ctx: RuleContext) -> str:
    """Single-place or two-place, as registered when the application was received."""
    received = ctx.data.get("submit_application")
    place = received.get("place") if isinstance(received, Mapping) else None
    return TWO_PLACE if place == TWO_PLACE else SINGLE


def _events_since(ctx: RuleContext, action: str) -> list[EventView]:
    """The events after the last `action` (all of them if it never happened): what counts for the
    current round when a stage is repeated (a candidacy withdrawn, a resolution returned)."""
    index = max((i for i, e in enumerate(ctx.events) if e.action == action), default=-1)
    return list(ctx.events[index + 1 :])


def _happened_since(ctx: RuleContext, action: str, since: str) -> EventView | None:
    return next((e for e in reversed(_events_since(ctx, since)) if e.action == action), None)


def _last_of(ctx: RuleContext, actions: Iterable[str]) -> EventView | None:
    wanted = set(actions)
    return next((e for e in reversed(ctx.events) if e.action in wanted), None)


def _data_date(ctx: RuleContext, key: str) -> date | None:
    value = ctx.data.get(key)
    return date.fromisoformat(value) if isinstance(value, str) else value if isinstance(value, date) else None


def _probation_end(ctx: RuleContext) -> date | None:
    """The last day of the probation: as approved (and extended), else one year from the meeting
    that passed the admission, ending the day before its anniversary (第三十一条; 党章 第七条)."""
    recorded = _data_date(ctx, "probation_end")
    if recorded is not None:
        return recorded
    meeting = ctx.anchor_date("event.hold_admission_meeting")
    if meeting is None:
        return None
    return add_months(meeting, 12 * _policy_int(ctx, "probation_years", 1)) - timedelta(days=1)


def _transferred_during_probation(ctx: RuleContext) -> bool:
    """Moved since the admission (or since a probationer's case was imported)."""
    since = ctx.anchor_date("event.approve_admission") or (ctx.events[0].on if ctx.events else None)
    return since is not None and any(e.action == "move_case" and e.on >= since for e in ctx.events)


def _time_rule(name: str, citation: str, message: str, check: Callable[[RuleContext], Verdict]) -> Rule:
    """A rule only the passing of time can satisfy: the forecast reads its earliest date."""
    return Rule(name, citation, message, check, time_bound=True)


def _late(deadline: date, on: date) -> Verdict:
    return Verdict.fails(f"期限为{deadline.isoformat()}，已逾期{(on - deadline).days}天")


# -- stage 1: the application and the talk ----------------------------------------------------------


def _applicant_is_adult(ctx: RuleContext) -> Verdict:
    subject = ctx.facts.get("subject")
    born = subject.get("birth_date") if isinstance(subject, Mapping) else None
    if not isinstance(born, date):
        return Verdict.holds()  # a forecast knows no person; firing always does
    age = _policy_int(ctx, "applicant_min_age", 18)
    earliest = add_months(born, 12 * age)
    if ctx.on >= earliest:
        return Verdict.holds()
    return Verdict.fails(f"出生于{born.isoformat()}，{earliest.isoformat()}年满{age}周岁", earliest)


applicant_is_adult = _time_rule("applicant_is_adult", A5, "年满十八岁方可申请入党", _applicant_is_adult)
not_recently_removed = no_recent_removal(
    "not_recently_removed", READMISSION, "被劝退或除名的，五年内不得重新入党"
)


@rule(
    "mobile_org_only_for_mobile_workers",
    A6,
    "只有流动人员可以向流动党员党组织申请入党",
    needs_input=True,
)
def mobile_org_only_for_mobile_workers(ctx: RuleContext) -> Verdict:
    via_mobile_org = ctx.inputs.get("applied_via") == "mobile_members_org"
    return Verdict.fails() if via_mobile_org and ctx.inputs.get("place") != TWO_PLACE else Verdict.holds()


talk_within_one_month = within(
    "talk_within_one_month",
    "event.submit_application",
    TALK_SPAN,
    A7,
    "党组织应在收到入党申请书后一个月内派人同入党申请人谈话（逾期须写明理由）",
)


def talk_due(ctx: RuleContext) -> dict[str, Any]:
    return {"talk_due_on": ctx.calendar.add(ctx.on, TALK_SPAN.resolve(ctx.policy)).day}


# -- stage 2: the activist --------------------------------------------------------------------------


def _activist_after_local_wait(ctx: RuleContext) -> Verdict:
    months = _policy_int(ctx, "activist_min_months_after_application", 0)
    applied = ctx.anchor_date("event.submit_application")
    if months <= 0 or applied is None:
        return Verdict.holds()
    earliest = add_months(applied, months)
    if ctx.on >= earliest:
        return Verdict.holds()
    return Verdict.fails(f"{applied.isoformat()}提出申请，满{months}个月为{earliest.isoformat()}", earliest)


activist_after_local_wait = _time_rule(
    "activist_after_local_wait",
    A8_LOCAL,
    "按本地规定，提出入党申请满规定期限后方可确定为入党积极分子",
    _activist_after_local_wait,
)


def _review_marks(ctx: RuleContext) -> tuple[date | None, int, int]:
    """The cultivation start, the review interval in months, and the reviews recorded since."""
    designated = ctx.anchor_date("event.designate_activist")
    every = _policy_int(ctx, "activist_review_months", 6)
    recorded = sum(
        1 for e in _events_since(ctx, "designate_activist") if e.action == "record_half_year_review"
    )
    return designated, every, recorded


def _half_year_review_due(ctx: RuleContext) -> Verdict:
    start, every, recorded = _review_marks(ctx)
    if start is None:
        return Verdict.holds()
    mark = add_months(start, every * (recorded + 1))
    if ctx.on >= mark:
        return Verdict.holds()
    return Verdict.fails(f"第{recorded + 1}次考察自{mark.isoformat()}起登记", mark)


half_year_review_due = _time_rule(
    "half_year_review_due", A11, "党支部每半年对入党积极分子进行一次考察", _half_year_review_due
)


@rule(
    "half_year_reviews_on_record",
    A11,
    "每个已届满的半年都应有党支部的考察记录（缺少的须写明理由）",
    waivable=True,
)
def half_year_reviews_on_record(ctx: RuleContext) -> Verdict:
    start, every, recorded = _review_marks(ctx)
    if start is None:
        return Verdict.holds()
    opened = ctx.events[0].on if ctx.events else start  # an imported case brings no earlier records
    due, k = 0, 1
    while (mark := add_months(start, every * k)) < ctx.on:
        due, k = due + (mark >= opened), k + 1
    if recorded >= due:
        return Verdict.holds()
    return Verdict.fails(f"应有{due}次半年考察记录，已登记{recorded}次")


def _mentor_or_sponsor_problems(ctx: RuleContext, fields: tuple[str, ...], role_zh: str) -> list[str]:
    subject = ctx.facts.get("subject") or {}
    found: list[str] = []
    for name in fields:
        if ctx.inputs.get(name) is None:
            continue
        person = ctx.person(name)
        if person is None:
            found.append(f"{role_zh}（{ctx.inputs[name]}）不在人员名册中")
        elif person.get("id") == subject.get("id"):
            found.append(f"{person['name']}是本人")
        elif person.get("status") != "full_member":
            status = STATUS_ZH.get(str(person.get("status")), str(person.get("status")))
            found.append(f"{person['name']}是{status}")
    return found


@rule("mentors_are_full_members", A9, "培养联系人应为一至二名正式党员", needs_input=True)
def mentors_are_full_members(ctx: RuleContext) -> Verdict:
    problems = _mentor_or_sponsor_problems(ctx, ("mentor_1", "mentor_2"), "培养联系人")
    if ctx.inputs.get("mentor_1") is not None and ctx.inputs.get("mentor_1") == ctx.inputs.get("mentor_2"):
        problems.append("两名培养联系人为同一人")
    return Verdict.fails("；".join(problems)) if problems else Verdict.holds()


@rule("activist_filed", A8, "入党积极分子须报上级党委备案")
def activist_filed(ctx: RuleContext) -> Verdict:
    return Verdict.holds() if ctx.last("file_activist") else Verdict.fails("尚未登记备案")


@rule("mentors_assigned", A9, "须为入党积极分子指定一至二名培养联系人")
def mentors_assigned(ctx: RuleContext) -> Verdict:
    return Verdict.holds() if ctx.last("assign_mentors") else Verdict.fails("尚未指定培养联系人")


def _cultivation_start(ctx: RuleContext) -> tuple[date | None, str]:
    """The day the one-year clock starts: the 支委会 decision, or the filing where a region says so
    (REGULATIONS §1 row 7 [?]); both days are on record as events."""
    if ctx.policy.get("cultivation_counted_from_filing"):
        return ctx.anchor_date("event.file_activist"), "报上级党委备案"
    return ctx.anchor_date("event.designate_activist"), "支委会确定为入党积极分子"


def _one_year_of_cultivation(ctx: RuleContext) -> Verdict:
    start, what = _cultivation_start(ctx)
    if start is None:
        return Verdict.fails("培养期起算日期尚未登记")
    years = _policy_int(ctx, "activist_min_cultivation_years", 1)
    earliest = add_months(start, 12 * years)
    if ctx.on >= earliest:
        return Verdict.holds()
    return Verdict.fails(f"自{start.isoformat()}{what}起算，满{years}年为{earliest.isoformat()}", earliest)


one_year_of_cultivation = _time_rule(
    "one_year_of_cultivation",
    A13,
    "经过一年以上培养教育和考察的入党积极分子，方可列为发展对象",
    _one_year_of_cultivation,
)
candidate_opinions_heard = field_is(
    "candidate_opinions_heard",
    "opinions_heard",
    True,
    A13,
    "确定发展对象前，应听取党小组、培养联系人、党员和群众意见",
)


@rule(
    "mobile_org_may_develop",
    A40,
    "不具备发展党员条件的流动党员党组织只做培养工作，发展对象须由具备条件的党组织确定（或将材料移交有关党组织）",
)
def mobile_org_may_develop(ctx: RuleContext) -> Verdict:
    org = ctx.facts.get("org") or {}
    if org.get("kind") != "mobile_members_org" or ctx.last("confirm_mobile_org_qualified"):
        return Verdict.holds()
    return Verdict.fails("本组织尚未登记具备发展党员条件")


# -- stage 3: the candidate -------------------------------------------------------------------------


@rule(
    "consent_not_required",
    A13_BOTH,
    "自2026年5月11日起，确定发展对象须经上级党委同意，报上级党委备案不能代替",
)
def consent_not_required(ctx: RuleContext) -> Verdict:
    return Verdict.fails() if ctx.policy.get("candidate_needs_committee_consent") else Verdict.holds()


@rule("committee_consent_given", A13, "确定发展对象须经上级党委同意")
def committee_consent_given(ctx: RuleContext) -> Verdict:
    if not ctx.policy.get("candidate_needs_committee_consent"):
        return Verdict.holds()
    consented = _happened_since(ctx, "consent_to_candidate", "propose_candidate")
    return Verdict.holds() if consented else Verdict.fails("上级党委尚未同意")


def _notice_finished(ctx: RuleContext) -> bool:
    since = {e.action for e in _events_since(ctx, "propose_candidate")}
    return "finish_public_notice" in since or {"finish_outflow_notice", "finish_inflow_notice"} <= since


@rule("public_notice_completed", A13, "发展对象须经公示，公示没有影响发展的问题方可列为发展对象")
def public_notice_completed(ctx: RuleContext) -> Verdict:
    days = _policy_int(ctx, "candidate_notice_working_days", 0)
    if days <= 0 or _notice_finished(ctx):
        return Verdict.holds()
    return Verdict.fails(f"须公示不少于{days}个工作日")


@rule("notice_in_one_place_only_if_not_mobile", A13, "流动人员应在流出地和流入地同时公示")
def notice_in_one_place_only_if_not_mobile(ctx: RuleContext) -> Verdict:
    return Verdict.fails() if _place(ctx) == TWO_PLACE else Verdict.holds()


@rule("two_place_notice_for_mobile_only", A13, "两地公示只适用于登记为流动人员的申请人")
def two_place_notice_for_mobile_only(ctx: RuleContext) -> Verdict:
    return Verdict.holds() if _place(ctx) == TWO_PLACE else Verdict.fails()


def _notice_period_over(ctx: RuleContext) -> Verdict:
    started = _last_of(ctx, NOTICE_STARTS)
    days = _policy_int(ctx, "candidate_notice_working_days", 0)
    if started is None:
        return Verdict.fails("公示起始日期尚未登记")
    if days <= 0:
        return Verdict.holds()
    end = ctx.calendar.add(started.on, Duration.working_days(days))
    if ctx.on >= end.day:
        return Verdict.holds()
    note = PROVISIONAL_NOTE if end.provisional else ""
    detail = f"{started.on.isoformat()}起公示，满{days}个工作日为{end.day.isoformat()}{note}"
    return Verdict.fails(detail, end.day)


def notice_period(ctx: RuleContext) -> dict[str, Any]:
    """The 公示 prints its period: from the day it is posted to the day the working days it must last
    are complete (the same end `notice_period_over` waits for)."""
    end = ctx.calendar.add(ctx.on, NOTICE_SPAN.resolve(ctx.policy))
    return {"notice_starts_on": ctx.on, "notice_ends_on": end.day, "notice_end_provisional": end.provisional}


notice_period_over = _time_rule(
    "notice_period_over", A13, "公示期不少于五个工作日（本地规定更长的从其规定）", _notice_period_over
)


@rule(
    "objection_cleared",
    A13,
    "反映的问题经核实属实、影响发展的，不能列为发展对象；请办理“停止列为发展对象”",
    needs_input=True,
)
def objection_cleared(ctx: RuleContext) -> Verdict:
    return Verdict.fails() if ctx.inputs.get("finding") == "founded" else Verdict.holds()


def _barring_sanction(record: Mapping[str, Any], on: date) -> tuple[str, date | None] | None:
    """Why a sanction record bars its holder on `on`, with the first day it no longer will."""
    kind = str(record.get("kind", ""))
    if kind == PROBATION_SANCTION:
        restored = record.get("restored_on")
        if isinstance(restored, str) and date.fromisoformat(restored) <= on:
            return None
        return f"受{kind}处分，尚未恢复党员权利", None
    if kind in LIGHT_SANCTIONS:
        until = record.get("effective_until")
        if not isinstance(until, str):
            return f"受{kind}处分，影响期未登记", None
        last = date.fromisoformat(until)
        return None if on > last else (f"受{kind}处分，影响期至{last.isoformat()}", last + timedelta(days=1))
    return None


def _sanction_records(person: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    raw = (person.get("extra") or {}).get("sanction")
    items = raw if isinstance(raw, list) else [raw]
    return [item for item in items if isinstance(item, Mapping)]


SPONSOR_FIELDS = ("sponsor_1", "sponsor_2")


@rule("sponsors_are_full_members", A14, "入党介绍人应为两名正式党员", needs_input=True)
def sponsors_are_full_members(ctx: RuleContext) -> Verdict:
    problems = _mentor_or_sponsor_problems(ctx, SPONSOR_FIELDS, "入党介绍人")
    if ctx.inputs.get("sponsor_1") == ctx.inputs.get("sponsor_2"):
        problems.append("两名入党介绍人为同一人")
    return Verdict.fails("；".join(problems)) if problems else Verdict.holds()


@rule(
    "sponsors_not_under_sanction",
    A14,
    "受警告、严重警告、撤销党内职务处分且处分影响期未满的，或受留党察看处分尚未恢复党员权利的党员，不能担任入党介绍人",
    needs_input=True,
)
def sponsors_not_under_sanction(ctx: RuleContext) -> Verdict:
    reasons: list[str] = []
    earliest: list[date | None] = []
    for name in SPONSOR_FIELDS:
        person = ctx.person(name)
        for record in _sanction_records(person) if person else []:
            barred = _barring_sanction(record, ctx.on)
            if barred and person:
                reasons.append(f"{person['name']}{barred[0]}")
                earliest.append(barred[1])
    if not reasons:
        return Verdict.holds()
    known = [d for d in earliest if d is not None]
    first = max(known) if len(known) == len(earliest) else None
    return Verdict.fails("；".join(reasons), first)


@rule(
    "training_long_enough",
    A17,
    "集中培训时间一般不少于三天或二十四学时；未经培训的，除个别特殊情况外不能发展入党（须写明理由）",
    waivable=True,
    needs_input=True,
)
def training_long_enough(ctx: RuleContext) -> Verdict:
    days, hours = int(ctx.inputs.get("training_days") or 0), int(ctx.inputs.get("training_hours") or 0)
    min_days = _policy_int(ctx, "training_min_days", 3)
    min_hours = _policy_int(ctx, "training_min_hours", 24)
    if days >= min_days or hours >= min_hours:
        return Verdict.holds()
    return Verdict.fails(f"培训{days}天、{hours}学时，应不少于{min_days}天或{min_hours}学时")


@rule(
    "review_in_one_place_only_if_not_mobile",
    A16,
    "流动人员的政治审查应征求户籍所在地和居住地基层党组织的意见",
)
def review_in_one_place_only_if_not_mobile(ctx: RuleContext) -> Verdict:
    if _place(ctx) != TWO_PLACE:
        return Verdict.holds()
    since = {e.action for e in _events_since(ctx, "designate_candidate")}
    asked = {"give_household_opinion", "give_residence_opinion"} <= since
    return Verdict.holds() if asked else Verdict.fails("尚未取得两地意见")


@rule("two_place_review_for_mobile_only", A16, "征求两地意见只适用于登记为流动人员的申请人")
def two_place_review_for_mobile_only(ctx: RuleContext) -> Verdict:
    return Verdict.holds() if _place(ctx) == TWO_PLACE else Verdict.fails()


def _done_since_listing(action: str, what: str) -> Callable[[RuleContext], Verdict]:
    def check(ctx: RuleContext) -> Verdict:
        return Verdict.holds() if _happened_since(ctx, action, "designate_candidate") else Verdict.fails(what)

    return check


two_sponsors_assigned = rule("two_sponsors_assigned", A14, "发展对象应有两名正式党员作入党介绍人")(
    _done_since_listing("assign_sponsors", "尚未确定入党介绍人")
)
political_review_passed = rule(
    "political_review_passed", A16, "未经政治审查或者政治审查不合格的，不能发展入党"
)(_done_since_listing("conclude_political_review", "政治审查尚未作出结论"))
training_completed = rule(
    "training_completed", A17, "发展对象须经集中培训（特殊情况按规定免训的，在培训记录中写明理由）"
)(_done_since_listing("record_training", "尚未登记集中培训"))


# -- stage 4: admission -----------------------------------------------------------------------------


@rule(
    "not_leaving_unit_soon",
    A18,
    "预审时了解到发展对象近期将离开工作单位的，一般不办理接收手续（特殊情况须写明理由）",
    waivable=True,
    needs_input=True,
)
def not_leaving_unit_soon(ctx: RuleContext) -> Verdict:
    months = _policy_int(ctx, "leaving_unit_months", 3)
    return Verdict.fails(f"{months}个月内将离开") if ctx.inputs.get("leaving_unit_soon") else Verdict.holds()


def general_meeting_due(ctx: RuleContext) -> dict[str, Any]:
    return {"general_meeting_due_on": ctx.calendar.add(ctx.on, MEETING_SPAN.resolve(ctx.policy)).day}


general_meeting_within_one_month = within(
    "general_meeting_within_one_month",
    "event.pass_pre_review",
    MEETING_SPAN,
    A19,
    "预审通过后，支部党员大会应在一个月内讨论接收预备党员（逾期须写明理由）",
)

VOTE = BallotFields()
COMMITTEE_VOTE = BallotFields(
    expected="committee_members",
    present="committee_present",
    written="committee_written",  # not a field: a 党委 decides in its meeting
    in_favour="committee_for",
    against="committee_against",
    abstain="committee_abstain",
)


def _written_in_quorum(ctx: RuleContext) -> bool:
    return not ctx.policy.get("quorum_excludes_written_opinions", True)


ballot_adds_up = ballot_consistent(
    "ballot_adds_up", A21, "决议所记应到、实到、书面意见和赞成、反对、弃权票数须相符"
)
quorum_present = ballot_quorum(
    "quorum_present",
    A20,
    "有表决权的到会人数须超过应到会有表决权党员的半数",
    written_in_quorum=_written_in_quorum,
)
majority_in_favour = ballot_majority(
    "majority_in_favour", A20, "赞成人数须超过应到会有表决权党员的半数（含书面意见）"
)
one_candidate_per_vote = field_is(
    "one_candidate_per_vote", "one_candidate", True, A20, "讨论两个以上的人入党时，必须逐个讨论和表决"
)
secret_ballot_used = field_is("secret_ballot_used", "secret_ballot", True, A20, "表决须采取无记名投票方式")
resolution_signed = field_is(
    "resolution_signed",
    "secretary_signed",
    True,
    A21,
    "支部党员大会决议须写明主要表现、应到和实到有表决权的党员人数、表决结果、通过日期，并由支部书记签名",
)
VOTE_RULES = (ballot_adds_up, quorum_present, majority_in_favour, one_candidate_per_vote, secret_ballot_used)
MEETING_RULES = (*VOTE_RULES, resolution_signed)

committee_ballot_adds_up = ballot_consistent(
    "committee_ballot_adds_up", A24, "党委会议所记应到、实到委员和表决票数须相符", COMMITTEE_VOTE
)
committee_quorum_present = ballot_quorum(
    "committee_quorum_present", A24, "党委审批须集体讨论，到会委员须超过应到会委员的半数", COMMITTEE_VOTE,
    voters="党委委员",
)  # fmt: skip
committee_majority_in_favour = ballot_majority(
    "committee_majority_in_favour", A24, "赞成的委员须超过应到会委员的半数", COMMITTEE_VOTE, voters="党委委员"
)
committee_one_candidate_per_vote = field_is(
    "committee_one_candidate_per_vote",
    "one_candidate",
    True,
    A24,
    "党委审批两个以上的人入党时，应逐个审议和表决",
)
COMMITTEE_RULES = (
    committee_ballot_adds_up,
    committee_quorum_present,
    committee_majority_in_favour,
    committee_one_candidate_per_vote,
)


@rule(
    "materials_enclosed",
    A21,
    "支部大会决议应连同入党申请书、培养考察登记表和政治审查材料一并报党委审批",
    needs_input=True,
)
def materials_enclosed(ctx: RuleContext) -> Verdict:
    return Verdict.holds() if ctx.inputs.get("materials_enclosed") else Verdict.fails()


@rule("approval_talk_held", A23, "审批前，党委应指派党委委员或组织员同发展对象谈话")
def approval_talk_held(ctx: RuleContext) -> Verdict:
    talked = _happened_since(ctx, "hold_approval_talk", "submit_for_approval")
    return Verdict.holds() if talked else Verdict.fails("尚未登记谈话")


def meeting_deadlines(ctx: RuleContext) -> dict[str, Any]:
    return {
        "approval_due_on": ctx.calendar.add(ctx.on, APPROVAL_SPAN.resolve(ctx.policy)).day,
        "approval_limit_on": ctx.calendar.add(ctx.on, APPROVAL_MAX_SPAN.resolve(ctx.policy)).day,
    }


approval_within_three_months = within(
    "approval_within_three_months",
    "event.hold_admission_meeting",
    APPROVAL_SPAN,
    A25,
    "党委应在支部党员大会通过后三个月内审批（特殊情况须写明理由，最长不超过六个月）",
)
approval_within_six_months = within(
    "approval_within_six_months",
    "event.hold_admission_meeting",
    APPROVAL_MAX_SPAN,
    A25,
    "党委审批最长不超过六个月，已超过的不能再审批",
    waivable=False,
)


def probation_set(ctx: RuleContext) -> dict[str, Any]:
    """The approval states the probation's start (the meeting day) and end (第二十四、三十一条)."""
    start = ctx.anchor_date("event.hold_admission_meeting") or ctx.on
    end = add_months(start, 12 * _policy_int(ctx, "probation_years", 1)) - timedelta(days=1)
    oath_due = add_months(ctx.on, _policy_int(ctx, "oath_within_months", 1))
    if not ctx.policy.get("oath_deadline_applies"):
        oath_due = end  # no national deadline before 2026: only remind before the probation ends
    return {"approved_on": ctx.on, "probation_start": start, "probation_end": end, "oath_due_on": oath_due}


def admission_dates(ctx: RuleContext) -> dict[str, Any]:
    """Admitted on the day the 支部党员大会 passed it: the probation and 党龄 rules count from there."""
    return {"admitted_on": ctx.anchor_date("event.hold_admission_meeting") or ctx.on}


def _oath_within_one_month(ctx: RuleContext) -> Verdict:
    if not ctx.policy.get("oath_deadline_applies"):
        return Verdict.holds()
    approved = ctx.anchor_date("event.approve_admission")
    if approved is None:
        return Verdict.holds()
    deadline = add_months(approved, _policy_int(ctx, "oath_within_months", 1))
    return Verdict.holds() if ctx.on <= deadline else _late(deadline, ctx.on)


oath_within_one_month = Rule(
    "oath_within_one_month",
    A29 + "（2026年新增）",
    "预备党员一般应在党委批准后一个月内进行入党宣誓（逾期须写明理由）",
    _oath_within_one_month,
    waivable=True,
)

# -- stage 5: probation and full membership ---------------------------------------------------------


def _probation_has_expired(ctx: RuleContext) -> Verdict:
    end = _probation_end(ctx)
    if end is None:
        return Verdict.fails("预备期尚未确定")
    earliest = end + timedelta(days=1)
    if ctx.on >= earliest:
        return Verdict.holds()
    return Verdict.fails(f"预备期至{end.isoformat()}届满", earliest)


probation_has_expired = _time_rule(
    "probation_has_expired", A31, "预备期满后，党支部方可讨论其能否转为正式党员", _probation_has_expired
)


@rule(
    "full_membership_discussed_promptly",
    A31 + "（“及时”的期限为本系统设定）",
    "预备期满，党支部应及时讨论其能否转为正式党员（逾期须写明理由）",
    waivable=True,
)
def full_membership_discussed_promptly(ctx: RuleContext) -> Verdict:
    end = _probation_end(ctx)
    if end is None or _transferred_during_probation(ctx):
        return Verdict.holds()
    deadline = add_months(end, _policy_int(ctx, "full_membership_meeting_within_months", 1))
    return Verdict.holds() if ctx.on <= deadline else _late(deadline, ctx.on)


@rule(
    "postponement_at_most_six_months",
    A35,
    "转接组织关系的预备党员，讨论转正的时间最多推迟六个月",
)
def postponement_at_most_six_months(ctx: RuleContext) -> Verdict:
    end = _probation_end(ctx)
    if end is None or not _transferred_during_probation(ctx):
        return Verdict.holds()
    deadline = add_months(end, _policy_int(ctx, "full_membership_postponement_max_months", 6))
    return Verdict.holds() if ctx.on <= deadline else _late(deadline, ctx.on)


full_membership_opinions_heard = field_is(
    "full_membership_opinions_heard",
    "opinions_heard",
    True,
    A32,
    "讨论转正前，应听取党小组、党员和群众意见，并经支委会审查",
)


@rule("extension_within_bounds", A31, "延长预备期的时间不能少于半年，最长不超过一年", needs_input=True)
def extension_within_bounds(ctx: RuleContext) -> Verdict:
    months = int(ctx.inputs.get("extension_months") or 0)
    low = _policy_int(ctx, "probation_extension_min_months", 6)
    high = _policy_int(ctx, "probation_extension_max_months", 12)
    return Verdict.holds() if low <= months <= high else Verdict.fails(f"所填{months}个月")


@rule("extended_at_most_once", A31, "预备期只能延长一次")
def extended_at_most_once(ctx: RuleContext) -> Verdict:
    extended = ctx.last("approve_extension")
    return Verdict.fails(f"已于{extended.on.isoformat()}批准延长") if extended else Verdict.holds()


@rule(
    "full_membership_approval_within_three_months",
    A33,
    "党委应在支部党员大会作出决议后三个月内审批（逾期须写明理由）",
    waivable=True,
)
def full_membership_approval_within_three_months(ctx: RuleContext) -> Verdict:
    resolved = _last_of(ctx, FULL_MEMBERSHIP_RESOLUTIONS)
    if resolved is None:
        return Verdict.holds()
    deadline = ctx.calendar.add(resolved.on, FULL_MEMBERSHIP_APPROVAL_SPAN.resolve(ctx.policy)).day
    return Verdict.holds() if ctx.on <= deadline else _late(deadline, ctx.on)


def resolution_deadline(ctx: RuleContext) -> dict[str, Any]:
    due = ctx.calendar.add(ctx.on, FULL_MEMBERSHIP_APPROVAL_SPAN.resolve(ctx.policy)).day
    return {"full_membership_approval_due_on": due}


def extended_probation(ctx: RuleContext) -> dict[str, Any]:
    """The probation continues from the day after its old end for the months the meeting resolved."""
    end = _probation_end(ctx) or ctx.on
    resolved = ctx.data.get("resolve_extension") or {}
    months = int(resolved.get("extension_months") or 0)
    new_end = add_months(end + timedelta(days=1), months) - timedelta(days=1)
    return {"probation_end": new_end, "probation_extended_months": months, "original_probation_end": end}


def party_standing(ctx: RuleContext) -> dict[str, Any]:
    """党龄 counts from the end of the probation (第三十三条), whatever day the approval comes."""
    end = _probation_end(ctx) or ctx.on
    return {"party_standing_since": end + timedelta(days=1)}


def full_member_since(ctx: RuleContext) -> dict[str, Any]:
    return {"full_member_since": party_standing(ctx)["party_standing_since"]}


def no_admission(ctx: RuleContext) -> dict[str, Any]:
    return {"admitted_on": None}


MATERIALS = (
    ("admission_form_archived", "入党志愿书"),
    ("application_archived", "入党申请书"),
    ("cultivation_record_archived", "入党积极分子培养考察登记表"),
    ("political_review_archived", "政治审查材料"),
    ("probation_record_archived", "预备党员教育考察登记表"),
    ("full_membership_application_archived", "转正申请书"),
)


@rule("all_materials_archived", A36, "入党材料应齐全并归入档案", needs_input=True)
def all_materials_archived(ctx: RuleContext) -> Verdict:
    missing = [label for name, label in MATERIALS if not ctx.inputs.get(name)]
    return Verdict.fails("缺少" + "、".join(missing)) if missing else Verdict.holds()


# -- fields -----------------------------------------------------------------------------------------

PLACE_CHOICES = ((SINGLE, "在本地培养考察"), (TWO_PLACE, "流动人员：流出地、流入地双向培养考察"))
APPLIED_VIA = (
    ("work_unit", "工作、学习所在单位党组织"),
    ("locality", "单位所在地党组织"),
    ("supervising_department", "单位主管部门党组织"),
    ("residence", "居住地党组织"),
    ("mobile_members_org", "流动党员党组织"),
)
FINDINGS = (
    ("unfounded", "经核实，反映的问题不属实"),
    ("not_an_obstacle", "经核实，不影响列为发展对象"),
    ("founded", "经核实属实，影响列为发展对象"),
)


def _text(name: str, label: str, *, required: bool = True, help: str = "") -> Field:
    return Field(name, label, FieldType.TEXT, required=required, help=help)


def _flag(name: str, label: str, *, required: bool = True) -> Field:
    return Field(name, label, FieldType.BOOLEAN, required=required)


def _count(name: str, label: str, *, required: bool = True, help: str = "") -> Field:
    return Field(name, label, FieldType.INTEGER, required=required, minimum=0, help=help)


def _person_field(name: str, label: str, *, required: bool = True) -> Field:
    return Field(name, label, FieldType.PERSON, required=required)


BALLOT_FIELDS = (
    _count(
        "voters_expected",
        "应到会有表决权的党员（人）",
        help="预备党员、受留党察看处分的党员没有表决权；其他不计入的须经批准",
    ),
    _count("voters_present", "实到会有表决权的党员（人）"),
    _count("written_opinions", "因故不能到会者会前提交的书面意见（份）", required=False),
    _count("votes_for", "赞成（含书面意见）"),
    _count("votes_against", "反对（含书面意见）"),
    _count("votes_abstain", "弃权（含书面意见）"),
    _flag("one_candidate", "逐个讨论和表决"),
    _flag("secret_ballot", "采取无记名投票"),
)
RESOLUTION_FIELDS = (
    *BALLOT_FIELDS,
    _text("resolution", "决议（主要表现、表决结果）"),
    _flag("secretary_signed", "支部书记已签名"),
)
COMMITTEE_FIELDS = (
    _count("committee_members", "应到会党委委员（人）"),
    _count("committee_present", "实到会党委委员（人）"),
    _count("committee_for", "赞成"),
    _count("committee_against", "反对"),
    _count("committee_abstain", "弃权"),
    _flag("one_candidate", "逐个审议和表决"),
)

# -- who -------------------------------------------------------------------------------------------

CASEWORKER = Permission("caseworker")
SECRETARY = Permission("branch_secretary")
MEMBER = Permission("member", At.SUBJECT)
APPROVER = Permission("committee_approver", At.APPROVING_COMMITTEE)
ORGANIZER = Permission("organizer", At.APPROVING_COMMITTEE)
DELIBERATOR = Permission("committee_approver", At.PARENT)
DEPARTMENT = Permission("organization_department")  # a county department's grant covers the branch
OUTFLOW = party("outflow_side")
INFLOW = party("inflow_side")
BRANCH = (CASEWORKER, SECRETARY)

# -- states ----------------------------------------------------------------------------------------


def _task(
    name: str,
    label: str,
    role: str,
    at: str = At.OWNER,
    *,
    due: Due | None = None,
    actions: tuple[str, ...] = (),
) -> TaskSpec:
    return TaskSpec(name, label, role, at, due=due, actions=actions or (name,))


def _escalation(name: str, label: str, data_key: str, role: str, at: str = At.OWNER) -> TimerSpec:
    """Tells the organization above that a deadline (kept in the case data) passed yesterday."""
    return TimerSpec(
        name, TimerKind.ESCALATION, Due(DAY_AFTER, f"data.{data_key}"), label, notify_role=role, notify_at=at
    )


def _reminder(name: str, label: str, due: Due, role: str, at: str = At.OWNER, days: int = 7) -> TimerSpec:
    return TimerSpec(name, TimerKind.REMINDER, due, label, notify_role=role, notify_at=at, before_days=days)


def _one_step(
    name: str,
    label: str,
    task: TaskSpec,
    done: tuple[str, str],
    waiting: tuple[str, str] = ("PENDING", "待办理"),
    timers: tuple[TimerSpec, ...] = (),
) -> State:
    """A region of one step: waiting with its task (and timers) until the step is taken, then final."""
    return State(
        name,
        label,
        initial=waiting[0],
        children=(State(*waiting, tasks=(task,), timers=timers), State(*done, final=True)),
    )


def _notice_states(side: str | None) -> tuple[State, ...]:
    """公示中 → 有反映待核实 → back; for a side of a two-place notice also its final state."""
    prefix = f"{side}_" if side else ""
    at = {None: At.OWNER, "outflow": OUTFLOW, "inflow": INFLOW}[side]
    start = "start_two_place_notice" if side else "start_public_notice"
    finish = f"finish_{prefix}notice" if side else "finish_public_notice"
    states = (
        State(
            "POSTED",
            "公示中",
            tasks=(
                _task(
                    finish,
                    "公示期满，登记公示结果",
                    "caseworker",
                    at,
                    due=Due(NOTICE_SPAN, f"event.{start}"),
                    actions=(finish, f"record_{prefix}objection"),
                ),
            ),
        ),
        State(
            "OBJECTION",
            "有反映，待核实",
            tasks=(_task(f"resolve_{prefix}objection", "核实公示期间反映的问题", "branch_secretary", at),),
        ),
    )
    return (*states, State("ENDED", "公示结束", final=True)) if side else states


STATES = (
    State(
        S.APPLICATION.value,
        "收到入党申请书",
        tasks=(_task("submit_application", "登记入党申请书", "caseworker"),),
    ),
    State(
        S.TALK.value,
        "谈话",
        tasks=(
            _task(
                "hold_talk",
                "派人同入党申请人谈话",
                "caseworker",
                due=Due(TALK_SPAN, "event.submit_application"),
            ),
        ),
        timers=(
            _reminder(
                "talk_reminder",
                "入党申请人谈话期限",
                Due(TALK_SPAN, "event.submit_application"),
                "caseworker",
            ),
            _escalation("talk_deadline", "入党申请人谈话期限", "talk_due_on", "committee_approver"),
        ),
    ),
    State(
        S.APPLIED.value,
        "入党申请人",
        tasks=(_task("designate_activist", "支委会研究确定入党积极分子", "branch_secretary"),),
    ),
    State(
        S.ACTIVIST.value,
        "入党积极分子培养教育",
        initial="SETUP",
        tasks=(
            _task(
                "half_year_review",
                "入党积极分子半年考察",
                "branch_secretary",
                due=Due(REVIEW_SPAN),
                actions=("record_half_year_review",),
            ),
        ),
        timers=(
            TimerSpec(
                "half_year_review_due",
                TimerKind.RECURRING,
                Due(REVIEW_SPAN),
                label="入党积极分子半年考察",
                every=REVIEW_SPAN,
                task="half_year_review",
            ),
        ),
        children=(
            State(
                "SETUP",
                "备案和指定培养联系人",
                parallel=True,
                join=S.CULTIVATION.value,
                children=(
                    _one_step(
                        "FILING",
                        "报上级党委备案",
                        _task("file_activist", "入党积极分子报上级党委备案", "caseworker"),
                        ("FILED", "已备案"),
                        ("PENDING", "待备案"),
                    ),
                    _one_step(
                        "MENTORS",
                        "培养联系人",
                        _task("assign_mentors", "指定一至二名培养联系人", "branch_secretary"),
                        ("ASSIGNED", "已指定"),
                        ("PENDING", "待指定"),
                    ),
                ),
            ),
            State(
                "CULTIVATION",
                "培养考察",
                tasks=(_task("propose_candidate", "支委会讨论确定发展对象人选", "branch_secretary"),),
            ),
        ),
    ),
    State(
        S.CANDIDATE_PROPOSED.value,
        "发展对象人选报上级党委",
        tasks=(
            _task(
                "consent_to_candidate",
                "审核发展对象人选",
                "committee_approver",
                At.APPROVING_COMMITTEE,
                actions=("consent_to_candidate", "refuse_candidate"),
            ),
        ),
    ),
    State(
        S.NOTICE_PENDING.value,
        "待公示",
        tasks=(
            _task(
                "start_public_notice",
                "公示发展对象人选",
                "caseworker",
                actions=("start_public_notice", "start_two_place_notice", "designate_candidate"),
            ),
        ),
    ),
    State(S.PUBLIC_NOTICE.value, "公示", initial="POSTED", children=_notice_states(None)),
    State(
        S.TWO_PLACE_NOTICE.value,
        "流出地、流入地同时公示",
        parallel=True,
        join=S.NOTICE_ENDED.value,
        children=(
            State("OUTFLOW", "流出地公示", initial="POSTED", children=_notice_states("outflow")),
            State("INFLOW", "流入地公示", initial="POSTED", children=_notice_states("inflow")),
        ),
    ),
    State(
        S.NOTICE_ENDED.value,
        "公示期满",
        tasks=(_task("designate_candidate", "列为发展对象", "branch_secretary"),),
    ),
    State(
        S.CANDIDATE.value,
        "发展对象考察",
        parallel=True,
        join=S.EXAMINATION.value,
        children=(
            _one_step(
                "SPONSORS",
                "入党介绍人",
                _task("assign_sponsors", "确定两名入党介绍人", "branch_secretary"),
                ("ASSIGNED", "已确定"),
                ("PENDING", "待确定"),
            ),
            _one_step(
                "TRAINING",
                "集中培训",
                _task("record_training", "组织发展对象集中培训", "organizer", At.APPROVING_COMMITTEE),
                ("TRAINED", "已培训"),
                ("PENDING", "待培训"),
            ),
            State(
                "POLITICAL_REVIEW",
                "政治审查",
                initial="PENDING",
                children=(
                    State(
                        "PENDING",
                        "审查中",
                        tasks=(
                            _task(
                                "conclude_political_review",
                                "开展政治审查并形成结论",
                                "branch_secretary",
                                actions=("conclude_political_review", "request_two_place_opinions"),
                            ),
                        ),
                    ),
                    State(
                        "OPINIONS",
                        "征求户籍所在地和居住地意见",
                        parallel=True,
                        join=S.REVIEW_CONCLUSION.value,
                        children=(
                            _one_step(
                                "HOUSEHOLD_REGISTRATION_PLACE",
                                "户籍所在地",
                                _task(
                                    "give_household_opinion",
                                    "出具政治审查意见（户籍所在地）",
                                    "caseworker",
                                    OUTFLOW,
                                ),
                                ("GIVEN", "已回复"),
                                ("REQUESTED", "待回复"),
                            ),
                            _one_step(
                                "RESIDENCE_PLACE",
                                "居住地",
                                _task(
                                    "give_residence_opinion",
                                    "出具政治审查意见（居住地）",
                                    "caseworker",
                                    INFLOW,
                                ),
                                ("GIVEN", "已回复"),
                                ("REQUESTED", "待回复"),
                            ),
                        ),
                    ),
                    State(
                        "CONCLUSION",
                        "形成审查结论",
                        tasks=(_task("conclude_political_review", "形成政治审查结论", "branch_secretary"),),
                    ),
                    State("PASSED", "审查合格", final=True),
                ),
            ),
        ),
    ),
    State(
        S.EXAMINATION.value,
        "支委会审查",
        tasks=(_task("examine_candidate", "支委会审查发展对象", "branch_secretary"),),
    ),
    State(
        S.PRE_REVIEW.value,
        "基层党委预审",
        tasks=(
            _task(
                "pass_pre_review",
                "预审发展对象",
                "committee_approver",
                At.APPROVING_COMMITTEE,
                actions=("pass_pre_review", "refuse_pre_review"),
            ),
        ),
    ),
    State(
        S.ADMISSION_FORM.value,
        "填写入党志愿书",
        tasks=(_task("issue_admission_form", "发放入党志愿书", "organizer", At.APPROVING_COMMITTEE),),
    ),
    State(
        S.GENERAL_MEETING.value,
        "支部党员大会讨论",
        tasks=(
            _task(
                "hold_admission_meeting",
                "召开支部党员大会讨论接收预备党员",
                "branch_secretary",
                due=Due(MEETING_SPAN, "event.pass_pre_review"),
                actions=("hold_admission_meeting", "record_admission_not_adopted"),
            ),
        ),
        timers=(
            _reminder(
                "general_meeting_reminder",
                "预审后召开支部党员大会期限",
                Due(MEETING_SPAN, "event.pass_pre_review"),
                "branch_secretary",
            ),
            _escalation(
                "general_meeting_deadline",
                "预审后召开支部党员大会期限",
                "general_meeting_due_on",
                "committee_approver",
            ),
        ),
    ),
    State(
        S.ADMISSION_SUBMISSION.value,
        "报党委审批",
        tasks=(_task("submit_for_approval", "将支部大会决议等材料报党委审批", "caseworker"),),
    ),
    State(
        S.APPROVAL.value,
        "党委审批",
        tasks=(
            _task(
                "hold_approval_talk", "党委委员或组织员同发展对象谈话", "organizer", At.APPROVING_COMMITTEE
            ),
            _task(
                "approve_admission",
                "党委集体讨论审批",
                "committee_approver",
                At.APPROVING_COMMITTEE,
                due=Due(APPROVAL_SPAN, "event.hold_admission_meeting"),
                actions=("approve_admission", "reject_admission"),
            ),
        ),
        timers=(
            _reminder(
                "approval_reminder",
                "接收预备党员审批期限",
                Due(APPROVAL_SPAN, "event.hold_admission_meeting"),
                "committee_approver",
                At.APPROVING_COMMITTEE,
                days=14,
            ),
            _escalation(
                "approval_deadline",
                "接收预备党员审批期限（三个月）",
                "approval_due_on",
                "organization_department",
                At.APPROVING_COMMITTEE,
            ),
            _escalation(
                "approval_limit",
                "接收预备党员审批最长期限（六个月）",
                "approval_limit_on",
                "organization_department",
                At.APPROVING_COMMITTEE,
            ),
        ),
    ),
    State(
        S.ADMITTED.value,
        "接收为预备党员",
        parallel=True,
        join=S.PROBATION.value,
        children=(
            _one_step(
                "FILING",
                "报上级组织部门备案",
                _task("file_admission", "报上级组织部门备案", "organizer", At.APPROVING_COMMITTEE),
                ("FILED", "已备案"),
                ("PENDING", "待备案"),
            ),
            _one_step(
                "ANNOUNCEMENT",
                "通知本人并宣布",
                _task("announce_admission", "通知本人、党员大会宣布、编入党小组", "caseworker"),
                ("DONE", "已宣布"),
                ("PENDING", "待通知"),
            ),
            _one_step(
                "OATH",
                "入党宣誓",
                _task(
                    "take_oath", "组织入党宣誓", "branch_secretary", due=Due(ON_THE_DAY, "data.oath_due_on")
                ),
                ("TAKEN", "已宣誓"),
                ("PENDING", "待宣誓"),
                (_escalation("oath_deadline", "入党宣誓期限", "oath_due_on", "committee_approver"),),
            ),
        ),
    ),
    State(
        S.PROBATION.value,
        "预备期教育考察",
        tasks=(
            _task(
                "apply_for_full_membership",
                "预备期满前提交转正申请",
                "caseworker",
                due=Due(ON_THE_DAY, "data.probation_end"),
            ),
        ),
        timers=(
            _reminder(
                "probation_end_reminder",
                "预备期届满，应及时讨论转正",
                Due(ON_THE_DAY, "data.probation_end"),
                "branch_secretary",
                days=30,
            ),
        ),
    ),
    State(
        S.FULL_MEMBERSHIP_REVIEW.value,
        "转正：听取意见、支委会审查",
        tasks=(_task("examine_full_membership", "听取意见，支委会审查转正", "branch_secretary"),),
    ),
    State(
        S.FULL_MEMBERSHIP_MEETING.value,
        "转正：支部党员大会",
        tasks=(
            _task(
                "resolve_full_membership",
                "召开支部党员大会讨论转正",
                "branch_secretary",
                actions=FULL_MEMBERSHIP_RESOLUTIONS,
            ),
        ),
    ),
    *(
        State(
            state.value,
            label,
            tasks=(
                _task(
                    action,
                    task_label,
                    "committee_approver",
                    At.APPROVING_COMMITTEE,
                    due=Due(ON_THE_DAY, "data.full_membership_approval_due_on"),
                    actions=(action, "return_resolution"),
                ),
            ),
            timers=(
                _escalation(
                    f"{action}_deadline",
                    f"{task_label}期限",
                    "full_membership_approval_due_on",
                    "organization_department",
                    At.APPROVING_COMMITTEE,
                ),
            ),
        )
        for state, label, action, task_label in (
            (S.FULL_MEMBERSHIP_APPROVAL, "转正审批", "confirm_full_membership", "审批按期转正"),
            (S.EXTENSION_APPROVAL, "延长预备期审批", "approve_extension", "审批延长预备期"),
            (S.CANCELLATION_APPROVAL, "取消预备党员资格审批", "cancel_probation", "审批取消预备党员资格"),
        )
    ),
    State(
        S.ARCHIVING.value,
        "材料归档",
        tasks=(_task("archive_materials", "入党材料归档", "caseworker"),),
    ),
    State(S.ARCHIVED.value, "已归档", final=True),
    State(S.NOT_ADMITTED.value, "未予接收", final=True),
    State(S.WITHDRAWN.value, "已终止", final=True),
    State(S.PROBATION_CANCELLED.value, "已取消预备党员资格", final=True),
    State(S.NOT_RECOGNIZED.value, "不予承认", final=True),
)

# -- actions ---------------------------------------------------------------------------------------

MENTOR_FIELDS = (
    _person_field("mentor_1", "培养联系人"),
    _person_field("mentor_2", "培养联系人（二）", required=False),
)
SPONSOR_PERSON_FIELDS = (
    _person_field("sponsor_1", "入党介绍人（一）"),
    _person_field("sponsor_2", "入党介绍人（二）"),
)
APPROVAL_RULES = (*COMMITTEE_RULES, full_membership_approval_within_three_months)


def _notice_actions(side: str | None) -> tuple[Action, ...]:
    prefix = f"{side}_" if side else ""
    root = f"TWO_PLACE_NOTICE.{side.upper()}" if side else S.PUBLIC_NOTICE.value
    at = {None: At.OWNER, "outflow": OUTFLOW, "inflow": INFLOW}[side]
    place = {None: "", "outflow": "流出地", "inflow": "流入地"}[side]
    done = f"{root}.ENDED" if side else S.NOTICE_ENDED.value
    return (
        Action(
            f"finish_{prefix}notice" if side else "finish_public_notice",
            f"{place}公示期满，未反映影响发展的问题",
            (f"{root}.POSTED",),
            done,
            (Permission("caseworker", at), Permission("branch_secretary", at)),
            rules=(notice_period_over,),
        ),
        Action(
            f"record_{prefix}objection",
            f"登记{place}公示期间反映的问题",
            (f"{root}.POSTED",),
            f"{root}.OBJECTION",
            (Permission("caseworker", at), Permission("branch_secretary", at)),
            fields=(_text("objection", "反映的问题"),),
        ),
        Action(
            f"resolve_{prefix}objection",
            f"登记{place}核实结果",
            (f"{root}.OBJECTION",),
            f"{root}.POSTED",
            (Permission("branch_secretary", at),),
            fields=(
                Field("finding", "核实结论", FieldType.CHOICE, choices=FINDINGS),
                _text("finding_text", "核实情况"),
            ),
            rules=(objection_cleared,),
        ),
    )


ACTIONS = (
    # stage 1
    Action(
        "submit_application",
        "登记入党申请书",
        (S.APPLICATION,),
        S.TALK,
        BRANCH,
        fields=(
            Field("applied_via", "向哪一党组织提出", FieldType.CHOICE, choices=APPLIED_VIA),
            Field("place", "培养考察方式", FieldType.CHOICE, choices=PLACE_CHOICES),
            _text("notes", "备注", required=False),
        ),
        rules=(applicant_is_adult, not_recently_removed, mobile_org_only_for_mobile_workers),
        subject_status="applicant",
        sets_data=talk_due,
    ),
    Action(
        "hold_talk",
        "登记谈话",
        (S.TALK,),
        S.APPLIED,
        BRANCH,
        fields=(_text("talker", "谈话人"), _text("summary", "谈话情况")),
        rules=(talk_within_one_month,),
        documents=("talk_record",),
    ),
    # stage 2
    Action(
        "designate_activist",
        "确定为入党积极分子",
        (S.APPLIED,),
        S.ACTIVIST,
        (SECRETARY,),
        fields=(
            Field(
                "nomination",
                "推荐方式",
                FieldType.CHOICE,
                choices=(("party_members", "党员推荐"), ("mass_organization", "群团组织推优")),
            ),
            Field(
                "decided_by",
                "决定机构",
                FieldType.CHOICE,
                choices=(
                    ("branch_committee_meeting", "支部委员会"),
                    ("branch_general_meeting", "支部党员大会（未设支部委员会的）"),
                ),
            ),
        ),
        rules=(activist_after_local_wait,),
        subject_status="activist",
    ),
    Action(
        "file_activist",
        "报上级党委备案",
        (S.ACTIVIST_FILING_PENDING,),
        S.ACTIVIST_FILED,
        BRANCH,
        fields=(_text("filed_with", "备案的党委", required=False),),
        documents=("activist_filing",),
    ),
    Action(
        "assign_mentors",
        "指定培养联系人",
        (S.MENTORS_PENDING,),
        S.MENTORS_ASSIGNED,
        BRANCH,
        fields=MENTOR_FIELDS,
        rules=(mentors_are_full_members,),
    ),
    Action(
        "replace_mentors",
        "调整培养联系人",
        CULTIVATED,
        None,
        BRANCH,
        fields=MENTOR_FIELDS,
        rules=(mentors_are_full_members,),
        requires_reason=True,
    ),
    Action(
        "record_half_year_review",
        "登记半年考察",
        (S.ACTIVIST,),
        None,
        BRANCH,
        fields=(_text("assessment", "考察情况"),),
        rules=(half_year_review_due,),
    ),
    Action(
        "confirm_mobile_org_qualified",
        "确认流动党员党组织具备发展党员条件",
        BEFORE_ADMISSION,
        None,
        (DEPARTMENT,),
        fields=(_text("approval_reference", "批准文件"),),
    ),
    Action(
        "propose_candidate",
        "支委会确定发展对象人选",
        (S.ACTIVIST,),
        S.CANDIDATE_PROPOSED,
        (SECRETARY,),
        fields=(_flag("opinions_heard", "已听取党小组、培养联系人、党员和群众意见"),),
        rules=(
            activist_filed,
            mentors_assigned,
            one_year_of_cultivation,
            half_year_reviews_on_record,
            candidate_opinions_heard,
            mobile_org_may_develop,
        ),
    ),
    # stage 3
    Action(
        "consent_to_candidate",
        "上级党委同意",
        (S.CANDIDATE_PROPOSED, S.NOTICE_PENDING),
        S.NOTICE_PENDING,
        (APPROVER,),
        fields=(_text("opinion", "意见", required=False),),
        documents=("candidate_report",),
    ),
    Action(
        "file_candidate_proposal",
        "报上级党委备案（细则2014）",
        (S.CANDIDATE_PROPOSED,),
        S.NOTICE_PENDING,
        BRANCH,
        rules=(consent_not_required,),
        documents=("candidate_report",),
    ),
    Action(
        "refuse_candidate",
        "上级党委不同意，继续培养",
        (S.CANDIDATE_PROPOSED,),
        S.CULTIVATION,
        (APPROVER,),
        requires_reason=True,
    ),
    Action(
        "start_public_notice",
        "开始公示",
        (S.NOTICE_PENDING,),
        S.PUBLIC_NOTICE,
        BRANCH,
        fields=(_text("notice_place", "公示范围（单位或居住地）"),),
        rules=(notice_in_one_place_only_if_not_mobile,),
        documents=("public_notice",),
        sets_data=notice_period,
    ),
    Action(
        "start_two_place_notice",
        "流出地、流入地同时开始公示",
        (S.NOTICE_PENDING,),
        S.TWO_PLACE_NOTICE,
        BRANCH,
        rules=(two_place_notice_for_mobile_only,),
        documents=("two_place_notice",),
        sets_data=notice_period,
    ),
    *_notice_actions(None),
    *_notice_actions("outflow"),
    *_notice_actions("inflow"),
    Action(
        "withdraw_candidacy",
        "停止列为发展对象，继续培养",
        (S.NOTICE_PENDING, S.PUBLIC_NOTICE, S.TWO_PLACE_NOTICE, S.NOTICE_ENDED),
        S.CULTIVATION,
        (SECRETARY,),
        requires_reason=True,
    ),
    Action(
        "designate_candidate",
        "列为发展对象",
        (S.NOTICE_PENDING, S.NOTICE_ENDED),
        S.CANDIDATE,
        (SECRETARY,),
        rules=(committee_consent_given, public_notice_completed),
        subject_status="candidate",
    ),
    Action(
        "assign_sponsors",
        "确定入党介绍人",
        (S.SPONSORS_PENDING,),
        S.SPONSORS_ASSIGNED,
        BRANCH,
        fields=SPONSOR_PERSON_FIELDS,
        rules=(sponsors_are_full_members, sponsors_not_under_sanction),
    ),
    Action(
        "replace_sponsors",
        "调整入党介绍人",
        (S.SPONSORS_ASSIGNED, S.EXAMINATION, S.PRE_REVIEW, S.ADMISSION_FORM, S.GENERAL_MEETING),
        None,
        BRANCH,
        fields=SPONSOR_PERSON_FIELDS,
        rules=(sponsors_are_full_members, sponsors_not_under_sanction),
        requires_reason=True,
    ),
    Action(
        "record_training",
        "登记集中培训",
        (S.TRAINING_PENDING,),
        S.TRAINED,
        (ORGANIZER, APPROVER, CASEWORKER),
        fields=(
            Field(
                "organized_by",
                "培训组织者",
                FieldType.CHOICE,
                choices=(("primary_committee", "基层党委"), ("county_department", "县级党委组织部门")),
            ),
            _count("training_days", "培训天数"),
            _count("training_hours", "培训学时"),
            _flag("by_video", "采取视频等方式", required=False),
        ),
        rules=(training_long_enough,),
    ),
    Action(
        "request_two_place_opinions",
        "征求户籍所在地和居住地党组织意见",
        (S.REVIEW_PENDING,),
        S.REVIEW_OPINIONS,
        BRANCH,
        rules=(two_place_review_for_mobile_only,),
    ),
    Action(
        "give_household_opinion",
        "户籍所在地党组织出具意见",
        (S.HOUSEHOLD_OPINION_REQUESTED,),
        S.HOUSEHOLD_OPINION_GIVEN,
        (Permission("caseworker", OUTFLOW), Permission("branch_secretary", OUTFLOW)),
        fields=(_text("opinion", "审查意见"),),
    ),
    Action(
        "give_residence_opinion",
        "居住地党组织出具意见",
        (S.RESIDENCE_OPINION_REQUESTED,),
        S.RESIDENCE_OPINION_GIVEN,
        (Permission("caseworker", INFLOW), Permission("branch_secretary", INFLOW)),
        fields=(_text("opinion", "审查意见"),),
    ),
    Action(
        "conclude_political_review",
        "形成政治审查结论（合格）",
        (S.REVIEW_PENDING, S.REVIEW_CONCLUSION),
        S.REVIEW_PASSED,
        (SECRETARY, APPROVER),
        fields=(_text("conclusion", "书面审查结论"),),
        rules=(review_in_one_place_only_if_not_mobile,),
    ),
    Action(
        "fail_political_review",
        "政治审查不合格",
        (S.POLITICAL_REVIEW,),
        S.NOT_ADMITTED,
        (SECRETARY, APPROVER),
        fields=(_text("conclusion", "书面审查结论"),),
        requires_reason=True,
        subject_status="applicant",
    ),
    # stage 4
    Action(
        "examine_candidate",
        "支委会审查",
        (S.CANDIDATE, S.EXAMINATION),
        S.PRE_REVIEW,
        (SECRETARY,),
        fields=(_text("opinion", "审查意见"),),
        rules=(two_sponsors_assigned, political_review_passed, training_completed),
    ),
    Action(
        "record_deliberation",
        "党总支（基层党委）审议",
        (S.PRE_REVIEW, S.APPROVAL),
        None,
        (DELIBERATOR,),
        fields=(_text("opinion", "审议意见"),),
    ),
    Action(
        "pass_pre_review",
        "预审通过",
        (S.PRE_REVIEW,),
        S.ADMISSION_FORM,
        (APPROVER,),
        fields=(
            _text("written_reply", "书面通知党支部（文号）"),
            _flag("leaving_unit_soon", "近三个月内将离开现工作单位"),
        ),
        rules=(not_leaving_unit_soon,),
        sets_data=general_meeting_due,
    ),
    Action(
        "refuse_pre_review",
        "预审未通过",
        (S.PRE_REVIEW,),
        S.EXAMINATION,
        (APPROVER,),
        fields=(_text("written_reply", "书面通知党支部（文号）"),),
        requires_reason=True,
    ),
    Action(
        "issue_admission_form",
        "发放入党志愿书",
        (S.ADMISSION_FORM,),
        S.GENERAL_MEETING,
        (ORGANIZER, APPROVER),
        fields=(_text("form_number", "入党志愿书编号"),),
    ),
    Action(
        "hold_admission_meeting",
        "支部党员大会通过接收预备党员",
        (S.GENERAL_MEETING,),
        S.ADMISSION_SUBMISSION,
        (SECRETARY,),
        fields=RESOLUTION_FIELDS,
        rules=(general_meeting_within_one_month, *MEETING_RULES),
        documents=("meeting_resolution",),
        sets_data=meeting_deadlines,
    ),
    Action(
        "record_admission_not_adopted",
        "支部党员大会未通过，继续考察",
        (S.GENERAL_MEETING,),
        S.EXAMINATION,
        (SECRETARY,),
        fields=RESOLUTION_FIELDS,
        rules=(ballot_adds_up, quorum_present, one_candidate_per_vote, resolution_signed),
    ),
    Action(
        "submit_for_approval",
        "报党委审批",
        (S.ADMISSION_SUBMISSION,),
        S.APPROVAL,
        BRANCH,
        fields=(_flag("materials_enclosed", "已附入党申请书、培养考察登记表、政治审查材料"),),
        rules=(materials_enclosed,),
    ),
    Action(
        "hold_approval_talk",
        "党委委员或组织员谈话",
        (S.APPROVAL,),
        None,
        (ORGANIZER, APPROVER),
        fields=(_text("talker", "谈话人"), _text("record", "谈话记录"), _text("opinion", "意见")),
        documents=("approval_talk_record",),
    ),
    Action(
        "approve_admission",
        "党委审批：接收为预备党员",
        (S.APPROVAL,),
        S.ADMITTED,
        (APPROVER,),
        fields=COMMITTEE_FIELDS,
        rules=(
            approval_talk_held,
            *COMMITTEE_RULES,
            approval_within_three_months,
            approval_within_six_months,
        ),
        documents=("admission_approval",),
        subject_status="probationary_member",
        sets_data=probation_set,
        sets_subject=admission_dates,
    ),
    Action(
        "reject_admission",
        "党委审批：不同意接收",
        (S.APPROVAL,),
        S.NOT_ADMITTED,
        (APPROVER,),
        requires_reason=True,
        documents=("admission_refusal",),
        subject_status="applicant",
    ),
    Action(
        "file_admission",
        "报上级组织部门备案",
        (S.ADMISSION_FILING_PENDING,),
        S.ADMISSION_FILED,
        (ORGANIZER, APPROVER),
        fields=(_text("filed_with", "备案的组织部门", required=False),),
    ),
    Action(
        "announce_admission",
        "通知本人、党员大会宣布、编入党小组",
        (S.ANNOUNCEMENT_PENDING,),
        S.ANNOUNCED,
        BRANCH,
        fields=(_text("party_group", "编入的党小组"),),
    ),
    Action(
        "take_oath",
        "入党宣誓",
        (S.OATH_PENDING,),
        S.OATH_TAKEN,
        BRANCH,
        fields=(_text("led_by", "领誓人", required=False),),
        rules=(oath_within_one_month,),
    ),
    # stage 5
    Action(
        "apply_for_full_membership",
        "提交转正申请",
        (S.PROBATION,),
        S.FULL_MEMBERSHIP_REVIEW,
        (MEMBER, CASEWORKER),
        fields=(_text("application", "转正申请书"),),
    ),
    Action(
        "examine_full_membership",
        "听取意见，支委会审查转正",
        (S.FULL_MEMBERSHIP_REVIEW,),
        S.FULL_MEMBERSHIP_MEETING,
        (SECRETARY,),
        fields=(_flag("opinions_heard", "已听取党小组、党员和群众意见"), _text("opinion", "支委会审查意见")),
        rules=(full_membership_opinions_heard,),
    ),
    Action(
        "resolve_full_membership",
        "支部党员大会通过按期转正",
        (S.FULL_MEMBERSHIP_MEETING,),
        S.FULL_MEMBERSHIP_APPROVAL,
        (SECRETARY,),
        fields=RESOLUTION_FIELDS,
        rules=(
            probation_has_expired,
            full_membership_discussed_promptly,
            postponement_at_most_six_months,
            *MEETING_RULES,
        ),
        documents=("meeting_resolution",),
        sets_data=resolution_deadline,
    ),
    Action(
        "resolve_extension",
        "支部党员大会通过延长预备期",
        (S.FULL_MEMBERSHIP_MEETING,),
        S.EXTENSION_APPROVAL,
        (SECRETARY,),
        fields=(
            *RESOLUTION_FIELDS,
            Field("extension_months", "延长（月）", FieldType.INTEGER, minimum=1, maximum=24),
            _text("ground", "延长理由"),
        ),
        rules=(
            probation_has_expired,
            full_membership_discussed_promptly,
            postponement_at_most_six_months,
            extended_at_most_once,
            extension_within_bounds,
            *MEETING_RULES,
        ),
        documents=("meeting_resolution",),
        sets_data=resolution_deadline,
    ),
    Action(
        "resolve_cancellation",
        "支部党员大会通过取消预备党员资格",
        (S.FULL_MEMBERSHIP_MEETING,),
        S.CANCELLATION_APPROVAL,
        (SECRETARY,),
        fields=(*RESOLUTION_FIELDS, _text("ground", "取消理由")),
        rules=(probation_has_expired, postponement_at_most_six_months, *MEETING_RULES),
        documents=("meeting_resolution",),
        sets_data=resolution_deadline,
    ),
    Action(
        "confirm_full_membership",
        "党委审批：按期转正",
        (S.FULL_MEMBERSHIP_APPROVAL,),
        S.ARCHIVING,
        (APPROVER,),
        fields=COMMITTEE_FIELDS,
        rules=APPROVAL_RULES,
        documents=("full_membership_approval",),
        subject_status="full_member",
        sets_data=party_standing,
        sets_subject=full_member_since,
    ),
    Action(
        "approve_extension",
        "党委审批：延长预备期",
        (S.EXTENSION_APPROVAL,),
        S.PROBATION,
        (APPROVER,),
        fields=COMMITTEE_FIELDS,
        rules=(*APPROVAL_RULES, extended_at_most_once),
        documents=("probation_extension",),
        sets_data=extended_probation,
    ),
    Action(
        "cancel_probation",
        "党委审批：取消预备党员资格",
        (S.CANCELLATION_APPROVAL,),
        S.PROBATION_CANCELLED,
        (APPROVER,),
        fields=COMMITTEE_FIELDS,
        rules=APPROVAL_RULES,
        documents=("probation_cancellation",),
        subject_status="non_member",
        sets_subject=no_admission,
    ),
    Action(
        "return_resolution",
        "党委退回支部重新讨论",
        (S.FULL_MEMBERSHIP_APPROVAL, S.EXTENSION_APPROVAL, S.CANCELLATION_APPROVAL),
        S.FULL_MEMBERSHIP_MEETING,
        (APPROVER,),
        requires_reason=True,
    ),
    Action(
        "archive_materials",
        "入党材料归档",
        (S.ARCHIVING,),
        S.ARCHIVED,
        (CASEWORKER, DEPARTMENT),
        fields=(
            Field(
                "kept_in",
                "存放",
                FieldType.CHOICE,
                choices=(
                    ("personnel_file", "本人人事档案"),
                    ("committee_file", "基层党委保存的党员档案"),
                    ("county_department_file", "县级党委组织部门保存的党员档案"),
                ),
            ),
            *(_flag(name, label) for name, label in MATERIALS),
        ),
        rules=(all_materials_archived,),
    ),
    # at any time
    Action(
        "refuse_recognition",
        "不予承认",
        ON_PROBATION,
        S.NOT_RECOGNIZED,
        (DEPARTMENT,),
        fields=(
            Field(
                "ground",
                "依据",
                FieldType.CHOICE,
                choices=(
                    ("cannot_establish", "预备期考察情况无法认定（细则第三十四条）"),
                    ("irregular_admission", "违反规定吸收（细则第四十一条）"),
                ),
            ),
            _text("approval_reference", "县级党委组织部门批准文件"),
        ),
        requires_reason=True,
        subject_status="non_member",
        sets_subject=no_admission,
    ),
    Action(
        "withdraw_application",
        "终止发展（本人撤回申请或不再培养）",
        BEFORE_ADMISSION,
        S.WITHDRAWN,
        (*BRANCH, MEMBER),
        requires_reason=True,
        subject_status="non_member",
    ),
    Action(
        "submit_thought_report",
        "提交思想汇报",
        (S.ACTIVIST, *CULTIVATED[1:], S.EXAMINATION, S.PRE_REVIEW, S.GENERAL_MEETING, S.PROBATION),
        None,
        (MEMBER,),
        fields=(_text("report", "思想汇报"),),
    ),
)

MAIN_PATH = (
    "submit_application",
    "hold_talk",
    "designate_activist",
    "file_activist",
    "assign_mentors",
    "record_half_year_review",
    "propose_candidate",
    "consent_to_candidate",
    "start_public_notice",
    "finish_public_notice",
    "designate_candidate",
    "assign_sponsors",
    "record_training",
    "conclude_political_review",
    "examine_candidate",
    "pass_pre_review",
    "issue_admission_form",
    "hold_admission_meeting",
    "submit_for_approval",
    "hold_approval_talk",
    "approve_admission",
    "file_admission",
    "announce_admission",
    "take_oath",
    "apply_for_full_membership",
    "examine_full_membership",
    "resolve_full_membership",
    "confirm_full_membership",
    "archive_materials",
)


def _document(kind: str, title: str, prefix: str, issuer: str = At.OWNER, template: str = "") -> DocumentSpec:
    return DocumentSpec(kind, title, f"development/{template or kind}.html", issuer, prefix)


# Forms and records go with the case to the archive; notices and decisions are sent. Each kind has
# its own prefix, so two kinds an organization issues never share a number.
BY_COMMITTEE = At.APPROVING_COMMITTEE
DOCUMENTS = (
    _document("talk_record", "入党申请人谈话记录", "谈字"),
    _document("activist_filing", "入党积极分子备案表", "积备字"),
    _document("candidate_report", "发展对象人选报告表", "发报字"),
    _document("public_notice", "发展对象公示", "公示字"),
    _document("two_place_notice", "发展对象公示（流出地、流入地）", "两地公示字", template="public_notice"),
    _document("meeting_resolution", "支部党员大会决议", "决字"),
    _document("approval_talk_record", "入党前谈话记录", "谈话字", BY_COMMITTEE, "talk_record"),
    _document("admission_approval", "接收预备党员审批通知", "接收字", BY_COMMITTEE),
    _document("admission_refusal", "不予接收预备党员通知", "不予接收字", BY_COMMITTEE),
    _document("full_membership_approval", "预备党员转正审批通知", "转正字", BY_COMMITTEE),
    _document("probation_extension", "延长预备期审批通知", "延期字", BY_COMMITTEE),
    _document("probation_cancellation", "取消预备党员资格审批通知", "取消字", BY_COMMITTEE),
)

DEFINITION = Workflow(
    name="development",
    version="1",
    title="发展党员",
    description=__doc__ or "",
    states=STATES,
    initial=S.APPLICATION.value,
    actions=ACTIONS,
    opened_by=(CASEWORKER, SECRETARY, MEMBER),
    documents=DOCUMENTS,
    main_path=MAIN_PATH,
    supervised_by=(APPROVER, DEPARTMENT),
    follows_subject=True,
)
