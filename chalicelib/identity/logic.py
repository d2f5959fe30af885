"""Identity and trust for 光年间: Alipay face verification, the union-roster membership check,
appeals, the single pledge, admin blocks, and the union's figures.

A member's state is derived from flags (``derive_state``); every change goes through
``_commit_member``, one DynamoDB transaction that writes the member (version-checked), the
transition log (who, when, why) and the live counters of the member's node, plus whatever
else the step must settle atomically (a certify attempt decided once, an ID claim, an appeal).

For other features: ``is_active(user_id)``, ``member_status(user_id)``, and the domain events
``MemberActivated`` / ``MemberDeactivated`` (``reason``: pledge_withdrawn, suspended, banned,
left_union).
"""
from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import timedelta
from typing import Any

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from chalicelib.platform import clock, pii
from chalicelib.platform.auth import Principal, Role
from chalicelib.platform.db import dynamo_errors
from chalicelib.platform.errors import Conflict, Forbidden, NotFound, TooManyRequests, ValidationFailed
from chalicelib.platform.events import SYSTEM, Actor, actor_of, publish
from chalicelib.platform.pagination import decode_cursor, encode_cursor

from .models import (
    NO_ORG,
    Appeal,
    AppealInbox,
    AttemptQuota,
    CertifyAttempt,
    DailyFigure,
    FigureCounter,
    IdClaim,
    Member,
    RosterEntry,
    Transition,
)
from .schemas import (
    AppealInboxPage,
    AppealView,
    DayFigures,
    FaceCheckOutcome,
    FaceCheckStarted,
    FiguresView,
    InboxItem,
    MemberStatus,
    NewAppeal,
    PledgeText,
    TransitionPage,
    TransitionView,
)

FEATURE = "identity"
DAILY_FACE_ATTEMPTS = 5
LIVE = "live"
ATTEMPT_TTL = timedelta(days=30)
REPUBLISH_AFTER = timedelta(seconds=60)
_EVENT_NS = uuid.UUID("6b1f6f3e-4f4c-4b59-9d43-7a1f3c0e5a11")

# The journey, in order; a member moving several steps at once is logged step by step.
JOURNEY = ("registered", "face_verified", "member_verified", "pledged", "active")
BLOCKED = ("banned", "suspended", "left_union")
NEXT_STEP = {
    "registered": "请完成支付宝人脸实名认证",
    "face_verified": "正在与工会会员库比对，如未找到可提交申诉",
    "member_verified": "请阅读并签署单身承诺",
    "pledged": "即将开通",
    "active": "已开通，可以浏览和被浏览",
    "suspended": "账号已被工会暂停使用",
    "banned": "账号已被封禁",
    "left_union": "会员库显示您已离会，如有疑问请联系所在工会",
}
PENDING_MESSAGES = {
    "6001": "您已取消人脸核验，可以重新发起",
    "6002": "网络异常，核验未完成，请重新发起",
    "4000": "核验过程出错，请重新发起",
    "9000": "支付宝尚未确认本次人脸核验",
}

PLEDGES: dict[str, tuple[str, str]] = {
    "2026.1": (
        "光年间单身承诺书",
        "本人郑重承诺：本人目前处于单身状态（未婚，或离异、丧偶后未再婚），未与他人保持恋爱或婚姻关系；"
        "在光年间填写的个人信息真实有效；以真诚交友、建立婚恋关系为目的使用本平台，不以任何形式从事"
        "诈骗、借贷、投资推销、婚托等行为。如情况发生变化，本人将及时撤回承诺。如有不实，本人愿承担"
        "相应责任，并接受工会取消使用资格的处理。",
    ),
}
CURRENT_PLEDGE = "2026.1"


# --- the state machine (pure) ------------------------------------------------------------

@dataclass(frozen=True)
class Flags:
    face_verified: bool = False
    member_verified: bool = False
    pledged: bool = False
    suspended: bool = False
    banned: bool = False
    left_union: bool = False


def derive_state(flags: Flags) -> str:
    """The one state a member is in, from what is true of them. Blocks win over progress."""
    if flags.banned:
        return "banned"
    if flags.suspended:
        return "suspended"
    if flags.left_union:
        return "left_union"
    if not flags.face_verified:
        return "registered"
    if not flags.member_verified:
        return "face_verified"
    if not flags.pledged:
        return "member_verified"
    return "active"


def state_path(before: str, after: str) -> list[tuple[str, str]]:
    """The transitions to log: forward moves along the journey pass every step between."""
    if before in JOURNEY and after in JOURNEY and JOURNEY.index(after) > JOURNEY.index(before):
        steps = JOURNEY[JOURNEY.index(before): JOURNEY.index(after) + 1]
        return list(itertools.pairwise(steps))
    return [(before, after)]


def deactivation_reason(flags: Flags) -> str:
    if flags.banned:
        return "banned"
    if flags.suspended:
        return "suspended"
    if flags.left_union:
        return "left_union"
    if not flags.pledged:
        return "pledge_withdrawn"
    return "not_verified"


METRICS = ("registered", "face_verified", "member_verified", "active")


def contribution(flags: Flags) -> dict[str, int]:
    """What one member adds to their node's figures."""
    face = flags.face_verified
    return {"registered": 1, "face_verified": int(face), "member_verified": int(face and flags.member_verified),
            "active": int(derive_state(flags) == "active")}


def figure_deltas(before: tuple[str, Flags] | None, after: tuple[str, Flags]) -> dict[str, dict[str, int]]:
    """How the live counters move when a member goes from ``before`` to ``after`` (node, flags)."""
    deltas: dict[str, dict[str, int]] = {}
    if before is not None:
        node, flags = before
        for metric, value in contribution(flags).items():
            deltas.setdefault(node, {}).setdefault(metric, 0)
            deltas[node][metric] -= value
    node, flags = after
    for metric, value in contribution(flags).items():
        deltas.setdefault(node, {}).setdefault(metric, 0)
        deltas[node][metric] += value
    return {n: {m: v for m, v in d.items() if v} for n, d in deltas.items() if any(d.values())}


# Subscribe-message templates of the 光年间 mini-program (one per kind of news).
TEMPLATES = {
    "membership": "gnj-membership-result",
    "appeal": "gnj-appeal-result",
    "standing": "gnj-account-standing",
}
PAGE = "pages/identity/index"


TITLES = {"membership": "会员认证结果", "appeal": "申诉结果", "standing": "账号状态变更"}


def notify_member(user_id: str, kind: str, data: dict[str, str]) -> None:
    """Tell the member through the platform notice path: their inbox, and a subscribe message
    through their mini-program (once per notice)."""
    from chalicelib.platform.notices import NoticePush, request_notice

    short = {k: v[:20] for k, v in data.items()}
    request_notice(user_id, kind="identity", title=TITLES[kind], body="；".join(v for v in data.values() if v),
                   link=PAGE, dedup_key=f"identity:{uuid.uuid4().hex}", occurred_at=clock.now_iso(),
                   meta={"template": TEMPLATES[kind]},
                   push=NoticePush(template=TEMPLATES[kind], data=short, page=PAGE))


def ancestors(org: str) -> list[str]:
    parts = org.split("/")
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


# --- member records ----------------------------------------------------------------------

def _flags(member: Member) -> Flags:
    return Flags(**{f.name: bool(getattr(member, f.name)) for f in fields(Flags)})


def _node(member: Member) -> str:
    return member.org_path or member.home_org or NO_ORG


def _load(user_id: str) -> Member | None:
    try:
        return Member.get(user_id, consistent_read=True)
    except Member.DoesNotExist:
        return None


def _connection() -> Connection:
    """The members table's own (cached) connection: transactions reuse its client."""
    return Member._get_connection().connection


@dataclass
class Change:
    member: Member
    before: str
    after: str
    created: bool


def _commit_member(user_id: str, mutate: Callable[[Member], str | None], *, actor: Actor,
                   extra: Callable[[TransactWrite, Member], None] | None = None, home_org: str | None = None,
                   create: bool = True, retries: int = 4, known_absent: bool = False,
                   stage: Callable[[TransactWrite, Member], None] | None = None) -> Change | None:
    """Load the member, apply ``mutate`` (which returns the reason, or None for "nothing to
    do"), and write member + transition log + counters (+ ``extra``) in one transaction.
    ``stage`` publishes the change's events into that transaction (the outbox); unlike
    ``extra`` it adds no condition, so a version race is still retried.
    A concurrent change of the same member (version) is retried on fresh data; any other
    failed condition raises ``TransactWriteError`` to the caller. ``known_absent``: the
    caller has just read that there is no member (the first try skips the read)."""
    for attempt in range(retries):
        member = None if known_absent and attempt == 0 else _load(user_id)
        created = member is None
        if member is None:
            if not create:
                raise NotFound("找不到该会员", code="MEMBER_NOT_FOUND")
            now = clock.now_iso()
            member = Member(user_id, created_at=now, updated_at=now, home_org=home_org or None)
        before_flags, before_node = _flags(member), _node(member)
        before_state = "new" if created else member.state
        reason = mutate(member)
        if reason is None and not created:
            return None
        reason = reason or "开始认证"
        after_flags = _flags(member)
        member.state = derive_state(after_flags)
        member.updated_at = clock.now_iso()
        deltas = figure_deltas(None if created else (before_node, before_flags), (_node(member), after_flags))
        try:
            with TransactWrite(connection=_connection()) as tx:
                tx.save(member)
                path = [("new", "registered"), *state_path("registered", member.state)] if created \
                    else state_path(before_state, member.state)
                if created and member.state == "registered":
                    path = [("new", "registered")]
                stamp = clock.now_iso()
                for n, (src, dst) in enumerate(path):
                    tx.save(Transition(user_id, f"{stamp}#{n}{uuid.uuid4().hex[:6]}", from_state=src, to_state=dst,
                                       actor_id=actor.user_id, actor_role=actor.role, reason=pii.scrub(reason)[:200]))
                for node, delta in deltas.items():
                    tx.update(FigureCounter(LIVE, node),
                              actions=[getattr(FigureCounter, m).add(v) for m, v in delta.items()])
                if extra is not None:
                    extra(tx, member)
                if stage is not None:
                    stage(tx, member)
                change = Change(member=member, before=before_state, after=member.state, created=created)
                _publish_activation(change, actor, tx)
        except TransactWriteError as exc:
            reasons = [r.code for r in (exc.cancellation_reasons or []) if r is not None and r.code]
            version_moved = attempt + 1 < retries and "ConditionalCheckFailed" in reasons and extra is None
            if version_moved or ("TransactionConflict" in reasons and attempt + 1 < retries):
                continue
            raise
        return change
    raise Conflict("操作冲突，请稍后重试", code="MEMBER_BUSY")


def _publish_activation(change: Change, actor: Actor, tx: TransactWrite) -> None:
    """Stage MemberActivated / MemberDeactivated in the transaction that changes the state."""
    was, now = change.before == "active", change.after == "active"
    org = change.member.org_path or ""
    if now and not was:
        publish(FEATURE, "MemberActivated", data={"user_id": change.member.user_id, "org_path": org},
                org=org, actor=actor, tx=tx)
    elif was and not now:
        publish(FEATURE, "MemberDeactivated",
                data={"user_id": change.member.user_id, "org_path": org,
                      "reason": deactivation_reason(_flags(change.member)), "state": change.after},
                org=org, actor=actor, tx=tx)


def ensure_member(user_id: str, *, home_org: str | None = None, actor: Actor = SYSTEM) -> Member:
    """The member's record, created in state ``registered`` on first contact."""
    member = _load(user_id)
    if member is not None:
        return member
    try:
        change = _commit_member(user_id, lambda m: None, actor=actor, home_org=home_org, retries=1,
                                known_absent=True)
    except TransactWriteError:
        change = None  # created concurrently
    if change is not None:
        return change.member
    existing = _load(user_id)
    if existing is None:
        raise Conflict("操作冲突，请稍后重试", code="MEMBER_BUSY")
    return existing


def on_account_registered(user_id: str) -> None:
    """An account was created (WeChat/Alipay login): it counts as registered."""
    ensure_member(user_id)


def _status(member: Member) -> MemberStatus:
    return MemberStatus(
        user_id=member.user_id, state=member.state, active=member.state == "active",  # type: ignore[arg-type]
        face_verified=member.face_verified, member_verified=member.member_verified, pledged=member.pledged,
        roster_status=member.roster_status, id_masked=member.id_masked, name_masked=member.name_masked,
        org_path=member.org_path, enterprise=member.enterprise, pledge_version=member.pledge_version,
        pledged_at=member.pledged_at, block_reason=member.block_reason, next_step=NEXT_STEP[member.state])


def my_status(principal: Principal) -> MemberStatus:
    return _status(ensure_member(principal.user_id, home_org=principal.org_path or None, actor=actor_of(principal)))


def is_active(user_id: str) -> bool:
    """For other features: may this member browse and be seen?"""
    try:
        return Member.get(user_id, attributes_to_get=["state"]).state == "active"
    except Member.DoesNotExist:
        return False


def member_status(user_id: str) -> MemberStatus | None:
    """For other features: the member's verification state, or None if they never started."""
    member = _load(user_id)
    return _status(member) if member else None


def id_hash_of(user_id: str) -> str | None:
    """For other features: the lookup hash (``pii.lookup_hash``) of the ID number a person
    proved by the face check, or None before it (a feature's record of that person is found
    by it: the craftsman archive's own file)."""
    try:
        member = Member.get(user_id, consistent_read=True, attributes_to_get=["id_hash", "face_verified"])
    except Member.DoesNotExist:
        return None
    return member.id_hash if member.face_verified and member.id_hash else None


def _transitions(user_id: str, *, limit: int, cursor: str | None) -> TransitionPage:
    bound = f"identity-transitions:{user_id}"
    page = Transition.query(user_id, scan_index_forward=False, limit=limit,
                            last_evaluated_key=decode_cursor(cursor, bound_to=bound))
    items = [TransitionView(at=t.at.split("#", 1)[0], from_state=t.from_state, to_state=t.to_state,
                            actor_id=t.actor_id, actor_role=t.actor_role, reason=t.reason) for t in page]
    return TransitionPage(items=items, next_cursor=encode_cursor(page.last_evaluated_key, bound_to=bound))


def my_transitions(principal: Principal, *, limit: int, cursor: str | None) -> TransitionPage:
    return _transitions(principal.user_id, limit=limit, cursor=cursor)


def _member_in_scope(principal: Principal, user_id: str) -> Member:
    member = _load(user_id)
    if member is None or not principal.covers(member.org_path or member.home_org):
        raise NotFound("找不到该会员", code="MEMBER_NOT_FOUND")
    return member


def member_for_admin(principal: Principal, user_id: str) -> MemberStatus:
    return _status(_member_in_scope(principal, user_id))


def member_transitions(principal: Principal, user_id: str, *, limit: int, cursor: str | None) -> TransitionPage:
    _member_in_scope(principal, user_id)
    return _transitions(user_id, limit=limit, cursor=cursor)


# --- face verification -------------------------------------------------------------------

def mask_name(name: str) -> str:
    return name[0] + "*" * (len(name) - 1) if name else ""


def _consume_attempt(user_id: str) -> int:
    day = clock.today_shanghai().isoformat()
    quota = AttemptQuota(f"{user_id}#{day}")
    with dynamo_errors(TooManyRequests(f"今天的人脸核验次数（{DAILY_FACE_ATTEMPTS} 次）已用完，请明天再试",
                                       code="FACE_ATTEMPTS_EXCEEDED")):
        quota.update(actions=[AttemptQuota.used.add(1), AttemptQuota.expires.set(clock.now() + timedelta(days=2))],
                     condition=AttemptQuota.used.does_not_exist() | (AttemptQuota.used < DAILY_FACE_ATTEMPTS))
    return DAILY_FACE_ATTEMPTS - int(quota.used)


def start_face_check(principal: Principal, real_name: str, id_number: str) -> FaceCheckStarted:
    """Count the attempt, then ask Alipay for a face check of this name and number.

    The attempt is counted before anything stored is read, and whether the ID number is
    already claimed is not looked at here: a stranger probing numbers sees the same answer for
    every well-formed number and spends an attempt on each. Only a face check that Alipay
    passed for this name and number learns that the number is claimed (the callback fails
    it with that reason, and the person may appeal to the union)."""
    number = pii.normalize_id_number(id_number)  # pure format check: reads nothing stored
    id_hash = pii.lookup_hash(number)
    left = _consume_attempt(principal.user_id)
    member = ensure_member(principal.user_id, home_org=principal.org_path or None, actor=actor_of(principal))
    if member.banned or member.suspended:
        raise Forbidden("账号已被暂停使用，请联系工会", code="MEMBER_BLOCKED")
    if member.face_verified:
        raise Conflict("您已完成实名认证，无需重复核验", code="ALREADY_FACE_VERIFIED")
    from chalicelib.providers import alipay

    outer_order_no = f"gh{uuid.uuid4().hex[:30]}"
    certify_id = alipay.certify_initialize(outer_order_no, real_name, number, biz_code="FACE")
    CertifyAttempt(certify_id, user_id=principal.user_id, outer_order_no=outer_order_no, id_hash=id_hash,
                   id_sealed=pii.seal(number), id_masked=pii.mask_id_number(number),
                   name_sealed=pii.seal(real_name), name_masked=mask_name(real_name),
                   created_at=clock.now_iso(), expires=clock.now() + ATTEMPT_TTL).save(
        condition=CertifyAttempt.certify_id.does_not_exist())
    return FaceCheckStarted(certify_id=certify_id, certify_url=alipay.certify_url(certify_id),
                            id_masked=pii.mask_id_number(number), attempts_left_today=left)


def _attempt_of(principal: Principal, certify_id: str) -> CertifyAttempt:
    try:
        attempt = CertifyAttempt.get(certify_id, consistent_read=True)
    except CertifyAttempt.DoesNotExist:
        attempt = None
    if attempt is None or attempt.user_id != principal.user_id:
        raise NotFound("找不到该人脸核验记录", code="CERTIFY_NOT_FOUND")
    return attempt


def _outcome(attempt: CertifyAttempt, member: Member | None = None) -> FaceCheckOutcome:
    """The answer to the callback (``member``: when the caller holds it already)."""
    member = member or _load(attempt.user_id)
    state = member.state if member else "registered"
    if attempt.status == "passed":
        message = "人脸核验通过"
    elif attempt.status == "failed":
        message = f"人脸核验未通过：{attempt.fail_reason or '原因未知'}"
    else:
        message = "核验尚未完成"
    return FaceCheckOutcome(certify_id=attempt.certify_id, status=attempt.status,  # type: ignore[arg-type]
                            fail_reason=attempt.fail_reason, message=message, state=state)  # type: ignore[arg-type]


def face_callback(principal: Principal, certify_id: str, result_code: str) -> FaceCheckOutcome:
    """The mini-program returned from Alipay's page. Alipay, not the client, says how it went;
    the outcome is recorded once, however many callbacks arrive."""
    attempt = _attempt_of(principal, certify_id)
    if attempt.status != "pending":
        _republish_if_lost(attempt)
        return _outcome(attempt)
    from chalicelib.providers import alipay

    result = alipay.certify_query(certify_id)
    if result.passed:
        return _record_pass(attempt, actor_of(principal))
    if result.fail_reason:
        return _record_fail(attempt, pii.scrub(str(result.fail_reason))[:200])
    if result_code == "9000":
        raise Conflict("支付宝尚未确认本次人脸核验，请完成核验后再试", code="CERTIFY_NOT_COMPLETED")
    member = _load(attempt.user_id)
    return FaceCheckOutcome(certify_id=certify_id, status="pending", message=PENDING_MESSAGES[result_code],
                            state=member.state if member else "registered")  # type: ignore[arg-type]


def _event_id(kind: str, key: str) -> str:
    return uuid.uuid5(_EVENT_NS, f"{kind}:{key}").hex


def _record_pass(attempt: CertifyAttempt, actor: Actor) -> FaceCheckOutcome:
    event_id = _event_id("FaceVerified", attempt.certify_id)
    now = clock.now_iso()

    def mutate(member: Member) -> str | None:
        if member.face_verified:
            return None
        member.face_verified = True
        member.face_verified_at = now
        member.id_hash, member.id_sealed, member.id_masked = attempt.id_hash, attempt.id_sealed, attempt.id_masked
        member.name_sealed, member.name_masked = attempt.name_sealed, attempt.name_masked
        return "支付宝人脸核验通过"

    def extra(tx: TransactWrite, member: Member) -> None:
        # FaceVerified is staged in the same transaction (the outbox): it goes out iff this commits.
        tx.update(attempt, actions=[CertifyAttempt.status.set("passed"), CertifyAttempt.decided_at.set(now),
                                    CertifyAttempt.event_id.set(f"sent:{event_id}")],
                  condition=CertifyAttempt.status == "pending")
        tx.save(IdClaim(attempt.id_hash, user_id=attempt.user_id, claimed_at=now),
                condition=IdClaim.id_hash.does_not_exist() | (IdClaim.user_id == attempt.user_id))
        publish(FEATURE, "FaceVerified", data={"user_id": attempt.user_id, "certify_id": attempt.certify_id},
                org=member.org_path or member.home_org or "", event_id=event_id,
                actor=Actor(user_id=attempt.user_id, role=Role.WORKER.value), tx=tx)

    for _ in range(4):
        try:
            change = _commit_member(attempt.user_id, mutate, actor=actor, extra=extra, retries=1)
        except TransactWriteError:
            attempt.refresh(consistent_read=True)
            if attempt.status != "pending":
                return _outcome(attempt)  # another callback recorded it first
            try:
                if IdClaim.get(attempt.id_hash, consistent_read=True).user_id != attempt.user_id:
                    return _record_fail(attempt, "该身份证号已被其他账号认证")
            except IdClaim.DoesNotExist:
                pass
            continue  # the member changed meanwhile: try again on fresh data
        if change is None:  # already verified through another attempt: settle this one quietly
            with dynamo_errors(Conflict()):
                try:
                    attempt.update(actions=[CertifyAttempt.status.set("passed"), CertifyAttempt.decided_at.set(now)],
                                   condition=CertifyAttempt.status == "pending")
                except UpdateError:
                    attempt.refresh(consistent_read=True)
            return _outcome(attempt)
        attempt.status, attempt.decided_at = "passed", now
        return _outcome(attempt, change.member)  # the member as just written: no read-back
    raise Conflict("操作冲突，请稍后重试", code="MEMBER_BUSY")


def _publish_face_verified(attempt: CertifyAttempt, event_id: str, member: Member | None = None) -> None:
    member = member or _load(attempt.user_id)
    publish(FEATURE, "FaceVerified", data={"user_id": attempt.user_id, "certify_id": attempt.certify_id},
            org=(member.org_path or member.home_org or "") if member else "", event_id=event_id,
            actor=Actor(user_id=attempt.user_id, role=Role.WORKER.value))
    attempt.update(actions=[CertifyAttempt.event_id.set(f"sent:{event_id}")])


def _republish_if_lost(attempt: CertifyAttempt) -> None:
    """A decided attempt whose event never went out (decided before FaceVerified went through
    the outbox, and the process died in between): send it again under the same event id, but
    only once the deciding request is surely over."""
    if attempt.status != "passed" or not attempt.event_id or attempt.event_id.startswith("sent:"):
        return
    if attempt.decided_at and clock.parse(attempt.decided_at) + REPUBLISH_AFTER < clock.now():
        _publish_face_verified(attempt, attempt.event_id)


def _record_fail(attempt: CertifyAttempt, reason: str) -> FaceCheckOutcome:
    event_id = _event_id("FaceVerificationFailed", attempt.certify_id)
    now = clock.now_iso()
    try:
        with dynamo_errors(), TransactWrite(connection=_connection()) as tx:
            tx.update(attempt, actions=[CertifyAttempt.status.set("failed"), CertifyAttempt.fail_reason.set(reason),
                                        CertifyAttempt.decided_at.set(now),
                                        CertifyAttempt.event_id.set(f"sent:{event_id}")],
                      condition=CertifyAttempt.status == "pending")
            publish(FEATURE, "FaceVerificationFailed",
                    data={"user_id": attempt.user_id, "certify_id": attempt.certify_id, "fail_reason": reason},
                    event_id=event_id, actor=Actor(user_id=attempt.user_id, role=Role.WORKER.value), tx=tx)
    except Conflict:
        attempt.refresh(consistent_read=True)
        return _outcome(attempt)
    attempt.status, attempt.fail_reason, attempt.decided_at = "failed", reason, now
    return _outcome(attempt)


# --- membership --------------------------------------------------------------------------

def roster_match(id_hash: str) -> RosterEntry | None:
    """The person's current (active) roster entry, the most recently updated one."""
    entries = [e for e in RosterEntry.query(id_hash, consistent_read=True) if e.status == "active"]
    return max(entries, key=lambda e: e.updated_at) if entries else None


def roster_names(org_path: str, id_hashes: list[str]) -> dict[str, str]:
    """For other features (talent declarations): which of these people (by ``pii.lookup_hash``
    of their ID number) are active on the roster of the enterprise union ``org_path``, with the
    name the roster gives them. One BatchGetItem per 100 people; no plain number is needed."""
    keys = [(id_hash, org_path) for id_hash in dict.fromkeys(id_hashes)]
    return {e.id_hash: e.name for e in RosterEntry.batch_get(keys) if e.status == "active"} if keys else {}


def check_membership(user_id: str, *, actor: Actor = SYSTEM) -> str:
    """After a face check: is this person in the union's member database?"""
    member = _load(user_id)
    if member is None or not member.face_verified or not member.id_hash:
        return "not_face_verified"
    if member.member_verified:
        return "already_verified"
    entry = roster_match(member.id_hash)
    if entry is not None:
        verify_membership(user_id, entry.org_path, entry.enterprise, reason="与智慧工会会员库比对一致", actor=actor)
        return "matched"

    def mark(m: Member) -> str | None:
        if m.roster_status in ("not_in_roster", "appealed") or m.member_verified:
            return None
        m.roster_status = "not_in_roster"
        return "智慧工会会员库中未找到本人，可提交申诉"

    def not_in_roster(tx: TransactWrite, m: Member) -> None:
        publish(FEATURE, "MemberNotInRoster", data={"user_id": user_id}, org=m.home_org or "", actor=actor, tx=tx)

    if _commit_member(user_id, mark, actor=actor, create=False, stage=not_in_roster) is not None:
        notify_member(user_id, "membership", {"result": "未在工会会员库中找到", "enterprise": "-",
                                              "next": "可提交会员身份申诉"})
    return "not_in_roster"


def recheck_membership(principal: Principal) -> MemberStatus:
    """The member asks again (e.g. after their union updated the roster)."""
    member = ensure_member(principal.user_id, home_org=principal.org_path or None)
    if not member.face_verified:
        raise Conflict("请先完成人脸实名认证", code="FACE_NOT_VERIFIED")
    check_membership(principal.user_id, actor=actor_of(principal))
    return member_status_required(principal.user_id)


def member_status_required(user_id: str) -> MemberStatus:
    status = member_status(user_id)
    if status is None:
        raise NotFound("找不到该会员", code="MEMBER_NOT_FOUND")
    return status


def verify_membership(user_id: str, org_path: str, enterprise: str, *, reason: str, actor: Actor,
                      extra: Callable[[TransactWrite, Member], None] | None = None) -> Change | None:
    now = clock.now_iso()

    def mutate(member: Member) -> str | None:
        if member.member_verified and member.org_path == org_path and not member.left_union:
            return None
        member.member_verified = True
        member.member_verified_at = now
        member.org_path, member.enterprise = org_path, enterprise
        member.roster_status = "matched"
        member.left_union = False
        return reason

    def verified(tx: TransactWrite, member: Member) -> None:
        publish(FEATURE, "MemberVerified", data={"user_id": user_id, "org_path": org_path, "enterprise": enterprise},
                org=org_path, actor=actor, tx=tx)

    change = _commit_member(user_id, mutate, actor=actor, create=False, extra=extra,
                            retries=1 if extra else 4, stage=verified)
    if change is not None:
        from chalicelib.accounts import logic as accounts

        accounts.assign_org(user_id, org_path)
        notify_member(user_id, "membership", {"result": "会员认证通过", "enterprise": enterprise,
                                              "next": "请签署单身承诺"})
    return change


def apply_roster_status(id_hash: str, org_path: str, status: str, *, import_id: str) -> str:
    """A roster import says this person left (or is back): bring their member record along."""
    try:
        user_id = IdClaim.get(id_hash).user_id
    except IdClaim.DoesNotExist:
        return "no_member"
    member = _load(user_id)
    if member is None or not member.member_verified or member.org_path != org_path:
        return "not_affected"

    def mutate(m: Member) -> str | None:
        leaving = status != "active"
        if m.left_union == leaving:
            return None
        m.left_union = leaving
        return f"会员名册导入 {import_id}：" + ("已离会" if leaving else "重新在会")

    def left(tx: TransactWrite, m: Member) -> None:
        if status != "active":
            publish(FEATURE, "MemberLeftUnion", data={"user_id": user_id, "org_path": org_path,
                                                      "import_id": import_id}, org=org_path, tx=tx)

    change = _commit_member(user_id, mutate, actor=SYSTEM, create=False, stage=left)
    if change is not None and status != "active":
        notify_member(user_id, "standing", {"state": "已离会", "reason": "工会会员名册更新"})
    return "changed" if change else "unchanged"


# --- appeals -----------------------------------------------------------------------------

def _appeal_view(appeal: Appeal) -> AppealView:
    return AppealView(appeal_id=appeal.appeal_id, user_id=appeal.user_id, org_path=appeal.org_path,
                      enterprise=appeal.enterprise, note=appeal.note, status=appeal.status,  # type: ignore[arg-type]
                      reason=appeal.reason, created_at=appeal.created_at, decided_at=appeal.decided_at)


def file_appeal(principal: Principal, request: NewAppeal) -> AppealView:
    """Not found in the roster: ask the union of one's enterprise to confirm membership."""
    from chalicelib.orgs import logic as orgs

    member = ensure_member(principal.user_id, home_org=principal.org_path or None)
    if not member.face_verified:
        raise Conflict("请先完成人脸实名认证", code="FACE_NOT_VERIFIED")
    if member.member_verified and not member.left_union:
        raise Conflict("您的会员身份已确认，无需申诉", code="APPEAL_NOT_NEEDED")
    if not orgs.exists(request.org_path) or request.org_path.count("/") < 3:
        raise ValidationFailed("请选择所在企业的工会组织", code="ORG_NOT_FOUND")
    now = clock.now_iso()
    appeal = Appeal(f"ap-{uuid.uuid4().hex[:20]}", user_id=principal.user_id, org_path=request.org_path,
                    enterprise=request.enterprise.strip(), note=pii.scrub(request.note.strip()), created_at=now,
                    inbox_scopes=ancestors(request.org_path))

    def mutate(m: Member) -> str | None:
        if m.roster_status == "appealed":
            raise Conflict("您已有一份申诉在处理中", code="APPEAL_PENDING")
        m.roster_status, m.appeal_id = "appealed", appeal.appeal_id
        return f"向 {request.org_path} 提交会员身份申诉"

    def extra(tx: TransactWrite, m: Member) -> None:
        tx.save(appeal)
        for scope in appeal.inbox_scopes:
            tx.save(AppealInbox(scope, f"{now}#{appeal.appeal_id}", appeal_id=appeal.appeal_id,
                                org_path=appeal.org_path, enterprise=appeal.enterprise,
                                name_masked=m.name_masked or "", created_at=now))
        publish(FEATURE, "MembershipAppealFiled", data={"appeal_id": appeal.appeal_id, "user_id": principal.user_id},
                org=appeal.org_path, actor=actor_of(principal), tx=tx)

    with dynamo_errors(Conflict("您已有一份申诉在处理中", code="APPEAL_PENDING")):
        _commit_member(principal.user_id, mutate, actor=actor_of(principal), extra=extra, retries=1)
    return _appeal_view(appeal)


def my_appeal(principal: Principal) -> AppealView:
    member = _load(principal.user_id)
    if member is None or not member.appeal_id:
        raise NotFound("您还没有提交过申诉", code="APPEAL_NOT_FOUND")
    return _appeal_view(Appeal.get(member.appeal_id))


def appeal_inbox(principal: Principal, org: str | None, *, limit: int, cursor: str | None) -> AppealInboxPage:
    scope = org or principal.org_path
    if not principal.covers(scope):
        raise NotFound("找不到该组织", code="ORG_NOT_FOUND")
    bound = f"identity-appeals:{scope}"
    page = AppealInbox.query(scope, scan_index_forward=False, limit=limit,
                             last_evaluated_key=decode_cursor(cursor, bound_to=bound))
    items = [InboxItem(appeal_id=i.appeal_id, org_path=i.org_path, enterprise=i.enterprise,
                       name_masked=i.name_masked, created_at=i.created_at) for i in page]
    return AppealInboxPage(items=items, next_cursor=encode_cursor(page.last_evaluated_key, bound_to=bound))


def _appeal_in_scope(principal: Principal, appeal_id: str) -> Appeal:
    try:
        appeal = Appeal.get(appeal_id, consistent_read=True)
    except Appeal.DoesNotExist:
        appeal = None
    if appeal is None or not principal.covers(appeal.org_path):
        raise NotFound("找不到该申诉", code="APPEAL_NOT_FOUND")
    return appeal


def get_appeal(principal: Principal, appeal_id: str) -> AppealView:
    return _appeal_view(_appeal_in_scope(principal, appeal_id))


def decide_appeal(principal: Principal, appeal_id: str, *, accept: bool, reason: str) -> AppealView:
    """The union admin of the appeal's scope adds the member to the roster, or says why not."""
    appeal = _appeal_in_scope(principal, appeal_id)
    if appeal.status != "pending":
        raise Conflict("该申诉已处理", code="APPEAL_DECIDED")
    now = clock.now_iso()
    appeal.status = "accepted" if accept else "rejected"
    appeal.reason, appeal.decided_by, appeal.decided_at = pii.scrub(reason), principal.user_id, now
    scopes = list(appeal.inbox_scopes or [])

    def settle(tx: TransactWrite, member: Member) -> None:
        tx.save(appeal)  # version-checked: two admins deciding at once → one wins
        for scope in scopes:
            tx.delete(AppealInbox(scope, f"{appeal.created_at}#{appeal.appeal_id}"))
        if accept and member.id_hash:
            name = pii.unseal(member.name_sealed) if member.name_sealed else (member.name_masked or "")
            tx.save(RosterEntry(member.id_hash, appeal.org_path, name=name, enterprise=appeal.enterprise,
                                status="active", roster_scope=principal.org_path or appeal.org_path,
                                import_id=f"appeal:{appeal.appeal_id}", source="appeal", updated_at=now))
        publish(FEATURE, "MembershipAppealAccepted" if accept else "MembershipAppealRejected",
                data={"appeal_id": appeal.appeal_id, "user_id": appeal.user_id, "reason": appeal.reason},
                org=appeal.org_path, actor=actor, tx=tx)

    decided = Conflict("该申诉已被其他管理员处理", code="APPEAL_DECIDED")
    actor = actor_of(principal)
    with dynamo_errors(decided):
        if accept:
            change = verify_membership(appeal.user_id, appeal.org_path, appeal.enterprise,
                                       reason=f"工会管理员确认申诉：{reason}", actor=actor, extra=settle)
            if change is None:  # verified meanwhile (e.g. a roster re-check): settle the appeal alone
                with TransactWrite(connection=_connection()) as tx:
                    settle(tx, _load_required(appeal.user_id))
        else:
            def reject(m: Member) -> str:
                m.roster_status = "not_in_roster"
                return f"申诉未通过：{reason}"

            _commit_member(appeal.user_id, reject, actor=actor, extra=settle, create=False, retries=1)
    notify_member(appeal.user_id, "appeal", {"result": "申诉已通过" if accept else "申诉未通过",
                                             "reason": appeal.reason or ""})
    return _appeal_view(appeal)


# --- pledge ------------------------------------------------------------------------------

def current_pledge() -> PledgeText:
    title, text = PLEDGES[CURRENT_PLEDGE]
    return PledgeText(version=CURRENT_PLEDGE, title=title, text=text)


def accept_pledge(principal: Principal, version: str) -> MemberStatus:
    if version != CURRENT_PLEDGE:
        raise Conflict("承诺书已更新，请阅读最新版本后再确认", code="PLEDGE_OUTDATED",
                       details=[{"current_version": CURRENT_PLEDGE}])
    now = clock.now_iso()

    def mutate(member: Member) -> str | None:
        if not member.member_verified:
            raise Conflict("请先完成人脸认证和会员认证", code="MEMBERSHIP_NOT_VERIFIED")
        if member.pledged and member.pledge_version == version:
            return None
        member.pledged, member.pledge_version, member.pledged_at = True, version, now
        return f"签署单身承诺（{version} 版）"

    _commit_member(principal.user_id, mutate, actor=actor_of(principal), create=False)
    return member_status_required(principal.user_id)


def withdraw_pledge(principal: Principal) -> MemberStatus:
    def mutate(member: Member) -> str | None:
        if not member.pledged:
            return None
        member.pledged, member.pledged_at = False, None
        return "本人撤回单身承诺"

    _commit_member(principal.user_id, mutate, actor=actor_of(principal), create=False)
    return member_status_required(principal.user_id)


# --- admin blocks ------------------------------------------------------------------------

def block_member(principal: Principal, user_id: str, *, kind: str, reason: str) -> MemberStatus:
    """Suspend or ban a member inside the admin's scope (both hide the profile at once)."""
    _member_in_scope(principal, user_id)
    if kind == "banned" and principal.role is not Role.PLATFORM_ADMIN and principal.role is not Role.UNION_ADMIN:
        raise Forbidden("只有工会管理员可以封禁账号", code="ROLE_FORBIDDEN")
    label = {"suspended": "暂停使用", "banned": "封禁"}[kind]

    def mutate(member: Member) -> str | None:
        if getattr(member, kind):
            return None
        setattr(member, kind, True)
        member.block_reason = pii.scrub(reason)
        return f"{label}：{reason}"

    def blocked(tx: TransactWrite, member: Member) -> None:
        publish(FEATURE, "MemberSuspended" if kind == "suspended" else "MemberBanned",
                data={"user_id": user_id, "reason": pii.scrub(reason)}, org=member.org_path or "",
                actor=actor_of(principal), tx=tx)

    _commit_member(user_id, mutate, actor=actor_of(principal), create=False, stage=blocked)
    _end_sessions(user_id)  # also when already blocked: a retry after a failed first try
    notify_member(user_id, "standing", {"state": label, "reason": pii.scrub(reason)})
    return member_status_required(user_id)


def _end_sessions(user_id: str) -> None:
    from chalicelib.accounts import logic as accounts

    accounts.end_sessions(user_id)


def record_sanction(user_id: str, kind: str | None, *, until: str | None = None) -> None:
    """For 光年间 moderation (social): a member was suspended (until a time) or banned, or the
    sanction was lifted (``kind`` None). Mirrored on the member record, which the edge reads on
    every request; a new sanction ends the member's sessions at once."""
    if kind not in (None, "suspended", "banned"):
        raise ValueError(f"unknown sanction {kind!r}")
    member = ensure_member(user_id)
    for _ in range(4):
        try:
            member.update(actions=[
                Member.sanction.set(kind) if kind else Member.sanction.remove(),
                Member.sanction_until.set(until) if kind and until else Member.sanction_until.remove(),
                Member.updated_at.set(clock.now_iso())])
            break
        except UpdateError as exc:
            if exc.cause_response_code != "ConditionalCheckFailedException":
                raise
            member = _load_required(user_id)  # changed meanwhile (version): apply on fresh data
    else:
        raise Conflict("操作冲突，请稍后重试", code="MEMBER_BUSY")
    if kind:
        _end_sessions(user_id)


def reinstate_member(principal: Principal, user_id: str, *, reason: str) -> MemberStatus:
    member = _member_in_scope(principal, user_id)
    if member.banned and principal.role is not Role.PLATFORM_ADMIN:
        raise Forbidden("解除封禁需要平台管理员", code="UNBAN_NEEDS_PLATFORM_ADMIN")

    def mutate(m: Member) -> str | None:
        if not (m.suspended or m.banned):
            return None
        m.suspended = m.banned = False
        m.block_reason = None
        return f"恢复使用：{reason}"

    _commit_member(user_id, mutate, actor=actor_of(principal), create=False)
    return member_status_required(user_id)


def _load_required(user_id: str) -> Member:
    member = _load(user_id)
    if member is None:
        raise NotFound("找不到该会员", code="MEMBER_NOT_FOUND")
    return member


# --- figures -----------------------------------------------------------------------------

def roll_up_figures(day: str | None = None) -> int:
    """Today's figures of every node (its whole subtree), from the live counters. Returns nodes written."""
    day = day or clock.today_shanghai().isoformat()
    totals: dict[str, dict[str, int]] = {}
    for counter in FigureCounter.query(LIVE):
        scopes = [NO_ORG] if counter.org_path == NO_ORG else ancestors(counter.org_path)
        for scope in scopes:
            bucket = totals.setdefault(scope, dict.fromkeys(METRICS, 0))
            for metric in METRICS:
                bucket[metric] += int(getattr(counter, metric) or 0)
    stamp = clock.now_iso()
    with DailyFigure.batch_write() as batch:
        for scope, figures in totals.items():
            batch.save(DailyFigure(scope, day, rolled_up_at=stamp, registered=figures["registered"],
                                   face_verified=figures["face_verified"],
                                   member_verified=figures["member_verified"], active=figures["active"]))
    return len(totals)


def figures(principal: Principal, org: str | None, days: int) -> FiguresView:
    scope = org or principal.org_path
    if not principal.covers(scope):
        raise NotFound("找不到该组织", code="ORG_NOT_FOUND")
    today = clock.today_shanghai()
    first = (today - timedelta(days=days - 1)).isoformat()
    rows = DailyFigure.query(scope, DailyFigure.day.between(first, today.isoformat()), limit=days)
    return FiguresView(org_path=scope, days=[
        DayFigures(day=r.day, registered=int(r.registered), face_verified=int(r.face_verified),
                   member_verified=int(r.member_verified), active=int(r.active)) for r in rows])


def load_verified_members(records: list[dict[str, Any]], *, source: str, roster_scope: str) -> int:
    """Bring over members verified before this system (光年间 1.0: real-name checked, in the
    union database). Each record: ``user_id, id_number, real_name, org_path, enterprise,
    pledged``. Written in batches, with their roster entries and ID claims; the live counters
    move once per node; one ``MembersMigrated`` event per node. Members already present are
    left alone. Returns how many were loaded."""
    now = clock.now_iso()
    present = {m.user_id for m in Member.batch_get([r["user_id"] for r in records], attributes_to_get=["user_id"])}
    fresh = [r for r in records if r["user_id"] not in present]
    deltas: dict[str, dict[str, int]] = {}
    with Member.batch_write() as members, IdClaim.batch_write() as claims, \
            RosterEntry.batch_write() as roster, Transition.batch_write() as log:
        for record in fresh:
            number = pii.normalize_id_number(record["id_number"])
            name, org = str(record["real_name"]), str(record["org_path"])
            id_hash = pii.lookup_hash(number)
            flags = Flags(face_verified=True, member_verified=True, pledged=bool(record.get("pledged")))
            member = Member(record["user_id"], state=derive_state(flags), face_verified=True, member_verified=True,
                            pledged=flags.pledged, id_hash=id_hash, id_sealed=pii.seal(number),
                            id_masked=pii.mask_id_number(number), name_sealed=pii.seal(name),
                            name_masked=mask_name(name), org_path=org, enterprise=record["enterprise"],
                            roster_status="matched", face_verified_at=now, member_verified_at=now,
                            pledge_version=CURRENT_PLEDGE if flags.pledged else None,
                            pledged_at=now if flags.pledged else None, created_at=now, updated_at=now, version=1)
            members.save(member)
            claims.save(IdClaim(id_hash, user_id=member.user_id, claimed_at=now))
            roster.save(RosterEntry(id_hash, org, name=name, enterprise=record["enterprise"], status="active",
                                    roster_scope=roster_scope, import_id=f"legacy:{source}", source="import",
                                    updated_at=now))
            log.save(Transition(member.user_id, f"{now}#0{uuid.uuid4().hex[:6]}", from_state="new",
                                to_state=member.state, actor_id=SYSTEM.user_id, actor_role=SYSTEM.role,
                                reason=f"从{source}迁移（已实名、已认证）"))
            for metric, value in contribution(flags).items():
                deltas.setdefault(org, dict.fromkeys(METRICS, 0))[metric] += value
    for org, delta in deltas.items():
        FigureCounter(LIVE, org).update(actions=[getattr(FigureCounter, m).add(v) for m, v in delta.items() if v])
        publish(FEATURE, "MembersMigrated", data={"source": source, **delta}, org=org)
    return len(fresh)


# --- audiences (for the inbox's announcements; other features call these, never the models) ----

def audience_nodes(org_prefix: str, *, glnj_only: bool = False) -> dict[str, int]:
    """The enterprise nodes under ``org_prefix`` that have members, with how many: union
    members, or 光年间 members (active) with ``glnj_only``. One paged Query of the live counters
    (one row per enterprise node), no Scan."""
    metric = "active" if glnj_only else "member_verified"
    found: dict[str, int] = {}
    for counter in FigureCounter.query(LIVE, FigureCounter.org_path.startswith(org_prefix)):
        node = counter.org_path
        if node != NO_ORG and (node == org_prefix or node.startswith(org_prefix + "/")):
            count = int(getattr(counter, metric) or 0)
            if count > 0:
                found[node] = count
    return found


def audience_page(node: str, *, glnj_only: bool = False, start: dict[str, Any] | None = None,
                  limit: int = 100) -> tuple[list[str], dict[str, Any] | None]:
    """One page of the members placed in an enterprise node (user ids) and where the next
    page starts; ``glnj_only`` keeps 光年间 members (state active)."""
    results = Member.by_org.query(node, limit=limit, last_evaluated_key=start)
    users = [m.user_id for m in results
             if m.member_verified and not m.left_union and not m.banned and (not glnj_only or m.state == "active")]
    return users, results.last_evaluated_key
