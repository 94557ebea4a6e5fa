"""Documents kept in S3-compatible object storage: a real S3 endpoint on 127.0.0.1 (moto's server),
bytes in and out under the configured prefix, a missing object reported as missing, and a rendered
document stored there and read back through the same interface as the file and database stores."""

from __future__ import annotations

import io
import socket
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import boto3
import pytest
from moto.server import ThreadedMotoServer
from pypdf import PdfReader

from api.bootstrap import Services
from api.settings import Settings
from api.storage import S3Storage, make_storage
from tests.engine.conftest import World
from tests.integration.test_documents import _approved, _render

BUCKET = "memberflow-documents"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def s3_env(endpoint: str, monkeypatch: pytest.MonkeyPatch) -> str:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "memberflow",
        "AWS_SECRET_ACCESS_KEY": "memberflow-secret",
        "AWS_DEFAULT_REGION": "us-east-1",
        "MEMBERFLOW_STORAGE": "s3",
        "MEMBERFLOW_S3_BUCKET": BUCKET,
        "MEMBERFLOW_S3_ENDPOINT_URL": endpoint,
        "MEMBERFLOW_S3_PREFIX": "county-620725/documents",
    }.items():
        monkeypatch.setenv(name, value)
    client = boto3.client("s3", endpoint_url=endpoint)
    if BUCKET not in {b["Name"] for b in client.list_buckets()["Buckets"]}:
        client.create_bucket(Bucket=BUCKET)
    return endpoint


def test_bytes_go_in_under_the_prefix_and_come_back_and_a_missing_object_is_missing(s3_env: str) -> None:
    store = make_storage("s3", Path("unused"), None)  # type: ignore[arg-type]
    assert isinstance(store, S3Storage)
    store.put("ab12.pdf", b"%PDF-1.7 test")
    assert store.get("ab12.pdf") == b"%PDF-1.7 test"
    keys = [
        o["Key"] for o in boto3.client("s3", endpoint_url=s3_env).list_objects_v2(Bucket=BUCKET)["Contents"]
    ]
    assert "county-620725/documents/ab12.pdf" in keys
    store.put("../../escape.pdf", b"x")  # a key is a name, never a path out of the prefix
    assert store.get("escape.pdf") == b"x"
    with pytest.raises(FileNotFoundError):
        store.get("no-such-document.pdf")


def test_s3_without_a_bucket_is_refused_with_the_setting_to_fill_in(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEMBERFLOW_S3_BUCKET", "")
    with pytest.raises(ValueError, match="MEMBERFLOW_S3_BUCKET"):
        make_storage("s3", Path("unused"), None)  # type: ignore[arg-type]


def test_a_rendered_document_is_stored_in_s3_and_read_back(s3_env: str, world: World, tmp_path: Path) -> None:
    settings = replace(Settings(), data_dir=tmp_path / "var")
    settings.ensure_dirs()
    services = Services(settings, world.engine.sessions.kw["bind"], world.engine, world.engine.registry)
    document = _render(services, _approved(world).id)
    assert document.status == "ready", document.error
    stored = (
        boto3.client("s3", endpoint_url=s3_env)
        .get_object(Bucket=BUCKET, Key=f"county-620725/documents/{document.storage_path}")["Body"]
        .read()
    )
    assert PdfReader(io.BytesIO(stored)).pages[0].extract_text().count("李明") >= 1
    assert not any((tmp_path / "var").rglob("*.pdf"))  # nothing on the local disk
