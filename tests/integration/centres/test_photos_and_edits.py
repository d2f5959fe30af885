"""Staff keep a centre current: its name, hours and photos (uploaded through a presigned POST
under the centre, then named on the centre or room), and a station marked temporarily closed.
A photo that was not uploaded there is refused and nothing changes."""
from __future__ import annotations

from typing import Any

from chalicelib.centres import geo
from chalicelib.centres.models import Centre, CentreNearby, CentreRoom
from chalicelib.platform.aws import client
from chalicelib.platform.settings import get_settings
from tests.conftest import body


def _upload(ticket: dict[str, Any]) -> None:
    """What the mini-program's uploadFile does with the ticket (the object lands at its key)."""
    client("s3").put_object(Bucket=get_settings().uploads_bucket, Key=ticket["key"], Body=b"\xff\xd8\xff photo",
                            ContentType=ticket["fields"]["Content-Type"])


def test_staff_upload_photos_rename_the_centre_and_close_a_station(district, centre, login):
    centre_id = centre["centre_id"]
    station = centre["rooms"]["五云户外劳动者服务站点"]
    ticket = body(district.post(f"/centres/{centre_id}/photos", {"content_type": "image/jpeg", "size_bytes": 4096}))
    assert ticket["key"].startswith(f"centres/{centre_id}/") and ticket["fields"]["Content-Type"] == "image/jpeg"
    _upload(ticket)
    room_ticket = body(district.post(f"/centres/{centre_id}/photos", {"content_type": "image/png", "size_bytes": 2048,
                                                                      "room_id": station["room_id"]}))
    _upload(room_ticket)

    edited = district.patch(f"/centres/{centre_id}", {"name": "缙云县五云社区工会服务中心", "hours": "每天 8:00-21:00",
                                                      "photos": [ticket["key"]]})
    assert edited.status_code == 200, edited.body
    shown = body(edited)
    assert (shown["name"], shown["photos"]) == ("缙云县五云社区工会服务中心", [ticket["key"]])
    assert ticket["key"] in shown["photo_urls"][0]
    room = district.patch(f"/centres/{centre_id}/rooms/{station['room_id']}",
                          {"photos": [room_ticket["key"]], "closed": True, "closed_note": "暴雨停用"})
    assert body(room)["closed"] is True and body(room)["photos"] == [room_ticket["key"]]

    courier = login("worker", "w-courier", "zj/ls/jinyun/e-express")
    near = body(courier.get("/centres/nearby?lat=28.6640&lng=120.0990&kind=outdoor_station&limit=3"))["items"]
    assert station["room_id"] not in [i["room_id"] for i in near]          # closed: not offered
    assert {i["centre_name"] for i in near} == {"缙云县五云社区工会服务中心"}  # the new name everywhere


def test_a_photo_not_uploaded_under_the_centre_is_refused_and_nothing_changes(district, centre, login):
    centre_id = centre["centre_id"]
    station = centre["rooms"]["新建户外劳动者服务站点"]
    before = (Centre.get(centre_id).attribute_values, CentreRoom.get(centre_id, station["room_id"]).attribute_values)
    never_uploaded = f"centres/{centre_id}/0000000000000000.jpg"
    other_centre = "centres/ct-aaaaaaaaaaaa/1111111111111111.jpg"
    for path, payload in ((f"/centres/{centre_id}", {"name": "改名", "photos": [never_uploaded]}),
                          (f"/centres/{centre_id}", {"photos": [other_centre]}),
                          (f"/centres/{centre_id}/rooms/{station['room_id']}", {"closed": True,
                                                                               "photos": [never_uploaded]})):
        refused = district.patch(path, payload)
        assert refused.status_code == 422 and body(refused)["code"] == "CENTRE_PHOTO_INVALID", refused.body
    too_big = district.post(f"/centres/{centre_id}/photos", {"content_type": "image/jpeg", "size_bytes": 6 << 20})
    assert too_big.status_code == 422 and body(too_big)["code"] == "CENTRE_PHOTO_TOO_LARGE"
    wrong_type = district.post(f"/centres/{centre_id}/photos", {"content_type": "image/gif", "size_bytes": 100})
    assert wrong_type.status_code == 422
    other = login("union_admin", "ua-nanxun", "zj/huz/nanxun")
    assert other.patch(f"/centres/{centre_id}", {"name": "别人的中心"}).status_code == 404
    after = (Centre.get(centre_id).attribute_values, CentreRoom.get(centre_id, station["room_id"]).attribute_values)
    assert after == before
    indexed = [i for cell in geo.index_cells(station["lat"], station["lng"]) for i in CentreNearby.query(cell)
               if i.room_key.endswith(station["room_id"])]
    assert len(indexed) == len(geo.LEVELS) and not any(i.closed for i in indexed)   # still open in the index
