"""产改20条 subsidies: an enterprise previews and submits claims with evidence; the
subsidy-calc Lambda computes every line under the policy version in force at submission;
union staff approve line by line within the district's yearly budget; one-offs are paid
once per enterprise, ever (DynamoDB refuses a second once-key).

The once-per-enterprise rule is settled when an application is decided: paid, it records
the one-off as paid; waiting for budget, it reserves it (so the queue never holds two
claims to one one-off). An application computed before another of its enterprise took a
one-off is computed again and goes back to review (409 ``SUBSIDY_RECALCULATED`` to the
reviewer who tried to approve it; the budget queue simply moves on to the next)."""
from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.platform import clock, pii
from chalicelib.platform.auth import Principal, Role
from chalicelib.platform.db import dynamo_errors
from chalicelib.platform.errors import Conflict, NotFound, ValidationFailed
from chalicelib.platform.events import SYSTEM, Actor, actor_of, publish, transaction
from chalicelib.platform.money import fen_to_yuan_text
from chalicelib.platform.pagination import decode_cursor, encode_cursor

from . import storage
from .models import ClaimItemAttr, LineAttr, SubsidyApplication, SubsidyLedger, SubsidyPolicyRecord
from .policy import (
    BUDGET_EVENT,
    Calculation,
    ClaimError,
    ClaimItem,
    PolicyVersion,
    apply_budget,
    calculate,
    check_claim,
    cut_lines,
)
from .policy import once_key as once_key_of
from .schemas import (
    BudgetBody,
    BudgetView,
    CalculationView,
    ClaimBody,
    ClaimItemBody,
    LineView,
    PolicyView,
    ReviewBody,
    SubsidyApplicationView,
    SubsidyPage,
    SubsidySummary,
    UploadBody,
    UploadTicket,
)

FEATURE = "subsidy"
STATE_NAMES = {"calculating": "计算中", "pending_review": "待审核", "waiting_budget": "待追加预算",
               "approved": "已核准", "rejected": "未通过"}
REVIEWABLE = ("pending_review", "waiting_budget")


def _transaction() -> TransactWrite:
    return TransactWrite(connection=SubsidyApplication._get_connection().connection)


def district_of(path: str) -> str:
    return "/".join(path.split("/")[:3])


def _enterprise_of(principal: Principal) -> str:
    if principal.role is not Role.ENTERPRISE_ADMIN or len(principal.org_path.split("/")) < 4:
        raise ValidationFailed("请使用企业管理员账号申报", code="SUBSIDY_NOT_ENTERPRISE")
    return principal.org_path


# --- policies ---------------------------------------------------------------------------

def _version_key(policy: PolicyVersion) -> str:
    return f"{policy.effective_from.isoformat()}#{policy.version}"


def publish_policy(policy: PolicyVersion, *, by: str) -> PolicyView:
    """A new version is a new record; published versions are never edited."""
    record = SubsidyPolicyRecord(policy.district_path, _version_key(policy), policy_json=policy.model_dump_json(),
                                 published_by=by, published_at=clock.now_iso())
    with dynamo_errors(Conflict("该政策版本已发布，新的政策请发布新版本", code="SUBSIDY_POLICY_EXISTS")), \
            transaction() as tx:
        tx.save(record, condition=SubsidyPolicyRecord.version_key.does_not_exist())
        publish(FEATURE, "SubsidyPolicyPublished", data={"district": policy.district_path, "version": policy.version},
                org=policy.district_path, tx=tx)
    return PolicyView(policy=policy, version_key=record.version_key)


def publish_policy_as(principal: Principal, policy: PolicyVersion) -> PolicyView:
    if not principal.covers(policy.district_path):
        raise NotFound("找不到该组织", code="ORG_NOT_FOUND")
    return publish_policy(policy, by=principal.user_id)


def _load_policy(record: SubsidyPolicyRecord) -> PolicyVersion:
    return PolicyVersion.model_validate_json(record.policy_json)


def policy_in_force(district: str, on: date) -> tuple[PolicyVersion, str]:
    found = list(SubsidyPolicyRecord.query(district, SubsidyPolicyRecord.version_key <= f"{on.isoformat()}#~",
                                           scan_index_forward=False, limit=1))
    if not found:
        raise NotFound("该地区在此日期没有生效的补助政策", code="SUBSIDY_NO_POLICY")
    return _load_policy(found[0]), found[0].version_key


def current_policy(district: str, on: str | None) -> PolicyView:
    day = date.fromisoformat(on) if on else clock.today_shanghai()
    policy, key = policy_in_force(district, day)
    return PolicyView(policy=policy, version_key=key)


def _policy_by_key(district: str, key: str) -> PolicyVersion:
    return _load_policy(SubsidyPolicyRecord.get(district, key))


# --- calculation ------------------------------------------------------------------------

def _claim_items(items: list[ClaimItemBody]) -> list[ClaimItem]:
    return [ClaimItem(item_id=f"L{n}", measure=i.measure, subject=pii.scrub(i.subject.strip()), cost_fen=i.cost_fen,
                      level=i.level) for n, i in enumerate(items, start=1)]


def _ledger_once(enterprise: str, key: str) -> str:
    return f"once#{enterprise}#{key}"


def _calculate(policy: PolicyVersion, items: list[ClaimItem], *, enterprise: str, year: int,
               mine: str | None = None) -> Calculation:
    """Validate against the version, look up the one-offs already paid (or reserved by another
    application of the enterprise; ``mine`` is the application being computed), compute."""
    try:
        keys = {}
        measures = check_claim(policy, items)
        for item in items:
            key = once_key_of(measures[item.item_id], item, year)
            if key:
                keys[_ledger_once(enterprise, key)] = key
        taken = {keys[r.key] for r in SubsidyLedger.batch_get(list(keys)) if r.app_id != mine} if keys else set()
        return calculate(policy, items, year=year, already_paid=frozenset(taken))
    except ClaimError as exc:
        raise ValidationFailed(exc.message, code=f"SUBSIDY_{exc.code}", details=[{"item_id": exc.item_id}]) from exc


def _line_view(line: Any, *, decided: LineAttr | None = None) -> LineView:
    return LineView(item_id=line.item_id, measure=line.measure, measure_name=line.measure_name, clause=line.clause,
                    subject=line.subject, claimed_cost_fen=_int(line.claimed_cost_fen), cap_fen=_int(line.cap_fen),
                    amount_fen=int(line.amount_fen), capped=_flag(line.capped), duplicate=_flag(line.duplicate),
                    explanation=line.explanation, decision=getattr(decided, "decision", None),
                    reason=getattr(decided, "reason", None), paid_fen=_int(getattr(decided, "paid_fen", None)))


def _flag(value: Any) -> bool:
    return value is True or value == "y"


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def preview(principal: Principal, claim: ClaimBody) -> CalculationView:
    """"What would we get": the same calculation, nothing stored."""
    enterprise = _enterprise_of(principal)
    policy, _ = policy_in_force(district_of(enterprise), clock.today_shanghai())
    calc = _calculate(policy, _claim_items(claim.items), enterprise=enterprise, year=clock.today_shanghai().year)
    return CalculationView(policy_version=policy.version, policy_title=policy.title,
                           lines=[_line_view(line) for line in calc.lines], total_fen=calc.total_fen)


# --- applications -----------------------------------------------------------------------

def request_upload(principal: Principal, body: UploadBody) -> UploadTicket:
    enterprise = _enterprise_of(principal)
    key = f"subsidy/{enterprise}/{uuid.uuid4().hex[:12]}-{body.filename}"
    ticket = storage.presign_upload(key, body.content_type)
    return UploadTicket(key=key, url=ticket["url"], fields=ticket["fields"], max_bytes=storage.MAX_BYTES,
                        expires_in=storage.EXPIRES_IN)


def _check_evidence(enterprise: str, items: list[ClaimItemBody]) -> None:
    problems = []
    for n, item in enumerate(items, start=1):
        if not item.evidence:
            problems.append({"item_id": f"L{n}", "problem": "missing"})
            continue
        for key in item.evidence:
            if not key.startswith(f"subsidy/{enterprise}/") or not storage.exists(key):
                problems.append({"item_id": f"L{n}", "problem": "not_uploaded", "key": key})
    if problems:
        rows = "、".join(sorted({p["item_id"] for p in problems}))
        raise ValidationFailed(f"以下明细缺少证明材料或材料未上传成功：{rows}", code="SUBSIDY_EVIDENCE_MISSING",
                               details=problems)


def submit(principal: Principal, claim: ClaimBody) -> SubsidyApplicationView:
    """Store the claim under the version in force today; its SubsidySubmitted event, written in
    the same transaction, brings it to the calculator (the subsidy-calc queue subscribes)."""
    return _store(principal, _enterprise_of(principal), claim.items, stage=None)


def submit_prefilled(principal: Principal, items: list[ClaimItemBody],
                     stage: Callable[[TransactWrite, str], None]) -> SubsidyApplicationView:
    """An application whose items another feature filled in (the craftsman archive's verified
    entries): the policy still computes every line. Their evidence was checked where it was
    verified, so it is not looked up here; ``stage(tx, app_id)`` adds the caller's own
    conditional writes (a claim marker) to the transaction that stores the application, so
    both are written or neither. A refused transaction raises ``TransactWriteError`` for the
    caller to explain."""
    return _store(principal, _enterprise_of(principal), items, stage=stage)


def _store(principal: Principal, enterprise: str, bodies: list[ClaimItemBody],
           stage: Callable[[TransactWrite, str], None] | None) -> SubsidyApplicationView:
    today = clock.today_shanghai()
    policy, version_key = policy_in_force(district_of(enterprise), today)
    items = _claim_items(bodies)
    _calculate(policy, items, enterprise=enterprise, year=today.year)  # refuse what the version cannot compute
    if stage is None:
        _check_evidence(enterprise, bodies)
    now = clock.now_iso()
    app_id = f"sub-{uuid.uuid4().hex[:20]}"
    app = SubsidyApplication(
        app_id, enterprise_path=enterprise, district_path=district_of(enterprise), submitted_by=principal.user_id,
        submitted_by_name=principal.name, policy_version_key=version_key, policy_version=policy.version,
        year=today.year, state="calculating", queue_sort=f"{district_of(enterprise)}/|{now}|{app_id}",
        items=[ClaimItemAttr(item_id=c.item_id, measure=c.measure, subject=c.subject, cost_fen=c.cost_fen,
                             level=c.level, evidence=list(b.evidence), note=pii.scrub(b.note))
               for c, b in zip(items, bodies, strict=True)],
        lines=[], created_at=now)
    submitted = {"app_id": app_id, "items": len(items)}
    with transaction() as tx:
        tx.save(app, condition=SubsidyApplication.app_id.does_not_exist())
        publish(FEATURE, "SubsidySubmitted", data=submitted, org=enterprise, actor=actor_of(principal), tx=tx)
        if stage is not None:
            stage(tx, app_id)
    return _view(app)


def application_state(app_id: str) -> str | None:
    """For other features: an application's state (``rejected`` ones released what they
    claimed), or None when there is no such application."""
    try:
        return str(SubsidyApplication.get(app_id, consistent_read=True, attributes_to_get=["state"]).state)
    except DoesNotExist:
        return None


def compute(app_id: str) -> bool:
    """The subsidy-calc Lambda: compute a submitted application (once; redelivery is a no-op)."""
    try:
        app = SubsidyApplication.get(app_id, consistent_read=True)
    except DoesNotExist:
        return False
    if app.state != "calculating":
        return False
    calc = _compute_lines(app)
    with dynamo_errors(Conflict("申请刚被更新", code="SUBSIDY_CONFLICT")), transaction() as tx:
        tx.save(app, condition=SubsidyApplication.state == "calculating")
        publish(FEATURE, "SubsidyCalculated", data={"app_id": app_id, "total_fen": calc.total_fen},
                org=app.enterprise_path, event_id=f"{app_id}-calculated", tx=tx)
    return True


def _compute_lines(app: SubsidyApplication) -> Calculation:
    """(Re)compute every line under the application's own version; ready for review."""
    policy = _policy_by_key(app.district_path, app.policy_version_key)
    items = [ClaimItem(item_id=i.item_id, measure=i.measure, subject=i.subject, cost_fen=_int(i.cost_fen),
                       level=i.level) for i in app.items]
    calc = _calculate(policy, items, enterprise=app.enterprise_path, year=int(app.year), mine=app.app_id)
    app.lines = [LineAttr(item_id=ln.item_id, measure=ln.measure, measure_name=ln.measure_name, clause=ln.clause,
                          subject=ln.subject, claimed_cost_fen=ln.claimed_cost_fen, cap_fen=ln.cap_fen,
                          amount_fen=ln.amount_fen, capped="y" if ln.capped else "n", once_key=ln.once_key,
                          duplicate="y" if ln.duplicate else "n", explanation=ln.explanation) for ln in calc.lines]
    app.total_fen = calc.total_fen
    app.state = "pending_review"
    app.calculated_at = clock.now_iso()
    app.queue_sort = f"{app.district_path}/|{app.calculated_at}|{app.app_id}"
    return calc


def _recalculate(app_id: str, *, actor: Actor) -> None:
    """A one-off this application counted on was taken by another application of the same
    enterprise after it was computed: compute it again and send it back to review."""
    app = SubsidyApplication.get(app_id, consistent_read=True)
    if app.state not in REVIEWABLE:
        return
    before = int(app.total_fen or 0)
    calc = _compute_lines(app)
    app.approved_fen, app.paid_fen, app.decided_at = None, None, None
    app.budget_note = "本企业另一申请已领取其中的一次性补助，已按最新情况重新计算，请重新审核"
    with dynamo_errors(Conflict("申请刚被其他工作人员处理，请刷新", code="SUBSIDY_CONFLICT")), transaction() as tx:
        tx.save(app)  # the version attribute: no decision in between is overwritten
        publish(FEATURE, "SubsidyRecalculated", data={"app_id": app_id, "total_fen": calc.total_fen,
                                                      "previous_total_fen": before},
                org=app.enterprise_path, actor=actor, tx=tx)


def _view(app: SubsidyApplication) -> SubsidyApplicationView:
    return SubsidyApplicationView(
        app_id=app.app_id, enterprise_path=app.enterprise_path, district_path=app.district_path,
        state=app.state, state_name=STATE_NAMES[app.state], policy_version=app.policy_version,  # type: ignore[arg-type]
        year=int(app.year),
        items=[ClaimItemBody(measure=i.measure, subject=i.subject, cost_fen=_int(i.cost_fen), level=i.level,
                             evidence=[str(e) for e in i.evidence], note=i.note) for i in app.items],
        lines=[_line_view(ln, decided=ln) for ln in app.lines], total_fen=_int(app.total_fen),
        approved_fen=_int(app.approved_fen), paid_fen=_int(app.paid_fen), budget_note=app.budget_note,
        reject_reason=app.reject_reason, created_at=app.created_at, calculated_at=app.calculated_at,
        decided_at=app.decided_at, version=int(app.version or 0))


def _visible(principal: Principal, app_id: str) -> SubsidyApplication:
    try:
        app = SubsidyApplication.get(app_id, consistent_read=True)
    except DoesNotExist as exc:
        raise NotFound("找不到该补助申请", code="SUBSIDY_NOT_FOUND") from exc
    if not principal.covers(app.enterprise_path):
        raise NotFound("找不到该补助申请", code="SUBSIDY_NOT_FOUND")
    return app


def get_application(principal: Principal, app_id: str) -> SubsidyApplicationView:
    return _view(_visible(principal, app_id))


def _summary(app: SubsidyApplication) -> SubsidySummary:
    return SubsidySummary(app_id=app.app_id, enterprise_path=app.enterprise_path, state=app.state,  # type: ignore[arg-type]
                          state_name=STATE_NAMES[app.state], total_fen=_int(app.total_fen),
                          paid_fen=_int(app.paid_fen), created_at=app.created_at)


def enterprise_applications(principal: Principal, *, limit: int, cursor: str | None) -> SubsidyPage:
    enterprise = _enterprise_of(principal)
    bound = f"subsidy-mine:{enterprise}"
    page = SubsidyApplication.by_enterprise.query(enterprise, scan_index_forward=False, limit=limit,
                                                  last_evaluated_key=decode_cursor(cursor, bound_to=bound))
    items = [_summary(a) for a in page]
    return SubsidyPage(items=items, next_cursor=encode_cursor(page.last_evaluated_key, bound_to=bound))


def review_queue(principal: Principal, *, state: str, district: str | None, limit: int,
                 cursor: str | None) -> SubsidyPage:
    scope = district or principal.org_path
    if not principal.covers(scope):
        raise NotFound("找不到该组织", code="ORG_NOT_FOUND")
    bound = f"subsidy-queue:{state}:{scope}"
    page = SubsidyApplication.by_state.query(state, SubsidyApplication.queue_sort.startswith(f"{scope}/"),
                                             limit=limit, last_evaluated_key=decode_cursor(cursor, bound_to=bound))
    items = [_summary(a) for a in page]
    return SubsidyPage(items=items, next_cursor=encode_cursor(page.last_evaluated_key, bound_to=bound))


# --- review, budgets ----------------------------------------------------------------------

def _budget_key(district: str, year: int) -> str:
    return f"budget#{district}#{year}"


def _budget(district: str, year: int) -> SubsidyLedger | None:
    try:
        return SubsidyLedger.get(_budget_key(district, year), consistent_read=True)
    except DoesNotExist:
        return None


def _reviewable(principal: Principal, app_id: str) -> SubsidyApplication:
    app = _visible(principal, app_id)
    if not principal.covers(app.district_path):
        raise NotFound("找不到该补助申请", code="SUBSIDY_NOT_FOUND")
    if app.state not in REVIEWABLE:
        raise Conflict(f"当前状态（{STATE_NAMES[app.state]}）不能审核", code="SUBSIDY_STEP_OUT_OF_ORDER")
    return app


def review(principal: Principal, app_id: str, body: ReviewBody) -> SubsidyApplicationView:
    """Approve or reject every line; pay within the district's budget (wait or cut as the
    version says); record every one-off paid (or reserved while waiting) so it is paid once."""
    app = _reviewable(principal, app_id)
    decisions = {d.item_id: d for d in body.decisions}
    line_ids = [ln.item_id for ln in app.lines]
    if len(decisions) != len(body.decisions) or set(decisions) != set(line_ids):
        raise ValidationFailed("请对每一条明细逐条给出核准意见（每条一次）", code="SUBSIDY_DECISIONS_INCOMPLETE",
                               details=[{"expected": line_ids}])
    for ln in app.lines:
        d = decisions[ln.item_id]
        ln.decision = "approved" if d.approve else "rejected"
        ln.reason = pii.scrub(d.reason.strip()) or None
    app.decided_by = principal.user_id
    if _settle(app, actor=actor_of(principal), record_wait=True) == "recalculated":
        raise Conflict("该申请中的一次性补助已由本企业另一申请领取，已重新计算，请刷新后按新的金额重新审核",
                       code="SUBSIDY_RECALCULATED")
    return _view(app)


def _once_holders(app: SubsidyApplication) -> dict[str, str | None]:
    """The ledger's holder (application id) of each one-off this application's lines carry."""
    keys = {_ledger_once(app.enterprise_path, ln.once_key): ln.once_key for ln in app.lines if ln.once_key}
    return {keys[r.key]: r.app_id for r in SubsidyLedger.batch_get(list(keys))} if keys else {}


def _settle(app: SubsidyApplication, *, actor: Actor, record_wait: bool) -> str:
    """Pay the approved lines within the budget: "paid"; "waiting" when the application waits
    (written only when ``record_wait``, a reviewer's decision; a retry that still does not fit
    is "still_waiting"); "recalculated" when another application of the enterprise holds one
    of its one-offs (the application is computed again and goes back to review)."""
    holders = _once_holders(app)
    mine = {key for key, holder in holders.items() if holder == app.app_id}
    claims = {ln.once_key for ln in app.lines if ln.decision == "approved" and ln.once_key and int(ln.amount_fen) > 0}
    if any(holders.get(key) not in (None, app.app_id) for key in claims):
        _recalculate(app.app_id, actor=actor)
        return "recalculated"
    approved = {ln.item_id: int(ln.amount_fen) for ln in app.lines if ln.decision == "approved"}
    approved_total = sum(approved.values())
    policy = _policy_by_key(app.district_path, app.policy_version_key)
    budget = _budget(app.district_path, int(app.year))
    if budget is None:
        raise ValidationFailed(f"{app.district_path} {int(app.year)} 年度补助预算尚未设置", code="SUBSIDY_NO_BUDGET")
    total, committed = int(budget.total_fen or 0), int(budget.committed_fen or 0)
    outcome = apply_budget(approved_total, total - committed, policy.over_budget)
    waits = outcome.decision == "wait"
    if waits and not record_wait:
        return "still_waiting"
    paid = cut_lines(approved, outcome.granted_fen) if not waits else {}
    now = clock.now_iso()
    for ln in app.lines:
        ln.paid_fen = None if waits else paid.get(ln.item_id, 0)
    app.approved_fen, app.budget_note = approved_total, outcome.explanation
    app.decided_at = now
    app.state = "waiting_budget" if waits else "approved"
    app.paid_fen = None if waits else outcome.granted_fen
    app.queue_sort = f"{app.district_path}/|{now}|{app.app_id}"
    # The one-offs this application now holds: reserved while it waits, paid once it is paid.
    held = {ln.once_key: int(ln.amount_fen if waits else ln.paid_fen or 0) for ln in app.lines
            if ln.once_key in claims and ln.decision == "approved" and int(ln.amount_fen) > 0
            and (waits or (ln.paid_fen or 0) > 0)}
    try:
        with _transaction() as tx:
            tx.save(app)
            if not waits and outcome.granted_fen:
                tx.update(budget, actions=[SubsidyLedger.committed_fen.add(outcome.granted_fen),
                                           SubsidyLedger.updated_at.set(now)],
                          condition=(SubsidyLedger.total_fen == total)
                          & (SubsidyLedger.committed_fen.does_not_exist()
                             | (SubsidyLedger.committed_fen <= total - outcome.granted_fen)))
            for key, amount in held.items():
                tx.save(SubsidyLedger(_ledger_once(app.enterprise_path, key), app_id=app.app_id, amount_fen=amount,
                                      state="reserved" if waits else "paid", updated_at=now),
                        condition=SubsidyLedger.key.does_not_exist() | (SubsidyLedger.app_id == app.app_id))
            for key in mine - set(held):  # a reservation this decision no longer needs
                tx.delete(SubsidyLedger(_ledger_once(app.enterprise_path, key)),
                          condition=SubsidyLedger.app_id == app.app_id)
            publish(FEATURE, "SubsidyReviewed", data={"app_id": app.app_id, "state": app.state,
                                                      "approved_fen": approved_total, "paid_fen": app.paid_fen},
                    org=app.enterprise_path, actor=actor, tx=tx)
    except TransactWriteError:
        if held and any(holder != app.app_id for holder in _once_holders(app).values() if holder):
            _recalculate(app.app_id, actor=actor)  # another application took a one-off just now
            return "recalculated"
        with dynamo_errors(Conflict("预算或一次性补助情况刚刚变化，请刷新后重新审核", code="SUBSIDY_CONFLICT")):
            raise
    if set(held) - mine:
        _recalculate_siblings(app, set(held) - mine, actor=actor)
    return "waiting" if waits else "paid"


def _recalculate_siblings(app: SubsidyApplication, taken: set[str], *, actor: Actor) -> None:
    """The enterprise's other open applications that count on a one-off this one just took
    are computed again now, so their reviewers see what they can still be paid."""
    for other in SubsidyApplication.by_enterprise.query(
            app.enterprise_path, filter_condition=SubsidyApplication.state.is_in(*REVIEWABLE)):
        if other.app_id != app.app_id and any(ln.once_key in taken and int(ln.amount_fen) > 0 for ln in other.lines):
            try:
                _recalculate(other.app_id, actor=actor)
            except Conflict:
                continue  # changed at this moment: its own approval checks the one-off again


def release_waiting(district: str, year: int, *, limit: int = 50) -> int:
    """After a district's budget is raised: pay waiting applications, oldest decision first,
    until one no longer fits (first come, first paid). One whose one-off another application
    of its enterprise holds goes back to review and the queue moves on past it. A budget moved
    by a reviewer at the same moment raises: the budget event is delivered again."""
    released = 0
    waiting = SubsidyApplication.by_state.query(
        "waiting_budget", SubsidyApplication.queue_sort.startswith(f"{district}/"), page_size=limit)
    for app in waiting:
        if int(app.year) != year:
            continue
        outcome = _settle(app, actor=SYSTEM, record_wait=False)
        if outcome == "still_waiting":
            break
        if outcome == "paid":
            released += 1
    return released


def reject(principal: Principal, app_id: str, reason: str) -> SubsidyApplicationView:
    app = _reviewable(principal, app_id)
    now = clock.now_iso()
    app.state, app.reject_reason = "rejected", pii.scrub(reason.strip())
    app.decided_by, app.decided_at = principal.user_id, now
    app.queue_sort = f"{app.district_path}/|{now}|{app.app_id}"
    reserved = [key for key, holder in _once_holders(app).items() if holder == app.app_id]
    with dynamo_errors(Conflict("申请刚被其他工作人员处理，请刷新", code="SUBSIDY_CONFLICT")), _transaction() as tx:
        tx.save(app)
        for key in reserved:  # what it reserved while waiting is free for the enterprise's other claims
            tx.delete(SubsidyLedger(_ledger_once(app.enterprise_path, key)),
                      condition=(SubsidyLedger.app_id == app.app_id) & (SubsidyLedger.state == "reserved"))
        publish(FEATURE, "SubsidyRejected", data={"app_id": app.app_id}, org=app.enterprise_path,
                actor=actor_of(principal), tx=tx)
    return _view(app)


def _budget_view(district: str, year: int, row: SubsidyLedger | None) -> BudgetView:
    total = int(row.total_fen or 0) if row else 0
    committed = int(row.committed_fen or 0) if row else 0
    return BudgetView(district_path=district, year=year, total_fen=total, committed_fen=committed,
                      remaining_fen=total - committed)


def set_budget(principal: Principal, body: BudgetBody) -> BudgetView:
    if not principal.covers(body.district_path):
        raise NotFound("找不到该组织", code="ORG_NOT_FOUND")
    row = SubsidyLedger(_budget_key(body.district_path, body.year))
    with dynamo_errors(Conflict("预算不能低于已核拨金额", code="SUBSIDY_BUDGET_BELOW_COMMITTED")), \
            transaction() as tx:
        tx.update(row, actions=[SubsidyLedger.total_fen.set(body.total_fen),
                                SubsidyLedger.updated_at.set(clock.now_iso())],
                  condition=SubsidyLedger.committed_fen.does_not_exist()
                  | (SubsidyLedger.committed_fen <= body.total_fen))
        publish(FEATURE, BUDGET_EVENT, data={"district": body.district_path, "year": body.year,
                                             "total_fen": body.total_fen, "total": fen_to_yuan_text(body.total_fen)},
                org=body.district_path, actor=actor_of(principal), tx=tx)
    return _budget_view(body.district_path, body.year, _budget(body.district_path, body.year))


def get_budget(principal: Principal, district: str, year: int) -> BudgetView:
    if not principal.covers(district):
        raise NotFound("找不到该组织", code="ORG_NOT_FOUND")
    return _budget_view(district, year, _budget(district, year))
