"""A roster import does what the admin said and nothing else: add or replace is chosen
explicitly, a dry run shows the counts before anything is applied, a replace that would mark
many members as left needs a confirmation; and every failure ends the import failed with a
Chinese reason and the uploaded file (plain ID numbers) deleted, with the bucket expiring
roster uploads by itself as the backstop."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest

from chalicelib.identity import events, roster, uploads
from chalicelib.identity.models import RosterEntry, RosterImport
from chalicelib.platform import clock, pii
from chalicelib.platform.aws import client
from chalicelib.platform.settings import get_settings
from tests.conftest import body
from tests.integration.identity.conftest import LIGHTYEAR, WESTLAKE, XIHU, make_id, roster_csv

PEOPLE = [(f"会员{n}", make_id("330106", "19900515", f"{n:03d}")) for n in range(1, 21)]


def _row(person, *, enterprise="杭州光年科技有限公司", org=LIGHTYEAR, status="在会"):
    return [person[0], person[1], enterprise, org, status, ""]


def _status(admin, import_id):
    return body(admin.get(f"/identity/rosters/{import_id}"))


def _roster_state():
    """Every roster entry of the people above: (name, enterprise, status)."""
    found = {}
    for name, number in PEOPLE:
        for entry in RosterEntry.query(pii.lookup_hash(number)):
            found[(name, entry.org_path)] = (entry.enterprise, entry.status, entry.import_id)
    return found


def _files_left():
    listing = client("s3").list_objects_v2(Bucket=get_settings().uploads_bucket, Prefix=uploads.ROSTER_PREFIX)
    return listing.get("KeyCount", 0)


@pytest.fixture
def admin(login, orgs):
    return login("union_admin", user_id="xihu-admin", org_path=XIHU)


@pytest.fixture
def four_members(admin, upload_roster):
    first = upload_roster(admin, XIHU, roster_csv([_row(p) for p in PEOPLE[:4]]), mode="replace")
    assert _status(admin, first["import_id"])["status"] == "completed"
    return PEOPLE[:4]


def test_an_import_must_say_whether_it_adds_or_replaces(admin):
    """Given a request without a mode (or with an unknown one), then it is refused and no
    import is started."""
    for bad in ({}, {"mode": "merge"}):
        refused = admin.post("/identity/rosters", {"scope": XIHU, "file_name": "名册.csv", "file_format": "csv", **bad})
        assert refused.status_code == 422 and body(refused)["code"] == "VALIDATION_FAILED"
        assert any(d.get("field") == "mode" for d in body(refused)["details"])
    assert body(admin.get(f"/identity/rosters?org={XIHU}"))["items"] == []


def test_adding_a_two_row_file_leaves_everyone_else_on_the_roster(admin, upload_roster, four_members):
    """The audit's case: a 2-row file used to flip the other members to left_union. In add
    mode nobody missing from the file leaves."""
    before = _roster_state()
    added = upload_roster(admin, XIHU, roster_csv([_row(PEOPLE[0]), _row(PEOPLE[4])]), mode="add")
    status = _status(admin, added["import_id"])
    assert (status["status"], status["mode"], status["rows_accepted"], status["rows_left"]) == ("completed", "add", 2, 0)
    after = _roster_state()
    assert all(after[key][1] == "active" for key in before)
    assert after[(PEOPLE[4][0], LIGHTYEAR)][1] == "active"


def test_a_dry_run_reports_what_would_change_and_changes_nothing(admin, upload_roster, four_members):
    """Given four members on the roster, when the admin dry-runs a replace with one member
    unchanged, one moved to another enterprise, one new and two missing, then the import shows
    those counts, nothing stored changes, and the file is deleted."""
    before = _roster_state()
    rows = [_row(PEOPLE[0]), _row(PEOPLE[1], status="离会"), _row(PEOPLE[4]),
            ["坏行", "123", "光年", LIGHTYEAR, "在会", ""]]
    dry = upload_roster(admin, XIHU, roster_csv(rows), mode="replace", dry_run=True)
    status = _status(admin, dry["import_id"])
    assert (status["status"], status["dry_run"], status["progress_percent"]) == ("previewed", True, 100)
    assert (status["rows_added"], status["rows_updated"], status["rows_unchanged"]) == (1, 1, 1)
    assert (status["rows_would_leave"], status["members_before"]) == (2, 4)
    assert (status["rows_total"], status["rows_accepted"], status["rows_rejected"], status["rows_left"]) == (4, 3, 1, 0)
    assert body(admin.get(f"/identity/rosters/{dry['import_id']}/rejections"))["items"][0]["row_no"] == 5
    assert _roster_state() == before and _files_left() == 0


def test_a_replace_removing_more_than_the_set_share_is_refused_until_confirmed(admin, upload_roster, four_members, spy):
    """Given four members, when a replace would mark three of them (75% > 10%) as left without
    confirmation, then the import fails with a code and the counts, and nothing is written;
    the same file with the confirmation applies."""
    before = _roster_state()
    refused = upload_roster(admin, XIHU, roster_csv([_row(PEOPLE[0]), _row(PEOPLE[5])]), mode="replace")
    status = _status(admin, refused["import_id"])
    assert status["status"] == "failed" and status["error_code"] == "ROSTER_REPLACE_NEEDS_CONFIRMATION"
    assert "3 名" in status["error_message"] and "10%" in status["error_message"]
    assert (status["rows_would_leave"], status["members_before"], status["rows_accepted"]) == (3, 4, 0)
    assert _roster_state() == before and _files_left() == 0
    assert [e["detail"]["data"]["code"] for e in spy.of("RosterImportFailed")] == ["ROSTER_REPLACE_NEEDS_CONFIRMATION"]

    confirmed = upload_roster(admin, XIHU, roster_csv([_row(PEOPLE[0]), _row(PEOPLE[5])]), mode="replace",
                              confirm_leavers=True)
    status = _status(admin, confirmed["import_id"])
    assert (status["status"], status["rows_left"], status["rows_accepted"]) == ("completed", 3, 2)
    assert [v[1] for k, v in sorted(_roster_state().items())].count("left") == 3


def test_a_replace_within_the_share_needs_no_confirmation(admin, upload_roster):
    """Given twenty members, a replace that drops one (5%) applies without a confirmation."""
    upload_roster(admin, XIHU, roster_csv([_row(p) for p in PEOPLE]), mode="replace")
    second = upload_roster(admin, XIHU, roster_csv([_row(p) for p in PEOPLE[1:]]), mode="replace")
    status = _status(admin, second["import_id"])
    assert (status["status"], status["rows_left"], status["rows_would_leave"]) == ("completed", 1, 1)


def test_a_csv_field_over_the_csv_limit_ends_the_import_failed_with_a_reason_and_no_file(admin, upload_roster, pump):
    """The audit's case: one field longer than 131,072 characters left the import "splitting"
    for ever, with no reason shown and the file with plain ID numbers still in the bucket."""
    rows = [_row(PEOPLE[0]), [PEOPLE[1][0], PEOPLE[1][1], "光" * 140_000, WESTLAKE, "在会", ""]]
    upload = upload_roster(admin, XIHU, roster_csv(rows))
    status = _status(admin, upload["import_id"])
    assert status["status"] == "failed" and status["error_code"] == "ROSTER_CELL_TOO_LONG"
    assert "第 3 行" in status["error_message"] and status["finished_at"]
    assert _files_left() == 0 and _roster_state() == {}
    # The admin puts the file again with the same URL: the failed import stays failed, the file goes.
    client("s3").put_object(Bucket=get_settings().uploads_bucket, Key=upload["object_key"], Body=roster_csv(rows))
    pump.drain()
    assert _status(admin, upload["import_id"])["error_code"] == "ROSTER_CELL_TOO_LONG" and _files_left() == 0


def test_the_bucket_expires_roster_uploads_by_itself(admin):
    """The backstop for a file the code could not delete: the object key the admin uploads
    to is under a prefix the bucket's lifecycle rule expires."""
    upload = body(admin.post("/identity/rosters", {"scope": XIHU, "file_name": "名册.csv", "file_format": "csv",
                                                   "mode": "add"}))
    rules = client("s3").get_bucket_lifecycle_configuration(Bucket=get_settings().uploads_bucket)["Rules"]
    expiring = [r for r in rules if r["Status"] == "Enabled" and r.get("Expiration", {}).get("Days")]
    assert any(upload["object_key"].startswith(r["Filter"]["Prefix"]) for r in expiring)
    assert all(r["Expiration"]["Days"] <= 7 for r in expiring)


def test_a_split_that_never_finishes_and_an_abandoned_upload_are_failed_by_the_watchdog(admin, upload_roster):
    """Given a split killed on every attempt (the file stays in the bucket) and an upload
    never made, when the watchdog runs two hours later, both end failed with a reason and the
    file is gone; a finished import is left alone."""
    done = upload_roster(admin, XIHU, roster_csv([_row(PEOPLE[0])]))
    killed = upload_roster(admin, XIHU, roster_csv([_row(PEOPLE[1])]), drain=False)

    def dies(message):
        raise TimeoutError("Lambda timed out")

    with pytest.raises(TimeoutError):
        roster.import_uploaded(get_settings().uploads_bucket, killed["object_key"], send=dies)
    abandoned = body(admin.post("/identity/rosters", {"scope": XIHU, "file_name": "名册.csv", "file_format": "csv",
                                                      "mode": "add"}))
    assert roster.fail_stalled_imports() == 0  # not yet
    assert roster.fail_stalled_imports(now=clock.now() + roster.STALL_AFTER + timedelta(minutes=1)) == 2
    assert _status(admin, killed["import_id"])["error_code"] == "ROSTER_STALLED"
    assert _status(admin, abandoned["import_id"])["error_code"] == "ROSTER_UPLOAD_EXPIRED"
    assert _status(admin, done["import_id"])["status"] == "completed"
    assert _files_left() == 0


def test_a_chunk_that_fails_on_its_last_delivery_fails_the_import(admin, upload_roster):
    """A chunk that keeps failing goes to the DLQ; on its last delivery the import ends failed
    instead of "running" for ever."""
    from chalicelib.platform.batch import SQSRecord

    upload = upload_roster(admin, XIHU, roster_csv([_row(PEOPLE[0])]), drain=False)
    RosterImport(upload["import_id"]).update(actions=[RosterImport.status.set("running")])
    broken = {"kind": "chunk", "import_id": upload["import_id"], "scope": XIHU, "chunk_no": 0, "rows": [{}]}

    def delivery(count):
        return SQSRecord({"messageId": "m-1", "body": json.dumps(broken),
                          "attributes": {"ApproximateReceiveCount": str(count)}})

    with pytest.raises(KeyError):
        events._roster_work(delivery(1))
    assert _status(admin, upload["import_id"])["status"] == "running"  # retried, not failed yet
    with pytest.raises(KeyError):
        events._roster_work(delivery(events.ROSTER_QUEUE.max_receive_count))
    status = _status(admin, upload["import_id"])
    assert status["status"] == "failed" and status["error_code"] == "ROSTER_WRITE_FAILED" and status["error_message"]
