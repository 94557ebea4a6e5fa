"""Document rendering: memberflow's job against a plain weasyprint call on the same HTML, one run.

    .venv/bin/python -m bench.render_documents [--count N]

Prints PDFs per second for the render job (context, template, weasyprint PDF/A, hashing, storing,
marking ready) and for `weasyprint.HTML(string=html).write_pdf()` alone, their ratio, and the
median PDF size. SQLite in a temporary directory; the example workflow's admission notice.
"""

from __future__ import annotations

import argparse
import gc
import shutil
import statistics
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import select

from api.bootstrap import TEMPLATES, Services
from api.rendering import context, environment, prepare_render, render_document
from api.settings import Settings
from engine import documents
from engine.db import make_engine
from engine.models import Base, Case, Document, Event
from tests.engine.conftest import build_world
from tests.example_workflow import EXAMPLE


@dataclass
class RenderResult:
    job: float  # PDFs per second through the render job
    plain: float  # PDFs per second with weasyprint alone
    size_kib: float
    count: int
    rounds: int


def measure(count: int, rounds: int = 1) -> RenderResult:
    """Median PDFs per second of `rounds` rounds of `count` documents each, both paths per round."""
    runs = [_round(count) for _ in range(rounds)]
    return RenderResult(
        statistics.median(r[0] for r in runs),
        statistics.median(r[1] for r in runs),
        statistics.median(r[2] for r in runs),
        count,
        rounds,
    )


def _round(count: int) -> tuple[float, float, float]:
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
        ids = [documents.issue(s, case, spec, event_id, world.clock.now()).id for _ in range(count)]
    with world.engine.sessions() as s:
        first = s.get(Document, ids[0])
        assert first is not None
        html = environment.get_template(first.template).render(**context(services, s, first))
    base = str(TEMPLATES / "documents")

    started = time.perf_counter()
    for document_id in ids:  # as the worker runs the job: the PDF first, then the row's write
        payload = {"document_id": document_id}
        prepared = prepare_render(services, payload)
        with world.engine.sessions.begin() as s:
            render_document(services, s, payload, prepared)
    job_rate = count / (time.perf_counter() - started)

    started = time.perf_counter()
    sizes = []
    for _ in range(count):
        sizes.append(len(HTML(string=html, base_url=base).write_pdf(pdf_variant="pdf/a-3b")))
        gc.collect()
    plain_rate = count / (time.perf_counter() - started)

    with world.engine.sessions() as s:
        assert all(d.status == "ready" for d in s.scalars(select(Document)))
    db.dispose()
    shutil.rmtree(directory, ignore_errors=True)
    return job_rate, plain_rate, statistics.median(sizes) / 1024


def table(result: RenderResult) -> str:
    return (
        "| path | PDFs per second |\n|---|---|\n"
        f"| memberflow render job | {result.job:.1f} |\n| plain weasyprint, same HTML | {result.plain:.1f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    result = measure(args.count, args.rounds)
    print(f"{args.count} admission notices, one process, median of {args.rounds} rounds")
    print(table(result))
    print(
        f"overhead ratio (plain / job): {result.plain / result.job:.2f}; median PDF size {result.size_kib:.0f} KiB"
    )


if __name__ == "__main__":
    main()
