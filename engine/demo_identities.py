"""Fictional but realistic people for demo data and benchmarks: names, ID numbers, phones."""

from __future__ import annotations

import random
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate
from typing import Literal

from engine.identity import check_digit

Sex = Literal["男", "女"]

# Approximate share per 10,000 people of the commonest surnames, grouped by weight.
SURNAME_TIERS = (
    (710, "王李"), (640, "张"), (540, "刘"), (460, "陈"), (310, "杨"), (230, "黄"), (210, "赵"),
    (200, "吴周"), (150, "徐孙"), (140, "马"), (130, "朱胡"), (120, "郭何"), (110, "林高"), (90, "罗"),
    (80, "郑梁"), (65, "谢宋唐许韩"), (50, "冯邓曹彭曾"), (42, "肖田董袁潘于蒋蔡"), (35, "余杜叶程苏魏吕"),
    (30, "丁任沈姚卢姜崔"), (25, "钟谭陆汪范金石廖贾"), (20, "夏韦付方白邹孟熊秦邱江尹"),
    (15, "薛闫段雷侯龙史陶黎贺顾毛郝龚邵"), (10, "万钱严覃武戴莫孔"),
)  # fmt: skip
COMPOUND_SURNAMES = (("欧阳", 3), ("司马", 1), ("上官", 1), ("诸葛", 1))
MALE_CHARS = (
    "伟强军磊洋勇杰涛明超刚平辉鹏飞鑫波斌宇浩凯健俊帆旭宁龙林建国"
    "志文海峰亮成东永福毅晨阳博睿泽振兴德江山春生忠义荣庆虎"
)
FEMALE_CHARS = (
    "芳娜敏静丽艳娟霞秀英慧巧美娅瑶玲婷雪琳晶颖倩琴云莉兰红梅燕萍洁"
    "璐欣怡佳蕾楠丹月凤桂玉珍娇媛蓉薇萱涵彤悦淑莹青妍"
)
ONE_CHARACTER_GIVEN_NAMES = 0.25
ETHNICITIES = (("汉族", 88), ("回族", 5), ("藏族", 3), ("裕固族", 2), ("蒙古族", 2))
EDUCATION_LEVELS = ("初中", "高中", "中专", "大专", "大学本科", "硕士研究生")
# Weights by birth cohort (born before the year given): older members left school earlier.
EDUCATION_BY_COHORT = (
    (1970, (30, 25, 15, 15, 13, 2)),
    (1985, (15, 18, 14, 23, 25, 5)),
    (10000, (6, 10, 8, 28, 40, 8)),
)
PHONE_PREFIXES = tuple(
    [f"13{d}" for d in range(10)]
    + [f"15{d}" for d in "01235789"]
    + [f"18{d}" for d in range(10)]
    + [f"19{d}" for d in "012356789"]
)
# 顺序码 per birth date and sex: odd for men, even for women, never 000, and 996-999 left to
# centenarians as GB 11643 reserves them. A stride coprime with the count visits each code once.
SEQUENCE_CODES = 497
SEQUENCE_STRIDE = 211
RANDOM_DATE_TRIES = 64


@dataclass(frozen=True, slots=True)
class FakeIdentity:
    name: str
    sex: Sex
    ethnicity: str
    birth_date: date
    id_number: str
    phone: str
    education: str


@dataclass(frozen=True, slots=True)
class _Weighted:
    """A weighted choice that costs one random number and one bisection, for million-row runs."""

    options: tuple[str, ...]
    cumulative: tuple[int, ...]

    @classmethod
    def of(cls, pairs: Iterable[tuple[str, int]]) -> _Weighted:
        options, weights = zip(*pairs, strict=True)
        return cls(options, tuple(accumulate(weights)))

    def pick(self, rng: random.Random) -> str:
        return self.options[bisect_right(self.cumulative, rng.random() * self.cumulative[-1])]


SURNAMES = _Weighted.of([(s, w) for w, chars in SURNAME_TIERS for s in chars] + list(COMPOUND_SURNAMES))
ETHNICITY = _Weighted.of(ETHNICITIES)
EDUCATION = tuple(
    (before, _Weighted.of(zip(EDUCATION_LEVELS, weights, strict=True)))
    for before, weights in EDUCATION_BY_COHORT
)


class IdentityFactory:
    """Deterministic for a seed and call sequence, and never the same ID number twice."""

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(seed)
        # (region, birth ordinal, male) -> (first code index, codes issued so far)
        self._issued: dict[tuple[str, int, bool], tuple[int, int]] = {}

    def person(
        self, birth_from: date, birth_to: date, sex: str | None = None, region_code: str = "620724"
    ) -> FakeIdentity:
        """A person born between the two dates inclusive; raises ValueError once the range is full."""
        _check_arguments(birth_from, birth_to, sex, region_code)
        chosen: Sex = "男" if sex == "男" else "女" if sex == "女" else self._coin_sex()
        born, code = self._allocate(birth_from, (birth_to - birth_from).days + 1, region_code, chosen)
        first17 = f"{region_code}{born.year:04d}{born.month:02d}{born.day:02d}{code:03d}"
        return FakeIdentity(
            name=self._name(chosen),
            sex=chosen,
            ethnicity=ETHNICITY.pick(self._rng),
            birth_date=born,
            id_number=first17 + check_digit(first17),
            phone=self._phone(),
            education=_education(born).pick(self._rng),
        )

    def _coin_sex(self) -> Sex:
        return "男" if self._rng.random() < 0.5 else "女"

    def _allocate(self, first: date, days: int, region: str, sex: Sex) -> tuple[date, int]:
        """Random dates first; a full scan only when the range is nearly used up."""
        for _ in range(RANDOM_DATE_TRIES):
            born = first + timedelta(days=int(self._rng.random() * days))
            code = self._next_code(region, born, sex)
            if code is not None:
                return born, code
        for offset in range(days):
            born = first + timedelta(days=offset)
            code = self._next_code(region, born, sex)
            if code is not None:
                return born, code
        last = first + timedelta(days=days - 1)
        raise ValueError(f"all ID numbers for {sex}, region {region}, born {first} to {last} are used")

    def _next_code(self, region: str, born: date, sex: Sex) -> int | None:
        key = (region, born.toordinal(), sex == "男")
        start, issued = self._issued.get(key) or (int(self._rng.random() * SEQUENCE_CODES), 0)
        if issued == SEQUENCE_CODES:
            return None
        self._issued[key] = (start, issued + 1)
        index = (start + issued * SEQUENCE_STRIDE) % SEQUENCE_CODES
        return index * 2 + (1 if sex == "男" else 2)

    def _name(self, sex: Sex) -> str:
        rng = self._rng
        chars = MALE_CHARS if sex == "男" else FEMALE_CHARS
        first = int(rng.random() * len(chars))
        if rng.random() < ONE_CHARACTER_GIVEN_NAMES:
            return SURNAMES.pick(rng) + chars[first]
        second = (first + 1 + int(rng.random() * (len(chars) - 1))) % len(chars)  # never "伟伟"
        return SURNAMES.pick(rng) + chars[first] + chars[second]

    def _phone(self) -> str:
        rng = self._rng
        prefix = PHONE_PREFIXES[int(rng.random() * len(PHONE_PREFIXES))]
        return f"{prefix}{int(rng.random() * 100_000_000):08d}"


def _check_arguments(birth_from: date, birth_to: date, sex: str | None, region_code: str) -> None:
    """Wrong arguments would otherwise yield numbers that fail validation far from the cause."""
    if birth_to < birth_from:
        raise ValueError(f"birth_to {birth_to} is before birth_from {birth_from}")
    if sex not in (None, "男", "女"):
        raise ValueError(f"sex must be 男, 女 or None, not {sex!r}")
    if not (len(region_code) == 6 and region_code.isascii() and region_code.isdigit()):
        raise ValueError(f"region_code must be six digits, not {region_code!r}")


def _education(born: date) -> _Weighted:
    return next(table for before, table in EDUCATION if born.year < before)
