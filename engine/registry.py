"""Loads workflow definitions and policy profiles, validates them, and exports them as JSON and Mermaid.

A definition is checked once, when loaded: an engine that starts is an engine whose workflows are
sound. Each (workflow, version) has a fingerprint; the database remembers it, so a definition
changed under an old version number is refused instead of silently re-deciding running cases.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from engine.definitions import (
    Action,
    Due,
    Field,
    Rule,
    State,
    TimerKind,
    TimerSpec,
    Workflow,
)
from engine.errors import DefinitionError, NotFound
from engine.machine import SEPARATOR, state_paths
from engine.policy import PolicyProfile


class Registry:
    def __init__(self, templates_root: Path | None = None) -> None:
        self._workflows: dict[tuple[str, str], Workflow] = {}
        self._current: dict[str, str] = {}
        self._profiles: dict[tuple[str, str], PolicyProfile] = {}
        self._current_profile: dict[str, str] = {}
        self.templates_root = templates_root

    def add(self, workflow: Workflow, *, current: bool = True) -> None:
        problems = validate(workflow, self.templates_root)
        if problems:
            raise DefinitionError(f"流程定义 {workflow.name} {workflow.version} 校验未通过", problems)
        self._workflows[(workflow.name, workflow.version)] = workflow
        if current:
            self._current[workflow.name] = workflow.version

    def add_profile(self, profile: PolicyProfile, *, current: bool = True) -> None:
        problems = profile.problems()
        if problems:
            raise DefinitionError(f"政策配置 {profile.name} {profile.version} 校验未通过", problems)
        self._profiles[(profile.name, profile.version)] = profile
        if current:
            self._current_profile[profile.name] = profile.version

    def get(self, name: str, version: str | None = None) -> Workflow:
        key = (name, version or self._current.get(name, ""))
        if key not in self._workflows:
            raise NotFound(f"没有流程 {name} {version or ''}".strip())
        return self._workflows[key]

    def profile(self, name: str, version: str | None = None) -> PolicyProfile:
        key = (name, version or self._current_profile.get(name, ""))
        if key not in self._profiles:
            raise NotFound(f"没有政策配置 {name} {version or ''}".strip())
        return self._profiles[key]

    def link_problems(self) -> list[str]:
        """Cross-workflow references that point nowhere (an action opening an unknown process)."""
        known = {name for name, _ in self._workflows}
        return [
            f"action {a.name!r} of {w.name!r} opens unknown workflow {o.workflow!r}"
            for w in self._workflows.values()
            for a in w.actions
            for o in a.opens
            if o.workflow not in known
        ]

    def workflows(self) -> list[Workflow]:
        return [self._workflows[(name, v)] for name, v in sorted(self._current.items())]

    def all_versions(self) -> list[Workflow]:
        return list(self._workflows.values())


def validate(workflow: Workflow, templates_root: Path | None = None) -> list[str]:
    """Every problem found, as developer-facing English lines (empty when the definition is sound)."""
    paths = state_paths(workflow)
    actions = {a.name: a for a in workflow.actions}
    problems: list[str] = []
    if workflow.initial not in paths:
        problems.append(f"initial state {workflow.initial!r} is not a state")
    if len(actions) != len(workflow.actions):
        problems.append("action names are not unique")
    problems += _check_states(paths, actions)
    for action in workflow.actions:
        problems += _check_action(workflow, action, paths, actions)
    problems += _check_rules(workflow.actions)
    problems += [f"main_path names unknown action {n!r}" for n in workflow.main_path if n not in actions]
    problems += _check_documents(workflow, templates_root)
    if not problems:
        problems += [f"state {p!r} is unreachable" for p in sorted(set(paths) - reachable(workflow))]
    return problems


def _check_states(paths: dict[str, State], actions: dict[str, Action]) -> list[str]:
    problems: list[str] = []
    for path, state in paths.items():
        child_names = {c.name for c in state.children}
        if state.parallel:
            if len(state.children) < 2:
                problems.append(f"parallel state {path!r} needs at least two regions")
            for region in state.children:
                if not any(c.final for c in region.children):
                    problems.append(f"region {path}.{region.name} has no final state to join on")
            if state.join and state.join not in paths:
                problems.append(f"parallel state {path!r} joins to unknown state {state.join!r}")
        elif state.children and state.initial not in child_names:
            problems.append(f"compound state {path!r} has no valid initial child")
        for task in state.tasks:
            problems += _check_due(path, task.name, task.due, actions)
            problems += [
                f"task {task.name!r} of {path!r} names unknown action {n!r}"
                for n in task.actions
                if n not in actions
            ]
        for timer in state.timers:
            problems += _check_timer(path, state, timer, actions)
    return problems


def _check_timer(path: str, state: State, timer: TimerSpec, actions: dict[str, Action]) -> list[str]:
    where = f"timer {timer.name!r} of {path!r}"
    problems = _check_due(path, timer.name, timer.due, actions)
    if timer.kind is TimerKind.AUTO_ACTION:
        action = actions.get(timer.action or "")
        if action is None:
            problems.append(f"{where} has no target action")
        elif not any(path == s or path.startswith(s + SEPARATOR) for s in action.source):
            problems.append(f"{where} fires {action.name!r}, which does not start from {path!r}")
    if timer.kind is TimerKind.RECURRING and (
        timer.every is None or timer.task not in {t.name for t in state.tasks}
    ):
        problems.append(f"{where} needs a period and a task of its state to reopen")
    if timer.kind in (TimerKind.REMINDER, TimerKind.ESCALATION) and not timer.notify_role:
        problems.append(f"{where} has nobody to notify")
    return problems


def _check_due(path: str, name: str, due: Due | None, actions: dict[str, Action]) -> list[str]:
    if due is None or due.anchor == "entered" or due.anchor.startswith("data."):
        return []
    kind, _, target = due.anchor.partition(".")
    if kind == "event" and target in actions:
        return []
    return [f"{name!r} of {path!r} has an unknown anchor {due.anchor!r}"]


def _check_action(
    workflow: Workflow, action: Action, paths: dict[str, State], actions: dict[str, Action]
) -> list[str]:
    where = f"action {action.name!r}"
    problems = [f"{where} starts from unknown state {s!r}" for s in action.source if s not in paths]
    if action.target is not None and action.target not in paths:
        problems.append(f"{where} goes to unknown state {action.target!r}")
    if not action.permissions and not action.automatic:
        problems.append(f"{where} names nobody who may fire it")
    problems += [
        f"{where} is distinct from unknown action {n!r}" for n in action.distinct_from if n not in actions
    ]
    kinds = {d.kind for d in workflow.documents}
    problems += [f"{where} produces unknown document {k!r}" for k in action.documents if k not in kinds]
    problems += [f"{where} voids unknown document {k!r}" for k in action.voids if k not in kinds]
    names = [f.name for f in action.fields]
    if len(set(names)) != len(names):
        problems.append(f"{where} has duplicate field names")
    return problems


def _check_rules(actions: Iterable[Action]) -> list[str]:
    """A rule with no citation or message is unknown to the user; one name must mean one rule."""
    seen: dict[str, Rule] = {}
    problems: list[str] = []
    for action in actions:
        for rule in action.rules:
            if not rule.citation or not rule.message:
                problems.append(f"rule {rule.name!r} of {action.name!r} lacks a citation or message")
            other = seen.setdefault(rule.name, rule)
            if other is not rule and (other.citation, other.message) != (rule.citation, rule.message):
                problems.append(f"rule name {rule.name!r} is used for two different rules")
    return problems


def _check_documents(workflow: Workflow, templates_root: Path | None) -> list[str]:
    if templates_root is None:
        return []
    return [
        f"document {d.kind!r} has no template {d.template!r}"
        for d in workflow.documents
        if not (templates_root / d.template).is_file()
    ]


def reachable(workflow: Workflow) -> set[str]:
    """State paths that some sequence of actions (and joins) can reach from the initial state."""
    paths = state_paths(workflow)
    found: set[str] = set()
    _enter(workflow.initial, paths, found)
    changed = True
    while changed:
        changed = False
        for action in workflow.actions:
            if action.target and action.target not in found and _active(action.source, found):
                _enter(action.target, paths, found)
                changed = True
        for path, state in paths.items():
            if state.parallel and state.join and path in found and state.join not in found:
                _enter(state.join, paths, found)
                changed = True
    return found


def _active(sources: Iterable[str], found: set[str]) -> bool:
    return any(s in found for s in sources)


def _enter(path: str, paths: dict[str, State], found: set[str]) -> None:
    if path not in paths:
        return
    parts = path.split(SEPARATOR)
    found.update(SEPARATOR.join(parts[: i + 1]) for i in range(len(parts)))
    state = paths[path]
    if state.parallel:
        for region in state.children:
            _enter(f"{path}{SEPARATOR}{region.name}", paths, found)
    elif state.children and state.initial:
        _enter(f"{path}{SEPARATOR}{state.initial}", paths, found)


def to_json(workflow: Workflow) -> dict[str, Any]:
    """The definition as plain data: what the API serves and what the fingerprint covers."""
    return {
        "name": workflow.name,
        "version": workflow.version,
        "title": workflow.title,
        "description": workflow.description,
        "initial": workflow.initial,
        "states": [_state_json(s) for s in workflow.states],
        "actions": [_action_json(a) for a in workflow.actions],
        "opened_by": [{"role": p.role, "at": str(p.at)} for p in workflow.opened_by],
        "documents": [{"kind": d.kind, "title": d.title, "template": d.template} for d in workflow.documents],
        "main_path": list(workflow.main_path),
        "follows_subject": workflow.follows_subject,
    }


def _state_json(state: State) -> dict[str, Any]:
    return {
        "name": state.name,
        "label": state.label,
        "parallel": state.parallel,
        "initial": state.initial,
        "final": state.final,
        "join": state.join,
        "children": [_state_json(c) for c in state.children],
        "tasks": [
            {"name": t.name, "label": t.label, "role": t.role, "at": str(t.at), "due": _due_json(t.due)}
            for t in state.tasks
        ],
        "timers": [
            {
                "name": t.name,
                "kind": str(t.kind),
                "due": _due_json(t.due),
                "action": t.action,
                "task": t.task,
                "every": _span_json(t.every),
                "notify_role": t.notify_role,
            }
            for t in state.timers
        ],
    }


def _due_json(due: Due | None) -> dict[str, Any] | None:
    return None if due is None else {"anchor": due.anchor, **(_span_json(due.span) or {})}


def _span_json(span: Any) -> dict[str, Any] | None:
    if span is None:
        return None
    return {"unit": str(span.unit), "default": span.default, "setting": span.setting}


def _action_json(action: Action) -> dict[str, Any]:
    return {
        "name": action.name,
        "label": action.label,
        "source": list(action.source),
        "target": action.target,
        "permissions": [{"role": p.role, "at": str(p.at)} for p in action.permissions],
        "fields": [field_json(f) for f in action.fields],
        "rules": [
            {"name": r.name, "citation": r.citation, "message": r.message, "waivable": r.waivable}
            for r in action.rules
        ],
        "documents": list(action.documents),
        "distinct_from": list(action.distinct_from),
        "subject_status": action.subject_status,
        "sets_data": getattr(action.sets_data, "__name__", None),
        "sets_subject": getattr(action.sets_subject, "__name__", None),
        "requires_reason": action.requires_reason,
        "automatic": action.automatic,
        "opens": [{"workflow": o.workflow, "at": str(o.at)} for o in action.opens],
        "moves_subject_to": action.moves_subject_to,
    }


def field_json(field: Field) -> dict[str, Any]:
    return {
        "name": field.name,
        "label": field.label,
        "type": str(field.type),
        "required": field.required,
        "choices": [{"value": v, "label": label} for v, label in field.choices],
        "minimum": field.minimum,
        "maximum": field.maximum,
        "max_length": field.max_length,
        "help": field.help,
    }


def fingerprint(workflow: Workflow) -> str:
    text = json.dumps(to_json(workflow), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def to_mermaid(workflow: Workflow, current: Iterable[str] = ()) -> str:
    """A Mermaid `stateDiagram-v2`; states in `current` (dotted paths) are highlighted."""
    lines = ["stateDiagram-v2", f"    [*] --> {_mid(workflow.initial)}"]
    for state in workflow.states:
        lines += _mermaid_state(state, "", 1)
    for action in workflow.actions:
        if action.target is None:
            continue
        for source in action.source:
            lines.append(f"    {_mid(source)} --> {_mid(action.target)}: {action.label}")
    for path, state in state_paths(workflow).items():
        if state.parallel and state.join:
            lines.append(f"    {_mid(path)} --> {_mid(state.join)}: 均已完成")
    current_ids = sorted({_mid(p) for p in current})
    if current_ids:
        lines.append("    classDef current fill:#c8102e,color:#fff,stroke:#8b0000")
        lines += [f"    class {cid} current" for cid in current_ids]
    return "\n".join(lines) + "\n"


def _mermaid_state(state: State, prefix: str, depth: int) -> list[str]:
    path = f"{prefix}{state.name}"
    pad = "    " * depth
    if not state.children:
        return [f'{pad}state "{state.label}" as {_mid(path)}']
    lines = [f'{pad}state "{state.label}" as {_mid(path)} {{']
    for index, child in enumerate(state.children):
        if state.parallel and index:
            lines.append(f"{pad}    --")
        lines += _mermaid_state(child, f"{path}{SEPARATOR}", depth + 1)
        if child.final:
            lines.append(f"{pad}    {_mid(f'{path}{SEPARATOR}{child.name}')} --> [*]")
    if not state.parallel and state.initial:
        lines.append(f"{pad}    [*] --> {_mid(f'{path}{SEPARATOR}{state.initial}')}")
    lines.append(f"{pad}}}")
    return lines


def _mid(path: str) -> str:
    return path.replace(SEPARATOR, "__")
