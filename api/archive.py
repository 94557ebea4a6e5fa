"""A case's archive (材料归档): one PDF with a table of contents, the event history, and every
rendered document of the case, each reachable from the PDF outline."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from pypdf import PdfReader, PdfWriter
from sqlalchemy import select

from api.bootstrap import TEMPLATES
from api.rendering import environment
from api.routes.common import SYSTEM_ACTION_LABELS
from api.storage import make_storage
from engine.authz import Actor
from engine.errors import Conflict
from engine.models import Document, Event, User

if TYPE_CHECKING:
    from api.bootstrap import Services


def build_archive(services: Services, case_id: int, actor: Actor) -> bytes:
    from weasyprint import HTML

    engine = services.engine
    storage = make_storage(services.settings.storage, services.settings.documents_dir, engine.sessions)
    with engine.sessions() as session:
        case = engine.load_case(session, case_id, actor)
        workflow, _ = engine.definitions_of(case)
        labels = {**SYSTEM_ACTION_LABELS, **{a.name: a.label for a in workflow.actions}}
        events = session.execute(
            select(Event, User.display_name)
            .outerjoin(User, User.id == Event.actor_user_id)
            .where(Event.case_id == case.id)
            .order_by(Event.seq)
        ).all()
        documents = list(
            session.scalars(select(Document).where(Document.case_id == case.id, Document.status == "ready"))
        )
        pending = [
            d.title
            for d in session.scalars(select(Document).where(Document.case_id == case.id))
            if d.status != "ready"
        ]
        if pending:
            raise Conflict("以下文书尚未生成，暂不能归档：" + "、".join(pending))
        html = environment.get_template("archive.html").render(
            case=case,
            workflow=workflow,
            subject=case.subject,
            documents=documents,
            events=[(e, labels.get(e.action, e.action), name or "系统") for e, name in events],
        )
        parts = [(d.title + " " + (d.number or ""), storage.get(d.storage_path or "")) for d in documents]
    writer = PdfWriter()
    cover = PdfReader(io.BytesIO(HTML(string=html, base_url=str(TEMPLATES / "documents")).write_pdf()))
    writer.append(cover, outline_item="目录与办理记录")
    for title, pdf in parts:
        writer.append(PdfReader(io.BytesIO(pdf)), outline_item=title)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
