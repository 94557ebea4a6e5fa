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
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import segno
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.assessment import result_rows
from api.bootstrap import TEMPLATES
from api.storage import make_storage
from engine.authz import approving_committee
from engine.identity import mask_id_number, mask_name
from engine.models import Case, CaseParty, Document, Event, Org, Person

if TYPE_CHECKING:
    from api.bootstrap import Services

environment = Environment(
    loader=FileSystemLoader(TEMPLATES / "documents"),
    autoescape=select_autoescape(default=True),
    undefined=StrictUndefined,
)


def cn_date(day: date | str) -> str:
    """成文日期 in Arabic numerals, as GB/T 9704-2012 §7.3.5.3 writes it (case data keeps ISO strings)."""
    day = date.fromisoformat(day) if isinstance(day, str) else day
    return f"{day.year}年{day.month}月{day.day}日"


CAPITAL_DIGITS = "零壹贰叁肆伍陆柒捌玖"


def capital_digits(value: int) -> str:
    """A year in capital numerals digit by digit (贰零贰陆), as the 介绍信 asks for 党费交到 and 有效期."""
    return "".join(CAPITAL_DIGITS[int(d)] for d in str(value))


def capital_number(value: int) -> str:
    """A count below 1000 in capital numerals: 30 → 叁拾, 15 → 壹拾伍, 105 → 壹佰零伍."""
    if not 0 < value < 1000:
        return capital_digits(value)
    hundreds, tens, ones = value // 100, value // 10 % 10, value % 10
    text = f"{CAPITAL_DIGITS[hundreds]}佰" if hundreds else ""
    if tens:
        text += f"{CAPITAL_DIGITS[tens]}拾"
    elif hundreds and ones:
        text += "零"
    return text + (CAPITAL_DIGITS[ones] if ones else "")


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


environment.filters.update(
    cn_date=cn_date,
    capital_digits=capital_digits,
    capital_number=capital_number,
    age_on=age_on,
    mask_name=mask_name,
    mask_id=mask_id_number,
    iso_date=date.fromisoformat,
)


# Documents that list more than their own case (a branch's result list) read the rest here, by kind.
LISTED: dict[str, Callable[[Session, Case, Event], list[Any]]] = {
    "result_list": lambda session, case, event: result_rows(session, case, event.id),
}


@dataclass(frozen=True)
class Rendered:
    """What rendering a document came to: the stored PDF, or why it failed."""

    storage_path: str = ""
    sha256: str = ""
    error: str = ""


def prepare_render(services: Services, payload: dict[str, Any]) -> Rendered | None:
    """Render and store the PDF before the job's transaction: a PDF takes a good part of a second, and
    holding the document's row lock (or SQLite's one write lock) that long stalls everyone else.
    None when there is nothing to render."""
    with services.engine.sessions() as session:
        document = session.get(Document, payload["document_id"])
        if document is None or document.status == "ready":
            return None
        try:
            html = document_html(services, session, document)
        except Exception as exc:  # shown to the caseworker; a retry is one click
            return Rendered(error=_failure(exc))
    try:
        pdf = html_to_pdf(html)
    except Exception as exc:
        return Rendered(error=_failure(exc))
    finally:
        gc.collect()  # weasyprint keeps large caches alive otherwise (see STACK-NOTES)
    digest = hashlib.sha256(pdf).hexdigest()
    storage = make_storage(
        services.settings.storage, services.settings.documents_dir, services.engine.sessions
    )
    storage.put(f"{digest}.pdf", pdf)  # by content hash: storing twice is harmless
    return Rendered(f"{digest}.pdf", digest)


def render_document(
    services: Services, session: Session, payload: dict[str, Any], rendered: Rendered | None
) -> None:
    """The outbox job's write: the document ready with its stored PDF, or failed with why — once."""
    document = session.get(Document, payload["document_id"], with_for_update=True)
    if document is None or document.status == "ready" or rendered is None:
        return
    if rendered.error:
        document.status, document.error = "failed", rendered.error
        return
    document.sha256, document.storage_path = rendered.sha256, rendered.storage_path
    document.status, document.error = "ready", ""
    document.rendered_at = services.engine.clock.now()


def _failure(exc: Exception) -> str:
    return f"文书生成失败：{type(exc).__name__}: {exc}"[:2000]


def document_html(services: Services, session: Session, document: Document) -> str:
    return environment.get_template(document.template).render(**context(services, session, document))


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML  # imported here: only workers render

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
        "committee": approving_committee(session, case.org),
        "party_committees": {role: approving_committee(session, o) for role, o in parties.items()},
        "inputs": event.inputs,
        "data": case.data,
        "workflow": workflow,
        "issued_on": event.effective_date,
        "verify_url": verify_url,
        "qr_svg": buffer.getvalue().decode(),
        "masked_name": mask_name(case.subject.name),
        "rows": LISTED[document.kind](session, case, event) if document.kind in LISTED else [],
        "event": event,
        "acts": acts_as_of(session, case, event),
        "person_name": _person_names(session),
        "choices": {
            a.name: {f.name: dict(f.choices) for f in a.fields if f.choices} for a in workflow.actions
        },
    }


def acts_as_of(session: Session, case: Case, event: Event) -> dict[str, dict[str, Any]]:
    """Each act of the case as it stood when the document's act was taken (inputs and day), so a
    document rendered late never quotes a later act. An imported case's recorded acts lie beneath."""
    events = list(
        session.scalars(
            select(Event).where(Event.case_id == case.id, Event.kind == "action").order_by(Event.seq)
        )
    )
    later = {e.action for e in events if e.seq > event.seq}
    acts = {
        name: {**value, "on": date.fromisoformat(value["on"])}
        for name, value in case.data.items()
        if isinstance(value, Mapping) and isinstance(value.get("on"), str) and name not in later
    }
    for earlier in (e for e in events if e.seq <= event.seq):
        acts[earlier.action] = {**earlier.inputs, "on": earlier.effective_date}
    return acts


def _person_names(session: Session) -> Callable[[Any], str]:
    """Person fields hold ids; a document names the people."""

    def name(person_id: Any) -> str:
        person = session.get(Person, person_id) if isinstance(person_id, int) else None
        return person.name if person else ""

    return name
