"""公民身份号码 validation, masking, the log filter, and the fictional identities built on them."""

from __future__ import annotations

import io
import logging
import pickle
import re
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.demo_identities import (
    EDUCATION_LEVELS,
    ETHNICITIES,
    PHONE_PREFIXES,
    FakeIdentity,
    IdentityFactory,
)
from engine.identity import (
    IdNumber,
    InvalidIdNumber,
    MaskingFilter,
    check_digit,
    mask_id_number,
    mask_name,
    mask_phone,
    parse_id_number,
)

TODAY = date(2026, 11, 23)

# Check characters worked by hand: weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, sum mod 11 indexes "10X98765432".
HAND_COMPUTED = [
    # 7+9+0+5+0+20+2+9+24+27+7+18+30+5+0+0+4 = 167; 167 mod 11 = 2 -> "X"
    ("11010519491231002", "X", date(1949, 12, 31), "女", "110105"),
    # 28+36+0+25+16+16+2+8+48+0+0+9+0+5+0+0+2 = 195; 195 mod 11 = 8 -> "4"
    ("44052418800101001", "4", date(1880, 1, 1), "男", "440524"),
    # 42+18+0+35+16+16+2+9+54+24+0+27+0+35+0+0+2 = 280; 280 mod 11 = 5 -> "7"
    ("62072419980307001", "7", date(1998, 3, 7), "男", "620724"),
]


@pytest.mark.parametrize(("first17", "check", "born", "sex", "region"), HAND_COMPUTED)
def test_a_valid_number_parses_with_its_birth_date_sex_and_region(
    first17: str, check: str, born: date, sex: str, region: str
) -> None:
    assert check_digit(first17) == check
    parsed = parse_id_number(first17 + check, today=TODAY)
    assert parsed == IdNumber(first17 + check)
    assert (parsed.birth_date, parsed.sex, parsed.region_code) == (born, sex, region)


@pytest.mark.parametrize(
    "typed",
    [
        "11010519491231002x",
        " 110105 19491231 002X ",
        "１１０１０５１９４９１２３１００２ｘ",
        "110105\u300019491231002X\n",
    ],
)
def test_spaces_a_small_x_and_full_width_digits_are_normalized(typed: str) -> None:
    assert parse_id_number(typed, today=TODAY).value == "11010519491231002X"


@pytest.mark.parametrize(
    ("raw", "code", "message"),
    [
        ("1101051949123100", "id_number.length", "公民身份号码应为18位"),
        ("110105194912310021X", "id_number.length", "公民身份号码应为18位"),
        ("", "id_number.length", "公民身份号码应为18位"),
        ("1101051949123100XX", "id_number.characters", "公民身份号码只能由数字组成，最后一位可以是X"),
        ("11010519491231002A", "id_number.characters", "公民身份号码只能由数字组成，最后一位可以是X"),
        ("١١٠١٠٥١٩٤٩١٢٣١٠٠٢X", "id_number.characters", "公民身份号码只能由数字组成，最后一位可以是X"),
        ("110105194902300021", "id_number.birth_date", "公民身份号码中的出生日期无效"),
        ("110105000012310021", "id_number.birth_date", "公民身份号码中的出生日期无效"),
        ("110105202611240021", "id_number.future_birth", "公民身份号码中的出生日期不能晚于今天"),
        ("110105194912310021", "id_number.checksum", "公民身份号码校验位不正确"),
        ("440524188001010013", "id_number.checksum", "公民身份号码校验位不正确"),
    ],
)
def test_each_failure_has_a_stable_code_and_a_chinese_message(raw: str, code: str, message: str) -> None:
    with pytest.raises(InvalidIdNumber) as caught:
        parse_id_number(raw, today=TODAY)
    assert (caught.value.code, caught.value.message, str(caught.value)) == (code, message, message)
    assert isinstance(caught.value, ValueError)


def test_a_person_born_today_is_valid_and_one_born_tomorrow_is_not() -> None:
    today = "11010520261123001"
    assert parse_id_number(today + check_digit(today), today=TODAY).birth_date == TODAY
    tomorrow = "11010520261124001"
    with pytest.raises(InvalidIdNumber, match="晚于今天"):
        parse_id_number(tomorrow + check_digit(tomorrow), today=TODAY)


def test_the_error_survives_pickling_for_job_queues() -> None:
    error = pickle.loads(pickle.dumps(InvalidIdNumber("id_number.checksum")))
    assert (error.code, error.message) == ("id_number.checksum", "公民身份号码校验位不正确")


def test_check_digit_refuses_anything_but_seventeen_digits() -> None:
    with pytest.raises(ValueError):
        check_digit("1101051949123100")


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("11010119900307123X", "110101********123X"),
        ("11010519491231002X", "110105********002X"),
        ("12345", "*****"),
        ("", ""),
    ],
)
def test_an_id_number_keeps_its_region_and_last_four(value: str, masked: str) -> None:
    assert mask_id_number(value) == masked


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("张三", "张*"),
        ("王小明", "王**"),
        ("欧阳娜娜", "欧阳**"),
        ("欧阳锋", "欧阳*"),
        ("张", "张"),
        ("", ""),
    ],
)
def test_a_name_keeps_its_surname(name: str, masked: str) -> None:
    assert mask_name(name) == masked


@pytest.mark.parametrize(
    ("phone", "masked"),
    [("13812345678", "138****5678"), ("0936-5521000", "093*****1000"), ("110", "***"), ("", "")],
)
def test_a_phone_keeps_its_prefix_and_last_four(phone: str, masked: str) -> None:
    assert mask_phone(phone) == masked


class Unprintable:
    def __str__(self) -> str:
        raise RuntimeError("no text")


@pytest.mark.parametrize("bad", [None, 11010519491231002, Unprintable(), b"\xff"])
def test_masking_never_raises_on_bad_input(bad: object) -> None:
    for mask in (mask_id_number, mask_name, mask_phone):
        assert isinstance(mask(bad), str)  # type: ignore[arg-type]


@pytest.fixture
def masked_log() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """A real logger whose handler carries the filter, as the CLI installs it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(MaskingFilter())
    logger = logging.getLogger("tests.identity.masking")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    yield logger, stream
    logger.removeHandler(handler)
    logger.propagate = True


ID = "11010519491231002X"
MASKED = "110105********002X"


def test_the_filter_masks_numbers_in_the_message_and_its_arguments(
    masked_log: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = masked_log
    logger.info(f"applicant {ID} registered")
    logger.info("applicant %s, ref %s, lower %s", ID, 12345, ID.lower())
    logger.info("applicant %(id)s", {"id": ID})
    logger.info("parsed %r", parse_id_number(ID, today=TODAY))
    lines = stream.getvalue().splitlines()
    assert lines == [
        f"applicant {MASKED} registered",
        f"applicant {MASKED}, ref 12345, lower {MASKED.lower()}",
        f"applicant {MASKED}",
        f"parsed IdNumber(value='{MASKED}')",
    ]


def test_the_filter_rewrites_the_record_itself() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "id %s", (ID,), None)
    assert MaskingFilter().filter(record) is True
    assert (record.getMessage(), record.args) == (f"id {MASKED}", (MASKED,))  # args keep their shape


def test_the_filter_leaves_other_numbers_alone(masked_log: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = masked_log
    logger.info("order %s, phone %s, case %s", "1101051949123100291", "13812345678", 12345678901234567)
    assert stream.getvalue() == "order 1101051949123100291, phone 13812345678, case 12345678901234567\n"


def test_the_filter_masks_tracebacks(masked_log: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = masked_log
    try:
        raise KeyError(ID)
    except KeyError:
        logger.exception("lookup failed")
    assert MASKED in stream.getvalue()
    assert ID not in stream.getvalue()


def test_a_broken_format_string_neither_raises_nor_leaks(capsys: pytest.CaptureFixture[str]) -> None:
    # Straight to the handler: pytest's own capture handler would turn the logging error into a failure.
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(MaskingFilter())
    handler.handle(logging.LogRecord("x", logging.INFO, __file__, 1, "id %d", (ID,), None))
    reported = capsys.readouterr().err
    assert "Logging error" in reported and MASKED in reported
    assert ID not in stream.getvalue() + reported


def test_a_factory_is_deterministic_for_its_seed() -> None:
    def people(seed: int) -> list[FakeIdentity]:
        factory = IdentityFactory(seed)
        return [factory.person(date(1960, 1, 1), date(2000, 1, 1)) for _ in range(200)]

    assert people(7) == people(7)
    assert people(7) != people(8)


@settings(max_examples=200, deadline=None)
@given(
    seed=st.integers(0, 2**32),
    birth_from=st.dates(date(1900, 1, 1), date(2008, 1, 1)),
    span=st.integers(0, 30_000),
    sex=st.sampled_from([None, "男", "女"]),
    region=st.from_regex(r"[1-8][0-9]{5}", fullmatch=True),
)
def test_every_generated_identity_parses_and_agrees_with_itself(
    seed: int, birth_from: date, span: int, sex: str | None, region: str
) -> None:
    birth_to = min(birth_from + timedelta(days=span), date(2008, 12, 31))
    factory = IdentityFactory(seed)
    for _ in range(20):
        who = factory.person(birth_from, birth_to, sex, region)
        parsed = parse_id_number(who.id_number, today=TODAY)
        assert parsed.value == who.id_number
        assert (parsed.birth_date, parsed.sex, parsed.region_code) == (who.birth_date, who.sex, region)
        assert birth_from <= who.birth_date <= birth_to
        assert sex in (None, who.sex)
        _assert_plausible(who)


def _assert_plausible(who: FakeIdentity) -> None:
    assert re.fullmatch(r"[\u4e00-\u9fff]{2,4}", who.name)
    assert who.ethnicity in {e for e, _ in ETHNICITIES}
    assert who.education in EDUCATION_LEVELS
    assert re.fullmatch(r"1[3589][0-9]{9}", who.phone) and who.phone[:3] in PHONE_PREFIXES
    assert 1 <= int(who.id_number[14:17]) <= 995  # 000 unused, 996-999 reserved for centenarians


@pytest.mark.parametrize("days", [0, 30, 20_000])
def test_generated_id_numbers_are_unique_over_20000_people(days: int) -> None:
    factory = IdentityFactory(2026)
    start = date(1980, 1, 1)
    people = [
        factory.person(start, start + timedelta(days=days), "女" if days == 0 else None) for _ in range(497)
    ]
    people += [
        factory.person(start + timedelta(days=1), start + timedelta(days=days + 40)) for _ in range(19_503)
    ]
    assert len({p.id_number for p in people}) == 20_000


def test_a_full_birth_range_is_reported_instead_of_looping() -> None:
    factory = IdentityFactory(1)
    day = date(2000, 1, 1)
    codes = {factory.person(day, day, "男").id_number[14:17] for _ in range(497)}
    assert len(codes) == 497 and all(int(c) % 2 == 1 for c in codes)
    with pytest.raises(ValueError, match="are used"):
        factory.person(day, day, "男")
    assert factory.person(day, day, "女").sex == "女"
    assert factory.person(day, day, "男", region_code="620721").id_number.startswith("620721")


@pytest.mark.parametrize(
    ("birth_from", "birth_to", "sex", "region"),
    [
        (date(2000, 1, 2), date(2000, 1, 1), None, "620724"),
        (date(2000, 1, 1), date(2000, 1, 1), "M", "620724"),
        (date(2000, 1, 1), date(2000, 1, 1), None, "62072"),
        (date(2000, 1, 1), date(2000, 1, 1), None, "６２０７２４"),
    ],
)
def test_wrong_arguments_are_refused(birth_from: date, birth_to: date, sex: str | None, region: str) -> None:
    with pytest.raises(ValueError):
        IdentityFactory(1).person(birth_from, birth_to, sex, region)


def test_the_default_region_is_the_gansu_county() -> None:
    assert IdentityFactory(1).person(date(1990, 1, 1), date(1990, 12, 31)).id_number[:6] == "620724"
