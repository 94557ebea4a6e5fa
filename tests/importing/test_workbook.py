"""Cells as people type them: dates in several spellings, months for 党费交至, 是/否, header variants;
and PROCESS_IMPORT checked against the installed development workflow once it exists."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from api.importing import PROCESS_IMPORT, template
from api.importing.layouts import ORG_COLUMNS, PEOPLE_COLUMNS, column
from api.importing.workbook import CellError, parse, parse_date, parse_month, parse_yes_no
from engine.machine import state_paths
from tests.importing.conftest import sheet_rows


@pytest.mark.parametrize(
    "cell",
    [
        "2025-07-01",
        "2025/7/1",
        "2025.07.01",
        "2025年7月1日",
        "20250701",
        " 2025-07-01 ",
        datetime(2025, 7, 1),
    ],
)
def test_a_date_reads_in_each_common_spelling(cell: object) -> None:
    assert parse_date(cell) == date(2025, 7, 1)


@pytest.mark.parametrize("cell", ["2025-02-30", "七月一日", 45839])
def test_a_date_that_is_not_one_is_refused(cell: object) -> None:
    with pytest.raises(CellError):
        parse_date(cell)


def test_dues_read_as_the_last_day_of_the_month() -> None:
    assert parse_month("2026-02") == date(2026, 2, 28)
    assert parse_month("2026年10月") == date(2026, 10, 31)
    assert parse_month(datetime(2026, 10, 15)) == date(2026, 10, 15)


def test_yes_and_no() -> None:
    assert (parse_yes_no("是"), parse_yes_no("否"), parse_yes_no(None), parse_yes_no(True)) == (
        True,
        False,
        False,
        True,
    )
    with pytest.raises(CellError):
        parse_yes_no("也许")


def test_labels_read_as_the_glossary_names() -> None:
    assert parse(column(ORG_COLUMNS, "kind"), "党工委") == "working_committee"
    assert parse(column(ORG_COLUMNS, "kind"), "工委") == "working_committee"
    assert parse(column(PEOPLE_COLUMNS, "status"), "预备党员") == "probationary_member"
    with pytest.raises(CellError):
        parse(column(PEOPLE_COLUMNS, "status"), "党员")


def test_the_templates_have_the_headers_and_a_notes_row_for_each_column() -> None:
    for kind, columns in (("orgs", ORG_COLUMNS), ("people", PEOPLE_COLUMNS)):
        data = template(kind)
        assert sheet_rows(data) == [[c.header for c in columns]]
        notes = sheet_rows(data, 1)
        assert [r[0] for r in notes if r[0] in {c.header for c in columns}] == [c.header for c in columns]


def test_process_import_names_states_and_actions_of_the_installed_development_workflow() -> None:
    from api.bootstrap import load_registry

    name = PROCESS_IMPORT["activist"].workflow
    installed = {w.name: w for w in load_registry().workflows()}
    workflow = installed[name]
    actions = {a.name for a in workflow.actions}
    for status, start in PROCESS_IMPORT.items():
        assert start.state in state_paths(workflow), (status, start.state)
        assert set(start.acts) <= actions, (status, set(start.acts) - actions)


def test_docs_importing_documents_every_column_of_both_layouts() -> None:
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "importing.md").read_text(encoding="utf-8")
    documented = {line.split("|")[1].strip() for line in text.splitlines() if line.startswith("| ")}
    assert {c.header for c in (*ORG_COLUMNS, *PEOPLE_COLUMNS)} <= documented
