"""The `memberflow` command end to end on a real SQLite file, with the example workflow loaded."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select, update

import workflows
from api.bootstrap import bootstrap
from api.cli import main
from engine.models import Case, Event, Org, Person, User
from tests.example_workflow import EXAMPLE, FOLLOW_UP, NATIONAL


@pytest.fixture
def installation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("MEMBERFLOW_DATABASE_URL", f"sqlite:///{tmp_path / 'mf.db'}")
    monkeypatch.setenv("MEMBERFLOW_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setattr(workflows, "DEFINITIONS", (EXAMPLE, FOLLOW_UP))
    monkeypatch.setattr(workflows, "PROFILES", (NATIONAL,))
    runner = CliRunner()
    assert runner.invoke(main, ["init"], catch_exceptions=False).exit_code == 0
    return runner


def test_init_creates_the_schema_and_records_each_definition(installation: CliRunner) -> None:
    again = installation.invoke(main, ["init"], catch_exceptions=False)
    assert again.exit_code == 0
    assert "recorded definition" not in again.output  # already recorded the first time


def test_init_refuses_a_definition_changed_under_the_same_version(
    installation: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dataclasses import replace

    monkeypatch.setattr(workflows, "DEFINITIONS", (replace(EXAMPLE, title="改过的标题"), FOLLOW_UP))
    result = installation.invoke(main, ["init"])
    assert result.exit_code != 0
    assert "版本号未变" in str(result.exception)


def test_demo_loads_a_county_with_people_users_and_a_case_in_every_stage(installation: CliRunner) -> None:
    result = installation.invoke(main, ["demo"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    services = bootstrap()
    with services.engine.sessions() as s:
        kinds = set(s.scalars(select(Org.kind)))
        states = set(s.scalars(select(Case.state).where(Case.workflow == "example")))
        people = list(s.scalars(select(Person)))
        assert s.scalar(select(User).where(User.username == "admin")) is not None
    assert {"committee", "primary_committee", "branch", "general_branch", "mobile_members_org"} <= kinds
    assert states == {"DRAFT", "SUBMITTED", "NOTICE", "MEETING", "APPROVED"}
    assert len({p.id_number for p in people}) == len(people) > 100
    second = installation.invoke(main, ["demo", "--if-empty"], catch_exceptions=False)
    assert "nothing loaded" in second.output


def test_check_validates_and_diagram_prints_mermaid(installation: CliRunner) -> None:
    check = installation.invoke(main, ["check"], catch_exceptions=False)
    assert check.exit_code == 0 and "ok example 1" in check.output
    diagram = installation.invoke(main, ["diagram", "example"], catch_exceptions=False)
    assert diagram.output.startswith("stateDiagram-v2")
    assert "两地公示" in diagram.output
    missing = installation.invoke(main, ["diagram", "nonesuch"])
    assert missing.exit_code != 0 and "没有流程" in missing.output


def test_verify_audit_names_the_event_row_that_was_edited(installation: CliRunner) -> None:
    installation.invoke(main, ["demo"], catch_exceptions=False)
    clean = installation.invoke(main, ["verify-audit"], catch_exceptions=False)
    assert clean.exit_code == 0 and "intact" in clean.output
    services = bootstrap()
    with services.engine.sessions.begin() as s:
        event = s.scalars(select(Event).where(Event.seq == 2).order_by(Event.id)).first()
        assert event is not None
        s.execute(update(Event).where(Event.id == event.id).values(inputs={"summary": "篡改"}))
    tampered = installation.invoke(main, ["verify-audit"])
    assert tampered.exit_code == 1
    assert f"case {event.case_id} event seq 2 (id {event.id})" in tampered.output
    assert "篡改" in tampered.output


def test_calendar_load_makes_a_year_confirmed_and_reports_bad_lines(
    installation: CliRunner, tmp_path: Path
) -> None:
    good = tmp_path / "2027.txt"
    good.write_text(
        "year: 2027\nsource: 国办发明电〔2026〕示例号\n"
        "holiday: 2027-01-01..2027-01-03 元旦\nworkday: 2027-02-14 春节调休\n",
        encoding="utf-8",
    )
    loaded = installation.invoke(main, ["calendar-load", str(good)], catch_exceptions=False)
    assert "loaded 2027: 3 holidays, 1 make-up workdays" in loaded.output
    services = bootstrap()
    with services.engine.sessions() as s:
        assert services.engine.calendars(s).is_confirmed(2027)
    bad = tmp_path / "bad.txt"
    bad.write_text("year: 2027\nholiday: 2027-13-01\n", encoding="utf-8")
    refused = installation.invoke(main, ["calendar-load", str(bad)])
    assert refused.exit_code != 0 and "第2行" in refused.output
