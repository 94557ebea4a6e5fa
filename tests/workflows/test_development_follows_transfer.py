"""A probationer's relation transferred with the real transfer workflow (条例 第二十五条): the development
case moves to the receiving branch at acceptance, in the same transaction, with its probation, its
clocks and its history; before acceptance it stays with the sending branch (细则 第三十五条)."""

from __future__ import annotations

from datetime import date

from engine.machine import leaves
from tests.workflows.conftest import World
from tests.workflows.development_steps import walk
from workflows import transfer

REQUEST = {"reason": "work_unit_change", "destination": "城关镇西街村党支部"}
LETTER = {"route": "within_county", "dues_paid_until": "2026-07-31"}


def test_a_probationers_development_case_moves_with_the_relation_at_acceptance_with_its_clocks(
    world: World,
) -> None:
    world.engine.registry.add(transfer.DEFINITION)
    world.at(date(2025, 3, 3))
    development = world.open()
    walk(world, development, until="apply_for_full_membership")  # admitted at the meeting of 2026-07-01
    before = world.case(development)
    timers = {(t.name, t.due_date) for t in world.timers(development) if t.status == "pending"}
    assert timers and world.open_tasks(development)
    world.at(date(2026, 9, 1))
    moving = world.engine.open_case(
        workflow="transfer",
        subject_id=world.people["applicant"].id,
        org_id=world.orgs["branch"].id,
        actor=world.caseworker,
        parties={"outflow_side": world.orgs["branch"].id, "inflow_side": world.orgs["west_branch"].id},
    ).case_id
    for action, actor, inputs in (
        ("submit_request", "caseworker", REQUEST),
        ("approve_request", "secretary", {}),
        ("issue_letter", "approver", LETTER),
        ("record_report_in", "west_caseworker", {}),
    ):
        world.fire(moving, action, actor, inputs)
        assert world.case(development).org_id == world.orgs["branch"].id, action  # not before acceptance
    world.at(date(2026, 9, 8))
    world.fire(moving, "accept_transfer", "approver")

    after = world.case(development)
    assert (after.org_id, world.person().org_id) == (world.orgs["west_branch"].id,) * 2
    assert leaves(after.state_detail) == leaves(before.state_detail) == ["PROBATION"]
    assert (after.entered, after.data["probation_end"]) == (before.entered, before.data["probation_end"])
    assert {(t.name, t.due_date) for t in world.timers(development) if t.status == "pending"} == timers
    assert {world.org_key(t.queue_org_id) for t in world.open_tasks(development)} <= {
        "west_branch",
        "township",
    }
    [move] = world.events(development, "move_case")
    assert move.reason == f"随组织关系转接（案件 {moving}）" and move.effective_date == date(2026, 9, 8)
    # the new branch goes on with the case: the probationer applies for full membership there
    world.at(date(2027, 6, 1))
    applied = world.fire(
        development, "apply_for_full_membership", "west_caseworker", {"application": "转正申请书"}
    )
    assert applied.state == "FULL_MEMBERSHIP_REVIEW"
