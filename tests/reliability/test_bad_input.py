"""Bad input to the running server: each gets a clear Chinese problem or is rendered inert, and
nothing is half-written."""

from __future__ import annotations

import io
import json
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from api import jobs
from api.bootstrap import Services
from api.storage import make_storage
from engine.models import Case, Document, Event, Outbox, Person
from tests.importing.conftest import people_xlsx
from tests.importing.test_import_people import number, person
from tests.reliability.harness import Stack, fire, open_case, prepare, record_figures, running

CHINESE = re.compile(r"[\u4e00-\u9fff]")
INJECTION = "{{7*7}}<script>alert(1)</script>"
BRANCH = "测试县城关村党支部"


def _counts(services: Services) -> dict[str, int]:
    with services.engine.sessions() as s:
        return {
            model.__tablename__: int(s.scalar(select(func.count()).select_from(model)) or 0)
            for model in (Person, Case, Event, Document, Outbox)
        }


def _problem(response: httpx.Response, status: int, *fields: str) -> dict[str, Any]:
    """The answer is problem+json with the status, a stable code, a Chinese title and the named fields."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["code"] and CHINESE.search(body["title"]), body
    for name in fields:
        assert name in body.get("errors", {}), body
    return body


def _new_person(**changes: Any) -> dict[str, Any]:
    born = date(1995, 5, 17)
    return {"name": "王小明", "sex": "男", "birth_date": born.isoformat(), "id_number": number(born, True, 7),
            **changes}  # fmt: skip


@pytest.mark.postgres
def test_bad_input_gets_a_clear_error_or_is_rendered_inert_and_nothing_is_half_written(
    pg_url: str, tmp_path: Path
) -> None:
    services, population = prepare(pg_url, tmp_path / "var", people=1, department=True)
    headers = population.headers()
    seen: dict[str, int] = {}
    with (
        running(Stack(pg_url, tmp_path / "var", workers=0)) as stack,
        httpx.Client(base_url=stack.url, timeout=60) as http,
    ):
        case_id = open_case(http, population, population.person_ids[0])
        action = f"/api/cases/{case_id}/actions/note"
        before = _counts(services)

        def check(name: str, response: httpx.Response, status: int, *fields: str) -> dict[str, Any]:
            seen[name] = response.status_code
            return _problem(response, status, *fields)

        raw = {**headers, "content-type": "application/json"}
        check(
            "malformed JSON",
            http.post(action, content=b'{"expected_version": 1, "inputs": {', headers=raw),
            400,
        )
        wrong = {"expected_version": "一", "inputs": []}
        check("wrong types", http.post(action, json=wrong, headers=headers), 422, "expected_version")
        huge = json.dumps({"expected_version": 1, "inputs": {"text": "党" * 1_500_000}}).encode()
        check("huge body", http.post(action, content=huge, headers=raw), 413)
        check("field too long", fire(http, population, case_id, "note", 1, text="党" * 2001), 422, "text")
        future = (date.today() + timedelta(days=30)).isoformat()
        body = {"expected_version": 1, "inputs": {"text": "x"}, "on": future}
        check("act dated in the future", http.post(action, json=body, headers=headers), 422, "on")
        body = {"expected_version": 1, "inputs": {"text": "x"}, "on": "1950-01-01"}
        check("act dated before birth", http.post(action, json=body, headers=headers), 422, "on")
        people = "/api/people"
        person_body = {**_new_person(), "org_id": population.branch_id}
        bad_number = {**person_body, "id_number": person_body["id_number"][:-1] + "0"}
        check("invalid 身份证号", http.post(people, json=bad_number, headers=headers), 422, "id_number")
        unborn = {**person_body, "birth_date": future}
        check("birth date in the future", http.post(people, json=unborn, headers=headers), 422, "birth_date")
        no_such_day = {**person_body, "birth_date": "1995-02-30"}
        bad_day = check(
            "no such date", http.post(people, json=no_such_day, headers=headers), 422, "birth_date"
        )
        assert CHINESE.search(bad_day["errors"]["birth_date"])
        rows = [
            person("周敏", date(1990, 4, 1), False, "non_member", org=BRANCH),
            {
                **person("吴刚", date(1996, 8, 8), True, "non_member", org=BRANCH),
                "id_number": "620725199608080000",
            },
            person("郑洁", date(1997, 1, 1), False, "non_member", org="不存在的支部"),
        ]
        upload = {"file": ("people.xlsx", people_xlsx(rows), "application/octet-stream")}
        refused = check(
            "Excel with broken rows", http.post("/api/imports/people", files=upload, headers=headers), 422
        )
        assert {e["row"] for e in refused["errors"]} == {3, 4}, refused["errors"]
        garbage = {"file": ("people.xlsx", b"PK\x03\x04 not really a workbook", "application/octet-stream")}
        check(
            "a file that is not a workbook",
            http.post("/api/imports/people", files=garbage, headers=headers),
            422,
        )
        assert _counts(services) == before, "a refused request wrote something"

        # Template injection: stored as typed, printed as text in the PDF and escaped in the pages.
        created = http.post(people, json={**person_body, "name": INJECTION}, headers=headers)
        assert created.status_code == 201, created.text
        injected_id = int(created.json()["id"])
        injected_case = open_case(http, population, injected_id)
        issued = fire(http, population, injected_case, "issue", 1, text="{{ config }}{% raw %}<b>粗体</b>")
        assert issued.status_code == 200, issued.text
        browser = httpx.Client(base_url=stack.url, cookies={"mf_token": f"Bearer {population.token}"})
        with browser:
            page = browser.get(f"/people/{injected_id}")
        assert page.status_code == 200
        assert (
            "<script>alert(1)</script>" not in page.text
            and "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
        )
    pdf_text = _render_all(services)
    assert INJECTION in pdf_text and "{{ config }}{% raw %}<b>粗体</b>" in pdf_text
    assert "49" not in pdf_text.replace(INJECTION, "")
    record_figures(
        "bad input",
        {
            "cases": len(seen),
            "answers": seen,
            "rows_written_by_refused_requests": 0,
            "injection_rendered_inert": True,
        },
    )


def _render_all(services: Services) -> str:
    """Run the pending render jobs here (no worker in this run) and return the PDFs' text."""
    with services.engine.sessions() as s:
        job_ids = list(s.scalars(select(Outbox.id).where(Outbox.done_at.is_(None))))
    for job_id in job_ids:
        jobs.run_outbox_job(services, job_id)
    storage = make_storage("file", services.settings.documents_dir, services.engine.sessions)
    with services.engine.sessions() as s:
        documents = list(s.scalars(select(Document)))
    assert documents and {d.status for d in documents} == {"ready"}
    return "".join(
        page.extract_text()
        for d in documents
        for page in PdfReader(io.BytesIO(storage.get(d.storage_path or ""))).pages
    )
