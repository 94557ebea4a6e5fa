"""The API on the example world: a litestar TestClient and bearer tokens for each world user."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy import Engine as DbEngine

from api.app import create_app
from api.bootstrap import Services
from api.settings import Settings
from engine.models import Base
from tests.engine.conftest import World, build_world


@dataclass
class Api:
    client: TestClient[Any]
    world: World
    services: Services

    def headers(self, who: str, **extra: str) -> dict[str, str]:
        user_id = getattr(self.world, who).user_id
        token = self.client.app.state.auth.create_token(identifier=str(user_id))
        return {"Authorization": f"Bearer {token}", **extra}

    def get(self, who: str, path: str, **kwargs: Any) -> Any:
        return self.client.get(path, headers=self.headers(who), **kwargs)

    def post(self, who: str, path: str, body: Any = None, key: str | None = None) -> Any:
        headers = self.headers(who, **({"Idempotency-Key": key} if key else {}))
        return self.client.post(path, json=body if body is not None else {}, headers=headers)


@pytest.fixture
def api(db_engine: DbEngine, tmp_path: Path) -> Iterator[Api]:
    Base.metadata.create_all(db_engine)
    world = build_world(db_engine)
    settings = Settings(database_url=str(db_engine.url), data_dir=tmp_path / "var")
    services = Services(settings, db_engine, world.engine, world.engine.registry)
    with TestClient(app=create_app(services)) as client:
        yield Api(client, world, services)
