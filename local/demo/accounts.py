"""Demo staff: one admin per level, reachable through the dev login or the 浙政钉 fake."""
from __future__ import annotations

from chalicelib.accounts.logic import dev_login
from chalicelib.accounts.schemas import DevLogin

DEMO_ACCOUNTS = [
    ("platform_admin", "demo-platform-admin", "zj", "省总工会平台管理员"),
    ("union_admin", "demo-nanxun-admin", "zj/huz/nanxun", "南浔区总工会 杨老师"),
    ("union_admin", "demo-xihu-admin", "zj/hz/xihu", "西湖区总工会 工会干事"),
    ("union_admin", "demo-yuyao-admin", "zj/nb/yuyao", "余姚市总工会 产改办"),
    ("union_admin", "demo-jinyun-admin", "zj/ls/jinyun", "缙云县总工会 高老师"),
]


def seed() -> None:
    for role, user_id, org, name in DEMO_ACCOUNTS:
        dev_login(DevLogin(role=role, user_id=user_id, org_path=org, name=name))  # type: ignore[arg-type]
