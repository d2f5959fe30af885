"""The local stack's demo: 缙云's centre with eight rooms and its outdoor-worker stations, found
from the county seat; seeding twice adds nothing."""
from __future__ import annotations

from chalicelib.centres.models import CentreRoom
from local.demo import accounts, centres, mediation
from tests.conftest import body


def test_demo_centre_is_found_from_jinyun(aws, login):
    accounts.seed()
    mediation.seed()
    centres.seed()
    centres.seed()
    courier = login("worker", "w-courier", "zj/ls/jinyun/e-express")
    near = body(courier.get("/centres/nearby?lat=28.6590&lng=120.0920&kind=outdoor_station&limit=3"))
    assert [i["name"] for i in near["items"]] == ["五云户外劳动者服务站点", "新建镇户外劳动者服务站点",
                                                 "壶镇户外劳动者服务站点"]
    centre = body(courier.get(f"/centres/{near['items'][0]['centre_id']}"))
    assert centre["name"] == "缙云县社区工会服务中心"
    assert len([r for r in centre["rooms"] if r["lat"] == centre["lat"]]) == 8
    assert len(list(CentreRoom.query(centre["centre_id"]))) == 10
