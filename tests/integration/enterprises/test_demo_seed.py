"""The local stack's demo: 三行电气 in 南浔 is in the register with a valid credit code, and its
legal person signs in through the 浙江政务服务网 fake as that enterprise's union admin."""
from __future__ import annotations

from chalicelib.enterprises.models import Enterprise
from chalicelib.orgs import logic as orgs
from chalicelib.orgs.schemas import NewOrg
from chalicelib.platform.auth import Principal, Role
from local.demo import accounts, enterprises
from tests.conftest import body


def test_the_demo_enterprises_legal_person_signs_in_through_the_portal_fake(aws, api, fakes):
    accounts.seed()
    # the other features' demos made 三行电气's union node already: the register binds to it
    orgs.create_node(Principal("demo-platform-admin", Role.PLATFORM_ADMIN, "zj"),
                     NewOrg(parent_path="zj/huz/nanxun", slug="e-sanxing", name="浙江三行电气科技有限公司工会"))
    enterprises.seed()
    enterprises.seed()
    token = fakes.zwfw_ssotoken(enterprises.SANXING_CODE)
    response = api.post("/auth/zwfw", headers={"Content-Type": "application/json"}, body=f'{{"ssotoken": "{token}"}}')
    assert response.status_code == 200, response.body
    account = body(response)["account"]
    assert (account["role"], account["org_path"], account["name"]) == ("enterprise_admin", "zj/huz/nanxun/e-sanxing",
                                                                        "沈国强")
    assert [e.name for e in Enterprise.by_district.query("zj/huz/nanxun")] == ["浙江三行电气科技有限公司"]
