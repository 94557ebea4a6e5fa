"""The processes memberflow runs, one declarative module each, and the policy profiles they read."""

from __future__ import annotations

from engine.definitions import Workflow
from engine.policy import PolicyProfile

DEFINITIONS: tuple[Workflow, ...] = ()
PROFILES: tuple[PolicyProfile, ...] = ()
