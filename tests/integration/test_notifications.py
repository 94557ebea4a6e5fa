"""Notifications: the in-app inbox, and e-mail through a real SMTP server started by the test."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from email import message_from_bytes
from email.header import decode_header, make_header
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select, update

from api import jobs
from api.bootstrap import Services
from api.settings import Settings
from engine import notifications
from engine.models import Outbox, User
from engine.timers import sweep
from tests.conftest import free_port
from tests.engine.conftest import World


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


def test_a_reminder_lands_in_the_inbox_and_is_emailed_once(world: World, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    with world.engine.sessions.begin() as s:
        s.execute(update(User).where(User.id == world.caseworker.user_id).values(email="cw@example.org"))
    world.open()
    world.clock.set(date(2026, 3, 27))
    sweep(world.engine)
    with world.engine.sessions() as s:
        [mine] = notifications.inbox(s, world.caseworker.user_id or 0, unread_only=True)
        [job] = list(s.scalars(select(Outbox).where(Outbox.topic == "send_email")))
    assert mine.title == "到期提醒：准备材料期限"
    settings = replace(Settings(), smtp_url=f"smtp://127.0.0.1:{port}")
    services = Services(settings, world.engine.sessions.kw["bind"], world.engine, world.engine.registry)
    jobs.run_outbox_job(services, job.id)
    jobs.run_outbox_job(services, job.id)  # delivered twice: sent once
    assert len(inbox.messages) == 1
    message = inbox.messages[0]
    assert message["To"] == "cw@example.org"
    assert str(make_header(decode_header(message["Subject"]))) == "到期提醒：准备材料期限"
    with world.engine.sessions.begin() as s:
        assert notifications.mark_read(s, world.caseworker.user_id or 0, mine.id, world.clock.now())
        assert not notifications.mark_read(s, world.approver.user_id or 0, mine.id, world.clock.now())
    with world.engine.sessions() as s:
        assert notifications.inbox(s, world.caseworker.user_id or 0, unread_only=True) == []
