"""Rendering documents to PDF/A with weasyprint, as an outbox job after the act commits.

Templates are Jinja with autoescaping (a name like `{{7*7}}` or `<script>` prints as text); the
layout follows GB/T 9704-2012 (`templates/documents/_base.css`). A template error marks the
document failed with the reason shown to the caseworker; a rendered document is never rendered
again.
"""

from __future__ import annotations

import gc
import hashlib
import io
from datetime import date
from typing import TYPE_CHECKING, Any

import segno
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.bootstrap import TEMPLATES
from api.storage import make_storage
from engine.identity import mask_name
from engine.models import Case, CaseParty, Document, Event, Org

if TYPE_CHECKING:
    from api.bootstrap import Services

environment = Environment(
    loader=FileSystemLoader(TEMPLATES / "documents"),
    autoescape=select_autoescape(default=True),
    undefined=StrictUndefined,
)


def cn_date(day: date) -> str:
    """成文日期 in Arabic numerals, as GB/T 9704-2012 §7.3.5.3 writes it."""
    return f"{day.year}年{day.month}月{day.day}日"


environment.filters["cn_date"] = cn_date


def render_document(services: Services, session: Session, payload: dict[str, Any]) -> None:
    """The outbox handler: render once, store by content hash, mark ready (or failed, with why)."""
    document = session.get(Document, payload["document_id"], with_for_update=True)
    if document is None or document.status == "ready":
        return
    try:
        pdf = render_pdf(services, session, document)
    except Exception as exc:  # shown to the caseworker; a retry is one click
        document.status = "failed"
        document.error = f"文书生成失败：{type(exc).__name__}: {exc}"[:2000]
        return
    finally:
        gc.collect()  # weasyprint keeps large caches alive otherwise (see STACK-NOTES)
    digest = hashlib.sha256(pdf).hexdigest()
    storage = make_storage(
        services.settings.storage, services.settings.documents_dir, services.engine.sessions
    )
    storage.put(f"{digest}.pdf", pdf)
    document.sha256, document.storage_path = digest, f"{digest}.pdf"
    document.status, document.error = "ready", ""
    document.rendered_at = services.engine.clock.now()


def render_pdf(services: Services, session: Session, document: Document) -> bytes:
    from weasyprint import HTML  # imported here: only workers render

    html = environment.get_template(document.template).render(**context(services, session, document))
    return bytes(HTML(string=html, base_url=str(TEMPLATES / "documents")).write_pdf(pdf_variant="pdf/a-3b"))


def context(services: Services, session: Session, document: Document) -> dict[str, Any]:
    case = session.get(Case, document.case_id)
    event = session.get(Event, document.event_id)
    issuer = session.get(Org, document.issuer_org_id) if document.issuer_org_id else None
    assert case is not None and event is not None
    workflow, _ = services.engine.definitions_of(case)
    parties = {p.role: p.org for p in session.scalars(select(CaseParty).where(CaseParty.case_id == case.id))}
    verify_url = f"{services.settings.public_url}/verify/{document.verify_code}"
    qr = segno.make(verify_url, error="m")
    buffer = io.BytesIO()
    qr.save(buffer, kind="svg", scale=2, border=1)
    action = next((a for a in workflow.actions if a.name == event.action), None)
    labels = {f.name: (f.label, dict(f.choices)) for f in action.fields} if action else {}
    rows = [
        (labels[name][0], labels[name][1].get(value, value) if isinstance(value, str) else value)
        for name, value in event.inputs.items()
        if name in labels
    ]
    return {
        "document": document,
        "input_rows": rows,
        "issuer": issuer,
        "case": case,
        "subject": case.subject,
        "org": case.org,
        "parties": parties,
        "inputs": event.inputs,
        "data": case.data,
        "workflow": workflow,
        "issued_on": event.effective_date,
        "verify_url": verify_url,
        "qr_svg": buffer.getvalue().decode(),
        "masked_name": mask_name(case.subject.name),
    }
