"""Tier fixtures: 光年间 members (as in the social stories) and a way to replay domain events."""
from __future__ import annotations

from chalicelib.platform.events import DomainEvent
from tests.integration.social.conftest import member  # noqa: F401  (the fixture)


def liked(post_id: str, author: str, liker: str, *, event_id: str | None = None,
          time: str = "2026-11-30T02:00:00.000Z") -> tuple[str, DomainEvent]:
    return "PostLiked", DomainEvent(event_id=event_id or f"liked-{post_id}-{liker}", time=time,
                                    data={"post_id": post_id, "post_author": author, "user_id": liker})


def me(session: object) -> dict:
    from tests.conftest import body

    return body(session.get("/tiers/me"))  # type: ignore[attr-defined]
