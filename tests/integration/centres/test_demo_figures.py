"""Done when (issue 17): the district sees the centre's figures match the demo data's
activities, visits and mediations — the demo did its month through the features themselves
(activities of the booking engine held in the centre's rooms, rooms' codes scanned, cases
mediated), and the figures arrived through the event pump; and the union sees Hangzhou's and
缙云's 职工书屋 with their reading events per room, district and year."""
from __future__ import annotations

from chalicelib.centres import logic
from chalicelib.platform.events import DomainEvent
from local.demo import accounts, centres, mediation
from tests.conftest import body


def test_the_district_sees_the_centres_month_and_the_reading_rooms_as_the_demo_made_them(aws, login, pump):
    accounts.seed()
    mediation.seed()
    seeded = centres.seed()
    assert centres.seed() == {}          # seeding twice adds nothing
    pump.drain()
    day = centres.history_day()
    month, year = day.strftime("%Y-%m"), str(day.year)

    # a courier near the county seat finds the demo's stations, nearest first
    courier = login("worker", "w-courier", "zj/ls/jinyun/e-express")
    near = body(courier.get("/centres/nearby?lat=28.6590&lng=120.0920&kind=outdoor_station&limit=3"))
    assert [i["name"] for i in near["items"]] == ["五云户外劳动者服务站点", "新建镇户外劳动者服务站点",
                                                 "壶镇户外劳动者服务站点"]
    centre = body(courier.get(f"/centres/{near['items'][0]['centre_id']}"))
    assert centre["name"] == "缙云县社区工会服务中心" and len(centre["rooms"]) == len(centres.ROOMS)

    # the centre: activities held in its rooms, people who scanned its rooms' codes, disputes mediated
    expected = {"activities": sum(s for _, _, s, _ in centres.ACTIVITIES),
                "participants": sum(s * a for _, _, s, a in centres.ACTIVITIES),
                "people_served": sum(centres.VISITS.values()), "mediations": len(centres.MEDIATIONS)}
    district = login("union_admin", "demo-jinyun-admin", "zj/ls/jinyun")
    for org in ("zj/ls/jinyun", centres.CENTRE_ORG):
        got = body(district.get(f"/centres/figures?org={org}&month={month}"))
        assert {k: got[k] for k in expected} == expected
    city = login("union_admin", "ls-admin", "zj/ls")
    assert body(city.get(f"/centres/figures?org=zj/ls&month={month}"))["mediations"] == len(centres.MEDIATIONS)

    # a redelivered closing event of a hosted session adds nothing
    from chalicelib.bookings.models import BookingSession

    host = seeded["rooms"][centres.ACTIVITIES[0][0]]
    session = next(s for s in BookingSession.by_activity.query(_activity_of(host)))
    replay = {"ref": f"session:{session.session_id}", "org": "zj/ls/jinyun", "category": "union",
              "day": day.isoformat(), "sessions": 1, "signups": 5, "attended": 4, "no_shows": 1, "host": host}
    assert logic.count_event("BookingAttendanceClosed", DomainEvent(org="zj/ls/jinyun", data=replay)) is False
    assert body(district.get(f"/centres/figures?org=zj/ls/jinyun&month={month}"))["activities"] == \
        expected["activities"]

    # 职工书屋: Hangzhou's registry by level, and the reading events per room, district and year
    hz = login("union_admin", "hz-admin", "zj/hz")
    hangzhou = body(hz.get(f"/centres/reading-rooms/figures?org=zj/hz&year={year}"))
    hz_rooms = [r for r in centres.READING_ROOMS if r[0].startswith("zj/hz")]
    held = {name: (s, s * a) for name, s, a in centres.READING_EVENTS}
    assert sum(hangzhou["rooms_by_level"].values()) == len(hz_rooms)
    assert hangzhou["rooms_by_level"]["national"] == sum(1 for r in hz_rooms if r[2] == "national")
    assert hangzhou["events"] == sum(held[r[1]][0] for r in hz_rooms if r[1] in held)
    assert hangzhou["participants"] == sum(held[r[1]][1] for r in hz_rooms if r[1] in held)
    rows = {r["name"]: (r["events"], r["participants"]) for r in hangzhou["rooms"]}
    assert rows == {name: held[name] for name in held if any(r[1] == name for r in hz_rooms)}
    xihu = body(hz.get(f"/centres/reading-rooms/figures?org=zj/hz/xihu&year={year}"))
    assert [r["name"] for r in xihu["rooms"]] == ["西湖区职工书屋（文三街道）"]
    jinyun = body(district.get(f"/centres/reading-rooms/figures?org=zj/ls/jinyun&year={year}"))
    assert (jinyun["events"], jinyun["participants"]) == held["缙云县职工书屋"]

    # workers find the registry; another district's staff do not see 缙云's figures
    worker = login("worker", "w-reader", "zj/hz/xihu/e-guangnian")
    listed = body(worker.get("/centres/reading-rooms?org=zj/hz&level=national"))["items"]
    assert [r["name"] for r in listed] == ["西湖区职工书屋（文三街道）"] and listed[0]["level_name"] == "全国级"
    refused = hz.get(f"/centres/reading-rooms/figures?org=zj/ls/jinyun&year={year}")
    assert refused.status_code == 404 and body(refused)["code"] == "ORG_NOT_FOUND"


def _activity_of(host: str) -> str:
    from chalicelib.bookings.models import BookingActivity

    return next(a.activity_id for a in BookingActivity.by_owner.query("zj/ls/jinyun") if a.host == host)
