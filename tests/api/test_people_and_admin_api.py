"""People (masked identities, validated registration) and user administration through the API."""

from __future__ import annotations

from sqlalchemy import insert

from engine.models import RoleGrant
from tests.api.conftest import Api

NEW_PERSON = {"name": "王芳", "sex": "女", "birth_date": "2001-04-18", "org_id": 0}


def _valid_id(birth: str = "20010418", serial: str = "002") -> str:
    from engine.identity import check_digit

    first17 = f"620724{birth}{serial}"
    return first17 + check_digit(first17)


def test_people_are_listed_masked_for_a_caseworker_and_in_full_for_the_organization_department(
    api: Api,
) -> None:
    [masked] = api.get("caseworker", "/api/people").json()["items"]
    assert masked["id_number"] == "620724********0017"
    with api.world.engine.sessions.begin() as s:
        s.execute(insert(RoleGrant).values(user_id=api.world.approver.user_id, role="organization_department",
                                           org_id=api.world.county.id, subtree=True))  # fmt: skip
    [full] = api.get("approver", "/api/people").json()["items"]
    assert full["id_number"] == "620724199803070017"
    assert api.get("outsider", "/api/people").json()["items"] == []
    assert api.get("outsider", f"/api/people/{masked['id']}").status_code == 404


def test_registering_a_person_checks_the_id_number_against_birth_date_and_sex(api: Api) -> None:
    body = {**NEW_PERSON, "org_id": api.world.branch.id, "id_number": _valid_id(serial="003")}  # odd: male
    refused = api.post("caseworker", "/api/people", body)
    assert refused.status_code == 422 and refused.json()["errors"] == {"sex": "性别与公民身份号码不一致"}
    bad = api.post("caseworker", "/api/people", {**body, "id_number": "62072420010418002X"})
    assert bad.json()["errors"]["id_number"] == "公民身份号码校验位不正确"
    created = api.post("caseworker", "/api/people", {**body, "id_number": _valid_id()})
    assert created.status_code == 201 and created.json()["id_number"] == "620724********" + _valid_id()[-4:]
    again = api.post("caseworker", "/api/people", {**body, "id_number": _valid_id()})
    assert again.json()["errors"] == {"id_number": "该公民身份号码已登记"}
    elsewhere = api.post("outsider", "/api/people", {**body, "id_number": _valid_id(serial="004")})
    assert elsewhere.status_code == 403


def test_only_an_administrator_manages_users_and_only_inside_their_organizations(api: Api) -> None:
    with api.world.engine.sessions.begin() as s:
        s.execute(insert(RoleGrant).values(user_id=api.world.secretary.user_id, role="administrator",
                                           org_id=api.world.township.id, subtree=True))  # fmt: skip
    user = {"username": "new", "display_name": "新用户", "password": "long-enough-pass",
            "grants": [{"role": "caseworker", "org_id": api.world.branch.id}]}  # fmt: skip
    assert api.post("caseworker", "/api/users", user).status_code == 403
    short = api.post("secretary", "/api/users", {**user, "password": "short"})
    assert short.status_code == 422 and "password" in short.json()["errors"]
    outside = api.post(
        "secretary",
        "/api/users",
        {**user, "grants": [{"role": "caseworker", "org_id": api.world.home_branch.id}]},
    )
    assert outside.status_code == 403
    created = api.post("secretary", "/api/users", user)
    assert created.status_code == 201 and created.json()["grants"][0]["role"] == "caseworker"
    assert "password" not in created.text and "long-enough-pass" not in created.text
    listed = [u["username"] for u in api.get("secretary", "/api/users").json()["items"]]
    assert "new" in listed and "home" not in listed
