"""docs/examples holds the demo county in the import layouts: imported into an empty database they
give the demo's organizations and people, with a case for everyone in the middle of the process."""

from __future__ import annotations

import importlib.util
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

from sqlalchemy import select

from api.demo import TREE, _load_orgs_people_users
from api.importing import PROCESS_IMPORT
from api.importing.layouts import KIND_LABEL, STATUS_LABELS
from engine.db import make_sessions
from engine.models import Base, Case, Org, Person
from tests.conftest import sqlite_engine
from tests.importing.conftest import Setup, sheet_rows

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "docs" / "examples"


def make_examples() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_examples", ROOT / "scripts" / "make_examples.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def tree_names(node: tuple[Any, ...]) -> list[str]:
    name, _, _, _, children = node
    return [name, *(n for child in children for n in tree_names(child))]


def test_the_examples_import_into_an_empty_database_as_the_files_say(setup: Setup) -> None:
    orgs_file, people_file = (EXAMPLES / "orgs.xlsx").read_bytes(), (EXAMPLES / "people.xlsx").read_bytes()
    org_rows, people_rows = sheet_rows(orgs_file)[1:], sheet_rows(people_file)[1:]

    orgs = setup.orgs(orgs_file)
    people = setup.people(people_file)

    assert orgs.ok and people.ok, people.lines()[:10]
    in_process = [r for r in people_rows if STATUS_LABELS[r[6]] in PROCESS_IMPORT]
    assert (orgs.orgs.created, people.people.created, people.cases_opened) == (
        len(org_rows), len(people_rows), len(in_process)
    )  # fmt: skip
    with setup.sessions() as s:
        found_orgs = {(o.name, KIND_LABEL[o.kind]) for o in s.scalars(select(Org))}
        names = {o.id: o.name for o in s.scalars(select(Org))}
        by_branch = Counter((names[p.org_id or 0], p.status) for p in s.scalars(select(Person)))
        cases = Counter(c.state for c in s.scalars(select(Case)))
    assert found_orgs == {(r[0], r[3]) for r in org_rows}
    assert {o for o, _ in found_orgs} == set(tree_names(TREE))
    assert by_branch == Counter((r[7], STATUS_LABELS[r[6]]) for r in people_rows)
    assert cases == Counter(PROCESS_IMPORT[STATUS_LABELS[r[6]]].state for r in in_process)


def test_the_examples_hold_the_demo_loaders_people(tmp_path: Path) -> None:
    for db in sqlite_engine(tmp_path):
        Base.metadata.create_all(db)
        with make_sessions(db).begin() as s:
            world = _load_orgs_people_users(s)
            demo = {(p.id_number, p.name, p.status, p.admitted_on, p.full_member_since) for p in world.people}
    rows = sheet_rows((EXAMPLES / "people.xlsx").read_bytes())[1:]
    examples = {
        (r[4], r[0], STATUS_LABELS[r[6]], r[8].date() if r[8] else None, r[9].date() if r[9] else None)
        for r in rows
    }
    assert examples == demo


def test_the_examples_are_what_the_script_makes_now() -> None:
    orgs, people = make_examples().build()

    assert sheet_rows(orgs) == sheet_rows((EXAMPLES / "orgs.xlsx").read_bytes())
    assert sheet_rows(people) == sheet_rows((EXAMPLES / "people.xlsx").read_bytes())
