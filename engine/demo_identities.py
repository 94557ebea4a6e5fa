"""Fictional but realistic identities for demo data and benchmarks: names, ID numbers, phones."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from engine.identity import check_digit

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔"
)
COMPOUND = ("欧阳", "司马", "上官", "诸葛")
MALE = "伟强军磊洋勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林建国志文海峰亮成东永福"
FEMALE = "芳娜敏静丽艳娟霞秀英华慧巧美娅瑶玲婷雪琳晶颖倩琴云莉兰红梅燕萍洁璐欣怡佳蕾楠丹"
ETHNICITIES = (("汉族", 88), ("回族", 5), ("藏族", 3), ("裕固族", 2), ("蒙古族", 2))
EDUCATION = (("初中", 10), ("高中", 15), ("中专", 10), ("大专", 25), ("大学本科", 32), ("硕士研究生", 8))
PHONE_PREFIXES = ("138", "139", "135", "136", "150", "151", "158", "186", "187", "189", "199", "177")


@dataclass(frozen=True)
class FakeIdentity:
    name: str
    sex: str
    ethnicity: str
    birth_date: date
    id_number: str
    phone: str
    education: str


class IdentityFactory:
    """Deterministic for a seed, and never the same ID number twice."""

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(seed)
        self._used: set[str] = set()

    def person(
        self, birth_from: date, birth_to: date, sex: str | None = None, region_code: str = "620725"
    ) -> FakeIdentity:
        rng = self._rng
        sex = sex or rng.choice(("男", "女"))
        while True:
            born = birth_from + timedelta(days=rng.randrange((birth_to - birth_from).days + 1))
            serial = rng.randrange(0, 500) * 2 + (1 if sex == "男" else 0)
            first17 = f"{region_code}{born:%Y%m%d}{serial:03d}"
            id_number = first17 + check_digit(first17)
            if id_number not in self._used:
                self._used.add(id_number)
                break
        return FakeIdentity(
            name=self._name(sex),
            sex=sex,
            ethnicity=self._weighted(ETHNICITIES),
            birth_date=born,
            id_number=id_number,
            phone=rng.choice(PHONE_PREFIXES) + f"{rng.randrange(10**8):08d}",
            education=self._weighted(EDUCATION),
        )

    def _name(self, sex: str) -> str:
        rng = self._rng
        surname = rng.choice(COMPOUND) if rng.random() < 0.01 else rng.choice(SURNAMES)
        chars = MALE if sex == "男" else FEMALE
        given = "".join(rng.choice(chars) for _ in range(rng.choice((1, 2, 2, 2))))
        return surname + given

    def _weighted(self, options: tuple[tuple[str, int], ...]) -> str:
        return self._rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]
