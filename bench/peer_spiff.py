"""The peer: the development process's usual path as a BPMN process run by SpiffWorkflow.

One user task per step of the usual path (the second half-year review is a task of its own), in
sequence from a start to an end event. A case is a `BpmnWorkflow`; after each step its whole state
is serialized with `BpmnWorkflowSerializer.serialize_json` and written to a table, and the next step
reads it back and deserializes it, as SpiffWorkflow's documentation describes for long-running
processes. Each step is one transaction: lock the row, deserialize, put the step's inputs in the
task's data, run the task and the engine steps, serialize, update. SpiffWorkflow checks no rules,
opens no tasks in queues and keeps no audit trail: this is what a general BPMN engine costs for the
same walk. A benchmark dependency only (`pip install -e '.[bench]'`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from itertools import pairwise
from typing import Any

from bench.floor import Floor
from bench.world import STEPS

NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
PROCESS = "development"
TABLE = "CREATE TABLE IF NOT EXISTS spiff_workflows (id {serial} PRIMARY KEY, subject_id integer, state text)"


def task_ids() -> list[str]:
    seen: dict[str, int] = {}
    ids = []
    for _day, action in STEPS:
        seen[action] = seen.get(action, 0) + 1
        ids.append(action if seen[action] == 1 else f"{action}_{seen[action]}")
    return ids


def bpmn() -> str:
    ids = task_ids()
    nodes = ["start", *ids, "end"]
    tasks = "".join(f'<userTask id="{t}" name="{t}"/>' for t in ids)
    flows = "".join(f'<sequenceFlow id="f{i}" sourceRef="{a}" targetRef="{b}"/>' for i, (a, b) in enumerate(pairwise(nodes)))  # fmt: skip
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><definitions xmlns="{NS}" id="d" targetNamespace="memberflow">'
        f'<process id="{PROCESS}" isExecutable="true"><startEvent id="start"/>{tasks}<endEvent id="end"/>{flows}'
        "</process></definitions>"
    )


class Peer:
    def __init__(self, dsn: str) -> None:
        from SpiffWorkflow.bpmn.parser import BpmnParser
        from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer

        parser = BpmnParser()
        parser.add_bpmn_str(bpmn().encode())
        self.spec = parser.get_spec(PROCESS)
        self.serializer = BpmnWorkflowSerializer()
        self.floor = Floor(dsn)
        self.floor.run(TABLE.format(serial="INTEGER" if self.floor.sqlite else "SERIAL"))
        self.floor.commit()

    def walk(self, subject_id: int, inputs: dict[str, dict[str, Any]]) -> int:
        """Start a workflow and complete every user task; returns the transitions (start included)."""
        from SpiffWorkflow.bpmn import BpmnWorkflow
        from SpiffWorkflow.util.task import TaskState

        floor = self.floor
        floor.begin()
        workflow = BpmnWorkflow(self.spec)
        workflow.do_engine_steps()
        row = floor.run(
            "INSERT INTO spiff_workflows (subject_id, state) VALUES (%s, %s) RETURNING id",
            (subject_id, self.serializer.serialize_json(workflow)),
        ).fetchone()
        floor.commit()
        for task_id in task_ids():
            floor.begin()
            state = floor.run(
                "SELECT state FROM spiff_workflows WHERE id = %s FOR UPDATE", (row[0],)
            ).fetchone()
            workflow = self.serializer.deserialize_json(state[0])
            task = next(t for t in workflow.get_tasks(state=TaskState.READY) if t.task_spec.name == task_id)
            task.data.update(inputs.get(task_id.split("_2")[0], {}))
            task.run()
            workflow.do_engine_steps()
            floor.run(
                "UPDATE spiff_workflows SET state = %s WHERE id = %s",
                (self.serializer.serialize_json(workflow), row[0]),
            )
            floor.commit()
        assert workflow.is_completed()
        return len(task_ids()) + 1


def walk_all(
    dsn: str,
    subjects: list[int],
    inputs: dict[str, dict[str, Any]],
    ready: Callable[[], object] = lambda: None,
) -> tuple[int, float, float]:
    peer = Peer(dsn)
    ready()
    started = time.time()
    done = sum(peer.walk(subject_id, inputs) for subject_id in subjects)
    ended = time.time()
    peer.floor.close()
    return done, started, ended
