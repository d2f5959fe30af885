"""Both people in a conversation see its messages in ONE order: the order they arrive live over
the WebSocket is the order of the history, and every message received counts as unread once.

Two sends that cross — one member's send is accepted but slow to reach the queue while the
other's goes straight through — used to be numbered in one order and delivered in the other
(the number was taken before the message was queued): live order and history disagreed, and
the late message never counted as unread."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import requests

from tests.conftest import body
from tests.integration.social.conftest import befriend

from .conftest import open_socket

ROUNDS = 3


def cross(live_api: str, wang: Any, li: Any, monkeypatch: Any, rounds: int) -> None:
    """Round after round, one member's send is accepted but slow to reach the queue, and the
    other's send overtakes it."""
    from chalicelib.platform import queues

    real_send = queues.send
    slow: dict[str, tuple[threading.Event, threading.Event]] = {}

    def late_send(spec: Any, message: Any, **kw: Any) -> Any:
        hold = slow.get(message.get("client_id")) if isinstance(message, dict) else None
        if hold is not None:
            reached, go_on = hold
            reached.set()
            go_on.wait(15)
        return real_send(spec, message, **kw)

    monkeypatch.setattr(queues, "send", late_send)

    def post(sender: Any, to: str, client_id: str, text: str) -> int:
        answer = requests.post(f"{live_api}/messaging/messages", headers=sender.headers, timeout=30,
                               json={"to": to, "client_id": client_id, "text": text})
        return answer.status_code

    with ThreadPoolExecutor(max_workers=1) as pool:
        for n in range(rounds):
            late, quick = (wang, li) if n % 2 == 0 else (li, wang)
            reached, go_on = threading.Event(), threading.Event()
            slow[f"{late.user_id}-{n:05d}"] = (reached, go_on)
            overtaken = pool.submit(post, late, quick.user_id, f"{late.user_id}-{n:05d}", f"{late.user_id} 第{n}条")
            assert reached.wait(15), "the late send was accepted"
            assert post(quick, late.user_id, f"{quick.user_id}-{n:05d}", f"{quick.user_id} 第{n}条") == 202
            go_on.set()
            assert overtaken.result() == 202
    monkeypatch.setattr(queues, "send", real_send)


def test_crossing_sends_arrive_live_in_the_order_of_the_history(live_api, gateway, member, pump, monkeypatch):
    # given two friends with the chat open on both phones
    wang, li = member("xiaowang", "xiaoli")
    befriend(wang, li)
    sockets = {s.user_id: open_socket(gateway, s) for s in (wang, li)}
    try:
        # when their sends cross, round after round
        cross(live_api, wang, li, monkeypatch, ROUNDS)
        pump.drain()

        # then each phone got every message live, in exactly the order of the history
        conv = body(wang.get(f"/messaging/with/{li.user_id}"))["conversation_id"]
        for who in (wang, li):
            live = []
            while len(live) < 2 * ROUNDS:
                frame = sockets[who.user_id].recv_json(timeout=15)
                if frame.get("type") == "message":
                    live.append((frame["message"]["seq"], frame["message"]["text"]))
            page = body(who.get(f"/messaging/conversations/{conv}/messages?limit=50"))
            history = [(m["seq"], m["text"]) for m in reversed(page["items"])]
            assert live == history, f"{who.user_id} saw a different order live than in the history"
            assert [seq for seq, _ in history] == list(range(1, 2 * ROUNDS + 1))
    finally:
        for socket in sockets.values():
            socket.close()


def test_every_message_received_counts_as_unread_once_when_sends_cross(live_api, member, pump, monkeypatch):
    # given two friends
    wang, li = member("xiaowang", "xiaoli")
    befriend(wang, li)
    # when their sends cross, round after round (each is the late one in turn)
    cross(live_api, wang, li, monkeypatch, 2 * ROUNDS)
    pump.drain()
    # then each inbox shows as unread exactly what the other sent
    for who in (wang, li):
        entry = body(who.get("/messaging/inbox"))["items"][0]
        assert entry["unread"] == 2 * ROUNDS, f"{who.user_id}: {entry['unread']} unread shown, {2 * ROUNDS} received"
        assert entry["last_seq"] == 4 * ROUNDS
