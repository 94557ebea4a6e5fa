"""Where document bytes live: the filesystem (default) or the database, behind one interface.

Keys are content hashes, so storing the same bytes twice is harmless and a stored file can be
checked against the sha256 recorded on its document.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from sqlalchemy.orm import Session, sessionmaker

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


def make_storage(kind: str, root: Path, sessions: sessionmaker[Session]) -> Storage:
    if kind == "database":
        return DatabaseStorage(sessions)
    if kind == "file":
        return FileStorage(root)
    raise ValueError(f"unsupported MEMBERFLOW_STORAGE: {kind} (file or database)")
