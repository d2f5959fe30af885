"""A 南浔工匠's file (一人一档): 三行电气's enterprise union keeps it, 南浔区总工会 verifies each
entry, every change is a new version with who and when, and the person reads their own file.
Whatever is refused changes nothing."""
from __future__ import annotations

from typing import Any

from chalicelib.craftsmen.models import CraftsmanEntry, CraftsmanFile
from chalicelib.platform import pii
from chalicelib.platform.aws import client
from chalicelib.platform.settings import get_settings
from tests.conftest import body

from .conftest import COMPETITION, LIU_ID, NOBODY_ID, ZHANG_ID, add_entry, attach_evidence, open_file, pdf_text


def _snapshot(file_id: str) -> list[dict[str, Any]]:
    rows = [CraftsmanFile.get(file_id, consistent_read=True).attribute_values]
    rows += [e.to_simple_dict() for e in CraftsmanEntry.query(file_id, consistent_read=True)]
    return rows


def _pdfs() -> int:
    listed = client("s3").list_objects_v2(Bucket=get_settings().uploads_bucket, Prefix="incoming/craftsmen-pdf/")
    return len(listed.get("Contents") or [])


def test_an_entry_is_verified_and_every_change_is_a_new_version(cast):
    # given 张建国's file, opened by his enterprise union
    file_id = open_file(cast)
    stored = CraftsmanFile.get(file_id)
    assert ZHANG_ID not in str(stored.attribute_values)  # sealed and hashed as identity keeps it
    assert pii.unseal(stored.id_sealed) == ZHANG_ID and stored.id_hash == pii.lookup_hash(ZHANG_ID)

    # when the enterprise records a competition result and uploads its certificate
    created = add_entry(cast, file_id, COMPETITION)
    assert (created["version"], created["verified"], created["claimable"]) == (1, False, False)
    current = attach_evidence(cast, file_id, created["entry_id"], "省赛证书.jpg")
    assert current["version"] == 2 and [e["filename"] for e in current["evidence"]] == ["省赛证书.jpg"]

    # and 南浔区总工会 verifies that version
    entry_url = f"/craftsmen/files/{file_id}/entries/{created['entry_id']}"
    verified = body(cast.district.post(f"{entry_url}/verify", {"version": 2}))
    assert verified["verified"] and verified["verified_by_name"] == "南浔区总工会 杨老师"

    # then the enterprise's correction is version 3, unverified again
    changed = cast.enterprise.put(entry_url, {**COMPETITION, "rank": "第一名", "version": 2})
    assert changed.status_code == 200, changed.body
    assert (body(changed)["version"], body(changed)["verified"], body(changed)["rank"]) == (3, False, "第一名")

    # and an edit from a stale version (someone changed it meanwhile) is refused, changing nothing
    before = _snapshot(file_id)
    late = cast.enterprise.put(entry_url, {**COMPETITION, "rank": "第三名", "version": 2})
    assert (late.status_code, body(late)["code"]) == (409, "CRAFTSMEN_ENTRY_CHANGED")
    assert _snapshot(file_id) == before

    # and the history tells who changed what and when, and which version the union verified
    history = body(cast.district.get(f"{entry_url}/history"))
    assert history["current_version"] == 3
    assert [(v["version"], v["change_name"], v["rank"], v["verified_by_name"]) for v in history["versions"]] == [
        (1, "建立", "第二名", None), (2, "上传证明材料", "第二名", "南浔区总工会 杨老师"), (3, "修改", "第一名", None)]
    assert all(v["changed_by_name"] == "三行电气工会主席 沈嘉俊" and v["changed_at"].endswith("Z")
               for v in history["versions"])

    # and the file shows the current version; 张建国 reads the same file, his number masked
    shown = body(cast.district.get(f"/craftsmen/files/{file_id}"))
    assert [(e["rank"], e["verified"]) for e in shown["entries"]] == [("第一名", False)]
    mine = body(cast.zhang.get("/craftsmen/me"))
    assert mine["file_id"] == file_id and mine["id_masked"] == pii.mask_id_number(ZHANG_ID)
    assert mine["gender_name"] == "男" and mine["birth_date"] == "1988-06-12"
    assert "张建国" in pdf_text(body(cast.zhang.get("/craftsmen/me/pdf"))["url"])


def test_a_file_for_someone_outside_the_enterprise_is_refused(cast):
    for number, name in ((LIU_ID, "刘芳"), (NOBODY_ID, "无名")):   # another enterprise's roster; no roster
        response = cast.enterprise.post("/craftsmen/files", {"real_name": name, "id_number": number})
        assert (response.status_code, body(response)["code"]) == (422, "CRAFTSMEN_NOT_IN_ROSTER"), response.body
        assert "message" in body(response) and body(response)["message"].startswith("该职工不在本企业")
    wrong_name = cast.enterprise.post("/craftsmen/files", {"real_name": "张健国", "id_number": ZHANG_ID})
    assert (wrong_name.status_code, body(wrong_name)["code"]) == (422, "CRAFTSMEN_NAME_MISMATCH")
    bad_number = cast.enterprise.post("/craftsmen/files", {"real_name": "张建国", "id_number": ZHANG_ID[:-1] + "0"})
    assert bad_number.status_code == 422 and body(bad_number)["code"].startswith("ID_NUMBER")
    assert body(cast.district.get("/craftsmen/files?org=zj/huz/nanxun"))["items"] == []

    # and a second file for the same person is refused: one person, one file
    file_id = open_file(cast)
    before = _snapshot(file_id)
    again = cast.enterprise.post("/craftsmen/files", {"real_name": "张建国", "id_number": ZHANG_ID})
    assert (again.status_code, body(again)["code"]) == (409, "CRAFTSMEN_FILE_EXISTS")
    assert _snapshot(file_id) == before


def test_verifying_outside_scope_and_bad_evidence_are_refused(cast):
    file_id = open_file(cast)
    entry = add_entry(cast, file_id, COMPETITION)
    url = f"/craftsmen/files/{file_id}/entries/{entry['entry_id']}/verify"
    before = _snapshot(file_id)

    # another district's union, and the enterprise itself, cannot verify
    elsewhere = cast.other_district.post(url, {"version": 1})
    assert (elsewhere.status_code, body(elsewhere)["code"]) == (404, "CRAFTSMEN_FILE_NOT_FOUND")
    itself = cast.enterprise.post(url, {"version": 1})
    assert (itself.status_code, body(itself)["code"]) == (403, "ROLE_FORBIDDEN")
    # the district cannot verify what has no uploaded evidence
    bare = cast.district.post(url, {"version": 1})
    assert (bare.status_code, body(bare)["code"]) == (422, "CRAFTSMEN_EVIDENCE_MISSING")
    # evidence of the wrong type or size gets no upload ticket
    evidence = f"/craftsmen/files/{file_id}/entries/{entry['entry_id']}/evidence"
    for upload, code in (({"filename": "a.exe", "content_type": "application/x-msdownload", "size_bytes": 10},
                          "CRAFTSMEN_EVIDENCE_TYPE"),
                         ({"filename": "a.jpg", "content_type": "image/jpeg", "size_bytes": 10 * 1024 * 1024 + 1},
                          "CRAFTSMEN_EVIDENCE_TOO_LARGE")):
        response = cast.enterprise.post(evidence, upload)
        assert (response.status_code, body(response)["code"]) == (422, code), response.body
        assert body(response)["message"].startswith("证明材料")
    assert _snapshot(file_id) == before


def test_nobody_reads_or_prints_someone_elses_file(cast):
    file_id = open_file(cast)
    add_entry(cast, file_id, COMPETITION)
    before, pdfs = _snapshot(file_id), _pdfs()
    for session in (cast.other_enterprise, cast.other_district):
        for path in (f"/craftsmen/files/{file_id}", f"/craftsmen/files/{file_id}/pdf"):
            response = session.get(path)
            assert (response.status_code, body(response)["code"]) == (404, "CRAFTSMEN_FILE_NOT_FOUND"), path
    # a worker with no file of their own gets nothing (not someone else's)
    for path in ("/craftsmen/me", "/craftsmen/me/pdf"):
        response = cast.colleague.get(path)
        assert (response.status_code, body(response)["code"]) == (404, "CRAFTSMEN_FILE_NOT_FOUND")
    # and a worker cannot use the staff routes at all
    staff_only = cast.zhang.get(f"/craftsmen/files/{file_id}/pdf")
    assert (staff_only.status_code, body(staff_only)["code"]) == (403, "ROLE_FORBIDDEN")
    assert _snapshot(file_id) == before and _pdfs() == pdfs
