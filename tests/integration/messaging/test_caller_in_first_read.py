"""Sending a message judges the caller's standing inside its own first call — as ConditionChecks
of the accepting transaction between friends, else in the pair's BatchGetItem — not in a
read of its own: a banned sender is still refused before anything is stored or queued, and a
view that forgot the caller could not write at all."""
from __future__ import annotations

import contextlib

import pytest

from chalicelib.platform.aws import client
from chalicelib.platform.queues import queue_url
from tests.conftest import body
from tests.integration.social.conftest import befriend


def _queued() -> int:
    from chalicelib.messaging.specs import SEND_QUEUE

    attributes = client("sqs").get_queue_attributes(QueueUrl=queue_url(SEND_QUEUE.name),
                                                    AttributeNames=["ApproximateNumberOfMessages"])
    return int(attributes["Attributes"]["ApproximateNumberOfMessages"])


def _accepted(message_id_prefix: str) -> list[str]:
    from chalicelib.messaging.models import AcceptedSend

    return [a.message_id for a in AcceptedSend.scan() if a.sender == message_id_prefix]


@pytest.fixture
def friends(member, pump):
    """小王 and 小李, friends, with nothing queued between them."""
    wang, li = member("xiaowang", "xiaoli")
    befriend(wang, li)
    pump.drain()
    return wang, li


def test_a_banned_sender_is_refused_in_the_pairs_read_and_nothing_is_accepted(friends):
    from chalicelib.identity.pledges import record_sanction

    wang, _ = friends
    record_sanction("xiaowang", "banned")
    before = _queued()

    refused = wang.post("/messaging/messages", {"to": "xiaoli", "client_id": "ban-00001", "text": "在吗"})

    assert refused.status_code == 403 and body(refused)["code"] == "ACCOUNT_BANNED"
    assert _accepted("xiaowang") == [] and _queued() == before


def test_a_send_that_never_judges_the_caller_cannot_write(friends, monkeypatch):
    from chalicelib.messaging import sending
    from chalicelib.platform.db import batch_get_tables

    wang, _ = friends
    before = _queued()

    class Forgetful:  # puts no caller check in its write and reads without it: every write must be refused
        def __init__(self, principal):
            self.principal = principal

        def conditions(self):
            return []

        def conditional_write(self):
            return contextlib.nullcontext()

        def __call__(self, *wanted):
            return batch_get_tables(*wanted)

    monkeypatch.setattr(sending, "caller_read", Forgetful)
    broken = wang.post("/messaging/messages", {"to": "xiaoli", "client_id": "lost-0001", "text": "在吗"})

    assert broken.status_code == 500 and body(broken)["code"] == "INTERNAL_ERROR"
    assert _accepted("xiaowang") == [] and _queued() == before


def test_a_friend_whose_suspension_ended_writes_again_and_one_still_suspended_cannot(friends, pump, login):
    from datetime import timedelta

    from chalicelib.platform import clock

    wang, li = friends
    staff = login("platform_admin", user_id="admin-1")
    report = body(li.post("/social/reports", {"kind": "member", "target_id": "xiaowang", "reason_code": "scam"}))
    assert staff.post(f"/social/moderation/reports/{report['report_id']}/actions",
                      {"action": "suspend", "reason": "多次索要钱财", "days": 1}).status_code == 200
    pump.drain()

    held = wang.post("/messaging/messages", {"to": "xiaoli", "client_id": "susp-00001", "text": "在吗"})
    assert held.status_code == 403 and body(held)["code"] == "ACCOUNT_SUSPENDED"
    assert _accepted("xiaowang") == []

    # given the suspension ended a minute ago (as both records hold it; tokens can't travel a day)
    from chalicelib.identity.models import Member
    from chalicelib.social.models import Standing

    ended = clock.isoformat(clock.now() - timedelta(minutes=1))
    Standing.get("xiaowang").update(actions=[Standing.sanction_until.set(ended)])
    Member.get("xiaowang").update(actions=[Member.sanction_until.set(ended)])
    again = wang.post("/messaging/messages", {"to": "xiaoli", "client_id": "susp-00002", "text": "我回来了"})
    assert again.status_code == 202 and _accepted("xiaowang") == [body(again)["message_id"]]
