"""光年间 photos: uploaded straight to S3 with a presigned POST, checked by the S3 event
Lambda (really an image, EXIF and GPS stripped, thumbnail and display sizes), reviewed by the
union staff of the member's scope; only approved photos are shown, a rejection says why."""
from __future__ import annotations

import base64
import io
import json
from concurrent.futures import ThreadPoolExecutor

import requests
from PIL import Image

from chalicelib.platform.aws import client
from chalicelib.platform.settings import get_settings
from tests.conftest import body
from tests.integration.profiles.helpers import XIHU, jpeg_with_gps, member


def upload(session, data: bytes, content_type: str = "image/jpeg") -> str:
    """What the mini-program does: ask for a ticket, then send the file to S3 under its key."""
    ticket = session.post("/profiles/me/photos", {"content_type": content_type, "size_bytes": len(data)})
    assert ticket.status_code == 201, ticket.body
    ticket = body(ticket)
    assert ticket["fields"]["Content-Type"] == content_type
    client("s3").put_object(Bucket=get_settings().uploads_bucket, Key=ticket["fields"]["key"], Body=data,
                            ContentType=content_type)
    return ticket["photo_id"]


def stored(key_prefix: str) -> dict[str, bytes]:
    s3 = client("s3")
    listing = s3.list_objects_v2(Bucket=get_settings().uploads_bucket, Prefix=key_prefix).get("Contents", [])
    return {o["Key"]: s3.get_object(Bucket=get_settings().uploads_bucket, Key=o["Key"])["Body"].read()
            for o in listing}


def test_given_a_phone_photo_with_gps_when_uploaded_then_it_is_cleaned_reviewed_and_shown(login, pump):
    xiaowang = member(login, pump, "w-xiaowang")
    viewer = member(login, pump, "w-aqiang", gender="male", birth_year=1992,
                    seeking={"gender": "female", "age_min": 22, "age_max": 36})
    photo_id = upload(xiaowang, jpeg_with_gps())
    pump.drain()                                      # S3 → photo_uploaded Lambda

    mine = body(xiaowang.get("/profiles/me"))["photos"]
    assert [(p["photo_id"], p["status"], p["status_text"]) for p in mine] == [(photo_id, "pending_review", "审核中")]
    sizes = stored(f"photo-sizes/w-xiaowang/{photo_id}/")
    assert set(sizes) == {f"photo-sizes/w-xiaowang/{photo_id}/thumb.jpg", f"photo-sizes/w-xiaowang/{photo_id}/display.jpg"}
    for key, data in sizes.items():
        with Image.open(io.BytesIO(data)) as image:
            assert image.format == "JPEG"
            assert not image.getexif() and "exif" not in image.info      # no EXIF, no GPS
            assert max(image.size) == (240 if key.endswith("thumb.jpg") else 1080)
    assert stored("photos/w-xiaowang/") == {}          # the original (with GPS) is gone
    assert body(viewer.get("/profiles/browse"))["items"][0]["cover_url"] == ""   # not approved yet

    admin = login("union_admin", user_id="xihu-admin", org_path=XIHU)
    queue = body(admin.get("/profiles/review/photos"))["items"]
    assert [(p["user_id"], p["photo_id"]) for p in queue] == [("w-xiaowang", photo_id)]
    decided = admin.post(f"/profiles/review/photos/w-xiaowang/{photo_id}", {"decision": "approve"})
    assert decided.status_code == 200 and body(decided)["status"] == "approved"
    pump.drain()
    assert body(admin.get("/profiles/review/photos"))["items"] == []
    card = body(viewer.get("/profiles/browse"))["items"][0]
    assert f"photo-sizes/w-xiaowang/{photo_id}/thumb.jpg" in card["cover_url"]
    shown = body(viewer.get("/profiles/members/w-xiaowang"))["photos"]
    assert [p["photo_id"] for p in shown] == [photo_id] and shown[0]["display_url"]


def test_given_a_rejected_photo_then_the_member_reads_why_and_others_never_see_it(login, pump):
    xiaowang = member(login, pump, "w-xiaowang")
    photo_id = upload(xiaowang, jpeg_with_gps((800, 800)))
    pump.drain()
    admin = login("union_admin", user_id="xihu-admin", org_path=XIHU)
    rejected = admin.post(f"/profiles/review/photos/w-xiaowang/{photo_id}",
                          {"decision": "reject", "reason": "请上传本人正面清晰照片"})
    assert rejected.status_code == 200
    pump.drain()
    mine = body(xiaowang.get("/profiles/me"))["photos"][0]
    assert mine["status"] == "rejected" and mine["reason"] == "请上传本人正面清晰照片" and mine["thumb_url"] == ""
    told = body(xiaowang.get("/inbox?kind=profiles"))["items"]               # the one inbox tells her why
    assert [(i["title"], i["body"]) for i in told] == [("照片未通过审核", "请上传本人正面清晰照片")]
    viewer = member(login, pump, "w-aqiang", gender="male", birth_year=1992,
                    seeking={"gender": "female", "age_min": 22, "age_max": 36})
    assert body(viewer.get("/profiles/members/w-xiaowang"))["photos"] == []
    no_reason = admin.post(f"/profiles/review/photos/w-xiaowang/{photo_id}", {"decision": "reject"})
    assert no_reason.status_code == 422


def test_given_a_file_that_is_not_an_image_then_it_is_marked_invalid_with_a_reason_and_deleted(login, pump):
    xiaowang = member(login, pump, "w-xiaowang")
    upload(xiaowang, b"%PDF-1.4 pretending to be a photo" + b"\0" * 2048)
    png = io.BytesIO()
    Image.new("RGB", (600, 600), (1, 2, 3)).save(png, format="PNG")
    upload(xiaowang, png.getvalue(), content_type="image/jpeg")        # declared JPEG, really PNG
    pump.drain()
    photos = body(xiaowang.get("/profiles/me"))["photos"]
    assert [p["status"] for p in photos] == ["invalid", "invalid"]
    assert "不是有效的图片" in photos[0]["reason"] and "不符" in photos[1]["reason"]
    assert stored("photos/w-xiaowang/") == {} and stored("photo-sizes/w-xiaowang/") == {}
    admin = login("union_admin", user_id="xihu-admin", org_path=XIHU)
    assert body(admin.get("/profiles/review/photos"))["items"] == []


def test_given_wrong_type_oversized_or_a_seventh_photo_then_a_clear_4xx(login, pump):
    xiaowang = member(login, pump, "w-xiaowang")
    gif = xiaowang.post("/profiles/me/photos", {"content_type": "image/gif", "size_bytes": 50_000})
    assert gif.status_code == 422
    huge = xiaowang.post("/profiles/me/photos", {"content_type": "image/jpeg", "size_bytes": 30 * 1024 * 1024})
    assert huge.status_code == 422
    ticket = body(xiaowang.post("/profiles/me/photos", {"content_type": "image/jpeg", "size_bytes": 50_000}))
    policy = json.loads(base64.b64decode(ticket["fields"]["policy"]))   # S3 itself enforces key, type and size
    assert ["content-length-range", 1024, 8 * 1024 * 1024] in policy["conditions"]
    assert {"Content-Type": "image/jpeg"} in policy["conditions"]
    assert {"key": f"photos/w-xiaowang/{ticket['photo_id']}"} in policy["conditions"]
    for _ in range(5):
        assert xiaowang.post("/profiles/me/photos", {"content_type": "image/png", "size_bytes": 50_000}).status_code == 201
    seventh = xiaowang.post("/profiles/me/photos", {"content_type": "image/png", "size_bytes": 50_000})
    assert seventh.status_code == 409 and body(seventh)["code"] == "PHOTO_LIMIT"
    removed = xiaowang.delete(f"/profiles/me/photos/{ticket['photo_id']}")
    assert removed.status_code == 200
    assert xiaowang.post("/profiles/me/photos", {"content_type": "image/png", "size_bytes": 50_000}).status_code == 201
    assert xiaowang.delete("/profiles/me/photos/not-mine").status_code == 404


def test_given_an_admin_of_another_district_then_the_photo_is_not_theirs_to_see(login, pump):
    xiaowang = member(login, pump, "w-xiaowang")
    photo_id = upload(xiaowang, jpeg_with_gps((800, 800)))
    pump.drain()
    nanxun = login("union_admin", user_id="nanxun-admin", org_path="zj/huz/nanxun")
    assert body(nanxun.get("/profiles/review/photos"))["items"] == []
    assert nanxun.post(f"/profiles/review/photos/w-xiaowang/{photo_id}", {"decision": "approve"}).status_code == 404
    assert nanxun.get("/profiles/review/photos?org=zj/hz/xihu").status_code == 404
    city = login("union_admin", user_id="hz-admin", org_path="zj/hz")
    assert len(body(city.get("/profiles/review/photos"))["items"]) == 1
    assert xiaowang.get("/profiles/review/photos").status_code == 403


def test_when_two_admins_decide_the_same_photo_at_once_then_exactly_one_decision_counts(login, pump, live_api):
    xiaowang = member(login, pump, "w-xiaowang")
    photo_id = upload(xiaowang, jpeg_with_gps((800, 800)))
    pump.drain()
    admins = [login("union_admin", user_id=f"xihu-admin-{i}", org_path=XIHU) for i in range(4)]
    decisions = [{"decision": "approve"}, {"decision": "reject", "reason": "不是本人"}] * 2

    def decide(i: int) -> int:
        return requests.post(f"{live_api}/profiles/review/photos/w-xiaowang/{photo_id}", json=decisions[i],
                             headers=admins[i].headers, timeout=30).status_code

    with ThreadPoolExecutor(4) as pool:
        statuses = sorted(pool.map(decide, range(4)))
    assert statuses == [200, 409, 409, 409]
    final = body(xiaowang.get("/profiles/me"))["photos"][0]["status"]
    assert final in ("approved", "rejected")
