"""Spreadsheet cells in and out: reading a sheet into rows keyed by header, parsing each cell into a
value or a zh-CN complaint, and writing a layout (template or export) with its notes sheet.

Nothing here knows the database; openpyxl stays behind these functions.
"""

from __future__ import annotations

import calendar as std_calendar
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from api.importing.layouts import (
    CHOICE_CODES,
    CHOICE_LABELS,
    DATE_NOTE,
    KIND_NAMES,
    LAYOUTS,
    NO,
    NOTES_SHEET,
    YES,
    Cell,
    Column,
)

MAX_ROWS = 200_000
VALIDATION_ROWS = 20_000  # data-validation lists reach this far down a template
HEADER_ALIASES = {
    "身份证号": "公民身份号码",
    "身份证号码": "公民身份号码",
    "公民身份证号码": "公民身份号码",
    "党组织名称": "组织名称",
    "上级党组织": "上级组织",
    "党组织类别": "组织类别",
    "所在支部": "所在党支部",
    "所在党组织": "所在党支部",
}
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_MONTH = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?")


class FileUnreadable(Exception):
    """The upload is not a workbook this layout can be read from; `message` is zh-CN."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class CellError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class SheetRows:
    """A sheet's data rows (Excel row number, header -> raw cell value), and header problems."""

    title: str
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # required headers not found
    ignored: list[str] = field(default_factory=list)  # headers this layout does not know


def open_workbook(data: bytes) -> Any:
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not an xlsx
        raise FileUnreadable("文件不是有效的 Excel 工作簿（.xlsx），请用模板填写后上传") from exc


def find_sheet(workbook: Any, preferred: str, key_header: str) -> Any | None:
    """The sheet named `preferred`, else the first whose header row names `key_header`."""
    if preferred in workbook.sheetnames:
        return workbook[preferred]
    for sheet in workbook.worksheets:
        first = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), ())
        if key_header in {_header(value) for value in first}:
            return sheet
    return None


def read_rows(sheet: Any, columns: Sequence[Column]) -> SheetRows:
    try:
        return _read_rows(sheet, columns)
    except FileUnreadable:
        raise
    except Exception as exc:  # a damaged sheet part: say so instead of failing the request
        raise FileUnreadable(f"工作表“{sheet.title}”已损坏，无法读取；请另存为新的 .xlsx 后重试") from exc


def _read_rows(sheet: Any, columns: Sequence[Column]) -> SheetRows:
    known = {c.header for c in columns}
    result = SheetRows(sheet.title)
    rows: Iterator[tuple[Any, ...]] = sheet.iter_rows(values_only=True)
    first = next(rows, ())
    positions: dict[str, int] = {}
    for index, value in enumerate(first):
        name = _header(value)
        if name in known and name not in positions:
            positions[name] = index
        elif name:
            result.ignored.append(name)
    result.missing = [c.header for c in columns if c.required and c.header not in positions]
    for number, values in enumerate(rows, start=2):
        if number > MAX_ROWS + 1:
            raise FileUnreadable(f"工作表“{sheet.title}”超过{MAX_ROWS}行，请分批导入")
        row = {name: values[i] if i < len(values) else None for name, i in positions.items()}
        if any(_blank(v) is False for v in row.values()):
            result.rows.append((number, row))
    return result


def _header(value: Any) -> str:
    text = "".join(unicodedata.normalize("NFKC", str(value or "")).split()).strip("*")
    return HEADER_ALIASES.get(text, text)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# -- cells ------------------------------------------------------------------------------------


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    return unicodedata.normalize("NFKC", str(value)).strip() if isinstance(value, str) else str(value)


def parse(column: Column, value: Any) -> Any:
    """The typed value of a cell (None or "" when blank), or CellError with a zh-CN message."""
    if column.cell is Cell.DATE:
        return parse_date(value)
    if column.cell is Cell.MONTH:
        return parse_month(value)
    if column.cell is Cell.YES_NO:
        return parse_yes_no(value)
    if column.cell is Cell.ID_NUMBER:
        return parse_id_text(value)
    result = text(value)
    if column.cell is Cell.CHOICE and result:
        codes = CHOICE_CODES.get(column.field)
        if codes is not None:
            result = codes.get(result, "")
        if not result or (codes is None and result not in column.choices):
            raise CellError(f"应为{'、'.join(column.choices)}之一")
    if len(result) > column.max_length:
        raise CellError(f"不能超过{column.max_length}个字")
    return result


def parse_date(value: Any) -> date | None:
    if _blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        raw = unicodedata.normalize("NFKC", value).strip()
        match = _DATE.fullmatch(raw) or _COMPACT_DATE.fullmatch(raw)
        if match:
            try:
                return date(int(match[1]), int(match[2]), int(match[3]))
            except ValueError:
                raise CellError("日期不存在") from None
    raise CellError("日期格式不正确，" + DATE_NOTE)


def parse_month(value: Any) -> date | None:
    if isinstance(value, str):
        match = _MONTH.fullmatch(unicodedata.normalize("NFKC", value).strip())
        if match:
            year, month = int(match[1]), int(match[2])
            if not 1 <= month <= 12:
                raise CellError("月份不正确")
            return date(year, month, std_calendar.monthrange(year, month)[1])
    try:
        return parse_date(value)
    except CellError:
        raise CellError("应写作 2026-10 或 2026年10月，也可填日期") from None


def parse_yes_no(value: Any) -> bool:
    if _blank(value):
        return False
    if isinstance(value, bool):
        return value
    answer = text(value)
    if answer in (YES, "Y", "y", "1", "TRUE", "True", "true"):
        return True
    if answer in (NO, "N", "n", "0", "FALSE", "False", "false"):
        return False
    raise CellError("应填“是”或“否”")


def parse_id_text(value: Any) -> str:
    if isinstance(value, float):
        raise CellError("公民身份号码被存为数字，末几位已丢失；请将该列设为文本格式后重新填写")
    return text(value)


def show(column: Column, value: Any) -> Any:
    """The cell value written for a stored value (dates stay dates, so Excel can sort them)."""
    if column.cell is Cell.YES_NO:
        return YES if value else NO
    if value is None or value == "":
        return None
    labels = CHOICE_LABELS.get(column.field)
    return labels.get(value, value) if labels else value


# -- writing ----------------------------------------------------------------------------------

HEADER_FONT = Font(bold=True)
REQUIRED_FONT = Font(bold=True, color="C00000")
HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")
GENERAL_NOTES = {
    "orgs": (
        "每行一个党组织。第一行为列名，请勿修改；红色列名为必填。",
        "上级组织须先于下级组织出现，或已在系统中；顶级组织（如县委）“上级组织”不填。",
        "以“组织名称”识别组织：再次导入同一文件不做任何修改；修改后的文件只更新有变化的行。",
        "文件中任何一行有误时整个文件不导入，并列出每个错误的行号、列名和原因；可先“试导入”检查。",
    ),
    "people": (
        "每行一人。第一行为列名，请勿修改；红色列名为必填。",
        "以“公民身份号码”识别人员：再次导入同一文件不做任何修改；修改后的文件只更新有变化的行，"
        "每项修改记入该人员的变更记录。",
        "人员类别与日期：入党日期须早于转正日期；转正日期为入党日期满一年之日（延长预备期的为“延长预备期至”之次日）；"
        "申请入党、确定为积极分子、确定为发展对象、入党、转正的日期须依次不早于前一日期。",
        "正在发展过程中的人员（填有“确定为积极分子日期”的入党积极分子、填有“入党日期”的预备党员等）"
        "导入后在相应环节建立发展党员案件，期限从所填日期起算。",
        "本文件中也可另加“组织”工作表（格式同组织导入模板），其中的组织先于人员导入。",
        "文件中任何一行有误时整个文件不导入，并列出每个错误的行号、列名和原因；可先“试导入”检查。",
    ),
}


def write_layout(kind: str, rows: Iterable[Sequence[Any]] = ()) -> bytes:
    """A workbook of one layout: its data sheet (headers, then `rows`) and the notes sheet."""
    title, columns = LAYOUTS[kind]
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title
    sheet.append([c.header for c in columns])
    for index, spec in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = REQUIRED_FONT if spec.required else HEADER_FONT
        cell.fill = HEADER_FILL
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = spec.width
        if spec.cell in (Cell.ID_NUMBER, Cell.TEXT, Cell.MONTH):  # typed "2026-10" stays as written
            sheet.column_dimensions[letter].number_format = "@"
        if spec.choices:
            listed = DataValidation(
                type="list", formula1='"' + ",".join(spec.choices) + '"', allow_blank=not spec.required,
                showErrorMessage=True, errorTitle=spec.header,
                error="请从列表中选择：" + "、".join(spec.choices),
            )  # fmt: skip
            sheet.add_data_validation(listed)
            listed.add(f"{letter}2:{letter}{VALIDATION_ROWS}")
    sheet.freeze_panes = "A2"
    for row in rows:
        sheet.append(list(row))
    for index, spec in enumerate(columns, start=1):
        if spec.cell in (Cell.DATE, Cell.MONTH):
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = "yyyy-mm-dd"
    _notes(workbook, kind, columns)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _notes(workbook: Workbook, kind: str, columns: Sequence[Column]) -> None:
    notes = workbook.create_sheet(NOTES_SHEET)
    notes.append([f"{KIND_NAMES[kind]}导入模板填写说明"])
    notes["A1"].font = Font(bold=True, size=14)
    for line in GENERAL_NOTES[kind]:
        notes.append([line])
    notes.append([])
    notes.append(["列名", "是否必填", "可选值", "说明"])
    header_row = notes.max_row
    for cell in notes[header_row]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
    for spec in columns:
        notes.append([spec.header, "必填" if spec.required else "选填", "、".join(spec.choices), spec.note])
    for letter, width in zip("ABCD", (20, 10, 44, 90), strict=True):
        notes.column_dimensions[letter].width = width
    for row in notes.iter_rows(min_row=header_row + 1):
        row[3].alignment = Alignment(wrap_text=True, vertical="top")
