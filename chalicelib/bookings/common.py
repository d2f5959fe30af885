"""What venues and activities share: ids, time, who may see and book, check-in codes,
entry views, the ancestor walk for lists, and transaction error reading."""
from __future__ import annotations

import hashlib
import re
import time
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from pynamodb.exceptions import TransactWriteError

from chalicelib.platform import clock
from chalicelib.platform.auth import Principal, Role
from chalicelib.platform.errors import DomainError, Forbidden, NotFound, ServiceUnavailable, ValidationFailed
from chalicelib.platform.pagination import decode_cursor, encode_cursor

from .models import BookingEntry
from .schemas import STATUS_CN, BookingEntryView

FEATURE = "bookings"
VENUE_ID = re.compile(r"v-[a-f0-9]{12}")
ACTIVITY_ID = re.compile(r"a-[a-f0-9]{12}")
SESSION_ID = re.compile(r"s-[a-f0-9]{12}")
ENTRY_ID = re.compile(r"e-[a-f0-9]{20}")
HOLDING = ("pending", "confirmed", "offered")   # statuses that hold a place
CHECKIN_EARLY = timedelta(minutes=30)
CHECKIN_AUDIENCE = "gonghui-checkin"


def new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def entry_id_for(*parts: str) -> str:
    """One entry per (slot or session, person): the id is derived, so a second try collides."""
    return "e-" + hashlib.sha256("|".join(parts).encode()).hexdigest()[:20]


def local_minute(moment: datetime) -> str:
    """``2026-07-06T19:00`` in Asia/Shanghai (sort keys people read in local time)."""
    return clock.to_shanghai(moment).strftime("%Y-%m-%dT%H:%M")


def local_day(moment: datetime) -> str:
    return clock.to_shanghai(moment).date().isoformat()


def at_local(day: date, hhmm: str) -> datetime:
    """The instant of ``HH:MM`` (``24:00`` = next midnight) on ``day`` in Asia/Shanghai, as UTC."""
    hour, minute = int(hhmm[:2]), int(hhmm[3:])
    base = datetime(day.year, day.month, day.day, tzinfo=clock.SHANGHAI)
    return (base + timedelta(hours=hour, minutes=minute)).astimezone(UTC)


def ancestors(org_path: str) -> list[str]:
    """``zj/huz/nanxun/e-x`` → itself, then ``zj/huz/nanxun``, ``zj/huz``, ``zj``."""
    parts = org_path.split("/") if org_path else []
    return ["/".join(parts[:n]) for n in range(len(parts), 0, -1)]


def within(org_path: str, scope: str) -> bool:
    return org_path == scope or org_path.startswith(scope + "/")


# --- who may see and book ------------------------------------------------------------------------

class Viewer:
    """The caller plus what identity says about them, looked up at most once per request."""

    def __init__(self, principal: Principal) -> None:
        self.principal = principal
        self._status: Any = False

    @property
    def staff(self) -> bool:
        return self.principal.role is not Role.WORKER

    def _member(self) -> Any:
        if self._status is False:
            from chalicelib.identity import logic as identity

            self._status = identity.member_status(self.principal.user_id)
        return self._status

    @property
    def verified_member(self) -> bool:
        status = self._member()
        return bool(status and status.member_verified and status.state not in ("banned", "suspended", "left_union"))

    @property
    def glnj_member(self) -> bool:
        status = self._member()
        return bool(status and status.active)

    def sees(self, *, owner: str, audience_org: str | None, members_only: bool, glnj_only: bool) -> bool:
        """May this caller see the venue / activity at all (lists and details)?"""
        if self.staff:
            return self.principal.covers(owner)
        if not within(self.principal.org_path, audience_org or owner):
            return False
        if glnj_only and not self.glnj_member:
            return False
        return not (members_only and not self.verified_member)

    def may_book(self, *, owner: str, audience_org: str | None, members_only: bool, glnj_only: bool,
                 what: str) -> None:
        """Raise the specific refusal: outside the audience, not a verified member."""
        if glnj_only and not self.glnj_member:
            raise NotFound(f"找不到该{what}", code="BOOKING_NOT_FOUND")
        audience = audience_org or owner
        if not within(self.principal.org_path, audience):
            raise Forbidden(f"该{what}仅对本组织及下级单位的职工开放，你所在的单位不在范围内",
                            code="BOOKING_OUTSIDE_ORG", details=[{"audience_org": audience}])
        if members_only and not self.verified_member:
            raise Forbidden(f"该{what}仅限已认证的工会会员，请先完成会员认证", code="BOOKING_MEMBERS_ONLY")


# --- transactions --------------------------------------------------------------------------------

def reasons(exc: TransactWriteError) -> list[str]:
    return [(r.code if r is not None else "") or "" for r in (exc.cancellation_reasons or [])]


def run_transaction(write: Callable[[], None], *, on_condition: Callable[[list[str]], DomainError],
                    attempts: int = 6) -> None:
    """Run ``write`` (a whole TransactWrite); a failed condition becomes the caller's domain
    error (it sees which items failed); a conflict with a concurrent transaction is retried."""
    for attempt in range(attempts):
        try:
            write()
            return
        except TransactWriteError as exc:
            codes = reasons(exc)
            if "ConditionalCheckFailed" in codes:
                raise on_condition(codes) from exc
            if "TransactionConflict" in codes or exc.cause_response_code == "TransactionCanceledException":
                time.sleep(0.02 * (attempt + 1) + 0.01 * (hash(uuid.uuid4()) % 5))
                continue
            raise
    raise ServiceUnavailable("预约人数较多，请稍后再试", code="BOOKING_BUSY")


# --- check-in codes ------------------------------------------------------------------------------

def _code_key() -> bytes:
    from chalicelib.platform.parameters import secret
    from chalicelib.platform.settings import get_settings

    return hashlib.sha256(b"gonghui-booking-checkin:" + secret(get_settings().jwt_key_parameter).encode()).digest()


def checkin_code(entry: BookingEntry) -> str:
    """A signed token naming the entry: staff scanners send it to our API, which verifies the
    signature offline (no call to anything else) and uses it once (a conditional write)."""
    import jwt

    now = clock.epoch()
    ends = int(clock.parse(entry.ends_at).timestamp())
    claims = {"iss": "gonghui", "aud": CHECKIN_AUDIENCE, "sub": entry.user_id, "eid": entry.entry_id,
              "rid": entry.resource_id, "iat": now, "exp": max(ends, now + 60)}
    return jwt.encode(claims, _code_key(), algorithm="HS256")


def read_code(code: str) -> dict[str, Any]:
    import jwt

    try:
        claims: dict[str, Any] = jwt.decode(code, _code_key(), algorithms=["HS256"], audience=CHECKIN_AUDIENCE,
                                            issuer="gonghui", options={"require": ["exp", "eid", "sub"],
                                                                        "verify_exp": False})
    except jwt.PyJWTError as exc:
        raise ValidationFailed("签到码无效（不是本系统签发或已被篡改）", code="BOOKING_CODE_INVALID") from exc
    if not isinstance(claims.get("eid"), str) or not ENTRY_ID.fullmatch(claims["eid"]):
        raise ValidationFailed("签到码无效（不是本系统签发或已被篡改）", code="BOOKING_CODE_INVALID")
    if int(claims["exp"]) <= clock.epoch():
        raise ValidationFailed("签到码已过期（预约时段已结束）", code="BOOKING_CODE_EXPIRED")
    return claims


# --- views and lists -----------------------------------------------------------------------------

def entry_view(entry: BookingEntry, *, with_code: bool = False) -> BookingEntryView:
    answers = entry.answers.as_dict() if hasattr(entry.answers, "as_dict") else dict(entry.answers or {})
    return BookingEntryView(
        entry_id=entry.entry_id, kind=entry.kind, resource_id=entry.resource_id, title=entry.title,  # type: ignore[arg-type]
        org_path=entry.org_path, user_id=entry.user_id, starts_at=entry.starts_at, ends_at=entry.ends_at,
        status=entry.status, status_cn=STATUS_CN.get(entry.status, entry.status), places=int(entry.places),
        group=entry.group if entry.group != "all" else None,
        seat_no=int(entry.seat_no) if entry.seat_no is not None else None,
        companions=list(entry.companions or []), answers={str(k): str(v) for k, v in answers.items()},
        fee_fen=int(entry.fee_fen), waitlist_no=int(entry.wait_seq) if entry.status == "waiting" and entry.wait_seq
        else None, offer_expires=entry.offer_expires if entry.status == "offered" else None,
        checked_in_at=entry.checked_in_at, reason=entry.reason,
        checkin_code=checkin_code(entry) if with_code and entry.status == "confirmed" else None)


def walk_ancestors(query: Callable[[str, int, dict[str, Any] | None], Any], org_path: str, *, limit: int,
                   cursor: str | None, bound: str) -> tuple[list[Any], str | None]:
    """Items owned by the caller's node and each ancestor, nearest first. The page reads at
    most ``limit`` items in total; the cursor remembers the ancestor and its position."""
    nodes = ancestors(org_path)
    state = decode_cursor(cursor, bound_to=bound) or {"i": 0, "k": None}
    index, last = int(state.get("i", 0)), state.get("k")
    items: list[Any] = []
    while index < len(nodes) and len(items) < limit:
        results = query(nodes[index], limit - len(items), last)
        items.extend(results)
        last = results.last_evaluated_key
        if last is None:
            index, last = index + 1, None
    more = index < len(nodes)
    return items, encode_cursor({"i": index, "k": last}, bound_to=bound) if more else None
