"""The enterprise register and the legal person's login through 浙江政务服务网.

Given the district union of 南浔, when it registers an enterprise with a valid credit code,
then the enterprise and its union node exist and the enterprise's legal person can sign in at
the portal and lands as the enterprise union admin of that node; bad codes, duplicates, other
scopes and unregistered enterprises are refused with a code and nothing changes."""
from __future__ import annotations

import pytest

from chalicelib.enterprises.models import Enterprise
from chalicelib.orgs.models import OrgNode
from tests.conftest import body

from .conftest import NANXUN, SANXING

HUAWEI = "914403001922038216"


def _register_count() -> int:
    return sum(1 for _ in Enterprise.by_district.query(NANXUN))


def test_district_registers_an_enterprise_and_its_union_node(register, nanxun):
    response = register()
    assert response.status_code == 201, response.body
    made = body(response)
    assert (made["credit_code"], made["industry_name"], made["size_name"]) == (SANXING, "制造业", "中型")
    assert OrgNode.get(f"{NANXUN}/e-sanxing").level == "enterprise"
    listed = body(nanxun.get("/enterprises?union_founded=true"))
    assert [e["name"] for e in listed["items"]] == ["浙江三行电气科技有限公司"]
    changed = nanxun.patch(f"/enterprises/{SANXING}", {"size": "large"})
    assert body(changed)["size_name"] == "大型"


def test_an_invalid_credit_code_is_refused_and_nothing_is_stored(register):
    for code, error in (("91330503MA2B3C4D5X", "CREDIT_CODE_INVALID"),   # wrong check character
                        ("91330503MA2B3C4D5", "VALIDATION_FAILED")):     # 17 characters
        response = register(code=code)
        assert response.status_code == 422
        assert body(response)["code"] == error and body(response)["message"]
    assert _register_count() == 0
    with pytest.raises(OrgNode.DoesNotExist):
        OrgNode.get(f"{NANXUN}/e-sanxing")


def test_a_duplicate_credit_code_is_refused_and_nothing_changes(register):
    assert register().status_code == 201
    again = register(slug="e-sanxing2", name="另一家公司")
    assert again.status_code == 409 and body(again)["code"] == "CREDIT_CODE_TAKEN"
    assert _register_count() == 1
    with pytest.raises(OrgNode.DoesNotExist):
        OrgNode.get(f"{NANXUN}/e-sanxing2")


def test_another_districts_staff_cannot_register_or_read_it(register, login):
    assert register().status_code == 201
    jinyun = login("union_admin", "ua-jinyun", "zj/ls/jinyun")
    outside = jinyun.post("/enterprises", {"credit_code": HUAWEI, "name": "华为技术有限公司",
                                           "org_path": f"{NANXUN}/e-huawei", "industry": "it", "size": "large",
                                           "union_founded": True})
    assert outside.status_code == 404 and body(outside)["code"] == "ORG_NOT_FOUND"
    assert jinyun.get(f"/enterprises/{SANXING}").status_code == 404
    assert body(jinyun.get(f"/enterprises?org={NANXUN}"))["code"] == "ORG_NOT_FOUND"
    assert _register_count() == 1


def test_the_legal_person_signs_in_at_the_portal_as_the_enterprise_union_admin(register, api, fakes):
    assert register().status_code == 201
    token = fakes.zwfw_ssotoken(SANXING, "浙江三行电气科技有限公司", "沈三行")
    response = api.post("/auth/zwfw", headers={"Content-Type": "application/json"},
                        body=f'{{"ssotoken": "{token}"}}')
    assert response.status_code == 200, response.body
    account = body(response)["account"]
    assert (account["role"], account["org_path"], account["name"]) == ("enterprise_admin", f"{NANXUN}/e-sanxing",
                                                                        "沈三行")
    assert Enterprise.get(SANXING).legal_person == "沈三行"
    # the token is single-use
    again = api.post("/auth/zwfw", headers={"Content-Type": "application/json"}, body=f'{{"ssotoken": "{token}"}}')
    assert again.status_code == 401 and body(again)["code"] == "ZWFW_TOKEN_INVALID"
    # the second login is the same account
    second = api.post("/auth/zwfw", headers={"Content-Type": "application/json"},
                      body=f'{{"ssotoken": "{fakes.zwfw_ssotoken(SANXING)}"}}')
    assert body(second)["account"]["user_id"] == account["user_id"]
    # a credit code not in the register is refused
    response = api.post("/auth/zwfw", headers={"Content-Type": "application/json"},
                        body=f'{{"ssotoken": "{fakes.zwfw_ssotoken(HUAWEI, "华为技术有限公司", "某某")}"}}')
    assert response.status_code == 403 and body(response)["code"] == "ENTERPRISE_NOT_REGISTERED"
    assert "企业名录" in body(response)["message"]
