from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from chalicelib.platform import clock

DISTRICT = "zj/huz/nanxun"
CITY = "zj/huz"
ENTERPRISE = "zj/huz/nanxun/e-sanxing"
OTHER_DISTRICT = "zj/hz/xihu"
PUBLISH = "content_events_content_publish_due"

LEGAL = {
    "channel_id": "legal", "title": "劳动合同法：试用期工资怎么算",
    "summary": "试用期工资不得低于本单位相同岗位最低档工资的百分之八十。",
    "body_html": '<h2>要点</h2><p>试用期工资<strong>不得低于</strong>……</p>'
                 '<img src="/media/content/nanxun-admin/0a1b2c.jpg" alt="示意图">',
    "tags": ["劳动合同", "试用期"], "audience_org": DISTRICT,
}


@contextmanager
def later(delta: timedelta) -> Iterator[None]:
    clock.travel(delta)
    try:
        yield
    finally:
        clock.reset()


def iso_in(delta: timedelta) -> str:
    moment: datetime = clock.now() + delta
    return clock.isoformat(moment)
