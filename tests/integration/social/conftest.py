"""光年间 members for the social and messaging stories: a dev login plus identity's
``MemberActivated`` event, delivered through the standing queue like in production."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from chalicelib.platform.events import publish
from tests.members import set_standing

XIHU = "zj/hz/xihu"


def activate(pump: Any, *user_ids: str, org: str = XIHU) -> None:
    for user_id in user_ids:
        set_standing(user_id, state="active")
        publish("identity", "MemberActivated", data={"user_id": user_id, "reason": "face_verified"}, org=org)
    pump.drain()


def deactivate(pump: Any, user_id: str, reason: str, org: str = XIHU) -> None:
    set_standing(user_id, state=reason)
    publish("identity", "MemberDeactivated", data={"user_id": user_id, "reason": reason}, org=org)
    pump.drain()


@pytest.fixture
def member(login: Callable[..., Any], pump: Any) -> Callable[..., Any]:
    """``member("xiaowang")`` → a logged-in, identity-verified 光年间 member;
    ``member("a", "b", "c")`` → a list of them (activated together, one drain)."""

    def make(*user_ids: str, org: str = XIHU, active: bool = True) -> Any:
        sessions = [login("worker", user_id=user_id, org_path=org, name=user_id) for user_id in user_ids]
        if active:
            activate(pump, *user_ids, org=org)
        return sessions[0] if len(sessions) == 1 else sessions

    return make


def befriend(a: Any, b: Any) -> None:
    assert a.put(f"/social/following/{b.user_id}").status_code == 200
    assert b.put(f"/social/following/{a.user_id}").status_code == 200
