from __future__ import annotations

from typing import Any

import pytest

NANXUN = "zj/huz/nanxun"
SANXING = "91330503MA2B3C4D5N"   # valid GB 32100 check character (demo enterprise, 南浔)


@pytest.fixture
def nanxun(login: Any) -> Any:
    return login("union_admin", "ua-nanxun", NANXUN, "南浔区总工会 杨老师")


@pytest.fixture
def register(nanxun: Any) -> Any:
    def _register(code: str = SANXING, slug: str = "e-sanxing", name: str = "浙江三行电气科技有限公司",
                  **extra: Any) -> Any:
        payload = {"credit_code": code, "name": name, "org_path": f"{NANXUN}/{slug}", "industry": "manufacturing",
                   "size": "medium", "union_founded": True, **extra}
        return nanxun.post("/enterprises", payload)

    return _register


from tests.integration.identity.conftest import EventSpy, upload_roster  # noqa: E402,F401  (the roster pipeline)


@pytest.fixture
def spy(aws: Any, pump: Any) -> EventSpy:
    return EventSpy(pump)
