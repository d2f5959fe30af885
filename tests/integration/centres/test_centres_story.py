"""Done when: a courier near 缙云 finds the nearest open station, a worker files a wage-arrears
case that a mediator settles with an agreement inside fifteen days, and the district sees the
centre's figures — visits counted once per person per room per day, the mediation counted once."""
from __future__ import annotations

import json

import pytest

from chalicelib.centres.models import CentreFigure, CentreNearby, CentreRoom, CentreVisit
from chalicelib.platform import clock
from tests.conftest import body

from .conftest import CENTRE_ORG, ENTERPRISE


def test_courier_finds_the_nearest_open_station(login, district, centre):
    courier = login("worker", "w-courier", "zj/ls/jinyun/e-express", "快递小哥 阿强")
    near = body(courier.get("/centres/nearby?lat=28.6620&lng=120.0960&kind=outdoor_station&limit=3"))
    assert near["coordinate_system"] == "GCJ-02"
    assert [i["name"] for i in near["items"]] == ["五云户外劳动者服务站点", "新建户外劳动者服务站点",
                                                 "壶镇户外劳动者服务站点"]
    assert near["items"][0]["distance_m"] < 700
    # the answer states how far it looked: everything open within radius_m was compared
    assert near["items"][-1]["distance_m"] <= near["radius_m"] <= near["max_radius_m"]

    # when the nearest is temporarily closed, it drops out
    station = centre["rooms"]["五云户外劳动者服务站点"]
    assert district.patch(f"/centres/{centre['centre_id']}/rooms/{station['room_id']}",
                          {"closed": True, "closed_note": "设备检修"}).status_code == 200
    near = body(courier.get("/centres/nearby?lat=28.6620&lng=120.0960&kind=outdoor_station&limit=1"))
    assert [i["name"] for i in near["items"]] == ["新建户外劳动者服务站点"]


@pytest.mark.parametrize(("query", "code"), [
    ("lat=51.5072&lng=-0.1276", "CENTRE_COORDINATES_OUTSIDE_CHINA"),
    ("lat=-28.66&lng=120.09", "CENTRE_COORDINATES_OUTSIDE_CHINA"),
    ("lat=north&lng=120.09", "VALIDATION_FAILED"),
    ("lat=95&lng=120.09", "VALIDATION_FAILED"),
])
def test_bad_coordinates_are_refused_with_a_code(login, centre, query, code):
    courier = login("worker", "w-courier", "zj/ls/jinyun/e-express")
    response = courier.get(f"/centres/nearby?{query}")
    assert response.status_code == 422 and body(response)["code"] == code


def test_a_station_outside_china_is_not_stored(district, centre):
    before = len(list(CentreNearby.scan()))
    response = district.post(f"/centres/{centre['centre_id']}/rooms",
                             {"kind": "outdoor_station", "name": "境外站点", "lat": 35.68, "lng": 139.76})
    assert response.status_code == 422 and body(response)["code"] == "CENTRE_COORDINATES_OUTSIDE_CHINA"
    assert len(list(CentreNearby.scan())) == before
    assert len(list(CentreRoom.query(centre["centre_id"]))) == len(centre["rooms"])


def test_a_forged_room_code_records_nothing(login, district, centre):
    reading = centre["rooms"]["职工书屋"]
    code = body(district.get(f"/centres/{centre['centre_id']}/rooms/{reading['room_id']}/code"))["code"]
    worker = login("worker", "w-wang", ENTERPRISE)
    forged = code[:-4] + ("0000" if not code.endswith("0000") else "1111")
    for bad in (forged, f"{centre['centre_id']}.{reading['room_id']}", "not-a-code"):
        response = worker.post("/centres/visits", {"code": bad})
        assert response.status_code == 400 and body(response)["code"] == "CENTRE_CODE_INVALID"
    assert list(CentreVisit.scan()) == []


def test_scans_with_redeliveries_count_each_person_once_per_room_per_day(login, district, centre, pump, aws):
    rooms = [centre["rooms"]["职工书屋"], centre["rooms"]["调解室"]]
    codes = [body(district.get(f"/centres/{centre['centre_id']}/rooms/{r['room_id']}/code"))["code"] for r in rooms]
    people = [login("worker", f"w-{n:02d}", ENTERPRISE) for n in range(12)]
    # every person scans the reading room three times; the first four also visit the mediation room twice
    for person in people:
        for _ in range(3):
            assert person.post("/centres/visits", {"code": codes[0]}).status_code == 200
    for person in people[:4]:
        for _ in range(2):
            person.post("/centres/visits", {"code": codes[1]})
    # then only first scans of the day staged an event (the visit and its event are one transaction)
    pump.pump_outbox()
    # and the figures queue gets every message twice (at-least-once delivery)
    import boto3

    sqs = boto3.client("sqs")
    url = sqs.get_queue_url(QueueName=_queue_name())["QueueUrl"]
    messages = []
    while True:
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0).get("Messages", [])
        if not got:
            break
        for m in got:
            messages.append(m["Body"])
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    assert len(messages) == 12 + 4
    for text in messages + messages:
        sqs.send_message(QueueUrl=url, MessageBody=text)
    pump.drain()

    month = clock.today_shanghai().isoformat()[:7]
    served = body(district.get(f"/centres/figures?month={month}"))
    assert served["people_served"] == 12 + 4 and served["org_path"] == "zj/ls/jinyun"
    assert body(district.get(f"/centres/figures?org={CENTRE_ORG}&month={month}"))["people_served"] == 16
    assert CentreFigure.get("zj", month).people_served == 16


def _queue_name() -> str:
    from chalicelib.centres.specs import FIGURES_QUEUE

    return FIGURES_QUEUE.name


def test_done_when_story(login, district, centre, pump):
    # a courier near 缙云 finds the nearest station
    courier = login("worker", "w-courier", "zj/ls/jinyun/e-express", "快递小哥 阿强")
    nearest = body(courier.get("/centres/nearby?lat=28.6620&lng=120.0960&kind=outdoor_station&limit=1"))
    assert nearest["items"][0]["name"] == "五云户外劳动者服务站点"
    # and drops in (scan), twice the same day
    code = body(district.get(f"/centres/{centre['centre_id']}/rooms/"
                             f"{nearest['items'][0]['room_id']}/code"))["code"]
    assert body(courier.post("/centres/visits", {"code": code}))["first_today"] is True
    assert body(courier.post("/centres/visits", {"code": code}))["first_today"] is False

    # a worker files a wage-arrears case; a mediator of the centre settles it inside fifteen days
    worker = login("worker", "w-wang", ENTERPRISE, "王师傅")
    employer = login("enterprise_admin", "ea-huayuan", ENTERPRISE, "华源机械 人事")
    mediator = login("union_admin", "ua-zhou", CENTRE_ORG, "调解员 周老师")
    case = body(worker.post("/mediation/cases", {
        "category": "wage_arrears", "respondent_kind": "enterprise", "respondent_org": ENTERPRISE,
        "respondent_name": "缙云华源机械有限公司", "claim": "拖欠两个月工资共 12000 元，请求一次付清。"}))
    cid = case["case_id"]
    district.post(f"/mediation/cases/{cid}/decision", {"action": "accept"})
    district.post(f"/mediation/cases/{cid}/mediator", {"mediator_id": mediator.user_id})
    mediator.post(f"/mediation/cases/{cid}/agreement", {"text": "被申请人十日内一次性支付拖欠工资 12000 元。"})
    worker.post(f"/mediation/cases/{cid}/agreement/confirm")
    settled = body(employer.post(f"/mediation/cases/{cid}/agreement/confirm"))
    assert settled["state"] == "settled" and clock.now() < clock.parse(settled["deadline_at"])

    # the district sees the centre's figures: one person served, one mediation
    pump.drain()
    pump.drain()
    month = clock.today_shanghai().isoformat()[:7]
    figures = body(district.get(f"/centres/figures?org={CENTRE_ORG}&month={month}"))
    assert (figures["people_served"], figures["mediations"]) == (1, 1)
    assert json.loads(json.dumps(body(district.get(f"/centres/figures?month={month}"))))["mediations"] == 1
