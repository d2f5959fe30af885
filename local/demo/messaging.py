"""光年间 chat demo: 小王 and 小林 (friends) have a conversation going; “张总” opens with a
杀猪盘 line that the safety rules hold and file for 西湖区 union staff. The event pump
delivers the queued sends; connect over ``ws://127.0.0.1:8001/local?token=...`` to chat live."""
from __future__ import annotations

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
