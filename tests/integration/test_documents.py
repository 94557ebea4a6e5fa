"""Documents: numbered with the act, rendered to PDF/A by the job, read back, verified, never re-rendered."""

from __future__ import annotations

import io
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from litestar.testing import TestClient
from pypdf import PdfReader
from sqlalchemy import Engine as DbEngine
from sqlalchemy import select, text, update

from api import jobs, rendering
from api.app import create_app
from api.bootstrap import Services
from api.settings import Settings
from api.storage import make_storage
from engine import documents
from engine.errors import Conflict, NotFound
from engine.models import Base, Case, Document, Outbox, Person
from tests.conftest import POSTGRES_URL
from tests.engine.conftest import World, build_world
from tests.engine.test_runtime import VOTE, _to_meeting


@pytest.fixture
def services(world: World, tmp_path: Path) -> Services:
    settings = replace(Settings(), data_dir=tmp_path / "var", public_url="https://dangjian.example.gov.cn")
    settings.ensure_dirs()
    return Services(settings, world.engine.sessions.kw["bind"], world.engine, world.engine.registry)


def _approved(world: World) -> Document:
    case_id = _to_meeting(world)
    world.engine.fire(case_id, "hold_vote", world.secretary, VOTE, expected_version=5)
    with world.engine.sessions() as s:
        [document] = s.scalars(select(Document).where(Document.case_id == case_id))
        return document


def _render(services: Services, document_id: int) -> Document:
    with services.engine.sessions() as s:
        jobs_for_document = select(Outbox).where(
            Outbox.topic == "render_document", Outbox.payload["document_id"].as_integer() == document_id
        )
        job = s.scalars(jobs_for_document.order_by(Outbox.id.desc())).first()
        assert job is not None
    jobs.run_outbox_job(services, job.id)
    with services.engine.sessions() as s:
        document = s.get(Document, document_id)
        assert document is not None
        return document


def _pdf(services: Services, document: Document) -> bytes:
    storage = make_storage(
        services.settings.storage, services.settings.documents_dir, services.engine.sessions
    )
    return storage.get(document.storage_path or "")


def test_an_act_issues_a_numbered_document_that_the_job_renders_to_a_readable_pdf_a(
    world: World, services: Services
) -> None:
    issued = _approved(world)
    assert (issued.status, issued.number) == ("pending", "中共城关镇委员会组通字〔2026〕第0001号")
    document = _render(services, issued.id)
    assert document.status == "ready" and len(document.sha256 or "") == 64
    reader = PdfReader(io.BytesIO(_pdf(services, document)))
    text = reader.pages[0].extract_text()
    for expected in (
        "接收预备党员通知",
        "李明",
        "中共城关镇委员会组通字〔2026〕第0001号",
        "应到有表决权的党员",
        "2026年3月9日",
    ):
        assert expected in text.replace(" ", "").replace("\n", "") or expected in text, expected
    assert len(reader.pages) == 2  # the closing lines stay with the signature (GB/T 9704 §7.3.5)
    fonts = {str(f["/BaseFont"]) for f in _fonts(reader)}
    assert any("Noto-Serif-CJK-SC" in f for f in fonts), fonts
    metadata = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b"pdfaid:part" in metadata and b"pdfaid:conformance" in metadata  # declared PDF/A-3b


def _fonts(reader: PdfReader) -> list[dict[str, object]]:
    resources = reader.pages[0]["/Resources"]["/Font"]
    return [resources[name].get_object() for name in resources]


def test_a_rendered_document_is_never_rendered_again_and_a_correction_is_a_new_linked_number(
    world: World, services: Services
) -> None:
    document = _render(services, _approved(world).id)
    again = _render(services, document.id)
    assert again.sha256 == document.sha256 and again.rendered_at == document.rendered_at
    with pytest.raises(Conflict), world.engine.sessions.begin() as s:
        documents.retry(s, s.get(Document, document.id), world.clock.now())  # type: ignore[arg-type]
    spec = world.engine.registry.get("example").document("admission_notice")
    with world.engine.sessions.begin() as s:
        original = s.get(Document, document.id)
        case = s.get(Case, document.case_id)
        assert original is not None and case is not None
        fixed = documents.correct(s, original, spec, case, world.clock.now())
        assert (fixed.corrects_id, fixed.number) == (original.id, "中共城关镇委员会组通字〔2026〕第0002号")


def test_a_template_that_fails_marks_the_document_failed_with_the_reason_and_a_retry_renders_it(
    world: World, services: Services
) -> None:
    issued = _approved(world)
    with world.engine.sessions.begin() as s:
        s.execute(
            update(Document).where(Document.id == issued.id).values(template="common/no_such_template.html")
        )
    failed = _render(services, issued.id)
    assert failed.status == "failed" and "文书生成失败" in failed.error and "no_such_template" in failed.error
    with world.engine.sessions.begin() as s:
        s.execute(update(Document).where(Document.id == issued.id).values(template="common/notice.html"))
        documents.retry(s, s.get(Document, issued.id), world.clock.now())  # type: ignore[arg-type]
    jobs_pending = _render(services, issued.id)
    assert jobs_pending.status == "ready" and jobs_pending.error == ""


def test_names_that_look_like_template_code_or_markup_print_as_plain_text(
    world: World, services: Services
) -> None:
    with world.engine.sessions.begin() as s:
        s.execute(update(Person).where(Person.id == world.subject.id).values(name="{{7*7}}<b>李</b>"))
    document = _render(services, _approved(world).id)
    text = PdfReader(io.BytesIO(_pdf(services, document))).pages[0].extract_text()
    assert "{{7*7}}<b>李</b>" in text.replace("\n", "") and "49" not in text.split("号")[-1][:10]


def test_the_pdf_is_made_outside_the_write_transaction_so_others_can_write_meanwhile(
    world: World, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the PDF is made nobody holds the document's row (PostgreSQL) or the one write lock
    (SQLite): a caseworker writing that very row meanwhile does not wait for the render."""
    issued = _approved(world)
    made = rendering.html_to_pdf

    def while_someone_writes(html: str) -> bytes:
        with world.engine.sessions.begin() as s:
            if s.bind.dialect.name == "postgresql":
                s.execute(text("SET LOCAL lock_timeout = '2s'"))  # fail, not hang, if the row were held
            s.execute(update(Document).where(Document.id == issued.id).values(error=""))
        return made(html)

    monkeypatch.setattr(rendering, "html_to_pdf", while_someone_writes)
    assert _render(services, issued.id).status == "ready"


def test_the_verification_page_confirms_a_genuine_document_without_personal_data(
    world: World, services: Services
) -> None:
    document = _render(services, _approved(world).id)
    with TestClient(app=create_app(services)) as client:
        page = client.get(f"/verify/{document.verify_code}")
        missing = client.get("/verify/0000000000000000")
    assert page.status_code == 200
    for expected in ("真实有效", document.number or "", "中共城关镇委员会", "李*", document.sha256 or ""):
        assert expected in page.text
    assert "李明" not in page.text and "620724" not in page.text
    assert missing.status_code == 404 and "未找到" in missing.text


def test_the_verification_page_says_a_voided_document_is_no_longer_valid(
    world: World, services: Services
) -> None:
    document = _render(services, _approved(world).id)
    with world.engine.sessions.begin() as s:
        case = s.get(Case, document.case_id)
        assert case is not None
        documents.void(s, case, document.kind, date(2026, 4, 1), "介绍信逾期未报到，已作废")
    with TestClient(app=create_app(services)) as client:
        page = client.get(f"/verify/{document.verify_code}")
    assert page.status_code == 200
    assert "已于2026-04-01作废（介绍信逾期未报到，已作废），不再有效" in page.text
    assert "真实有效" not in page.text


@pytest.mark.postgres
def test_two_processes_issuing_200_documents_at_once_get_200_distinct_consecutive_numbers(
    pg: DbEngine,
) -> None:
    Base.metadata.create_all(pg)
    world = build_world(pg)
    world.open()
    with pg.connect() as conn:
        schema = str(conn.scalar(text("select current_schema()")))
    command = [sys.executable, "-m", "tests.integration.issuer", POSTGRES_URL, schema, "100"]
    workers = [subprocess.Popen(command) for _ in range(2)]
    assert [w.wait(timeout=300) for w in workers] == [0, 0]
    with pg.connect() as conn:
        sequences = sorted(conn.scalars(select(Document.sequence)))
        numbers = set(conn.scalars(select(Document.number)))
    assert sequences == list(range(1, 201))
    assert len(numbers) == 200


def test_a_cases_archive_is_one_pdf_with_contents_history_and_every_document(
    world: World, services: Services
) -> None:
    from api.archive import build_archive

    document = _render(services, _approved(world).id)
    pdf = PdfReader(io.BytesIO(build_archive(services, document.case_id, world.approver)))
    outline = [item.title for item in pdf.outline if not isinstance(item, list)]  # type: ignore[union-attr]
    assert outline == ["目录与办理记录", f"接收预备党员通知 {document.number}"]
    first = pdf.pages[0].extract_text().replace(" ", "")
    assert "示例流程材料归档" in first and "支部大会表决" in first and "立案" in first
    assert len(pdf.pages) >= 3
    with pytest.raises(NotFound):
        build_archive(services, document.case_id, world.outsider)
