"""The union roster: an admin uploads the 智慧工会 export for their part of the hierarchy;
rows are checked, written in chunks, reported row by row; a re-import marks who left."""
from __future__ import annotations

from chalicelib.identity import logic, roster, uploads
from chalicelib.identity.models import RosterEntry
from chalicelib.platform import pii
from chalicelib.platform.aws import client
from chalicelib.platform.settings import get_settings
from tests.conftest import body
from tests.integration.identity.conftest import LIGHTYEAR, WESTLAKE, XIHU, make_id, roster_csv, roster_xlsx

GOOD = [make_id("330106", f"1990{m:02d}15", "101") for m in range(1, 4)]


def _status(admin, import_id):
    return body(admin.get(f"/identity/rosters/{import_id}"))


def test_a_gbk_export_with_broken_rows_imports_the_good_rows_and_says_why_each_bad_row_was_refused(
        login, orgs, upload_roster, spy):
    """Given a GBK-encoded export with good rows and every kind of broken row, then the good
    rows are members, each refused row is listed with its row number and a Chinese reason,
    and the uploaded file (plain ID numbers) is gone."""
    admin = login("union_admin", user_id="xihu-admin", org_path=XIHU)
    bad_checksum = GOOD[0][:-1] + ("0" if GOOD[0][-1] != "0" else "1")
    rows = [
        ["王小丽", GOOD[0], "杭州光年科技有限公司", LIGHTYEAR, "在会", "13857101234"],      # 2
        ["陈宏鑫", GOOD[1], "西湖数智科技有限公司", WESTLAKE, "正常", ""],                 # 3
        ["李晓", bad_checksum, "杭州光年科技有限公司", LIGHTYEAR, "在会", ""],              # 4 checksum
        ["赵强", "330106199002301234", "杭州光年科技有限公司", LIGHTYEAR, "在会", ""],      # 5 no such date
        ["钱多多", GOOD[2], "三行电气", "zj/huz/nanxun/e-sanxing", "在会", ""],             # 6 out of scope
        ["孙悦", make_id(seq="202"), "某公司", "zj/hz/xihu/e-nowhere", "在会", ""],         # 7 unknown node
        ["周敏", make_id(seq="303"), "杭州光年科技有限公司", LIGHTYEAR, "待定", ""],         # 8 status
        ["王小丽", GOOD[0], "杭州光年科技有限公司", LIGHTYEAR, "在会", ""],                 # 9 duplicate
        ["", make_id(seq="404"), "杭州光年科技有限公司", LIGHTYEAR, "在会", ""],             # 10 no name
        ["吴刚", make_id(seq="505"), "杭州光年科技有限公司", LIGHTYEAR, "在会", "12345"],   # 11 phone
        ["郑洁", make_id(seq="606"), "杭州光年科技有限公司", LIGHTYEAR, "离会", ""],         # 12 left: accepted
    ]
    upload = upload_roster(admin, XIHU, roster_csv(rows, encoding="gbk"))

    status = _status(admin, upload["import_id"])
    assert status["status"] == "completed" and status["progress_percent"] == 100
    assert status["encoding"] == "gb18030"
    assert (status["rows_total"], status["rows_accepted"], status["rows_rejected"]) == (11, 3, 8)
    refused = body(admin.get(f"/identity/rosters/{upload['import_id']}/rejections"))["items"]
    assert [(r["row_no"], r["code"]) for r in refused] == [
        (4, "ID_NUMBER_CHECKSUM"), (5, "ID_NUMBER_BIRTH_DATE"), (6, "ROW_ORG_OUT_OF_SCOPE"), (7, "ROW_ORG_UNKNOWN"),
        (8, "ROW_STATUS"), (9, "ROW_DUPLICATE"), (10, "ROW_NAME_MISSING"), (11, "ROW_PHONE")]
    assert all(r["reason"] for r in refused) and "第 2 行" in refused[5]["reason"]

    entries = list(RosterEntry.query(pii.lookup_hash(GOOD[0])))
    assert [(e.name, e.org_path, e.status) for e in entries] == [("王小丽", LIGHTYEAR, "active")]
    assert entries[0].phone_hash == pii.lookup_hash("13857101234", kind="phone")
    listing = client("s3").list_objects_v2(Bucket=get_settings().uploads_bucket, Prefix=uploads.ROSTER_PREFIX)
    assert listing.get("KeyCount", 0) == 0  # the file with plain ID numbers is not kept
    assert len(spy.of("RosterImported")) == 1

    history = body(admin.get(f"/identity/rosters?org={XIHU}"))["items"]
    assert [h["import_id"] for h in history] == [upload["import_id"]]


def test_xlsx_and_utf8_bom_exports_import_alike_and_numeric_id_cells_are_refused(login, orgs, upload_roster):
    admin = login("union_admin", user_id="xihu-admin", org_path=XIHU)
    xlsx = upload_roster(admin, LIGHTYEAR, roster_xlsx([
        ["王小丽", GOOD[0], "杭州光年科技有限公司", LIGHTYEAR, "在会", 13857101234],
        ["陈宏鑫", 330106199002151011, "杭州光年科技有限公司", LIGHTYEAR, "在会", None],
    ]), file_format="xlsx")
    status = _status(admin, xlsx["import_id"])
    assert (status["status"], status["rows_accepted"], status["rows_rejected"]) == ("completed", 1, 1)
    refused = body(admin.get(f"/identity/rosters/{xlsx['import_id']}/rejections"))["items"]
    assert refused[0]["row_no"] == 3 and refused[0]["code"] == "ROW_ID_NUMBER_AS_NUMBER"

    bom = upload_roster(admin, WESTLAKE, b"\xef\xbb\xbf" + roster_csv([
        ["陈宏鑫", GOOD[1], "西湖数智科技有限公司", WESTLAKE, "在会", ""]]))
    status = _status(admin, bom["import_id"])
    assert (status["status"], status["encoding"], status["rows_accepted"]) == ("completed", "utf-8-sig", 1)


def test_a_broken_file_or_an_admin_outside_the_scope_gets_a_clear_answer_and_changes_nothing(
        login, orgs, upload_roster):
    admin = login("union_admin", user_id="xihu-admin", org_path=XIHU)
    utf16 = upload_roster(admin, XIHU, roster_csv([["王小丽", GOOD[0], "光年", LIGHTYEAR, "在会", ""]],
                                                  encoding="utf-16"))
    status = _status(admin, utf16["import_id"])
    assert status["status"] == "failed" and status["error_code"] == "ROSTER_ENCODING" and status["error_message"]
    headless = upload_roster(admin, XIHU, roster_csv([["王小丽", GOOD[0]]], header=("名字", "证件")))
    status = _status(admin, headless["import_id"])
    assert status["error_code"] == "ROSTER_COLUMNS_MISSING"
    assert "单位名称" in status["error_message"]
    not_excel = upload_roster(admin, XIHU, b"just text", file_format="xlsx")
    assert _status(admin, not_excel["import_id"])["error_code"] == "ROSTER_UNREADABLE"
    assert list(RosterEntry.query(pii.lookup_hash(GOOD[0]))) == []

    outsider = login("union_admin", user_id="nanxun-admin", org_path="zj/huz/nanxun")
    refused = outsider.post("/identity/rosters", {"scope": XIHU, "file_name": "名册.csv", "file_format": "csv",
                                                  "mode": "add"})
    assert refused.status_code == 404 and body(refused)["code"] == "ORG_NOT_FOUND"
    assert outsider.get(f"/identity/rosters/{utf16['import_id']}").status_code == 404
    worker = login("worker", user_id="w-1", org_path=XIHU)
    assert worker.post("/identity/rosters", {"scope": XIHU, "file_name": "a.csv", "file_format": "csv", "mode": "add"}).status_code == 403
    wrong_name = admin.post("/identity/rosters", {"scope": XIHU, "file_name": "名册.xls", "file_format": "xlsx",
                                         "mode": "add"})
    assert wrong_name.status_code == 422 and body(wrong_name)["code"] == "ROSTER_FILE_NAME"


def test_progress_shows_rows_done_of_total_while_chunks_are_still_queued(login, orgs, upload_roster, pump):
    admin = login("union_admin", user_id="xihu-admin", org_path=XIHU)
    rows = [[f"会员{i}", make_id("330106", "19880808", f"{i:03d}"), "杭州光年科技有限公司", LIGHTYEAR, "在会", ""]
            for i in range(roster.CHUNK_ROWS + 100)]
    upload = upload_roster(admin, XIHU, roster_csv(rows), drain=False)
    for source in pump.s3_sources():
        pump.pump_s3(source)  # the S3 Lambda splits the file; the chunks wait on the queue
    status = _status(admin, upload["import_id"])
    assert status["status"] == "running" and status["rows_total"] == len(rows) and status["rows_done"] == 0
    chunk_source = next(s for s in pump.sqs_sources() if s.queue.endswith("identity-roster"))
    pump.pump_sqs(chunk_source)
    status = _status(admin, upload["import_id"])
    assert status["rows_done"] == roster.CHUNK_ROWS and 0 < status["progress_percent"] < 100
    pump.drain()
    status = _status(admin, upload["import_id"])
    assert (status["status"], status["rows_done"], status["rows_accepted"]) == ("completed", len(rows), len(rows))


def test_a_reimport_marks_who_left_and_a_member_who_left_is_hidden_until_they_are_back(
        fakes, login, orgs, pump, upload_roster, spy):
    admin = login("union_admin", user_id="xihu-admin", org_path=XIHU)
    wang_id, chen_id = GOOD[0], GOOD[1]
    wang_row = ["王小丽", wang_id, "杭州光年科技有限公司", LIGHTYEAR, "在会", ""]
    chen_row = ["陈宏鑫", chen_id, "西湖数智科技有限公司", WESTLAKE, "在会", ""]
    upload_roster(admin, XIHU, roster_csv([wang_row, chen_row]))
    wang = login("worker", user_id="w-xiaowang", org_path=XIHU)
    fakes.set_face_result(wang_id, True, None)
    certify = body(wang.post("/identity/face/start", {"real_name": "王小丽", "id_number": wang_id}))
    fakes.complete_certify(certify["certify_id"])
    wang.post("/identity/face/callback", {"certify_id": certify["certify_id"], "result_code": "9000"})
    pump.drain()
    wang.post("/identity/pledge", {"version": logic.CURRENT_PLEDGE, "agree": True})
    assert logic.is_active(wang.user_id)

    second = upload_roster(admin, XIHU, roster_csv([chen_row]), mode="replace", confirm_leavers=True)
    status = _status(admin, second["import_id"])
    assert (status["status"], status["rows_accepted"], status["rows_left"]) == ("completed", 1, 1)
    assert [e.status for e in RosterEntry.query(pii.lookup_hash(wang_id))] == ["left"]
    me = body(wang.get("/identity/me"))
    assert me["state"] == "left_union" and not logic.is_active(wang.user_id)
    assert [e["detail"]["data"]["reason"] for e in spy.of("MemberDeactivated")] == ["left_union"]

    upload_roster(admin, XIHU, roster_csv([wang_row, chen_row]), mode="replace")
    assert body(wang.get("/identity/me"))["state"] == "active"
    assert len(spy.of("MemberActivated")) == 2  # the first activation, and now back


def test_a_split_that_crashed_half_way_is_retried_and_every_row_counts_once(login, orgs, upload_roster, pump):
    """Given the split Lambda dies after queueing its first chunk, when Lambda retries it (and
    S3 delivers the event again), then the import completes with each row counted once."""
    from chalicelib.platform.settings import get_settings as settings

    admin = login("union_admin", user_id="xihu-admin", org_path=XIHU)
    rows = [[f"会员{i}", make_id("330106", "19880808", f"{i:03d}"), "杭州光年科技有限公司", LIGHTYEAR, "在会", ""]
            for i in range(roster.CHUNK_ROWS + 100)] + [["坏行", "123", "光年", LIGHTYEAR, "在会", ""]]
    upload = upload_roster(admin, XIHU, roster_csv(rows), drain=False)
    sent: list[int] = []

    def dies_after_one(message):
        if sent:
            raise TimeoutError("Lambda timed out")
        roster._send_work(message)
        sent.append(message["chunk_no"])

    try:
        roster.import_uploaded(settings().uploads_bucket, upload["object_key"], send=dies_after_one)
    except TimeoutError:
        pass
    assert _status(admin, upload["import_id"])["status"] == "splitting"
    roster.import_uploaded(settings().uploads_bucket, upload["object_key"])  # Lambda's retry
    pump.drain()  # S3's own delivery (a no-op now), then the chunks, one of them twice
    status = _status(admin, upload["import_id"])
    assert (status["status"], status["rows_total"], status["rows_done"]) == ("completed", len(rows), len(rows))
    assert (status["rows_accepted"], status["rows_rejected"]) == (len(rows) - 1, 1)
