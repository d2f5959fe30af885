"""Demo: the mediator of 缙云's service centre (调解员 周老师), reachable through the dev login
as ``{"role": "union_admin", "user_id": "demo-jinyun-mediator"}``."""
from __future__ import annotations

from chalicelib.accounts.logic import dev_login
from chalicelib.accounts.schemas import DevLogin


def seed() -> None:
    dev_login(DevLogin(role="union_admin", user_id="demo-jinyun-mediator", org_path="zj/ls/jinyun/c-wuyun",
                       name="缙云县社区工会服务中心 调解员 周老师"))
