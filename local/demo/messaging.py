"""光年间 chat demo: 小王 and 小林 (friends) have a conversation going; “张总” opens with a
杀猪盘 line that the safety rules hold and file for 西湖区 union staff. The event pump
delivers the queued sends; connect over ``ws://127.0.0.1:8001/local?token=...`` to chat live."""
from __future__ import annotations

import time

from chalicelib.messaging import logic
from local.demo.social import principal

CHAT = [
    ("glnj-xiaowang", "glnj-xiaolin", "demo-chat-0001", "早上在断桥看到你发的日出了，好美！"),
    ("glnj-xiaolin", "glnj-xiaowang", "demo-chat-0002", "哈哈谢谢～你也跑步吗？"),
    ("glnj-xiaowang", "glnj-xiaolin", "demo-chat-0003", "偶尔跑，周六早上七点一起？"),
    ("glnj-suspect", "glnj-meimei", "demo-scam-0001",
     "美女你好，我是做数字货币的，带你投资USDT稳赚不赔，平台 https://usdt-win.top 注册一下"),
]


def seed() -> None:
    logic.seed_default_rules("system")  # the default rule table, editable by union staff
    for sender, recipient, client_id, text in CHAT:
        logic.send(principal(sender), recipient, client_id, text)  # idempotent on the client id


def walkthrough(api: str = "http://127.0.0.1:8000", ws: str = "ws://127.0.0.1:8001/local") -> None:
    """Against a running local stack (``python -m local``): 小王 and 小林 chat live over the
    WebSocket, then 西湖区 staff see the held 杀猪盘 message in the moderation queue.

        .venv/bin/python -m local.demo.messaging
    """
    import requests

    from local.ws_gateway import WsClient

    def token(user_id: str, role: str = "worker", org: str = "zj/hz/xihu") -> str:
        r = requests.post(f"{api}/dev/login", json={"role": role, "user_id": user_id, "org_path": org}, timeout=10)
        r.raise_for_status()
        return str(r.json()["access_token"])

    wang, lin = token("glnj-xiaowang"), token("glnj-xiaolin")
    wang_ws, lin_ws = WsClient.connect(f"{ws}?token={wang}"), WsClient.connect(f"{ws}?token={lin}")
    try:
        wang_ws.send_json({"action": "send", "ref": "1", "data": {
            "to": "glnj-xiaolin", "client_id": f"walk-{int(time.time())}", "text": "周六七点断桥见？"}})
        print("小王 ←", wang_ws.recv_json())
        print("小林 ←", lin_ws.recv_json(timeout=15))
    finally:
        wang_ws.close()
        lin_ws.close()
    staff = token("demo-xihu-admin", role="union_admin", org="zj/hz/xihu")
    queue = requests.get(f"{api}/social/moderation/reports", headers={"Authorization": f"Bearer {staff}"}, timeout=10)
    for report in queue.json()["items"]:
        print("待处理举报:", report["kind"], report["target_member"], report["reason_code"], report["excerpt"])


if __name__ == "__main__":
    walkthrough()
