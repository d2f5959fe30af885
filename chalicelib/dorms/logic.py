"""Dormitories: what the feature does (no HTTP, no boto3).

A bed's life: free → held (a worker applies; one conditional transaction takes the bed and
creates the worker's single tenancy) → the dorm-apply Lambda applies the operator's rules
(auto-approve new hires, or queue for the union admin) → approved → occupied (check-in) →
free (check-out), or free again when rejected, cancelled or the hold expires.

The work is split along that life — ``housing`` (buildings, rooms, profiles, finding a bed),
``applying`` (holding a bed, the dorm-apply Lambda), ``deciding`` (approval, cancel, expiry,
rules), ``living`` (check-in, check-out, move) and ``reading`` (views and figures), on
``common`` helpers — and this module is the one surface routes, handlers and other features
call.
"""
from __future__ import annotations

from .applying import APPLY_FIELDS, apply_for_bed, complete_application, complete_stale_submissions
from .common import (
    APPLICATION_ID,
    BUILDING_ID,
    BUILDING_NOT_FOUND,
    DORM_PAGE,
    FEATURE,
    FIT_WEIGHTS,
    HOLDING,
    ROOM_NO,
    STATUS_CN,
)
from .deciding import cancel_my_application, decide, expire_holds, get_rules, set_rules
from .housing import (
    create_building,
    fit,
    free_beds,
    get_profile,
    get_room,
    import_rooms,
    list_buildings,
    list_rooms,
    photo_upload,
    recommend,
    save_profile,
    update_room,
)
from .living import check_in, check_out, move
from .reading import MAX_BUILDINGS, SPEED_SAMPLE, application_queue, get_application, my_dorm, notices, occupancy

__all__ = [
    "APPLICATION_ID",
    "APPLY_FIELDS",
    "BUILDING_ID",
    "BUILDING_NOT_FOUND",
    "DORM_PAGE",
    "FEATURE",
    "FIT_WEIGHTS",
    "HOLDING",
    "MAX_BUILDINGS",
    "ROOM_NO",
    "SPEED_SAMPLE",
    "STATUS_CN",
    "application_queue",
    "apply_for_bed",
    "cancel_my_application",
    "check_in",
    "check_out",
    "complete_application",
    "complete_stale_submissions",
    "create_building",
    "decide",
    "expire_holds",
    "fit",
    "free_beds",
    "get_application",
    "get_profile",
    "get_room",
    "get_rules",
    "import_rooms",
    "list_buildings",
    "list_rooms",
    "move",
    "my_dorm",
    "notices",
    "occupancy",
    "photo_upload",
    "recommend",
    "save_profile",
    "set_rules",
    "update_room",
]
