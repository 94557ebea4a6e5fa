"""Forms generated from an action's declared fields, and the submitted form read back into inputs.

Every workflow gets its forms for free: a `Field` says its type, bounds and choices; this module
turns it into an input the browser checks first, and the engine's `clean` checks again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from api.web.common import STATUS_LABELS
from engine.definitions import Field, FieldType
from engine.models import Org, Person

PREFIX = "f_"  # form names of declared fields; the rest (on, reason, waive) belong to the act
WAIVE_PREFIX = "waive__"
LONG_TEXT = 200  # longer texts get a text area


@dataclass
class Choice:
    value: str
    label: str


@dataclass
class Input:
    """One form control: what the template needs to draw it."""

    name: str
    label: str
    widget: str  # text, textarea, number, date, select
    required: bool
    value: str = ""
    help: str = ""
    minimum: int | None = None
    maximum: int | None = None
    max_length: int | None = None
    choices: list[Choice] = field(default_factory=list)
    error: str = ""


@dataclass
class Pickers:
    """People and organizations a form may name, looked up once per page."""

    people: list[Choice] = field(default_factory=list)
    orgs: list[Choice] = field(default_factory=list)


def pickers(session: Session, org_ids: Sequence[int], fields: Sequence[Field]) -> Pickers:
    """People of the case's organizations (full members first) and every organization, as needed."""
    found = Pickers()
    types = {f.type for f in fields}
    if FieldType.PERSON in types and org_ids:
        query = (
            select(Person, Org.short_name)
            .join(Org, Org.id == Person.org_id)
            .where(or_(*(Person.org_id == i for i in org_ids)))
            .order_by(Person.status != "full_member", Person.org_id, Person.name)
        )
        found.people = [
            Choice(str(p.id), f"{p.name}（{STATUS_LABELS.get(p.status, p.status)}，{short}）")
            for p, short in session.execute(query)
        ]
    if FieldType.ORG in types:
        found.orgs = org_choices(session)
    return found


def org_choices(session: Session) -> list[Choice]:
    rows = session.execute(select(Org.id, Org.name, Org.path).order_by(Org.path))
    return [Choice(str(i), "　" * (path.count("/") - 2) + name) for i, name, path in rows]


def inputs_for(
    fields: Sequence[Field],
    found: Pickers,
    values: Mapping[str, Any] | None = None,
    errors: Mapping[str, str] | None = None,
) -> list[Input]:
    values, errors = values or {}, errors or {}
    return [_input(f, found, str(values.get(f.name, "") or ""), errors.get(f.name, "")) for f in fields]


def _input(spec: Field, found: Pickers, value: str, error: str) -> Input:
    common = {
        "name": PREFIX + spec.name,
        "label": spec.label,
        "required": spec.required,
        "value": value,
        "help": spec.help,
        "error": error,
    }
    if spec.type is FieldType.INTEGER:
        return Input(widget="number", minimum=spec.minimum, maximum=spec.maximum, **common)
    if spec.type is FieldType.DATE:
        return Input(widget="date", **common)
    if spec.type is FieldType.BOOLEAN:
        return Input(widget="select", choices=[Choice("true", "是"), Choice("false", "否")], **common)
    if spec.type is FieldType.CHOICE:
        return Input(widget="select", choices=[Choice(v, label) for v, label in spec.choices], **common)
    if spec.type is FieldType.PERSON:
        return Input(widget="select", choices=found.people, **common)
    if spec.type is FieldType.ORG:
        return Input(widget="select", choices=found.orgs, **common)
    widget = "textarea" if spec.max_length > LONG_TEXT else "text"
    return Input(widget=widget, max_length=spec.max_length, **common)


@dataclass
class Submission:
    inputs: dict[str, Any]
    on: date | None
    reason: str
    waive: list[str]
    expected_version: int | None
    errors: dict[str, str]


def read_submission(form: Mapping[str, Any]) -> Submission:
    """The declared fields' raw values (the engine converts and checks them) and the act's own."""
    inputs = {k.removeprefix(PREFIX): _one(v) for k, v in form.items() if k.startswith(PREFIX)}
    inputs = {k: v for k, v in inputs.items() if v != ""}
    errors: dict[str, str] = {}
    on: date | None = None
    raw_on = _one(form.get("on", "")).strip()
    if raw_on:
        try:
            on = date.fromisoformat(raw_on)
        except ValueError:
            errors["on"] = "办理日期格式应如 2026-05-11"
    version: int | None = None
    try:
        version = int(_one(form.get("expected_version", "")))
    except ValueError:
        errors["expected_version"] = "页面已过期，请刷新后重试"
    waive = [k.removeprefix(WAIVE_PREFIX) for k in form if k.startswith(WAIVE_PREFIX)]
    return Submission(inputs, on, _one(form.get("reason", "")), waive, version, errors)


def _one(value: Any) -> str:
    if isinstance(value, list):
        return str(value[-1]) if value else ""
    return str(value)
