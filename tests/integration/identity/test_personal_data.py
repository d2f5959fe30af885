"""PIPL: across a whole journey — roster upload with phone numbers, a failed and a passed
face check, the membership check, an appeal, the pledge, admin views — no seeded ID-card or
phone number appears in any log line, any table item, any event, or any stored file."""
from __future__ import annotations

import json
import logging

import pytest

from chalicelib.identity import logic
from chalicelib.platform.aws import client
from chalicelib.platform.observability import logger as app_logger
from chalicelib.platform.settings import get_settings
from tests.conftest import body
from tests.integration.identity.conftest import LIGHTYEAR, WESTLAKE, XIHU, make_id, roster_csv

WANG_ID = make_id("330106", "19960512", "246")
CHEN_ID = make_id("500101", "20010304", "771")
LI_ID = make_id("330102", "19930101", "555")
ZHOU_X = next(n for n in (make_id("330106", "19890707", f"{s:03d}") for s in range(1000)) if n.endswith("X"))
PHONES = ["13857101234", "18967205678", "15088889999"]
SECRETS = [WANG_ID, CHEN_ID, LI_ID, ZHOU_X, ZHOU_X.lower(), *PHONES]


class Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append(self.format(record))
        except Exception:  # a record that cannot be formatted is still scanned raw
            self.lines.append(f"{record.msg} {record.args}")


@pytest.fixture
def captured_logs(caplog):
    caplog.set_level(logging.DEBUG)
    capture = Capture()
    inner = app_logger._logger  # Powertools' own logger: the JSON lines the app writes
    capture.setFormatter(inner.handlers[0].formatter if inner.handlers else None)
    inner.addHandler(capture)
    level = inner.level
    inner.setLevel(logging.DEBUG)
    yield capture
    inner.removeHandler(capture)
    inner.setLevel(level)


def _all_items() -> list[str]:
    ddb = client("dynamodb")
    dumped = []
    for table in ddb.list_tables()["TableNames"]:
        for page in ddb.get_paginator("scan").paginate(TableName=table):  # test body only, not a request path
            dumped += [f"{table} {json.dumps(item, ensure_ascii=False)}" for item in page["Items"]]
    return dumped


def test_no_seeded_id_or_phone_number_appears_in_logs_tables_events_or_files(
        fakes, login, orgs, pump, upload_roster, spy, captured_logs, caplog, capfd):
    admin = login("union_admin", user_id="xihu-admin", org_path=XIHU)
    upload_roster(admin, XIHU, roster_csv([
        ["王小丽", WANG_ID, "杭州光年科技有限公司", LIGHTYEAR, "在会", PHONES[0]],
        ["陈宏鑫", CHEN_ID, "西湖数智科技有限公司", WESTLAKE, "在会", "189-6720-5678"],
        ["周敏", ZHOU_X.lower(), "杭州光年科技有限公司", LIGHTYEAR, "在会", "+86 150 8888 9999"],
        ["坏行", WANG_ID[:-1], "杭州光年科技有限公司", LIGHTYEAR, "在会", PHONES[0]],  # rejected row
    ], encoding="gbk"))

    wang = login("worker", user_id="w-xiaowang", org_path=XIHU)
    fakes.set_face_result(WANG_ID, False, "身份信息不匹配")
    first = body(wang.post("/identity/face/start", {"real_name": "王小丽", "id_number": WANG_ID}))
    fakes.complete_certify(first["certify_id"])
    assert body(wang.post("/identity/face/callback",
                          {"certify_id": first["certify_id"], "result_code": "9000"}))["status"] == "failed"
    fakes.set_face_result(WANG_ID, True, None)
    second = body(wang.post("/identity/face/start", {"real_name": "王小丽", "id_number": WANG_ID}))
    fakes.complete_certify(second["certify_id"])
    wang.post("/identity/face/callback", {"certify_id": second["certify_id"], "result_code": "9000"})
    pump.drain()
    assert body(wang.post("/identity/pledge", {"version": logic.CURRENT_PLEDGE, "agree": True}))["state"] == "active"

    li = login("worker", user_id="w-xiaoli", org_path=XIHU)
    fakes.set_face_result(LI_ID, True, None)
    certify = body(li.post("/identity/face/start", {"real_name": "李晓", "id_number": LI_ID}))
    fakes.complete_certify(certify["certify_id"])
    li.post("/identity/face/callback", {"certify_id": certify["certify_id"], "result_code": "9000"})
    pump.drain()
    appeal = body(li.post("/identity/appeals", {"org_path": LIGHTYEAR, "enterprise": "杭州光年科技有限公司",
                                                "note": f"我的身份证号 {LI_ID}，电话 {PHONES[1]}"}))
    admin.post(f"/identity/appeals/{appeal['appeal_id']}/accept", {"reason": f"已电话 {PHONES[1]} 核实"})
    invalid = li.post("/identity/face/start", {"real_name": "李晓", "id_number": LI_ID[:-1] + "0"})
    assert invalid.status_code in (409, 422)
    seen_by_admin = body(admin.get(f"/identity/members/{wang.user_id}"))
    assert seen_by_admin["id_masked"] == f"{WANG_ID[:6]}********{WANG_ID[-4:]}"
    pump.drain()
    pump.run_schedule("identity_events_roll_up_figures")

    out, err = capfd.readouterr()
    places = {
        "log": "\n".join(captured_logs.lines) + "\n".join(r.getMessage() for r in caplog.records) + out + err,
        "tables": "\n".join(_all_items()),
        "events": "\n".join(spy.raw) + json.dumps(spy.collect(), ensure_ascii=False),
    }
    assert captured_logs.lines, "the capture saw no log lines at all"
    assert "RosterImported" in places["events"] and "MemberActivated" in places["events"]
    assert "h1:" in places["tables"] and "s1:" in places["tables"]  # hashes and sealed copies, not numbers
    leaks = [(where, secret) for where, text in places.items() for secret in SECRETS if secret in text]
    assert not leaks, f"personal numbers found in plain text: {leaks}"
    files = client("s3").list_objects_v2(Bucket=get_settings().uploads_bucket).get("KeyCount", 0)
    assert files == 0
