"""光年间 profiles, the browse index (run by the index queue consumer): one entry per scope, gender,
age band and interest partition; membership and blocks from identity's and social's events.
"""
from __future__ import annotations

from typing import Any

from pynamodb.exceptions import UpdateError

from chalicelib.platform import clock
from chalicelib.platform.events import publish, transaction

from .models import (
    BrowseEntry,
    Profile,
    get_profile,
    photos_of,
    rewrite_entries,
    save_block_pair,
)
from .profile import _card_data, _request_reindex, _request_rematch
from .vocabulary import (
    PROVINCE,
    band_of,
)

# --- the browse index (run by the index queue consumer) ---------------------------------------

def _scopes(profile: Profile) -> list[str]:
    scopes = [f"p:{PROVINCE}", f"c:{profile.city}"]
    if profile.district:
        scopes.append(f"d:{profile.city}/{profile.district}")
    return scopes


def _partition(scope: str, gender: str, band: int, interest: str | None = None) -> str:
    base = f"{scope}|{gender}|{band}"
    return f"{base}|i:{interest}" if interest else base


def index_entries(profile: Profile, cover_key: str) -> list[BrowseEntry]:
    """Every entry a visible member has in the browse index (none when not visible)."""
    if not profile.visible:
        return []
    sk = f"{profile.last_active_at}#{profile.user_id}"
    card = _card_data(profile, cover_key)
    band = band_of(int(profile.birth_year))
    entries = []
    for scope in _scopes(profile):
        for interest in [None, *profile.interests]:
            entries.append(BrowseEntry(_partition(scope, profile.gender, band, interest), sk,
                                       user_id=profile.user_id, card=card))
    return entries


def reindex(user_id: str) -> int:
    """Make the member's browse entries and matching pool match their profile. Idempotent:
    it recomputes from the current state, so a redelivered message rewrites the same items."""
    profile = get_profile(user_id, consistent=True)
    if profile is None:
        return 0
    approved = [p for p in photos_of(user_id) if p.status == "approved"]
    approved.sort(key=lambda p: p.created_at)
    cover = approved[0].thumb_key if approved else ""
    desired = index_entries(profile, cover)
    old = [tuple(k.split("\t", 1)) for k in (profile.indexed or [])]
    wanted = [f"{e.pk}\t{e.sk}" for e in desired]
    # Record the union first: if we crash between writes, the next run still knows every key.
    union = list(dict.fromkeys([*profile.indexed, *wanted]))
    if union != list(profile.indexed or []):
        profile.update(actions=[Profile.indexed.set(union)])
    rewrite_entries([(pk, sk) for pk, sk in old], desired)  # type: ignore[misc]
    pool = f"{profile.city}|{profile.gender}" if profile.visible else None
    actions: list[Any] = [Profile.indexed.set(wanted), Profile.cover.set(cover),
                          Profile.pool.set(pool) if pool else Profile.pool.remove()]
    card = f"{profile.nickname}\t{cover}"
    if card == (profile.card or ""):
        profile.update(actions=actions)
        return len(desired)
    # The name and picture other features show beside the member's posts, chats and reports
    # changed: tell them, in the same transaction as the change (the outbox).
    with transaction() as tx:
        tx.update(profile, actions=[*actions, Profile.card.set(card)])
        publish("profiles", "ProfileCardChanged",
                data={"user_id": user_id, "nickname": profile.nickname, "cover": cover},
                org=profile.org_path, tx=tx)
    return len(desired)


# --- membership (identity's events) and blocks (social's events) ----------------------------

def set_membership(user_id: str, active: bool, at: str) -> bool:
    """Apply MemberActivated / MemberDeactivated. The newest event wins, so redelivered or
    out-of-order events change nothing. Returns whether anything changed."""
    profile = Profile(user_id)
    try:
        profile.update(
            actions=[Profile.active.set(active), Profile.active_changed_at.set(at)],
            condition=Profile.active_changed_at.does_not_exist() | (Profile.active_changed_at < at))
    except UpdateError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    if profile.complete:        # (the update returned the whole item) no profile yet: nothing to index
        _request_reindex(user_id)
        _request_rematch(user_id)
    return True


def mark_active_for_demo(user_id: str) -> None:
    """Local demo only: identity's own demo walks the real verification path."""
    set_membership(user_id, True, clock.now_iso())


def hide_pair(a: str, b: str) -> None:
    """After a block, neither member sees the other in browse, profiles or recommendations."""
    if a == b:
        return
    save_block_pair(a, b, clock.now_iso())
