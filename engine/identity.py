"""公民身份号码 (GB 11643-1999): validation with precise reasons, and masking for lists and logs."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
_ID_TOKEN = re.compile(r"(?<![0-9])([0-9]{6})[0-9]{8}([0-9]{3}[0-9Xx])(?![0-9])")


class InvalidIdNumber(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class IdNumber:
    value: str

    @property
    def birth_date(self) -> date:
        return date(int(self.value[6:10]), int(self.value[10:12]), int(self.value[12:14]))

    @property
    def sex(self) -> Literal["男", "女"]:
        return "男" if int(self.value[16]) % 2 else "女"

    @property
    def region_code(self) -> str:
        return self.value[:6]


def check_digit(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character."""
    return CHECK_CHARS[sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=True)) % 11]


def parse_id_number(raw: str, *, today: date | None = None) -> IdNumber:
    value = raw.replace(" ", "").strip().upper()
    if len(value) != 18:
        raise InvalidIdNumber("id_number.length", "公民身份号码应为18位")
    if not (value[:17].isdigit() and (value[17].isdigit() or value[17] == "X")):
        raise InvalidIdNumber("id_number.characters", "公民身份号码只能由数字和末位的X组成")
    try:
        born = IdNumber(value).birth_date
    except ValueError:
        raise InvalidIdNumber("id_number.birth_date", "公民身份号码中的出生日期无效") from None
    if born > (today or date.today()):
        raise InvalidIdNumber("id_number.future_birth", "公民身份号码中的出生日期晚于今天")
    if check_digit(value[:17]) != value[17]:
        raise InvalidIdNumber("id_number.checksum", "公民身份号码校验位不正确")
    return IdNumber(value)


def mask_id_number(value: str) -> str:
    """Keep the region and the last four: enough to tell people apart, too little to misuse."""
    text = str(value)
    if len(text) <= 10:
        return "*" * len(text)
    return text[:6] + "*" * (len(text) - 10) + text[-4:]


def mask_name(name: str) -> str:
    text = str(name)
    if len(text) <= 1:
        return text
    keep = 2 if len(text) >= 4 else 1
    return text[:keep] + "*" * (len(text) - keep)


def mask_phone(phone: str) -> str:
    text = str(phone)
    return text[:3] + "****" + text[7:] if len(text) == 11 else "*" * len(text)


def _mask_text(text: str) -> str:
    return _ID_TOKEN.sub(lambda m: m.group(1) + "********" + m.group(2)[-4:], text)


class MaskingFilter(logging.Filter):
    """Keeps identity numbers out of the logs, whatever code logged them."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = _mask_text(str(record.msg))
        if isinstance(record.args, tuple):
            record.args = tuple(_mask_text(a) if isinstance(a, str) else a for a in record.args)
        return True
