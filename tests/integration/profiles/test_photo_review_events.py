"""A photo review and its PhotoReviewed event are one unit (the transactional outbox): the event
reaches the bus once when the decision is stored — even when the Lambda dies right after
the write — and not at all when another admin decided the photo a moment earlier."""
from __future__ import annotations

from typing import Any

import pytest

from chalicelib.platform.auth import Principal, Role
from chalicelib.profiles import logic, photos
from chalicelib.profiles.models import Photo
from chalicelib.profiles.schemas import PhotoDecision
from tests.bus import EventSpy, killed_after_commit
from tests.conftest import body
from tests.integration.profiles.helpers import XIHU, jpeg_with_gps, member
from tests.integration.profiles.test_photos_story import upload


@pytest.fixture
def spy(aws: Any, pump: Any) -> EventSpy:
    return EventSpy(pump)


@pytest.fixture
def pending(login: Any, pump: Any) -> str:
    xiaowang = member(login, pump, "w-xiaowang")
    photo_id = upload(xiaowang, jpeg_with_gps((800, 800)))
    pump.drain()
    return photo_id


def test_an_approval_announces_itself_once_even_when_the_lambda_dies_right_after_the_write(
        login, pending, spy, monkeypatch):
    admin = login("union_admin", user_id="xihu-admin", org_path=XIHU)
    with killed_after_commit(monkeypatch):
        decided = admin.post(f"/profiles/review/photos/w-xiaowang/{pending}", {"decision": "approve"})
    assert decided.status_code == 500
    assert Photo.get("w-xiaowang", pending).status == "approved"
    events = spy.of("PhotoReviewed")
    assert [e["detail"]["data"] for e in events] == [
        {"user_id": "w-xiaowang", "photo_id": pending, "decision": "approve"}]


def test_a_review_that_lost_to_another_admin_changes_nothing_and_announces_nothing(
        login, pending, spy, monkeypatch):
    admin = login("union_admin", user_id="xihu-admin", org_path=XIHU)
    other = Principal(user_id="xihu-admin-2", role=Role.UNION_ADMIN, org_path=XIHU)
    read = photos.get_photo  # decide_photo reads the photo through its module's name
    interfered: list[bool] = []

    def read_then_another_admin_decides(user_id: str, photo_id: str) -> Photo | None:
        photo = read(user_id, photo_id)
        if not interfered:
            interfered.append(True)
            logic.decide_photo(other, user_id, photo_id, PhotoDecision(decision="reject", reason="不是本人"))
        return photo

    monkeypatch.setattr(photos, "get_photo", read_then_another_admin_decides)
    late = admin.post(f"/profiles/review/photos/w-xiaowang/{pending}", {"decision": "approve"})

    assert late.status_code == 409 and body(late)["code"] == "PHOTO_ALREADY_REVIEWED"
    stored = Photo.get("w-xiaowang", pending)
    assert (stored.status, stored.reviewed_by, stored.reason) == ("rejected", "xihu-admin-2", "不是本人")
    assert [e["detail"]["data"]["decision"] for e in spy.of("PhotoReviewed")] == ["reject"]
