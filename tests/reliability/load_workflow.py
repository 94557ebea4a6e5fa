"""A small process the reliability runs drive thousands of times: a note, a numbered notice, a close.

The real processes have rules that need months of dated steps; this one has none, so every
transition the load fires is accepted unless it races another one. Its notice is numbered in the
act's transaction and rendered by the worker like any other document, and each case has one
reminder timer, due on the day it opens, that the worker's sweep must fire exactly once.
"""

from __future__ import annotations

from engine.definitions import (
    Action,
    DocumentSpec,
    Due,
    DurationUnit,
    Field,
    Permission,
    Span,
    State,
    TimerKind,
    TimerSpec,
    Workflow,
)

RELIABILITY = Workflow(
    name="reliability",
    version="1",
    title="可靠性测试流程",
    description="可靠性测试用的流程：登记、出具通知、办结。",
    initial="OPEN",
    states=(
        State(
            "OPEN",
            "办理中",
            timers=(
                TimerSpec(
                    "check_in_reminder",
                    TimerKind.REMINDER,
                    Due(Span(DurationUnit.CALENDAR_DAYS, 1)),
                    label="登记提醒",
                    notify_role="caseworker",
                    before_days=1,
                ),
            ),
        ),
        State("CLOSED", "已办结", final=True),
    ),
    actions=(
        Action("note", "登记", ("OPEN",), None, (Permission("caseworker"),), fields=(Field("text", "内容"),)),
        Action(
            "issue",
            "出具通知",
            ("OPEN",),
            None,
            (Permission("caseworker"),),
            fields=(Field("text", "内容"),),
            documents=("notice",),
        ),
        Action("close", "办结", ("OPEN",), "CLOSED", (Permission("caseworker"),)),
    ),
    opened_by=(Permission("caseworker"),),
    documents=(DocumentSpec("notice", "情况通知", "common/notice.html", number_prefix="测字"),),
)
