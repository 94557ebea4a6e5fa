"""民主评议 and 积分制 with a moved clock: the year's list, band edges, ratings that open work, the
spreadsheet import (all or nothing), publication and filing, every rule held and refused."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import Engine as DbEngine

from api.assessment import RowError, import_scores, open_assessment_year, publish_year
from engine.demo_identities import IdentityFactory
from engine.errors import Conflict, InvalidInput, RuleRefusal
from engine.models import Person
from engine.timers import sweep
from tests.workflows.disposition_world import World, build_world
from workflows.assessment import S
from workflows.profiles.disposition_values import APPRAISAL, POINTS
from workflows.rating import LABELS, Rating

YEAR = 2025
OPENED = date(2026, 1, 12)
TESTING = {"participants": 9, "votes_excellent": 2, "votes_qualified": 6, "votes_basically_qualified": 1}
MEETING = {"body": "branch_general_meeting"}


@pytest.fixture
def world(db_engine: DbEngine) -> World:
    return build_world(db_engine)


def refusal(excinfo: pytest.ExceptionInfo[RuleRefusal], rule: str) -> Any:
    found = [u for u in excinfo.value.unmet if u.rule == rule]
    assert found, [u.rule for u in excinfo.value.unmet]
    return found[0]


def open_year(world: World, profile: str = "national") -> dict[str, int]:
    """The year's case of each person of the world who is on the list, by person key."""
    world.at(OPENED)
    ids = open_assessment_year(world.engine, world.orgs["branch"].id, YEAR, world.secretary, profile=profile)
    by_subject = {world.case(i).subject_id: i for i in ids}
    return {key: by_subject[p.id] for key, p in world.people.items() if p.id in by_subject}


def to_rating(world: World, case_id: int) -> None:
    world.fire(case_id, "submit_self_assessment", world.caseworker, {"summary": "按时参加组织生活"})
    world.fire(case_id, "record_peer_review", world.caseworker, {"summary": "工作踏实"})
    world.fire(case_id, "record_democratic_testing", world.caseworker, TESTING)


def rated(world: World, case_id: int, rating: Rating, score: str | None = None, **inputs: Any) -> None:
    to_rating(world, case_id)
    if score is not None:
        world.fire(case_id, "record_score", world.caseworker, {"score": score})
    world.fire(case_id, f"confirm_{rating}", world.secretary, {**MEETING, **inputs})


# -- the year's list -----------------------------------------------------------------------------


def test_opening_the_year_fixes_the_list_to_the_full_and_probationary_members_of_the_branch(
    world: World,
) -> None:
    cases = open_year(world)
    assert set(cases) == {
        "subject",
        "talker_one",
        "talker_two",
        "probationer",
        *(f"member_{i}" for i in range(1, 7)),
    }
    data = world.data(cases["subject"])
    assert (data["year"], data["roster_fixed_on"], data["roster_size"]) == (YEAR, "2026-01-12", 10)
    assert world.state(cases["subject"]) == S.SELF_ASSESSMENT
    with pytest.raises(Conflict, match="2025年度民主评议已经开启"):
        open_assessment_year(world.engine, world.orgs["branch"].id, YEAR, world.secretary)
    with pytest.raises(InvalidInput) as too_old:
        open_assessment_year(world.engine, world.orgs["branch"].id, 2023, world.secretary)
    assert too_old.value.errors == {"year": "只能开启2025年或2026年的民主评议"}


def test_a_member_submits_their_own_self_assessment(world: World) -> None:
    case_id = open_year(world)["subject"]
    world.fire(case_id, "submit_self_assessment", world.member, {"summary": "本人自评"})
    assert world.state(case_id) == S.PEER_REVIEW


# -- band edges and the work each rating opens ----------------------------------------------------

EDGES = [
    ("member_1", "59.99", Rating.UNQUALIFIED, Rating.WARNING),
    ("member_2", "60", Rating.WARNING, Rating.QUALIFIED),
    ("member_3", "69.99", Rating.WARNING, Rating.QUALIFIED),
    ("member_4", "70", Rating.QUALIFIED, Rating.EXCELLENT),
    ("member_5", "89.99", Rating.QUALIFIED, Rating.EXCELLENT),
    ("member_6", "90", Rating.EXCELLENT, None),
]


def test_band_edges_decide_the_rating_and_a_more_lenient_one_is_refused(world: World) -> None:
    cases = open_year(world)
    for key, score, earned, lenient in EDGES:
        case_id = cases[key]
        to_rating(world, case_id)
        world.fire(case_id, "record_score", world.caseworker, {"score": score, "items": "基础分与奖励分"})
        assert world.data(case_id)["score_band"] == earned
        if lenient is not None:
            with pytest.raises(RuleRefusal) as refused:
                world.fire(case_id, f"confirm_{lenient}", world.secretary, MEETING)
            unmet = refusal(refused, "rating_follows_score")
            assert unmet.citation == POINTS
            assert unmet.message.endswith(f"对应“{LABELS[earned]}”，不得评为“{LABELS[lenient]}”）")
        world.fire(case_id, f"confirm_{earned}", world.secretary, MEETING)
        assert world.data(case_id)["rating"] == earned
    assert world.state(cases["member_1"]) == [S.EVALUATED, S.AWAITING_PUBLICATION]
    [referral] = world.cases("disposition")
    assert referral.subject_id == world.people["member_1"].id
    assert referral.org_id == world.orgs["branch"].id
    assert referral.data == {
        "opened_by_case": cases["member_1"],
        "ground": "unqualified_rating",
        "assessment_year": YEAR,
        "score": "59.99",
        "rated_on": "2026-01-12",
    }
    for key in ("member_2", "member_3"):
        [talk] = world.open_tasks(cases[key], "reminder_talk")
        assert (talk.queue_org_id, talk.queue_role, talk.due_date) == (
            world.orgs["branch"].id,
            "branch_secretary",
            date(2026, 2, 12),
        )
    assert [t.name for t in world.open_tasks(cases["member_6"])] == [
        "publish_result",
        "consider_commendation",
    ]
    assert world.state(cases["member_4"]) == [S.EVALUATED, S.AWAITING_PUBLICATION]


def test_where_the_points_scheme_is_used_a_score_comes_before_the_rating(world: World) -> None:
    cases = open_year(world, profile="fengle")
    case_id = cases["subject"]
    to_rating(world, case_id)
    with pytest.raises(RuleRefusal) as refused:
        world.fire(case_id, "confirm_qualified", world.secretary, MEETING)
    assert refusal(refused, "score_recorded_when_points_used").citation == POINTS
    world.fire(case_id, "record_score", world.caseworker, {"score": "72"})
    assert world.data(case_id)["score_band"] == "warning"  # the county's 合格 starts at 75
    world.fire(case_id, "confirm_warning", world.secretary, MEETING)
    assert world.data(case_id)["rating"] == "warning"


def test_without_the_points_scheme_no_score_is_needed_and_the_appraisal_grades_apply(world: World) -> None:
    cases = open_year(world)
    to_rating(world, cases["subject"])
    with pytest.raises(RuleRefusal) as refused:
        world.fire(cases["subject"], "confirm_warning", world.secretary, MEETING)
    assert refusal(refused, "grade_in_scheme").citation == APPRAISAL
    world.fire(cases["subject"], "confirm_basically_qualified", world.secretary, MEETING)
    assert world.state(cases["subject"]) == [S.REMINDER_TALK, S.AWAITING_PUBLICATION]


def test_a_rating_stricter_than_the_score_needs_written_grounds(world: World) -> None:
    case_id = open_year(world)["subject"]
    to_rating(world, case_id)
    world.fire(case_id, "record_score", world.caseworker, {"score": "85"})
    with pytest.raises(RuleRefusal) as refused:
        world.fire(case_id, "confirm_basically_qualified", world.secretary, MEETING)
    assert "积分85.00对应“合格”，从严评定须写明理由" in refusal(refused, "rating_follows_score").message
    world.fire(
        case_id, "confirm_basically_qualified", world.secretary, {**MEETING, "grounds": "年内两次无故缺席"}
    )
    assert world.data(case_id)["rating"] == "basically_qualified"


def test_a_score_outside_0_to_100_is_refused_with_the_reason(world: World) -> None:
    case_id = open_year(world)["subject"]
    with pytest.raises(RuleRefusal) as refused:
        world.fire(case_id, "record_score", world.caseworker, {"score": "100.5"})
    unmet = refusal(refused, "score_is_valid")
    assert unmet.citation == POINTS
    assert unmet.message == "积分应为0到100之间的数字，最多保留两位小数（得分100.5超出0到100的范围）"
    world.fire(case_id, "record_score", world.caseworker, {"score": "100"})
    assert world.data(case_id)["score"] == "100.00"


def test_the_votes_of_the_democratic_testing_cannot_exceed_the_participants(world: World) -> None:
    case_id = open_year(world)["subject"]
    world.fire(case_id, "submit_self_assessment", world.caseworker, {"summary": "自评"})
    world.fire(case_id, "record_peer_review", world.caseworker, {"summary": "互评"})
    with pytest.raises(RuleRefusal) as refused:
        world.fire(
            case_id, "record_democratic_testing", world.caseworker, {**TESTING, "votes_unqualified": 1}
        )
    unmet = refusal(refused, "testing_votes_add_up")
    assert (unmet.citation, unmet.message.endswith("（票数合计10，参加9人）")) == (APPRAISAL, True)
    world.fire(case_id, "record_democratic_testing", world.caseworker, TESTING)
    assert world.state(case_id) == [S.RATING, S.AWAITING_PUBLICATION]


# -- publication, filing and the follow-up --------------------------------------------------------


def test_results_are_published_after_the_rating_and_the_case_closes_when_filed_and_followed_up(
    world: World,
) -> None:
    case_id = open_year(world)["subject"]
    to_rating(world, case_id)
    with pytest.raises(RuleRefusal) as early:
        world.fire(case_id, "publish_result", world.caseworker)
    assert refusal(early, "rating_confirmed").citation == APPRAISAL
    world.fire(case_id, "record_score", world.caseworker, {"score": "65"})
    world.fire(case_id, "confirm_warning", world.secretary, MEETING)
    world.fire(case_id, "publish_result", world.caseworker, {"means": "党务公开栏"})
    world.fire(case_id, "file_upward", world.caseworker, {"filed_with": "城关镇党委"})
    assert world.state(case_id) == [S.REMINDER_TALK, S.FILED]
    assert not world.case(case_id).closed
    world.at(date(2026, 1, 20))
    with pytest.raises(RuleRefusal) as future:
        world.fire(
            case_id, "hold_reminder_talk", world.secretary, {"talked_on": "2026-01-21", "summary": "提醒"}
        )
    assert refusal(future, "dates_not_in_future").message == "所填日期不能晚于办理当日"
    world.fire(case_id, "hold_reminder_talk", world.secretary, {"talked_on": "2026-01-19", "summary": "提醒"})
    case = world.case(case_id)
    assert (case.state, case.closed) == ("CLOSED", True)
    assert (case.data["published_on"], case.data["filed_on"]) == ("2026-01-12", "2026-01-12")


def test_a_reminder_talk_not_held_within_a_month_is_escalated_to_the_township(world: World) -> None:
    case_id = open_year(world)["subject"]
    rated(world, case_id, Rating.WARNING, "61.5")
    world.at(date(2026, 2, 11))
    sweep(world.engine)
    assert world.notifications("escalation") == []
    world.at(date(2026, 2, 12))
    sweep(world.engine)
    [escalated] = world.notifications("escalation")
    assert (escalated.org_id, escalated.user_id, escalated.title) == (
        world.orgs["township"].id,
        world.committee.user_id,
        "逾期督办：提醒谈话期限",
    )


def test_the_year_is_published_at_once_and_not_while_a_member_is_unrated(world: World) -> None:
    cases = open_year(world)
    branch = world.orgs["branch"].id
    for key, case_id in cases.items():
        if key != "probationer":
            rated(world, case_id, Rating.QUALIFIED)
    with pytest.raises(InvalidInput) as refused:
        publish_year(world.engine, branch, YEAR, world.caseworker)
    assert refused.value.errors["year"].endswith(world.people["probationer"].name)
    rated(world, cases["probationer"], Rating.EXCELLENT)
    assert publish_year(world.engine, branch, YEAR, world.caseworker, means="党员大会宣布") == 10
    assert world.state(cases["probationer"]) == [S.COMMENDATION, S.PUBLISHED]


# -- the spreadsheet import -----------------------------------------------------------------------


def workbook(
    rows: list[tuple[Any, ...]], headers: tuple[str, ...] = ("序号", "姓名", "身份证号", "积分")
) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def row(world: World, n: int, key: str, score: Any) -> tuple[Any, ...]:
    person = world.people[key]
    return (n, person.name, person.id_number, score)


def scores(world: World, cases: dict[str, int]) -> dict[str, Any]:
    return {key: world.data(case_id).get("score") for key, case_id in cases.items()}


def test_a_spreadsheet_with_one_bad_row_is_refused_whole_with_its_row_error(world: World) -> None:
    cases = open_year(world)
    xlsx = workbook(
        [
            row(world, 1, "subject", 92.5),
            row(world, 2, "talker_one", 59.99),
            row(world, 3, "talker_two", "七十"),
            row(world, 4, "member_1", 70),
        ]
    )
    result = import_scores(world.engine, world.orgs["branch"].id, YEAR, xlsx, world.caseworker, dry_run=False)
    assert (result.ok, result.imported) == (False, 0)
    assert result.errors == [RowError(4, "积分", "得分“七十”不是数字")]
    assert set(scores(world, cases).values()) == {None}


def test_every_bad_row_is_reported_with_its_row_column_and_reason(world: World) -> None:
    cases = open_year(world)
    rated(world, cases["member_6"], Rating.QUALIFIED)
    stranger = IdentityFactory(seed=99).person(date(1980, 1, 1), date(1990, 1, 1), region_code="620725")
    subject = world.people["subject"]
    xlsx = workbook(
        [
            row(world, 1, "subject", 88),
            (2, stranger.name, stranger.id_number, 80),
            (3, "张三", "620725199001011234", 80),
            (4, "李四", world.people["talker_one"].id_number, 80),
            row(world, 5, "applicant", 80),
            row(world, 6, "outsider", 80),
            row(world, 7, "talker_two", 100.5),
            (8, subject.name, subject.id_number.lower(), 75),
            (9, None, world.people["member_1"].id_number, 80),
            row(world, 10, "member_6", 80),
            row(world, 11, "member_2", "59.999"),
            row(world, 12, "member_3", None),
        ]
    )
    result = import_scores(world.engine, world.orgs["branch"].id, YEAR, xlsx, world.caseworker, dry_run=True)
    assert result.errors == [
        RowError(3, "公民身份号码", "系统中没有此公民身份号码的人员"),
        RowError(4, "公民身份号码", "公民身份号码校验位不正确"),
        RowError(5, "姓名", "姓名与公民身份号码不符"),
        RowError(6, "公民身份号码", "不在本支部本年度民主评议名单内"),
        RowError(7, "公民身份号码", "不在本支部本年度民主评议名单内"),
        RowError(8, "积分", "得分100.5超出0到100的范围"),
        RowError(9, "公民身份号码", "与第2行重复"),
        RowError(10, "姓名", "未填写姓名"),
        RowError(11, "积分", "已评定等次，不能再导入积分"),
        RowError(12, "积分", "得分59.999最多保留两位小数"),
        RowError(13, "积分", "得分未填写"),
    ]
    assert set(scores(world, cases).values()) == {None}


def test_a_sound_spreadsheet_is_checked_by_a_dry_run_then_imported_in_one_go(world: World) -> None:
    cases = open_year(world)
    keys = ["subject", "talker_one", "talker_two", "probationer"]
    xlsx = workbook(
        [
            row(world, i, key, score)
            for i, (key, score) in enumerate(zip(keys, [92.5, 59.99, 60, "69.99"], strict=True), 1)
        ],
        headers=("序号", "姓名", "公民身份号码", "得分", "各项得分"),
    )
    branch = world.orgs["branch"].id
    dry = import_scores(world.engine, branch, YEAR, xlsx, world.caseworker, dry_run=True)
    assert (dry.ok, dry.imported, [r.score for r in dry.rows]) == (
        True,
        0,
        ["92.50", "59.99", "60.00", "69.99"],
    )
    assert set(scores(world, cases).values()) == {None}
    done = import_scores(world.engine, branch, YEAR, xlsx, world.caseworker, dry_run=False)
    assert (done.ok, done.imported) == (True, 4)
    assert {k: world.data(cases[k])["score_band"] for k in keys} == {
        "subject": "excellent",
        "talker_one": "unqualified",
        "talker_two": "warning",
        "probationer": "warning",
    }
    [event] = world.events(cases["subject"], "record_score")
    assert (event.actor_user_id, event.inputs["score"]) == (world.caseworker.user_id, "92.50")


def test_a_file_without_the_score_column_or_not_a_workbook_is_refused(world: World) -> None:
    open_year(world)
    branch = world.orgs["branch"].id
    no_score = workbook([row(world, 1, "subject", 90)[:3]], headers=("序号", "姓名", "身份证号"))
    assert import_scores(world.engine, branch, YEAR, no_score, world.caseworker, dry_run=True).errors == [
        RowError(1, "积分", "缺少“积分”列")
    ]
    assert import_scores(
        world.engine, branch, YEAR, b"not a workbook", world.caseworker, dry_run=True
    ).errors == [RowError(0, "", "文件不是有效的 Excel 工作簿（.xlsx）")]
    assert import_scores(world.engine, branch, YEAR, workbook([]), world.caseworker, dry_run=True).errors == [
        RowError(0, "", "表格中没有数据行")
    ]
    one_row = workbook([row(world, 1, "subject", 90)])
    assert import_scores(world.engine, branch, 2024, one_row, world.caseworker, dry_run=True).errors == [
        RowError(0, "", "本支部2024年度民主评议尚未开启")
    ]


def test_someone_who_joins_the_branch_after_opening_is_not_on_the_years_list(world: World) -> None:
    cases = open_year(world)
    with world.engine.sessions.begin() as s:
        newcomer = s.get(Person, world.people["outsider"].id)
        assert newcomer is not None
        newcomer.org_id = world.orgs["branch"].id
    result = import_scores(
        world.engine,
        world.orgs["branch"].id,
        YEAR,
        workbook([row(world, 1, "outsider", 80)]),
        world.caseworker,
        dry_run=True,
    )
    assert result.errors == [RowError(2, "公民身份号码", "不在本支部本年度民主评议名单内")]
    assert len(cases) == 10
