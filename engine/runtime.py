"""Fires actions on persisted cases, each as one database transaction, and explains what is possible.

`fire` reads as the lifecycle of a transition: load and lock the case, check scope and version,
check the actor's right and every rule, move the state, write the event, close and open tasks and
timers, queue documents in the outbox, commit. Anything that fails rolls the whole step back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from engine import audit, documents, schedule
from engine.authz import SYSTEM, Actor, can_see, case_orgs, permitted, resolve_org
from engine.calendar import WorkingCalendar
from engine.clock import Clock
from engine.definitions import Action, At, CaseOpening, FieldType, Workflow
from engine.errors import (
    ActionNotAvailable,
    Conflict,
    DefinitionError,
    Forbidden,
    InvalidInput,
    NotFound,
    RuleRefusal,
    UnmetRule,
)
from engine.fields import clean
from engine.machine import (
    SEPARATOR,
    MachineFactory,
    StateValue,
    active_paths,
    leaves,
    state_paths,
    top_state,
)
from engine.models import Case, CaseParty, Event, Org, Person
from engine.policy import PolicyProfile
from engine.registry import Registry
from engine.relocation import relocate
from engine.rules import EventView, RuleContext

CalendarSource = Callable[[Session], WorkingCalendar]

OWN_CASE = UnmetRule(
    rule="not_own_case",
    citation="回避原则（职责分离）",
    message="不能办理与本人有关的事项",
)
REASON_REQUIRED = "请写明理由（特殊情况、延期或豁免必须有书面理由）"


@dataclass(frozen=True)
class FireResult:
    case_id: int
    version: int
    state: str
    state_detail: StateValue
    event_id: int
    closed: bool


@dataclass(frozen=True)
class ActionOption:
    """An action the case could take now: allowed, or blocked with every reason and earliest date."""

    action: Action
    permitted: bool
    unmet: list[UnmetRule] = field(default_factory=list)

    @property
    def allowed(self) -> bool:
        return self.permitted and not self.unmet


@dataclass(frozen=True)
class ForecastStep:
    action: str
    label: str
    earliest: date
    provisional: bool


class Engine:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        registry: Registry,
        clock: Clock,
        calendars: CalendarSource,
    ) -> None:
        self.sessions = sessions
        self.registry = registry
        self.clock = clock
        self.calendars = calendars
        self.machines = MachineFactory()

    # -- opening ---------------------------------------------------------------------------

    def open_case(
        self,
        *,
        workflow: str,
        subject_id: int,
        org_id: int,
        actor: Actor,
        parties: Mapping[str, int] | None = None,
        data: Mapping[str, Any] | None = None,
        on: date | None = None,
        profile: str = "national",
    ) -> FireResult:
        with self.sessions.begin() as session:
            return self.open_case_in(
                session, workflow=workflow, subject_id=subject_id, org_id=org_id, actor=actor,
                parties=parties, data=data, on=on, profile=profile,
            )  # fmt: skip

    def open_case_in(
        self,
        session: Session,
        *,
        workflow: str,
        subject_id: int,
        org_id: int,
        actor: Actor,
        parties: Mapping[str, int] | None = None,
        data: Mapping[str, Any] | None = None,
        on: date | None = None,
        profile: str = "national",
        start_state: str | None = None,
        entered_on: Mapping[str, date] | None = None,
    ) -> FireResult:
        """Open a case inside the caller's transaction (another case's action may open it).

        `start_state` opens it part-way (a member imported in the middle of a process), with the
        day each state was entered in `entered_on`, so its clocks run from the real dates."""
        definition = self.registry.get(workflow)
        policy = self.registry.profile(profile)
        org = session.get(Org, org_id)
        subject = session.get(Person, subject_id)
        if org is None or subject is None:
            raise NotFound("组织或人员不存在")
        day = self.effective_date(on, None)
        case = Case(
            workflow=definition.name,
            definition_version=definition.version,
            policy_name=policy.name,
            policy_version=policy.version,
            subject_id=subject_id,
            org_id=org_id,
            state="",
            state_detail="",
            data=_json_safe(data or {}),
            opened_at=self.clock.now(),
            opened_by=actor.user_id,
            version=0,
        )
        case.org, case.subject = org, subject
        session.add(case)
        session.flush()
        for role, party_org in (parties or {}).items():
            session.add(CaseParty(case_id=case.id, role=role, org_id=party_org))
        session.flush()
        if not actor.is_system and not _may_open(session, actor, case, definition):
            raise Forbidden("您没有在该组织发起此流程的权限")
        if start_state is not None and start_state not in state_paths(definition):
            raise InvalidInput({"start_state": f"流程“{definition.title}”没有环节 {start_state}"})
        value = self.machines.initial_value(definition, start_state)
        entered = active_paths(value)
        since = dict(entered_on or {})
        case.state, case.state_detail = top_state(value), value
        case.entered = {p: _entered_since(p, since, day).isoformat() for p in entered}
        event = audit.append(
            session, case, kind="open", action="import_case" if start_state else "open_case",
            actor_user_id=actor.user_id,
            at=self.clock.now(), effective_date=day, from_state=None, to_state=value,
            inputs=dict(case.data), reason="", policy_version=policy.label_on(day),
        )  # fmt: skip
        ctx = self._context(session, case, policy, day, {}, day)
        schedule.enter(session, case, state_paths(definition), entered, ctx, self.clock.now())
        session.flush()
        return _result(case, event)

    # -- firing ----------------------------------------------------------------------------

    def fire(
        self,
        case_id: int,
        action_name: str,
        actor: Actor,
        inputs: Mapping[str, Any] | None = None,
        *,
        expected_version: int,
        on: date | None = None,
        reason: str = "",
        waive: Sequence[str] = (),
    ) -> FireResult:
        try:
            with self.sessions.begin() as session:
                return self.fire_in(
                    session, case_id, action_name, actor, inputs or {},
                    expected_version=expected_version, on=on, reason=reason, waive=waive,
                )  # fmt: skip
        except (StaleDataError, IntegrityError) as exc:
            raise Conflict("案件已被他人更新，请刷新后重试") from exc

    def fire_in(
        self,
        session: Session,
        case_id: int,
        action_name: str,
        actor: Actor,
        inputs: Mapping[str, Any],
        *,
        expected_version: int,
        on: date | None = None,
        reason: str = "",
        waive: Sequence[str] = (),
        issue_documents: bool = True,
    ) -> FireResult:
        """Fire inside the caller's transaction (the timer sweep runs each timer in a savepoint).

        `issue_documents=False` lets a batch of acts that share one document (a branch's result list)
        issue it once, with the last act."""
        reason = reason.strip()
        case = self.load_case(session, case_id, actor, lock=True)
        if case.version != expected_version:
            raise Conflict(f"案件已被他人更新（当前版本 {case.version}），请刷新后重试")
        workflow, policy = self.definitions_of(case)
        action = _action(workflow, action_name)
        source = self._matching_source(case, action)
        if action.automatic and not actor.is_system:
            raise Forbidden("此事项由系统自动办理")
        if not actor.is_system and not _may_fire(session, actor, case, action):
            raise Forbidden(f"您没有办理“{action.label}”的权限")
        day = self.effective_date(on, _last_date(session, case))
        values = clean(action.fields, inputs)
        ctx = self._context(session, case, policy, day, values, _entered_on(case, source), action)
        unmet = self._unmet(session, case, action, actor, ctx)
        if waive and not reason:
            raise InvalidInput({"reason": REASON_REQUIRED})
        blocking = [u for u in unmet if not (u.waivable and u.rule in set(waive))]
        if blocking:
            raise RuleRefusal(blocking)
        if action.requires_reason and not reason:
            raise InvalidInput({"reason": REASON_REQUIRED})
        waived = sorted(u.rule for u in unmet)
        return self._apply(
            session, case, workflow, policy, action, actor, day, values, reason, waived, issue_documents
        )

    def _apply(
        self,
        session: Session,
        case: Case,
        workflow: Workflow,
        policy: PolicyProfile,
        action: Action,
        actor: Actor,
        day: date,
        values: dict[str, Any],
        reason: str,
        waived: list[str],
        issue_documents: bool = True,
    ) -> FireResult:
        now = self.clock.now()
        before = case.state_detail
        step = self.machines.step(workflow, before, action.name) if action.target else None
        after = step.after if step else before
        recorded = {**values, **({"waived": waived} if waived else {})}
        event = audit.append(
            session, case, kind="action", action=action.name, actor_user_id=actor.user_id,
            at=now, effective_date=day, from_state=before, to_state=after,
            inputs=recorded, reason=reason, policy_version=policy.label_on(day),
        )  # fmt: skip
        case.data = {**case.data, action.name: {**values, "on": day.isoformat()}}
        for kind in action.voids:
            documents.void(session, case, kind, day, action.label)
        if issue_documents:
            self._issue_documents(session, case, workflow, action, event)
        ctx = self._context(session, case, policy, day, values, day, action)
        _apply_derived(case, action, ctx)
        # The derived data and the subject's new values; the events are the same (read once).
        ctx_after = replace(ctx, data=case.data, facts=_facts(session, case, values, action))
        if step:
            schedule.leave(session, case, step.exited, now)
            entered = {p: v for p, v in case.entered.items() if p not in step.exited}
            case.entered = entered | {p: day.isoformat() for p in step.entered}
            case.state, case.state_detail = top_state(after), after
            case.closed = _is_final(workflow, after)
            schedule.enter(session, case, state_paths(workflow), step.entered, ctx_after, now)
        else:
            staying = {a.name for a in workflow.actions if a.target is None}
            schedule.complete(session, case, state_paths(workflow), staying, action.name, ctx_after, now)
        if action.moves_subject_to:
            self._move_subject(session, case, action, actor, day, policy)
        for opening in action.opens:
            self._open_follow_up(session, case, opening, ctx_after, actor, day)
        session.flush()
        return _result(case, event)

    def _move_subject(
        self, session: Session, case: Case, action: Action, actor: Actor, day: date, policy: PolicyProfile
    ) -> None:
        """Move the person's relation, and their open cases that follow it, in this transaction."""
        target = resolve_org(session, case, action.moves_subject_to or "")
        if target is None:
            raise DefinitionError(f"动作 {action.name} 找不到接收组织（{action.moves_subject_to}）")
        case.subject.org_id = target.id
        others = session.scalars(
            select(Case).where(Case.subject_id == case.subject_id, Case.closed.is_(False), Case.id != case.id)
        )
        for other in others:
            workflow, other_policy = self.definitions_of(other)
            if workflow.follows_subject and other.org_id != target.id:
                relocate(
                    session, other, workflow, target, actor, reason=f"随组织关系转接（案件 {case.id}）",
                    now=self.clock.now(), day=day, policy_label=other_policy.label_on(day),
                )  # fmt: skip

    def _open_follow_up(
        self, session: Session, case: Case, opening: CaseOpening, ctx: RuleContext, actor: Actor, day: date
    ) -> None:
        org = resolve_org(session, case, opening.at)
        if org is None:
            raise DefinitionError(f"找不到后续流程 {opening.workflow} 的承办组织（{opening.at}）")
        parties = {
            p.role: p.org_id for p in session.scalars(select(CaseParty).where(CaseParty.case_id == case.id))
        }
        data = {"opened_by_case": case.id, **(opening.data(ctx) if opening.data else {})}
        self.open_case_in(
            session, workflow=opening.workflow, subject_id=case.subject_id, org_id=org.id, actor=SYSTEM,
            parties=parties, data=data, on=day, profile=case.policy_name,
        )  # fmt: skip

    def _issue_documents(
        self, session: Session, case: Case, workflow: Workflow, action: Action, event: Event
    ) -> None:
        """Number the act's documents before its derived data, which may quote them: the numbers go
        to `data["documents"]` by kind (the latest of each), e.g. the letter's number in its record."""
        if action.documents:
            session.flush()  # the event's id
        issued = {
            kind: documents.issue(session, case, workflow.document(kind), event.id, self.clock.now()).number
            for kind in action.documents
        }
        if issued:
            case.data = {**case.data, "documents": {**case.data.get("documents", {}), **issued}}

    # -- explaining ------------------------------------------------------------------------

    def options(self, case_id: int, actor: Actor, on: date | None = None) -> list[ActionOption]:
        """Every action that starts from the current state, with who may fire it and what blocks it."""
        with self.sessions() as session:
            case = self.load_case(session, case_id, actor)
            workflow, policy = self.definitions_of(case)
            day = on or self.clock.today()
            found = []
            for action in workflow.actions:
                source = _active_source(case, action)
                if action.automatic or source is None or case.closed:
                    continue
                ctx = self._context(session, case, policy, day, {}, _entered_on(case, source))
                unmet = [u for u in self._unmet(session, case, action, actor, ctx, judge_inputs=False)]
                allowed = actor.is_system or _may_fire(session, actor, case, action)
                found.append(ActionOption(action, allowed, unmet))
            return found

    def forecast(self, case_id: int, actor: Actor = SYSTEM) -> list[ForecastStep]:
        """The earliest date of each remaining step of the usual path, if each is taken on time."""
        with self.sessions() as session:
            case = self.load_case(session, case_id, actor)
            workflow, policy = self.definitions_of(case)
            calendar = self.calendars(session)
            events = _event_views(session, case)
            done = {e.action for e in events}
            day = max(self.clock.today(), events[-1].on if events else self.clock.today())
            steps: list[ForecastStep] = []
            for name in (n for n in workflow.main_path if n not in done):
                action = workflow.action(name)
                ctx = RuleContext(day, {}, case.data, events, policy.values_on(day), calendar, day)
                for rule in (r for r in action.rules if r.time_bound):
                    verdict = rule.check(ctx)
                    if not verdict.ok and verdict.earliest:
                        day = max(day, verdict.earliest)
                provisional = not calendar.is_confirmed(day.year)
                steps.append(ForecastStep(name, action.label, day, provisional))
                events = [*events, EventView(name, day, None, {})]
            return steps

    # -- internals -------------------------------------------------------------------------

    def load_case(self, session: Session, case_id: int, actor: Actor, lock: bool = False) -> Case:
        case = session.get(Case, case_id, with_for_update=lock or None)
        if case is None or not can_see(actor, case, case_orgs(session, case)):
            raise NotFound("案件不存在或不在您的管理范围内")
        return case

    def definitions_of(self, case: Case) -> tuple[Workflow, PolicyProfile]:
        return (
            self.registry.get(case.workflow, case.definition_version),
            self.registry.profile(case.policy_name, case.policy_version),
        )

    def _matching_source(self, case: Case, action: Action) -> str:
        source = _active_source(case, action)
        if case.closed or source is None:
            raise ActionNotAvailable(f"案件当前环节不能办理“{action.label}”")
        return source

    def effective_date(self, on: date | None, last: date | None) -> date:
        today = self.clock.today()
        day = on or today
        if day > today:
            raise InvalidInput({"on": "办理日期不能晚于今天"})
        if last is not None and day < last:
            raise InvalidInput({"on": f"办理日期不能早于上一环节的办理日期（{last.isoformat()}）"})
        return day

    def _context(
        self,
        session: Session,
        case: Case,
        policy: PolicyProfile,
        day: date,
        values: Mapping[str, Any],
        entered_on: date,
        action: Action | None = None,
    ) -> RuleContext:
        return RuleContext(
            on=day,
            inputs=values,
            data=case.data,
            events=_event_views(session, case),
            policy=policy.values_on(day),
            calendar=self.calendars(session),
            entered_on=entered_on,
            facts=_facts(session, case, values, action),
        )

    def _unmet(
        self,
        session: Session,
        case: Case,
        action: Action,
        actor: Actor,
        ctx: RuleContext,
        *,
        judge_inputs: bool = True,
    ) -> list[UnmetRule]:
        found: list[UnmetRule] = []
        self_service = any(p.at == At.SUBJECT for p in action.permissions)
        if actor.person_id is not None and actor.person_id == case.subject_id and not self_service:
            found.append(OWN_CASE)
        for name in action.distinct_from:
            earlier = ctx.last(name)
            if earlier and actor.user_id is not None and earlier.actor_user_id == actor.user_id:
                label = _action_label(self.registry.get(case.workflow, case.definition_version), name)
                found.append(
                    UnmetRule(
                        rule=f"distinct_from_{name}",
                        citation="职责分离（经办人与审批人不得为同一人）",
                        message=f"“{label}”由您经办，本环节须由其他人员办理",
                    )
                )
        for rule in action.rules:
            if rule.needs_input and not judge_inputs:
                continue
            verdict = rule.check(ctx)
            if not verdict.ok:
                message = f"{rule.message}（{verdict.detail}）" if verdict.detail else rule.message
                found.append(UnmetRule(rule.name, rule.citation, message, verdict.earliest, rule.waivable))
        return found


SUBJECT_ATTRIBUTES = frozenset(
    {"status", "admitted_on", "full_member_since", "mobile", "dues_paid_until", "extra"}
)


def _apply_derived(case: Case, action: Action, ctx: RuleContext) -> None:
    """Store what the action derives: case data first, so the subject's values may build on it."""
    if action.sets_data:
        case.data = {**case.data, **_json_safe(action.sets_data(ctx))}
    updates = dict(action.sets_subject(ctx)) if action.sets_subject else {}
    if action.subject_status:
        updates["status"] = action.subject_status
    unknown = set(updates) - SUBJECT_ATTRIBUTES
    if unknown:
        raise DefinitionError(f"动作 {action.name} 试图修改人员的未知属性：{sorted(unknown)}")
    if "extra" in updates:  # merged key by key: other processes keep their own entries
        updates["extra"] = {**(case.subject.extra or {}), **_json_safe(updates["extra"])}
    for attribute, value in updates.items():
        setattr(case.subject, attribute, value)


def _json_safe(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}


def _entered_since(path: str, since: Mapping[str, date], default: date) -> date:
    """The recorded entry date of a state, else of its nearest ancestor that has one."""
    parts = path.split(SEPARATOR)
    for depth in range(len(parts), 0, -1):
        ancestor = SEPARATOR.join(parts[:depth])
        if ancestor in since:
            return since[ancestor]
    return default


def _action(workflow: Workflow, name: str) -> Action:
    try:
        return workflow.action(name)
    except KeyError:
        raise NotFound(f"流程“{workflow.title}”没有此办理事项：{name}") from None


def _action_label(workflow: Workflow, name: str) -> str:
    return workflow.action(name).label


def _active_source(case: Case, action: Action) -> str | None:
    active = active_paths(case.state_detail)
    return next((s for s in action.source if s in active), None)


def _entered_on(case: Case, path: str) -> date:
    return date.fromisoformat(case.entered[path])


def _is_final(workflow: Workflow, value: StateValue) -> bool:
    paths = state_paths(workflow)
    return all(paths[leaf].final and SEPARATOR not in leaf for leaf in leaves(value))


def _may_fire(session: Session, actor: Actor, case: Case, action: Action) -> bool:
    return any(permitted(session, actor, case, p.role, p.at) for p in action.permissions)


def _may_open(session: Session, actor: Actor, case: Case, workflow: Workflow) -> bool:
    return any(permitted(session, actor, case, p.role, p.at) for p in workflow.opened_by)


def _last_date(session: Session, case: Case) -> date | None:
    return session.scalar(
        select(Event.effective_date).where(Event.case_id == case.id).order_by(Event.seq.desc())
    )


def _person_facts(person: Person) -> dict[str, Any]:
    return {
        "id": person.id,
        "name": person.name,
        "status": person.status,
        "birth_date": person.birth_date,
        "org_id": person.org_id,
        "admitted_on": person.admitted_on,
        "full_member_since": person.full_member_since,
        "mobile": person.mobile,
        "extra": dict(person.extra or {}),
    }


def _facts(session: Session, case: Case, values: Mapping[str, Any], action: Action | None) -> dict[str, Any]:
    """The people and organizations rules may reason about, looked up once per judgement."""
    ids = (
        [values[f.name] for f in action.fields if f.type is FieldType.PERSON and f.name in values]
        if action
        else []
    )
    people: Iterable[Person] = session.scalars(select(Person).where(Person.id.in_(ids))) if ids else ()
    org = case.org
    return {
        "subject": _person_facts(case.subject),
        "org": {"id": org.id, "kind": org.kind, "can_approve_admission": org.can_approve_admission},
        "people": {p.id: _person_facts(p) for p in people},
    }


def _event_views(session: Session, case: Case) -> list[EventView]:
    rows = session.scalars(select(Event).where(Event.case_id == case.id).order_by(Event.seq))
    return [EventView(e.action, e.effective_date, e.actor_user_id, e.inputs) for e in rows]


def _result(case: Case, event: Event) -> FireResult:
    return FireResult(case.id, case.version, case.state, case.state_detail, event.id, case.closed)
