"""The people of a 南浔 craftsman's file, and helpers to read what the archive hands out."""
from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlparse

import pytest

from tests.conftest import Session, body

NANXUN = "zj/huz/nanxun"
SANXING = f"{NANXUN}/e-sanxing"
OTHER = f"{NANXUN}/e-other"


def _valid(first17: str) -> str:
    from chalicelib.platform.pii import id_check_digit

    return first17 + id_check_digit(first17)


ZHANG_ID = _valid("33050319880612031")    # 张建国, 三行电气's roster
LIU_ID = _valid("33050319900101041")      # 刘芳, another enterprise's roster
NOBODY_ID = _valid("33050319920202052")   # in no roster


def pdf_text(url: str) -> str:
    """The text of the PDF behind a presigned download URL (read from the bucket it names),
    without white space (table cells wrap lines wherever the column ends)."""
    from pypdf import PdfReader

    from chalicelib.platform.aws import client
    from chalicelib.platform.settings import get_settings

    parsed = urlparse(url)
    bucket = get_settings().uploads_bucket
    path = unquote(parsed.path).lstrip("/")
    key = path.removeprefix(f"{bucket}/")
    data = client("s3").get_object(Bucket=bucket, Key=key)["Body"].read()
    assert data.startswith(b"%PDF")
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


@dataclass
class Cast:
    enterprise: Session       # 三行电气's enterprise union
    district: Session         # 南浔区总工会
    zhang: Session            # 张建国, the craftsman (face-verified worker)
    other_enterprise: Session
    other_district: Session   # 西湖区总工会
    colleague: Session        # a worker of 三行 with no file


@pytest.fixture
def cast(login: Any) -> Cast:
    from chalicelib.identity import logic as identity
    from local.demo.dorms import ensure_sanxing

    ensure_sanxing()
    from chalicelib.orgs import logic as orgs
    from chalicelib.orgs.schemas import NewOrg
    from chalicelib.platform.auth import Principal, Role

    if not orgs.exists(OTHER):
        orgs.create_node(Principal("pa", Role.PLATFORM_ADMIN, "zj"),
                         NewOrg(parent_path=NANXUN, slug="e-other", name="南浔另一企业工会", region_code=None))
    identity.load_verified_members([
        {"user_id": "w-zhang", "id_number": ZHANG_ID, "real_name": "张建国", "org_path": SANXING,
         "enterprise": "浙江三行电气科技有限公司", "pledged": False},
        {"user_id": "w-liu", "id_number": LIU_ID, "real_name": "刘芳", "org_path": OTHER,
         "enterprise": "南浔另一企业", "pledged": False},
    ], source="测试名册", roster_scope=NANXUN)
    return Cast(
        enterprise=login("enterprise_admin", "ea-sanxing", SANXING, "三行电气工会主席 沈嘉俊"),
        district=login("union_admin", "ua-nanxun", NANXUN, "南浔区总工会 杨老师"),
        zhang=login("worker", "w-zhang", SANXING, "张建国"),
        other_enterprise=login("enterprise_admin", "ea-other", OTHER, "另一企业工会"),
        other_district=login("union_admin", "ua-xihu", "zj/hz/xihu", "西湖区总工会"),
        colleague=login("worker", "w-colleague", SANXING, "同事"),
    )


def open_file(cast: Cast) -> str:
    response = cast.enterprise.post("/craftsmen/files", {"real_name": "张建国", "id_number": ZHANG_ID,
                                                         "occupation": "钳工", "job_title": "一级/高级技师"})
    assert response.status_code == 201, response.body
    return str(body(response)["file_id"])


def add_entry(cast: Cast, file_id: str, entry: dict[str, Any]) -> dict[str, Any]:
    response = cast.enterprise.post(f"/craftsmen/files/{file_id}/entries", entry)
    assert response.status_code == 201, response.body
    return dict(body(response))


def attach_evidence(cast: Cast, file_id: str, entry_id: str, filename: str = "证书.jpg") -> dict[str, Any]:
    """Ask for an upload ticket and store the object as the browser's POST would."""
    from chalicelib.platform.aws import client
    from chalicelib.platform.settings import get_settings

    response = cast.enterprise.post(f"/craftsmen/files/{file_id}/entries/{entry_id}/evidence",
                                    {"filename": filename, "content_type": "image/jpeg", "size_bytes": 4096})
    assert response.status_code == 201, response.body
    ticket = body(response)
    client("s3").put_object(Bucket=get_settings().uploads_bucket, Key=ticket["key"], Body=b"\xff\xd8\xff jpeg")
    return dict(ticket["entry"])


def verified_entry(cast: Cast, file_id: str, entry: dict[str, Any]) -> dict[str, Any]:
    created = add_entry(cast, file_id, entry)
    current = attach_evidence(cast, file_id, created["entry_id"])
    response = cast.district.post(f"/craftsmen/files/{file_id}/entries/{created['entry_id']}/verify",
                                  {"version": current["version"]})
    assert response.status_code == 200, response.body
    return dict(body(response))


COMPETITION = {"kind": "competition", "title": "浙江省钳工职业技能竞赛", "level": "provincial", "rank": "第二名",
               "year": 2025}
METHOD = {"kind": "operation_method", "title": "精密导轨刮研三步法", "level": "district", "year": 2025}
IDEA = {"kind": "golden_idea", "title": "夹具定位销快换", "year": 2026}
