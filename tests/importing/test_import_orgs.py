"""The organization tree import: parents resolved in the file or the database, no loops, paths right
after creating and after moving a subtree, scope by the importer's grants."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from api.importing import export_orgs
from engine.authz import Actor, Grant
from engine.models import Case, Org, Person, Task
from tests.importing.conftest import Setup, edit, orgs_xlsx, sheet_rows
from tests.importing.test_import_people import ORGS


def paths(setup: Setup) -> dict[str, str]:
    with setup.sessions() as s:
        orgs = list(s.scalars(select(Org)))
        names = {str(o.id): o.short_name for o in orgs}
        return {o.short_name: "/".join(names[i] for i in o.path.strip("/").split("/")) for o in orgs}


def test_a_tree_imports_with_children_before_their_parents_in_the_file(setup: Setup) -> None:
    report = setup.orgs(orgs_xlsx(list(reversed(ORGS))))

    assert report.ok, report.lines()
    assert report.orgs.created == 6
    assert paths(setup) == {
        "示例县委": "示例县委",
        "城关镇党委": "示例县委/城关镇党委",
        "东街村党支部": "示例县委/城关镇党委/东街村党支部",
        "西街村党支部": "示例县委/城关镇党委/西街村党支部",
        "新坝镇党委": "示例县委/新坝镇党委",
        "光明村党支部": "示例县委/新坝镇党委/光明村党支部",
    }
    with setup.sessions() as s:
        county = s.scalars(select(Org).where(Org.kind == "committee")).one()
        assert county.can_approve_admission and county.parent_id is None


def test_reimporting_the_same_tree_changes_nothing_and_an_export_imports_as_it_is(setup: Setup) -> None:
    data = orgs_xlsx(ORGS)
    setup.orgs(data)

    again = setup.orgs(data)
    with setup.sessions() as s:
        exported = export_orgs(s)
    round_trip = setup.orgs(exported)

    assert (again.orgs.created, again.orgs.updated, again.orgs.unchanged) == (0, 0, 6)
    assert (round_trip.orgs.updated, round_trip.orgs.unchanged) == (0, 6)
    assert [r[0] for r in sheet_rows(exported)[1:]] == [o["name"] for o in ORGS]  # parents first


def test_moving_a_branch_rewrites_its_path_and_the_paths_of_tasks_queued_there(setup: Setup) -> None:
    data = orgs_xlsx(ORGS)
    setup.orgs(data)
    with setup.sessions.begin() as s:
        branch = s.scalars(select(Org).where(Org.short_name == "西街村党支部")).one()
        person = Person(name="甲", sex="男", birth_date=datetime(1970, 3, 7).date(), id_number="62072419700307001X",
                        org_id=branch.id)  # fmt: skip
        s.add(person)
        s.flush()
        case = Case(workflow="x", definition_version="1", policy_name="n", policy_version="1", subject_id=person.id,
                    org_id=branch.id, state="A", state_detail="A", opened_at=datetime.now(UTC))  # fmt: skip
        s.add(case)
        s.flush()
        s.add(Task(case_id=case.id, name="t", label="t", state_path="A", queue_org_id=branch.id, queue_role="r",
                   queue_org_path=branch.path, created_at=datetime.now(UTC)))  # fmt: skip

    report = setup.orgs(edit(data, {(5, "上级组织"): "新坝镇党委", (5, "地址"): "新坝镇"}))

    assert report.ok and report.orgs.updated == 1
    assert report.rows[3].changes == ["上级组织", "地址"]
    assert paths(setup)["西街村党支部"] == "示例县委/新坝镇党委/西街村党支部"
    with setup.sessions() as s:
        moved = s.scalars(select(Org).where(Org.short_name == "西街村党支部")).one()
        assert s.scalars(select(Task.queue_org_path)).one() == moved.path


def test_a_tree_with_bad_rows_is_refused_whole(setup: Setup) -> None:
    rows = [
        *ORGS[:2],
        {"name": "甲党支部", "parent": "乙党支部", "kind": "branch"},  # row 4: a loop with row 5
        {"name": "乙党支部", "parent": "甲党支部", "kind": "branch"},  # row 5
        {"name": "丙党支部", "parent": "不存在的党委", "kind": "branch"},  # row 6
        {"name": "中共城关镇委员会", "parent": "示例县委", "kind": "党委"},  # row 7: same name as row 3
        {
            "name": "丁党支部",
            "parent": "城关镇党委",
            "kind": "党小队",
            "region_code": "62",
            "postcode": "7343",
        },
        {"name": "", "kind": "branch"},  # row 9
    ]
    report = setup.orgs(orgs_xlsx(rows))

    assert {(e.row, e.column, e.message) for e in report.errors} == {
        (4, "上级组织", "上级关系形成循环：甲党支部 → 乙党支部 → 甲党支部"),
        (5, "上级组织", "上级关系形成循环：乙党支部 → 甲党支部 → 乙党支部"),
        (6, "上级组织", "找不到组织“不存在的党委”（系统中没有，本文件中也没有）"),
        (7, "组织名称", "与第3行重复"),
        (8, "组织类别", "应为党委、基层党委、党工委、党总支、党支部、流动党员党支部、组织部之一"),
        (8, "行政区划代码", "应为6位、9位或12位数字"),
        (8, "邮编", "应为6位数字"),
        (9, "组织名称", "必填"),
    }
    assert setup.count(Org) == 0


def test_a_dry_run_of_a_tree_writes_nothing(setup: Setup) -> None:
    report = setup.orgs(orgs_xlsx(ORGS), dry_run=True)

    assert report.ok and report.orgs.created == 6 and not report.written
    assert setup.count(Org) == 0


def test_a_department_adds_organizations_below_its_own_and_nowhere_else(setup: Setup) -> None:
    setup.orgs(orgs_xlsx(ORGS))
    with setup.sessions() as s:
        township = s.scalars(select(Org).where(Org.short_name == "城关镇党委")).one()
    department = Actor(99, None, "城关镇组织委员", (Grant("organization_department", township.id, True),))
    rows = [
        {"name": "城关镇北街村党支部", "parent": "城关镇党委", "kind": "branch"},  # row 2: allowed
        {"name": "新坝镇红沙河村党支部", "parent": "新坝镇党委", "kind": "branch"},  # row 3: not theirs
        {"name": "另一县委", "kind": "committee"},  # row 4: a new top
        {
            "name": "中共新坝镇委员会",
            "short_name": "新坝镇党委",
            "parent": "示例县委",
            "kind": "primary_committee",
            "can_approve_admission": True,
            "address": "新坝镇",
        },  # row 5: not theirs to change
    ]

    report = setup.orgs(orgs_xlsx(rows), actor=department)

    assert {(e.row, e.column, e.message) for e in report.errors} == {
        (3, "上级组织", "上级组织不在您的管理范围内，不能在其下新建或移入组织"),
        (4, "上级组织", "不能新建顶级组织或将组织移为顶级组织（超出您的管理范围）"),
        (5, "组织名称", "该组织不在您的管理范围内"),
    }
    assert setup.orgs(orgs_xlsx(rows[:1]), actor=department).ok
