"""消息: two members chat one to one — the send answers at once, the message-send Lambda
stores it in order, both inboxes move, read receipts and recall work, and bad input is a
clear 4xx."""
from __future__ import annotations

import json
from datetime import timedelta

from chalicelib.platform import clock
from tests.conftest import body
from tests.integration.social.conftest import befriend


def send(session, to: str, text: str, client_id: str):
    return session.post("/messaging/messages", {"to": to, "client_id": client_id, "text": text})


def history(session, conversation_id: str, limit: int = 50):
    return body(session.get(f"/messaging/conversations/{conversation_id}/messages?limit={limit}"))


def test_given_friends_when_they_chat_then_history_inbox_unread_and_receipts_follow(member, pump):
    wang, li = member("xiaowang", "xiaoli")
    befriend(wang, li)

    first = send(wang, "xiaoli", "周末一起去西湖边跑步吗？", "cli-0001")
    assert first.status_code == 202
    accepted = body(first)
    assert accepted["status"] == "accepted" and accepted["duplicate"] is False
    send(wang, "xiaoli", "早上七点断桥集合", "cli-0002")
    pump.drain()
    send(li, "xiaowang", "好呀，不见不散", "cli-0003")
    pump.drain()

    conv = accepted["conversation_id"]
    page = history(li, conv)
    assert [(m["seq"], m["sender"], m["text"]) for m in page["items"]] == [
        (3, "xiaoli", "好呀，不见不散"), (2, "xiaowang", "早上七点断桥集合"), (1, "xiaowang", "周末一起去西湖边跑步吗？")]
    assert page["other"] == "xiaowang"

    inbox = body(wang.get("/messaging/inbox"))["items"]
    assert inbox[0]["conversation_id"] == conv and inbox[0]["preview"] == "好呀，不见不散" and inbox[0]["unread"] == 1
    li_inbox = body(li.get("/messaging/inbox"))["items"]
    assert li_inbox[0]["unread"] == 2

    read = li.post(f"/messaging/conversations/{conv}/read", {"up_to_seq": 2})
    assert read.status_code == 200 and body(read) == {"conversation_id": conv, "read_up_to": 2, "unread": 0}
    assert body(li.get("/messaging/inbox"))["items"][0]["unread"] == 0
    mine = {m["seq"]: m for m in history(wang, conv)["items"]}
    assert mine[1]["read"] is True and mine[2]["read"] is True


def test_the_inbox_is_sorted_by_last_message(member, pump):
    wang, li, zhao = member("xiaowang", "xiaoli", "xiaozhao")
    befriend(wang, li)
    befriend(wang, zhao)
    send(wang, "xiaoli", "你好", "cli-a-0001")
    pump.drain()
    clock.travel(timedelta(seconds=5))
    try:
        send(wang, "xiaozhao", "你好呀", "cli-b-0001")
        pump.drain()
        assert [i["other"] for i in body(wang.get("/messaging/inbox"))["items"]] == ["xiaozhao", "xiaoli"]
        clock.travel(timedelta(seconds=5))
        send(li, "xiaowang", "在的", "cli-c-0001")
        pump.drain()
        assert [i["other"] for i in body(wang.get("/messaging/inbox"))["items"]] == ["xiaoli", "xiaozhao"]
    finally:
        clock.reset()


def test_a_retried_send_with_the_same_client_id_stores_one_message(member, pump):
    wang, li = member("xiaowang", "xiaoli")
    befriend(wang, li)
    first = body(send(wang, "xiaoli", "你好", "retry-0001"))
    again = send(wang, "xiaoli", "你好", "retry-0001")
    assert again.status_code == 202 and body(again)["message_id"] == first["message_id"]
    assert body(again)["duplicate"] is True
    pump.drain()
    after = send(wang, "xiaoli", "你好", "retry-0001")
    assert first["seq"] is None, "numbered by the message-send Lambda, in delivery order"
    assert body(after)["seq"] == 1 and body(after)["duplicate"] is True
    pump.drain()
    assert [m["text"] for m in history(li, first["conversation_id"])["items"]] == ["你好"]
    reused = send(wang, "xiaoli", "换了内容", "retry-0001")
    assert reused.status_code == 422 and body(reused)["code"] == "CLIENT_ID_REUSED"


def test_bad_sends_are_clear_4xx(member, pump):
    wang, li = member("xiaowang", "xiaoli")
    befriend(wang, li)
    empty = send(wang, "xiaoli", "   ", "bad-00001")
    assert empty.status_code == 422 and "消息内容不能为空" in json.dumps(body(empty), ensure_ascii=False)
    long = send(wang, "xiaoli", "长" * 2001, "bad-00002")
    assert long.status_code == 422
    huge = send(wang, "xiaoli", "长" * 200_000, "bad-00003")
    assert huge.status_code == 413
    unknown = send(wang, "nobody", "你好", "bad-00004")
    assert unknown.status_code == 404 and body(unknown)["code"] == "RECIPIENT_NOT_FOUND"
    assert body(send(wang, "xiaowang", "你好", "bad-00005"))["code"] == "MESSAGE_TO_SELF"
    assert send(wang, "xiaoli", "你好", "short").status_code == 422  # client id too short
    li.put("/social/blocks/xiaowang")
    blocked = send(wang, "xiaoli", "你好", "bad-00006")
    assert blocked.status_code == 403 and body(blocked)["code"] == "BLOCKED_BY_RECIPIENT"
    assert "屏蔽" in body(blocked)["message"]


def test_someone_elses_conversation_is_404(member, pump):
    wang, li, zhao = member("xiaowang", "xiaoli", "xiaozhao")
    befriend(wang, li)
    conv = body(send(wang, "xiaoli", "悄悄话", "priv-0001"))["conversation_id"]
    pump.drain()
    assert zhao.get(f"/messaging/conversations/{conv}/messages").status_code == 404
    assert zhao.post(f"/messaging/conversations/{conv}/read", {"up_to_seq": 1}).status_code == 404
    assert zhao.get("/messaging/conversations/c-doesnotexist/messages").status_code == 404
    message_id = history(li, conv)["items"][0]["message_id"]
    assert zhao.post(f"/messaging/messages/{message_id}/recall").status_code == 404
    assert li.post(f"/messaging/messages/{message_id}/recall").status_code == 404  # not the sender


def test_recall_within_two_minutes_and_not_after(member, pump):
    wang, li = member("xiaowang", "xiaoli")
    befriend(wang, li)
    conv = body(send(wang, "xiaoli", "发错了", "recall-001"))["conversation_id"]
    send(wang, "xiaoli", "这条留着", "recall-002")
    pump.drain()
    items = {m["text"]: m for m in history(wang, conv)["items"]}
    recalled = wang.post(f"/messaging/messages/{items['发错了']['message_id']}/recall")
    assert recalled.status_code == 200 and body(recalled)["status"] == "recalled"
    seen = history(li, conv)["items"]
    assert [(m["status"], m["text"]) for m in seen] == [("delivered", "这条留着"), ("recalled", "")]
    clock.travel(timedelta(minutes=3))
    try:
        late = wang.post(f"/messaging/messages/{items['这条留着']['message_id']}/recall")
        assert late.status_code == 409 and body(late)["code"] == "RECALL_WINDOW_PASSED"
    finally:
        clock.reset()


def test_first_messages_to_non_friends_are_limited_by_a_daily_quota(member, pump):
    wang = member("xiaowang")
    strangers = member(*[f"stranger-{i:02d}" for i in range(11)])
    for i, stranger in enumerate(strangers[:10]):
        assert send(wang, stranger.user_id, "你好，想认识一下", f"hi-{i:06d}").status_code == 202
    # a second message into an opened conversation is free; so is a reply
    assert send(wang, "stranger-00", "在吗", "hi-again-01").status_code == 202
    assert send(strangers[1], "xiaowang", "你好", "reply-0001").status_code == 202
    over = send(wang, "stranger-10", "你好", "hi-000010")
    assert over.status_code == 429 and body(over)["code"] == "FIRST_CONTACT_QUOTA"
    quota = body(wang.get("/messaging/quota"))
    assert quota["daily_first_contacts"] == 10 and quota["used_today"] == 10


def test_reports_against_a_sender_halve_their_quota(member, pump):
    wang = member("xiaowang")
    reporter = member("xiaoli")
    assert reporter.post("/social/reports", {"kind": "member", "target_id": "xiaowang",
                                             "reason_code": "harassment"}).status_code == 201
    quota = body(wang.get("/messaging/quota"))
    assert quota["recent_strikes"] == 1 and quota["daily_first_contacts"] == 5


def test_sends_per_minute_are_rate_limited(member, pump):
    wang, li = member("xiaowang", "xiaoli")
    befriend(wang, li)
    now = clock.now()  # start at a minute's first second: the 31 sends must share one minute
    clock.travel(timedelta(seconds=60 - now.second, microseconds=-now.microsecond))
    statuses = [send(wang, "xiaoli", f"第{i}条", f"rate-{i:05d}").status_code for i in range(31)]
    assert statuses[:30] == [202] * 30
    assert statuses[30] == 429


def test_a_suspended_member_stops_sending_and_disappears_from_chat(member, pump, login):
    wang, li = member("xiaowang", "xiaoli")
    befriend(wang, li)
    conv = body(send(wang, "xiaoli", "你好", "susp-0001"))["conversation_id"]
    pump.drain()
    staff = login("platform_admin", user_id="admin-1")
    report = body(li.post("/social/reports", {"kind": "member", "target_id": "xiaowang", "reason_code": "scam"}))
    acted = staff.post(f"/social/moderation/reports/{report['report_id']}/actions",
                       {"action": "suspend", "reason": "多次索要钱财", "days": 30})
    assert acted.status_code == 200

    refused = send(wang, "xiaoli", "还在吗", "susp-0002")
    assert refused.status_code == 403 and body(refused)["code"] == "ACCOUNT_SUSPENDED"  # at the edge, at once
    assert li.get(f"/messaging/conversations/{conv}/messages").status_code == 404
    assert body(li.get("/messaging/inbox"))["items"] == []
    assert send(li, "xiaowang", "?", "susp-0003").status_code == 404


def test_an_offline_recipient_gets_one_wechat_reminder_per_unread_burst(fakes, member, pump, api):
    """Given 小林 signed in through the WeChat mini-program and has no open socket, when 小王
    sends her three messages, then WeChat delivers one subscribe message (not three); after
    she reads them, the next message reminds her again."""
    login = body(api.post("/auth/wechat", headers={"Content-Type": "application/json"},
                          body=json.dumps({"code": fakes.wechat_login_code("openid-xiaolin")})))
    from tests.conftest import Session
    from tests.integration.social.conftest import activate

    lin = Session(api, login)
    activate(pump, lin.user_id)
    wang = member("xiaowang")
    befriend(wang, lin)
    for i in range(3):
        send(wang, lin.user_id, f"第{i}条", f"push-{i:05d}")
    pump.drain()
    assert [(m["channel"], m["recipient"]) for m in fakes.sent_messages] == [("wechat", "openid-xiaolin")]
    assert fakes.sent_messages[0]["page"].startswith("pages/messages/chat?c=")

    conv = body(wang.get(f"/messaging/with/{lin.user_id}"))["conversation_id"]
    lin.post(f"/messaging/conversations/{conv}/read", {"up_to_seq": 3})
    send(wang, lin.user_id, "还在吗", "push-00003")
    pump.drain()
    assert len(fakes.sent_messages) == 2
    reminders = body(lin.get("/inbox?kind=messaging"))["items"]            # each reminder is an inbox item too
    assert [i["kind_name"] for i in reminders] == ["聊天提醒", "聊天提醒"]


def test_an_inbox_row_shows_who_the_other_person_is_and_follows_their_new_nickname(login, pump):
    """A chat list shows a name and a picture per row, not a bare id the client would look up
    one call per row; when the other person renames themselves, the row follows."""
    from tests.integration.profiles.helpers import member as profiled
    from tests.integration.profiles.helpers import profile

    wang = profiled(login, pump, "xiaowang", nickname="阿旺")
    li = profiled(login, pump, "xiaoli", nickname="小李子", gender="male")
    befriend(wang, li)
    send(wang, "xiaoli", "你好呀", "cli-name-01")
    pump.drain()

    row = body(li.get("/messaging/inbox"))["items"][0]
    assert (row["other"], row["other_name"]) == ("xiaowang", "阿旺")
    assert body(wang.get("/messaging/inbox"))["items"][0]["other_name"] == "小李子"

    assert wang.put("/profiles/me", profile(nickname="旺仔")).status_code == 200
    pump.drain()
    assert body(li.get("/messaging/inbox"))["items"][0]["other_name"] == "旺仔"
