"""Working-day arithmetic on the Chinese official calendar, honest about years not yet published."""

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


@dataclass(frozen=True)
class DueDate:
    day: date
    provisional: bool

    def label_zh(self) -> str:
        return self.day.isoformat() + (PROVISIONAL_NOTE if self.provisional else "")


@dataclass(frozen=True)
class YearSchedule:
    """An official schedule an administrator loaded from the State Council's notice."""

    year: int
    holidays: frozenset[date]
    make_up_workdays: frozenset[date]
    source: str


def add_months(day: date, months: int) -> date:
    """Calendar months, clamped to the month's last day (01-31 + 1 month = 02-28)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, std_calendar.monthrange(year, month)[1]))


@lru_cache(maxsize=8192)
def _packaged(day: date) -> bool | None:
    """chinese_calendar's answer, or None for a year it does not cover."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return None


class WorkingCalendar:
    def __init__(self, schedules: Iterable[YearSchedule] = ()) -> None:
        self._schedules = {s.year: s for s in schedules}

    def is_confirmed(self, year: int) -> bool:
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
        if duration.unit is DurationUnit.CALENDAR_DAYS:
            return DueDate(start + timedelta(days=duration.amount), False)
        if duration.unit is DurationUnit.MONTHS:
            return DueDate(add_months(start, duration.amount), False)
        if duration.unit is DurationUnit.YEARS:
            return DueDate(add_months(start, 12 * duration.amount), False)
        return self._add_working_days(start, duration.amount)

    def _add_working_days(self, start: date, count: int) -> DueDate:
        day, provisional = start, False
        while count > 0:
            day += timedelta(days=1)
            provisional = provisional or self.is_provisional(day)
            if self.is_workday(day):
                count -= 1
        return DueDate(day, provisional)

    def working_days_between(self, start: date, end: date) -> tuple[int, bool]:
        """Working days in (start, end], and whether any of them is provisional."""
        count, provisional, day = 0, False, start
        while day < end:
            day += timedelta(days=1)
            provisional = provisional or self.is_provisional(day)
            count += self.is_workday(day)
        return count, provisional


_LINE = re.compile(r"^(year|source|holiday|workday):\s*(\S+)(?:\s+.*)?$")


def parse_schedule(text: str) -> YearSchedule:
    """Parse the administrator's transcription of the notice; every error names its line."""
    year: int | None = None
    source = ""
    holidays: set[date] = set()
    workdays: set[date] = set()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _LINE.match(line)
        if match is None:
            raise ValueError(f"第{number}行无法识别：{line}")
        key, value = match.groups()
        if key == "year":
            year = int(value)
        elif key == "source":
            source = line.split(":", 1)[1].strip()
        else:
            if year is None:
                raise ValueError(f"第{number}行：请先写明 year:")
            days = _days(value, number, year)
            (holidays if key == "holiday" else workdays).update(days)
            if key == "workday" and any(d.weekday() < 5 for d in days):
                raise ValueError(f"第{number}行：调休上班日应为周六或周日")
    if year is None:
        raise ValueError("缺少 year: 行")
    both = holidays & workdays
    if both:
        raise ValueError(f"{min(both).isoformat()} 既是假日又是上班日")
    return YearSchedule(year, frozenset(holidays), frozenset(workdays), source)


def _days(value: str, number: int, year: int) -> list[date]:
    first, _, last = value.partition("..")
    try:
        start = date.fromisoformat(first)
        end = date.fromisoformat(last) if last else start
    except ValueError:
        raise ValueError(f"第{number}行日期格式不正确：{value}") from None
    if start.year != year or end.year != year or end < start:
        raise ValueError(f"第{number}行的日期不在{year}年内或起止颠倒：{value}")
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]
