"""The national profile: every process's settings and the values national rules fix, by the day
they came into force.

Each area keeps its settings beside its workflow (`*_values` modules); this profile joins them. A
rule set holds every value in force from its date, so a step is judged by the texts of its day and
a regional profile is checked against each rule set (`engine.policy`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from engine.policy import PolicyProfile, RuleSet, Setting
from workflows.profiles import disposition_values, transfer_values

AREAS = (transfer_values, disposition_values)

SETTINGS: tuple[Setting, ...] = tuple(setting for area in AREAS for setting in area.SETTINGS)
VALUES: dict[str, Any] = {key: value for area in AREAS for key, value in area.NATIONAL_VALUES.items()}

NATIONAL = PolicyProfile(
    name="national",
    version="1",
    title="全国统一规定",
    settings=SETTINGS,
    rulesets=(RuleSet("全国规定(2019)", date(2019, 5, 6), VALUES),),
)
