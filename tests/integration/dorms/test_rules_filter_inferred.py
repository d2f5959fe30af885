"""The dorm approval rules need no ``org`` when the caller's own organisation says it.

Given 三行电气's enterprise admin who set auto-approval for new hires, when they read
``GET /dorms/rules`` without ``org``, then they see their own enterprise's rules (the same as
naming it); another enterprise's admin naming 三行电气 gets 404, nothing about it."""
from __future__ import annotations

from tests.conftest import body

SANXING = "zj/huz/nanxun/e-sanxing"


def test_the_callers_organisation_is_the_default_filter(login):
    admin = login("enterprise_admin", user_id="sanxing-admin", org_path=SANXING)
    assert admin.put("/dorms/rules", {"org_path": SANXING, "auto_approve_new_hire_days": 7}).status_code == 200
    inferred = admin.get("/dorms/rules")
    assert inferred.status_code == 200
    assert body(inferred) == body(admin.get(f"/dorms/rules?org={SANXING}"))
    assert body(inferred)["org_path"] == SANXING and body(inferred)["auto_approve_new_hire_days"] == 7

    other = login("enterprise_admin", user_id="other-admin", org_path="zj/huz/nanxun/e-other")
    assert other.get(f"/dorms/rules?org={SANXING}").status_code == 404
