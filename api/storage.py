"""Where document bytes live: the filesystem (default), the database, or S3-compatible object storage
(MinIO, Ceph, a cloud's S3; `pip install 'memberflow[s3]'`), behind one interface.

Keys are content hashes, so storing the same bytes twice is harmless and a stored file can be
checked against the sha256 recorded on its document.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from sqlalchemy.orm import Session, sessionmaker

from api.settings import Settings
from engine.models import StoredBlob


class Storage(Protocol):
    def put(self, key: str, content: bytes) -> None: ...

    def get(self, key: str) -> bytes: ...


class FileStorage:
    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    def put(self, key: str, content: bytes) -> None:
        target = self.root / key
        partial = target.with_suffix(".part")
        partial.write_bytes(content)
        partial.replace(target)  # a crash never leaves half a file under the final name

    def get(self, key: str) -> bytes:
        return (self.root / Path(key).name).read_bytes()


class DatabaseStorage:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def put(self, key: str, content: bytes) -> None:
        with self.sessions.begin() as session:
            if session.get(StoredBlob, key) is None:
                session.add(StoredBlob(key=key, content=content))

    def get(self, key: str) -> bytes:
        with self.sessions() as session:
            blob = session.get(StoredBlob, key)
            if blob is None:
                raise FileNotFoundError(key)
            return blob.content


class S3Storage:
    """Objects under `prefix` in `bucket`; credentials come the usual boto3 way (AWS_ACCESS_KEY_ID and
    AWS_SECRET_ACCESS_KEY, a profile, or an instance role)."""

    def __init__(
        self, bucket: str, prefix: str = "", endpoint_url: str | None = None, client: Any = None
    ) -> None:
        if client is None:
            try:
                import boto3
            except ModuleNotFoundError as exc:  # an optional dependency: only S3 deployments need it
                raise RuntimeError("MEMBERFLOW_STORAGE=s3 needs boto3: pip install 'memberflow[s3]'") from exc
            client = boto3.client("s3", endpoint_url=endpoint_url or None)
        self.client, self.bucket, self.prefix = client, bucket, prefix.strip("/")

    def _key(self, key: str) -> str:
        name = Path(key).name  # keys are content hashes; never a path out of the prefix
        return f"{self.prefix}/{name}" if self.prefix else name

    def put(self, key: str, content: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=content)  # atomic per object

    def get(self, key: str) -> bytes:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self._key(key))
        except self.client.exceptions.NoSuchKey as exc:
            raise FileNotFoundError(key) from exc
        content: bytes = answer["Body"].read()
        return content


def make_storage(kind: str, root: Path, sessions: sessionmaker[Session]) -> Storage:
    if kind == "database":
        return DatabaseStorage(sessions)
    if kind == "file":
        return FileStorage(root)
    if kind == "s3":
        settings = Settings()
        if not settings.s3_bucket:
            raise ValueError("MEMBERFLOW_STORAGE=s3 needs MEMBERFLOW_S3_BUCKET")
        return S3Storage(settings.s3_bucket, settings.s3_prefix, settings.s3_endpoint_url)
    raise ValueError(f"unsupported MEMBERFLOW_STORAGE: {kind} (file, database or s3)")
