"""Two writers on one case, and tampering with the audit chain — on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections import Counter

from sqlalchemy import select, text, update

from engine import audit
from engine.errors import Conflict
from engine.models import Event
from tests.engine.conftest import World


def _race(world: World, case_id: int) -> list[str]:
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def submit(summary: str) -> None:
        barrier.wait()
        try:
            world.engine.fire(case_id, "submit", world.caseworker, {"summary": summary}, expected_version=1)
            outcomes.append("won")
        except Conflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=submit, args=(s,)) for s in ("甲", "乙")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def test_two_sessions_firing_on_one_case_at_once_give_one_winner_and_one_conflict(world: World) -> None:
    case_ids = [world.open() for _ in range(10)]
    for case_id in case_ids:
        assert Counter(_race(world, case_id)) == {"won": 1, "conflict": 1}
    with world.engine.sessions() as s:
        for case_id in case_ids:
            seqs = list(s.scalars(select(Event.seq).where(Event.case_id == case_id).order_by(Event.seq)))
            assert seqs == [1, 2]
        assert audit.verify(s) == []


def test_editing_one_event_row_breaks_the_chain_at_that_event(world: World) -> None:
    case_id = world.open()
    world.engine.fire(case_id, "submit", world.caseworker, {"summary": "原文"}, expected_version=1)
    world.engine.fire(case_id, "approve", world.approver, expected_version=2)
    with world.engine.sessions.begin() as s:
        target = s.scalar(select(Event).where(Event.case_id == case_id, Event.seq == 2))
        assert target is not None
        s.execute(update(Event).where(Event.id == target.id).values(reason="事后补写"))
    with world.engine.sessions() as s:
        [problem] = audit.verify(s)
    assert (problem.case_id, problem.seq, problem.event_id) == (case_id, 2, target.id)
    assert "篡改" in problem.message


def test_deleting_the_last_event_is_reported_as_missing(world: World) -> None:
    case_id = world.open()
    world.engine.fire(case_id, "submit", world.caseworker, {"summary": "x"}, expected_version=1)
    with world.engine.sessions.begin() as s:
        s.execute(text("DELETE FROM events WHERE case_id = :c AND seq = 2"), {"c": case_id})
    with world.engine.sessions() as s:
        [problem] = audit.verify(s)
    assert problem.seq == 2 and "缺失" in problem.message
