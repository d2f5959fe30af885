"""Bookings: what the feature does (no HTTP, no boto3). The engine is split by subject —
``venues`` (slots, rules, calendar), ``activities`` (sessions, sign-up, waitlist),
``attendance`` (entries, check-in, no-shows, figures, reminders) — and this module is the
one surface routes, handlers and other features call."""
from __future__ import annotations

from .activities import advance, create_activity, expire_offers, get_activity, list_activities, sign_up
from .attendance import (
    accept,
    cancel,
    check_in,
    close_sessions,
    decide,
    figures,
    my_entries,
    my_entry,
    roll_up,
    send_reminders,
    session_attendance,
    sweep_no_shows,
    venue_attendance,
)
from .venues import (
    book,
    calendar,
    create_venue,
    get_venue,
    hold_slot,
    list_venues,
    load_calendar,
    release_hold,
    slots,
    update_venue,
)

__all__ = [
    "accept", "advance", "book", "calendar", "cancel", "check_in", "close_sessions", "create_activity",
    "create_venue", "decide", "expire_offers", "figures", "get_activity", "get_venue", "hold_slot",
    "list_activities", "list_venues", "load_calendar", "my_entries", "my_entry", "release_hold", "roll_up",
    "send_reminders", "session_attendance", "sign_up", "slots", "sweep_no_shows", "update_venue", "venue_attendance",
]
