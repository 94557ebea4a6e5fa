"""Integration tests reuse the engine tests' example world."""

from tests.engine.conftest import world

__all__ = ["world"]
