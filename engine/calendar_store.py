"""The working-day calendar as loaded in the database: packaged holidays plus official schedules.

The calendar is rebuilt only when the set of loaded schedules changes, so every transition can ask
for it cheaply.
"""

from __future__ import annotations

import threading

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.calendar import WorkingCalendar, YearSchedule, parse_schedule
from engine.models import CalendarYear


class CalendarStore:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple[tuple[int, str], ...] | None = None
        self._calendar = WorkingCalendar()

    def __call__(self, session: Session) -> WorkingCalendar:
        rows = session.execute(select(CalendarYear.year, CalendarYear.text).order_by(CalendarYear.year)).all()
        key = tuple((int(year), str(text)) for year, text in rows)
        with self._lock:
            if key != self._key:
                self._calendar = WorkingCalendar(parse_schedule(text) for _, text in key)
                self._key = key
            return self._calendar


def load_schedule(session: Session, text: str) -> YearSchedule:
    """Store an official schedule (replacing that year's earlier one); raises ValueError if malformed."""
    schedule = parse_schedule(text)
    row = session.get(CalendarYear, schedule.year)
    if row is None:
        session.add(CalendarYear(year=schedule.year, source=schedule.source, text=text))
    else:
        row.source, row.text = schedule.source, text
    return schedule
