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


# A region that holds a parallel state of its own (the 政审 asking two places inside the 发展对象 stage):
# when the inner parallel's regions have all ended, only the inner join fires; the region goes on to
# the state the inner join names and the outer parallel waits for it.
NESTED = Workflow(
    name="nested_parallel",
    version="1",
    title="嵌套并行测试",
    description="外层并行的一个区域内含内层并行；内层完成后须再办一步，外层才完成。",
    initial="START",
    states=(
        State("START", "开始"),
        State(
            "OUTER",
            "外层",
            parallel=True,
            join="END",
            children=(
                _region("PLAIN"),
                State(
                    "REVIEW",
                    "审查",
                    initial="ASKING",
                    children=(
                        State(
                            "ASKING",
                            "征求意见",
                            parallel=True,
                            join="OUTER.REVIEW.CONCLUDING",
                            children=(_region("HOME"), _region("AWAY")),
                        ),
                        State("CONCLUDING", "形成结论"),
                        State("CONCLUDED", "已形成结论", final=True),
                    ),
                ),
            ),
        ),
        State("END", "结束", final=True),
    ),
    actions=(
        _action("start", "START", "OUTER"),
        _action("finish_plain", "OUTER.PLAIN.OPEN", "OUTER.PLAIN.DONE"),
        _action("finish_home", "OUTER.REVIEW.ASKING.HOME.OPEN", "OUTER.REVIEW.ASKING.HOME.DONE"),
        _action("finish_away", "OUTER.REVIEW.ASKING.AWAY.OPEN", "OUTER.REVIEW.ASKING.AWAY.DONE"),
        _action("conclude", "OUTER.REVIEW.CONCLUDING", "OUTER.REVIEW.CONCLUDED"),
    ),
    opened_by=(Permission("caseworker"),),
)


def test_an_inner_parallel_that_ends_takes_its_own_join_and_does_not_end_the_outer_one() -> None:
    for order in (("finish_home", "finish_away"), ("finish_away", "finish_home")):
        machines = MachineFactory()
        value = machines.initial_value(NESTED)
        for trigger in ("start", "finish_plain", *order):
            step = machines.step(NESTED, value, trigger)
            value = step.after
        assert (value, step.joined) == (
            ["OUTER.PLAIN.DONE", "OUTER.REVIEW.CONCLUDING"],
            ("OUTER.REVIEW.ASKING",),
        ), order
        last = machines.step(NESTED, value, "conclude")
        assert (last.after, last.joined) == ("END", ("OUTER",)), order
