"""The declarative vocabulary a workflow module is written in: frozen data, no behaviour of its own.

A workflow is states (nested and parallel), actions between them, who may fire each action and at
which organization, the fields it takes, the rules that guard it, and the tasks, timers and
documents the states and actions produce. `engine.registry` validates it; `engine.runtime` runs it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from engine.rules import RuleContext


class DurationUnit(StrEnum):
    CALENDAR_DAYS = "calendar_days"
    WORKING_DAYS = "working_days"
    MONTHS = "months"
    YEARS = "years"


_UNIT_ZH = {
    DurationUnit.CALENDAR_DAYS: "日",
    DurationUnit.WORKING_DAYS: "个工作日",
    DurationUnit.MONTHS: "个月",
    DurationUnit.YEARS: "年",
}


@dataclass(frozen=True)
class Duration:
    amount: int
    unit: DurationUnit

    @classmethod
    def days(cls, n: int) -> Duration:
        return cls(n, DurationUnit.CALENDAR_DAYS)

    @classmethod
    def working_days(cls, n: int) -> Duration:
        return cls(n, DurationUnit.WORKING_DAYS)

    @classmethod
    def months(cls, n: int) -> Duration:
        return cls(n, DurationUnit.MONTHS)

    @classmethod
    def years(cls, n: int) -> Duration:
        return cls(n, DurationUnit.YEARS)

    def zh(self) -> str:
        return f"{self.amount}{_UNIT_ZH[self.unit]}"


@dataclass(frozen=True)
class Span:
    """A duration whose amount may come from the policy profile (`setting`), else `default`."""

    unit: DurationUnit
    default: int
    setting: str | None = None

    def resolve(self, policy: Mapping[str, Any]) -> Duration:
        amount = policy.get(self.setting, self.default) if self.setting else self.default
        return Duration(int(amount), self.unit)


class At(StrEnum):
    """Which organization a role must hold a grant at, relative to the case."""

    OWNER = "owner"  # the case's own organization (usually the branch)
    PARENT = "parent"  # the organization directly above the owner
    APPROVING_COMMITTEE = "approving_committee"  # nearest committee above with approval authority
    SUBJECT = "subject"  # the person the case is about (member self-service)
    DEPARTMENT = "department"  # the organization department of the nearest committee above that has one


def party(role: str) -> str:
    """An organization named among the case's parties, e.g. `party("inflow_side")`."""
    return f"party:{role}"


@dataclass(frozen=True)
class Permission:
    role: str
    at: str = At.OWNER


class FieldType(StrEnum):
    TEXT = "text"
    INTEGER = "integer"
    DATE = "date"
    BOOLEAN = "boolean"
    CHOICE = "choice"
    PERSON = "person"
    ORG = "org"


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    type: FieldType = FieldType.TEXT
    required: bool = True
    choices: tuple[tuple[str, str], ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    max_length: int = 2000
    help: str = ""


@dataclass(frozen=True)
class Verdict:
    """A rule's answer. `earliest` is set when waiting (not acting) would make the rule hold."""

    ok: bool
    earliest: date | None = None
    detail: str | None = None

    @classmethod
    def holds(cls) -> Verdict:
        return cls(True)

    @classmethod
    def fails(cls, detail: str | None = None, earliest: date | None = None) -> Verdict:
        return cls(False, earliest, detail)


@dataclass(frozen=True)
class Rule:
    """A named predicate that cites its source and explains a refusal in words a caseworker reads."""

    name: str
    citation: str
    message: str
    check: Callable[[RuleContext], Verdict] = field(compare=False)
    waivable: bool = False  # may be waived for a special case, with a written reason
    time_bound: bool = False  # only the passing of time can make it hold (drives forecasts)
    needs_input: bool = False  # reads the action's inputs, so it is judged only on submission


class TimerKind(StrEnum):
    REMINDER = "reminder"  # tell the queue a deadline is near
    ESCALATION = "escalation"  # tell the organization above a deadline has passed
    AUTO_ACTION = "auto_action"  # fire an action by itself (e.g. a notice period ends)
    RECURRING = "recurring"  # open a task again every period while the state lasts


@dataclass(frozen=True)
class Due:
    """A date computed from an anchor: 'entered' (the state), 'data.<key>', or 'event.<action>'."""

    span: Span
    anchor: str = "entered"


@dataclass(frozen=True)
class TaskSpec:
    name: str
    label: str
    role: str
    at: str = At.OWNER
    due: Due | None = None
    priority: int = 0
    actions: tuple[str, ...] = ()  # the actions that complete it, for the queue's buttons


@dataclass(frozen=True)
class TimerSpec:
    name: str
    kind: TimerKind
    due: Due
    label: str = ""  # what a notification says it is about, e.g. "入党申请谈话期限"
    action: str | None = None  # for AUTO_ACTION
    every: Span | None = None  # for RECURRING
    task: str | None = None  # for RECURRING: the task it opens again
    notify_role: str | None = None  # for REMINDER/ESCALATION
    notify_at: str = At.OWNER  # ESCALATION notifies the organization above this one
    before_days: int = 0  # REMINDER: fire this many days before the computed due date


@dataclass(frozen=True)
class DocumentSpec:
    kind: str
    title: str
    template: str
    issuer: str = At.OWNER  # the organization that issues (and numbers) it, relative to the case
    number_prefix: str = ""  # e.g. "组转字": numbers read 〈issuer short name〉组转字〔2026〕第0001号
    # Another organization numbers it, e.g. the 活动证 is numbered by the county department and
    # issued by the branch: the counter and the number's short name are then that organization's.
    numbered_by: str | None = None


@dataclass(frozen=True)
class CaseOpening:
    """A case of another process that an action opens for the same person, in the same transaction
    (e.g. a mobile member with a fixed job away for over six months → a relation transfer)."""

    workflow: str
    at: str = At.OWNER  # the new case's owner, relative to the opening case
    data: Callable[[RuleContext], Mapping[str, Any]] | None = field(default=None, compare=False)


@dataclass(frozen=True)
class State:
    name: str
    label: str
    children: tuple[State, ...] = ()
    parallel: bool = False
    initial: str | None = None  # first child of a compound (non-parallel) state
    final: bool = False
    join: str | None = None  # parallel: where the case goes when every region is final
    tasks: tuple[TaskSpec, ...] = ()
    timers: tuple[TimerSpec, ...] = ()


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    source: tuple[str, ...]
    target: str | None  # None: the case stays where it is (a record-only act)
    permissions: tuple[Permission, ...]
    fields: tuple[Field, ...] = ()
    rules: tuple[Rule, ...] = ()
    documents: tuple[str, ...] = ()
    voids: tuple[str, ...] = ()  # document kinds this act voids (an expired or lost letter): numbers stay
    distinct_from: tuple[str, ...] = ()  # the actor must differ from whoever fired these
    subject_status: str | None = None  # the person's status after this act
    # Derived values, computed from the rule context after the rules pass: case data to store
    # (e.g. the probation end date) and person attributes to set (e.g. full_member_since).
    sets_data: Callable[[RuleContext], Mapping[str, Any]] | None = field(default=None, compare=False)
    sets_subject: Callable[[RuleContext], Mapping[str, Any]] | None = field(default=None, compare=False)
    requires_reason: bool = False  # an override (extension, exemption) always needs a reason
    automatic: bool = False  # fired by a timer or another process, never from a button
    opens: tuple[CaseOpening, ...] = ()
    # The person's organization relation moves here (e.g. party("inflow_side")) in this transaction;
    # their open cases of workflows that `follow_subject` move with it, clocks intact.
    moves_subject_to: str | None = None


@dataclass(frozen=True)
class Workflow:
    """A process. Its docstring-like `description` is the business text users see."""

    name: str
    version: str
    title: str
    description: str
    states: tuple[State, ...]
    initial: str
    actions: tuple[Action, ...]
    opened_by: tuple[Permission, ...]
    documents: tuple[DocumentSpec, ...] = ()
    main_path: tuple[str, ...] = ()  # the usual sequence of actions, for forecasts
    supervised_by: tuple[Permission, ...] = ()  # who may suspend, resume and extend deadlines
    follows_subject: bool = False  # open cases move when the person's organization relation moves

    def action(self, name: str) -> Action:
        for candidate in self.actions:
            if candidate.name == name:
                return candidate
        raise KeyError(name)

    def document(self, kind: str) -> DocumentSpec:
        for candidate in self.documents:
            if candidate.kind == kind:
                return candidate
        raise KeyError(kind)
