"""People in the caller's organizations: search, read, register. Identity numbers and phones are
masked unless the caller's role needs them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from litestar import Controller, Response, get, post
from litestar.params import FromQuery, JSONBody
from sqlalchemy import or_, select

from api.routes.common import (
    AnyRequest,
    BodyId,
    ObjectId,
    OptionalId,
    PageSize,
    actor_of,
    decode_cursor,
    encode_cursor,
    idempotent,
    page_size,
    services_of,
    shown_id_number,
    shown_phone,
)
from engine.authz import Actor, holds
from engine.errors import Forbidden, InvalidInput, NotFound
from engine.identity import InvalidIdNumber, parse_id_number
from engine.models import Org, Person, PersonChange
from engine.scope import org_covered

REGISTRARS = ("caseworker", "branch_secretary", "organization_department", "administrator")
STATUSES = ("non_member", "applicant", "activist", "candidate", "probationary_member", "full_member")


@dataclass
class PersonOut:
    id: int
    name: str
    sex: str
    ethnicity: str
    birth_date: date
    id_number: str
    education: str
    phone: str
    status: str
    org_id: int | None
    mobile: bool
    admitted_on: date | None
    full_member_since: date | None

    @classmethod
    def of(cls, person: Person, actor: Actor) -> PersonOut:
        org = person.org
        shown = {
            "id_number": shown_id_number(actor, org, person.id_number),
            "phone": shown_phone(actor, org, person.phone),
        }
        copied = {f: getattr(person, f) for f in cls.__dataclass_fields__ if f not in shown}
        return cls(**copied, **shown)


@dataclass
class PersonPage:
    items: list[PersonOut]
    next_cursor: str | None


@dataclass
class PersonIn:
    name: str
    sex: str
    birth_date: date
    id_number: str
    org_id: BodyId
    ethnicity: str = "汉族"
    education: str = ""
    phone: str = ""
    status: str = "non_member"
    work_unit: str = ""


def visible_person(s: Any, actor: Actor, person_id: int) -> Person:
    person = s.scalar(
        select(Person).join(Org, Org.id == Person.org_id).where(Person.id == person_id, org_covered(s, actor))
    )
    if person is None and actor.person_id == person_id:
        person = s.get(Person, person_id)
    if person is None:
        raise NotFound("人员不存在或不在您的管理范围内")
    return person


class PeopleController(Controller):
    path = "/api/people"
    tags = ["people"]

    @get("/", operation_id="listPeople", sync_to_thread=True)
    def list_people(
        self,
        request: AnyRequest,
        q: FromQuery[str | None] = None,
        org_id: OptionalId = None,
        status: FromQuery[str | None] = None,
        cursor: FromQuery[str | None] = None,
        limit: PageSize = 50,
    ) -> PersonPage:
        """Search by name (or the full 身份证号); only people of organizations the caller covers."""
        services, actor = services_of(request), actor_of(request)
        after = int(decode_cursor(cursor).get("id", 0))
        with services.engine.sessions() as s:
            rows = search_people(
                s, actor, q=q, org_id=org_id, status=status, after=after, limit=page_size(limit) + 1
            )
            items = [PersonOut.of(p, actor) for p in rows[:limit]]
        more = len(rows) > limit
        return PersonPage(items, encode_cursor({"id": items[-1].id}) if more and items else None)

    @get("/{person_id:int}", operation_id="getPerson", sync_to_thread=True)
    def get_person(self, request: AnyRequest, person_id: ObjectId) -> PersonOut:
        services, actor = services_of(request), actor_of(request)
        with services.engine.sessions() as s:
            return PersonOut.of(visible_person(s, actor, person_id), actor)

    @post("/", operation_id="createPerson", sync_to_thread=True)
    def create_person(self, request: AnyRequest, data: JSONBody[PersonIn]) -> Response[Any]:
        """Register a person in an organization the caller may register people in."""
        return idempotent(request, data, lambda: self._create(request, data))

    def _create(self, request: AnyRequest, data: JSONBody[PersonIn]) -> Response[Any]:
        services, actor = services_of(request), actor_of(request)
        with services.engine.sessions.begin() as s:
            out = PersonOut.of(register_person(s, actor, data, services.engine.clock.today()), actor)
        return Response(out.__dict__, status_code=201)


def search_people(
    s: Any,
    actor: Actor,
    *,
    q: str | None = None,
    org_id: int | None = None,
    status: str | None = None,
    after: int = 0,
    limit: int = 50,
) -> list[Person]:
    """By name (or the full 身份证号), only people of organizations the caller covers, by id."""
    query = select(Person).join(Org, Org.id == Person.org_id).where(org_covered(s, actor), Person.id > after)
    if q:
        query = query.where(or_(Person.name.contains(q.strip()), Person.id_number == q.strip().upper()))
    if org_id is not None:
        query = query.where(Person.org_id == org_id)
    if status:
        query = query.where(Person.status == status)
    return list(s.scalars(query.order_by(Person.id).limit(limit)))


def register_person(s: Any, actor: Actor, data: PersonIn, today: date) -> Person:
    """Register a person in an organization the caller may register people in; every bad field named."""
    errors = _person_errors(data, today)
    if errors:
        raise InvalidInput(errors)
    org = s.get(Org, data.org_id)
    if org is None or not any(holds(actor, role, org) for role in REGISTRARS):
        raise Forbidden("您没有在该组织登记人员的权限")
    if s.scalar(select(Person.id).where(Person.id_number == data.id_number.strip().upper())):
        raise InvalidInput({"id_number": "该公民身份号码已登记"})
    person = Person(**{k: v for k, v in data.__dict__.items()})
    s.add(person)
    s.flush()
    return person


EDITABLE = {"phone": ("联系电话", 20), "education": ("学历", 20), "work_unit": ("工作单位", 200)}


def update_contact(s: Any, actor: Actor, person_id: int, values: dict[str, str], now: datetime) -> list[str]:
    """Correct a person's phone, education or work unit; each change is kept in the person's history.

    Status, organization and dates change only through the processes (or a roster import)."""
    person = visible_person(s, actor, person_id)
    if person.org is None or not any(holds(actor, role, person.org) for role in REGISTRARS):
        raise Forbidden("您没有修改该人员信息的权限")
    errors = {
        name: f"“{label}”不能超过{limit}字"
        for name, (label, limit) in EDITABLE.items()
        if len(values.get(name, "")) > limit
    }
    if errors:
        raise InvalidInput(errors)
    changed = []
    for name in EDITABLE:
        new = values.get(name, "").strip()
        old = getattr(person, name) or ""
        if name in values and new != old:
            setattr(person, name, new)
            s.add(
                PersonChange(
                    person_id=person.id, field=name, old=old or None, new=new or None,
                    source="人员信息页面", changed_by=actor.user_id, changed_at=now,
                )
            )  # fmt: skip
            changed.append(EDITABLE[name][0])
    return changed


def _person_errors(data: PersonIn, today: date) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not data.name.strip() or len(data.name) > 50:
        errors["name"] = "请填写姓名（不超过50字）"
    if data.sex not in ("男", "女"):
        errors["sex"] = "性别应为“男”或“女”"
    if data.status not in STATUSES:
        errors["status"] = "人员类别不正确"
    if data.birth_date > today:
        errors["birth_date"] = "出生日期不能晚于今天"
    try:
        number = parse_id_number(data.id_number, today=today)
    except InvalidIdNumber as exc:
        errors["id_number"] = exc.message
        return errors
    if number.birth_date != data.birth_date:
        errors["birth_date"] = "出生日期与公民身份号码不一致"
    if data.sex in ("男", "女") and number.sex != data.sex:
        errors["sex"] = "性别与公民身份号码不一致"
    return errors
