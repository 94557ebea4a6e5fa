"""Document rendering: memberflow's job against a plain weasyprint call on the same HTML, one run.

    .venv/bin/python -m bench.render_documents [--count N]

Prints PDFs per second for the render job (context, template, weasyprint PDF/A, hashing, storing,
marking ready) and for `weasyprint.HTML(string=html).write_pdf()` alone, their ratio, and the
median PDF size. SQLite in a temporary directory; the example workflow's admission notice.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from sqlalchemy import select

from api.bootstrap import TEMPLATES, Services
from api.rendering import context, environment, render_document
from api.settings import Settings
from engine import documents
from engine.db import make_engine
from engine.models import Base, Case, Document, Event
from tests.engine.conftest import build_world
from tests.example_workflow import EXAMPLE


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=40)
    args = parser.parse_args()
    from weasyprint import HTML

    directory = Path(tempfile.mkdtemp(prefix="mf-bench-render-"))
    db = make_engine(f"sqlite:///{directory / 'mf.db'}")
    Base.metadata.create_all(db)
    world = build_world(db)
    world.open()
    services = Services(
        replace(Settings(), data_dir=directory / "var"), db, world.engine, world.engine.registry
    )
    services.settings.ensure_dirs()
    spec = EXAMPLE.document("admission_notice")
    with world.engine.sessions.begin() as s:
        case = s.scalars(select(Case)).one()
        event_id = s.scalar(select(Event.id))
        assert event_id is not None
        ids = [documents.issue(s, case, spec, event_id, world.clock.now()).id for _ in range(args.count)]
    with world.engine.sessions() as s:
        first = s.get(Document, ids[0])
        assert first is not None
        html = environment.get_template(first.template).render(**context(services, s, first))
    base = str(TEMPLATES / "documents")

    started = time.perf_counter()
    for document_id in ids:
        with world.engine.sessions.begin() as s:
            render_document(services, s, {"document_id": document_id})
    job_rate = args.count / (time.perf_counter() - started)

    started = time.perf_counter()
    sizes = []
    for _ in range(args.count):
        sizes.append(len(HTML(string=html, base_url=base).write_pdf(pdf_variant="pdf/a-3b")))
        gc.collect()
    plain_rate = args.count / (time.perf_counter() - started)

    with world.engine.sessions() as s:
        assert all(d.status == "ready" for d in s.scalars(select(Document)))
    print(f"{args.count} admission notices, one process")
    print("| path | PDFs per second |\n|---|---|")
    print(f"| memberflow render job | {job_rate:.1f} |\n| plain weasyprint, same HTML | {plain_rate:.1f} |")
    print(
        f"overhead ratio (plain / job): {plain_rate / job_rate:.2f}; median PDF size {statistics.median(sizes) / 1024:.0f} KiB"
    )


if __name__ == "__main__":
    main()
