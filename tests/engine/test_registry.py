"""Definition validation, the registry, and the JSON and Mermaid exports, on broken copies of EXAMPLE."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from engine.definitions import DocumentSpec, Due, DurationUnit, Span, State, TimerKind, TimerSpec, Workflow
from engine.errors import DefinitionError, NotFound
from engine.machine import SEPARATOR
from engine.registry import Registry, fingerprint, to_json, to_mermaid, validate
from tests.example_workflow import EXAMPLE

MONTH = Span(DurationUnit.CALENDAR_DAYS, 30)


def _with_state(workflow: Workflow, path: str, **changes: Any) -> Workflow:
    """A copy of `workflow` whose state at the dotted `path` has `changes` applied."""
    head, _, rest = path.partition(SEPARATOR)

    def rebuild(states: tuple[State, ...]) -> tuple[State, ...]:
        found = [s for s in states if s.name == head]
        assert found, f"no state {head!r} on the way to {path!r}"
        return tuple(
            (replace(s, **changes) if not rest else _replace_child(s, rest, changes)) if s.name == head else s
            for s in states
        )

    return replace(workflow, states=rebuild(workflow.states))


def _replace_child(state: State, path: str, changes: dict[str, Any]) -> State:
    head, _, rest = path.partition(SEPARATOR)
    assert any(c.name == head for c in state.children), f"{state.name} has no child {head!r}"
    children = tuple(
        (replace(c, **changes) if not rest else _replace_child(c, rest, changes)) if c.name == head else c
        for c in state.children
    )
    return replace(state, children=children)


def _state(workflow: Workflow, path: str) -> State:
    states, state = workflow.states, None
    for name in path.split(SEPARATOR):
        state = next(s for s in states if s.name == name)
        states = state.children
    assert state is not None
    return state


def _with_action(workflow: Workflow, name: str, **changes: Any) -> Workflow:
    workflow.action(name)  # a typo in a test must not silently change nothing
    actions = tuple(replace(a, **changes) if a.name == name else a for a in workflow.actions)
    return replace(workflow, actions=actions)


def _with_timer(workflow: Workflow, path: str, timer: str, **changes: Any) -> Workflow:
    timers = _state(workflow, path).timers
    assert any(t.name == timer for t in timers), f"{path} has no timer {timer!r}"
    return _with_state(
        workflow, path, timers=tuple(replace(t, **changes) if t.name == timer else t for t in timers)
    )


# -- validate ------------------------------------------------------------------------------


def test_the_example_workflow_validates_clean() -> None:
    assert validate(EXAMPLE) == []


def test_a_state_no_action_leads_to_is_reported_unreachable() -> None:
    orphan = replace(EXAMPLE, states=(*EXAMPLE.states, State("ARCHIVED", "已归档", final=True)))
    assert validate(orphan) == ["state 'ARCHIVED' is unreachable"]


def test_an_action_from_an_unknown_state_is_reported() -> None:
    broken = _with_action(EXAMPLE, "submit", source=("NOWHERE",))
    assert "action 'submit' starts from unknown state 'NOWHERE'" in validate(broken)


def test_an_action_to_an_unknown_state_is_reported() -> None:
    broken = _with_action(EXAMPLE, "approve", target="NOTICE.ELSEWHERE")
    assert "action 'approve' goes to unknown state 'NOTICE.ELSEWHERE'" in validate(broken)


def test_an_automatic_timer_without_an_action_is_reported() -> None:
    broken = _with_timer(EXAMPLE, "NOTICE.WORK.OPEN", "work_notice_ends", action=None)
    assert validate(broken) == ["timer 'work_notice_ends' of 'NOTICE.WORK.OPEN' has no target action"]


def test_an_automatic_timer_whose_action_does_not_start_from_the_timers_state_is_reported() -> None:
    broken = _with_timer(EXAMPLE, "NOTICE.WORK.OPEN", "work_notice_ends", action="finish_home_notice")
    assert validate(broken) == [
        "timer 'work_notice_ends' of 'NOTICE.WORK.OPEN' fires 'finish_home_notice', "
        "which does not start from 'NOTICE.WORK.OPEN'"
    ]


def test_a_recurring_timer_without_a_period_or_without_a_task_of_its_state_is_reported() -> None:
    expected = ["timer 'quarterly_contact_due' of 'MEETING' needs a period and a task of its state to reopen"]
    no_period = _with_timer(EXAMPLE, "MEETING", "quarterly_contact_due", every=None)
    no_task = _with_timer(EXAMPLE, "MEETING", "quarterly_contact_due", task=None)
    foreign_task = _with_timer(EXAMPLE, "MEETING", "quarterly_contact_due", task="prepare")  # DRAFT's task
    assert validate(no_period) == expected
    assert validate(no_task) == expected
    assert validate(foreign_task) == expected


def test_a_reminder_or_escalation_without_a_role_to_notify_is_reported() -> None:
    reminder = _with_timer(EXAMPLE, "DRAFT", "prepare_reminder", notify_role=None)
    escalation = _with_timer(EXAMPLE, "SUBMITTED", "approval_deadline", notify_role="")
    assert validate(reminder) == ["timer 'prepare_reminder' of 'DRAFT' has nobody to notify"]
    assert validate(escalation) == ["timer 'approval_deadline' of 'SUBMITTED' has nobody to notify"]


def test_a_rule_without_a_citation_is_reported() -> None:
    [vote] = EXAMPLE.action("hold_vote").rules
    broken = _with_action(EXAMPLE, "hold_vote", rules=(replace(vote, citation=""),))
    assert validate(broken) == ["rule 'vote_passed' of 'hold_vote' lacks a citation or message"]


def test_one_rule_name_used_for_two_different_rules_is_reported() -> None:
    [notice] = EXAMPLE.action("finish_work_notice").rules
    broken = _with_action(EXAMPLE, "finish_work_notice", rules=(replace(notice, message="另一条公示规则"),))
    assert validate(broken) == ["rule name 'notice_period_over' is used for two different rules"]


def test_one_rule_shared_by_two_actions_is_not_a_conflict() -> None:
    [notice] = EXAMPLE.action("finish_work_notice").rules
    assert EXAMPLE.action("finish_home_notice").rules == (notice,)  # the example does share it
    same_words = _with_action(EXAMPLE, "finish_work_notice", rules=(replace(notice),))  # equal, not identical
    assert validate(same_words) == []


def test_an_action_producing_an_unknown_document_kind_is_reported() -> None:
    broken = _with_action(EXAMPLE, "hold_vote", documents=("admission_notice", "no_such_notice"))
    assert validate(broken) == ["action 'hold_vote' produces unknown document 'no_such_notice'"]


def test_an_action_voiding_an_unknown_document_kind_is_reported() -> None:
    assert validate(_with_action(EXAMPLE, "hold_vote", voids=("admission_notice",))) == []
    broken = _with_action(EXAMPLE, "hold_vote", voids=("no_such_notice",))
    assert validate(broken) == ["action 'hold_vote' voids unknown document 'no_such_notice'"]


def test_a_document_whose_template_file_is_missing_is_reported_until_the_file_exists(tmp_path: Path) -> None:
    with_document = replace(
        _with_action(EXAMPLE, "hold_vote", documents=("admission_notice",)),
        documents=(DocumentSpec("admission_notice", "接收预备党员通知", "admission/notice.html"),),
    )
    assert validate(with_document) == []  # without a templates root nothing is looked up
    assert validate(with_document, tmp_path) == [
        "document 'admission_notice' has no template 'admission/notice.html'"
    ]
    (tmp_path / "admission").mkdir()
    (tmp_path / "admission" / "notice.html").write_text("<p>{{ case.id }}</p>", encoding="utf-8")
    assert validate(with_document, tmp_path) == []


def test_a_parallel_state_with_one_region_is_reported() -> None:
    home = _state(EXAMPLE, "NOTICE.HOME")
    one_region = _with_state(EXAMPLE, "NOTICE", children=(home,))
    broken = replace(
        one_region,
        actions=tuple(a for a in EXAMPLE.actions if a.name != "finish_work_notice"),
        main_path=tuple(n for n in EXAMPLE.main_path if n != "finish_work_notice"),
    )
    assert validate(broken) == ["parallel state 'NOTICE' needs at least two regions"]


def test_a_region_without_a_final_state_is_reported() -> None:
    broken = _with_state(EXAMPLE, "NOTICE.WORK.DONE", final=False)
    assert validate(broken) == ["region NOTICE.WORK has no final state to join on"]


def test_a_due_date_with_an_unknown_anchor_is_reported() -> None:
    [prepare] = _state(EXAMPLE, "DRAFT").tasks
    task = _with_state(EXAMPLE, "DRAFT", tasks=(replace(prepare, due=Due(MONTH, "event.no_such_action")),))
    timer = _with_timer(EXAMPLE, "DRAFT", "prepare_deadline", due=Due(MONTH, "signed"))
    assert validate(task) == ["'prepare' of 'DRAFT' has an unknown anchor 'event.no_such_action'"]
    assert validate(timer) == ["'prepare_deadline' of 'DRAFT' has an unknown anchor 'signed'"]


def test_data_anchors_and_event_anchors_of_known_actions_are_accepted() -> None:
    reminder = TimerSpec(
        "signed_reminder", TimerKind.REMINDER, Due(MONTH, "data.signed_on"), notify_role="caseworker"
    )
    escalation = TimerSpec(
        "submit_escalation", TimerKind.ESCALATION, Due(MONTH, "event.submit"), notify_role="caseworker"
    )
    assert validate(_with_state(EXAMPLE, "DRAFT", timers=(reminder, escalation))) == []


# -- the registry --------------------------------------------------------------------------


def test_adding_a_broken_workflow_raises_a_definition_error_listing_every_problem() -> None:
    broken = _with_action(
        _with_timer(EXAMPLE, "DRAFT", "prepare_reminder", notify_role=None),
        "submit",
        target="NOWHERE",
    )
    registry = Registry()
    with pytest.raises(DefinitionError) as refused:
        registry.add(broken)
    assert refused.value.problems == [
        "timer 'prepare_reminder' of 'DRAFT' has nobody to notify",
        "action 'submit' goes to unknown state 'NOWHERE'",
    ]
    assert "example 1" in refused.value.message
    with pytest.raises(NotFound):
        registry.get("example")


def test_the_registry_checks_templates_under_its_own_templates_root(tmp_path: Path) -> None:
    with_document = replace(
        _with_action(EXAMPLE, "hold_vote", documents=("admission_notice",)),
        documents=(DocumentSpec("admission_notice", "接收预备党员通知", "notice.html"),),
    )
    with pytest.raises(DefinitionError) as refused:
        Registry(templates_root=tmp_path).add(with_document)
    assert refused.value.problems == ["document 'admission_notice' has no template 'notice.html'"]


def test_the_registry_serves_the_current_version_unless_another_is_asked_for() -> None:
    registry = Registry()
    registry.add(EXAMPLE)
    registry.add(replace(EXAMPLE, version="2"), current=False)
    assert registry.get("example").version == "1"
    assert registry.get("example", "2").version == "2"
    assert [w.version for w in registry.workflows()] == ["1"]
    assert sorted(w.version for w in registry.all_versions()) == ["1", "2"]


# -- JSON and fingerprint ------------------------------------------------------------------


def test_to_json_carries_each_actions_fields_and_rules_with_their_citations() -> None:
    data = to_json(EXAMPLE)
    actions = {a["name"]: a for a in data["actions"]}
    assert list(actions) == [a.name for a in EXAMPLE.actions]
    for action in EXAMPLE.actions:
        exported = actions[action.name]
        assert (exported["label"], exported["source"], exported["target"]) == (
            action.label,
            list(action.source),
            action.target,
        )
        assert [f["name"] for f in exported["fields"]] == [f.name for f in action.fields]
        assert [(r["name"], r["citation"], r["message"]) for r in exported["rules"]] == [
            (r.name, r.citation, r.message) for r in action.rules
        ]
    vote = actions["hold_vote"]
    assert vote["fields"][0] == {
        "name": "voters_expected",
        "label": "应到有表决权的党员",
        "type": "integer",
        "required": True,
        "choices": [],
        "minimum": 1,
        "maximum": None,
        "max_length": 2000,
        "help": "",
    }
    assert vote["rules"] == [
        {"name": "vote_passed", "citation": "党章 第七条", "message": "表决未通过", "waivable": False}
    ]
    assert (vote["sets_data"], vote["subject_status"]) == ("probation_period", "probationary_member")
    assert actions["reject"]["requires_reason"] is True


def test_to_json_is_plain_json_that_round_trips() -> None:
    data = to_json(EXAMPLE)
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    notice = next(s for s in data["states"] if s["name"] == "NOTICE")
    assert (notice["parallel"], notice["join"]) == (True, "MEETING")
    [work_timer] = notice["children"][1]["children"][0]["timers"]
    assert work_timer["due"] == {
        "anchor": "event.approve",
        "unit": "working_days",
        "default": 5,
        "setting": "notice_period_working_days",
    }


def test_the_fingerprint_is_stable_and_changes_when_a_rule_message_changes() -> None:
    [notice] = EXAMPLE.action("finish_home_notice").rules
    reworded = replace(notice, message="公示期尚未届满")
    changed = _with_action(
        _with_action(EXAMPLE, "finish_home_notice", rules=(reworded,)),
        "finish_work_notice",
        rules=(reworded,),
    )
    assert fingerprint(EXAMPLE) == fingerprint(replace(EXAMPLE))
    assert len(fingerprint(EXAMPLE)) == 64
    assert fingerprint(changed) != fingerprint(EXAMPLE)


# -- Mermaid -------------------------------------------------------------------------------


def test_the_mermaid_diagram_shows_nested_parallel_states_with_their_chinese_labels_and_the_join() -> None:
    diagram = to_mermaid(EXAMPLE)
    lines = [line.strip() for line in diagram.splitlines()]
    assert diagram.startswith("stateDiagram-v2\n")
    assert lines[1] == "[*] --> DRAFT"
    assert lines.count("--") == 1  # the one separator between NOTICE's two regions
    assert 'state "两地公示" as NOTICE {' in lines
    assert 'state "公示中" as NOTICE__HOME__OPEN' in lines
    assert "NOTICE__HOME__DONE --> [*]" in lines
    assert "SUBMITTED --> NOTICE: 审批同意" in lines
    assert "MEETING --> REJECTED: 不予通过" in lines
    assert "NOTICE --> MEETING: 均已完成" in lines  # the join
    assert not any("提交思想汇报" in line for line in lines)  # a record-only act draws no edge
    assert not any(line.startswith("class ") for line in lines)


def test_the_mermaid_diagram_highlights_the_current_states() -> None:
    diagram = to_mermaid(EXAMPLE, current=["NOTICE.HOME.DONE", "NOTICE.WORK.OPEN"])
    lines = [line.strip() for line in diagram.splitlines()]
    assert lines[-3].startswith("classDef current ")
    assert lines[-2:] == ["class NOTICE__HOME__DONE current", "class NOTICE__WORK__OPEN current"]


def test_every_action_source_and_target_in_the_diagram_is_a_declared_state() -> None:
    diagram = to_mermaid(EXAMPLE)
    declared = {line.split(" as ")[1].rstrip(" {") for line in diagram.splitlines() if " as " in line}
    edges = [line.strip().split(":")[0].split(" --> ") for line in diagram.splitlines() if " --> " in line]
    ends = {end for edge in edges for end in edge} - {"[*]"}
    assert ends <= declared
