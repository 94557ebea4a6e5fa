"""Write a PNG of the first page of one demo document of each kind to docs/documents/ (pdftoppm).

.venv/bin/python scripts/snapshot_documents.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from sqlalchemy import select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from api import jobs  # noqa: E402
from api.bootstrap import bootstrap  # noqa: E402
from api.cli import migrate_database  # noqa: E402
from api.demo import load_demo  # noqa: E402
from api.settings import Settings  # noqa: E402
from engine.models import Document, Outbox  # noqa: E402


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="mf-snapshots-"))
    services = bootstrap(Settings(database_url=f"sqlite:///{work / 'mf.db'}", data_dir=work / "var"))
    migrate_database(services)
    load_demo(services)
    with services.engine.sessions() as s:
        pending = list(s.scalars(select(Outbox.id).where(Outbox.topic == "render_document")))
    for outbox_id in pending:
        jobs.run_outbox_job(services, outbox_id)
    target = ROOT / "docs" / "documents"
    target.mkdir(parents=True, exist_ok=True)
    seen: set[str] = set()
    with services.engine.sessions() as s:
        ready = list(s.scalars(select(Document).where(Document.status == "ready").order_by(Document.id)))
    for document in ready:
        if document.kind in seen:
            continue
        seen.add(document.kind)
        pdf = services.settings.documents_dir / (document.storage_path or "")
        prefix = target / document.kind
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(prefix)],
            check=True,
        )
        print(f"{prefix}.png  {document.title} {document.number}")


if __name__ == "__main__":
    main()
