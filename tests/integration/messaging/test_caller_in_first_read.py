"""Sending a message reads the caller's standing in the same BatchGetItem as the pair (one
round trip less on the hottest write): a banned sender is still refused before anything is
stored or queued, and a view that forgot to read the caller could not write at all."""
from __future__ import annotations

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


def test_a_banned_sender_is_refused_in_the_pairs_read_and_nothing_is_accepted(member, pump):
    from chalicelib.identity.pledges import record_sanction

    wang, li = member("xiaowang", "xiaoli")
    befriend(wang, li)
    pump.drain()
    record_sanction("xiaowang", "banned")
    before = _queued()

    refused = wang.post("/messaging/messages", {"to": "xiaoli", "client_id": "ban-00001", "text": "在吗"})

    assert refused.status_code == 403 and body(refused)["code"] == "ACCOUNT_BANNED"
    assert _accepted("xiaowang") == [] and _queued() == before


def test_a_send_that_never_judges_the_caller_cannot_write(member, pump, monkeypatch):
    from chalicelib.messaging import sending
    from chalicelib.platform.db import batch_get_tables

    wang, li = member("xiaowang", "xiaoli")
    befriend(wang, li)
    pump.drain()
    before = _queued()

    class Forgetful:  # reads the pair but not the caller: the view's writes must be refused
        def __init__(self, principal):
            self.principal = principal

        def __call__(self, *wanted):
            return batch_get_tables(*wanted)

    monkeypatch.setattr(sending, "caller_read", Forgetful)
    broken = wang.post("/messaging/messages", {"to": "xiaoli", "client_id": "lost-0001", "text": "在吗"})

    assert broken.status_code == 500 and body(broken)["code"] == "INTERNAL_ERROR"
    assert _accepted("xiaowang") == [] and _queued() == before
