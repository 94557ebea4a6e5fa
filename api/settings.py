"""Settings from environment variables, with embedded defaults (SQLite, in-process worker)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


@dataclass(frozen=True)
class Settings:
    """Each field documents its variable; README lists them all."""

    database_url: str = field(
        default_factory=lambda: _env("MEMBERFLOW_DATABASE_URL", "sqlite:///var/memberflow.db")
    )
    # "stub" runs jobs in-process; or redis://127.0.0.1:6379/0, or amqp://guest:guest@127.0.0.1:5672/
    broker_url: str = field(default_factory=lambda: _env("MEMBERFLOW_BROKER_URL", "stub"))
    # The dramatiq queue name: separate installations sharing one broker use different names.
    queue_name: str = field(default_factory=lambda: _env("MEMBERFLOW_QUEUE", "memberflow"))
    host: str = field(default_factory=lambda: _env("MEMBERFLOW_HOST", "127.0.0.1"))
    port: int = field(default_factory=lambda: int(_env("MEMBERFLOW_PORT", "8000")))
    data_dir: Path = field(default_factory=lambda: Path(_env("MEMBERFLOW_DATA_DIR", "var")))
    secret_key: str = field(
        default_factory=lambda: _env("MEMBERFLOW_SECRET_KEY", "dev-only-change-me-32-bytes-long!")
    )
    policy_profile: str = field(default_factory=lambda: _env("MEMBERFLOW_POLICY_PROFILE", "national"))
    log_level: str = field(default_factory=lambda: _env("MEMBERFLOW_LOG_LEVEL", "INFO"))
    # "json": one JSON object per log line (production, for a log collector); "text" otherwise.
    log_format: str = field(default_factory=lambda: _env("MEMBERFLOW_LOG_FORMAT", "text"))
    # Where rendered documents are kept: "file" (under MEMBERFLOW_DATA_DIR/documents), "database" or
    # "s3" (S3-compatible object storage: bucket, key prefix, and the endpoint of a non-AWS service).
    storage: str = field(default_factory=lambda: _env("MEMBERFLOW_STORAGE", "file"))
    s3_bucket: str = field(default_factory=lambda: _env("MEMBERFLOW_S3_BUCKET", ""))
    s3_prefix: str = field(default_factory=lambda: _env("MEMBERFLOW_S3_PREFIX", "documents"))
    s3_endpoint_url: str = field(default_factory=lambda: _env("MEMBERFLOW_S3_ENDPOINT_URL", ""))
    # The public address printed under each document's QR code for /verify/<code>.
    public_url: str = field(default_factory=lambda: _env("MEMBERFLOW_PUBLIC_URL", "http://127.0.0.1:8000"))
    sweep_seconds: float = field(default_factory=lambda: float(_env("MEMBERFLOW_SWEEP_SECONDS", "60")))
    # E-mail for notifications: smtp://host:port (empty = in-app inbox only); sender address.
    smtp_url: str = field(default_factory=lambda: _env("MEMBERFLOW_SMTP_URL", ""))
    smtp_from: str = field(default_factory=lambda: _env("MEMBERFLOW_SMTP_FROM", "memberflow@localhost"))
    # Freeze "today" (YYYY-MM-DD) for demonstrations and simulations; empty = the system clock.
    fixed_today: str = field(default_factory=lambda: _env("MEMBERFLOW_FIXED_TODAY", ""))

    @property
    def documents_dir(self) -> Path:
        return self.data_dir / "documents"

    def ensure_dirs(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.documents_dir.mkdir(parents=True, exist_ok=True)
        if self.database_url.startswith("sqlite:///"):
            Path(self.database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
