"""`memberflow backup` and `memberflow restore` round-trip a populated database on SQLite (online
backup API) and PostgreSQL (pg_dump/pg_restore): the same rows, the same hash chains, verify-audit passes."""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from api import jobs
from api.bootstrap import Services
from engine.authz import load_actor
from engine.db import make_engine
from engine.models import Base, Event, Outbox
from engine.timers import sweep
from tests.conftest import POSTGRES_URL
from tests.reliability.conftest import require_postgres
from tests.reliability.harness import ROOT, Population, prepare, record_figures, size

MEMBERFLOW = str(Path(sys.executable).parent / "memberflow")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_urls(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """Two empty databases of one kind: the live one and a fresh one to restore into."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'live.db'}", f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    require_postgres()
    names = [f"mf_rel_backup_{uuid.uuid4().hex[:8]}" for _ in range(2)]
    admin = make_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for name in names:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    base = POSTGRES_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{names[0]}", f"{base}/{names[1]}"
    finally:
        with admin.connect() as conn:
            for name in names:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _populate(services: Services, population: Population, acts: int) -> None:
    """Cases with notes and numbered notices, rendered documents, fired timers."""
    with services.engine.sessions() as s:
        actor = load_actor(s, population.caseworker_id)
    engine = services.engine
    for n in range(acts):
        person = population.person_ids[n % len(population.person_ids)]
        if n < len(population.person_ids):
            engine.open_case(
                workflow="reliability", subject_id=person, org_id=population.branch_id, actor=actor
            )
        case_id = n % len(population.person_ids) + 1
        action = "issue" if n % 10 == 0 else "note"
        engine.fire(
            case_id, action, actor, {"text": f"第{n}件"}, expected_version=_version(services, case_id)
        )
    sweep(engine)
    with services.engine.sessions() as s:
        job_ids = list(s.scalars(select(Outbox.id).where(Outbox.done_at.is_(None))))
    for job_id in job_ids:
        jobs.run_outbox_job(services, job_id)


def _snapshot(url: str) -> tuple[dict[str, int], list[str]]:
    """Rows per table, and every event hash in order."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            counts = {
                t.name: int(conn.scalar(select(func.count()).select_from(t)) or 0)
                for t in Base.metadata.sorted_tables
            }
            hashes = list(conn.scalars(select(Event.hash).order_by(Event.id)))
    finally:
        engine.dispose()
    return counts, hashes


def _memberflow(url: str, data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(ROOT),  # this checkout's code
        "MEMBERFLOW_DATABASE_URL": url,
        "MEMBERFLOW_DATA_DIR": str(data_dir),
    }
    done = subprocess.run(
        [MEMBERFLOW, *args], env=env, capture_output=True, text=True, check=False, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return done


def test_backup_and_restore_round_trip_a_populated_database(
    database_urls: tuple[str, str], tmp_path: Path
) -> None:
    live, fresh = database_urls
    data_dir = tmp_path / "var"
    services, population = prepare(live, data_dir, people=size(20, 200))
    _populate(services, population, acts=size(50, 2000))
    before = _snapshot(live)
    backup = tmp_path / "memberflow.backup"
    _memberflow(live, data_dir, "backup", str(backup))

    with services.engine.sessions() as s:  # work done after the backup, which the restore takes back
        actor = load_actor(s, population.caseworker_id)
    services.engine.fire(1, "note", actor, {"text": "备份之后"}, expected_version=_version(services, 1))
    services.db.dispose()
    assert _snapshot(live) != before

    _memberflow(live, data_dir, "restore", "--yes", str(backup))
    after = _snapshot(live)
    _memberflow(fresh, data_dir, "init")  # a new machine: an empty, migrated database
    _memberflow(fresh, data_dir, "restore", "--yes", str(backup))
    elsewhere = _snapshot(fresh)
    verified = [_memberflow(url, data_dir, "verify-audit").stdout.strip() for url in (live, fresh)]
    assert after == before and elsewhere == before
    assert verified == ["audit chain intact"] * 2
    record_figures(
        f"backup and restore ({live.split(':')[0].split('+')[0]})",
        {
            "backup_bytes": backup.stat().st_size,
            "rows": sum(before[0].values()),
            "events": before[0]["events"],
            "documents": before[0]["documents"],
            "rows_differing_after_restore": sum(abs(after[0][t] - before[0][t]) for t in before[0]),
            "rows_differing_in_fresh_database": sum(abs(elsewhere[0][t] - before[0][t]) for t in before[0]),
            "event_hashes_equal": after[1] == before[1] == elsewhere[1],
            "verify_audit": verified[0],
        },
    )


def _version(services: Services, case_id: int) -> int:
    with services.engine.sessions() as s:
        return int(s.scalar(select(func.max(Event.seq)).where(Event.case_id == case_id)) or 0)


def test_restore_refuses_a_file_that_is_not_a_backup_of_that_kind_and_changes_nothing(tmp_path: Path) -> None:
    from api.backup import backup, restore

    live = f"sqlite:///{tmp_path / 'live.db'}"
    services, _population = prepare(live, tmp_path / "var", people=2)
    services.db.dispose()
    before = _snapshot(live)
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("这不是备份文件", encoding="utf-8")
    with pytest.raises(ValueError, match="not a SQLite backup"):
        restore(live, not_a_backup)
    with pytest.raises(ValueError, match="not a pg_dump"):
        restore("postgresql+psycopg://postgres@127.0.0.1:1/none", not_a_backup)
    with pytest.raises(ValueError, match="in-memory"):
        backup("sqlite://", tmp_path / "memory.backup")
    assert _snapshot(live) == before
