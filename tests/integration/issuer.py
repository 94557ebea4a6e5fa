"""A separate issuing process for the numbering test: `python -m tests.integration.issuer URL SCHEMA N`."""

from __future__ import annotations

import sys
from datetime import UTC, datetime

from sqlalchemy import select

from engine import documents
from engine.db import make_engine, make_sessions
from engine.models import Case, Event
from tests.example_workflow import EXAMPLE


def main(url: str, schema: str, count: str) -> None:
    sessions = make_sessions(make_engine(url, connect_args={"options": f"-csearch_path={schema}"}))
    spec = EXAMPLE.document("admission_notice")
    for _ in range(int(count)):
        with sessions.begin() as s:  # one act, one transaction, one number
            case = s.scalars(select(Case)).first()
            event_id = s.scalar(select(Event.id).limit(1))
            assert case is not None and event_id is not None
            documents.issue(s, case, spec, event_id, datetime(2026, 6, 1, tzinfo=UTC))


if __name__ == "__main__":
    main(*sys.argv[1:4])
