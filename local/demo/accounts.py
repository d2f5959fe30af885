"""Demo staff: one admin per level, reachable through the dev login or the 浙政钉 fake.

Each one has a 浙政钉 account id (``DINGTALK_IDS``): ask the fake for an auth code
(``/_fake/dingtalk/auth-code?account_id=<id>&name=<name>``) and ``POST /auth/dingtalk`` with it
to log in as that person the way staff really do."""
from __future__ import annotations

from chalicelib.accounts.logic import dev_login
from chalicelib.accounts.models import IdentityLink
from chalicelib.accounts.schemas import DevLogin
from chalicelib.platform import clock

DEMO_ACCOUNTS = [
    ("platform_admin", "demo-platform-admin", "zj", "省总工会平台管理员"),
    ("union_admin", "demo-nanxun-admin", "zj/huz/nanxun", "南浔区总工会 杨老师"),
    ("union_admin", "demo-xihu-admin", "zj/hz/xihu", "西湖区总工会 工会干事"),
    ("union_admin", "demo-yuyao-admin", "zj/nb/yuyao", "余姚市总工会 产改办"),
    ("union_admin", "demo-jinyun-admin", "zj/ls/jinyun", "缙云县总工会 高老师"),
]
# 浙政钉 account id of each demo staff member (the fake issues auth codes for them).
DINGTALK_IDS = {
    "demo-platform-admin": "zzd-platform-admin",
    "demo-nanxun-admin": "zzd-nanxun-yang",
    "demo-xihu-admin": "zzd-xihu-ganshi",
    "demo-yuyao-admin": "zzd-yuyao-changai",
    "demo-jinyun-admin": "zzd-jinyun-gao",
}


def seed() -> None:
    for role, user_id, org, name in DEMO_ACCOUNTS:
        dev_login(DevLogin(role=role, user_id=user_id, org_path=org, name=name))  # type: ignore[arg-type]
        subject = f"dingtalk:{DINGTALK_IDS[user_id]}"
        try:
            IdentityLink.get(subject)
        except IdentityLink.DoesNotExist:
            IdentityLink(subject, user_id=user_id, created_at=clock.now_iso()).save()
