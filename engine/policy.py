"""Policy profiles: the national rule sets, versioned by effective date, plus regional additions.

National rules are the floor. A regional profile may make a setting stricter (a longer 公示, a
shorter letter validity) and never looser; a profile that tries is refused when it is loaded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any


class Stricter(StrEnum):
    HIGHER = "higher"  # a minimum: a region may raise it
    LOWER = "lower"  # a maximum: a region may lower it
    TRUE = "true"  # a requirement: a region may turn it on, never off
    NONE = "none"  # a pure local choice, no national floor


@dataclass(frozen=True)
class Setting:
    key: str
    label: str
    stricter: Stricter
    citation: str


@dataclass(frozen=True)
class RuleSet:
    """The national values in force from `effective_from` (until the next rule set starts)."""

    name: str
    effective_from: date
    values: Mapping[str, Any]


@dataclass(frozen=True)
class PolicyProfile:
    name: str
    version: str
    title: str
    settings: tuple[Setting, ...]
    rulesets: tuple[RuleSet, ...]
    additions: Mapping[str, Any] = field(default_factory=dict)

    def ruleset_on(self, day: date) -> RuleSet:
        in_force = [rs for rs in self.rulesets if rs.effective_from <= day]
        if not in_force:
            return min(self.rulesets, key=lambda rs: rs.effective_from)
        return max(in_force, key=lambda rs: rs.effective_from)

    def values_on(self, day: date) -> dict[str, Any]:
        """The values that decide a step taken on `day`: the rule set then in force, plus additions."""
        values = dict(self.ruleset_on(day).values)
        values.update(self.additions)
        return values

    def label_on(self, day: date) -> str:
        """What an event records as the policy that decided it."""
        return f"{self.name}@{self.version}/{self.ruleset_on(day).name}"

    def problems(self) -> list[str]:
        """Every way this profile relaxes a national value or names an unknown setting."""
        known = {s.key: s for s in self.settings}
        found: list[str] = []
        for key, value in self.additions.items():
            setting = known.get(key)
            if setting is None:
                found.append(f"{self.name}: unknown setting {key!r}")
                continue
            for ruleset in self.rulesets:
                floor = ruleset.values.get(key)
                if floor is not None and not _at_least_as_strict(setting.stricter, value, floor):
                    found.append(
                        f"{self.name}: {key}={value!r} relaxes the national value {floor!r} "
                        f"of {ruleset.name} ({setting.citation})"
                    )
        for ruleset in self.rulesets:
            found.extend(
                f"{ruleset.name}: unknown setting {key!r}" for key in ruleset.values if key not in known
            )
        return found


def _at_least_as_strict(stricter: Stricter, value: Any, floor: Any) -> bool:
    if stricter is Stricter.HIGHER:
        return bool(value >= floor)
    if stricter is Stricter.LOWER:
        return bool(value <= floor)
    if stricter is Stricter.TRUE:
        return bool(value) or not floor
    return True
