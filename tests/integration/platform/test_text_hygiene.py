"""Text that reaches storage is text a person typed: NUL and other control characters, the
right-to-left override (U+202E, which makes "gpj.exe" read "exe.jpg"), zero-width characters
and the BOM are dropped at the edge, once, for every model; a name made only of them is
refused as empty and nothing is stored. Newlines stay in posts and messages; a name is one
line. Stored rows are read directly: the API's own views would clean them on the way out."""
from __future__ import annotations

from chalicelib.canteen.models import Dish
from chalicelib.messaging.models import Message
from chalicelib.orgs.models import OrgNode
from chalicelib.social.models import Post
from tests.conftest import body
from tests.integration.social.conftest import befriend, member  # noqa: F401  (shared fixture)

NANXUN = "zj/huz/nanxun"
HIDDEN = "\x00\u202e\u200b\ufeff\u2066\x1b"


def test_org_and_dish_names_are_stored_without_hidden_characters(login):
    union = login("union_admin", user_id="nanxun-admin", org_path=NANXUN)
    made = union.post("/orgs", {"parent_path": NANXUN, "slug": "e-sanxing",
                                "name": f"浙江三行{HIDDEN}电气\n科技有限公司工会\u200b"})
    assert made.status_code == 201, made.body
    assert OrgNode.get(f"{NANXUN}/e-sanxing").name == "浙江三行电气 科技有限公司工会"

    empty = union.post("/orgs", {"parent_path": NANXUN, "slug": "e-ghost", "name": "\u200b\u202e\ufeff\x00"})
    assert empty.status_code == 422 and body(empty)["code"] == "VALIDATION_FAILED"
    assert body(empty)["details"][0]["field"] == "name"
    assert [n.path for n in OrgNode.by_parent.query(NANXUN)] == [f"{NANXUN}/e-sanxing"]

    admin = login("enterprise_admin", user_id="sanxing-admin", org_path=f"{NANXUN}/e-sanxing")
    canteen = body(admin.post("/canteens", {"org_path": f"{NANXUN}/e-sanxing", "name": "三行职工食堂",
                                            "publish_hour": 17}))["canteen_id"]
    dish = admin.post(f"/canteens/{canteen}/dishes", {"name": f"辣子{HIDDEN}鸡", "price_fen": 1200})
    assert dish.status_code == 201, dish.body
    assert Dish.get(canteen, body(dish)["dish_id"]).name == "辣子鸡"


def test_posts_and_messages_keep_their_lines_but_lose_hidden_characters(member, pump):  # noqa: F811
    wang, li = member("xiaowang", "xiaoli")
    befriend(wang, li)
    posted = wang.post("/social/posts", {"text": f"周末{HIDDEN}去跑步吗？\r\n西湖边见"})
    assert posted.status_code == 201, posted.body
    assert Post.get(body(posted)["post_id"]).text == "周末去跑步吗？\n西湖边见"

    sent = wang.post("/messaging/messages", {"to": "xiaoli", "client_id": "hygiene-01",
                                             "text": "下班\u202e后\x00一起\u200b吃饭\n好吗"})
    assert sent.status_code == 202, sent.body
    pump.drain()
    stored = next(iter(Message.by_id.query(body(sent)["message_id"])))  # numbered on delivery
    assert stored.body == "下班后一起吃饭\n好吗"

    invisible = wang.post("/messaging/messages", {"to": "xiaoli", "client_id": "hygiene-02", "text": HIDDEN})
    assert invisible.status_code == 422 and body(invisible)["code"] == "VALIDATION_FAILED"
    pump.drain()
    history = body(li.get(f"/messaging/conversations/{body(sent)['conversation_id']}/messages"))["items"]
    assert [m["text"] for m in history] == ["下班后一起吃饭\n好吗"]
