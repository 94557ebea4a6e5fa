"""The one error tree of the engine; adapters map it to HTTP and CLI exits in one place.

EngineError                      code            meaning
├── NotFound                     not_found       no such object, or outside the actor's scope
├── Conflict                     conflict        stale expected_version or a concurrent write
├── Forbidden                    forbidden       the actor may see the case but not fire this action
├── InvalidInput                 invalid_input   bad field values (every bad field listed)
├── ActionNotAvailable           action_not_available  the action does not start from the current state
├── RuleRefusal                  rule_refused    one or more rules are unmet (every one listed)
└── DefinitionError              definition_invalid  a workflow definition or profile failed validation
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date


class EngineError(Exception):
    """Root of every error the engine raises on purpose; `code` is stable, `message` is zh-CN."""

    code = "engine_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(EngineError):
    code = "not_found"


class Conflict(EngineError):
    code = "conflict"


class Forbidden(EngineError):
    code = "forbidden"


class ActionNotAvailable(EngineError):
    code = "action_not_available"


class DefinitionError(EngineError):
    code = "definition_invalid"

    def __init__(self, message: str, problems: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.problems = list(problems)


class InvalidInput(EngineError):
    """Bad input values; `errors` maps each bad field to its zh-CN message."""

    code = "invalid_input"

    def __init__(self, errors: Mapping[str, str], message: str = "提交的内容有误，请检查标出的字段") -> None:
        super().__init__(message)
        self.errors = dict(errors)


@dataclass(frozen=True)
class UnmetRule:
    """One reason an action is refused, as a caseworker reads it."""

    rule: str
    citation: str
    message: str
    earliest: date | None = None
    waivable: bool = False

    def as_dict(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "citation": self.citation,
            "message": self.message,
            "earliest": self.earliest.isoformat() if self.earliest else None,
            "waivable": self.waivable,
        }


class RuleRefusal(EngineError):
    """Every unmet rule of a refused action, never just the first."""

    code = "rule_refused"

    def __init__(self, unmet: Sequence[UnmetRule]) -> None:
        super().__init__("不符合办理条件：" + "；".join(u.message for u in unmet))
        self.unmet = list(unmet)

    @property
    def earliest(self) -> date | None:
        """The first day every time-bound obstacle is gone, if time is the only obstacle."""
        if any(u.earliest is None for u in self.unmet):
            return None
        return max(u.earliest for u in self.unmet if u.earliest is not None)
