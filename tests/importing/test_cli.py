"""`memberflow template|import|export` on a real SQLite file migrated by alembic (migration 0006)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

import workflows
from api.bootstrap import bootstrap
from api.cli import main
from api.importing.layouts import ORG_COLUMNS
from engine.models import Case, Org, Person, PersonChange
from tests.importing.conftest import edit, sheet_rows
from tests.importing.process_workflow import DEVELOPMENT, PROFILE

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("MEMBERFLOW_DATABASE_URL", f"sqlite:///{tmp_path / 'mf.db'}")
    monkeypatch.setenv("MEMBERFLOW_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("MEMBERFLOW_FIXED_TODAY", "2026-11-20")
    monkeypatch.setattr(workflows, "DEFINITIONS", (DEVELOPMENT,))
    monkeypatch.setattr(workflows, "PROFILES", (PROFILE,))
    runner = CliRunner()
    assert runner.invoke(main, ["init"], catch_exceptions=False).exit_code == 0
    return runner


def counts() -> tuple[int, ...]:
    """Organizations, people and cases in the installation's database."""
    with bootstrap().engine.sessions() as s:
        return tuple(int(s.scalar(select(func.count()).select_from(m)) or 0) for m in (Org, Person, Case))


def test_template_writes_an_empty_workbook_with_the_headers(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["template", "orgs", str(tmp_path / "t.xlsx")], catch_exceptions=False)

    assert result.exit_code == 0 and "已写出组织导入模板" in result.output
    assert sheet_rows((tmp_path / "t.xlsx").read_bytes()) == [[c.header for c in ORG_COLUMNS]]


def test_the_examples_import_after_a_dry_run_and_export_back_unchanged(
    runner: CliRunner, tmp_path: Path
) -> None:
    orgs, people = str(EXAMPLES / "orgs.xlsx"), str(EXAMPLES / "people.xlsx")

    dry = runner.invoke(main, ["import", "orgs", orgs, "--dry-run"], catch_exceptions=False)
    assert dry.exit_code == 0 and dry.output.startswith("试导入（未写入任何数据）：组织：新增16个")
    assert counts() == (0, 0, 0)

    assert runner.invoke(main, ["import", "orgs", orgs], catch_exceptions=False).exit_code == 0
    done = runner.invoke(main, ["import", "people", people], catch_exceptions=False)
    assert done.exit_code == 0, done.output
    rows = len(sheet_rows((EXAMPLES / "people.xlsx").read_bytes())) - 1
    assert done.output.startswith(f"导入完成：人员：新增{rows}人，更新0人，无变化0人；建立案件")
    org_count, people_count, case_count = counts()
    assert (org_count, people_count) == (16, rows) and case_count > 0

    exported = tmp_path / "people.xlsx"
    assert runner.invoke(main, ["export", "people", str(exported)], catch_exceptions=False).exit_code == 0
    again = runner.invoke(main, ["import", "people", str(exported)], catch_exceptions=False)
    assert again.output.splitlines()[0] == f"导入完成：人员：新增0人，更新0人，无变化{rows}人；建立案件0件"

    corrected = tmp_path / "corrected.xlsx"
    corrected.write_bytes(edit(exported.read_bytes(), {(2, "联系电话"): "13900000000"}))
    update = runner.invoke(main, ["import", "people", str(corrected)], catch_exceptions=False)
    assert "更新1人" in update.output and "第2行" in update.output and "（联系电话）" in update.output
    with bootstrap().engine.sessions() as s:
        assert s.scalars(select(PersonChange.new)).all() == ["13900000000"]


def test_a_refused_file_prints_each_error_in_chinese_and_exits_1(runner: CliRunner, tmp_path: Path) -> None:
    runner.invoke(main, ["import", "orgs", str(EXAMPLES / "orgs.xlsx")], catch_exceptions=False)
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(edit((EXAMPLES / "people.xlsx").read_bytes(), {(3, "所在党支部"): "不存在的党支部"}))

    result = runner.invoke(main, ["import", "people", str(bad)])

    assert result.exit_code == 1
    assert "文件有1处错误，未导入任何数据" in result.stderr
    assert "错误 “人员”表第3行“所在党支部”：找不到组织“不存在的党支部”" in result.stderr
    assert counts()[1] == 0
