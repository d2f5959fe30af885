"""Identity's record of a person, for stories of other features: what identity holds once a
member passed face and roster verification and pledged (the standing the HTTP edge reads)."""
from __future__ import annotations

from chalicelib.platform import clock

_BLOCKING = {"banned": "banned", "suspended": "suspended", "left_union": "left_union"}


def set_standing(user_id: str, *, state: str = "active", org_path: str | None = None) -> None:
    """Write (or overwrite) the member's identity record in ``state``: ``active``,
    ``registered`` (never verified), ``member_verified`` (not pledged), ``banned``,
    ``suspended``, ``left_union``, or a deactivation reason such as ``pledge_withdrawn``."""
    from chalicelib.identity.models import Member

    now = clock.now_iso()
    try:
        member = Member.get(user_id, consistent_read=True)
    except Member.DoesNotExist:
        member = Member(user_id, created_at=now)
    verified = state not in ("registered",)
    member.face_verified = member.member_verified = verified
    member.pledged = state in ("active", "banned", "suspended", "left_union")
    member.banned, member.suspended = state == "banned", state == "suspended"
    member.left_union = state == "left_union"
    member.state = state if state in ("active", "registered", "member_verified", *_BLOCKING) else "member_verified"
    if org_path is not None:
        member.org_path = org_path or None
    member.updated_at = now
    member.save()
