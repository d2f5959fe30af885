"""The roll-up equals a recomputation from the features' own data, however often each event
is delivered.

Given two enterprises in 南浔, a roster import and a re-import that marks one person as left,
a dorm building's rooms imported with two residents on the sheet, and workers
scanning a service room's code (some twice a day), when every domain event the
figures queue consumes is delivered again one or two more times (1–3 deliveries in all),
then each org node's figures equal what the features' tables say: active roster entries per
enterprise, beds and occupied beds, and first visits of the day, summed up the hierarchy."""
from __future__ import annotations

import json
import random
from collections import Counter

from chalicelib.centres.models import CentreVisit
from chalicelib.dorms.models import DormBed
from chalicelib.enterprises.specs import CONSUMED, FIGURES_QUEUE
from chalicelib.identity.models import RosterEntry
from chalicelib.platform import clock
from chalicelib.platform.aws import client
from tests.conftest import body
from tests.integration.identity.conftest import make_id, roster_csv

from .conftest import NANXUN

SANXING, HENGDA = f"{NANXUN}/e-sanxing", f"{NANXUN}/e-hengda"
PEOPLE = [("陈宏鑫", SANXING), ("孙会计", SANXING), ("郑师傅", SANXING), ("沈织工", HENGDA), ("钱挡车", HENGDA)]


def _rows(people):
    return [[name, make_id("330503", f"1990{n + 1:02d}15", "101"), "企业", org, "在会", ""]
            for n, (name, org) in enumerate(PEOPLE) if (name, org) in people]


METRICS = ("roster_members", "people_served", "dorm_beds", "dorm_beds_occupied")


def _recomputed(visits_room_day: str, building_id: str) -> dict[str, dict[str, int]]:
    roster = Counter(e.org_path for e in RosterEntry.by_roster_scope.query(NANXUN) if e.status == "active")
    visits = Counter(SANXING for _ in CentreVisit.query(visits_room_day))
    beds = list(DormBed.query(building_id))
    out: dict[str, dict[str, int]] = {}
    for counter, metric in ((roster, "roster_members"), (visits, "people_served"),
                            (Counter(b.org_path for b in beds), "dorm_beds"),
                            (Counter(b.org_path for b in beds if b.status == "occupied"), "dorm_beds_occupied")):
        for org, n in counter.items():
            parts = org.split("/")
            for i in range(1, len(parts) + 1):
                node = out.setdefault("/".join(parts[:i]), dict.fromkeys(METRICS, 0))
                node[metric] += n
    return out


def test_the_roll_up_equals_a_recomputation_after_events_delivered_one_to_three_times(
        register, nanxun, login, pump, upload_roster, spy):
    assert register().status_code == 201
    assert register(code="91330503MA2B3C4D6R", slug="e-hengda", name="湖州恒达丝绸有限公司").status_code == 201
    upload_roster(nanxun, NANXUN, roster_csv(_rows(PEOPLE)))
    upload_roster(nanxun, NANXUN, roster_csv(_rows(PEOPLE[1:])), mode="replace", confirm_leavers=True)

    sanxing_admin = login("enterprise_admin", "ea-sanxing", SANXING, "三行工会主席 沈嘉俊")
    building = body(sanxing_admin.post("/dorms/buildings", {"org_path": SANXING, "name": "工匠之家",
                                                            "address": "南浔经济开发区"}))
    rooms = [{"room_no": str(n), "room_type": "double", "gender": "male", "floor": 3,
              "residents": [{"bed_no": 1, "resident_ref": f"sx-{n}"}] if n < 303 else []} for n in (301, 302, 303)]
    imported = sanxing_admin.post(f"/dorms/buildings/{building['building_id']}/rooms/import", {"rooms": rooms})
    assert imported.status_code in (200, 201), imported.body

    centre = body(nanxun.post("/centres", {"org_path": SANXING, "name": "三行电气职工之家", "lat": 30.873,
                                           "lng": 120.425}))
    room = body(nanxun.post(f"/centres/{centre['centre_id']}/rooms", {"kind": "reading_room", "name": "职工书屋"}))
    code = body(nanxun.get(f"/centres/{centre['centre_id']}/rooms/{room['room_id']}/code"))["code"]
    for n in range(4):
        worker = login("worker", f"w-sanxing-{n}", SANXING)
        for _ in range(1 + n % 2):
            assert worker.post("/centres/visits", {"code": code}).status_code == 200
    pump.drain()

    consumed = [e for e in spy.collect()
                if e["detail-type"] in CONSUMED.get(e["source"].removeprefix("gonghui."), [])]
    assert {e["detail-type"] for e in consumed} == {"RosterMembersChanged", "CentreVisitRecorded",
                                                    "DormRoomsImported"}
    sqs = client("sqs")
    url = sqs.get_queue_url(QueueName=FIGURES_QUEUE.name)["QueueUrl"]
    extra = [n % 3 for n in range(len(consumed))]  # delivered once already: now 1–3 times in all
    random.Random(16).shuffle(extra)
    assert {0, 1, 2} <= set(extra)
    for event, times in zip(consumed, extra, strict=True):
        for _ in range(times):
            sqs.send_message(QueueUrl=url, MessageBody=json.dumps(event))
    pump.drain()

    month = clock.today_shanghai().isoformat()[:7]
    day = clock.today_shanghai().isoformat()
    expected = _recomputed(f"{centre['centre_id']}#{room['room_id']}#{day}", building["building_id"])
    assert expected[SANXING] == {"roster_members": 2, "people_served": 4, "dorm_beds": 6, "dorm_beds_occupied": 2}
    assert expected[HENGDA]["roster_members"] == 2
    province = login("platform_admin", "pa-province", "zj")
    for org, figures in expected.items():
        seen = body(province.get(f"/enterprises/figures?org={org}&month_from={month}&month_to={month}"))
        got = seen["months"][0]["figures"]
        assert {k: got[k] for k in figures} == figures, org
