"""Queues, claiming, assigning, delegating, substitutes, and bulk actions with a dry run."""

from __future__ import annotations

from datetime import date
from functools import partial

import pytest

from engine import tasks
from engine.bulk import bulk_fire, bulk_tasks
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.models import Case
from engine.tasks import QueueFilter
from tests.engine.conftest import World

TODAY = date(2026, 3, 2)


def _queue(world: World, actor_name: str, **filters: object) -> list[tasks.QueueItem]:
    with world.engine.sessions() as s:
        return tasks.queue(s, getattr(world, actor_name), QueueFilter(**filters), world.clock.today())  # type: ignore[arg-type]


def _submitted(world: World, n: int) -> list[int]:
    ids = [world.open() for _ in range(n)]
    for case_id in ids:
        world.engine.fire(case_id, "submit", world.caseworker, {"summary": "x"}, expected_version=1)
    return ids


def test_a_queue_lists_the_open_tasks_its_grants_cover_soonest_due_first(world: World) -> None:
    first = world.open()
    world.clock.set(date(2026, 3, 5))
    second = world.open()
    mine = _queue(world, "caseworker")
    assert [(i.case_id, i.task.name, i.task.due_date) for i in mine] == [
        (first, "prepare", date(2026, 4, 1)),
        (second, "prepare", date(2026, 4, 4)),
    ]
    assert _queue(world, "outsider") == []
    assert _queue(world, "approver") == []  # a different role's queue


def test_a_subtree_grant_sees_the_queues_below_and_filters_narrow_them(world: World) -> None:
    _submitted(world, 2)
    assert len(_queue(world, "approver")) == 2  # approve tasks sit at the township
    assert len(_queue(world, "approver", org_id=world.county.id)) == 2
    assert _queue(world, "approver", org_id=world.other_branch.id) == []
    assert _queue(world, "approver", workflow="other") == []
    assert len(_queue(world, "approver", state="SUBMITTED")) == 2
    world.clock.set(date(2026, 5, 1))
    assert _queue(world, "caseworker", overdue=True) == []  # their prepare tasks closed on submit


def test_overdue_tasks_are_flagged(world: World) -> None:
    world.open()
    world.clock.set(date(2026, 4, 2))
    [item] = _queue(world, "caseworker", overdue=True)
    assert item.overdue


def test_a_task_is_claimed_once_released_and_claimable_again(world: World) -> None:
    world.open()
    [item] = _queue(world, "caseworker")
    with world.engine.sessions.begin() as s:
        tasks.claim(s, world.caseworker, item.task.id, world.clock.now(), TODAY)
    with pytest.raises(Conflict), world.engine.sessions.begin() as s:
        tasks.claim(s, world.member, item.task.id, world.clock.now(), TODAY)
    with pytest.raises(Forbidden), world.engine.sessions.begin() as s:
        tasks.release(s, world.member, item.task.id)
    with world.engine.sessions.begin() as s:
        tasks.release(s, world.caseworker, item.task.id)
        tasks.claim(s, world.member, item.task.id, world.clock.now(), TODAY)
    assert _queue(world, "caseworker", assignee_id=world.member.user_id)[0].task.id == item.task.id


def test_nobody_claims_a_task_outside_their_queues(world: World) -> None:
    world.open()
    [item] = _queue(world, "caseworker")
    with pytest.raises(NotFound), world.engine.sessions.begin() as s:
        tasks.claim(s, world.outsider, item.task.id, world.clock.now(), TODAY)


def test_a_secretary_assigns_to_an_eligible_user_and_the_assignee_may_delegate(world: World) -> None:
    world.open()
    [item] = _queue(world, "caseworker")
    with world.engine.sessions.begin() as s:
        tasks.assign(
            s, world.secretary, item.task.id, world.caseworker.user_id or 0, world.clock.now(), TODAY
        )
    with pytest.raises(InvalidInput) as refused, world.engine.sessions.begin() as s:
        tasks.delegate(
            s, world.caseworker, item.task.id, world.outsider.user_id or 0, world.clock.now(), TODAY
        )
    assert refused.value.errors == {"user_id": "该用户不能办理此队列的任务"}
    with world.engine.sessions.begin() as s:
        task = tasks.delegate(
            s, world.caseworker, item.task.id, world.member.user_id or 0, world.clock.now(), TODAY
        )
        assert task.assignee_id == world.member.user_id
    with pytest.raises(Forbidden), world.engine.sessions.begin() as s:
        tasks.assign(
            s, world.caseworker, item.task.id, world.caseworker.user_id or 0, world.clock.now(), TODAY
        )


def test_a_substitute_works_the_absent_users_queue_only_during_the_period(world: World) -> None:
    _submitted(world, 1)
    with world.engine.sessions.begin() as s:
        tasks.name_substitute(
            s, world.approver, world.outsider.user_id or 0, date(2026, 3, 2), date(2026, 3, 10), "外出学习"
        )
    assert [i.task.name for i in _queue(world, "outsider")] == ["approve"]
    world.clock.set(date(2026, 3, 11))
    assert _queue(world, "outsider") == []
    with pytest.raises(InvalidInput), world.engine.sessions.begin() as s:
        tasks.name_substitute(s, world.approver, world.approver.user_id or 0, TODAY, TODAY, "")


def test_a_bulk_action_dry_run_lists_what_would_happen_and_changes_nothing(world: World) -> None:
    ready = _submitted(world, 2)
    fresh = world.open()
    targets = [(ready[0], 2), (ready[1], 2), (fresh, 1)]
    dry = bulk_fire(world.engine, targets, "approve", world.approver, {}, dry_run=True)
    assert [(o.target, o.ok, o.code) for o in dry] == [
        (ready[0], True, "ok"),
        (ready[1], True, "ok"),
        (fresh, False, "action_not_available"),
    ]
    with world.engine.sessions() as s:
        assert {s.get(Case, c).state for c in ready} == {"SUBMITTED"}  # type: ignore[union-attr]
    done = bulk_fire(world.engine, targets, "approve", world.approver, {}, dry_run=False)
    assert [o.ok for o in done] == [True, True, False]
    with world.engine.sessions() as s:
        assert {s.get(Case, c).state for c in ready} == {"NOTICE"}  # type: ignore[union-attr]


def test_a_bulk_action_reports_each_refusal_with_its_rules(world: World) -> None:
    [case_id] = _submitted(world, 1)
    world.engine.fire(case_id, "approve", world.approver, expected_version=2)
    [outcome] = bulk_fire(
        world.engine, [(case_id, 3)], "finish_home_notice", world.home_caseworker, {}, dry_run=True
    )
    assert (outcome.ok, outcome.code, outcome.unmet[0].earliest) == (False, "rule_refused", date(2026, 3, 9))
    [stale] = bulk_fire(
        world.engine, [(case_id, 2)], "finish_home_notice", world.home_caseworker, {}, dry_run=True
    )
    assert stale.code == "conflict"


def test_bulk_claim_dry_run_then_for_real(world: World) -> None:
    for _ in range(3):
        world.open()
    ids = [i.task.id for i in _queue(world, "caseworker")]
    claim = partial(_claim_as, world)
    assert all(o.ok for o in bulk_tasks(world.engine, ids, claim, dry_run=True))
    assert _queue(world, "caseworker", unassigned=True) != []
    assert all(o.ok for o in bulk_tasks(world.engine, ids, claim, dry_run=False))
    assert _queue(world, "caseworker", unassigned=True) == []
    assert [o.code for o in bulk_tasks(world.engine, ids, claim, dry_run=True)] == ["conflict"] * 3


def _claim_as(world: World, session: object, task_id: int) -> object:
    return tasks.claim(session, world.caseworker, task_id, world.clock.now(), world.clock.today())  # type: ignore[arg-type]
