"""Demo paths per workflow: which sequences of actions the demo walks, and with which inputs.

By default the demo walks every prefix of a workflow's `main_path` (one case stopped after each
step). A workflow may add a module here named after it (`api/demo_scenarios/<workflow>.py`) with:

- `EXTRA_PATHS: list[tuple[str, ...]]` — further action sequences (refusals, objections, extensions,
  cancellations…) so that every state has demo cases;
- `INPUTS: dict[str, dict[str, object]]` — input values per action name, overriding the generic
  ones (votes that pass, real-looking texts);
- `PARTIES: dict[str, str]` — party role → demo organization short name (default: the mobile
  members' branch in another province);
- `SUBJECT_STATUS: str` — whom the cases are about (default "full_member"; "non_member" for the
  development of new members).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any

from engine.definitions import Workflow


@dataclass(frozen=True)
class Scenarios:
    paths: list[tuple[str, ...]]
    inputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    parties: dict[str, str] = field(default_factory=dict)
    subject_status: str = "full_member"


def scenarios_for(workflow: Workflow) -> Scenarios:
    prefixes = [workflow.main_path[:stop] for stop in range(len(workflow.main_path) + 1)]
    try:
        module = importlib.import_module(f"{__name__}.{workflow.name}")
    except ModuleNotFoundError:
        return Scenarios(prefixes)
    return Scenarios(
        prefixes + list(getattr(module, "EXTRA_PATHS", [])),
        dict(getattr(module, "INPUTS", {})),
        dict(getattr(module, "PARTIES", {})),
        str(getattr(module, "SUBJECT_STATUS", "full_member")),
    )
