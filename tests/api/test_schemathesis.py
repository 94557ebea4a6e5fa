"""Property-based API tests from the OpenAPI schema: no 5xx, and every response fits its schema.

The app runs on its own SQLite file with the example world; a bounded number of examples per
operation keeps the run short enough for every CI run.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from api.app import create_app
from api.bootstrap import Services
from api.settings import Settings
from engine.db import make_engine
from engine.models import Base
from tests.engine.conftest import build_world

_directory = Path(tempfile.mkdtemp(prefix="mf-schemathesis-"))
_db = make_engine(f"sqlite:///{_directory / 'mf.db'}")
Base.metadata.create_all(_db)
_world = build_world(_db)
_world.open()
_services = Services(Settings(data_dir=_directory / "var"), _db, _world.engine, _world.engine.registry)
APP = create_app(_services)
TOKEN = APP.state.auth.create_token(identifier=str(_world.caseworker.user_id))

schema = schemathesis.openapi.from_asgi("/schema/openapi.json", APP)


@schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_operation_answers_with_a_server_error_or_off_schema(case: Any) -> None:
    case.call_and_validate(
        headers={"Authorization": f"Bearer {TOKEN}"},
        checks=[not_a_server_error, response_schema_conformance],
    )
