"""People imported in the middle of the development process get a case in the state they are in,
with its clocks running from the real dates in their row (the one place that names those states).

A 预备党员 with an 入党日期 is in the probation state since the day of the 支部党员大会; an 入党积极分子
with a 确定为积极分子日期 is in cultivation since that day; and so on. The earlier acts' dates go
into the case data (`data[<action>]["on"]`), where `event.<action>` anchors find them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from engine.calendar import add_months


@dataclass(frozen=True)
class ProcessStart:
    """Where a person of one status starts: workflow, state, and which row dates feed its clocks."""

    workflow: str
    state: str  # the state path the case opens in
    since: str  # the row field holding the day the person entered that state; no date, no case
    acts: Mapping[str, str] = field(default_factory=dict)  # earlier action -> row field of its day
    data: Mapping[str, str] = field(default_factory=dict)  # case data key -> row fact (a date)


# The development workflow's names (workflows/development.py). Statuses not listed (群众, 正式党员)
# are not in a process.
PROCESS_IMPORT: dict[str, ProcessStart] = {
    "applicant": ProcessStart(
        "development", "APPLIED", "applied_on",
        acts={"submit_application": "applied_on"},
    ),
    "activist": ProcessStart(
        "development", "ACTIVIST", "activist_since",
        acts={"submit_application": "applied_on", "designate_activist": "activist_since"},
    ),
    "candidate": ProcessStart(
        "development", "CANDIDATE", "candidate_since",
        acts={
            "submit_application": "applied_on", "designate_activist": "activist_since",
            "designate_candidate": "candidate_since",
        },
    ),
    "probationary_member": ProcessStart(
        "development", "PROBATION", "admitted_on",
        acts={
            "submit_application": "applied_on", "designate_activist": "activist_since",
            "designate_candidate": "candidate_since", "hold_admission_meeting": "admitted_on",
        },
        data={"probation_start": "admitted_on", "probation_end": "probation_end"},
    ),
}  # fmt: skip


def probation_end(admitted_on: date, extended_to: date | None = None) -> date:
    """The last day of probation: the day before the anniversary of the meeting, or the extension."""
    return extended_to or add_months(admitted_on, 12) - timedelta(days=1)


def full_membership_day(admitted_on: date, extended_to: date | None = None) -> date:
    """转正: the day after probation ends (党龄 counts from it)."""
    return probation_end(admitted_on, extended_to) + timedelta(days=1)


def extension_bounds(admitted_on: date) -> tuple[date, date]:
    """An extended probation ends at least half a year and at most a year after the first end."""
    return add_months(admitted_on, 18) - timedelta(days=1), add_months(admitted_on, 24) - timedelta(days=1)


def facts(values: Mapping[str, Any]) -> dict[str, Any]:
    """A row's values and the dates derived from them, as `ProcessStart` fields name them."""
    found = dict(values)
    if values.get("admitted_on"):
        found["probation_end"] = probation_end(values["admitted_on"], values.get("probation_extended_to"))
    return found


def case_opening(start: ProcessStart, values: Mapping[str, Any]) -> tuple[date, dict[str, Any]] | None:
    """The day the case's state was entered and its data, or None when the row lacks that day."""
    known = facts(values)
    since = known.get(start.since)
    if not isinstance(since, date):
        return None
    data: dict[str, Any] = {a: {"on": known[f].isoformat()} for a, f in start.acts.items() if known.get(f)}
    data.update({k: known[f].isoformat() for k, f in start.data.items() if known.get(f)})
    return since, data
