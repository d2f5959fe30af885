"""A sweep page's leavers, the import's count of them and RosterMembersChanged are one
transaction: a page on which a newer import rewrote one entry a moment earlier still marks,
counts and announces the others (and only them)."""
from __future__ import annotations

from typing import Any

from chalicelib.identity import roster
from chalicelib.identity.models import RosterEntry, RosterImport
from tests.integration.identity.conftest import LIGHTYEAR, WESTLAKE, XIHU


def _entry(id_hash: str, org: str, import_id: str) -> RosterEntry:
    entry = RosterEntry(id_hash, org, name="某某", enterprise="某公司", status="active", roster_scope=XIHU,
                        import_id=import_id, updated_at="2026-01-01T00:00:00Z")
    entry.save()
    return entry


def test_a_sweep_page_marks_counts_and_announces_its_leavers_in_one_step(spy: Any) -> None:
    RosterImport("imp-new", scope=XIHU, file_name="名册.csv", file_format="csv", object_key="k", uploaded_by="a",
                 status="sweeping", created_at="2026-01-01T00:00:00Z").save()
    page = [_entry("h1", LIGHTYEAR, "imp-old"), _entry("h2", WESTLAKE, "imp-old"), _entry("h3", LIGHTYEAR, "imp-old")]
    _entry("h3", LIGHTYEAR, "imp-new")  # the new import rewrote this one after the page was read

    marked = roster._mark_left(RosterImport.get("imp-new"), page, event_id="roster-sweep-imp-new-p1")

    assert [e.id_hash for e in marked] == ["h1", "h2"]
    assert [RosterEntry.get(h, o).status for h, o in (("h1", LIGHTYEAR), ("h2", WESTLAKE), ("h3", LIGHTYEAR))] \
        == ["left", "left", "active"]
    assert int(RosterImport.get("imp-new").rows_left) == 2
    changed = spy.of(roster.ROSTER_CHANGED)
    assert [e["detail"]["event_id"] for e in changed] == ["roster-sweep-imp-new-p1"]
    assert changed[0]["detail"]["data"]["changes"] == [{"org_path": LIGHTYEAR, "added": 0, "left": 1},
                                                       {"org_path": WESTLAKE, "added": 0, "left": 1}]
