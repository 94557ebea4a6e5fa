"""The demo walks every path of the transfer, mobile and development workflows to its end, every
state has a demo case, nothing happens after today, and every act is done by a demo user who holds
the right (none by the system)."""

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
from engine.definitions import Workflow
from engine.machine import active_paths, state_paths
from engine.models import Base, Case, CaseParty, Event
from engine.registry import Registry
from engine.runtime import Engine
from workflows import development, disposition, mobile, transfer
from workflows.profiles.national import NATIONAL

TODAY = date(2026, 11, 20)


def _load(db_engine: DbEngine, monkeypatch: pytest.MonkeyPatch, walked: tuple[Workflow, ...]) -> Engine:
    """The demo with only `walked`'s paths (the others' demos are their owners' to test)."""
    ours = {w.name for w in walked}
    monkeypatch.setattr(
        api.demo, "scenarios_for", lambda w: scenarios_for(w) if w.name in ours else Scenarios(paths=[])
    )
    Base.metadata.create_all(db_engine)
    registry = Registry()
    registry.add_profile(NATIONAL)
    opened = (disposition.DEFINITION, transfer.DEFINITION)  # the cases mobile members' paths open
    for definition in {w.name: w for w in (*walked, *opened)}.values():
        registry.add(definition)
    engine = Engine(make_sessions(db_engine), registry, FixedClock(TODAY), lambda _s: WorkingCalendar())
    load_demo(Services(Settings(), db_engine, engine, registry))
    return engine


@pytest.mark.parametrize(
    "walked",
    [(transfer.DEFINITION, mobile.DEFINITION), (development.DEFINITION,)],
    ids=["transfer+mobile", "development"],
)
def test_every_demo_path_is_walked_to_its_end_and_every_state_has_a_case(
    db_engine: DbEngine, monkeypatch: pytest.MonkeyPatch, walked: tuple[Workflow, ...]
) -> None:
    engine = _load(db_engine, monkeypatch, walked)
    with engine.sessions() as s:
        for workflow in walked:
            query = select(Case).where(Case.workflow == workflow.name, Case.opened_by.is_not(None))
            cases = list(s.scalars(query.order_by(Case.id)))
            taken = [
                tuple(
                    s.scalars(
                        select(Event.action)
                        .where(Event.case_id == c.id, Event.kind == "action")
                        .order_by(Event.seq)
                    )
                )
                for c in cases
            ]
            assert taken == [p.steps for p in scenarios_for(workflow).paths]
            seen = set().union(*(active_paths(c.state_detail) for c in cases))
            assert set(state_paths(workflow)) - seen == set(), workflow.name
        names = [w.name for w in walked]
        acts = select(Event).join(Case).where(Case.workflow.in_(names), Event.kind == "action")
        assert max(e.effective_date for e in s.scalars(acts)) <= TODAY
        inflow = select(CaseParty).join(Case).where(Case.workflow.in_(names), CaseParty.role == "inflow_side")
        assert all(p.org_id != p.case.org_id for p in s.scalars(inflow))  # never a case with itself
        assert [e.action for e in s.scalars(acts.where(Event.actor_user_id.is_(None)))] == []


def test_a_demo_development_case_in_two_places_names_the_home_branch_and_the_branch_away(
    db_engine: DbEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = _load(db_engine, monkeypatch, (development.DEFINITION,))
    with engine.sessions() as s:
        sides: dict[int, dict[str, int]] = {}
        for party in s.scalars(select(CaseParty).join(Case).where(Case.workflow == "development")):
            sides.setdefault(party.case_id, {})[party.role] = party.org_id
        assert len(sides) == sum(1 for p in scenarios_for(development.DEFINITION).paths if p.parties)
        for case_id, roles in sides.items():
            case = s.get(Case, case_id)
            assert case is not None and roles["outflow_side"] == case.org_id != roles["inflow_side"]
