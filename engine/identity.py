"""公民身份号码 (GB 11643-1999): validation with precise reasons, and masking for lists and logs."""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Literal

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"

IdNumberErrorCode = Literal[
    "id_number.length",
    "id_number.characters",
    "id_number.birth_date",
    "id_number.future_birth",
    "id_number.checksum",
]
MESSAGES: dict[IdNumberErrorCode, str] = {
    "id_number.length": "公民身份号码应为18位",
    "id_number.characters": "公民身份号码只能由数字组成，最后一位可以是X",
    "id_number.birth_date": "公民身份号码中的出生日期无效",
    "id_number.future_birth": "公民身份号码中的出生日期不能晚于今天",
    "id_number.checksum": "公民身份号码校验位不正确",
}

# Surnames of two characters: masking keeps the whole surname, so "欧阳娜娜" reads "欧阳**".
COMPOUND_SURNAMES = frozenset((
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙",
    "宇文", "司徒", "夏侯", "令狐", "端木", "轩辕", "西门", "南宫", "独孤", "呼延",
))  # fmt: skip

_SHAPE = re.compile(r"[0-9]{17}[0-9X]")
# 17 ASCII digits and a digit or X, not part of a longer run of digits.
_ID_TOKEN = re.compile(r"(?<![0-9])([0-9]{6})[0-9]{8}([0-9]{3}[0-9Xx])(?![0-9])")


class InvalidIdNumber(ValueError):
    """Says which rule failed, as a stable code for programs and a sentence for people."""

    def __init__(self, code: IdNumberErrorCode, message: str | None = None) -> None:
        self.code: IdNumberErrorCode = code
        self.message = message or MESSAGES[code]
        super().__init__(self.message)

    def __reduce__(self) -> tuple[type[InvalidIdNumber], tuple[IdNumberErrorCode, str]]:
        """Survives pickling, so job queues and worker processes can pass it on."""
        return type(self), (self.code, self.message)


@dataclass(frozen=True)
class IdNumber:
    """A number that passed `parse_id_number`; build it through that function, not directly."""

    value: str

    @property
    def birth_date(self) -> date:
        return date(int(self.value[6:10]), int(self.value[10:12]), int(self.value[12:14]))

    @property
    def sex(self) -> Literal["男", "女"]:
        """The 17th digit is odd for men and even for women."""
        return "男" if int(self.value[16]) % 2 else "女"

    @property
    def region_code(self) -> str:
        return self.value[:6]


def check_digit(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character for the first 17 digits."""
    return CHECK_CHARS[sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=True)) % 11]


def normalize_id_number(raw: str) -> str:
    """People type numbers with spaces, full-width digits and a small x; store one spelling."""
    return "".join(unicodedata.normalize("NFKC", raw).split()).upper()


def parse_id_number(raw: str, *, today: date | None = None) -> IdNumber:
    """Checks rules in order so the reason given is the first one a person would fix."""
    value = normalize_id_number(raw)
    if len(value) != 18:
        raise InvalidIdNumber("id_number.length")
    if not _SHAPE.fullmatch(value):
        raise InvalidIdNumber("id_number.characters")
    born = _birth_date(value)
    if born > (today or date.today()):
        raise InvalidIdNumber("id_number.future_birth")
    if check_digit(value[:17]) != value[17]:
        raise InvalidIdNumber("id_number.checksum")
    return IdNumber(value)


def _birth_date(value: str) -> date:
    try:
        return IdNumber(value).birth_date
    except ValueError:
        raise InvalidIdNumber("id_number.birth_date") from None


def _text(value: object) -> str:
    """Masking runs on error paths and in logging, where raising would hide the real problem."""
    try:
        return value.strip() if isinstance(value, str) else str(value)
    except Exception:
        return ""


def _keep_ends(text: str, head: int, tail: int) -> str:
    if len(text) <= head + tail:
        return "*" * len(text)
    return text[:head] + "*" * (len(text) - head - tail) + text[-tail:]


def mask_id_number(value: str) -> str:
    """Keep the region and the last four: enough to tell people apart, too little to misuse."""
    return _keep_ends(_text(value), 6, 4)


def mask_name(name: str) -> str:
    """Keep the surname, so a list still reads naturally: "张*", "欧阳**"."""
    text = _text(name)
    keep = 2 if text[:2] in COMPOUND_SURNAMES and len(text) > 2 else 1
    return text[:keep] + "*" * (len(text) - keep)


def mask_phone(phone: str) -> str:
    """Keep the operator prefix and the last four: "138****5678"."""
    return _keep_ends(_text(phone), 3, 4)


def mask_text(text: str) -> str:
    """Mask every ID-number-looking token in free text."""
    return _ID_TOKEN.sub(lambda m: m.group(1) + "********" + m.group(2)[-4:], text)


class MaskingFilter(logging.Filter):
    """Keeps identity numbers out of the logs, whatever code logged them and however.

    Arguments keep their place and type (formatters such as uvicorn's access log unpack them); an
    argument whose text shows a number (a dict, a dataclass repr) is replaced by its masked text.
    Attach it to handlers: filters on a logger miss records from its child loggers.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = mask_text(_text(record.msg)) if isinstance(record.msg, str) else record.msg
        if not isinstance(record.msg, str) and mask_text(_text(record.msg)) != _text(record.msg):
            record.msg = mask_text(_text(record.msg))
        record.args = _mask_args(record.args)
        _mask_exception(record)
        return True


class _MaskedText(str):
    """Masked text that prints the same through %s and %r."""

    def __repr__(self) -> str:
        return str(self)


def _mask_arg(value: object) -> object:
    text = _text(value)
    masked = mask_text(text)
    return value if masked == text else _MaskedText(masked)


def _mask_args(
    args: tuple[object, ...] | Mapping[str, object] | None,
) -> tuple[object, ...] | dict[str, object]:
    if isinstance(args, Mapping):
        return {key: _mask_arg(value) for key, value in args.items()}
    return tuple(_mask_arg(arg) for arg in args or ())


def _mask_exception(record: logging.LogRecord) -> None:
    """Tracebacks carry exception messages and stack text, which may quote a number."""
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = mask_text(record.exc_text)
    if record.stack_info:
        record.stack_info = mask_text(record.stack_info)
