"""An example regional profile: a province that adds to the national development rules.

Many provinces publish their own 实施细则 on top of the national one. This example (the values are
illustrative, not a transcription of a real provincial text) adds two [LOCAL] requirements: a 公示
of seven working days instead of five, and at least six months between the application and the
choice of an 入党积极分子. Both are stricter than every national rule set, so the profile loads; a
profile that shortened the 公示 below five working days would be refused (`engine.policy`).
"""

from __future__ import annotations

from engine.policy import PolicyProfile
from workflows.profiles.national import NATIONAL, SETTINGS

GANSU_EXAMPLE = PolicyProfile(
    name="gansu-example",
    version="1",
    title="甘肃省补充规定（示例）",
    settings=SETTINGS,
    rulesets=NATIONAL.rulesets,
    additions={
        "candidate_notice_working_days": 7,
        "activist_min_months_after_application": 6,
    },
)
