"""Date arithmetic on the Chinese official working-day calendar, honest about years not yet published."""

from __future__ import annotations

import calendar as std_calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar

from engine.definitions import Duration, DurationUnit

PROVISIONAL_NOTE = "（暂按双休日推算，待国务院公布放假安排后确认）"
_LINE = re.compile(r"(year|source|holiday|workday)\s*[:：]\s*(\S.*)")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class DueDate:
    """A computed date that remembers whether it rests on a guessed (weekends-only) calendar."""

    day: date
    provisional: bool

    def label_zh(self) -> str:
        """The date as shown to users; a provisional date must say so, never look final."""
        return self.day.isoformat() + (PROVISIONAL_NOTE if self.provisional else "")


@dataclass(frozen=True)
class YearSchedule:
    """A year's official schedule an administrator transcribed from the State Council notice."""

    year: int
    holidays: frozenset[date]
    make_up_workdays: frozenset[date]
    source: str


def add_months(day: date, months: int) -> date:
    """Calendar months clamped to the month's last day (01-31 + 1 month = 02-28), as 条例 deadlines read."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, std_calendar.monthrange(year, month)[1]))


@lru_cache(maxsize=16384)
def _packaged(day: date) -> bool | None:
    """chinese_calendar's answer, or None where it raises NotImplementedError (year not covered)."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return None


class WorkingCalendar:
    """Working days from loaded schedules first, then chinese_calendar, else Mon–Fri marked provisional."""

    def __init__(self, schedules: Iterable[YearSchedule] = ()) -> None:
        self._schedules = {s.year: s for s in schedules}

    def is_confirmed(self, year: int) -> bool:
        """Whether the year's official schedule is known, so results in it are final."""
        return year in self._schedules or _packaged(date(year, 7, 1)) is not None

    def is_provisional(self, day: date) -> bool:
        return not self.is_confirmed(day.year)

    def is_workday(self, day: date) -> bool:
        schedule = self._schedules.get(day.year)
        if schedule is not None:
            if day in schedule.holidays:
                return False
            return day in schedule.make_up_workdays or day.weekday() < 5
        packaged = _packaged(day)
        return day.weekday() < 5 if packaged is None else packaged

    def add(self, start: date, duration: Duration) -> DueDate:
        """The due date `duration` after `start`; only working-day results can be provisional."""
        if duration.unit is DurationUnit.CALENDAR_DAYS:
            return DueDate(start + timedelta(days=duration.amount), False)
        if duration.unit is DurationUnit.MONTHS:
            return DueDate(add_months(start, duration.amount), False)
        if duration.unit is DurationUnit.YEARS:
            return DueDate(add_months(start, 12 * duration.amount), False)
        return self._add_working_days(start, duration.amount)

    def _add_working_days(self, start: date, count: int) -> DueDate:
        """The count-th working day after start (start not counted); 0 gives start itself."""
        if count < 0:
            raise ValueError(f"工作日数不能为负数：{count}")
        day, provisional = start, False
        while count > 0:
            day += timedelta(days=1)
            provisional = provisional or self.is_provisional(day)
            if self.is_workday(day):
                count -= 1
        return DueDate(day, provisional)

    def working_days_between(self, start: date, end: date) -> tuple[int, bool]:
        """Working days in (start, end], and whether any day counted over is provisional."""
        count, provisional, day = 0, False, start
        while day < end:
            day += timedelta(days=1)
            provisional = provisional or self.is_provisional(day)
            count += self.is_workday(day)
        return count, provisional


def parse_schedule(text: str) -> YearSchedule:
    """Parse an administrator's transcription (format in docs/calendar.md); every error names its line.

    A wrong schedule silently moves every deadline in its year, so anything doubtful is refused.
    """
    year: int | None = None
    source = ""
    seen: dict[str, dict[date, int]] = {"holiday": {}, "workday": {}}
    for number, raw in enumerate(text.removeprefix("\ufeff").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _LINE.fullmatch(line)
        if match is None:
            raise ValueError(f"第{number}行无法识别（应为 year:/source:/holiday:/workday:）：{line}")
        key, rest = match.groups()
        value = rest.split(maxsplit=1)[0]
        if key == "year":
            if not value.isdigit() or year is not None:
                raise ValueError(f"第{number}行：年份不正确或重复：{line}")
            year = int(value)
        elif key == "source":
            source = rest
        elif year is None:
            raise ValueError(f"第{number}行：请先写明 year: 行")
        else:
            for day in _days(value, number, year):
                other = "workday" if key == "holiday" else "holiday"
                if (earlier := seen[other].get(day)) is not None:
                    raise ValueError(
                        f"第{number}行：{day.isoformat()} 既是假日又是调休上班日（另见第{earlier}行）"
                    )
                if key == "workday" and day.weekday() < 5:
                    raise ValueError(f"第{number}行：调休上班日 {day.isoformat()} 不是周六或周日")
                seen[key].setdefault(day, number)
    if year is None:
        raise ValueError("缺少 year: 行")
    if not seen["holiday"]:
        raise ValueError(f"{year}年的安排未列出任何假日（holiday: 行）")
    return YearSchedule(year, frozenset(seen["holiday"]), frozenset(seen["workday"]), source)


def _days(value: str, number: int, year: int) -> list[date]:
    """The days of `YYYY-MM-DD` or `YYYY-MM-DD..YYYY-MM-DD`, all inside the declared year."""
    first, _, last = value.partition("..")
    try:
        if not _DATE.fullmatch(first) or (last and not _DATE.fullmatch(last)):
            raise ValueError(value)
        start = date.fromisoformat(first)
        end = date.fromisoformat(last) if last else start
    except ValueError:
        raise ValueError(f"第{number}行日期格式不正确（应为 YYYY-MM-DD）：{value}") from None
    if start.year != year or end.year != year:
        raise ValueError(f"第{number}行的日期不在{year}年内：{value}")
    if end < start:
        raise ValueError(f"第{number}行的起止日期颠倒：{value}")
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]
