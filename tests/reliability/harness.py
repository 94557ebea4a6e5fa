"""What the reliability runs share: real server and worker processes, a private PostgreSQL, the
organizations and users the load needs, an HTTP client that records what it saw, and the figures.

`MEMBERFLOW_SOAK=1` (`make soak`) runs every scenario at full size; `make test` runs them bounded.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text

from api.bootstrap import Services, bootstrap
from api.cli import migrate_database
from api.security import make_auth
from api.settings import Settings
from engine.identity import check_digit
from engine.models import Org, Person, RoleGrant, User
from engine.versions import record_definitions
from tests.conftest import POSTGRES_URL, free_port
from tests.reliability.load_workflow import RELIABILITY

ROOT = Path(__file__).resolve().parents[2]
SOAK = os.environ.get("MEMBERFLOW_SOAK") == "1"
REPORT = Path(os.environ.get("MEMBERFLOW_RELIABILITY_REPORT", ROOT / "var" / "reliability-figures.jsonl"))
PG_BIN = Path("/usr/lib/postgresql/15/bin")


def size(bounded: int, soak: int) -> int:
    return soak if SOAK else bounded


def wait_until(check: Callable[[], bool], seconds: float, what: str, every: float = 0.2) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except Exception:  # the thing waited for is not up yet
            pass
        time.sleep(every)
    raise AssertionError(f"timed out after {seconds}s waiting for {what}")


def record_figures(scenario: str, figures: dict[str, Any]) -> None:
    """Print a scenario's figures and append them to the report docs/reliability.md is written from."""
    line = {"scenario": scenario, "soak": SOAK, "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    line.update(figures)
    print(f"\nFIGURES {json.dumps(line, ensure_ascii=False)}")
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    with REPORT.open("a", encoding="utf-8") as out:
        out.write(json.dumps(line, ensure_ascii=False) + "\n")


# -- databases ---------------------------------------------------------------------------------


@contextmanager
def shared_postgres_schema() -> Iterator[str]:
    """A URL to a fresh schema on the shared server (dropped afterwards)."""
    from engine.db import make_engine

    schema = f"mf_rel_{uuid.uuid4().hex[:10]}"
    admin = make_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield POSTGRES_URL + f"?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


class PrivatePostgres:
    """A PostgreSQL cluster of the test's own on a free port, so stopping it disturbs nobody else.

    initdb refuses to run as root: the cluster then belongs to the `postgres` system user.
    """

    def __init__(self) -> None:
        self.port = free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="mf-pg-"))
        self.data = self.directory / "data"
        self.log = self.directory / "server.log"
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
            self.as_user = ["runuser", "-u", "postgres", "--"]

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        subprocess.run([*self.as_user, *args], check=True, capture_output=True, timeout=120)

    def init(self) -> None:
        self._run(
            str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8"
        )
        self.start()

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.directory}"
        options += " -c fsync=off -c max_connections=200"
        self._run(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start"
        )

    def stop(self) -> None:
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def destroy(self) -> None:
        with suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


# -- the organizations, people and users of a run ---------------------------------------------


@dataclass
class Population:
    branch_id: int
    caseworker_id: int
    person_ids: list[int]
    token: str

    def headers(self, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", **extra}


def prepare(
    database_url: str, data_dir: Path, people: int, *, department: bool = False
) -> tuple[Services, Population]:
    """Migrate the database, record the definitions, and add a county, a branch, a caseworker and
    `people` people (one case each); with `department`, the caseworker also works for the county's
    organization department (imports)."""
    services = bootstrap(Settings(database_url=database_url, data_dir=data_dir))
    services.registry.add(RELIABILITY)
    migrate_database(services)
    with services.engine.sessions.begin() as s:
        record_definitions(s, services.registry)
        county = Org(name="中共测试县委员会", kind="committee", can_approve_admission=True)
        s.add(county)
        s.flush()
        county.path = f"/{county.id}/"
        branch = Org(name="测试县城关村党支部", kind="branch", parent_id=county.id)
        s.add(branch)
        s.flush()
        branch.path = f"{county.path}{branch.id}/"
        user = User(username="jingban", display_name="经办人", password_hash="x")
        s.add(user)
        s.flush()
        s.add(RoleGrant(user_id=user.id, role="caseworker", org_id=branch.id, subtree=False))
        if department:
            s.add(RoleGrant(user_id=user.id, role="organization_department", org_id=county.id, subtree=True))
        persons = [_person(i, branch.id) for i in range(people)]
        s.add_all(persons)
        s.flush()
        population = Population(branch.id, user.id, [p.id for p in persons], "")
    auth = make_auth(services)
    population.token = auth.create_token(
        identifier=str(population.caseworker_id), token_expiration=timedelta(hours=6)
    )
    return services, population


def _person(i: int, org_id: int) -> Person:
    """A person with a valid fictional 身份证号 (region 620724, born 1990 onwards)."""
    born = date(1990, 1, 1) + timedelta(days=i)
    first17 = f"620724{born:%Y%m%d}{(i % 500) * 2 + 1:03d}"
    sex = "男"
    return Person(
        name=f"测试{i:05d}", sex=sex, birth_date=born, id_number=first17 + check_digit(first17), org_id=org_id
    )


# -- processes ---------------------------------------------------------------------------------


@dataclass
class Process:
    """One real process (server or worker) whose output goes to a log file; killed by pid only."""

    role: str
    env: dict[str, str]
    log_path: Path
    popen: subprocess.Popen[bytes] | None = None
    starts: int = 0

    def start(self) -> None:
        log = self.log_path.open("ab")
        command = [sys.executable, "-m", "tests.reliability.processes", self.role]
        self.popen = subprocess.Popen(command, env=self.env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
        log.close()
        self.starts += 1

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.popen and self.popen.poll() is None:
            self.popen.send_signal(sig)
            try:
                self.popen.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()

    @property
    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None


@dataclass
class Stack:
    """An API server and its workers on one database and one broker."""

    database_url: str
    data_dir: Path
    broker_url: str = "stub"
    workers: int = 1
    extra_env: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    server: Process = field(init=False)
    worker_processes: list[Process] = field(init=False)

    def __post_init__(self) -> None:
        env = {
            **os.environ,
            "MEMBERFLOW_DATABASE_URL": self.database_url,
            "MEMBERFLOW_DATA_DIR": str(self.data_dir),
            "MEMBERFLOW_BROKER_URL": self.broker_url,
            "MEMBERFLOW_QUEUE": f"mf-rel-{uuid.uuid4().hex[:8]}",
            "MEMBERFLOW_PORT": str(self.port),
            "MEMBERFLOW_HOST": "127.0.0.1",
            "MEMBERFLOW_SWEEP_SECONDS": "1",
            "MEMBERFLOW_LOG_LEVEL": "INFO",
            "PYTHONPATH": str(ROOT),  # this checkout's code, also for the `memberflow` command
            **self.extra_env,
        }
        self.server = Process("serve", env, self.data_dir / "server.log")
        self.worker_processes = [
            Process("worker", env, self.data_dir / f"worker-{i}.log") for i in range(self.workers)
        ]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start_server(self) -> None:
        self.server.start()
        wait_until(lambda: httpx.get(f"{self.url}/health", timeout=1).status_code == 200, 60, "the server")

    def start_workers(self) -> None:
        for worker in self.worker_processes:
            worker.start()

    def start(self) -> Stack:
        self.start_server()
        self.start_workers()
        return self

    def stop(self) -> None:
        for process in [self.server, *self.worker_processes]:
            process.kill(signal.SIGTERM)
        if self.broker_url.startswith("amqp://"):
            _delete_rabbitmq_queues(self.broker_url, self.server.env["MEMBERFLOW_QUEUE"])


def _delete_rabbitmq_queues(url: str, queue: str) -> None:
    """The run's queue and dramatiq's delay and dead-letter queues, so the shared broker keeps none."""
    import pika

    connection = pika.BlockingConnection(pika.URLParameters(url))
    try:
        channel = connection.channel()
        for name in (queue, f"{queue}.DQ", f"{queue}.XQ"):
            channel.queue_delete(queue=name)
    finally:
        connection.close()


@contextmanager
def running(stack: Stack) -> Iterator[Stack]:
    try:
        yield stack.start()
    finally:
        stack.stop()


# -- the client --------------------------------------------------------------------------------


def open_case(client: httpx.Client, population: Population, person_id: int) -> int:
    body = {"workflow": "reliability", "subject_id": person_id, "org_id": population.branch_id}
    response = client.post("/api/cases", json=body, headers=population.headers())
    assert response.status_code == 201, response.text
    return int(response.json()["case_id"])


def fire(
    client: httpx.Client, population: Population, case_id: int, action: str, version: int, **inputs: Any
) -> httpx.Response:
    body = {"expected_version": version, "inputs": inputs}
    return client.post(f"/api/cases/{case_id}/actions/{action}", json=body, headers=population.headers())
