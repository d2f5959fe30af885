"""A caller's standing, read once per request at the HTTP edge (and at login and refresh).

Kept apart from ``logic`` so the edge loads only the member model: one strongly consistent
GetItem of the member record, projected to what the edge needs. A ban or suspension written
by identity (``block_member``) or mirrored from a moderation sanction (``record_sanction``)
is seen by the next request, whatever the caller's token says.

For other features and the platform:
- ``check_caller(principal, members_only=...)``: refuse a blocked worker (every route) or one
  who is not an active 光年间 member (``MEMBERS`` routes), and give back the principal with
  the organisation the member has now (a token from before verification carries none).
- ``blocked(user_id)``: ``"banned"``, ``"suspended"`` or None (login and refresh refuse).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from chalicelib.platform import clock
from chalicelib.platform.auth import Principal, Role
from chalicelib.platform.errors import Forbidden

from .models import Member

_FIELDS = ["state", "org_path", "sanction", "sanction_until"]
NOT_ACTIVE_MESSAGES = {
    "registered": "仅限光年间会员使用：请先完成支付宝人脸实名认证",
    "face_verified": "仅限光年间会员使用：正在确认您的工会会员身份",
    "member_verified": "仅限光年间会员使用：请先签署单身承诺",
    "pledged": "仅限光年间会员使用：账号即将开通",
    "left_union": "仅限光年间会员使用：会员库显示您已离会",
}


@dataclass(frozen=True)
class Standing:
    state: str
    org_path: str | None
    blocked: str | None  # banned | suspended | None


def standing_of(user_id: str) -> Standing:
    try:
        member = Member.get(user_id, consistent_read=True, attributes_to_get=_FIELDS)
    except Member.DoesNotExist:
        return _standing(None)
    return _standing(member)


def _standing(member: Member | None) -> Standing:
    if member is None:
        return Standing(state="registered", org_path=None, blocked=None)
    return Standing(state=member.state or "registered", org_path=member.org_path or None,
                    blocked=_blocked(member))


def _blocked(member: Member) -> str | None:
    if member.state in ("banned", "suspended"):
        return str(member.state)
    if member.sanction == "banned":
        return "banned"
    if member.sanction == "suspended" and (not member.sanction_until
                                           or clock.parse(member.sanction_until) > clock.now()):
        return "suspended"
    return None


def blocked(user_id: str) -> str | None:
    return standing_of(user_id).blocked


def refusal(kind: str) -> Forbidden:
    """The answer to a banned or suspended person, at login, refresh or any route."""
    if kind == "banned":
        return Forbidden("账号已被封禁，如有疑问请联系所在工会", code="ACCOUNT_BANNED")
    return Forbidden("账号已被暂停使用，如有疑问请联系所在工会", code="ACCOUNT_SUSPENDED")


def check_caller(principal: Principal, *, members_only: bool) -> Principal:
    """Called by ``@endpoint`` for every non-public route (see ``api.py``'s registration)."""
    if principal.role is not Role.WORKER:
        return principal  # staff have no member record; their grants are their standing
    return judge(principal, standing_of(principal.user_id), members_only=members_only)


def caller_reads(principal: Principal) -> list[tuple[type[Member], list[str], bool]]:
    """What ``check_caller`` reads, for a route that folds it into its own BatchGetItem."""
    return [] if principal.role is not Role.WORKER else [(Member, [principal.user_id], True)]


def judge_found(principal: Principal, found: list[list[Member]], *, members_only: bool) -> Principal:
    """``check_caller`` on the items ``caller_reads`` named, read by someone else."""
    if principal.role is not Role.WORKER:
        return principal
    return judge(principal, _standing(found[0][0] if found and found[0] else None), members_only=members_only)


def caller_conditions(principal: Principal, *, members_only: bool) -> list[tuple[type[Member], str, None, Any]]:
    """``check_caller`` as the ConditionCheck of a write (a worker not banned, not suspended,
    and active where ``members_only``), for a route that writes before it reads. The
    principal's organisation is not refreshed: routes that need it read instead."""
    if principal.role is not Role.WORKER:
        return []
    now = clock.now_iso()
    condition = ((Member.state.does_not_exist() | ~Member.state.is_in("banned", "suspended"))
                 & (Member.sanction.does_not_exist() | ~Member.sanction.is_in("banned", "suspended")
                    | ((Member.sanction == "suspended") & Member.sanction_until.exists()
                       & (Member.sanction_until <= now))))
    if members_only:
        condition = condition & (Member.state == "active")
    return [(Member, principal.user_id, None, condition)]


def judge(principal: Principal, standing: Standing, *, members_only: bool) -> Principal:
    if standing.blocked:
        raise refusal(standing.blocked)
    if members_only and standing.state != "active":
        raise Forbidden(NOT_ACTIVE_MESSAGES.get(standing.state, "仅限光年间会员使用"), code="MEMBER_NOT_ACTIVE",
                        details=[{"state": standing.state}])
    if standing.org_path and standing.org_path != principal.org_path:
        # the token was issued before the member was placed in (or moved to) an enterprise
        return dataclasses.replace(principal, org_path=standing.org_path)
    return principal
