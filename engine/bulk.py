"""Bulk work with a dry run first: the same action on many cases, or the same task operation on many
tasks. A dry run does every step for real inside a transaction and rolls it back, so what it says
would happen is exactly what would happen (barring someone acting in between)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from engine.authz import Actor
from engine.errors import Conflict, EngineError, InvalidInput, RuleRefusal, UnmetRule
from engine.runtime import Engine


@dataclass(frozen=True)
class BulkOutcome:
    target: int
    ok: bool
    code: str = "ok"
    message: str = ""
    unmet: list[UnmetRule] = field(default_factory=list)


def bulk_fire(
    engine: Engine,
    targets: Sequence[tuple[int, int]],
    action: str,
    actor: Actor,
    inputs: Mapping[str, Any],
    *,
    dry_run: bool,
    reason: str = "",
) -> list[BulkOutcome]:
    """Fire `action` on each (case_id, expected_version); each case is its own transaction."""

    def one(case_id: int, version: int, session: Session) -> None:
        engine.fire_in(session, case_id, action, actor, inputs, expected_version=version, reason=reason)

    return [_attempt(engine, case_id, partial(one, case_id, v), dry_run) for case_id, v in targets]


def bulk_tasks(
    engine: Engine, task_ids: Sequence[int], operation: Callable[[Session, int], object], *, dry_run: bool
) -> list[BulkOutcome]:
    """Apply a task operation (claim, assign, …) to each task, each in its own transaction."""

    def one(task_id: int, session: Session) -> None:
        operation(session, task_id)

    return [_attempt(engine, task_id, partial(one, task_id), dry_run) for task_id in task_ids]


def _attempt(engine: Engine, target: int, work: Callable[[Session], object], dry_run: bool) -> BulkOutcome:
    with engine.sessions() as session:
        try:
            session.begin()
            work(session)
            session.flush()
            if dry_run:
                session.rollback()
            else:
                session.commit()
        except RuleRefusal as exc:
            return BulkOutcome(target, False, exc.code, exc.message, exc.unmet)
        except InvalidInput as exc:
            return BulkOutcome(target, False, exc.code, "；".join(f"{k}：{v}" for k, v in exc.errors.items()))
        except EngineError as exc:
            return BulkOutcome(target, False, exc.code, exc.message)
        except (StaleDataError, IntegrityError):
            return BulkOutcome(target, False, Conflict.code, "已被他人更新，请刷新后重试")
    return BulkOutcome(target, True, message="可以办理" if dry_run else "已办理")
