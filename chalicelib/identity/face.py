"""光年间 identity, face verification: start an Alipay face check (daily attempts), and the callback
that records the outcome — confirmed by querying Alipay, never trusting the client.
"""
from __future__ import annotations

import uuid
from datetime import timedelta

from pynamodb.exceptions import TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from chalicelib.platform import clock, pii
from chalicelib.platform.auth import Principal, Role
from chalicelib.platform.db import dynamo_errors
from chalicelib.platform.errors import Conflict, Forbidden, NotFound, TooManyRequests
from chalicelib.platform.events import Actor, actor_of, publish

from .lifecycle import _EVENT_NS, ATTEMPT_TTL, DAILY_FACE_ATTEMPTS, FEATURE, PENDING_MESSAGES, REPUBLISH_AFTER
from .models import (
    AttemptQuota,
    CertifyAttempt,
    IdClaim,
    Member,
)
from .records import _commit_member, _connection, _load, ensure_member
from .schemas import (
    FaceCheckOutcome,
    FaceCheckStarted,
)

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
    with TransactWrite(connection=_connection()) as tx:
        tx.update(attempt, actions=[CertifyAttempt.event_id.set(f"sent:{event_id}")])
        publish(FEATURE, "FaceVerified", data={"user_id": attempt.user_id, "certify_id": attempt.certify_id},
                org=(member.org_path or member.home_org or "") if member else "", event_id=event_id,
                actor=Actor(user_id=attempt.user_id, role=Role.WORKER.value), tx=tx)
    attempt.event_id = f"sent:{event_id}"


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
