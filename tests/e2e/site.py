"""A demo site for browser tests and screenshots: the real server in a subprocess on a free port,
against a new SQLite database with the demo county and two prepared cases.

The cases are prepared with the engine before the server starts, as their caseworkers would have
done: a mobile member whose 双向通报 waits for the caseworker, and a relation transfer waiting for the
committee's approval.

The demo issues hundreds of documents; rendering them all would keep the single SQLite writer busy
for minutes. Their render jobs are set aside (the documents stay 生成中), so the worker is free for the
documents the tests themselves issue.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.bootstrap import bootstrap
from api.settings import Settings
from engine.authz import Actor, load_actor
from engine.documents import RENDER_TOPIC
from engine.models import Case, Org, Person, User
from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "demo2026"
STARTUP_SECONDS = 180
PR_SET_PDEATHSIG = 1


@dataclass
class Site:
    url: str
    database_url: str
    mobile_case: int
    mobile_subject: str
    transfer_case: int
    transfer_subject: str


def _open_jobs(database_url: str) -> int:
    """Outbox jobs not done yet, read with plain sqlite3 (a deferred read) so the worker never waits."""
    try:
        with closing(sqlite3.connect(database_url.removeprefix("sqlite:///"), timeout=5)) as conn:
            return int(conn.execute("select count(*) from outbox where done_at is null").fetchone()[0])
    except sqlite3.OperationalError:  # locked for longer than the timeout: still busy
        return -1


def _memberflow(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [str(ROOT / ".venv/bin/memberflow"), *args], env=env, cwd=ROOT, check=True, capture_output=True
    )


def _actor(session: Session, username: str) -> Actor:
    user_id = session.scalar(select(User.id).where(User.username == username))
    assert user_id is not None
    return load_actor(session, user_id)


def _free_member(session: Session, branch: str, taken: set[int]) -> Person:
    """A full member of the branch with no open case, not the demo member's own login."""
    busy = select(Case.subject_id).where(Case.closed.is_(False))
    linked = select(User.person_id).where(User.person_id.is_not(None))
    person = session.scalar(
        select(Person)
        .join(Org, Org.id == Person.org_id)
        .where(
            Org.short_name == branch,
            Person.status == "full_member",
            Person.mobile.is_(False),
            Person.id.not_in(busy),
            Person.id.not_in(linked),
            Person.id.not_in(taken or {0}),
        )
        .order_by(Person.id)
    )
    assert person is not None, f"no free full member in {branch}"
    return person


def _prepare_cases(settings: Settings) -> tuple[int, str, int, str]:
    services = bootstrap(settings)
    engine = services.engine
    today = engine.clock.today()
    with engine.sessions() as s:
        caseworker = _actor(s, "dongjie")
        mobile_person = _free_member(s, "东街社区党支部", set())
        transfer_person = _free_member(s, "东街社区党支部", {mobile_person.id})
        suzhou = s.scalar(select(Org.id).where(Org.short_name == "驻苏州流动党员党支部"))
        guangming = s.scalar(select(Org.id).where(Org.short_name == "光明村党支部"))
        org_id = mobile_person.org_id or 0
        people = (mobile_person.id, mobile_person.name, transfer_person.id, transfer_person.name)
    mobile = engine.open_case(
        workflow="mobile",
        subject_id=people[0],
        org_id=org_id,
        actor=caseworker,
        parties={"inflow_side": suzhou},
    )
    leaves_on = (today + timedelta(days=10)).isoformat()
    departure = {
        "destination": "江苏省苏州市工业园区",
        "employer": "苏州某电子科技有限公司",  # the notice template needs it (an optional field)
        "contact_phone": "13900001111",
        "expected_months": 12,
        "leaves_on": leaves_on,
    }
    version = engine.fire(
        mobile.case_id, "register_departure", caseworker, departure, expected_version=1
    ).version
    talk = {"talk_summary": "按时参加组织生活、交纳党费"}
    engine.fire(mobile.case_id, "hold_departure_talk", caseworker, talk, expected_version=version)
    transfer = engine.open_case(
        workflow="transfer",
        subject_id=people[2],
        org_id=org_id,
        actor=caseworker,
        parties={"inflow_side": guangming},
    )
    request = {"reason": "work_unit_change", "destination": "新坝镇光明村党支部"}
    version = engine.fire(transfer.case_id, "submit_request", caseworker, request, expected_version=1).version
    engine.fire(transfer.case_id, "approve_request", caseworker, {}, expected_version=version)
    services.db.dispose()
    return mobile.case_id, people[1], transfer.case_id, people[3]


def _wait_until_quiet(url: str, site_db: str, server: subprocess.Popen[bytes]) -> None:
    """Up, and the embedded worker done with the jobs the demo left (SQLite has one writer)."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("the server exited during start-up")
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    while time.monotonic() < deadline:
        if not _open_jobs(site_db):
            return
        time.sleep(0.5)
    raise RuntimeError("the server did not settle in time")


def _set_aside_demo_renders(database_url: str) -> None:
    with closing(sqlite3.connect(database_url.removeprefix("sqlite:///"))) as conn, conn:
        conn.execute(
            "update outbox set sent_at = created_at, done_at = created_at where topic = ? and done_at is null",
            (RENDER_TOPIC,),
        )


def _die_with_parent() -> None:
    """Linux: the server ends when the process that started it does, even when that one is killed."""
    with suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


@contextmanager
def running_site(data: Path) -> Iterator[Site]:
    """Load the demo into `data`, prepare the two cases, run the server until the block ends."""
    database_url = f"sqlite:///{data / 'memberflow.db'}"
    port = free_port()
    env = {
        **os.environ,
        "MEMBERFLOW_DATABASE_URL": database_url,
        "MEMBERFLOW_DATA_DIR": str(data),
        "MEMBERFLOW_PORT": str(port),
        "MEMBERFLOW_SWEEP_SECONDS": "3600",
        "MEMBERFLOW_LOG_LEVEL": "WARNING",
    }
    env.pop("MEMBERFLOW_FIXED_TODAY", None)
    _memberflow(env, "init")
    _memberflow(env, "demo")
    settings = Settings(database_url=database_url, data_dir=data)
    mobile_case, mobile_subject, transfer_case, transfer_subject = _prepare_cases(settings)
    _set_aside_demo_renders(database_url)
    log = (data / "server.log").open("wb")
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/memberflow"), "serve", "--with-worker"],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=log,
        preexec_fn=_die_with_parent,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_quiet(url, database_url, server)
        yield Site(url, database_url, mobile_case, mobile_subject, transfer_case, transfer_subject)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
