"""A test-only development process built from `PROCESS_IMPORT`, so the import's case opening is
tested against exactly the states and actions the mapping names, with clocks that show where they
start: each state has a task or timer due from its entry day or from an earlier act's day.
"""

from __future__ import annotations

from datetime import date

from api.importing import PROCESS_IMPORT
from engine.definitions import (
    Action,
    Due,
    DurationUnit,
    Permission,
    Span,
    State,
    TaskSpec,
    TimerKind,
    TimerSpec,
    Workflow,
)
from engine.policy import PolicyProfile, RuleSet

ORDER = ("applicant", "activist", "candidate", "probationary_member")
NAME = PROCESS_IMPORT["activist"].workflow
STATES = [PROCESS_IMPORT[status].state for status in ORDER]
assert all("." not in s for s in STATES), "the test workflow builds top-level states only"
ACTS = list(PROCESS_IMPORT["probationary_member"].acts)  # every earlier act, in order
MONTH, YEAR = Span(DurationUnit.MONTHS, 1), Span(DurationUnit.MONTHS, 12)

# What each state's clock is, by status: (name, due span, anchor).
CLOCKS = {
    "applicant": TaskSpec("talk", "与入党申请人谈话", "caseworker", due=Due(MONTH)),
    "activist": TimerSpec("cultivation_year", TimerKind.REMINDER, Due(YEAR), label="培养考察满一年",
                          notify_role="caseworker"),
    "candidate": TaskSpec("political_review", "政治审查", "caseworker", due=Due(Span(DurationUnit.MONTHS, 3))),
    "probationary_member": TimerSpec("probation_deadline", TimerKind.REMINDER, Due(YEAR, f"event.{ACTS[-1]}"),
                                     label="预备期满", notify_role="caseworker"),
}  # fmt: skip


def _state(status: str) -> State:
    clock = CLOCKS[status]
    name = PROCESS_IMPORT[status].state
    if isinstance(clock, TaskSpec):
        return State(name, status, tasks=(clock,))
    return State(name, status, timers=(clock,))


DEVELOPMENT = Workflow(
    name=NAME,
    version="test",
    title="发展党员（导入测试）",
    description="只用于导入测试：状态与动作名称取自 PROCESS_IMPORT。",
    initial="DRAFT",
    states=(State("DRAFT", "起草"), *(_state(s) for s in ORDER), State("FULL", "已转正", final=True)),
    actions=(
        Action(ACTS[0], "提交入党申请", ("DRAFT",), STATES[0], (Permission("caseworker"),)),
        *(
            Action(act, act, (source,), target, (Permission("caseworker"),))
            for act, source, target in zip(ACTS[1:], STATES[:-1], STATES[1:], strict=True)
        ),
        Action("confirm_full_membership", "转正", (STATES[-1],), "FULL", (Permission("caseworker"),)),
    ),
    opened_by=(Permission("caseworker"),),
)
PROFILE = PolicyProfile(
    name="national",
    version="test",
    title="测试",
    settings=(),
    rulesets=(RuleSet("测试", date(2000, 1, 1), {}),),
)
