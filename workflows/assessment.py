"""民主评议 and 积分制考核: one member's annual appraisal, from 个人自评 to the rating, its publication to
the members and its filing with the organization above, and the work the rating opens.

A branch opens the year once (`api.assessment.open_assessment_year`): the members on its list that
day — full and probationary members — each get a case. The appraisal goes 个人自评 → 党员互评 → 民主测评
→ 评定 by the 支委会 or the 党员大会 (条例 第十八条). Where the profile uses the 积分制, a score (entered
here one by one, or imported for the whole year from a spreadsheet) must be recorded before the rating,
and the rating follows the profile's bands: it may be stricter than the score with written grounds,
never more lenient.

A rating opens work, it never decides it (条例 第二十八、二十九条): 警示 and 基本合格 put a 提醒谈话 in the
branch's queue, 不合格 opens a disposition case, where every measure still needs the vote and approval;
优秀 puts a possible commendation in the queue. Publication and filing run beside that work: the case
closes when both are done.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
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
)
from engine.rules import RuleContext, rule
from workflows.profiles.disposition_values import APPRAISAL, NATIONAL_VALUES, POINTS
from workflows.rating import (
    APPRAISAL_GRADES,
    LABELS,
    SEVERITY,
    Rating,
    ScoreError,
    bands_from_policy,
    parse_score,
    score_text,
)

TRUE_RECORD = "如实记录：所填日期不得晚于办理当日"
RESULT_LIST = "result_list"  # the branch's list of the year's results, issued with a publication
DOCUMENTS = (
    DocumentSpec(RESULT_LIST, "民主评议党员结果公布", "assessment/result_list.html", At.OWNER, "评议字"),
)


class S(StrEnum):
    SELF_ASSESSMENT = "SELF_ASSESSMENT"
    PEER_REVIEW = "PEER_REVIEW"
    DEMOCRATIC_TESTING = "DEMOCRATIC_TESTING"
    RESULT = "RESULT"
    RATING = "RESULT.EVALUATION.RATING"
    COMMENDATION = "RESULT.EVALUATION.COMMENDATION"
    REMINDER_TALK = "RESULT.EVALUATION.REMINDER_TALK"
    EVALUATED = "RESULT.EVALUATION.DONE"
    AWAITING_PUBLICATION = "RESULT.PUBLICATION.PENDING"
    PUBLISHED = "RESULT.PUBLICATION.PUBLISHED"
    FILED = "RESULT.PUBLICATION.FILED"
    CLOSED = "CLOSED"


def uses_points(policy: Mapping[str, Any]) -> bool:
    return bool(policy.get("assessment_uses_points", NATIONAL_VALUES["assessment_uses_points"]))


def assessment_year(data: Mapping[str, Any]) -> int | None:
    """The year appraised: fixed when the branch opened the year, else (a case opened on its own)
    the year of the rating."""
    year, rated_on = data.get("year"), data.get("rated_on")
    if isinstance(year, int):
        return year
    return int(rated_on[:4]) if isinstance(rated_on, str) else None


def recorded_score(ctx: RuleContext) -> Decimal | None:
    value = ctx.data.get("score")
    return Decimal(value) if isinstance(value, str) else None


# -- rules -----------------------------------------------------------------------------------------


@rule("score_is_valid", POINTS, "积分应为0到100之间的数字，最多保留两位小数", needs_input=True)
def score_is_valid(ctx: RuleContext) -> Verdict:
    try:
        parse_score(ctx.inputs.get("score"))
    except ScoreError as exc:
        return Verdict.fails(exc.message)
    return Verdict.holds()


@rule("score_recorded_when_points_used", POINTS, "本地实行积分制考核，评定等次前应先登记积分")
def score_recorded_when_points_used(ctx: RuleContext) -> Verdict:
    return Verdict(not uses_points(ctx.policy) or recorded_score(ctx) is not None)


def rating_follows_score(rating: Rating) -> Rule:
    """The confirmed rating is the score's band, or stricter with written grounds; never more lenient."""

    def check(ctx: RuleContext) -> Verdict:
        score = recorded_score(ctx)
        if score is None:
            return Verdict.holds()
        earned = bands_from_policy(ctx.policy).rate(score)
        if rating == earned:
            return Verdict.holds()
        if SEVERITY[rating] > SEVERITY[earned] and ctx.inputs.get("grounds"):
            return Verdict.holds()
        if SEVERITY[rating] > SEVERITY[earned]:
            return Verdict.fails(f"积分{score_text(score)}对应“{LABELS[earned]}”，从严评定须写明理由")
        return Verdict.fails(f"积分{score_text(score)}对应“{LABELS[earned]}”，不得评为“{LABELS[rating]}”")

    return Rule(
        "rating_follows_score",
        POINTS,
        "评定等次应与积分档次一致：可以从严（须写明理由），不得从宽",
        check,
        needs_input=True,
    )


def grade_in_scheme(rating: Rating) -> Rule:
    """警示 is a 积分制 band: without a score, the 民主评议 grades are 优秀/合格/基本合格/不合格."""

    def check(ctx: RuleContext) -> Verdict:
        return Verdict(rating in APPRAISAL_GRADES or recorded_score(ctx) is not None)

    return Rule(
        "grade_in_scheme",
        APPRAISAL,
        "未登记积分的，民主评议等次为优秀、合格、基本合格、不合格；“警示”依积分评定",
        check,
    )


@rule("rating_confirmed", APPRAISAL, "尚未评定等次，不能公布评议结果")
def rating_confirmed(ctx: RuleContext) -> Verdict:
    return Verdict(isinstance(ctx.data.get("rating"), str))


@rule("testing_votes_add_up", APPRAISAL, "各等次票数之和不得超过参加测评的人数", needs_input=True)
def testing_votes_add_up(ctx: RuleContext) -> Verdict:
    total = sum(int(ctx.inputs.get(f"votes_{r}", 0) or 0) for r in APPRAISAL_GRADES)
    participants = int(ctx.inputs.get("participants", 0))
    return (
        Verdict.holds() if total <= participants else Verdict.fails(f"票数合计{total}，参加{participants}人")
    )


@rule("dates_not_in_future", TRUE_RECORD, "所填日期不能晚于办理当日", needs_input=True)
def dates_not_in_future(ctx: RuleContext) -> Verdict:
    talked = ctx.inputs.get("talked_on")
    return Verdict(not isinstance(talked, str) or talked <= ctx.on.isoformat())


# -- derived values --------------------------------------------------------------------------------


def score_recorded(ctx: RuleContext) -> dict[str, Any]:
    score = parse_score(ctx.inputs["score"])
    return {
        "score": score_text(score),
        "score_band": str(bands_from_policy(ctx.policy).rate(score)),
        "score_recorded_on": ctx.on.isoformat(),
    }


def rated(rating: Rating) -> Callable[[RuleContext], Mapping[str, Any]]:
    def rated_as(ctx: RuleContext) -> dict[str, Any]:
        return {"rating": str(rating), "rated_on": ctx.on.isoformat(), "rated_by": ctx.inputs["body"]}

    rated_as.__name__ = f"rated_{rating}"
    return rated_as


def unqualified_referral(ctx: RuleContext) -> dict[str, Any]:
    """What the disposition case starts from: the ground, the year and the score, if any."""
    return {
        "ground": "unqualified_rating",
        "assessment_year": ctx.data.get("year"),
        "score": ctx.data.get("score"),
        "rated_on": ctx.on.isoformat(),
    }


def published(ctx: RuleContext) -> dict[str, Any]:
    return {"published_on": ctx.on.isoformat()}


def filed(ctx: RuleContext) -> dict[str, Any]:
    return {"filed_on": ctx.on.isoformat()}


# -- the process -----------------------------------------------------------------------------------

CASEWORKER = Permission("caseworker")
SECRETARY = Permission("branch_secretary")
MEMBER = Permission("member", At.SUBJECT)
BODIES = (("branch_committee_meeting", "支部委员会"), ("branch_general_meeting", "支部党员大会"))
TALK_DUE = Due(Span(DurationUnit.MONTHS, 1, "reminder_talk_months"))

STATES = (
    State(
        "SELF_ASSESSMENT",
        "个人自评",
        tasks=(
            TaskSpec(
                "self_assessment", "组织党员个人自评", "caseworker", actions=("submit_self_assessment",)
            ),
        ),
    ),
    State(
        "PEER_REVIEW",
        "党员互评",
        tasks=(TaskSpec("peer_review", "组织党员互评", "caseworker", actions=("record_peer_review",)),),
    ),
    State(
        "DEMOCRATIC_TESTING",
        "民主测评",
        tasks=(
            TaskSpec("democratic_testing", "民主测评", "caseworker", actions=("record_democratic_testing",)),
        ),
    ),
    State(
        "RESULT",
        "评定与公布",
        parallel=True,
        join="CLOSED",
        children=(
            State(
                "EVALUATION",
                "评定及后续工作",
                initial="RATING",
                children=(
                    State(
                        "RATING",
                        "评定等次",
                        tasks=(
                            TaskSpec(
                                "confirm_rating",
                                "评定等次（支委会或党员大会）",
                                "branch_secretary",
                                actions=tuple(f"confirm_{r}" for r in Rating),
                            ),
                        ),
                    ),
                    State(
                        "COMMENDATION",
                        "评为优秀：研究表扬",
                        tasks=(
                            TaskSpec(
                                "consider_commendation",
                                "评为优秀：研究是否予以表扬",
                                "branch_secretary",
                                actions=("record_commendation",),
                            ),
                        ),
                    ),
                    State(
                        "REMINDER_TALK",
                        "提醒谈话",
                        tasks=(
                            TaskSpec(
                                "reminder_talk",
                                "提醒谈话、批评教育",
                                "branch_secretary",
                                due=TALK_DUE,
                                priority=1,
                                actions=("hold_reminder_talk",),
                            ),
                        ),
                        timers=(
                            TimerSpec(
                                "reminder_talk_deadline",
                                TimerKind.ESCALATION,
                                TALK_DUE,
                                label="提醒谈话期限",
                                notify_role="committee_approver",
                            ),
                        ),
                    ),
                    State("DONE", "后续工作已落实", final=True),
                ),
            ),
            State(
                "PUBLICATION",
                "公布与备案",
                initial="PENDING",
                children=(
                    State(
                        "PENDING",
                        "待公布",
                        tasks=(
                            TaskSpec(
                                "publish_result",
                                "评定后向党员公布评议结果",
                                "caseworker",
                                actions=("publish_result",),
                            ),
                        ),
                    ),
                    State(
                        "PUBLISHED",
                        "已公布，待备案",
                        tasks=(
                            TaskSpec(
                                "file_upward",
                                "评议结果报上级党组织备案",
                                "caseworker",
                                actions=("file_upward",),
                            ),
                        ),
                    ),
                    State("FILED", "已备案", final=True),
                ),
            ),
        ),
    ),
    State("CLOSED", "已办结", final=True),
)

RATING_FIELDS = (
    Field("body", "评定会议", FieldType.CHOICE, choices=BODIES),
    Field("grounds", "评定理由（从严评定时必填）", required=False),
)

# Where each rating leads: the work it opens.
RATING_TARGETS: dict[Rating, str] = {
    Rating.EXCELLENT: S.COMMENDATION.value,
    Rating.QUALIFIED: S.EVALUATED.value,
    Rating.BASICALLY_QUALIFIED: S.REMINDER_TALK.value,
    Rating.WARNING: S.REMINDER_TALK.value,
    Rating.UNQUALIFIED: S.EVALUATED.value,
}


def confirm(rating: Rating) -> Action:
    return Action(
        f"confirm_{rating}",
        f"评定为“{LABELS[rating]}”",
        (S.RATING.value,),
        RATING_TARGETS[rating],
        (SECRETARY,),
        fields=RATING_FIELDS,
        rules=(score_recorded_when_points_used, rating_follows_score(rating), grade_in_scheme(rating)),
        sets_data=rated(rating),
        opens=(CaseOpening("disposition", data=unqualified_referral),)
        if rating is Rating.UNQUALIFIED
        else (),
    )


ACTIONS = (
    Action(
        "submit_self_assessment",
        "提交个人自评",
        (S.SELF_ASSESSMENT.value,),
        S.PEER_REVIEW.value,
        (CASEWORKER, MEMBER),
        fields=(Field("summary", "个人自评情况"),),
    ),
    Action(
        "record_peer_review",
        "登记党员互评",
        (S.PEER_REVIEW.value,),
        S.DEMOCRATIC_TESTING.value,
        (CASEWORKER,),
        fields=(Field("summary", "互评意见"),),
    ),
    Action(
        "record_democratic_testing",
        "登记民主测评结果",
        (S.DEMOCRATIC_TESTING.value,),
        S.RESULT.value,
        (CASEWORKER,),
        fields=(
            Field("participants", "参加测评人数", FieldType.INTEGER, minimum=1),
            *(
                Field(f"votes_{r}", f"“{LABELS[r]}”票数", FieldType.INTEGER, required=False, minimum=0)
                for r in APPRAISAL_GRADES
            ),
        ),
        rules=(testing_votes_add_up,),
    ),
    Action(
        "record_score",
        "登记积分",
        (S.SELF_ASSESSMENT.value, S.PEER_REVIEW.value, S.DEMOCRATIC_TESTING.value, S.RATING.value),
        None,
        (CASEWORKER,),
        fields=(
            Field("score", "总积分", max_length=10, help="0到100，最多两位小数"),
            Field("items", "各项得分", required=False),
        ),
        rules=(score_is_valid,),
        sets_data=score_recorded,
    ),
    *(confirm(rating) for rating in Rating),
    Action(
        "record_commendation",
        "登记表扬情况",
        (S.COMMENDATION.value,),
        S.EVALUATED.value,
        (SECRETARY,),
        fields=(
            Field("commended", "予以表扬", FieldType.BOOLEAN),
            Field("form", "表扬形式或不予表扬的理由", required=False),
        ),
    ),
    Action(
        "hold_reminder_talk",
        "登记提醒谈话",
        (S.REMINDER_TALK.value,),
        S.EVALUATED.value,
        (SECRETARY,),
        fields=(
            Field("talked_on", "谈话日期", FieldType.DATE),
            Field("summary", "谈话内容"),
            Field("member_view", "本人态度", required=False),
        ),
        rules=(dates_not_in_future,),
    ),
    Action(
        "publish_result",
        "向党员公布评议结果",
        (S.AWAITING_PUBLICATION.value,),
        S.PUBLISHED.value,
        (CASEWORKER,),
        fields=(Field("means", "公布方式", required=False),),
        rules=(rating_confirmed,),
        documents=(RESULT_LIST,),
        sets_data=published,
    ),
    Action(
        "file_upward",
        "报上级党组织备案",
        (S.PUBLISHED.value,),
        S.FILED.value,
        (CASEWORKER,),
        fields=(Field("filed_with", "备案的党组织", required=False),),
        sets_data=filed,
    ),
)

DEFINITION = Workflow(
    name="assessment",
    version="1",
    title="民主评议党员",
    description=(
        "每年一次，党支部开启年度民主评议时确定参评党员名单（正式党员和预备党员），每人一件：个人自评、党员互评、"
        "民主测评，由支部委员会或支部党员大会评定等次（条例 第十八条）；实行积分制的，先登记积分（逐人录入或"
        "按表格导入），按档次评定，可从严、不可从宽。评定结果向党员公布并报上级党组织备案。评定只开启后续工作、"
        "不作处置决定：警示、基本合格的进行提醒谈话，不合格的转入处置不合格党员程序，优秀的研究表扬"
        "（条例 第二十八、二十九条）。"
    ),
    states=STATES,
    initial=S.SELF_ASSESSMENT.value,
    actions=ACTIONS,
    documents=DOCUMENTS,
    opened_by=(CASEWORKER, SECRETARY),
    main_path=(
        "submit_self_assessment",
        "record_peer_review",
        "record_democratic_testing",
        "confirm_qualified",
        "publish_result",
        "file_upward",
    ),
    supervised_by=(Permission("committee_approver", At.APPROVING_COMMITTEE),),
)
