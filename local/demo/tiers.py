"""光年间 member tiers demo: the province's tier definitions (version 1, by the platform admin)
and 阿鑫 (demo-worker) one like short of 亮星 — 99 points from his complete profile, a week of
active days, a union activity he attended and likes on his posts. 婷婷 has already liked his
profile: once he reaches 亮星 (a new post that 婷婷 likes does it) he sees more first messages
a day and who liked him. Seeding twice adds nothing (fixed event ids, the ledger counts each once)."""
from __future__ import annotations

from datetime import timedelta

from chalicelib.platform import clock
from chalicelib.platform.auth import Principal, Role
from chalicelib.platform.events import Actor, DomainEvent
from chalicelib.tiers import logic
from chalicelib.tiers.models import CURRENT, TierConfig
from chalicelib.tiers.schemas import TierConfigBody

MEMBER, ORG = "demo-worker", "zj/huz/nanxun/e-sanxing"
ADMIN = Principal(user_id="demo-platform-admin", role=Role.PLATFORM_ADMIN, org_path="zj", name="省总工会平台管理员")


def _event(n: int, days_ago: int, data: dict[str, object]) -> DomainEvent:
    at = clock.now() - timedelta(days=days_ago)
    return DomainEvent(event_id=f"demo-tiers-{n:02d}", time=clock.isoformat(at), org=ORG, data=data,
                       actor=Actor(user_id=MEMBER, role="worker"))


def seed() -> None:
    try:
        TierConfig.get("zj", CURRENT)
    except TierConfig.DoesNotExist:
        logic.save_config(ADMIN, TierConfigBody(org_path="zj", based_on_version=0,
                                                tiers=list(logic.DEFAULT_TIERS), note="光年间会员等级首版"))
    history: list[tuple[str, DomainEvent]] = [
        ("ProfileUpdated", _event(0, 0, {"user_id": MEMBER})),                            # 20 + active today 5
        ("BookingCheckedIn", _event(1, 3, {"user_id": MEMBER, "kind": "session", "entry_id": "demo",
                                           "user_org": ORG})),                            # 30
    ]
    history += [("CentreVisitRecorded", _event(2 + d, d, {"user_id": MEMBER})) for d in range(1, 7)]  # 6 × 5
    history += [("PostLiked", _event(10 + n, 2, {"post_id": "demo-post", "post_author": MEMBER,
                                                 "user_id": f"demo-fan-{n}"})) for n in range(7)]  # 7 × 2
    for detail_type, event in history:
        logic.count_event(detail_type, event)
    _tingting_likes_him()


def _tingting_likes_him() -> None:
    from chalicelib.platform.errors import DomainError
    from chalicelib.profiles import logic as profiles

    tingting = Principal(user_id="demo-tingting", role=Role.WORKER, org_path="zj/hz/xihu/e-guangnian", name="婷婷")
    try:
        profiles.like(tingting, MEMBER)
    except DomainError:
        pass  # no visible profile of his (a stack started without the profiles demo)
