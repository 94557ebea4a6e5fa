"""Bad input to the running server: each gets a clear Chinese problem or is rendered inert, and
nothing is half-written."""

from __future__ import annotations

import io
import json
import random
import re
from collections import Counter
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
from tests.reliability.harness import Stack, fire, open_case, prepare, record_figures, running, size

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
        fuzzed = _fuzz(http, headers, action, population.branch_id, size(60, 3000))
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
            "random_bad_requests": sum(fuzzed.values()),
            "random_answers": {str(k): v for k, v in sorted(fuzzed.items())},
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


BAD_NUMBER = number(date(1995, 5, 17), True, 7)[:-1] + "X"  # wrong check digit: never a valid person
JUNK: list[Any] = [None, "", "一", "1; DROP TABLE cases", -1, 2**63, 1.5, [], {}, [1, "二"], {"$ne": 1}, True]


def _junk(rng: random.Random) -> Any:
    value = rng.choice(JUNK)
    return {"nested": value} if rng.random() < 0.2 else value


def _fuzz(http: httpx.Client, headers: dict[str, str], action: str, org_id: int, count: int) -> Counter[int]:
    """Random malformed requests: random bytes, and JSON bodies with a wrong value in a random place.
    None may be a 5xx, each must be problem+json with a Chinese title, and none can be valid (the
    version is never the current one, a subject never exists), so none may write."""
    rng = random.Random(20261201)
    answers: Counter[int] = Counter()
    raw = {**headers, "content-type": "application/json"}
    for _ in range(count):
        target = rng.choice([action, "/api/cases", "/api/people"])
        if rng.random() < 0.3:
            content = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 400)))
            response = http.post(target, content=content, headers=raw)
        else:
            body: dict[str, Any] = {
                action: {"expected_version": rng.choice([1000 + rng.randrange(10**6), _junk(rng)]),
                         "inputs": {"text": _junk(rng)}, "on": rng.choice([None, "2026-13-01", "昨天", _junk(rng)])},
                "/api/cases": {"workflow": rng.choice(["reliability", "无此流程", _junk(rng)]),
                               "subject_id": rng.choice([10**9, _junk(rng)]), "org_id": org_id},
                "/api/people": {**_new_person(id_number=BAD_NUMBER), "org_id": org_id,
                                rng.choice(["name", "sex", "birth_date", "id_number", "status"]): _junk(rng)},
            }[target]  # fmt: skip
            if rng.random() < 0.3:
                body.pop(rng.choice(list(body)))
            response = http.post(target, json=body, headers=headers)
        answers[response.status_code] += 1
        assert 400 <= response.status_code < 500, (target, response.status_code, response.text)
        _problem(response, response.status_code)
    return answers
