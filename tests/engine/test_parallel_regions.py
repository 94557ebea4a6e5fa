"""A step inside one parallel region while a later region has already ended (transitions bug #715)."""

from __future__ import annotations

from engine.definitions import Action, Permission, State, Workflow
from engine.machine import MachineFactory


def _region(name: str) -> State:
    return State(
        name,
        name,
        initial="OPEN",
        children=(State("OPEN", "进行中"), State("HELD", "暂停"), State("DONE", "完成", final=True)),
    )


def _action(name: str, source: str, target: str) -> Action:
    return Action(name, name, (source,), target, (Permission("caseworker"),))


PARALLEL = Workflow(
    name="parallel_regions",
    version="1",
    title="并行测试",
    description="两个并行区域，第二个区域先完成。",
    initial="START",
    states=(
        State("START", "开始"),
        State("BOTH", "并行", parallel=True, join="END", children=(_region("FIRST"), _region("SECOND"))),
        State("END", "结束", final=True),
    ),
    actions=(
        _action("start", "START", "BOTH"),
        _action("hold_first", "BOTH.FIRST.OPEN", "BOTH.FIRST.HELD"),
        _action("resume_first", "BOTH.FIRST.HELD", "BOTH.FIRST.OPEN"),
        _action("finish_first", "BOTH.FIRST.OPEN", "BOTH.FIRST.DONE"),
        _action("finish_second", "BOTH.SECOND.OPEN", "BOTH.SECOND.DONE"),
    ),
    opened_by=(Permission("caseworker"),),
)


def test_a_region_moves_between_open_states_after_the_last_region_ended_and_the_join_waits_for_it() -> None:
    machines = MachineFactory()
    value = machines.initial_value(PARALLEL)
    for trigger, expected in (
        ("start", ["BOTH.FIRST.OPEN", "BOTH.SECOND.OPEN"]),
        ("finish_second", ["BOTH.FIRST.OPEN", "BOTH.SECOND.DONE"]),
        ("hold_first", ["BOTH.FIRST.HELD", "BOTH.SECOND.DONE"]),
        ("resume_first", ["BOTH.FIRST.OPEN", "BOTH.SECOND.DONE"]),
    ):
        step = machines.step(PARALLEL, value, trigger)
        assert (step.after, step.joined) == (expected, ()), trigger
        value = step.after
    last = machines.step(PARALLEL, value, "finish_first")
    assert (last.after, last.joined) == ("END", ("BOTH",))
