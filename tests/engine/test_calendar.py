"""Working-day arithmetic: 2026 from chinese_calendar, 2027 provisional until a schedule is loaded.

Every expected date below was worked out by hand and checked against chinese_calendar 1.11.0
(2026 National Day: 10-01..10-07 off, make-up workdays Sun 09-20 and Sat 10-10; Mid-autumn Fri 09-25 off).
"""

from __future__ import annotations

from datetime import date

import pytest

from engine.calendar import (
    PROVISIONAL_NOTE,
    DueDate,
    WorkingCalendar,
    YearSchedule,
    add_months,
    parse_schedule,
)
from engine.definitions import Duration

# A made-up 2027 transcription for the tests (the real notice is not published yet).
SCHEDULE_2027 = """\
# 国务院办公厅关于2027年部分节假日安排的通知 国办发明电〔2026〕X号
year: 2027
source: 国办发明电〔2026〕X号
holiday: 2027-01-01..2027-01-03   元旦
holiday: 2027-02-06..2027-02-12   春节
workday: 2027-02-14               春节调休上班
"""


def d(text: str) -> date:
    return date.fromisoformat(text)


@pytest.fixture
def calendar() -> WorkingCalendar:
    return WorkingCalendar()


# --- 2026, covered by chinese_calendar -------------------------------------------------------


def test_the_2026_national_day_holiday_is_skipped_and_the_make_up_saturday_counts(
    calendar: WorkingCalendar,
) -> None:
    assert calendar.add(d("2026-09-30"), Duration.working_days(1)) == DueDate(d("2026-10-08"), False)
    assert calendar.add(d("2026-09-30"), Duration.working_days(3)) == DueDate(d("2026-10-10"), False)
    assert calendar.working_days_between(d("2026-09-30"), d("2026-10-10")) == (3, False)


def test_the_2026_national_day_make_up_days_are_a_sunday_and_a_saturday_that_are_workdays(
    calendar: WorkingCalendar,
) -> None:
    assert d("2026-09-20").weekday() == 6 and calendar.is_workday(d("2026-09-20"))
    assert d("2026-10-10").weekday() == 5 and calendar.is_workday(d("2026-10-10"))
    assert not calendar.is_workday(d("2026-10-11"))  # the Sunday after stays a rest day
    assert not any(calendar.is_workday(d(f"2026-10-0{n}")) for n in range(1, 8))
    assert not calendar.is_workday(d("2026-09-25"))  # Mid-autumn Friday


def test_five_working_days_from_a_friday_before_a_normal_weekend_land_on_the_next_friday(
    calendar: WorkingCalendar,
) -> None:
    assert calendar.add(d("2026-03-06"), Duration.working_days(5)) == DueDate(d("2026-03-13"), False)


def test_zero_working_days_is_the_start_day_and_a_negative_count_is_refused(
    calendar: WorkingCalendar,
) -> None:
    assert calendar.add(d("2026-10-03"), Duration.working_days(0)) == DueDate(d("2026-10-03"), False)
    with pytest.raises(ValueError, match="负数"):
        calendar.add(d("2026-10-03"), Duration.working_days(-1))


def test_the_whole_of_2026_has_248_working_days_and_none_is_provisional(calendar: WorkingCalendar) -> None:
    assert calendar.working_days_between(d("2025-12-31"), d("2026-12-31")) == (248, False)
    assert calendar.add(d("2025-12-31"), Duration.working_days(248)) == DueDate(d("2026-12-31"), False)


# --- 2027, not yet published -----------------------------------------------------------------


def test_a_2027_date_is_provisional_and_counts_weekends_only(calendar: WorkingCalendar) -> None:
    assert calendar.is_confirmed(2026) and not calendar.is_confirmed(2027)
    due = calendar.add(d("2027-01-01"), Duration.working_days(5))  # Fri → Mon..Fri of next week
    assert due == DueDate(d("2027-01-08"), True)
    assert due.label_zh() == "2027-01-08（暂按双休日推算，待国务院公布放假安排后确认）"
    assert calendar.working_days_between(d("2027-01-01"), d("2027-01-10")) == (5, True)
    assert calendar.is_provisional(d("2027-06-01")) and not calendar.is_provisional(d("2026-06-01"))


def test_a_count_that_merely_crosses_into_2027_does_not_crash_and_is_provisional(
    calendar: WorkingCalendar,
) -> None:
    # 2026-12-31 Thu (1), 2027-01-01 Fri (2, guessed), 01-04 Mon (3), 01-05 (4), 01-06 (5)
    assert calendar.add(d("2026-12-30"), Duration.working_days(5)) == DueDate(d("2027-01-06"), True)
    assert calendar.working_days_between(d("2026-12-30"), d("2027-01-05")) == (4, True)
    assert calendar.add(d("2025-12-31"), Duration.working_days(250)) == DueDate(d("2027-01-04"), True)
    assert calendar.working_days_between(d("2026-12-28"), d("2026-12-31")) == (3, False)


def test_loading_the_2027_schedule_changes_the_result_and_makes_it_final() -> None:
    # Fri 2027-02-05: guessed → Mon 02-08..Fri 02-12; loaded → 02-06..02-13 off, Sun 02-14 worked, then 15..18
    guessed = WorkingCalendar().add(d("2027-02-05"), Duration.working_days(5))
    loaded = WorkingCalendar([parse_schedule(SCHEDULE_2027)])
    assert guessed == DueDate(d("2027-02-12"), True)
    assert loaded.add(d("2027-02-05"), Duration.working_days(5)) == DueDate(d("2027-02-18"), False)
    assert loaded.working_days_between(d("2027-02-05"), d("2027-02-14")) == (1, False)
    assert loaded.is_confirmed(2027) and loaded.is_workday(d("2027-02-14"))
    assert loaded.add(d("2027-02-05"), Duration.working_days(5)).label_zh() == "2027-02-18"


def test_a_loaded_schedule_takes_precedence_over_chinese_calendar_for_its_year() -> None:
    national_day = frozenset(d(f"2026-10-0{n}") for n in range(1, 9))  # a made-up extra day off, 10-08
    corrected = YearSchedule(2026, national_day, frozenset(), "更正通知")
    calendar = WorkingCalendar([corrected])
    assert not calendar.is_workday(d("2026-10-08"))
    assert not calendar.is_workday(d("2026-10-10"))  # only the loaded table counts now
    assert calendar.add(d("2026-09-30"), Duration.working_days(1)) == DueDate(d("2026-10-09"), False)


# --- calendar units --------------------------------------------------------------------------


def test_months_are_clamped_to_the_last_day_of_the_month() -> None:
    assert add_months(d("2026-01-31"), 1) == d("2026-02-28")
    assert add_months(d("2024-01-31"), 1) == d("2024-02-29")
    assert add_months(d("2026-12-31"), 2) == d("2027-02-28")
    assert add_months(d("2026-03-31"), -1) == d("2026-02-28")
    assert add_months(d("2026-05-15"), 3) == d("2026-08-15")


def test_a_year_from_february_29_is_february_28_and_never_provisional(calendar: WorkingCalendar) -> None:
    assert calendar.add(d("2024-02-29"), Duration.years(1)) == DueDate(d("2025-02-28"), False)
    assert calendar.add(d("2024-02-29"), Duration.years(4)) == DueDate(d("2028-02-29"), False)
    assert calendar.add(d("2026-01-31"), Duration.months(1)) == DueDate(d("2026-02-28"), False)
    assert calendar.add(d("2026-12-15"), Duration.months(1)) == DueDate(d("2027-01-15"), False)


def test_calendar_days_ignore_holidays_and_are_never_provisional(calendar: WorkingCalendar) -> None:
    assert calendar.add(d("2026-09-30"), Duration.days(10)) == DueDate(d("2026-10-10"), False)
    assert calendar.add(d("2026-12-31"), Duration.days(1)) == DueDate(d("2027-01-01"), False)


# --- parse_schedule --------------------------------------------------------------------------


def test_the_documented_example_parses_into_holidays_and_make_up_workdays() -> None:
    schedule = parse_schedule(SCHEDULE_2027)
    assert schedule.year == 2027 and schedule.source == "国办发明电〔2026〕X号"
    assert len(schedule.holidays) == 10
    assert d("2027-01-03") in schedule.holidays and d("2027-02-12") in schedule.holidays
    assert schedule.make_up_workdays == frozenset({d("2027-02-14")})


def test_a_byte_order_mark_and_full_width_colons_are_accepted() -> None:
    schedule = parse_schedule("\ufeffyear：2027\nholiday：2027-01-01  元旦\n")
    assert schedule.holidays == frozenset({d("2027-01-01")})


@pytest.mark.parametrize(
    ("bad_line", "message"),
    [
        ("holiday: 2027-13-01", "第3行日期格式不正确"),
        ("holiday: 20270101", "第3行日期格式不正确"),
        ("holiday: 2026-12-31..2027-01-02", "第3行的日期不在2027年内"),
        ("workday: 2028-01-08", "第3行的日期不在2027年内"),
        ("holiday: 2027-01-03..2027-01-01", "第3行的起止日期颠倒"),
        ("workday: 2027-01-02", "第3行：2027-01-02 既是假日又是调休上班日（另见第2行）"),
        ("workday: 2027-02-15", "第3行：调休上班日 2027-02-15 不是周六或周日"),
        ("holidays: 2027-01-05", "第3行无法识别"),
        ("year: 2028", "第3行：年份不正确或重复"),
    ],
)
def test_a_bad_line_is_refused_with_its_line_number(bad_line: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_schedule(f"year: 2027\nholiday: 2027-01-01..2027-01-03\n{bad_line}\n")


def test_a_holiday_listed_after_the_same_make_up_workday_names_both_lines() -> None:
    with pytest.raises(ValueError, match="第3行：2027-02-14 既是假日又是调休上班日（另见第2行）"):
        parse_schedule("year: 2027\nworkday: 2027-02-14\nholiday: 2027-02-14\n")


def test_a_schedule_without_a_year_or_without_holidays_is_refused() -> None:
    with pytest.raises(ValueError, match="第1行：请先写明 year: 行"):
        parse_schedule("holiday: 2027-01-01\nyear: 2027\n")
    with pytest.raises(ValueError, match="缺少 year: 行"):
        parse_schedule("# nothing\n")
    with pytest.raises(ValueError, match="未列出任何假日"):
        parse_schedule("year: 2027\nsource: 空\n")


def test_the_provisional_note_is_the_one_shown_to_users() -> None:
    assert DueDate(d("2027-01-08"), True).label_zh() == "2027-01-08" + PROVISIONAL_NOTE
    assert DueDate(d("2026-10-08"), False).label_zh() == "2026-10-08"
