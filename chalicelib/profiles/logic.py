"""光年间: profiles, photos, browsing, blocks, likes and smart matching.

Only active members (identity's ``MemberActivated``) who completed a profile and did not pause
it are visible. Browsing reads the denormalised browse index (models.py explains the keys)
that ``reindex`` — run by the index queue consumer — keeps in step with each profile.

The modules: ``profile``, ``browse_index``, ``browsing``, ``photos``, ``likes`` and
``matchmaking``; this module is the one surface routes, handlers and other features call.
"""
from __future__ import annotations

from .browse_index import hide_pair, index_entries, mark_active_for_demo, reindex, set_membership
from .browsing import browse
from .likes import NOTIFY_TEMPLATES, like, liked_by, tell
from .matchmaking import recommendations, rematch_member, run_matching
from .photos import decide_photo, delete_photo, pending_review, process_upload, start_upload
from .profile import (
    ACTIVITY_REFRESH,
    KEEP_RECOMMENDATIONS,
    MAX_PHOTOS,
    PHOTO_STATUS_TEXT,
    READ_BUDGET_FACTOR,
    TOP_RECOMMENDATIONS,
    interest_label,
    interests_of,
    member_profile,
    my_profile,
    save_profile,
    update_privacy,
    vocabulary,
)

__all__ = [
    "ACTIVITY_REFRESH",
    "KEEP_RECOMMENDATIONS",
    "MAX_PHOTOS",
    "NOTIFY_TEMPLATES",
    "PHOTO_STATUS_TEXT",
    "READ_BUDGET_FACTOR",
    "TOP_RECOMMENDATIONS",
    "browse",
    "decide_photo",
    "delete_photo",
    "hide_pair",
    "index_entries",
    "interest_label",
    "interests_of",
    "like",
    "liked_by",
    "mark_active_for_demo",
    "member_profile",
    "my_profile",
    "pending_review",
    "process_upload",
    "recommendations",
    "reindex",
    "rematch_member",
    "run_matching",
    "save_profile",
    "set_membership",
    "start_upload",
    "tell",
    "update_privacy",
    "vocabulary",
]
