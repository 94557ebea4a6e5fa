"""The demo walks every transfer and mobile path to its end, and every state has a demo case."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine as DbEngine
from sqlalchemy import select

import api.demo
from api.bootstrap import Services
from api.demo import load_demo
from api.demo_scenarios import Scenarios, scenarios_for
from api.settings import Settings
from engine.calendar import WorkingCalendar
from engine.clock import FixedClock
from engine.db import make_sessions
from engine.machine import active_paths, state_paths
from engine.models import Base, Case, Event
from engine.registry import Registry
from engine.runtime import Engine
from tests.workflows.transfer_world import NATIONAL
from workflows import disposition, mobile, transfer


def test_every_demo_path_is_walked_to_its_end_and_every_state_has_a_case(
    db_engine: DbEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    grants = {(role, org) for _, _, held in api.demo.USERS for role, org, _ in held}
    if ("committee_approver", "园区工委") not in grants:  # the demo has nobody to approve there yet
        extra = ("yuanqu", "园区工委组织委员", (("committee_approver", "园区工委", True),))
        monkeypatch.setattr(api.demo, "USERS", (*api.demo.USERS, extra))
    ours = {transfer.DEFINITION.name, mobile.DEFINITION.name}  # the disposition demo is its owner's to test
    monkeypatch.setattr(
        api.demo, "scenarios_for", lambda w: scenarios_for(w) if w.name in ours else Scenarios(paths=[])
    )
    Base.metadata.create_all(db_engine)
    registry = Registry()
    registry.add_profile(NATIONAL)
    for definition in (transfer.DEFINITION, mobile.DEFINITION, disposition.DEFINITION):
        registry.add(definition)
    engine = Engine(
        make_sessions(db_engine), registry, FixedClock(date(2026, 11, 20)), lambda _s: WorkingCalendar()
    )
    load_demo(Services(Settings(), db_engine, engine, registry))
    with engine.sessions() as s:
        for workflow in (transfer.DEFINITION, mobile.DEFINITION):
            query = (
                select(Case)
                .where(Case.workflow == workflow.name, Case.opened_by.is_not(None))
                .order_by(Case.id)
            )
            cases = list(s.scalars(query))
            walked = [
                tuple(
                    s.scalars(
                        select(Event.action)
                        .where(Event.case_id == c.id, Event.kind == "action")
                        .order_by(Event.seq)
                    )
                )
                for c in cases
            ]
            assert walked == scenarios_for(workflow).paths
            seen = set().union(*(active_paths(c.state_detail) for c in cases))
            assert set(state_paths(workflow)) - seen == set(), workflow.name
