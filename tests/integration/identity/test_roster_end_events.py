"""An import's end and its event are one unit (the transactional outbox): RosterImported or
RosterImportFailed reaches the bus once when the import's status moves — even when the Lambda
dies right after that write and the message is delivered again — and not at all when the
condition finds the import ended already (a late watchdog or dead-letter failure)."""
from __future__ import annotations

from chalicelib.identity import roster
from chalicelib.identity.models import RosterImport
from tests.bus import killed_after_commit
from tests.conftest import body
from tests.integration.identity.conftest import LIGHTYEAR, XIHU, make_id, roster_csv

ROWS = [["王小丽", make_id("330106", "19900115", "101"), "杭州光年科技有限公司", LIGHTYEAR, "在会", ""]]


def test_a_completed_import_is_announced_once_even_when_the_lambda_dies_right_after_the_write(
        login, orgs, upload_roster, spy, monkeypatch):
    admin = login("union_admin", user_id="xihu-admin", org_path=XIHU)
    complete = roster._complete
    deaths: list[str] = []

    def complete_then_die_once(import_id: str) -> None:
        if deaths:
            return complete(import_id)
        deaths.append(import_id)
        with killed_after_commit(monkeypatch):
            return complete(import_id)

    monkeypatch.setattr(roster, "_complete", complete_then_die_once)
    upload = upload_roster(admin, XIHU, roster_csv(ROWS))  # the dead sweep message is delivered again

    assert deaths == [upload["import_id"]]
    assert RosterImport.get(upload["import_id"]).status == "completed"
    events = spy.of("RosterImported")
    assert [e["detail"]["data"]["import_id"] for e in events] == [upload["import_id"]]
    assert events[0]["detail"]["data"]["rows_accepted"] == 1


def test_failing_an_import_that_ended_already_changes_nothing_and_announces_nothing(
        login, orgs, upload_roster, spy):
    admin = login("union_admin", user_id="xihu-admin", org_path=XIHU)
    upload = upload_roster(admin, XIHU, roster_csv(ROWS))

    assert roster.fail_import(upload["import_id"], "ROSTER_STALLED", "导入超时") is False
    stored = RosterImport.get(upload["import_id"])
    assert (stored.status, stored.error_code) == ("completed", None)
    assert spy.of("RosterImportFailed") == []


def test_a_failed_import_is_announced_once_however_often_it_is_failed(login, orgs, upload_roster, spy):
    admin = login("union_admin", user_id="xihu-admin", org_path=XIHU)
    waiting = admin.post("/identity/rosters", {"scope": XIHU, "file_name": "会员名册.csv", "file_format": "csv",
                                               "mode": "add", "dry_run": False, "confirm_leavers": False})
    assert waiting.status_code == 201, waiting.body
    import_id = body(waiting)["import_id"]

    assert roster.fail_import(import_id, "ROSTER_UPLOAD_EXPIRED", "名册文件未在有效期内上传") is True
    assert roster.fail_import(import_id, "ROSTER_STALLED", "导入超时") is False  # the watchdog, late
    assert RosterImport.get(import_id).error_code == "ROSTER_UPLOAD_EXPIRED"
    assert [e["detail"]["data"] for e in spy.of("RosterImportFailed")] == [
        {"import_id": import_id, "code": "ROSTER_UPLOAD_EXPIRED"}]
