"""Turns a `Workflow` into a `transitions` hierarchical machine and steps a persisted state with it.

One machine per workflow version and thread: `transitions` keeps its models in a plain list that is
not thread-safe, and a machine is too costly to build per call for long definitions. Each step adds
the case as a model at its stored state and always removes it again (a leaked model slows every
later step).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any

from transitions import MachineError
from transitions.extensions.nesting import HierarchicalMachine, NestedState, NestedTransition

from engine.definitions import State, Workflow
from engine.errors import ActionNotAvailable

SEPARATOR = "."

StateValue = str | list[Any]  # a path, or (parallel) a nested list of paths


class _DottedState(NestedState):
    separator = SEPARATOR


class _FinalCheckedTransition(NestedTransition):
    """transitions' check of which states have just ended, with two corrections.

    - 0.9.3 took a parallel state for final when only its *last* region was (bug #715, fixed upstream
      in b0a50d2, not released): a step inside one region while a later region had already ended
      raised AttributeError ('scoped_enter' on the machine). Drop that part when a release has it.
    - transitions takes a compound state for final when its active child is a parallel state whose
      regions have all ended. As in SCXML, a compound state ends only when it enters a final child:
      the ended parallel takes its own join, and the regions around it go on (a 政审 whose two
      opinions are in still needs its conclusion before the 发展对象 stage ends).
    """

    def _final_check(self, event_data: Any, state_tree: Any, enter_partials: Any) -> tuple[list[Any], bool]:
        on_final_cbs: list[Any] = []
        is_final = False
        scoped = event_data.machine.scoped
        if state_tree:
            all_children_final = True
            scope_is_parallel = isinstance(getattr(scoped, "initial", None), list)
            for state in state_tree:
                with event_data.machine(state):
                    child_cbs, child_final = self._final_check(event_data, state_tree[state], enter_partials)
                    child_is_final_state = getattr(event_data.machine.scoped, "final", False)
                if state_tree[state] and not scope_is_parallel and not child_is_final_state:
                    child_final = False
                all_children_final = all_children_final and child_final
                on_final_cbs.extend(child_cbs)
            if all_children_final:
                if on_final_cbs or any(scoped.scoped_enter == part.func for part in enter_partials):
                    on_final_cbs.append(partial(event_data.machine.callbacks, scoped.on_final, event_data))
                is_final = True
        elif getattr(scoped, "final", False):
            if any(scoped.scoped_enter == part.func for part in enter_partials):
                on_final_cbs.append(partial(event_data.machine.callbacks, scoped.on_final, event_data))
            is_final = True
        return on_final_cbs, is_final


class _Machine(HierarchicalMachine):
    state_cls = _DottedState
    transition_cls = _FinalCheckedTransition


class _Model:
    """The stand-in a machine moves; it never sees the database row."""

    trigger: Callable[[str], bool]  # bound by the machine in add_model

    def __init__(self) -> None:
        self.state: StateValue = ""
        self.joined: list[str] = []


@dataclass(frozen=True)
class Step:
    before: StateValue
    after: StateValue
    exited: frozenset[str]
    entered: frozenset[str]
    joined: tuple[str, ...]


def join_trigger(parallel_state: str) -> str:
    return f"_join_{parallel_state}"


def leaves(value: StateValue) -> list[str]:
    """The active leaf paths of a stored state value."""
    if isinstance(value, str):
        return [value]
    return [leaf for item in value for leaf in leaves(item)]


def active_paths(value: StateValue) -> frozenset[str]:
    """Every active state path, ancestors included: what tasks and timers hang on."""
    paths: set[str] = set()
    for leaf in leaves(value):
        parts = leaf.split(SEPARATOR)
        paths.update(SEPARATOR.join(parts[: i + 1]) for i in range(len(parts)))
    return frozenset(paths)


def top_state(value: StateValue) -> str:
    """The top-level state name, the one queues and filters use."""
    return leaves(value)[0].split(SEPARATOR)[0]


class MachineFactory:
    """Builds and caches one machine per (workflow, version) per thread."""

    def __init__(self) -> None:
        self._local = threading.local()

    def machine(self, workflow: Workflow) -> Any:
        cache: dict[tuple[str, str], Any] = self._local.__dict__.setdefault("cache", {})
        key = (workflow.name, workflow.version)
        if key not in cache:
            cache[key] = build_machine(workflow)
        return cache[key]

    def step(self, workflow: Workflow, current: StateValue, trigger: str) -> Step:
        machine = self.machine(workflow)
        model = _Model()
        machine.add_model(model, initial=current)
        try:
            try:
                model.trigger(trigger)
            except MachineError as exc:
                raise ActionNotAvailable("当前环节不能办理此事项") from exc
            for parallel_state in list(model.joined):
                model.trigger(join_trigger(parallel_state))
            after = model.state
        finally:
            machine.remove_model(model)
        before_paths, after_paths = active_paths(current), active_paths(after)
        return Step(
            before=current,
            after=after,
            exited=before_paths - after_paths,
            entered=after_paths - before_paths,
            joined=tuple(model.joined),
        )

    def initial_value(self, workflow: Workflow, state: str | None = None) -> StateValue:
        """The stored value of a case entering `state` (default: the workflow's initial state)."""
        machine = self.machine(workflow)
        model = _Model()
        machine.add_model(model, initial=str(state or workflow.initial))
        try:
            value: StateValue = model.state
            return value
        finally:
            machine.remove_model(model)


def build_machine(workflow: Workflow) -> Any:
    machine = _Machine(
        model=None,
        states=[_state_config(state) for state in workflow.states],
        initial=str(workflow.initial),
        auto_transitions=False,
        send_event=True,
        model_attribute="state",
    )
    for action in workflow.actions:
        # plain strings: transitions treats enum members as its own enum states
        target = str(action.target) if action.target is not None else None
        machine.add_transition(action.name, [str(s) for s in action.source], target)
    for path, state in _walk(workflow.states):
        if state.parallel and state.join:
            machine.add_transition(join_trigger(path), path, str(state.join))
    return machine


def _state_config(state: State, prefix: str = "") -> dict[str, Any]:
    path = f"{prefix}{state.name}"
    config: dict[str, Any] = {"name": str(state.name)}
    if state.final:
        config["final"] = True
    children = [_state_config(child, f"{path}{SEPARATOR}") for child in state.children]
    if state.parallel:
        config["parallel"] = children
        if state.join:
            config["on_final"] = _join_marker(path)
    elif children:
        config["children"] = children
        config["initial"] = str(state.initial)
    return config


def _join_marker(path: str) -> Any:
    def mark(event: Any) -> None:
        event.model.joined.append(path)

    return mark


def _walk(states: Iterable[State], prefix: str = "") -> Iterable[tuple[str, State]]:
    for state in states:
        path = f"{prefix}{state.name}"
        yield path, state
        yield from _walk(state.children, f"{path}{SEPARATOR}")


def state_paths(workflow: Workflow) -> dict[str, State]:
    """Every state of a workflow by its dotted path."""
    return dict(_walk(workflow.states))
