"""Topic heat (热度), kept by social's own domain events — never by reading every post.

A post counts ``POST_WEIGHT``, a comment ``COMMENT_WEIGHT``, a like ``LIKE_WEIGHT`` (an unlike
takes its like back), each decayed with time constant ``TAU_SECONDS``. Stored is the undecayed
sum Σ w·e^((t − HEAT_EPOCH)/τ) (DynamoDB ``ADD``, so concurrent events commute); the heat
shown now is that sum times e^(−(now − HEAT_EPOCH)/τ), the same factor for every topic, so the
square's index (``Topic.square`` on the stored sum) is in current-heat order at every moment
and an idle topic needs no write to cool down.

The stored numbers grow by e^(1/τ) per second of calendar time: with τ = 3 days that is about
10^53 a year after HEAT_EPOCH, inside DynamoDB's 10^125. Advance HEAT_EPOCH (dividing every
stored sum by the same factor) before 2028.

Idempotency: each event is applied in one transaction with a conditional Put of
``HeatMark[event_id]``; a redelivered event fails the condition and changes nothing.
"""
from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.platform import clock
from chalicelib.platform.events import DomainEvent

from .models import HeatMark, Post, Reaction, Topic, TopicPost

HEAT_EPOCH = clock.parse("2026-01-01T00:00:00.000Z")
TAU_SECONDS = 3 * 86400
POST_WEIGHT, COMMENT_WEIGHT, LIKE_WEIGHT = 3.0, 2.0, 1.0
MARK_DAYS = 14
WEIGHTS = {"PostCreated": POST_WEIGHT, "PostCommented": COMMENT_WEIGHT, "PostLiked": LIKE_WEIGHT,
           "PostUnliked": -LIKE_WEIGHT}


def growth(at: str) -> float:
    return math.exp((clock.parse(at) - HEAT_EPOCH).total_seconds() / TAU_SECONDS)


def decayed(stored: float, now: Any = None) -> float:
    """The heat shown now from a stored (undecayed) sum."""
    now = now or clock.now()
    return float(stored or 0) / math.exp((now - HEAT_EPOCH).total_seconds() / TAU_SECONDS)


def contribution(detail_type: str, data: dict[str, Any]) -> float:
    weight = WEIGHTS.get(detail_type)
    if weight is None:
        return 0.0
    at = str(data.get("post_created_at") if detail_type == "PostCreated" else data.get("at") or "")
    return weight * growth(at) if at else 0.0


def apply_event(detail_type: str, event: DomainEvent) -> bool:
    """Add one event's contribution to its topics and to the post's place under each; once per
    event id. Returns whether it was applied now (False: not a topic event, or seen before)."""
    topics = [str(t) for t in (event.data.get("topics") or [])]
    if not topics or (detail_type == "PostCreated" and event.data.get("status") != "visible"):
        return False
    amount = contribution(detail_type, event.data)
    if not amount:
        return False
    position = f"{event.data['post_created_at']}#{event.data['post_id']}"
    expires = clock.now() + timedelta(days=MARK_DAYS)
    try:
        with TransactWrite(connection=HeatMark._get_connection().connection) as tx:
            tx.save(HeatMark(event.event_id, expires=expires), condition=HeatMark.event_id.does_not_exist())
            for topic_id in topics:
                tx.update(Topic(topic_id), actions=[Topic.heat.add(amount)], condition=Topic.topic_id.exists())
                tx.update(TopicPost(topic_id, position), actions=[TopicPost.heat.add(amount)],
                          condition=TopicPost.topic_id.exists())
    except TransactWriteError as exc:
        reasons = exc.cancellation_reasons or []
        if reasons and reasons[0] is not None and reasons[0].code == "ConditionalCheckFailed":
            return False  # delivered before
        raise
    return True


def recompute(topic_id: str) -> float:
    """The stored heat of a topic from scratch: every post under it, and every like and comment
    on those posts. Reads the whole topic — for verification and repair, never a request path."""
    total = 0.0
    for entry in TopicPost.query(topic_id):
        post = Post.get(entry.post_id)
        if post.status == "held":
            continue
        total += POST_WEIGHT * growth(post.created_at)
        for reaction in Reaction.query(post.post_id):
            weight = LIKE_WEIGHT if reaction.key.startswith("like#") else COMMENT_WEIGHT
            total += weight * growth(reaction.created_at)
    return total
