"""积分制 bands and scores, pure: band edges, score parsing, and regional bands never more lenient."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from engine.errors import DefinitionError
from engine.policy import PolicyProfile
from engine.registry import Registry
from tests.workflows.disposition_world import DISPOSITION_RULES, NATIONAL, REGIONAL
from workflows.profiles.disposition_values import NATIONAL_VALUES, SETTINGS
from workflows.rating import (
    NATIONAL_BANDS,
    Band,
    Bands,
    Rating,
    ScoreError,
    band_problems,
    bands_from_policy,
    parse_score,
)

EDGES = [
    ("0", Rating.UNQUALIFIED),
    ("59.99", Rating.UNQUALIFIED),
    ("60", Rating.WARNING),
    ("69.99", Rating.WARNING),
    ("70", Rating.QUALIFIED),
    ("89.99", Rating.QUALIFIED),
    ("90", Rating.EXCELLENT),
    ("100", Rating.EXCELLENT),
]


@pytest.mark.parametrize(("score", "rating"), EDGES)
def test_each_band_edge_belongs_to_the_band_it_starts(score: str, rating: Rating) -> None:
    assert NATIONAL_BANDS.rate(parse_score(score)) is rating
    assert bands_from_policy(NATIONAL_VALUES).rate(Decimal(score)) is rating


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("九十", "得分“九十”不是数字"),
        ("100.01", "得分100.01超出0到100的范围"),
        (-1, "得分-1超出0到100的范围"),
        ("59.999", "得分59.999最多保留两位小数"),
        ("", "得分未填写"),
        (None, "得分未填写"),
        ("NaN", "得分“NaN”不是数字"),
    ],
)
def test_a_score_that_is_not_a_number_from_0_to_100_with_two_decimals_is_refused(
    value: object, message: str
) -> None:
    with pytest.raises(ScoreError) as refused:
        parse_score(value)
    assert refused.value.message == message


def test_scores_from_a_spreadsheet_read_as_typed() -> None:
    assert [parse_score(v) for v in (59.99, 60, "  69.5 ", "90.00")] == [
        Decimal("59.99"),
        Decimal(60),
        Decimal("69.5"),
        Decimal("90.00"),
    ]


def test_raising_band_floors_is_stricter_and_allowed() -> None:
    regional = {**NATIONAL_VALUES, "points_qualified_min": Decimal(75), "points_warning_min": Decimal(65)}
    assert band_problems(regional, NATIONAL_VALUES) == []
    bands = bands_from_policy(regional)
    assert (bands.rate(Decimal("74.99")), bands.rate(Decimal("64.99"))) == (
        Rating.WARNING,
        Rating.UNQUALIFIED,
    )


def test_lowering_a_band_floor_would_rate_some_scores_more_leniently_and_is_refused() -> None:
    regional = {**NATIONAL_VALUES, "points_warning_min": Decimal(55)}
    assert band_problems(regional, NATIONAL_VALUES) == ["55.00分：评为“警示”，宽于全国标准的“不合格”"]


def test_bands_out_of_order_are_refused() -> None:
    regional = {**NATIONAL_VALUES, "points_warning_min": Decimal(80)}  # above the 合格 floor of 70
    assert band_problems(regional, NATIONAL_VALUES) == [
        "积分档次设置有误：积分档次的起点应自高而低、互不相同"
    ]


def test_a_scheme_with_other_grades_is_judged_by_the_work_each_grade_opens() -> None:
    # 90/80/60 with 基本合格 in [60, 80): 基本合格 opens a 提醒谈话 like 警示, so nothing is more lenient.
    ninety_eighty_sixty = Bands(
        (
            Band(Decimal(90), Rating.EXCELLENT),
            Band(Decimal(80), Rating.QUALIFIED),
            Band(Decimal(60), Rating.BASICALLY_QUALIFIED),
            Band(Decimal(0), Rating.UNQUALIFIED),
        )
    )
    assert ninety_eighty_sixty.more_lenient_than(NATIONAL_BANDS) == []
    generous = Bands((Band(Decimal(85), Rating.EXCELLENT), Band(Decimal(0), Rating.QUALIFIED)))
    assert generous.more_lenient_than(NATIONAL_BANDS) == [
        "0.00分：评为“合格”，宽于全国标准的“不合格”",
        "60.00分：评为“合格”，宽于全国标准的“警示”",
        "85.00分：评为“优秀”，宽于全国标准的“合格”",
    ]


def test_bands_that_rate_a_lower_score_better_cannot_be_built() -> None:
    with pytest.raises(ValueError, match="较低的分数不得评为较高的等次"):
        Bands((Band(Decimal(60), Rating.UNQUALIFIED), Band(Decimal(0), Rating.QUALIFIED)))


def test_the_national_profile_and_a_stricter_county_load_and_a_relaxing_one_is_refused() -> None:
    registry = Registry()
    registry.add_profile(NATIONAL)
    registry.add_profile(REGIONAL)
    assert NATIONAL.ruleset_on(NATIONAL.rulesets[0].effective_from).name == "处置办法(2024)"
    lax = PolicyProfile(
        "lax",
        "1",
        "放宽的地方规定",
        SETTINGS,
        (DISPOSITION_RULES,),
        {"points_warning_min": Decimal(55), "correction_period_max_months": 18, "appeal_period_months": 0},
    )
    with pytest.raises(DefinitionError) as refused:
        registry.add_profile(lax)
    problems = "\n".join(refused.value.problems)
    assert "points_warning_min=Decimal('55') relaxes the national value Decimal('60')" in problems
    assert (
        "correction_period_max_months=18 relaxes the national value 12 of 处置办法(2024) (条例 第三十条)"
        in problems
    )
    assert "appeal_period_months=0 relaxes the national value 1" in problems
    assert band_problems({**NATIONAL_VALUES, **REGIONAL.additions}, NATIONAL_VALUES) == []


def test_a_profile_without_the_band_settings_rates_by_the_national_bands() -> None:
    assert bands_from_policy({}) == NATIONAL_BANDS
    assert replace(NATIONAL_BANDS).rate(Decimal("89.99")) is Rating.QUALIFIED
