"""Where the engine gets 'now': the system clock in production, a settable one in tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Protocol

CHINA_TZ = timezone(timedelta(hours=8), "Asia/Shanghai")


class Clock(Protocol):
    def now(self) -> datetime: ...

    def today(self) -> date: ...


class SystemClock:
    """Wall-clock time; dates are taken in China Standard Time, where the organizations are."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:
        return datetime.now(CHINA_TZ).date()


class FixedClock:
    """A clock that only moves when told to: long timers are tested by moving it, never by sleeping."""

    def __init__(self, at: datetime | date) -> None:
        self._now = _as_datetime(at)

    def now(self) -> datetime:
        return self._now

    def today(self) -> date:
        return self._now.astimezone(CHINA_TZ).date()

    def set(self, at: datetime | date) -> None:
        self._now = _as_datetime(at)

    def advance(self, delta: timedelta) -> None:
        self._now += delta


def _as_datetime(at: datetime | date) -> datetime:
    if isinstance(at, datetime):
        return at if at.tzinfo else at.replace(tzinfo=CHINA_TZ)
    return datetime(at.year, at.month, at.day, 9, 0, tzinfo=CHINA_TZ)
