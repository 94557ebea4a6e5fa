"""Demo data: a county's organization tree, its people and users, and cases in every stage.

Everything is fictional but shaped like the real thing: a county committee with township
committees, village, community, enterprise and school branches, and a mobile members' branch in
another province. Cases are walked through each workflow's usual path with the real engine, so
their events, tasks and deadlines are exactly what a caseworker would have produced.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from api.bootstrap import Services
from api.demo_scenarios import SUBJECT_ORG, scenarios_for
from api.importing.process import PROCESS_IMPORT, case_opening
from engine.authz import SYSTEM, Actor, load_actor, resolve_org
from engine.calendar import add_months
from engine.clock import FixedClock
from engine.definitions import Action, At, Field, FieldType, Workflow
from engine.demo_identities import IdentityFactory
from engine.errors import EngineError, NotFound, RuleRefusal
from engine.machine import state_paths
from engine.models import Case, Org, Person, RoleGrant, User
from engine.orgs import add_org
from engine.passwords import hash_password
from engine.runtime import Engine

DEMO_PASSWORD = "demo2026"
REGION = "620725"  # fictional county code used throughout the demo

# (name, short name, kind, can approve admission, children)
TREE: tuple[Any, ...] = (
    "中共丰乐县委员会",
    "丰乐县委",
    "committee",
    True,
    (
        ("中共丰乐县委组织部", "县委组织部", "organization_department", False, ()),
        (
            "中共丰乐县城关镇委员会",
            "城关镇党委",
            "primary_committee",
            True,
            (
                ("城关镇东街社区党支部", "东街社区党支部", "branch", False, ()),
                ("城关镇南关村党支部", "南关村党支部", "branch", False, ()),
                ("城关镇西街村党支部", "西街村党支部", "branch", False, ()),
            ),
        ),
        (
            "中共丰乐县新坝镇委员会",
            "新坝镇党委",
            "primary_committee",
            True,
            (
                ("新坝镇光明村党支部", "光明村党支部", "branch", False, ()),
                ("新坝镇红沙河村党支部", "红沙河村党支部", "branch", False, ()),
            ),
        ),
        (
            "中共丰乐县教育工作委员会",
            "县教育工委",
            "working_committee",
            True,
            (
                (
                    "中共丰乐县第一中学总支部委员会",
                    "县一中党总支",
                    "general_branch",
                    False,
                    (
                        ("县一中教师第一党支部", "教师第一党支部", "branch", False, ()),
                        ("县一中教师第二党支部", "教师第二党支部", "branch", False, ()),
                    ),
                ),
            ),
        ),
        (
            "中共丰乐县工业园区工作委员会",
            "园区工委",
            "working_committee",
            True,
            (("甘肃丰乐绿源农业科技有限公司党支部", "绿源公司党支部", "branch", False, ()),),
        ),
        ("中共丰乐县驻苏州流动党员党支部", "驻苏州流动党员党支部", "mobile_members_org", False, ()),
    ),
)
SUZHOU = "320500"
OTHER_SIDE = "驻苏州流动党员党支部"  # the default second organization of a demo case

# Per branch: status and how many people. Applicants, activists and candidates are not loaded as
# such: the demo walks non-members through the development workflow, so each has a case behind the
# status. A mobile members' branch only has members.
STATUSES = (("full_member", 14), ("probationary_member", 2), ("non_member", 9))
MEMBER_STATUSES = ("full_member", "probationary_member")


@dataclass
class DemoWorld:
    orgs: dict[str, Org] = field(default_factory=dict)
    people: list[Person] = field(default_factory=list)
    users: dict[str, int] = field(default_factory=dict)


def load_demo(services: Services, *, if_empty: bool = False) -> str:
    with services.engine.sessions.begin() as session:
        if if_empty and session.scalar(select(func.count()).select_from(Org)):
            return "demo data already present; nothing loaded"
        world = _load_orgs_people_users(session)
    cases = _load_cases(services, world)
    return (
        f"loaded {len(world.orgs)} organizations, {len(world.people)} people, "
        f"{len(world.users)} users, {cases} cases"
    )


def _load_orgs_people_users(session: Session) -> DemoWorld:
    world = DemoWorld()
    _add_tree(session, None, TREE, world)
    identities = IdentityFactory(seed=2026)
    branches = [o for o in world.orgs.values() if o.kind in ("branch", "mobile_members_org")]
    rng = random.Random(7)
    for branch in branches:
        for status, count in STATUSES:
            if branch.kind == "mobile_members_org" and status not in MEMBER_STATUSES:
                continue
            for _ in range(count):
                world.people.append(_person(session, identities, rng, branch, status))
    session.flush()
    _add_users(session, world)
    return world


def _add_tree(session: Session, parent: Org | None, node: tuple[Any, ...], world: DemoWorld) -> None:
    name, short, kind, approves, children = node
    region = SUZHOU if kind == "mobile_members_org" else REGION
    org = add_org(
        session, parent, name=name, short_name=short, kind=kind, region_code=region,
        can_approve_admission=approves, address=f"甘肃省丰乐县{short}", phone="0936-5521000",
        postcode="734300",
    )  # fmt: skip
    world.orgs[short] = org
    for child in children:
        _add_tree(session, org, child, world)


def _person(
    session: Session, identities: IdentityFactory, rng: random.Random, branch: Org, status: str
) -> Person:
    young = status in ("applicant", "activist", "candidate", "non_member")
    born_from, born_to = (
        (date(1990, 1, 1), date(2006, 6, 1)) if young else (date(1955, 1, 1), date(1998, 1, 1))
    )
    who = identities.person(born_from, born_to, region_code=REGION)
    admitted = _admission_date(rng, who.birth_date, status)
    person = Person(
        name=who.name, sex=who.sex, ethnicity=who.ethnicity, birth_date=who.birth_date,
        id_number=who.id_number, education=who.education, phone=who.phone, status=status,
        org_id=branch.id, work_unit=branch.name.removesuffix("党支部"),
        mobile=branch.kind == "mobile_members_org", admitted_on=admitted,
        full_member_since=add_months(admitted, 12) if admitted and status == "full_member" else None,
        dues_paid_until=date(2026, 10, 31) if admitted else None,
    )  # fmt: skip
    session.add(person)
    return person


def _admission_date(rng: random.Random, born: date, status: str) -> date | None:
    if status == "probationary_member":
        return date(2026, 1, 1) + timedelta(days=rng.randrange(300))
    if status == "full_member":
        earliest = max(born.replace(year=born.year + 19), date(1978, 1, 1))
        return earliest + timedelta(days=rng.randrange(max(1, (date(2025, 1, 1) - earliest).days)))
    return None


# (username, display name, [(role, org short name, subtree)])
USERS: tuple[tuple[str, str, tuple[tuple[str, str, bool], ...]], ...] = (
    ("admin", "系统管理员", (("administrator", "丰乐县委", True),)),
    (
        "zuzhibu",
        "县委组织部 王建国",
        (("organization_department", "丰乐县委", True), ("committee_approver", "丰乐县委", False)),
    ),
    (
        "chengguan",
        "城关镇党委组织委员 刘芳",
        (("committee_approver", "城关镇党委", True), ("organizer", "城关镇党委", True)),
    ),
    (
        "xinba",
        "新坝镇党委组织委员 赵志强",
        (("committee_approver", "新坝镇党委", True), ("organizer", "新坝镇党委", True)),
    ),
    *(
        (login, f"{branch}书记 {name}", (("branch_secretary", branch, False), ("caseworker", branch, False)))
        for login, branch, name in (
            ("xijie", "西街村党支部", "王桂兰"),
            ("hongshahe", "红沙河村党支部", "马福海"),
            ("jiaoshi2", "教师第二党支部", "孙丽娟"),
            ("lvyuan", "绿源公司党支部", "郭建军"),
        )
    ),
    (
        "dongjie",
        "东街社区党支部书记 陈静",
        (("branch_secretary", "东街社区党支部", False), ("caseworker", "东街社区党支部", False)),
    ),
    (
        "nanguan",
        "南关村党支部书记 马占林",
        (("branch_secretary", "南关村党支部", False), ("caseworker", "南关村党支部", False)),
    ),
    (
        "guangming",
        "光明村党支部书记 张永福",
        (("branch_secretary", "光明村党支部", False), ("caseworker", "光明村党支部", False)),
    ),
    (
        "jiaoshi",
        "教师第一党支部书记 李慧",
        (("branch_secretary", "教师第一党支部", False), ("caseworker", "教师第一党支部", False)),
    ),
    (
        "jiaogong",
        "县教育工委组织委员 周敏",
        (("committee_approver", "县教育工委", True), ("organizer", "县教育工委", True)),
    ),
    (
        "yuanqu",
        "园区工委组织委员 何文斌",
        (("committee_approver", "园区工委", True), ("organizer", "园区工委", True)),
    ),
    (
        "suzhou",
        "驻苏州流动党员党支部书记 杨光",
        (("branch_secretary", "驻苏州流动党员党支部", False), ("caseworker", "驻苏州流动党员党支部", False)),
    ),
)


def _add_users(session: Session, world: DemoWorld) -> None:
    password = hash_password(DEMO_PASSWORD)
    for username, display, grants in USERS:
        user = User(username=username, display_name=display, password_hash=password)
        session.add(user)
        session.flush()
        for role, org_short, subtree in grants:
            session.add(
                RoleGrant(user_id=user.id, role=role, org_id=world.orgs[org_short].id, subtree=subtree)
            )
        world.users[username] = user.id
    member = next(p for p in world.people if p.status == "full_member")
    user = User(
        username="dangyuan", display_name=f"党员 {member.name}", password_hash=password, person_id=member.id
    )
    session.add(user)
    session.flush()
    world.users["dangyuan"] = user.id


DEMO_LOGINS = "demo logins (password demo2026): " + ", ".join(u[0] for u in USERS) + ", dangyuan"


def _load_cases(services: Services, world: DemoWorld) -> int:
    """For each workflow, one case per demo path (every prefix of its usual path, plus its extra
    paths), started at dates spread over the last two years, early enough to end before today."""
    count = 0
    rng = random.Random(11)
    pools = {}
    for status, _ in STATUSES:
        people = [p for p in world.people if p.status == status]
        rng.shuffle(people)  # spread the cases over the branches
        pools[status] = people
    count += _open_roster_cases(services, world)
    today = services.engine.clock.today()
    for workflow in services.registry.workflows():
        scenarios = scenarios_for(workflow)
        roles = party_roles(workflow)
        for path in scenarios.paths:
            # a case with a second organization is not about one of that organization's own members
            named = scenarios.parties_for(path)
            others = {named.get(role, OTHER_SIDE) for role in roles} - {None, SUBJECT_ORG}
            subject = _take(pools[scenarios.subject_status], {world.orgs[str(o)].id for o in others})
            start = _start_date(rng, today, scenarios.months_needed(path), len(path.steps))
            parties = _parties(world, subject, roles, named)
            walk_case(services, workflow, subject, start, path.steps, parties, scenarios.inputs_for(path))
            count += 1
    return count


def _open_roster_cases(services: Services, world: DemoWorld) -> int:
    """The probationary members the demo loads (admitted before the system was used) get their case
    in the state an import of the roster would open it in, with the probation running from the
    meeting day."""
    start = PROCESS_IMPORT["probationary_member"]
    try:
        services.registry.get(start.workflow)
    except NotFound:
        return 0
    opened = 0
    with services.engine.sessions.begin() as session:
        for person in world.people:
            opening = case_opening(start, {"admitted_on": person.admitted_on})
            if person.status != "probationary_member" or opening is None:
                continue
            since, data = opening
            services.engine.open_case_in(
                session, workflow=start.workflow, subject_id=person.id, org_id=person.org_id or 0,
                actor=SYSTEM, data=data, on=since, start_state=start.state, entered_on={start.state: since},
            )  # fmt: skip
            opened += 1
    return opened


def _take(pool: list[Person], avoid_orgs: set[int]) -> Person:
    """The next person of the pool who is not a member of one of `avoid_orgs`."""
    for index, person in enumerate(pool):
        if person.org_id not in avoid_orgs:
            return pool.pop(index)
    raise EngineError("演示数据人数不足：请增加每个支部的人数")


def _start_date(rng: random.Random, today: date, months_needed: int, steps: int) -> date:
    """A start in the two years before `today` that leaves room for the path's waits and steps."""
    latest = today - timedelta(days=31 * months_needed + 4 * steps + 30)
    room = (latest - (today - timedelta(days=730))).days
    return latest - timedelta(days=rng.randrange(max(room, 60)))


def _parties(
    world: DemoWorld, subject: Person, roles: set[str], named: dict[str, str | None]
) -> dict[str, int]:
    """Each party role's organization: as the scenario names it, else the mobile members' branch."""
    parties = {}
    for role in roles:
        short = named.get(role, OTHER_SIDE)
        if short == SUBJECT_ORG:
            parties[role] = subject.org_id or 0
        elif short is not None:
            parties[role] = world.orgs[short].id
    return parties


def party_roles(workflow: Workflow) -> set[str]:
    """The party roles a workflow's permissions and tasks name ("party:<role>")."""
    places = [p.at for a in workflow.actions for p in a.permissions]
    places += [t.at for _, s in state_paths(workflow).items() for t in s.tasks]
    return {str(at).removeprefix("party:") for at in places if str(at).startswith("party:")}


def walk_case(
    services: Services,
    workflow: Workflow,
    subject: Person,
    start: date,
    steps: tuple[str, ...],
    parties: dict[str, int],
    inputs_by_action: dict[str, dict[str, Any]] | None = None,
) -> int:
    """Open a case on `start` and take `steps`, each on the first day its rules allow."""
    clock = FixedClock(start)
    engine = Engine(services.engine.sessions, services.registry, clock, services.engine.calendars)
    with engine.sessions() as session:
        opener = _actor_for(session, workflow.opened_by[0].role, subject.org_id)
    result = engine.open_case(
        workflow=workflow.name,
        subject_id=subject.id,
        org_id=subject.org_id or 0,
        actor=opener,
        parties=parties,
    )
    version = result.version
    for name in steps:
        action = workflow.action(name)
        for _attempt in range(3):
            try:
                with engine.sessions() as session:
                    case = session.get(Case, result.case_id)
                    assert case is not None
                    actor = _permitted_user(session, case, action)
                members = iter(_fellow_members(engine, subject))
                inputs = {f.name: _demo_value(f, clock.today(), subject, members) for f in action.fields}
                given = (inputs_by_action or {}).get(name, {})
                inputs.update({k: v(clock.today()) if callable(v) else v for k, v in given.items()})
                version = engine.fire(
                    result.case_id, name, actor, inputs, expected_version=version, reason="演示数据"
                ).version
                break
            except RuleRefusal as refusal:
                if refusal.earliest is None:
                    raise
                clock.set(refusal.earliest)
        else:
            raise EngineError(f"演示案件 {result.case_id} 无法办理“{action.label}”：三次尝试均被规则拒绝")
        if clock.today() > services.engine.clock.today():
            raise EngineError(f"演示案件 {result.case_id} 的“{action.label}”晚于今天：请提前开始日期")
        clock.advance(timedelta(days=3))
    return result.case_id


def _permitted_user(session: Session, case: Case, action: Action) -> Actor:
    """A demo user holding one of the action's permissions (the subject themself for self-service)."""
    for permission in action.permissions:
        if permission.at == At.SUBJECT:
            user_id = session.scalar(select(User.id).where(User.person_id == case.subject_id))
            if user_id is not None:
                return load_actor(session, user_id)
            continue
        org = resolve_org(session, case, permission.at)
        if org is not None:
            try:
                return _actor_for(session, permission.role, org.id)
            except EngineError:
                continue
    return SYSTEM  # nobody in the demo holds the role there: recorded as done by the system


def _actor_for(session: Session, role: str, org_id: int | None) -> Actor:
    """A demo user holding `role` at the subject's organization or above; the system otherwise."""
    org = session.get(Org, org_id)
    ancestors = org.ancestor_ids() if org else []
    covering = or_(RoleGrant.org_id == org_id, RoleGrant.subtree.is_(True) & RoleGrant.org_id.in_(ancestors))
    user_id = session.scalar(
        select(RoleGrant.user_id).where(RoleGrant.role == role, covering).order_by(RoleGrant.id).limit(1)
    )
    if user_id is None:
        raise EngineError(f"演示数据中没有可办理角色 {role} 的用户")
    return load_actor(session, user_id)


VOTE_DEFAULTS = {"voters_expected": 9, "voters_present": 8, "written_opinions": 0, "votes_for": 7}


def _fellow_members(engine: Engine, subject: Person) -> list[int]:
    """Full members of the subject's branch, for people fields (sponsors, talkers, mentors)."""
    with engine.sessions() as session:
        query = select(Person.id).where(
            Person.org_id == subject.org_id, Person.status == "full_member", Person.id != subject.id
        )
        return list(session.scalars(query.order_by(Person.id)))


def _demo_value(spec: Field, today: date, subject: Person, members: Iterator[int]) -> Any:
    if spec.name in VOTE_DEFAULTS:
        return VOTE_DEFAULTS[spec.name]
    if spec.type is FieldType.INTEGER:
        return max(spec.minimum or 0, 1)
    if spec.type is FieldType.DATE:
        return today.isoformat()
    if spec.type is FieldType.BOOLEAN:
        return True
    if spec.type is FieldType.CHOICE:
        return spec.choices[0][0]
    if spec.type is FieldType.PERSON:
        return next(members, subject.id)
    if spec.type is FieldType.ORG:
        return subject.org_id
    return f"（演示）{spec.label}"
