"""积分制 bands and 民主评议 grades: the rating a score earns, and whether a region's bands ever rate a
score more leniently than the national ones. Pure data and arithmetic: no engine, no I/O.

A rating is ranked by the work it opens (条例 第二十八、二十九条): 优秀 and 合格 open none (优秀 may be
commended), 基本合格 and 警示 open a 提醒谈话, 不合格 opens a disposition case. A region may rate a
score more strictly than the nation, never more leniently: for every score from 0 to 100 its rating
must open at least the work the national rating opens. Bands are step functions, so comparing both
at each band floor of either decides every score in between.

Scores are `Decimal` with at most two decimal places; a band's floor belongs to it (60 is 警示,
59.99 is 不合格).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from itertools import pairwise
from typing import Any


class Rating(StrEnum):
    EXCELLENT = "excellent"
    QUALIFIED = "qualified"
    BASICALLY_QUALIFIED = "basically_qualified"
    WARNING = "warning"
    UNQUALIFIED = "unqualified"


LABELS: dict[Rating, str] = {
    Rating.EXCELLENT: "优秀",
    Rating.QUALIFIED: "合格",
    Rating.BASICALLY_QUALIFIED: "基本合格",
    Rating.WARNING: "警示",
    Rating.UNQUALIFIED: "不合格",
}
# 民主评议 grades: no national grades exist; these are the common ones.
APPRAISAL_GRADES = (Rating.EXCELLENT, Rating.QUALIFIED, Rating.BASICALLY_QUALIFIED, Rating.UNQUALIFIED)
# How much work a rating opens: the measure of strictness.
SEVERITY: dict[Rating, int] = {
    Rating.EXCELLENT: 0,
    Rating.QUALIFIED: 1,
    Rating.BASICALLY_QUALIFIED: 2,
    Rating.WARNING: 2,
    Rating.UNQUALIFIED: 3,
}

MIN_SCORE, MAX_SCORE = Decimal(0), Decimal(100)
PLACES = 2
# The policy settings that hold the floors of the three upper bands (below the last: 不合格).
BAND_SETTINGS: tuple[tuple[str, Rating], ...] = (
    ("points_excellent_min", Rating.EXCELLENT),
    ("points_qualified_min", Rating.QUALIFIED),
    ("points_warning_min", Rating.WARNING),
)


class ScoreError(ValueError):
    """A score that cannot be rated; `message` is zh-CN, for the caseworker and import reports."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def parse_score(value: Any) -> Decimal:
    """A score from a form or a spreadsheet cell: a number from 0 to 100, at most two decimals."""
    if value is None or isinstance(value, bool) or (isinstance(value, str) and not value.strip()):
        raise ScoreError("得分未填写")
    try:
        score = Decimal(str(value).strip())
    except InvalidOperation:
        raise ScoreError(f"得分“{value}”不是数字") from None
    if not score.is_finite():
        raise ScoreError(f"得分“{value}”不是数字")
    if not MIN_SCORE <= score <= MAX_SCORE:
        raise ScoreError(f"得分{score}超出0到100的范围")
    exponent = score.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -PLACES:
        raise ScoreError(f"得分{score}最多保留两位小数")
    return score


def score_text(score: Decimal) -> str:
    """The score as stored and shown: two decimals ('59.99', '90.00')."""
    return f"{score.quantize(Decimal('0.01'))}"


@dataclass(frozen=True)
class Band:
    floor: Decimal  # the lowest score of the band, included
    rating: Rating


@dataclass(frozen=True)
class Bands:
    """Bands from the highest floor down to a last band starting at 0."""

    bands: tuple[Band, ...]

    def __post_init__(self) -> None:
        floors = [b.floor for b in self.bands]
        if not floors or floors[-1] != MIN_SCORE or floors[0] > MAX_SCORE:
            raise ValueError("积分档次应从0分起，最高档的起点不超过100分")
        if any(high <= low for high, low in pairwise(floors)):
            raise ValueError("积分档次的起点应自高而低、互不相同")
        ranks = [SEVERITY[b.rating] for b in self.bands]
        if any(high > low for high, low in pairwise(ranks)):
            raise ValueError("较低的分数不得评为较高的等次")

    def rate(self, score: Decimal) -> Rating:
        for band in self.bands:
            if score >= band.floor:
                return band.rating
        raise ScoreError(f"得分{score}超出0到100的范围")

    def more_lenient_than(self, floor: Bands) -> list[str]:
        """Every score at which these bands rate more leniently than `floor`, in zh-CN."""
        points = sorted({b.floor for b in (*self.bands, *floor.bands)})
        return [
            f"{score_text(p)}分：评为“{LABELS[self.rate(p)]}”，宽于全国标准的“{LABELS[floor.rate(p)]}”"
            for p in points
            if SEVERITY[self.rate(p)] < SEVERITY[floor.rate(p)]
        ]


NATIONAL_BANDS = Bands(
    (
        Band(Decimal(90), Rating.EXCELLENT),
        Band(Decimal(70), Rating.QUALIFIED),
        Band(Decimal(60), Rating.WARNING),
        Band(MIN_SCORE, Rating.UNQUALIFIED),
    )
)


def bands_from_policy(values: Mapping[str, Any]) -> Bands:
    """The 积分制 bands a profile's values describe (national floors where a value is absent)."""
    national = {band.rating: band.floor for band in NATIONAL_BANDS.bands}
    floors = [(Decimal(str(values.get(key, national[rating]))), rating) for key, rating in BAND_SETTINGS]
    return Bands((*(Band(floor, rating) for floor, rating in floors), Band(MIN_SCORE, Rating.UNQUALIFIED)))


def band_problems(regional: Mapping[str, Any], national: Mapping[str, Any]) -> list[str]:
    """Why a profile's bands cannot be used: out of order, or more lenient than the national ones."""
    try:
        bands = bands_from_policy(regional)
    except (ValueError, InvalidOperation) as exc:
        return [f"积分档次设置有误：{exc}"]
    return bands.more_lenient_than(bands_from_policy(national))
