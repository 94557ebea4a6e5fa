"""Issuing documents: each gets its number when the act that produces it commits.

Numbers run per issuing organization, kind and year with no gaps and no repeats: the counter row
is locked and incremented in the same transaction as the act, so a rolled-back act takes its
number back, and two workers issuing at once queue on the counter. Rendering comes later, as a job;
a rendered document is never rendered again — a correction is a new document linked to the old.
A voided document (an expired or lost letter) keeps its number and file and is marked void; what
replaces it is a new document with a new number.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from engine import outbox
from engine.authz import resolve_org
from engine.definitions import DocumentSpec
from engine.errors import Conflict, DefinitionError
from engine.models import Case, Document, DocumentCounter, Org

RENDER_TOPIC = "render_document"


def allocate(session: Session, org: Org, kind: str, year: int) -> int:
    """The next number of this organization's documents of this kind in this year.

    The counter row is created if missing (insert-or-ignore, so two first issues do not collide),
    then incremented with one `UPDATE … RETURNING`, which holds its row lock until commit."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(
        insert(DocumentCounter).values(org_id=org.id, kind=kind, year=year, last=0).on_conflict_do_nothing()
    )
    counter = DocumentCounter.__table__.c
    bumped = session.execute(
        update(DocumentCounter)
        .where(counter.org_id == org.id, counter.kind == kind, counter.year == year)
        .values(last=counter.last + 1)
        .returning(counter.last)
    )
    return int(bumped.scalar_one())


def number_text(org: Org, spec: DocumentSpec, year: int, sequence: int) -> str:
    """GB/T 9704 style 发文字号: issuer's short name + prefix + 〔year〕 + 第NNNN号."""
    return f"{org.short_name or org.name}{spec.number_prefix}〔{year}〕第{sequence:04d}号"


def issue(
    session: Session,
    case: Case,
    spec: DocumentSpec,
    event_id: int,
    now: datetime,
    corrects: Document | None = None,
) -> Document:
    """Create the numbered document row and queue its rendering, in the caller's transaction."""
    org = resolve_org(session, case, spec.issuer)
    numberer = resolve_org(session, case, spec.numbered_by) if spec.numbered_by else org
    if org is None or numberer is None:
        raise DefinitionError(f"文书“{spec.title}”找不到发文或编号组织（{spec.issuer}，{spec.numbered_by}）")
    year = now.year
    sequence = allocate(session, numberer, spec.kind, year)
    number = number_text(numberer, spec, year, sequence)
    document = Document(
        case_id=case.id, event_id=event_id, kind=spec.kind, title=spec.title, template=spec.template,
        issuer_org_id=org.id, year=year, sequence=sequence, number=number,
        verify_code=secrets.token_hex(8), corrects_id=corrects.id if corrects else None, created_at=now,
    )  # fmt: skip
    session.add(document)
    session.flush()
    outbox.enqueue(session, RENDER_TOPIC, {"document_id": document.id}, now)
    return document


def correct(session: Session, original: Document, spec: DocumentSpec, case: Case, now: datetime) -> Document:
    """A corrected issue of a document: a new number, linked to the one it replaces."""
    if original.status != "ready":
        raise Conflict("原文书尚未生成，无需更正，可直接重新生成")
    return issue(session, case, spec, original.event_id, now, corrects=original)


def void(session: Session, case: Case, kind: str, on: date, reason: str) -> list[Document]:
    """Void the case's documents of this kind that are still valid; their numbers are never reused."""
    valid = session.scalars(
        select(Document).where(
            Document.case_id == case.id, Document.kind == kind, Document.voided_on.is_(None)
        )
    )
    voided = list(valid)
    for document in voided:
        document.voided_on, document.void_reason = on, reason[:200]
    return voided


def retry(session: Session, document: Document, now: datetime) -> None:
    """Queue a failed rendering again (the number stays: it was issued with the act)."""
    if document.status == "ready":
        raise Conflict("文书已生成，不能重新生成；如需更正请出具更正文书")
    document.status, document.error = "pending", ""
    outbox.enqueue(session, RENDER_TOPIC, {"document_id": document.id}, now)
