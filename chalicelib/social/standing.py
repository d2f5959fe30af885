"""What chat and the rest of social both need about members: standing (activated, not
suspended or banned), the block / friend edges between two members, strikes (reports and
safety flags), and filing a safety flag for moderation.

``social.logic`` (follow, feed, reports, moderation) and ``messaging.logic`` both import this
module; it imports neither, so the two features do not import each other."""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from pynamodb.exceptions import PutError, UpdateError

from chalicelib.platform import bucket, clock
from chalicelib.platform.auth import Principal, Role
from chalicelib.platform.errors import Forbidden
from chalicelib.platform.events import SYSTEM, publish
from chalicelib.platform.pii import scrub

from .models import Edge, Report, Standing, Tally, standings_and_edges
from .schemas import StandingView

FOLLOWING, FOLLOWER, FRIEND, BLOCKS, BLOCKED_BY = "following", "follower", "friend", "blocks", "blockedby"
SAFETY_REPORTER = "system:safety"  # the reporter of what the safety rules held
TALLY_TTL_DAYS = 30
STRIKE_WINDOW_DAYS = 7


def _day(days_ago: int = 0) -> str:
    return (clock.today_shanghai() - timedelta(days=days_ago)).isoformat()


def _is_active(standing: Standing | None) -> bool:
    if standing is None or standing.identity_status != "active":
        return False
    if standing.sanction == "none":
        return True
    if standing.sanction == "suspended" and standing.sanction_until:
        return clock.parse(standing.sanction_until) <= clock.now()
    return False


def _standing(user_id: str) -> Standing | None:
    try:
        return Standing.get(user_id)
    except Standing.DoesNotExist:
        return None


def active_standing(user_id: str) -> Standing | None:
    """The member's standing if they may act and be seen, else None (one GetItem)."""
    standing = _standing(user_id)
    return standing if _is_active(standing) else None


def is_active(user_id: str) -> bool:
    """May this member act and be seen (activated by identity, not suspended or banned)?"""
    return _is_active(_standing(user_id))


def org_of(user_id: str) -> str:
    standing = _standing(user_id)
    return standing.org if standing else ""


def verification(user_id: str) -> tuple[bool, int]:
    """(verified, days active). Verified = identity says active; days since first activation."""
    standing = _standing(user_id)
    if not _is_active(standing) or standing is None:
        return False, 0
    since = clock.parse(standing.active_since) if standing.active_since else clock.now()
    return True, max(0, (clock.now() - since).days)


def recent_strikes(user_id: str, days: int = STRIKE_WINDOW_DAYS) -> int:
    """Reports plus safety flags against a member over the last ``days`` days (≤ days items)."""
    total = 0
    for tally in Tally.query(user_id, Tally.day >= _day(days - 1)):
        total += int(tally.reports or 0) + int(tally.flags or 0)
    return total


def _tally(user_id: str, *, reports: int = 0, flags: int = 0) -> None:
    actions: list[Any] = [Tally.expires.set(clock.now() + timedelta(days=TALLY_TTL_DAYS))]
    if reports:
        actions.append(Tally.reports.add(reports))
    if flags:
        actions.append(Tally.flags.add(flags))
    Tally(user_id, _day()).update(actions=actions)


def count_against(user_id: str, weight: int) -> None:
    """A safety rule of action ``count`` matched one of this member's messages."""
    _tally(user_id, flags=max(1, weight))


def _edge_keys(owner: str, kinds: Iterable[str], others: Iterable[str]) -> list[tuple[str, str]]:
    return [(owner, f"{kind}#{other}") for other in others for kind in kinds]


def _existing_edges(keys: list[tuple[str, str]]) -> set[tuple[str, str]]:
    if not keys:
        return set()
    return {(e.owner, e.edge) for e in Edge.batch_get(sorted(set(keys)))}


def blocked_between(a: str, b: str) -> bool:
    return bool(_existing_edges(_edge_keys(a, (BLOCKS, BLOCKED_BY), [b])))


def hidden_from(viewer: str, others: Iterable[str]) -> set[str]:
    """Which of ``others`` the viewer must not see: in a block with them (either direction)
    or not active. Standings and edges in ONE BatchGetItem."""
    return visible_badges(viewer, others)[0]


@dataclass(frozen=True)
class Pair:
    """What chat needs to know about two members, in one BatchGetItem."""

    a_active: bool
    b_active: bool
    blocked_by: str | None   # "a" when a blocked b, "b" when b blocked a
    friends: bool
    orgs: tuple[str, ...] = ()  # the two members' organisations (what safety rules apply)
    also: tuple[list[Any], ...] = ()  # what else the same BatchGetItem read (``pair(also=...)``)


@dataclass(frozen=True)
class Badge:
    """What a list row shows of a member: their nickname and a short-lived avatar link."""

    nickname: str
    avatar_url: str


ANONYMOUS = Badge("光年间会员", "")


def _badge(standing: Standing) -> Badge:
    return Badge(standing.nickname or ANONYMOUS.nickname, bucket.view_url(standing.cover or ""))


def apply_card(event: Any) -> bool:
    """``ProfileCardChanged`` from profiles: the member's nickname and picture. An older event
    than the one applied changes nothing (EventBridge does not promise order)."""
    user_id = str(event.data.get("user_id") or "")
    if not user_id:
        raise ValueError("ProfileCardChanged without user_id")
    try:
        Standing(user_id).update(
            actions=[Standing.nickname.set(str(event.data.get("nickname") or "")),
                     Standing.cover.set(str(event.data.get("cover") or "")),
                     Standing.card_event_time.set(event.time)],
            condition=Standing.card_event_time.does_not_exist() | (Standing.card_event_time <= event.time))
    except UpdateError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def badges(user_ids: Iterable[str]) -> dict[str, Badge]:
    """Nickname and avatar of each member, in one BatchGetItem (unknown members: 光年间会员)."""
    wanted = sorted(set(user_ids))
    standings = standings_and_edges(wanted, [])[0] if wanted else []
    found = {s.user_id: _badge(s) for s in standings}
    return {u: found.get(u, ANONYMOUS) for u in wanted}


def badge_of(standing: Standing | None) -> Badge:
    return _badge(standing) if standing is not None else ANONYMOUS


def visible_badges(viewer: str, others: Iterable[str], *, include_viewer: bool = False
                   ) -> tuple[set[str], dict[str, Badge]]:
    """``hidden_from`` and ``badges`` in the same single BatchGetItem: which of ``others`` the
    viewer must not see, and the name and picture of the rest (and of the viewer, asked)."""
    others = set(others) - {viewer}
    people = others | ({viewer} if include_viewer else set())
    if not people:
        return set(), {}
    standings, edges, _ = standings_and_edges(sorted(people), _edge_keys(viewer, (BLOCKS, BLOCKED_BY), others))
    active = {s.user_id for s in standings if _is_active(s)}
    blocked = {e.edge.split("#", 1)[1] for e in edges}
    hidden = (others - active) | blocked
    shown = {s.user_id: _badge(s) for s in standings if s.user_id not in hidden}
    return hidden, {u: shown.get(u, ANONYMOUS) for u in people - hidden}


def pair(a: str, b: str, *, read: Callable[..., list[list[Any]]] | None = None,
         also: tuple[tuple[Any, list[Any], bool], ...] = ()) -> Pair:
    """``a`` and ``b`` as chat sees them, in one BatchGetItem; ``also`` and ``read`` as in
    ``standings_and_edges`` (the found items of ``also`` are on ``Pair.also``)."""
    standings, edges, extra = standings_and_edges(
        [a, b], _edge_keys(a, (BLOCKS, BLOCKED_BY, FRIEND), [b]), also=also,
        **({"read": read} if read is not None else {}))
    active = {s.user_id for s in standings if _is_active(s)}
    found = {(e.owner, e.edge) for e in edges}
    blocked_by = "a" if (a, f"{BLOCKS}#{b}") in found else "b" if (a, f"{BLOCKED_BY}#{b}") in found else None
    return Pair(a in active, b in active, blocked_by, (a, f"{FRIEND}#{b}") in found,
                tuple(s.org for s in standings if s.org), tuple(extra))


def friends_conditions(a: str, b: str) -> list[tuple[type[Standing] | type[Edge], str, str | None, Any]]:
    """What ``pair`` must find for ``a`` to message ``b`` without more ado, as ConditionChecks
    of a write: both active, neither has blocked the other, and they are friends. When the
    write is cancelled, ``pair`` says which of them failed."""
    now = clock.now_iso()

    def active() -> Any:
        return ((Standing.identity_status == "active")
                & (Standing.sanction.does_not_exist() | (Standing.sanction == "none")
                   | ((Standing.sanction == "suspended") & Standing.sanction_until.exists()
                      & (Standing.sanction_until <= now))))

    return [(Standing, a, None, active()), (Standing, b, None, active()),
            (Edge, a, f"{BLOCKS}#{b}", Edge.owner.does_not_exist()),
            (Edge, a, f"{BLOCKED_BY}#{b}", Edge.owner.does_not_exist()),
            (Edge, a, f"{FRIEND}#{b}", Edge.owner.exists())]


def _report_id(reporter: str, kind: str, target: str) -> str:
    return "r-" + hashlib.sha256(f"{reporter}|{kind}|{target}".encode()).hexdigest()[:24]


def _file(*, reporter: str, kind: str, target_id: str, member: str, reason: str, note: str | None,
          excerpt: str | None) -> tuple[Report, bool]:
    report = Report(_report_id(reporter, kind, target_id), target_kind=kind, target_id=target_id,
                    target_member=member, reason_code=reason, note=scrub(note) if note else None,
                    excerpt=scrub(excerpt)[:300] if excerpt else None, reporter=reporter, org=org_of(member),
                    created_at=clock.now_iso())
    try:
        report.save(condition=Report.report_id.does_not_exist())
    except PutError as exc:
        if exc.cause_response_code != "ConditionalCheckFailedException":
            raise
        return Report.get(report.report_id), False
    return report, True


def flag(*, kind: str, target_id: str, member: str, excerpt: str | None, categories: list[str],
         note: str | None = None) -> str:
    """The safety scanner held something: file it in the moderation queue as a system report,
    with a Chinese ``note`` for the staff who review it."""
    saved, new = _file(reporter=SAFETY_REPORTER, kind=kind, target_id=target_id, member=member,
                       reason="scam_pattern", note=note or "、".join(categories) or None, excerpt=excerpt)
    if new:
        _tally(member, flags=1)
        publish("social", "ContentHeld", data={"report_id": saved.report_id, "member": member, "kind": kind,
                                               "categories": categories}, actor=SYSTEM, org=saved.org)
    return saved.report_id


def standing_view(user_id: str) -> StandingView:
    standing = _standing(user_id)
    verified, days = verification(user_id)
    if standing is None:
        return StandingView(user_id=user_id, active=False, identity_status="unknown", sanction="none",
                            sanction_until=None, warnings=0, verified=False, active_days=0)
    return StandingView(user_id=user_id, active=_is_active(standing), identity_status=standing.identity_status,
                        sanction=standing.sanction, sanction_until=standing.sanction_until,
                        warnings=int(standing.warnings or 0), verified=verified, active_days=days)


def require_active(principal: Principal) -> Standing:
    """The caller's standing, when they are an active member; 403 otherwise (one GetItem)."""
    standing = active_standing(principal.user_id) if principal.role is Role.WORKER else None
    if standing is None:
        raise Forbidden("您的会员资格未生效或已被停用，暂不能使用交友功能", code="MEMBER_NOT_ACTIVE")
    return standing
