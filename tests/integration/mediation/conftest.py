"""The people of a 缙云 wage-arrears case, and everyone who must not see it."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from chalicelib.platform import clock
from tests.conftest import Session, body

ENTERPRISE = "zj/ls/jinyun/e-huayuan"
CENTRE = "zj/ls/jinyun/c-xinjian"


@dataclass
class Cast:
    worker: Session
    employer: Session          # the enterprise admin of the other party
    district: Session          # 缙云县总工会: intake and supervisor
    city: Session              # 丽水市总工会: supervisor above
    mediator: Session          # staff of the 新建镇 centre, assigned
    colleague: Session         # another worker of the same enterprise
    other_employer: Session    # another enterprise's admin
    centre_peer: Session       # same-union staff, not assigned
    other_district: Session    # 南浔区's admin
    platform: Session


@pytest.fixture
def cast(login: Any) -> Cast:
    return Cast(
        worker=login("worker", "w-wang", ENTERPRISE, "王师傅"),
        employer=login("enterprise_admin", "ea-huayuan", ENTERPRISE, "华源机械 人事"),
        district=login("union_admin", "ua-jinyun", "zj/ls/jinyun", "缙云县总工会 高老师"),
        city=login("union_admin", "ua-lishui", "zj/ls", "丽水市总工会 权益部"),
        mediator=login("union_admin", "ua-zhou", CENTRE, "调解员 周老师"),
        colleague=login("worker", "w-li", ENTERPRISE, "李娜"),
        other_employer=login("enterprise_admin", "ea-other", "zj/ls/jinyun/e-other", "别家企业"),
        centre_peer=login("union_admin", "ua-peer", CENTRE, "中心 同事"),
        other_district=login("union_admin", "ua-nanxun", "zj/huz/nanxun", "南浔区总工会"),
        platform=login("platform_admin", "pa-1", "zj", "平台管理员"),
    )


WAGE_CASE = {
    "category": "wage_arrears", "respondent_kind": "enterprise", "respondent_org": ENTERPRISE,
    "respondent_name": "缙云华源机械有限公司", "claim": "公司拖欠 2026 年 9、10 月工资共 12000 元，请求一次付清。",
    "amount_fen": 1_200_000,
}


def file_wage_case(cast: Cast) -> dict[str, Any]:
    response = cast.worker.post("/mediation/cases", WAGE_CASE)
    assert response.status_code == 201, response.body
    return body(response)


ALL_DAY = {str(d): {"open": "08:00", "close": "17:00"} for d in range(1, 8)}


def mediation_room(cast: Cast) -> str:
    """The 新建镇 centre's mediation room in the booking engine (the centre is an org node under
    缙云; the district admin registers both). Returns the venue id."""
    from chalicelib.orgs import logic as orgs
    from chalicelib.orgs.schemas import NewOrg
    from chalicelib.platform.auth import Principal, Role

    if not orgs.exists(CENTRE):
        orgs.create_node(Principal(user_id="ua-jinyun", role=Role.UNION_ADMIN, org_path="zj/ls/jinyun"),
                         NewOrg(parent_path="zj/ls/jinyun", slug="c-xinjian", name="新建镇职工服务中心"))
    created = cast.district.post("/bookings/venues", {
        "org_path": CENTRE, "name": "新建镇职工服务中心 调解室", "kind": "mediation_room", "capacity": 6,
        "location": "缙云县新建镇", "hours": ALL_DAY, "rules": {"slot_minutes": 60, "horizon_days": 15}})
    assert created.status_code == 201, created.body
    return str(body(created)["venue_id"])


def tomorrow() -> str:
    return (clock.today_shanghai() + timedelta(days=1)).isoformat()


def accept_and_assign(cast: Cast, case_id: str) -> None:
    assert cast.district.post(f"/mediation/cases/{case_id}/decision", {"action": "accept"}).status_code == 200
    response = cast.district.post(f"/mediation/cases/{case_id}/mediator", {"mediator_id": cast.mediator.user_id})
    assert response.status_code == 200, response.body


@contextmanager
def later(**delta: float) -> Iterator[None]:
    """Run the schedules as if ``delta`` had passed (PyJWT checks tokens against the wall clock,
    so HTTP calls stay outside)."""
    clock.travel(timedelta(**delta))
    try:
        yield
    finally:
        clock.travel(-timedelta(**delta))
