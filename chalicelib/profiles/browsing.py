"""光年间 profiles, browsing: a page of cards by hobbies, age and city, newest or best-fitting first,
over the partitioned index.
"""
from __future__ import annotations

import hashlib
import json
from typing import Any

from chalicelib.platform import clock
from chalicelib.platform.auth import Principal
from chalicelib.platform.concurrency import gather
from chalicelib.platform.errors import ValidationFailed
from chalicelib.platform.pagination import decode_cursor, encode_cursor

from .browse_index import _partition
from .models import (
    BrowseEntry,
    Profile,
    blocks_of,
    get_profile,
    get_profiles,
    get_recommendations,
    query_entries,
)
from .profile import ACTIVITY_REFRESH, READ_BUDGET_FACTOR, _card, _card_data, _hidden_between, _request_reindex, _year
from .schemas import (
    MAX_AGE_SPAN,
    BrowsePage,
    BrowseQuery,
    BrowseStats,
    MemberCard,
)
from .vocabulary import (
    GENDERS,
    PROVINCE,
    bands_between,
)

# --- browse ----------------------------------------------------------------------------------

def _maybe_touch(profile: Profile | None) -> None:
    if profile is None or not profile.complete:
        return
    last = clock.parse(profile.last_active_at) if profile.last_active_at else None
    if last is None or clock.now() - last >= ACTIVITY_REFRESH:
        profile.update(actions=[Profile.last_active_at.set(clock.now_iso())])
        if profile.visible:
            _request_reindex(profile.user_id)


def _bound(principal: Principal, query: BrowseQuery, genders: list[str]) -> str:
    params = query.model_dump(exclude={"cursor"})
    params["genders"] = genders
    digest = hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()[:24]
    return f"browse:{principal.user_id}:{digest}"


def browse(principal: Principal, query: BrowseQuery) -> BrowsePage:
    """One page of members matching the filters, with a bounded number of items read."""
    me, blocks = gather(lambda: get_profile(principal.user_id), lambda: blocks_of(principal.user_id))
    _maybe_touch(me)
    seeking = dict(me.seeking or {}) if me is not None else {}
    genders: list[str]
    if query.gender:
        genders = [query.gender]
    elif seeking.get("gender"):
        genders = [seeking["gender"]]
    else:
        genders = list(GENDERS)
    age_min = query.age_min if query.age_min is not None else int(seeking.get("age_min", 22))
    age_max = query.age_max if query.age_max is not None else int(seeking.get("age_max", 40))
    if query.age_max is None:
        age_max = min(max(age_max, age_min), age_min + MAX_AGE_SPAN)
    if query.age_min is None:
        age_min = max(min(age_min, age_max), age_max - MAX_AGE_SPAN)
    if age_min > age_max or age_max - age_min > MAX_AGE_SPAN:
        raise ValidationFailed(f"年龄范围应在 {MAX_AGE_SPAN} 岁以内，且下限不大于上限", code="AGE_RANGE_INVALID")
    query = query.model_copy(update={"age_min": age_min, "age_max": age_max})
    bound = _bound(principal, query, genders)
    position = decode_cursor(query.cursor, bound_to=bound)
    if query.order == "score":
        return _browse_by_score(principal, query, blocks, position=position, bound=bound)
    return _browse_recent(principal, query, genders, blocks, position=position, bound=bound)


def _passes(query: BrowseQuery, card: dict[str, Any], first_year: int, last_year: int) -> bool:
    if not first_year <= int(card.get("birth_year", 0)) <= last_year:
        return False
    if query.city and card.get("city") != query.city:
        return False
    if query.district and card.get("district") != query.district:
        return False
    wanted = set(query.hobbies) | set(query.sports)
    held = set(card.get("hobbies", [])) | set(card.get("sports", []))
    if wanted and query.match == "all" and not wanted <= held:
        return False
    return not (wanted and query.match == "any" and not wanted & held)


def _browse_recent(principal: Principal, query: BrowseQuery, genders: list[str], blocks: set[str], *,
                   position: dict[str, Any] | None, bound: str) -> BrowsePage:
    year = _year()
    first_year, last_year = year - int(query.age_max or 0), year - int(query.age_min or 0)
    scope = (f"d:{query.city}/{query.district}" if query.district
             else f"c:{query.city}" if query.city else f"p:{PROVINCE}")
    interests = [*query.hobbies, *query.sports]
    keyed: list[str | None] = list(interests if query.match == "any" else interests[:1])
    partitions = [_partition(scope, g, b, i) for g in genders for b in bands_between(first_year, last_year)
                  for i in keyed or [None]]
    budget = READ_BUDGET_FACTOR * query.limit
    if len(partitions) > budget:
        raise ValidationFailed("筛选条件组合过多，请缩小年龄范围或减少兴趣", code="BROWSE_TOO_BROAD")
    frontier: str | None = position.get("after") if position else None
    done: set[int] = set(position.get("done", [])) if position else set()

    # k-way merge, newest activity first. Every partition resumes below the same frontier
    # (the last sort key consumed), which also drops the duplicates any-of filters produce.
    chunk = max(1, budget // (2 * len(partitions)))
    buffers: dict[int, list[BrowseEntry]] = {}
    read = queries = 0

    def fill(i: int, after: str | None) -> None:
        size = min(chunk, budget - read)
        entries, exhausted = query_entries(partitions[i], after_sk=after, limit=size)
        took(i, entries, exhausted)

    def took(i: int, entries: list[BrowseEntry], exhausted: bool) -> None:
        nonlocal read, queries
        read += len(entries)
        queries += 1
        buffers[i] = entries[::-1]          # pop() from the end = newest first
        if exhausted:
            done.add(i)

    def fill_all(indices: list[int], after: str | None) -> None:
        """The partitions' next chunks in parallel, when each gets a whole chunk within the
        budget (then exactly what filling them one by one would read)."""
        for i, (entries, exhausted) in zip(indices, gather(*[
                (lambda i=i: query_entries(partitions[i], after_sk=after, limit=chunk)) for i in indices]),
                strict=True):
            took(i, entries, exhausted)

    fill_all([i for i in range(len(partitions)) if i not in done], frontier)  # chunk × partitions ≤ budget / 2
    items: list[MemberCard] = []
    seen: set[str] = set()
    stopped = False
    while len(items) < query.limit:
        starving = [i for i in range(len(partitions)) if i not in done and not buffers.get(i)]
        if starving and read + chunk * len(starving) <= budget:
            fill_all(starving, frontier)
            starving = []
        for i in starving:
            if read >= budget:
                stopped = True
                break
            last = frontier
            fill(i, last)
        if stopped:
            break
        heads = [(buffers[i][-1].sk, i) for i in buffers if buffers[i]]
        if not heads:
            break
        sk, i = max(heads)
        entry = buffers[i].pop()
        frontier = sk
        if entry.user_id in seen:
            continue
        seen.add(entry.user_id)
        card = dict(entry.card)
        card["user_id"] = entry.user_id
        if _hidden_between(principal, card, blocks, hide_colleagues=query.hide_colleagues):
            continue
        if not _passes(query, card, first_year, last_year):
            continue
        items.append(_card(entry.user_id, card))
    # A partition is finished for the next page only once nothing of it is left unconsumed.
    finished = sorted(i for i in done if not buffers.get(i))
    more = len(finished) < len(partitions)
    cursor = encode_cursor({"after": frontier, "done": finished}, bound_to=bound) if more and frontier else None
    return BrowsePage(items=items, next_cursor=cursor, stats=BrowseStats(items_read=read, queries=queries))


def _browse_by_score(principal: Principal, query: BrowseQuery, blocks: set[str], *,
                     position: dict[str, Any] | None, bound: str) -> BrowsePage:
    year = _year()
    first_year, last_year = year - int(query.age_max or 0), year - int(query.age_min or 0)
    recs = get_recommendations(principal.user_id)
    ranked = list(recs.items) if recs else []
    offset = int(position.get("offset", 0)) if position else 0
    budget = READ_BUDGET_FACTOR * query.limit - 1       # one read for the recommendations item
    window = ranked[offset: offset + budget]
    profiles = get_profiles(r["user_id"] for r in window)
    items: list[MemberCard] = []
    consumed = 0
    for rec in window:
        consumed += 1
        profile = profiles.get(rec["user_id"])
        if profile is None or not profile.visible or _hidden_between(
                principal, profile, blocks, hide_colleagues=query.hide_colleagues):
            continue
        data = _card_data(profile, profile.cover)
        if query.gender and profile.gender != query.gender:
            continue
        if not _passes(query, data, first_year, last_year):
            continue
        items.append(_card(profile.user_id, data))
        if len(items) == query.limit:
            break
    next_offset = offset + consumed
    cursor = encode_cursor({"offset": next_offset}, bound_to=bound) if next_offset < len(ranked) else None
    return BrowsePage(items=items, next_cursor=cursor,
                      stats=BrowseStats(items_read=1 + len(profiles), queries=2 if window else 1))
