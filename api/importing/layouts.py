"""The two spreadsheet layouts (organizations, people): Chinese headers, what each column holds, and
the labels the cells use for the English names of GLOSSARY.md.

One table per layout drives the template, the reader, the export and the notes sheet, so the four
can never disagree about a header.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Cell(StrEnum):
    """How a column's cells are read and written."""

    TEXT = "text"
    DATE = "date"
    MONTH = "month"  # 党费交至: a month ("2026-10") or a date; stored as the month's last day
    YES_NO = "yes_no"
    CHOICE = "choice"
    ID_NUMBER = "id_number"


@dataclass(frozen=True)
class Column:
    header: str
    field: str  # the attribute (or `extra` key) it fills; "org" / "parent" name an organization
    cell: Cell = Cell.TEXT
    required: bool = False
    max_length: int = 200
    choices: tuple[str, ...] = ()
    note: str = ""
    width: int = 14


# 组织类别: the label in a cell -> the kind (GLOSSARY.md); the first label of a kind is written back.
ORG_KIND_LABELS: dict[str, str] = {
    "党委": "committee",
    "基层党委": "primary_committee",
    "党工委": "working_committee",
    "党总支": "general_branch",
    "党支部": "branch",
    "流动党员党支部": "mobile_members_org",
    "组织部": "organization_department",
}
ORG_KIND_ALIASES: dict[str, str] = {
    "工委": "working_committee",
    "党总支部": "general_branch",
    "总支": "general_branch",
    "支部": "branch",
    "流动党员党组织": "mobile_members_org",
    "组织部门": "organization_department",
}
KIND_LABEL: dict[str, str] = {kind: label for label, kind in ORG_KIND_LABELS.items()}
# Organizations people belong to: 所在党支部 must name one of these.
MEMBER_ORG_KINDS = frozenset({"branch", "general_branch", "mobile_members_org"})

STATUS_LABELS: dict[str, str] = {
    "群众": "non_member",
    "入党申请人": "applicant",
    "入党积极分子": "activist",
    "发展对象": "candidate",
    "预备党员": "probationary_member",
    "正式党员": "full_member",
}
STATUS_LABEL: dict[str, str] = {status: label for label, status in STATUS_LABELS.items()}
YES, NO = "是", "否"

ORG_SHEET = "组织"
PEOPLE_SHEET = "人员"
NOTES_SHEET = "填写说明"
DATE_NOTE = "日期写作 2025-07-01（也可用 2025/7/1、2025年7月1日 或 Excel 日期格式）"

ORG_COLUMNS: tuple[Column, ...] = (
    Column("组织名称", "name", required=True, max_length=200, width=36,
           note="党组织全称，如“中共丰乐县城关镇委员会”“城关镇东街社区党支部”；在本系统中唯一，是再次导入时识别组织的依据"),
    Column("简称", "short_name", max_length=100, width=20,
           note="如“城关镇党委”；填写“上级组织”“所在党支部”时也可用简称"),
    Column("上级组织", "parent", width=30,
           note="上级党组织的全称或简称：本表中的组织或系统中已有的组织；顶级组织不填"),
    Column("组织类别", "kind", Cell.CHOICE, required=True, choices=tuple(ORG_KIND_LABELS), width=16,
           note="党委、基层党委、党工委、党总支、党支部、流动党员党支部、组织部 之一"),
    Column("行政区划代码", "region_code", max_length=12, note="6位、9位或12位数字，如 620725"),
    Column("是否具有审批权限", "can_approve_admission", Cell.YES_NO, choices=(YES, NO), width=18,
           note="具有审批预备党员权限的党委填“是”（细则 第二十二条），其余填“否”；不填视为“否”"),
    Column("地址", "address", max_length=300, width=30),
    Column("联系电话", "phone", max_length=40, note="请以文本格式填写"),
    Column("邮编", "postcode", max_length=10, width=10, note="6位数字"),
)  # fmt: skip

PEOPLE_COLUMNS: tuple[Column, ...] = (
    Column("姓名", "name", required=True, max_length=50, width=10),
    Column("性别", "sex", Cell.CHOICE, required=True, choices=("男", "女"), width=6,
           note="男 或 女，须与公民身份号码第17位一致"),
    Column("民族", "ethnicity", max_length=20, width=8, note="如“汉族”；不填视为“汉族”"),
    Column("出生日期", "birth_date", Cell.DATE, required=True,
           note="须与公民身份号码中的出生日期一致。" + DATE_NOTE),
    Column("公民身份号码", "id_number", Cell.ID_NUMBER, required=True, width=22,
           note="18位，末位可为X；请以文本格式填写（数字格式会丢失末几位）；是再次导入时识别人员的依据"),
    Column("学历", "education", max_length=20, width=10, note="如 高中、大专、大学本科、硕士研究生"),
    Column("人员类别", "status", Cell.CHOICE, required=True, choices=tuple(STATUS_LABELS), width=14,
           note="群众、入党申请人、入党积极分子、发展对象、预备党员、正式党员 之一"),
    Column("所在党支部", "org", required=True, width=28,
           note="党支部（党总支、流动党员党支部）的全称或简称，须是系统中已有或本文件“组织”表中的组织"),
    Column("入党日期", "admitted_on", Cell.DATE,
           note="支部党员大会通过接收其为预备党员之日；预备党员、正式党员必填。" + DATE_NOTE),
    Column("转正日期", "full_member_since", Cell.DATE,
           note="预备期满之次日，即入党日期满一年之日（入党 2025-05-20 → 转正 2026-05-20）；"
                "延长了预备期的为“延长预备期至”之次日；正式党员必填，预备党员不填"),
    Column("党费交至", "dues_paid_until", Cell.MONTH,
           note="写作 2026-10 或 2026年10月（记为该月最后一天），也可填日期"),
    Column("联系电话", "phone", max_length=20, note="请以文本格式填写"),
    Column("工作单位", "work_unit", max_length=200, width=24),
    Column("流动党员", "mobile", Cell.YES_NO, choices=(YES, NO), width=10, note="是 或 否；不填视为“否”"),
    Column("申请入党日期", "applied_on", Cell.DATE, note="党组织收到入党申请书之日。" + DATE_NOTE),
    Column("确定为积极分子日期", "activist_since", Cell.DATE, width=18,
           note="支部委员会（或支部党员大会）确定其为入党积极分子之日；培养考察期自此起算"),
    Column("确定为发展对象日期", "candidate_since", Cell.DATE, width=18,
           note="支部委员会讨论确定其为发展对象之日"),
    Column("延长预备期至", "probation_extended_to", Cell.DATE, width=14,
           note="延长了预备期的，填写延长后的预备期届满之日；延长时间不少于半年、不超过一年"),
)  # fmt: skip

# Columns kept in `Person.extra` (the person's dates in the development process before admission).
EXTRA_FIELDS = ("applied_on", "activist_since", "candidate_since", "probation_extended_to")
# The development ladder's dates, in the order they must fall.
LADDER = ("applied_on", "activist_since", "candidate_since", "admitted_on", "full_member_since")
# Which ladder dates each status may carry (a later date belongs to a later status).
STATUS_DATES: dict[str, frozenset[str]] = {
    "non_member": frozenset(),
    "applicant": frozenset({"applied_on"}),
    "activist": frozenset({"applied_on", "activist_since"}),
    "candidate": frozenset({"applied_on", "activist_since", "candidate_since"}),
    "probationary_member": frozenset(
        {"applied_on", "activist_since", "candidate_since", "admitted_on", "probation_extended_to"}
    ),
    "full_member": frozenset(
        {
            "applied_on",
            "activist_since",
            "candidate_since",
            "admitted_on",
            "full_member_since",
            "probation_extended_to",
        }
    ),
}
MEMBER_STATUSES = frozenset({"probationary_member", "full_member"})

LAYOUTS: dict[str, tuple[str, tuple[Column, ...]]] = {
    "orgs": (ORG_SHEET, ORG_COLUMNS),
    "people": (PEOPLE_SHEET, PEOPLE_COLUMNS),
}
KIND_NAMES = {"orgs": "组织", "people": "人员"}


def column(columns: tuple[Column, ...], field: str) -> Column:
    return next(c for c in columns if c.field == field)


def header(columns: tuple[Column, ...], field: str) -> str:
    return column(columns, field).header


# Cell label (or the English code itself) -> stored code, per choice column; and back for writing.
CHOICE_CODES: dict[str, dict[str, str]] = {
    "kind": {**ORG_KIND_LABELS, **ORG_KIND_ALIASES, **{k: k for k in ORG_KIND_LABELS.values()}},
    "status": {**STATUS_LABELS, **{s: s for s in STATUS_LABELS.values()}},
}
CHOICE_LABELS: dict[str, dict[str, str]] = {"kind": KIND_LABEL, "status": STATUS_LABEL}
