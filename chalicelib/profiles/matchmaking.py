"""光年间 profiles, smart matching: the nightly and incremental runs over the pools, and a member's
recommendations.
"""
from __future__ import annotations

import heapq
from typing import Any

from chalicelib.platform import clock
from chalicelib.platform.auth import Principal

from .matching import Match, MatchIndex, Member
from .models import (
    Profile,
    Recommendations,
    blocks_of,
    get_many_recommendations,
    get_profile,
    get_profiles,
    get_recommendations,
    pool_members,
    save_recommendations,
)
from .profile import KEEP_RECOMMENDATIONS, TOP_RECOMMENDATIONS, _card, _card_data, _hidden_between, _year
from .schemas import (
    Recommendation,
    RecommendationList,
)
from .vocabulary import (
    CITIES,
    GENDERS,
)

# --- smart matching --------------------------------------------------------------------------

def _member(profile: Profile) -> Member:
    seeking = dict(profile.seeking or {})
    return Member(user_id=profile.user_id, gender=profile.gender, birth_year=int(profile.birth_year),
                  city=profile.city, interests=frozenset(profile.interests),
                  seek_gender=seeking.get("gender") or "", age_min=int(seeking.get("age_min", 18)),
                  age_max=int(seeking.get("age_max", 65)), cities=frozenset(seeking.get("cities") or []),
                  must=frozenset(seeking.get("must_have") or []), nice=frozenset(seeking.get("nice_to_have") or []))


def _load_pools(cities: list[str], genders: list[str]) -> list[Profile]:
    return [p for c in cities for g in genders for p in pool_members(f"{c}|{g}")]


def _rows(matches: list[Match]) -> list[dict[str, Any]]:
    return [{"user_id": m.user_id, "score": m.score, "reason": m.reason, "shared": list(m.shared)} for m in matches]


def run_matching() -> dict[str, int]:
    """The scheduled job: everyone visible, two-sided scores, top recommendations with reasons.
    Reads members by pool (Query per city and gender), computes in memory near O(N·k)."""
    profiles = _load_pools(list(CITIES), list(GENDERS))
    members = [_member(p) for p in profiles]
    index = MatchIndex(members, _year())
    now = clock.now_iso()
    rows = []
    for i, member in enumerate(members):
        rows.append(Recommendations(member.user_id, items=_rows(index.top(i, TOP_RECOMMENDATIONS)), computed_at=now))
    save_recommendations(rows)
    return {"members": len(members), "pairs_scored": index.pairs_scored}


def rematch_member(user_id: str) -> int:
    """Incremental: a member changed (or joined, or left). Recompute their own list, and place
    them into (or drop them from) the lists of the members they would now match."""
    profile = get_profile(user_id, consistent=True)
    now = clock.now_iso()
    if profile is None or not profile.visible:
        save_recommendations([Recommendations(user_id, items=[], computed_at=now)])
        return 0
    me = _member(profile)
    cities = sorted(me.cities) if me.cities else list(CITIES)
    genders = [me.seek_gender] if me.seek_gender else list(GENDERS)
    others = [p for p in _load_pools(cities, genders) if p.user_id != user_id]
    members = [me, *(_member(p) for p in others)]
    index = MatchIndex(members, _year())
    mine = index.top(0, TOP_RECOMMENDATIONS)
    save_recommendations([Recommendations(user_id, items=_rows(mine), computed_at=now)])
    # The other side: members for whom this member now ranks among their best.
    theirs = get_many_recommendations(m.user_id for m in mine)
    changed = []
    for m in mine:
        back = index.score_pair(m.user_id, user_id)
        row = theirs.get(m.user_id) or Recommendations(m.user_id, items=[], computed_at=now)
        items = [r for r in row.items if r["user_id"] != user_id]
        if back is not None:
            items.append({"user_id": user_id, "score": back.score, "reason": back.reason, "shared": list(back.shared)})
        items = heapq.nlargest(KEEP_RECOMMENDATIONS, items, key=lambda r: r["score"])
        if items != list(row.items):
            row.items = items
            row.computed_at = now
            changed.append(row)
    save_recommendations(changed)
    return len(mine)


def recommendations(principal: Principal) -> RecommendationList:
    """The caller's recommendations, each with a reason they can read; hidden members drop out."""
    recs = get_recommendations(principal.user_id)
    if recs is None:
        return RecommendationList(items=[])
    ranked = list(recs.items)[:KEEP_RECOMMENDATIONS]
    profiles = get_profiles(r["user_id"] for r in ranked)
    blocks = blocks_of(principal.user_id)
    items = []
    for rec in ranked:
        profile = profiles.get(rec["user_id"])
        if profile is None or not profile.visible or _hidden_between(principal, profile, blocks):
            continue
        card = _card(profile.user_id, _card_data(profile, profile.cover))
        items.append(Recommendation(card=card, score=float(rec["score"]), reason=rec["reason"]))
        if len(items) == TOP_RECOMMENDATIONS:
            break
    return RecommendationList(items=items, computed_at=recs.computed_at)
