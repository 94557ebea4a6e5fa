"""Real brokers on 127.0.0.1: a broker outage loses nothing; a worker killed mid-job reruns it once."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import dramatiq
import pytest
import redis.exceptions as redis_errors
from sqlalchemy import Engine as DbEngine
from sqlalchemy import func, select, text

from api import jobs
from api.bootstrap import Services, bootstrap
from api.cli import migrate_database
from api.settings import Settings
from engine import outbox
from engine.models import Notification, Outbox, User
from tests.conftest import POSTGRES_URL, free_port

RABBITMQ_URL = os.environ.get("MEMBERFLOW_TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/")


def _wait_until(check: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


class RedisServer:
    """A redis-server of the test's own, so stopping it disturbs nobody else."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.directory = directory
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        args = [
            "redis-server",
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ]
        self.process = subprocess.Popen(args, cwd=self.directory, stdout=subprocess.DEVNULL)
        _wait_until(self._answers, 10, "redis to start")

    def stop(self) -> None:
        if self.process:
            self.process.kill()
            self.process.wait()

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                return True
        except OSError:
            return False


@pytest.fixture
def services(tmp_path: Path) -> Services:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'mf.db'}", data_dir=tmp_path / "var")
    built = bootstrap(settings)
    migrate_database(built)
    return built


def test_a_broker_down_during_a_transition_loses_nothing_and_delivers_when_back(
    services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not Path("/usr/bin/redis-server").exists():
        pytest.skip("redis-server not installed")
    done: list[int] = []
    monkeypatch.setitem(
        jobs.JOBS, "record", jobs.Job(lambda _s, _session, payload, _p: done.append(payload["n"]))
    )
    redis = RedisServer(tmp_path)
    redis.start()
    broker = jobs.make_broker(f"redis://127.0.0.1:{redis.port}/0")
    actors = jobs.declare_actors(services, broker)
    redis.stop()
    with services.engine.sessions.begin() as s:  # the transition commits its job while the broker is down
        outbox.enqueue(s, "record", {"n": 7}, services.engine.clock.now())
    with pytest.raises(redis_errors.ConnectionError):
        jobs.relay_once(services, actors, timedelta(minutes=10))
    with services.engine.sessions() as s:
        assert s.scalar(select(Outbox.sent_at)) is None  # still waiting in the outbox
    redis.start()
    try:
        assert jobs.relay_once(services, actors, timedelta(minutes=10)) == 1
        worker = dramatiq.Worker(broker, worker_threads=1, worker_timeout=100)
        worker.start()
        _wait_until(lambda: done == [7], 20, "the job to run")
        worker.stop()
    finally:
        broker.close()
        redis.stop()
    with services.engine.sessions() as s:
        assert s.scalar(select(Outbox.done_at)) is not None


@pytest.mark.postgres
def test_a_worker_killed_mid_job_on_rabbitmq_reruns_it_and_its_effect_happens_once(pg: DbEngine) -> None:
    with pg.connect() as conn:
        schema = conn.scalar(text("select current_schema()"))
    env = {
        **os.environ,
        "MEMBERFLOW_DATABASE_URL": POSTGRES_URL + f"?options=-csearch_path%3D{schema}",
        "MEMBERFLOW_BROKER_URL": RABBITMQ_URL,
        "MEMBERFLOW_QUEUE": f"mf-test-{uuid.uuid4().hex[:8]}",
    }
    services = bootstrap(Settings(database_url=env["MEMBERFLOW_DATABASE_URL"]))
    migrate_database(services)
    with services.engine.sessions.begin() as s:
        outbox.enqueue(s, "slow_record", {"title": "只应出现一次", "seconds": 4}, services.engine.clock.now())
    command = [sys.executable, "-m", "tests.integration.worker_process"]
    first = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        _wait_until(lambda: _sent(services), 30, "the relay to send the job")
        time.sleep(1.5)  # the job is now sleeping inside its handler
        first.send_signal(signal.SIGKILL)
        first.wait()
        assert _effects(services) == 0
        second = subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        try:
            _wait_until(lambda: _effects(services) == 1, 60, "the redelivered job to finish")
            time.sleep(2)
            assert _effects(services) == 1
        finally:
            second.kill()
            second.wait()
    finally:
        first.kill()
        services.db.dispose()
    with services.engine.sessions() as s:
        assert s.scalar(select(Outbox.done_at)) is not None


def _sent(services: Services) -> bool:
    with services.engine.sessions() as s:
        return s.scalar(select(Outbox.sent_at)) is not None


def _effects(services: Services) -> int:
    with services.engine.sessions() as s:
        return int(
            s.scalar(select(func.count()).select_from(Notification).where(Notification.kind == "test")) or 0
        )


def test_the_memberflow_worker_command_on_redis_delivers_an_email_job(tmp_path: Path) -> None:
    from aiosmtpd.controller import Controller

    received: list[bytes] = []

    class Handler:
        async def handle_DATA(self, _server: object, _session: object, envelope: Any) -> str:
            received.append(envelope.content)
            return "250 OK"

    smtp_port = free_port()
    smtp = Controller(Handler(), hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    env = {
        **os.environ,
        "MEMBERFLOW_DATABASE_URL": f"sqlite:///{tmp_path / 'mf.db'}",
        "MEMBERFLOW_DATA_DIR": str(tmp_path / "var"),
        "MEMBERFLOW_BROKER_URL": os.environ.get("MEMBERFLOW_TEST_REDIS_URL", "redis://127.0.0.1:6379/0"),
        "MEMBERFLOW_QUEUE": f"mf-test-{uuid.uuid4().hex[:8]}",
        "MEMBERFLOW_SMTP_URL": f"smtp://127.0.0.1:{smtp_port}",
    }
    services = bootstrap(Settings(database_url=env["MEMBERFLOW_DATABASE_URL"], data_dir=tmp_path / "var"))
    migrate_database(services)
    with services.engine.sessions.begin() as s:
        user = User(username="cw", display_name="经办人", password_hash="x", email="cw@example.org")
        s.add(user)
        s.flush()
        row = Notification(
            user_id=user.id, kind="reminder", title="到期提醒", created_at=services.engine.clock.now()
        )
        s.add(row)
        s.flush()
        outbox.enqueue(s, "send_email", {"notification_id": row.id}, services.engine.clock.now())
    worker = subprocess.Popen(
        [str(Path(sys.executable).parent / "memberflow"), "worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_until(lambda: len(received) == 1, 30, "the e-mail to arrive")
        _wait_until(lambda: _done(services), 10, "the job to be marked done")
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
        smtp.stop()
    assert b"cw@example.org" in received[0]


def _done(services: Services) -> bool:
    with services.engine.sessions() as s:
        return s.scalar(select(Outbox.done_at)) is not None
