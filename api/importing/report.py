"""What an import did or would do: per-row actions, counts, and every row error, in zh-CN."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

ACTION_LABELS = {"create": "新增", "update": "更新", "unchanged": "无变化"}
COUNTED = {"create": "created", "update": "updated", "unchanged": "unchanged"}


@dataclass(frozen=True)
class RowError:
    sheet: str
    row: int  # the Excel row number (the header is row 1)
    column: str  # the header, or "" for the row as a whole
    message: str

    def zh(self) -> str:
        if not self.row:  # the file as a whole
            return self.message
        where = f"“{self.sheet}”表第{self.row}行" + (f"“{self.column}”" if self.column else "")
        return f"{where}：{self.message}"


@dataclass
class RowAction:
    sheet: str
    row: int
    key: str  # the organization's name, or the person's masked name and ID number
    action: str  # create / update / unchanged
    changes: list[str] = field(default_factory=list)  # headers whose value changes
    case: str = ""  # "development: PROBATION" when the row opens a case

    def zh(self) -> str:
        text = f"“{self.sheet}”表第{self.row}行 {self.key}：{ACTION_LABELS[self.action]}"
        if self.changes:
            text += "（" + "、".join(self.changes) + "）"
        if self.case:
            text += f"；建立案件 {self.case}"
        return text


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class ImportReport:
    kind: str  # "orgs" or "people"
    dry_run: bool
    source: str
    orgs: Counts = field(default_factory=Counts)
    people: Counts = field(default_factory=Counts)
    cases_opened: int = 0
    rows: list[RowAction] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def written(self) -> bool:
        return self.ok and not self.dry_run

    def count(self, action: RowAction) -> None:
        self.rows.append(action)
        counts = self.orgs if self.kind == "orgs" or action.sheet == "组织" else self.people
        name = COUNTED[action.action]
        setattr(counts, name, getattr(counts, name) + 1)

    def as_dict(self) -> dict[str, Any]:
        body = asdict(self)
        body.update(ok=self.ok, written=self.written, summary=self.summary())
        return body

    def summary(self) -> str:
        if self.errors:
            return f"文件有{len(self.errors)}处错误，未导入任何数据"
        parts = []
        if self.kind == "orgs" or self.orgs.created or self.orgs.updated:
            o = self.orgs
            parts.append(f"组织：新增{o.created}个，更新{o.updated}个，无变化{o.unchanged}个")
        if self.kind == "people":
            p = self.people
            parts.append(f"人员：新增{p.created}人，更新{p.updated}人，无变化{p.unchanged}人")
            parts.append(f"建立案件{self.cases_opened}件")
        prefix = "试导入（未写入任何数据）" if self.dry_run else "导入完成"
        return prefix + "：" + "；".join(parts)

    def lines(self, *, details: bool = False) -> list[str]:
        """The report as the command prints it: summary, errors, warnings, then the updated rows
        (every row with `details`)."""
        out = [self.summary()]
        out += [f"  错误 {e.zh()}" for e in self.errors]
        out += [f"  提示 {w}" for w in self.warnings]
        if not self.errors:
            out += [f"  {r.zh()}" for r in self.rows if details or r.action == "update"]
        return out
