"""The processes memberflow runs, one declarative module each, and the policy profiles they read."""

from __future__ import annotations

from engine.definitions import Workflow
from engine.policy import PolicyProfile
from workflows import assessment, development, disposition, mobile, transfer
from workflows.profiles import gansu_example, national

DEFINITIONS: tuple[Workflow, ...] = (
    development.DEFINITION,
    transfer.DEFINITION,
    mobile.DEFINITION,
    assessment.DEFINITION,
    disposition.DEFINITION,
)
PROFILES: tuple[PolicyProfile, ...] = (national.NATIONAL, gansu_example.GANSU_EXAMPLE)
