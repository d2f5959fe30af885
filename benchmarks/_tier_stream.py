"""A replayable stream of the domain events member points come from (shared by
``benchmarks/tier_points.py`` and its modest twin in ``tests/integration/tiers``; no side
effects on import).

Likes (self-likes among them), profiles, approved photos, activity check-ins, new posts,
posts removed by moderation, bans and reinstatements, spread over three days so daily caps
bite. Each event is delivered 1–3 times: the first delivery keeps the stream's order, the
redeliveries land at random later positions (as SQS redelivers after a visibility timeout)."""
from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from chalicelib.platform.events import DomainEvent

START = datetime(2026, 11, 28, 1, 0, tzinfo=UTC)
USER_FIELDS = ("user_id", "author", "post_author")


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def events(rng: random.Random, count: int, members: int) -> list[tuple[str, DomainEvent]]:
    people = [f"m{i}" for i in range(members)]
    posts = {p: [f"p-{p}-{k}" for k in range(4)] for p in people}
    banned: set[str] = set()
    out: list[tuple[str, DomainEvent]] = []
    step = timedelta(days=3) / count
    for n in range(count):
        time = _iso(START + step * n)
        roll = rng.random()
        who = rng.choice(people)

        def add(detail_type: str, data: dict[str, object], who: str = who, n: int = n, time: str = time) -> None:
            out.append((detail_type, DomainEvent(event_id=f"e{n:06d}", time=time, data=data,
                                                 actor={"user_id": who, "role": "worker"})))

        if roll < 0.62:
            author = rng.choice(people)
            # social's shape: the post's author and the liker (user_id), as posts.post_event_data gives them
            add("PostLiked", {"post_id": rng.choice(posts[author]), "post_author": author, "user_id": who})
        elif roll < 0.70:
            add("ProfileUpdated", {"user_id": who})
        elif roll < 0.78:
            add("PhotoReviewed", {"user_id": who, "photo_id": f"ph-{n}", "decision": rng.choice(["approve", "reject"])})
        elif roll < 0.86:
            add("BookingCheckedIn", {"user_id": who, "kind": "session", "entry_id": f"be-{n}"})
        elif roll < 0.93:
            add("PostCreated", {"post_id": f"p-new-{n}", "author": who, "status": "visible"})
        elif roll < 0.96:
            author = rng.choice(people)
            add("PostRemoved", {"post_id": rng.choice(posts[author]), "author": author})
        elif who not in banned:
            banned.add(who)
            add("MemberBanned", {"user_id": who, "reason": "测试"})
        else:
            banned.discard(who)
            add("MemberActivated", {"user_id": who})
    return out


def replay_stream(rng: random.Random, *, events_count: int, members: int) -> list[tuple[str, DomainEvent, bool]]:
    """(detail type, event, first delivery?) with every event delivered 1–3 times."""
    base = events(rng, events_count, members)
    stream: list[tuple[str, DomainEvent, bool]] = [(t, e, True) for t, e in base]
    for index, (t, e) in enumerate(base):
        for _ in range(rng.randint(0, 2)):
            position = rng.randint(index + 1, len(stream))
            stream.insert(position, (t, e, False))
    # a redelivery inserted before its own first delivery (positions shift as we insert) is moved after it
    seen: set[str] = set()
    ordered: list[tuple[str, DomainEvent, bool]] = []
    waiting: dict[str, list[tuple[str, DomainEvent, bool]]] = {}
    for item in stream:
        t, e, first = item
        if first:
            seen.add(e.event_id)
            ordered.append(item)
            ordered.extend(waiting.pop(e.event_id, []))
        elif e.event_id in seen:
            ordered.append(item)
        else:
            waiting.setdefault(e.event_id, []).append(item)
    return ordered


def for_run(event: DomainEvent, run: str) -> DomainEvent:
    """The same event for a separate set of members and posts (one run's ids are prefixed)."""
    data = {k: (f"{run}-{v}" if k in (*USER_FIELDS, "post_id") else v) for k, v in event.data.items()}
    return event.model_copy(update={"event_id": f"{run}-{event.event_id}", "data": data})


def totals(run: str, members: int) -> dict[str, int]:
    from chalicelib.tiers.logic import member_tier

    return {f"m{i}": member_tier(f"{run}-m{i}").points for i in range(members)}
