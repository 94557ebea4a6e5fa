"""Which queries a call sends, and whether any of their plans reads a big table sequentially.

Used by `tests/integration/test_query_plans.py` on a small generated data set and by `bench.run` on
the full one: every SELECT a function sends is kept by a listener, then explained with its own
parameters, the planner left to its own choice.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine as DbEngine
from sqlalchemy import event

BIG_TABLES = frozenset({"cases", "events", "tasks", "people"})


def selects_of(db: DbEngine, call: Callable[[], object]) -> list[tuple[str, Any]]:
    sent: list[tuple[str, Any]] = []

    def keep(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            sent.append((statement, parameters))

    event.listen(db, "before_cursor_execute", keep)
    try:
        call()
    finally:
        event.remove(db, "before_cursor_execute", keep)
    return sent


def sequential_scans(plan: dict[str, Any]) -> list[str]:
    found = []
    if plan.get("Node Type") == "Seq Scan" and plan.get("Relation Name") in BIG_TABLES:
        found.append(str(plan["Relation Name"]))
    for child in plan.get("Plans", []):
        found += sequential_scans(child)
    return found


def offending(db: DbEngine, call: Callable[[], object]) -> tuple[int, list[str]]:
    """How many SELECTs `call` sent, and each one whose plan scans a big table sequentially (with
    the plan)."""
    sent = selects_of(db, call)
    bad = []
    with db.connect() as conn:
        for statement, parameters in sent:
            result = conn.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {statement}", parameters).scalar_one()
            plan = (result if isinstance(result, list) else json.loads(result))[0]["Plan"]
            if sequential_scans(plan):
                bad.append(f"{statement}\n{json.dumps(plan, indent=1)}")
    return len(sent), bad
