"""The database tables, as SQLAlchemy 2 mapped classes; schema changes go through alembic."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, validates
from sqlalchemy.types import TypeDecorator

from engine.errors import InvalidInput
from engine.identity import InvalidIdNumber, parse_id_number

JsonType = JSON().with_variant(JSONB(), "postgresql")


class UtcDateTime(TypeDecorator[datetime]):
    """Timestamps are stored in UTC and always read back timezone-aware (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is not None:
            return value.astimezone(UTC) if dialect.name == "sqlite" else value
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JsonType, list[Any]: JsonType}


def _utc_now() -> datetime:
    from engine.clock import SystemClock

    return SystemClock().now()


class Org(Base):
    """A party organization; `path` ('/1/4/9/') makes subtree scopes one indexed prefix match."""

    __tablename__ = "orgs"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str] = mapped_column(String(100), default="")
    kind: Mapped[str] = mapped_column(String(40))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("orgs.id"), index=True)
    path: Mapped[str] = mapped_column(String(400), default="", index=True)
    region_code: Mapped[str] = mapped_column(String(12), default="")
    can_approve_admission: Mapped[bool] = mapped_column(Boolean, default=False)
    address: Mapped[str] = mapped_column(String(300), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    postcode: Mapped[str] = mapped_column(String(10), default="")
    on_platform: Mapped[bool] = mapped_column(Boolean, default=True)

    parent: Mapped[Org | None] = relationship(remote_side=[id])

    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to this organization itself."""
        return [int(part) for part in self.path.strip("/").split("/") if part]


class Person(Base):
    __tablename__ = "people"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    sex: Mapped[str] = mapped_column(String(2))
    ethnicity: Mapped[str] = mapped_column(String(20), default="汉族")
    birth_date: Mapped[date] = mapped_column(Date)
    id_number: Mapped[str] = mapped_column(String(18), unique=True)
    education: Mapped[str] = mapped_column(String(20), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    status: Mapped[str] = mapped_column(String(30), default="non_member", index=True)
    org_id: Mapped[int | None] = mapped_column(ForeignKey("orgs.id"), index=True)
    work_unit: Mapped[str] = mapped_column(String(200), default="")
    mobile: Mapped[bool] = mapped_column(Boolean, default=False)
    admitted_on: Mapped[date | None] = mapped_column(Date)
    full_member_since: Mapped[date | None] = mapped_column(Date)
    dues_paid_until: Mapped[date | None] = mapped_column(Date)
    extra: Mapped[dict[str, Any]] = mapped_column(default=dict)

    org: Mapped[Org | None] = relationship()

    @validates("id_number")
    def _valid_id_number(self, _key: str, value: str) -> str:
        """No invalid 公民身份号码 reaches the table, whichever path wrote it."""
        try:
            return parse_id_number(value).value
        except InvalidIdNumber as exc:
            raise InvalidInput({"id_number": exc.message}) from exc


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    password_hash: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(200), default="")
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime())

    grants: Mapped[list[RoleGrant]] = relationship(back_populates="user")


class RoleGrant(Base):
    """A role held at one organization, and below it when `subtree` is set."""

    __tablename__ = "role_grants"
    __table_args__ = (UniqueConstraint("user_id", "role", "org_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(40))
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"))
    subtree: Mapped[bool] = mapped_column(Boolean, default=False)

    user: Mapped[User] = relationship(back_populates="grants")
    org: Mapped[Org] = relationship()


class DefinitionVersion(Base):
    """The fingerprint of each loaded workflow version: a changed body under an old version is refused."""

    __tablename__ = "definition_versions"
    workflow: Mapped[str] = mapped_column(String(60), primary_key=True)
    version: Mapped[str] = mapped_column(String(30), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    loaded_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=_utc_now)


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_workflow_state", "workflow", "state"),
        # A subtree's cases of one workflow without reading the rows (reports at a million cases).
        Index("ix_cases_org_workflow", "org_id", "workflow", "id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    workflow: Mapped[str] = mapped_column(String(60))
    definition_version: Mapped[str] = mapped_column(String(30))
    policy_name: Mapped[str] = mapped_column(String(60))
    policy_version: Mapped[str] = mapped_column(String(30))
    subject_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"), index=True)
    state: Mapped[str] = mapped_column(String(80))
    state_detail: Mapped[Any] = mapped_column(JsonType)
    entered: Mapped[dict[str, Any]] = mapped_column(default=dict)  # state path -> ISO date entered
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    version: Mapped[int] = mapped_column(Integer, default=1)  # always equals the last event's seq
    audit_head: Mapped[str] = mapped_column(String(64), default="")  # hash of the last event
    closed: Mapped[bool] = mapped_column(Boolean, default=False)
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime())
    opened_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    deadlines_suspended_on: Mapped[date | None] = mapped_column(Date)

    # A concurrent writer that loaded the same version loses: its UPDATE matches no row.
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}  # noqa: RUF012

    subject: Mapped[Person] = relationship()
    org: Mapped[Org] = relationship()
    parties: Mapped[list[CaseParty]] = relationship(back_populates="case")


class CaseParty(Base):
    """An organization that takes part in a case: outflow/inflow side, home/work place, …"""

    __tablename__ = "case_parties"
    __table_args__ = (UniqueConstraint("case_id", "role"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    role: Mapped[str] = mapped_column(String(40))
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"), index=True)

    case: Mapped[Case] = relationship(back_populates="parties")
    org: Mapped[Org] = relationship()


class Event(Base):
    """Append-only and hash-chained per case: `hash` covers the content and `prev_hash`."""

    __tablename__ = "events"
    __table_args__ = (UniqueConstraint("case_id", "seq"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(30), default="action")
    action: Mapped[str] = mapped_column(String(80))
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    effective_date: Mapped[date] = mapped_column(Date)
    from_state: Mapped[Any] = mapped_column(JsonType)
    to_state: Mapped[Any] = mapped_column(JsonType)
    inputs: Mapped[dict[str, Any]] = mapped_column(default=dict)
    reason: Mapped[str] = mapped_column(Text, default="")
    definition_version: Mapped[str] = mapped_column(String(30))
    policy_version: Mapped[str] = mapped_column(String(60))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class Task(Base):
    __tablename__ = "tasks"
    __table_args__ = (
        Index("ix_tasks_queue", "status", "queue_org_id", "queue_role", "due_date"),
        Index("ix_tasks_assignee", "status", "assignee_id", "due_date"),
        # Large subtrees: walk open tasks in due order and stop at the page size.
        Index("ix_tasks_due_order", "status", "queue_role", "due_date", "priority", "id"),
        # Subtree queues: `queue_org_path LIKE '/1/4/%'` must use an index on PostgreSQL too.
        Index(
            "ix_tasks_subtree",
            "status",
            "queue_role",
            "queue_org_path",
            postgresql_ops={"queue_org_path": "varchar_pattern_ops"},
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    workflow: Mapped[str] = mapped_column(String(60), default="")  # copied from the case: queues filter on it
    name: Mapped[str] = mapped_column(String(80))
    label: Mapped[str] = mapped_column(String(200))
    state_path: Mapped[str] = mapped_column(String(200))
    queue_org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"))
    queue_role: Mapped[str] = mapped_column(String(40))
    queue_org_path: Mapped[str] = mapped_column(String(400), default="")
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(20), default="open")
    priority: Mapped[int] = mapped_column(Integer, default=0)
    due_date: Mapped[date | None] = mapped_column(Date)
    due_provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class Timer(Base):
    __tablename__ = "timers"
    __table_args__ = (Index("ix_timers_due", "status", "due_date"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(20))
    state_path: Mapped[str] = mapped_column(String(200))
    due_date: Mapped[date] = mapped_column(Date)
    due_provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    action: Mapped[str | None] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(20), default="pending")
    fired_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    retry_after: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_error: Mapped[str] = mapped_column(Text, default="")


class Document(Base):
    """An official notice or letter: numbered when issued, rendered to PDF afterwards, never re-rendered."""

    __tablename__ = "documents"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"))
    kind: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(200))
    template: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="pending")
    issuer_org_id: Mapped[int | None] = mapped_column(ForeignKey("orgs.id"))
    year: Mapped[int | None] = mapped_column(Integer)
    sequence: Mapped[int | None] = mapped_column(Integer)
    verify_code: Mapped[str | None] = mapped_column(String(32), unique=True)
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    rendered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    number: Mapped[str | None] = mapped_column(String(60))
    sha256: Mapped[str | None] = mapped_column(String(64))
    storage_path: Mapped[str | None] = mapped_column(String(400))
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # A voided document (an expired or lost letter) keeps its number and file; it is no longer valid.
    voided_on: Mapped[date | None] = mapped_column(Date)
    void_reason: Mapped[str] = mapped_column(String(200), default="")


class Outbox(Base):
    """Jobs written in the business transaction and handed to the broker only after it commits."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_pending", "sent_at", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    topic: Mapped[str] = mapped_column(String(60))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    request_id: Mapped[str | None] = mapped_column(String(64))  # the request that caused the job


class CalendarYear(Base):
    """An official holiday schedule an administrator loaded (国务院办公厅 notice)."""

    __tablename__ = "calendar_years"
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    loaded_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=_utc_now)


class Notification(Base):
    """One message in one user's inbox (or, with no user, the organization's for that role)."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_inbox", "user_id", "read_at", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    org_id: Mapped[int | None] = mapped_column(ForeignKey("orgs.id"))
    role: Mapped[str] = mapped_column(String(40), default="")
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    timer_id: Mapped[int | None] = mapped_column(ForeignKey("timers.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    read_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    emailed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class Substitution(Base):
    """A substitute (代理人) who works a user's queues for a period."""

    __tablename__ = "substitutions"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    substitute_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")


class RefreshToken(Base):
    """A long-lived refresh token, stored only as its SHA-256; rotated on every use."""

    __tablename__ = "refresh_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class IdempotencyRecord(Base):
    """The first response to a state-changing request with an `Idempotency-Key`, replayed on retry."""

    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("user_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    key: Mapped[str] = mapped_column(String(200))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class DocumentCounter(Base):
    """The last number issued per issuing organization, document kind and year (no gaps, no repeats)."""

    __tablename__ = "document_counters"
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(60), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class StoredBlob(Base):
    """Document bytes when the database is the chosen storage."""

    __tablename__ = "stored_blobs"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)


class PersonChange(Base):
    """One field of a person changed outside a case (a corrected roster import): the person's history.

    Values are kept as the text the roster shows ('2025-07-01', '是'), so the history reads the same
    whatever the column's type; `old` is empty for a field set for the first time."""

    __tablename__ = "person_changes"
    __table_args__ = (Index("ix_person_changes_person_id_id", "person_id", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    field: Mapped[str] = mapped_column(String(60))
    old: Mapped[str | None] = mapped_column(Text)
    new: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(200))
    changed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime())
