"""The queries behind the queue, case page and monthly report figures read the big tables by index.

A province-shaped data set at a fiftieth of the benchmark's size (`bench/pgdata.py`: 20,000 cases
with their events and open tasks under 100 townships of 10 branches, so a township holds about 1 %
of the cases, as at 1,000,000 cases under 30,101 organizations) is generated once. Each function the
benchmark times runs with a listener that keeps every SELECT it sends; each is then explained with
its own parameters, and no plan may read `cases`, `events`, `tasks` or `people` with a sequential
scan. The planner's choice is left alone (no `enable_seqscan`): statistics come from ANALYZE.

At this size the planner has little reason to scan; `make bench` runs the same check
(`bench.queue_query.check_plans`) at 1,000,000 cases, where a township's report once read the whole
cases table (fixed by `ix_cases_org_workflow`, migration 0009).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import Engine as DbEngine
from sqlalchemy import select

from api.development_report import development_report
from api.routes.cases import read_case
from bench.pgdata import NOW, Generated, generate
from bench.plans import offending
from bench.queue_query import workflow_engine
from engine.authz import Actor, Grant
from engine.db import make_sessions
from engine.models import Base, Case, Org
from engine.tasks import QueueFilter, queue
from tests.conftest import postgres_engine
from workflows import development


@pytest.fixture(scope="module")
def scaled() -> Iterator[tuple[DbEngine, Generated]]:
    for db in postgres_engine():
        Base.metadata.create_all(db)
        yield db, generate(db, 20_000, townships=100, branches=10)


def assert_index_only_reads(db: DbEngine, call: Callable[[], object]) -> None:
    sent, bad = offending(db, call)
    assert sent > 0
    assert not bad, "\n\n".join(bad)


def caseworker(org_id: int, subtree: bool) -> Actor:
    return Actor(1, None, "bench", (Grant("caseworker", org_id, subtree),))


@pytest.mark.postgres
def test_a_branch_queue_a_committee_subtree_queue_and_an_overdue_filter_read_tasks_by_index(
    scaled: tuple[DbEngine, Generated],
) -> None:
    db, data = scaled
    today = NOW.date()
    with make_sessions(db)() as s:
        for actor, filters in (
            (caseworker(data.orgs["branch"][0], False), QueueFilter(limit=50)),
            (caseworker(data.orgs["township"][0], True), QueueFilter(limit=50)),
            (caseworker(1, True), QueueFilter(limit=50)),
            (caseworker(data.orgs["township"][0], True), QueueFilter(overdue=True)),
        ):
            assert_index_only_reads(db, lambda a=actor, f=filters: queue(s, a, f, today))


@pytest.mark.postgres
def test_the_case_page_reads_its_case_events_tasks_and_timers_by_index(
    scaled: tuple[DbEngine, Generated],
) -> None:
    db, data = scaled
    case_id = next(i + 1 for i, k in enumerate(data.stage_of) if 12 <= k < 30)
    with make_sessions(db)() as s:
        owner = s.scalar(select(Case.org_id).where(Case.id == case_id))
    assert owner is not None
    engine = workflow_engine(db)
    assert_index_only_reads(db, lambda: read_case(engine, caseworker(owner, False), case_id))


@pytest.mark.postgres
def test_a_township_monthly_report_reads_only_its_cases_events_and_tasks_by_index(
    scaled: tuple[DbEngine, Generated],
) -> None:
    db, data = scaled
    with make_sessions(db)() as s:
        township = s.get(Org, data.orgs["township"][0])
        assert township is not None
        report = development_report(s, development.DEFINITION, township, "2026-05")
        assert report.total.stages[0].at_end > 0
        assert_index_only_reads(
            db, lambda: development_report(s, development.DEFINITION, township, "2026-05")
        )
