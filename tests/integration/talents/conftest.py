"""The people of a 南浔 千名技能人才 round: the district union, the city above it, the enterprise
union of 三行电气 with its roster, another enterprise in 南浔 and one in another district."""
from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import pytest

from chalicelib.platform import clock, pii
from tests.conftest import Session, body

DISTRICT = "zj/huz/nanxun"
CITY = "zj/huz"
SANXING = f"{DISTRICT}/e-sanxing"
LINGHU = f"{DISTRICT}/e-linghu"
ELSEWHERE = "zj/ls/jinyun/e-huayuan"


def id_number(seq: int, birth: str = "19880412") -> str:
    first17 = f"330503{birth}{seq % 1000:03d}"
    return first17 + pii.id_check_digit(first17)


@dataclass
class Person:
    name: str
    number: str

    def body(self, **extra: Any) -> dict[str, Any]:
        return {"real_name": self.name, "id_number": self.number, "occupation_code": "6-31-01-03",
                "level": "technician", "recommendation": "从事电气装配十二年，主持完成变频柜装配工艺改进。", **extra}


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"


def people(count: int, start: int = 0) -> list[Person]:
    return [Person(SURNAMES[n % 20] + "师傅" + "一二三四五六七八九十"[n // 20 % 10], id_number(n, f"19{70 + n // 1000 % 30}0412"))
            for n in range(start, start + count)]


def put_on_roster(org_path: str, persons: list[Person]) -> None:
    """Given: these people are active on the enterprise's union roster (what identity's roster
    import leaves behind)."""
    from chalicelib.identity.models import RosterEntry

    now = clock.now_iso()
    with RosterEntry.batch_write() as batch:
        for p in persons:
            batch.save(RosterEntry(pii.lookup_hash(p.number), org_path, name=p.name, enterprise="三行电气",
                                   status="active", roster_scope=org_path, import_id="ri-test", updated_at=now))


@dataclass
class Cast:
    district: Session      # 南浔区总工会
    colleague: Session     # another 南浔区总工会 reviewer
    city: Session          # 湖州市总工会
    sanxing: Session       # 三行电气's enterprise union admin
    linghu: Session        # another 南浔 enterprise's admin
    outsider: Session      # an enterprise admin in 缙云
    other_district: Session


@pytest.fixture
def cast(login: Any) -> Cast:
    from chalicelib.orgs.models import OrgNode

    for path, name in ((SANXING, "浙江三行电气科技有限公司工会"), (LINGHU, "湖州菱湖木业有限公司工会")):
        OrgNode(path, parent_path=DISTRICT, name=name, level="enterprise", created_at=clock.now_iso()).save()
    return Cast(
        district=login("union_admin", "ua-nanxun", DISTRICT, "南浔区总工会 杨老师"),
        colleague=login("union_admin", "ua-nanxun-2", DISTRICT, "南浔区总工会 沈干事"),
        city=login("union_admin", "ua-huzhou", CITY, "湖州市总工会 职工技协"),
        sanxing=login("enterprise_admin", "ea-sanxing", SANXING, "三行电气工会 周主席"),
        linghu=login("enterprise_admin", "ea-linghu", LINGHU, "菱湖木业工会"),
        outsider=login("enterprise_admin", "ea-huayuan", ELSEWHERE, "华源机械工会"),
        other_district=login("union_admin", "ua-jinyun", "zj/ls/jinyun", "缙云县总工会"),
    )


def open_round(cast: Cast, **extra: Any) -> dict[str, Any]:
    deadline = clock.today_shanghai().replace(month=12, day=31).isoformat()
    response = cast.district.post("/talents/rounds", {"year": 2026, "title": "2026年度南浔区千名技能人才申报",
                                                      "deadline": deadline, "quota_per_enterprise": 5, **extra})
    assert response.status_code == 201, response.body
    return body(response)


def declare(session: Session, round_id: str, person: Person, **extra: Any) -> Any:
    return session.post(f"/talents/rounds/{round_id}/declarations", person.body(**extra))


def xlsx(rows: list[list[Any]], header: list[str] | None = None) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "申报表"
    sheet.append(header or ["姓名", "身份证号", "职业编码", "技能等级", "推荐理由"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload_and_declare(session: Session, round_id: str, content: bytes) -> Any:
    """The enterprise admin asks for an upload ticket, uploads the file (as the browser's form
    POST would put it), then has it checked and declared."""
    from chalicelib.platform.aws import client
    from chalicelib.platform.settings import get_settings

    ticket = body(session.post(f"/talents/rounds/{round_id}/bulk"))
    client("s3").put_object(Bucket=get_settings().uploads_bucket, Key=ticket["fields"]["key"], Body=content)
    return session.post(f"/talents/rounds/{round_id}/bulk/{ticket['upload_id']}")
