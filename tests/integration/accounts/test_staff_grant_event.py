"""A staff grant and its StaffGranted event are one unit (the transactional outbox): the event
reaches the bus once when the grant is stored, and not at all when the grant is refused
because another admin changed the same account at that moment."""
from __future__ import annotations

from typing import Any

import pytest

from chalicelib.accounts import logic as accounts
from chalicelib.accounts.models import Account, IdentityLink
from tests.bus import EventSpy, killed_after_commit
from tests.conftest import body

GRANT = {"dingtalk_account_id": "zzd-7001", "name": "沈老师", "role": "union_admin", "org_path": "zj/huz/nanxun"}


@pytest.fixture
def spy(aws: Any, pump: Any) -> EventSpy:
    return EventSpy(pump)


def test_a_grant_announces_itself_once_even_when_the_lambda_dies_right_after_the_write(login, spy, monkeypatch):
    city = login("union_admin", user_id="huzhou-admin", org_path="zj/huz")
    with killed_after_commit(monkeypatch, let_pass=1):  # the new account's registration, then the grant
        granted = city.post("/staff", GRANT)
    assert granted.status_code == 500  # the admin saw the function die

    stored = Account.get(IdentityLink.get("dingtalk:zzd-7001").user_id)
    assert (stored.role, stored.org_path) == ("union_admin", "zj/huz/nanxun")  # the grant was stored
    events = spy.of("StaffGranted")
    assert len(events) == 1
    assert events[0]["detail"]["data"] == {"user_id": stored.user_id, "role": "union_admin"}


def test_a_grant_that_lost_a_race_changes_nothing_and_announces_nothing(login, spy, monkeypatch):
    city = login("union_admin", user_id="huzhou-admin", org_path="zj/huz")
    assert city.post("/staff", GRANT).status_code == 201
    assert len(spy.of("StaffGranted")) == 1
    read = accounts._account_for

    def read_then_another_admin_grants(*args: Any, **kwargs: Any) -> Account:
        account = read(*args, **kwargs)
        # another admin moves the same person to 缙云 between our read and our write
        Account(account.user_id).update(actions=[Account.org_path.set("zj/ls/jinyun"),
                                                 Account.staff_org.set("zj/ls/jinyun")])
        return account

    monkeypatch.setattr(accounts, "_account_for", read_then_another_admin_grants)
    again = city.post("/staff", {**GRANT, "name": "沈主任"})

    assert again.status_code == 409 and body(again)["code"] == "STAFF_GRANT_CONFLICT"
    stored = Account.get(IdentityLink.get("dingtalk:zzd-7001").user_id)
    assert (stored.role, stored.org_path, stored.name) == ("union_admin", "zj/ls/jinyun", "沈老师")
    assert len(spy.of("StaffGranted")) == 1, "no event for the grant that was not stored"
