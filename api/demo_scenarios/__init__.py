"""Demo paths per workflow: which sequences of actions the demo walks, and with which inputs.

By default the demo walks every prefix of a workflow's `main_path` (one case stopped after each
step). A workflow may add a module here named after it (`api/demo_scenarios/<workflow>.py`) with:

- `EXTRA_PATHS: list[tuple[str, ...] | DemoPath]` — further action sequences (refusals, objections,
  extensions, cancellations…) so that every state has demo cases; a `DemoPath` also carries the
  inputs and parties that differ on that path (a vote that fails, a two-place case);
- `INPUTS: dict[str, dict[str, object]]` — input values per action name, overriding the generic
  ones (votes that pass, real-looking texts); a callable value is given the day of the step;
- `PARTIES: dict[str, str | None]` — party role → demo organization short name (`SUBJECT_ORG` for
  the subject's own organization, None for "no such party unless a path names it"; a role not
  named defaults to the mobile members' branch in another province);
- `SUBJECT_STATUS: str` — whom the cases are about (default "full_member"; "non_member" for the
  development of new members);
- `WAIT_MONTHS: dict[str, int]` — months that must pass before an action may be taken (a year of
  cultivation, of probation), so a long path starts early enough to end before today; without it
  every path starts at least a year back.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from engine.definitions import Workflow

SUBJECT_ORG = "@subject"
UNKNOWN_WAITS_MONTHS = 12


@dataclass(frozen=True)
class DemoPath:
    """One demo case: its steps, and the inputs and parties that differ from the workflow's usual."""

    steps: tuple[str, ...]
    inputs: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    parties: Mapping[str, str | None] = field(default_factory=dict)


@dataclass(frozen=True)
class Scenarios:
    paths: list[DemoPath]
    inputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    parties: dict[str, str | None] = field(default_factory=dict)
    subject_status: str = "full_member"
    wait_months: dict[str, int] = field(default_factory=dict)

    def inputs_for(self, path: DemoPath) -> dict[str, dict[str, Any]]:
        names = set(self.inputs) | set(path.inputs)
        return {n: {**self.inputs.get(n, {}), **path.inputs.get(n, {})} for n in names}

    def parties_for(self, path: DemoPath) -> dict[str, str | None]:
        return {**self.parties, **path.parties}

    def months_needed(self, path: DemoPath) -> int:
        """How far back the path must start; a year when the workflow declares no waits."""
        if not self.wait_months:
            return UNKNOWN_WAITS_MONTHS
        return sum(self.wait_months.get(step, 0) for step in path.steps)


def scenarios_for(workflow: Workflow) -> Scenarios:
    prefixes = [DemoPath(workflow.main_path[:stop]) for stop in range(len(workflow.main_path) + 1)]
    try:
        module = importlib.import_module(f"{__name__}.{workflow.name}")
    except ModuleNotFoundError:
        return Scenarios(prefixes)
    extra = [p if isinstance(p, DemoPath) else DemoPath(p) for p in getattr(module, "EXTRA_PATHS", [])]
    return Scenarios(
        prefixes + extra,
        dict(getattr(module, "INPUTS", {})),
        dict(getattr(module, "PARTIES", {})),
        str(getattr(module, "SUBJECT_STATUS", "full_member")),
        dict(getattr(module, "WAIT_MONTHS", {})),
    )
