"""Fixtures for the identity story: valid ID numbers, a spy on every domain event, rosters
uploaded the way an admin's browser does (to the presigned S3 key), and the full journey."""
from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest

from chalicelib.platform import pii
from tests.bus import EventSpy
from tests.conftest import body

XIHU = "zj/hz/xihu"
LIGHTYEAR = "zj/hz/xihu/e-lightyear"      # 杭州光年科技有限公司工会
WESTLAKE = "zj/hz/xihu/e-westlake"       # 西湖数智科技有限公司工会


def make_id(region: str = "330106", birth: str = "19950312", seq: str = "123") -> str:
    first17 = f"{region}{birth}{seq}"
    return first17 + pii.id_check_digit(first17)


@pytest.fixture
def spy(aws: Any, pump: Any) -> EventSpy:
    return EventSpy(pump, "identity-test-spy")


@pytest.fixture
def orgs(login: Callable[..., Any]) -> dict[str, str]:
    platform = login("platform_admin", user_id="root", org_path="zj")
    for slug, name in (("e-lightyear", "杭州光年科技有限公司工会"), ("e-westlake", "西湖数智科技有限公司工会")):
        created = platform.post("/orgs", {"parent_path": XIHU, "slug": slug, "name": name})
        assert created.status_code == 201, created.body
    return {"lightyear": LIGHTYEAR, "westlake": WESTLAKE}


def roster_csv(rows: list[list[str]], *, encoding: str = "utf-8",
               header: tuple[str, ...] = ("姓名", "身份证号", "单位名称", "工会组织", "会员状态", "手机号")) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def roster_xlsx(rows: list[list[Any]],
                header: tuple[str, ...] = ("姓名", "身份证号", "单位名称", "工会组织", "会员状态", "手机号")) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def upload_roster(pump: Any) -> Callable[..., dict[str, Any]]:
    """An admin asks for an upload URL, puts the file at that key, and the pipeline runs."""

    def _upload(admin: Any, scope: str, content: bytes, *, file_format: str = "csv", drain: bool = True,
                mode: str = "add", dry_run: bool = False, confirm_leavers: bool = False) -> dict[str, Any]:
        from chalicelib.platform.aws import client
        from chalicelib.platform.settings import get_settings

        started = admin.post("/identity/rosters", {"scope": scope, "file_name": f"会员名册.{file_format}",
                                                   "file_format": file_format, "mode": mode, "dry_run": dry_run,
                                                   "confirm_leavers": confirm_leavers})
        assert started.status_code == 201, started.body
        upload = body(started)
        assert upload["upload_url"].startswith("http")
        client("s3").put_object(Bucket=get_settings().uploads_bucket, Key=upload["object_key"], Body=content,
                                ContentType=upload["upload_headers"]["Content-Type"])
        if drain:
            pump.drain()
        return upload

    return _upload
