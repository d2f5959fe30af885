"""The policy in force needs no district when the caller's own district says it.

Given 余姚's published 产改20条 policy, when an enterprise admin of a 余姚 enterprise asks for
``GET /subsidy/policy`` without ``org``, then they get 余姚's policy (as if they had named
it); a platform admin, who belongs to no district, is asked to name one (422 DISTRICT_REQUIRED)."""
from __future__ import annotations

import pytest

from chalicelib.subsidy import logic
from chalicelib.subsidy.worked_examples import seed_policy
from tests.conftest import body

YUYAO = "zj/nb/yuyao"


@pytest.fixture
def policy(aws):
    return logic.publish_policy(seed_policy(), by="test")


def test_the_callers_district_is_the_default_filter(login, policy):
    enterprise = login("enterprise_admin", user_id="shunyu-admin", org_path=f"{YUYAO}/e-shunyu")
    inferred = enterprise.get("/subsidy/policy")
    named = enterprise.get(f"/subsidy/policy?org={YUYAO}")
    assert inferred.status_code == 200 and body(inferred) == body(named)

    platform = login("platform_admin", user_id="root", org_path="zj")
    refused = platform.get("/subsidy/policy")
    assert refused.status_code == 422 and body(refused)["code"] == "DISTRICT_REQUIRED"
    assert body(refused)["details"][0]["field"] == "org"
