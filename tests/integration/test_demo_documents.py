"""Every document kind the workflows declare renders from the demo data, and reads back right; so does
the development statistics report."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from pypdf import PdfReader
from sqlalchemy import select

from api import jobs
from api.bootstrap import bootstrap
from api.cli import migrate_database
from api.demo import load_demo
from api.development_report import development_report, report_pdf
from api.settings import Settings
from api.storage import make_storage
from engine.identity import mask_name
from engine.models import Case, Document, Org, Outbox, Person

# Public lists (the 党务公开栏) show only surnames.
MASKED_NAMES = {"result_list"}


def test_every_declared_document_kind_renders_from_the_demo_with_its_number_and_names(tmp_path: Path) -> None:
    services = bootstrap(Settings(database_url=f"sqlite:///{tmp_path / 'mf.db'}", data_dir=tmp_path / "var"))
    migrate_database(services)
    load_demo(services)
    with services.engine.sessions() as s:
        pending = list(s.scalars(select(Outbox.id).where(Outbox.topic == "render_document")))
    for outbox_id in pending:
        jobs.run_outbox_job(services, outbox_id)
    storage = make_storage("file", services.settings.documents_dir, services.engine.sessions)
    declared = {d.kind for w in services.registry.workflows() for d in w.documents}
    rendered: set[str] = set()
    with services.engine.sessions() as s:
        rows = s.execute(
            select(Document, Person.name)
            .join(Case, Case.id == Document.case_id)
            .join(Person, Person.id == Case.subject_id)
        ).all()
        for document, name in rows:
            assert document.status == "ready", (document.kind, document.error)
            text = "".join(
                p.extract_text()
                for p in PdfReader(io.BytesIO(storage.get(document.storage_path or ""))).pages
            )
            flat = text.replace(" ", "").replace("\n", "")
            assert document.number and document.number.replace(" ", "") in flat, document.kind
            shown = mask_name(name) if document.kind in MASKED_NAMES else name
            assert shown in flat, (document.kind, shown)
            rendered.add(document.kind)
    assert declared and rendered == declared, f"kinds with no demo document: {declared - rendered}"

    # the 发展党员年报 of the county over the demo's cases
    with services.engine.sessions() as s:
        county = s.scalar(select(Org).where(Org.parent_id.is_(None)))
        assert county is not None
        report = development_report(s, services.registry.get("development"), county, "2026")
    text = "".join(
        p.extract_text() for p in PdfReader(io.BytesIO(report_pdf(report, date(2026, 12, 1)))).pages
    )
    flat = text.replace(" ", "").replace("\n", "")
    assert "中共丰乐县委员会发展党员工作年报（2026年）" in flat
    assert all(row.org_name in flat for row in report.rows) and report.total.became_full_members > 0
