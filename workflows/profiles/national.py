"""The national profile: every process's settings and the values national rules fix, by the day
they came into force.

Each area keeps its settings beside its workflow (`*_values` modules); this profile joins them. A
rule set holds every value in force from its date, so a step is judged by the texts of its day and
a regional profile is checked against each rule set (`engine.policy`).

The rule sets follow the texts that changed a value: 细则(2014) from 2014-06-10, the 条例 from
2019-05-06 (the transfer, mobile and disposition values), and 细则(2026) from 2026-05-11. Each
carries every value then in force, and its name says which texts those are, so an event's policy
label (`national@1/细则(2026)+条例(2019)`) names the texts that decided the step. The transfer,
mobile and disposition values are carried back to the 2014 set unchanged: their processes had no
other national numbers before 2019, and a rule set without them could not judge an older step.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from engine.policy import PolicyProfile, RuleSet, Setting
from workflows.profiles import development_values, disposition_values, transfer_values

AREAS = (transfer_values, disposition_values)

SETTINGS: tuple[Setting, ...] = development_values.SETTINGS + tuple(
    setting for area in AREAS for setting in area.SETTINGS
)
VALUES: dict[str, Any] = {key: value for area in AREAS for key, value in area.NATIONAL_VALUES.items()}

RULES_2014 = RuleSet("细则(2014)", date(2014, 6, 10), {**VALUES, **development_values.VALUES_2014})
RULES_2019 = RuleSet("细则(2014)+条例(2019)", date(2019, 5, 6), {**VALUES, **development_values.VALUES_2014})
RULES_2026 = RuleSet("细则(2026)+条例(2019)", date(2026, 5, 11), {**VALUES, **development_values.VALUES_2026})

NATIONAL = PolicyProfile(
    name="national",
    version="1",
    title="全国统一规定",
    settings=SETTINGS,
    rulesets=(RULES_2014, RULES_2019, RULES_2026),
)
