"""The roster import: every row checked before anything is written, people in the middle of the
development process placed in their state with their real clocks, corrections recorded as history."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from api.importing import PROCESS_IMPORT
from api.importing.layouts import STATUS_LABEL
from engine.authz import Actor, Grant
from engine.identity import check_digit
from engine.models import Case, Event, Org, Person, PersonChange, Task, Timer
from tests.importing.conftest import Setup, edit, orgs_xlsx, people_xlsx, sheet_rows

ORGS = [
    {"name": "中共示例县委员会", "short_name": "示例县委", "kind": "committee", "can_approve_admission": True},
    {"name": "中共城关镇委员会", "short_name": "城关镇党委", "parent": "示例县委", "kind": "primary_committee",
     "can_approve_admission": True},
    {"name": "城关镇东街村党支部", "short_name": "东街村党支部", "parent": "城关镇党委", "kind": "branch"},
    {"name": "城关镇西街村党支部", "short_name": "西街村党支部", "parent": "城关镇党委", "kind": "branch"},
    {"name": "中共新坝镇委员会", "short_name": "新坝镇党委", "parent": "示例县委", "kind": "primary_committee",
     "can_approve_admission": True},
    {"name": "新坝镇光明村党支部", "short_name": "光明村党支部", "parent": "新坝镇党委", "kind": "branch"},
]  # fmt: skip


def number(born: date, male: bool, seq: int = 1) -> str:
    first17 = f"620725{born:%Y%m%d}{seq * 2 + (1 if male else 0):03d}"
    return first17 + check_digit(first17)


def person(name: str, born: date, male: bool, status: str, seq: int = 1, **values: Any) -> dict[str, Any]:
    return {
        "name": name, "sex": "男" if male else "女", "birth_date": born, "id_number": number(born, male, seq),
        "status": status, "org": "东街村党支部", "education": "大学本科", "phone": "13800000000", "ethnicity": "汉族",
        **values,
    }  # fmt: skip


ROSTER = [
    person("李明", date(1970, 3, 7), True, "full_member", admitted_on=date(1995, 7, 1),
           full_member_since=date(1996, 7, 1), dues_paid_until=date(2026, 10, 31)),
    person("王芳", date(1998, 2, 28), False, "probationary_member", applied_on=date(2023, 3, 1),
           activist_since=date(2023, 9, 1), candidate_since=date(2025, 9, 10), admitted_on=date(2026, 5, 20),
           dues_paid_until=date(2026, 10, 31)),
    person("张伟", date(2000, 1, 15), True, "activist", applied_on=date(2025, 1, 10), activist_since=date(2025, 3, 1)),
    person("赵丽", date(2001, 6, 1), False, "applicant", applied_on=date(2026, 11, 2), org="光明村党支部"),
    person("刘洋", date(1999, 9, 9), True, "candidate", applied_on=date(2024, 1, 5), activist_since=date(2024, 4, 1),
           candidate_since=date(2026, 6, 30)),
    person("陈静", date(1985, 12, 12), False, "non_member", org="西街村党支部"),
    person("马强", date(1980, 2, 29), True, "full_member", admitted_on=date(2004, 2, 29),
           full_member_since=date(2005, 2, 28)),
    person("孙娟", date(1975, 5, 5), False, "full_member", admitted_on=date(2020, 5, 20),
           probation_extended_to=date(2021, 11, 19), full_member_since=date(2021, 11, 20)),
]  # fmt: skip


def loaded(setup: Setup) -> Setup:
    assert setup.orgs(orgs_xlsx(ORGS)).ok
    return setup


def test_a_roster_imports_everyone_and_opens_a_case_for_each_person_in_the_process(setup: Setup) -> None:
    report = loaded(setup).people(people_xlsx(ROSTER))

    assert report.ok, report.lines()
    assert (report.people.created, report.people.updated, report.cases_opened) == (8, 0, 4)
    with setup.sessions() as s:
        people = {p.name: p for p in s.scalars(select(Person))}
        cases = {c.subject.name: c for c in s.scalars(select(Case))}
        zhao_org = people["赵丽"].org.name if people["赵丽"].org else ""
    assert {n: p.status for n, p in people.items()} == {r["name"]: r["status"] for r in ROSTER}
    assert people["王芳"].extra == {
        "applied_on": "2023-03-01", "activist_since": "2023-09-01", "candidate_since": "2025-09-10",
    }  # fmt: skip
    assert people["孙娟"].extra == {"probation_extended_to": "2021-11-19"}
    assert zhao_org == "新坝镇光明村党支部"
    assert {n: c.state for n, c in cases.items()} == {
        "王芳": PROCESS_IMPORT["probationary_member"].state,
        "张伟": PROCESS_IMPORT["activist"].state,
        "赵丽": PROCESS_IMPORT["applicant"].state,
        "刘洋": PROCESS_IMPORT["candidate"].state,
    }


def test_imported_cases_run_their_clocks_from_the_dates_in_the_row(setup: Setup) -> None:
    loaded(setup).people(people_xlsx(ROSTER))

    with setup.sessions() as s:
        case = {c.subject.name: c for c in s.scalars(select(Case))}
        opening = s.scalars(select(Event).where(Event.case_id == case["王芳"].id)).one()
        timers = {t.name: t.due_date for t in s.scalars(select(Timer))}
        tasks = {t.name: t.due_date for t in s.scalars(select(Task))}
    probation = PROCESS_IMPORT["probationary_member"]
    assert case["王芳"].entered == {probation.state: "2026-05-20"}
    assert case["王芳"].data["hold_admission_meeting"] == {"on": "2026-05-20"}
    assert case["王芳"].data["probation_end"] == "2027-05-19"
    assert timers["probation_deadline"] == date(2027, 5, 20)  # event anchor falls back to the recorded date
    assert case["张伟"].entered == {PROCESS_IMPORT["activist"].state: "2025-03-01"}
    assert timers["cultivation_year"] == date(2026, 3, 1)  # one year of cultivation from the decision
    assert tasks["talk"] == date(2026, 12, 2)  # within one month of the application
    assert tasks["political_review"] == date(2026, 9, 30)
    assert (opening.action, opening.effective_date) == ("import_case", date(2026, 11, 20))
    assert opening.inputs["imported"]["source"].startswith("导入 people.xlsx")


def test_reimporting_the_same_file_changes_nothing(setup: Setup) -> None:
    data = people_xlsx(ROSTER)
    loaded(setup).people(data)
    with setup.sessions() as s:
        before = [
            (p.id, p.status, p.phone, dict(p.extra)) for p in s.scalars(select(Person).order_by(Person.id))
        ]

    again = setup.people(data)

    assert again.ok and (again.people.created, again.people.updated, again.people.unchanged) == (0, 0, 8)
    assert again.cases_opened == 0
    with setup.sessions() as s:
        after = [
            (p.id, p.status, p.phone, dict(p.extra)) for p in s.scalars(select(Person).order_by(Person.id))
        ]
    assert after == before
    assert setup.count(Case) == 4 and setup.count(PersonChange) == 0


def test_a_corrected_file_updates_only_the_changed_rows_and_records_each_change(setup: Setup) -> None:
    data = people_xlsx(ROSTER)
    loaded(setup).people(data)
    corrected = edit(data, {
        (2, "联系电话"): "13912345678", (2, "学历"): "硕士研究生",  # 李明
        (7, "所在党支部"): "光明村党支部",  # 陈静 (no case) moves
        (9, "党费交至"): "2026-09",  # 孙娟
    })  # fmt: skip

    report = setup.people(corrected)

    assert report.ok, report.lines()
    assert (report.people.updated, report.people.unchanged) == (3, 5)
    changed = {a.key.split("（")[0]: a.changes for a in report.rows if a.action == "update"}
    assert changed == {"李明": ["学历", "联系电话"], "陈静": ["所在党支部"], "孙娟": ["党费交至"]}
    with setup.sessions() as s:
        history = [(c.field, c.old, c.new) for c in s.scalars(select(PersonChange).order_by(PersonChange.id))]
        li = s.scalars(select(Person).where(Person.name == "李明")).one()
        sources = set(s.scalars(select(PersonChange.source)))
    assert sorted(history) == sorted([
        ("education", "大学本科", "硕士研究生"), ("phone", "13800000000", "13912345678"),
        ("org_id", "城关镇西街村党支部", "新坝镇光明村党支部"), ("dues_paid_until", None, "2026-09-30"),
    ])  # fmt: skip
    assert (li.phone, li.education) == ("13912345678", "硕士研究生")
    assert len(sources) == 1 and sources.pop().startswith("导入 people.xlsx（")


def test_a_file_with_bad_rows_is_refused_whole_with_every_error_located(setup: Setup) -> None:
    bad_checksum = dict(
        ROSTER[0], id_number=ROSTER[0]["id_number"][:17] + ("0" if ROSTER[0]["id_number"][17] != "0" else "1")
    )
    rows = [
        bad_checksum,  # row 2
        dict(ROSTER[1], birth_date=date(1998, 3, 1)),  # row 3: birth date differs from the number
        dict(ROSTER[2], sex="女"),  # row 4: sex differs from the number
        dict(ROSTER[6], full_member_since=date(2003, 1, 1)),  # row 5: 转正 before 入党
        dict(ROSTER[7], probation_extended_to=None),  # row 6: 转正 not a year after 入党, no extension given
        dict(ROSTER[5], org="不存在的党支部"),  # row 7
        dict(ROSTER[3]),  # row 8
        dict(ROSTER[3], phone="13700000000"),  # row 9: the same person again
        dict(ROSTER[4], activist_since=date(2023, 1, 1), applied_on=date(2024, 1, 5)),  # row 10: out of order
        dict(ROSTER[5], id_number=number(date(1985, 12, 12), False, 7), org="城关镇党委"),  # row 11
        dict(ROSTER[2], id_number=number(date(2000, 1, 15), True, 9), status="activist", admitted_on=date(2026, 1, 1)),
    ]  # fmt: skip
    report = loaded(setup).people(people_xlsx(rows))

    assert not report.ok and not report.written
    assert {(e.row, e.column, e.message) for e in report.errors} == {
        (2, "公民身份号码", "公民身份号码校验位不正确"),
        (3, "出生日期", "与公民身份号码中的出生日期（1998-02-28）不一致"),
        (4, "性别", "与公民身份号码不一致（号码第17位表示“男”）"),
        (5, "转正日期", "应晚于入党日期（2004-02-29）"),
        (
            6,
            "转正日期",
            "应为2021-05-20（预备期一年，转正日期应为入党日期满一年之日；如延长了预备期，请填写“延长预备期至”）",
        ),
        (7, "所在党支部", "找不到组织“不存在的党支部”（系统中没有，本文件中也没有）"),
        (9, "公民身份号码", "与第8行的公民身份号码重复（同一人只能有一行）"),
        (10, "确定为积极分子日期", "应不早于申请入党日期（2024-01-05）"),
        (11, "所在党支部", "“城关镇党委”不是党支部，人员应编入党支部、党总支或流动党员党支部"),
        (12, "入党日期", "人员类别为“入党积极分子”，不应填写此项"),
    }
    assert all(e.sheet == "人员" for e in report.errors)
    assert report.summary() == "文件有10处错误，未导入任何数据"
    assert setup.count(Person) == 0 and setup.count(Case) == 0


def test_a_person_already_registered_under_another_name_is_a_clash(setup: Setup) -> None:
    loaded(setup).people(people_xlsx(ROSTER[:1]))
    report = setup.people(people_xlsx([dict(ROSTER[0], name="李敏")]))

    assert [(e.row, e.column) for e in report.errors] == [(2, "姓名")]
    assert "已登记为“李*”" in report.errors[0].message


def test_an_extension_of_probation_moves_full_membership_and_is_bounded(setup: Setup) -> None:
    extended = dict(ROSTER[7], probation_extended_to=date(2021, 8, 1), full_member_since=date(2021, 8, 2))
    report = loaded(setup).people(people_xlsx([extended]))

    assert [(e.column, e.message) for e in report.errors] == [
        ("延长预备期至", "延长预备期不能少于半年，最长不超过一年：应在2021-11-19至2022-05-19之间"),
    ]


def test_status_and_dates_of_a_person_with_a_case_are_left_to_the_process(setup: Setup) -> None:
    data = people_xlsx(ROSTER)
    loaded(setup).people(data)
    report = setup.people(
        edit(data, {(4, "人员类别"): "发展对象", (4, "确定为发展对象日期"): date(2026, 3, 2)})
    )

    assert [(e.row, e.column) for e in report.errors] == [(4, "人员类别")]
    assert "由流程办理" in report.errors[0].message


def test_a_dry_run_reports_each_row_and_writes_nothing(setup: Setup) -> None:
    report = loaded(setup).people(people_xlsx(ROSTER), dry_run=True)

    assert report.ok and report.dry_run and not report.written
    assert (report.people.created, report.cases_opened) == (8, 4)
    assert [(a.row, a.action) for a in report.rows] == [(n, "create") for n in range(2, 10)]
    assert report.rows[1].case == f"development: {PROCESS_IMPORT['probationary_member'].state}"
    assert report.summary().startswith("试导入（未写入任何数据）")
    assert setup.count(Person) == 0 and setup.count(Case) == 0


def test_a_workbook_with_an_org_sheet_imports_the_tree_first(setup: Setup) -> None:
    import io

    from openpyxl import load_workbook

    people = load_workbook(io.BytesIO(people_xlsx(ROSTER)))
    orgs = load_workbook(io.BytesIO(orgs_xlsx(ORGS))).worksheets[0]
    sheet = people.create_sheet("组织", 0)
    for row in orgs.iter_rows(values_only=True):
        sheet.append(row)
    out = io.BytesIO()
    people.save(out)

    report = setup.people(out.getvalue())

    assert report.ok, report.lines()
    assert (report.orgs.created, report.people.created) == (6, 8)
    assert setup.count(Org) == 6 and setup.count(Person) == 8


def test_without_the_workflow_installed_people_are_registered_and_the_report_says_no_case(
    setup: Setup,
) -> None:
    report = loaded(setup).people(people_xlsx(ROSTER), process={
        s: PROCESS_IMPORT[s].__class__("not_installed", "X", PROCESS_IMPORT[s].since) for s in PROCESS_IMPORT
    })  # fmt: skip

    assert report.ok and report.cases_opened == 0
    assert report.warnings == [
        "流程“not_installed”尚未安装：4名正在发展过程中的人员只登记了人员信息，未建立案件"
    ]
    assert setup.count(Person) == 8 and setup.count(Case) == 0


def test_an_identity_number_stored_as_a_number_is_refused_with_the_reason(setup: Setup) -> None:
    data = edit(people_xlsx(ROSTER[:1]), {(2, "公民身份号码"): 6.20725197003071e17})
    report = loaded(setup).people(data)

    assert [(e.column, e.message) for e in report.errors] == [
        ("公民身份号码", "公民身份号码被存为数字，末几位已丢失；请将该列设为文本格式后重新填写")
    ]


def test_an_importer_only_reaches_the_organizations_of_their_grants(setup: Setup) -> None:
    loaded(setup)
    with setup.sessions() as s:
        township = s.scalars(select(Org).where(Org.short_name == "城关镇党委")).one()
    department = Actor(99, None, "城关镇组织委员", (Grant("organization_department", township.id, True),))
    caseworker = Actor(98, None, "经办人", (Grant("caseworker", township.id, True),))

    mine = setup.people(people_xlsx(ROSTER[:3]), actor=department, dry_run=True)
    theirs = setup.people(people_xlsx([ROSTER[3]]), actor=department, dry_run=True)
    not_an_importer = setup.people(people_xlsx(ROSTER[:1]), actor=caseworker, dry_run=True)

    assert mine.ok
    assert [(e.column, e.message) for e in theirs.errors] == [("所在党支部", "该组织不在您的管理范围内")]
    assert not not_an_importer.ok


def test_the_report_shows_status_labels_in_chinese() -> None:
    assert [STATUS_LABEL[s] for s in PROCESS_IMPORT] == ["入党申请人", "入党积极分子", "发展对象", "预备党员"]


def test_an_export_holds_the_imported_cells_and_imports_again_with_no_change(setup: Setup) -> None:
    from api.importing import export_people

    data = people_xlsx(ROSTER)
    loaded(setup).people(data)
    with setup.sessions() as s:
        exported = export_people(s)
    full_names = {o["short_name"]: o["name"] for o in ORGS}
    branch = 7  # 所在党支部: written back as the full name
    original = [
        [full_names.get(v, v) if i == branch else v for i, v in enumerate(r)] for r in sheet_rows(data)
    ]
    assert sorted(map(str, sheet_rows(exported))) == sorted(map(str, original))
    again = setup.people(exported)
    assert (again.people.unchanged, again.people.updated, again.cases_opened) == (8, 0, 0)


def test_without_the_policy_profile_people_are_registered_and_the_report_says_no_case(setup: Setup) -> None:
    report = loaded(setup).people(people_xlsx(ROSTER), profile="provincial")

    assert report.ok and report.cases_opened == 0
    assert report.warnings == [
        "政策配置“provincial”尚未安装：4名正在发展过程中的人员只登记了人员信息，未建立案件"
    ]
    assert setup.count(Person) == 8 and setup.count(Case) == 0
