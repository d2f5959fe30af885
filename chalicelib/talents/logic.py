"""千名技能人才: a district or city union opens a year's round (deadline, quota per enterprise);
enterprise union admins declare people on their roster (one declaration per person per round),
one by one or by an XLSX file; the district union reviews (send back, approve, reject), the city
optionally confirms; approved talents form the pool the union queries and counts against its
target.

Who sees what: an enterprise admin sees its own enterprise's declarations in rounds opened above
it; a union admin sees everything under its node. Anything else is a 404, like a missing item.
The district step is taken by the district union itself, the city step by the city union.
"""
from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.platform import clock, events, pii
from chalicelib.platform.auth import Principal, Role
from chalicelib.platform.bucket import EXPIRING_PREFIX
from chalicelib.platform.db import dynamo_errors
from chalicelib.platform.errors import (
    Conflict,
    DomainError,
    Forbidden,
    NotFound,
    PayloadTooLarge,
    ValidationFailed,
)
from chalicelib.platform.notices import request_notice
from chalicelib.platform.pagination import decode_cursor, encode_cursor

from . import storage
from .models import (
    Talent,
    TalentAttachment,
    TalentCounter,
    TalentDecision,
    TalentDeclaration,
    TalentRound,
)
from .schemas import (
    ATTACHMENT_KIND_NAMES,
    LEVEL_NAMES,
    MAX_ATTACHMENT_BYTES,
    STATE_NAMES,
    SkillLevel,
    TalentAttachmentBody,
    TalentAttachmentView,
    TalentBulkRejection,
    TalentBulkResult,
    TalentBulkTicket,
    TalentCountRow,
    TalentCountsView,
    TalentDecisionBody,
    TalentDecisionView,
    TalentDeclarationBody,
    TalentDeclarationEdit,
    TalentDeclarationPage,
    TalentDeclarationRow,
    TalentDeclarationView,
    TalentPoolPage,
    TalentPoolQuery,
    TalentPoolRow,
    TalentProgressPage,
    TalentProgressRow,
    TalentRoundBody,
    TalentRoundList,
    TalentRoundView,
    TalentTemplateView,
    TalentUploadTicket,
)
from .specs import FEATURE, TALENT_APPROVED, TALENT_DECLARED

DEFAULT_TARGET = 1000
MAX_ATTACHMENTS = 10
MAX_BULK_ROWS = 2000
MAX_BULK_BYTES = 2 * 1024 * 1024
BULK_CHUNK = 45            # rows per transaction: a declaration and its event each, plus the counter (≤ 100)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BULK_COLUMNS = ["姓名", "身份证号", "职业编码", "技能等级", "推荐理由"]
EDITABLE = ("draft", "returned")
ACTION_NAMES = {"approve": "通过", "return": "退回修改", "reject": "不通过"}

ROUND_NOT_FOUND = NotFound("找不到该申报批次", code="TALENT_ROUND_NOT_FOUND")
DECLARATION_NOT_FOUND = NotFound("找不到该申报", code="TALENT_DECLARATION_NOT_FOUND")
ORG_NOT_FOUND = NotFound("找不到该组织", code="ORG_NOT_FOUND")
ALREADY_DECLARED = Conflict("该职工在本批次已有申报，同一人每批次只能申报一次", code="TALENT_ALREADY_DECLARED")
QUOTA_EXCEEDED = Conflict("本单位本批次的申报名额已用完", code="TALENT_QUOTA_EXCEEDED")
CHANGED = Conflict("该申报刚被他人更新，请刷新后重试", code="TALENT_DECLARATION_CHANGED")
_ID = re.compile(r"^td-[0-9a-f]{24}$")
_ROUND_ID = re.compile(r"^tr-\d{4}-[0-9a-f]{8}$")
_UPLOAD_ID = re.compile(r"^tu-[0-9a-f]{20}$")


# --- reference data and small helpers ---------------------------------------------------------

@lru_cache(maxsize=1)
def occupations() -> dict[str, str]:
    """The occupational classification (职业分类大典) subset this service accepts: code → name.
    Data, not code: ``occupations.json`` beside this module."""
    data = json.loads((Path(__file__).with_name("occupations.json")).read_text(encoding="utf-8"))
    return {o["code"]: o["name"] for o in data["occupations"]}


def occupation_name(code: str) -> str:
    name = occupations().get(code)
    if name is None:
        raise ValidationFailed(f"职业编码 {code} 不在国家职业分类大典目录中", code="TALENT_OCCUPATION_UNKNOWN",
                               details=[{"field": "occupation_code", "value": code}])
    return name


@lru_cache(maxsize=1)
def _level_words() -> dict[str, SkillLevel]:
    words: dict[str, SkillLevel] = {}
    for number, level in zip("54321", SkillLevel, strict=True):
        label = LEVEL_NAMES[level]
        grade, title = label.split("/")
        for word in (level.value, label, grade, title, number, f"{number}级"):
            words[word] = level
    return words


def parse_level(text: str) -> SkillLevel | None:
    return _level_words().get(text.strip().replace("／", "/"))


def district_of(path: str) -> str:
    return "/".join(path.split("/")[:3])


def city_of(path: str) -> str:
    return "/".join(path.split("/")[:2])


def _within(path: str, node: str) -> bool:
    return path == node or path.startswith(node + "/")


def _depth(path: str) -> int:
    return len(path.split("/")) if path else 0


def declaration_id_of(round_id: str, id_hash: str) -> str:
    """One person, one declaration per round: the id is the round and the person's lookup hash."""
    return "td-" + hashlib.sha256(f"{round_id}|{id_hash}".encode()).hexdigest()[:24]


def _org_name(path: str) -> str:
    from chalicelib.orgs import logic as orgs

    try:
        return orgs.get_node(path).name
    except NotFound:
        return ""


def _stage_key(decl: TalentDeclaration, state: str) -> str | None:
    if state == "draft":
        return None
    node = decl.city_path if state == "city_review" else decl.district_path
    return f"{decl.round_id}#{node}#{state}"


_KINDS = ("_condition_check_items", "_delete_items", "_put_items", "_update_items")


def _commit(build: Callable[[TransactWrite], None], reasons: dict[tuple[str, int], DomainError],
            default: DomainError = CHANGED, attempts: int = 3) -> None:
    """Run one transaction; a failed condition of the ``i``-th put (``("put", i)``) or update
    (``("update", i)``) raises its reason; a conflict with a concurrent transaction is retried
    (the retry then meets the condition). PynamoDB sends condition checks, deletes, puts, then
    updates, whatever the order they were added in: the cancellation reasons follow that order."""
    for attempt in range(attempts):
        tx = events.transaction()
        try:
            with tx:
                build(tx)
            return
        except TransactWriteError as exc:
            sizes = [len(getattr(tx, kind, ())) for kind in _KINDS]
            codes = [(r.code if r is not None else None) for r in (exc.cancellation_reasons or [])]
            for index, code in enumerate(codes):
                if code == "ConditionalCheckFailed":
                    raise reasons.get(_operation_of(index, sizes), default) from exc
            if "TransactionConflict" in codes and attempt < attempts - 1:
                continue
            with dynamo_errors(default):
                raise


def _operation_of(index: int, sizes: list[int]) -> tuple[str, int]:
    for kind, size in zip(("check", "delete", "put", "update"), sizes, strict=True):
        if index < size:
            return kind, index
        index -= size
    return "unknown", index


# --- rounds ------------------------------------------------------------------------------------

def _round_view(rnd: TalentRound) -> TalentRoundView:
    return TalentRoundView(round_id=rnd.round_id, year=int(rnd.year), title=rnd.title, org_path=rnd.org_path,
                           org_name=rnd.org_name, deadline=rnd.deadline, open=_is_open(rnd),
                           quota_per_enterprise=int(rnd.quota_per_enterprise), city_step=bool(rnd.city_step),
                           created_at=rnd.created_at)


def _is_open(rnd: TalentRound) -> bool:
    return clock.today_shanghai().isoformat() <= rnd.deadline


def _require_open(rnd: TalentRound) -> None:
    if not _is_open(rnd):
        raise Conflict(f"本批次申报已于 {rnd.deadline} 截止", code="TALENT_ROUND_CLOSED",
                       details=[{"deadline": rnd.deadline}])


def open_round(principal: Principal, body: TalentRoundBody) -> TalentRoundView:
    """A district or city union (or the platform) opens a year's round for the enterprises under it."""
    if principal.role is Role.UNION_ADMIN and _depth(principal.org_path) not in (2, 3):
        raise Forbidden("只有市、区县总工会可以发起技能人才申报", code="TALENT_ROUND_LEVEL")
    if body.deadline < clock.today_shanghai().isoformat():
        raise ValidationFailed("截止日期不能早于今天", code="TALENT_DEADLINE_PAST",
                               details=[{"field": "deadline", "value": body.deadline}])
    rnd = TalentRound(f"tr-{body.year}-{uuid.uuid4().hex[:8]}", year=body.year, title=body.title,
                      org_path=principal.org_path, org_name=_org_name(principal.org_path), deadline=body.deadline,
                      quota_per_enterprise=body.quota_per_enterprise, city_step=body.city_step,
                      created_by=principal.user_id, created_at=clock.now_iso())
    rnd.save(condition=TalentRound.round_id.does_not_exist())
    return _round_view(rnd)


def _round_visible(principal: Principal, rnd: TalentRound) -> bool:
    """Staff above or at the round's node, and everyone (admins) under it."""
    return principal.covers(rnd.org_path) or (bool(principal.org_path) and _within(principal.org_path, rnd.org_path))


def _load_round(principal: Principal, round_id: str) -> TalentRound:
    if not _ROUND_ID.fullmatch(round_id):
        raise ROUND_NOT_FOUND
    try:
        rnd = TalentRound.get(round_id)
    except TalentRound.DoesNotExist as exc:
        raise ROUND_NOT_FOUND from exc
    if not _round_visible(principal, rnd):
        raise ROUND_NOT_FOUND
    return rnd


def get_round(principal: Principal, round_id: str) -> TalentRoundView:
    return _round_view(_load_round(principal, round_id))


def list_rounds(principal: Principal, org: str | None) -> TalentRoundList:
    """Rounds opened at ``org`` or above it (an enterprise sees the rounds it may declare in),
    newest first: one Query per level."""
    node = org or principal.org_path
    if principal.role is Role.ENTERPRISE_ADMIN and node != principal.org_path:
        raise ORG_NOT_FOUND
    if principal.role is not Role.ENTERPRISE_ADMIN and not principal.covers(node):
        raise ORG_NOT_FOUND
    parts = node.split("/")
    found: list[TalentRound] = []
    for n in range(1, len(parts) + 1):
        found.extend(TalentRound.by_org.query("/".join(parts[:n]), scan_index_forward=False, limit=50))
    found.sort(key=lambda r: r.created_at, reverse=True)
    return TalentRoundList(items=[_round_view(r) for r in found])


def round_progress(principal: Principal, round_id: str, org: str | None, *, limit: int,
                   cursor: str | None) -> TalentProgressPage:
    """Declared / submitted / approved per enterprise against the quota: one Query of the
    round's counters (kept in the declaring and deciding transactions)."""
    rnd = _load_round(principal, round_id)
    node = org or principal.org_path
    if not principal.covers(node):
        raise ORG_NOT_FOUND
    if _within(rnd.org_path, node):
        node = rnd.org_path            # everything the round covers
    elif not _within(node, rnd.org_path):
        raise ORG_NOT_FOUND
    prefix = node if _depth(node) >= 4 else node + "/"
    bound = f"talents-progress:{round_id}:{prefix}"
    page = TalentCounter.query(f"progress#{round_id}", TalentCounter.key.startswith(prefix), limit=limit,
                               last_evaluated_key=decode_cursor(cursor, bound_to=bound))
    quota = int(rnd.quota_per_enterprise)
    items = [TalentProgressRow(org_path=c.key, org_name=c.org_name, declared=int(c.declared or 0),
                               submitted=int(c.submitted or 0), approved=int(c.approved or 0),
                               rejected=int(c.rejected or 0), quota=quota) for c in page]
    return TalentProgressPage(round_id=round_id, items=items,
                              next_cursor=encode_cursor(page.last_evaluated_key, bound_to=bound))


# --- declarations ------------------------------------------------------------------------------

def _enterprise_round(principal: Principal, round_id: str) -> TalentRound:
    """The round, for an enterprise admin of an enterprise under it (404 otherwise)."""
    rnd = _load_round(principal, round_id)
    if principal.role is not Role.ENTERPRISE_ADMIN or not principal.org_path.startswith(rnd.org_path + "/"):
        raise ROUND_NOT_FOUND
    return rnd


def _view(decl: TalentDeclaration) -> TalentDeclarationView:
    level = SkillLevel(decl.level)
    return TalentDeclarationView(
        declaration_id=decl.declaration_id, round_id=decl.round_id, org_path=decl.org_path, org_name=decl.org_name,
        real_name=pii.unseal(decl.name_sealed), id_masked=decl.id_masked, occupation_code=decl.occupation_code,
        occupation_name=occupations().get(decl.occupation_code, decl.occupation_code), level=level,
        level_name=LEVEL_NAMES[level], recommendation=decl.recommendation, state=decl.state,
        state_name=STATE_NAMES.get(decl.state, decl.state),
        attachments=[TalentAttachmentView(kind=a.kind, kind_name=ATTACHMENT_KIND_NAMES.get(a.kind, a.kind),
                                          filename=a.filename, content_type=a.content_type, uploaded=bool(a.uploaded))
                     for a in decl.attachments],
        decisions=[TalentDecisionView(step=d.step, action=d.action, action_name=ACTION_NAMES.get(d.action, d.action),
                                      reason=d.reason, by_name=d.by_name, at=d.at) for d in decl.decisions],
        created_at=decl.created_at, submitted_at=decl.submitted_at, next_step=_next_step(decl))


def _next_step(decl: TalentDeclaration) -> str:
    return {
        "draft": "草稿尚未提交：可继续修改、上传证书，提交后由区县工会审核",
        "submitted": "等待区县工会审核；审核结果会发到申报人（企业工会管理员）的消息中心",
        "returned": "区县工会已退回，请按理由修改后重新提交（PATCH 后 POST …/submit）",
        "city_review": "区县工会已通过，等待市总工会复核；结果会发到消息中心",
        "approved": "已入选技能人才库，可在人才库中查询",
        "rejected": "未通过，本批次不能再次申报此人",
    }.get(decl.state, "")


def _row(decl: TalentDeclaration) -> TalentDeclarationRow:
    level = SkillLevel(decl.level)
    return TalentDeclarationRow(
        declaration_id=decl.declaration_id, org_path=decl.org_path, org_name=decl.org_name,
        real_name=pii.unseal(decl.name_sealed), id_masked=decl.id_masked, occupation_code=decl.occupation_code,
        occupation_name=occupations().get(decl.occupation_code, decl.occupation_code), level=level,
        level_name=LEVEL_NAMES[level], state=decl.state, state_name=STATE_NAMES.get(decl.state, decl.state),
        updated_at=decl.updated_at)


def _new_declaration(principal: Principal, rnd: TalentRound, org_name: str, *, real_name: str, number: str,
                     occupation_code: str, level: SkillLevel, recommendation: str, submit: bool,
                     now: str) -> TalentDeclaration:
    id_hash = pii.lookup_hash(number)
    org = principal.org_path
    decl = TalentDeclaration(
        declaration_id_of(rnd.round_id, id_hash), round_id=rnd.round_id, year=int(rnd.year), org_path=org,
        org_name=org_name, district_path=district_of(org), city_path=city_of(org), id_hash=id_hash,
        id_sealed=pii.seal(number), id_masked=pii.mask_id_number(number), name_sealed=pii.seal(real_name),
        name_masked=real_name[0] + "*" * (len(real_name) - 1), occupation_code=occupation_code, level=level.value,
        recommendation=recommendation, state="submitted" if submit else "draft", slot_taken=submit,
        created_by=principal.user_id, created_at=now, updated_at=now, submitted_at=now if submit else None,
        round_org=f"{rnd.round_id}#{org}")
    decl.stage_key = _stage_key(decl, decl.state)
    return decl


def _declared_event(decl: TalentDeclaration, actor: events.Actor, tx: TransactWrite) -> None:
    events.publish(FEATURE, TALENT_DECLARED, tx=tx, actor=actor, org=decl.org_path,
                   event_id=f"declared-{decl.declaration_id}",
                   data={"declaration_id": decl.declaration_id, "round_id": decl.round_id, "year": int(decl.year),
                         "org_path": decl.org_path, "occupation_code": decl.occupation_code, "level": decl.level})


def _progress(round_id: str, org: str) -> TalentCounter:
    return TalentCounter(f"progress#{round_id}", org)


def _quota_condition(quota: int, taking: int) -> Any:
    """The enterprise still has ``taking`` free places (a counter not yet written has used none)."""
    if taking > quota:
        raise QUOTA_EXCEEDED
    return TalentCounter.submitted.does_not_exist() | (TalentCounter.submitted <= quota - taking)


def _insert(principal: Principal, rnd: TalentRound, decls: list[TalentDeclaration]) -> None:
    """Write new declarations (and their events, and the enterprise's counter) in one transaction:
    a person already declared in the round fails the whole write with ``TALENT_ALREADY_DECLARED``,
    more submissions than the quota with ``TALENT_QUOTA_EXCEEDED``."""
    actor = events.actor_of(principal)
    taking = sum(1 for d in decls if d.slot_taken)
    quota = int(rnd.quota_per_enterprise)
    org_name = decls[0].org_name

    def build(tx: TransactWrite) -> None:
        for decl in decls:
            tx.save(decl, condition=TalentDeclaration.declaration_id.does_not_exist())
        actions: list[Any] = [TalentCounter.declared.add(len(decls)), TalentCounter.org_name.set(org_name)]
        if taking:
            actions.append(TalentCounter.submitted.add(taking))
        tx.update(_progress(rnd.round_id, principal.org_path), actions=actions,
                  condition=_quota_condition(quota, taking) if taking else None)
        for decl in decls:
            if decl.slot_taken:
                _declared_event(decl, actor, tx)

    _commit(build, {**{("put", i): ALREADY_DECLARED for i in range(len(decls))}, ("update", 0): QUOTA_EXCEEDED})


def declare(principal: Principal, round_id: str, body: TalentDeclarationBody) -> TalentDeclarationView:
    """An enterprise union admin declares a person on its roster (a draft, or submitted at once)."""
    rnd = _enterprise_round(principal, round_id)
    _require_open(rnd)
    number = pii.normalize_id_number(body.id_number)
    occupation_name(body.occupation_code)
    from chalicelib.identity import logic as identity

    id_hash = pii.lookup_hash(number)
    on_roster = identity.roster_names(principal.org_path, [id_hash])
    if id_hash not in on_roster:
        raise ValidationFailed("该职工不在本单位工会会员名册中，请先由工会更新名册", code="TALENT_NOT_ON_ROSTER")
    if on_roster[id_hash] != body.real_name:
        raise ValidationFailed("姓名与工会会员名册不一致，请核对", code="TALENT_NAME_MISMATCH")
    decl = _new_declaration(principal, rnd, _org_name(principal.org_path), real_name=body.real_name, number=number,
                            occupation_code=body.occupation_code, level=body.level,
                            recommendation=body.recommendation, submit=body.submit, now=clock.now_iso())
    _insert(principal, rnd, [decl])
    return _view(decl)


def _load(principal: Principal, declaration_id: str, *, consistent: bool = False) -> TalentDeclaration:
    if not _ID.fullmatch(declaration_id):
        raise DECLARATION_NOT_FOUND
    try:
        decl = TalentDeclaration.get(declaration_id, consistent_read=consistent)
    except TalentDeclaration.DoesNotExist as exc:
        raise DECLARATION_NOT_FOUND from exc
    if not principal.covers(decl.org_path):
        raise DECLARATION_NOT_FOUND
    return decl


def _editable(principal: Principal, declaration_id: str) -> TalentDeclaration:
    decl = _load(principal, declaration_id, consistent=True)
    if principal.role is not Role.ENTERPRISE_ADMIN:
        raise Forbidden("申报只能由本单位工会管理员修改", code="TALENT_NOT_YOUR_STEP")
    if decl.state not in EDITABLE:
        raise Conflict(f"申报当前为「{STATE_NAMES.get(decl.state, decl.state)}」，不能修改",
                       code="TALENT_NOT_EDITABLE", details=[{"state": decl.state}])
    return decl


def get_declaration(principal: Principal, declaration_id: str) -> TalentDeclarationView:
    return _view(_load(principal, declaration_id))


def _save_if_unchanged(decl: TalentDeclaration, before: str, actions: list[Any]) -> None:
    with dynamo_errors(CHANGED):
        decl.update(actions=actions, condition=(TalentDeclaration.updated_at == before)
                    & TalentDeclaration.state.is_in(*EDITABLE))


def edit_declaration(principal: Principal, declaration_id: str, body: TalentDeclarationEdit) -> TalentDeclarationView:
    decl = _editable(principal, declaration_id)
    actions: list[Any] = [TalentDeclaration.updated_at.set(clock.now_iso())]
    if body.occupation_code is not None:
        occupation_name(body.occupation_code)
        actions.append(TalentDeclaration.occupation_code.set(body.occupation_code))
    if body.level is not None:
        actions.append(TalentDeclaration.level.set(body.level.value))
    if body.recommendation is not None:
        actions.append(TalentDeclaration.recommendation.set(body.recommendation))
    _save_if_unchanged(decl, decl.updated_at, actions)
    return _view(decl)


def request_attachment(principal: Principal, declaration_id: str, body: TalentAttachmentBody) -> TalentUploadTicket:
    """A presigned POST for a certificate or award; the declaration lists it at once and counts it
    as uploaded once the file is found at submission."""
    decl = _editable(principal, declaration_id)
    if len(decl.attachments) >= MAX_ATTACHMENTS:
        raise Conflict(f"每份申报最多 {MAX_ATTACHMENTS} 个附件", code="TALENT_TOO_MANY_ATTACHMENTS")
    key = f"talents/{decl.declaration_id}/{body.kind}/{uuid.uuid4().hex[:12]}-{body.filename}"
    ticket = storage.presign_upload(key, body.content_type, min(body.size_bytes, MAX_ATTACHMENT_BYTES))
    attachment = TalentAttachment(kind=body.kind, key=key, filename=body.filename, content_type=body.content_type,
                                  uploaded=False)
    _save_if_unchanged(decl, decl.updated_at, [TalentDeclaration.attachments.set([*decl.attachments, attachment]),
                                               TalentDeclaration.updated_at.set(clock.now_iso())])
    return TalentUploadTicket(key=key, url=ticket["url"], fields=ticket["fields"], max_bytes=body.size_bytes,
                              expires_in=storage.EXPIRES_IN,
                              next_step="用 url 和 fields 以表单 POST 上传文件；提交申报时只计入已上传的文件")


def submit_declaration(principal: Principal, declaration_id: str) -> TalentDeclarationView:
    """Draft → submitted (takes a slot of the quota before the deadline; publishes
    ``TalentDeclared``), or returned → submitted again (the slot is kept)."""
    decl = _editable(principal, declaration_id)
    rnd = _load_round(principal, decl.round_id)
    first = not decl.slot_taken
    if first:
        _require_open(rnd)
    present = storage.keys_under(f"talents/{decl.declaration_id}/") if decl.attachments else set()
    for attachment in decl.attachments:
        attachment.uploaded = attachment.key in present
    before, now = decl.updated_at, clock.now_iso()
    decl.state, decl.updated_at, decl.slot_taken = "submitted", now, True
    decl.submitted_at = decl.submitted_at or now
    decl.stage_key = _stage_key(decl, "submitted")
    actor = events.actor_of(principal)

    def build(tx: TransactWrite) -> None:
        tx.update(decl, actions=[
            TalentDeclaration.state.set("submitted"), TalentDeclaration.updated_at.set(now),
            TalentDeclaration.slot_taken.set(True), TalentDeclaration.submitted_at.set(decl.submitted_at),
            TalentDeclaration.stage_key.set(decl.stage_key), TalentDeclaration.attachments.set(decl.attachments),
        ], condition=(TalentDeclaration.updated_at == before) & TalentDeclaration.state.is_in(*EDITABLE))
        if first:
            quota = int(rnd.quota_per_enterprise)
            tx.update(_progress(decl.round_id, decl.org_path), actions=[TalentCounter.submitted.add(1)],
                      condition=_quota_condition(quota, 1))
            _declared_event(decl, actor, tx)

    _commit(build, {("update", 0): CHANGED, ("update", 1): QUOTA_EXCEEDED})
    return _view(decl)


def enterprise_declarations(principal: Principal, round_id: str, org: str | None, *, limit: int,
                            cursor: str | None) -> TalentDeclarationPage:
    """One enterprise's declarations in a round, most recently changed first (drafts included)."""
    rnd = _load_round(principal, round_id)
    node = principal.org_path if principal.role is Role.ENTERPRISE_ADMIN else org
    if not node or _depth(node) < 4:
        raise ValidationFailed("请指定企业工会节点 org", code="TALENT_ORG_REQUIRED")
    if not principal.covers(node) or not node.startswith(rnd.org_path + "/"):
        raise ORG_NOT_FOUND
    bound = f"talents-enterprise:{round_id}:{node}"
    page = TalentDeclaration.by_enterprise.query(f"{round_id}#{node}", scan_index_forward=False, limit=limit,
                                                 last_evaluated_key=decode_cursor(cursor, bound_to=bound))
    items = [_row(d) for d in page]
    return TalentDeclarationPage(items=items, next_cursor=encode_cursor(page.last_evaluated_key, bound_to=bound))


def review_queue(principal: Principal, round_id: str, state: str, org: str | None, *, limit: int,
                 cursor: str | None) -> TalentDeclarationPage:
    """A round's declarations in one state under a district (the city step: under a city),
    oldest first, so reviewers work in the order they arrived."""
    _load_round(principal, round_id)
    node = org or principal.org_path
    if not principal.covers(node):
        raise ORG_NOT_FOUND
    wanted = 2 if state == "city_review" else 3
    if _depth(node) != wanted:
        raise ValidationFailed("待市级复核请按市级节点查看，其他状态请按区县节点查看", code="TALENT_REVIEW_ORG_LEVEL",
                               details=[{"field": "org", "value": node}])
    bound = f"talents-review:{round_id}:{node}:{state}"
    page = TalentDeclaration.by_stage.query(f"{round_id}#{node}#{state}", limit=limit,
                                            last_evaluated_key=decode_cursor(cursor, bound_to=bound))
    items = [_row(d) for d in page]
    return TalentDeclarationPage(items=items, next_cursor=encode_cursor(page.last_evaluated_key, bound_to=bound))


# --- review ------------------------------------------------------------------------------------

def _already_decided(decl: TalentDeclaration) -> Conflict:
    last = decl.decisions[-1] if decl.decisions else None
    state_name = STATE_NAMES.get(decl.state, decl.state)
    if last is None:
        return Conflict(f"该申报当前为「{state_name}」，不在待审核状态", code="TALENT_ALREADY_DECIDED",
                        details=[{"state": decl.state}])
    return Conflict(f"该申报已由{last.by_name or '其他审核人'}于 {last.at} 处理为「{ACTION_NAMES.get(last.action)}」，"
                    f"当前为「{state_name}」", code="TALENT_ALREADY_DECIDED",
                    details=[{"state": decl.state, "action": last.action, "by_name": last.by_name, "at": last.at}])


def decide(principal: Principal, declaration_id: str, body: TalentDecisionBody) -> TalentDeclarationView:
    """The district union (then, when the round asks for it, the city union) approves, sends back
    or rejects. Two reviewers at once: the first decision wins, the other gets 409 saying what
    happened. Final approval writes the talent into the pool and publishes ``TalentApproved``."""
    decl = _load(principal, declaration_id, consistent=True)
    if decl.state == "submitted":
        step, node = "district", decl.district_path
    elif decl.state == "city_review":
        step, node = "city", decl.city_path
    else:
        raise _already_decided(decl)
    if principal.role is not Role.PLATFORM_ADMIN and principal.org_path != node:
        raise Forbidden("这一步应由" + ("区县总工会" if step == "district" else "市总工会") + "审核",
                        code="TALENT_NOT_YOUR_STEP", details=[{"step": step, "org_path": node}])
    if body.action != "approve" and not body.reason:
        raise ValidationFailed("退回或不通过须写明理由", code="TALENT_REASON_REQUIRED",
                               details=[{"field": "reason"}])
    rnd = TalentRound.get(decl.round_id)
    before, now = decl.state, clock.now_iso()
    if body.action == "approve":
        after = "city_review" if step == "district" and rnd.city_step else "approved"
    else:
        after = {"return": "returned", "reject": "rejected"}[body.action]
    decision = TalentDecision(step=step, action=body.action, reason=body.reason or "", by=principal.user_id,
                              by_name=principal.name, at=now)
    decl.decisions = [*decl.decisions, decision]
    decl.state, decl.updated_at, decl.stage_key = after, now, _stage_key(decl, after)
    actor = events.actor_of(principal)

    def build(tx: TransactWrite) -> None:
        tx.update(decl, actions=[TalentDeclaration.state.set(after), TalentDeclaration.updated_at.set(now),
                                 TalentDeclaration.stage_key.set(decl.stage_key),
                                 TalentDeclaration.decisions.set(decl.decisions)],
                  condition=TalentDeclaration.state == before)
        if after in ("approved", "rejected"):
            counter = TalentCounter.approved if after == "approved" else TalentCounter.rejected
            tx.update(_progress(decl.round_id, decl.org_path), actions=[counter.add(1)])
        if after == "approved":
            tx.save(Talent(decl.declaration_id, round_id=decl.round_id, year=int(decl.year), org_path=decl.org_path,
                           org_name=decl.org_name, district_path=decl.district_path, city_path=decl.city_path,
                           name_sealed=decl.name_sealed, name_masked=decl.name_masked, id_masked=decl.id_masked,
                           occupation_code=decl.occupation_code, level=decl.level, approved_at=now,
                           scope_key=f"{decl.org_path}#{now}#{decl.declaration_id}"),
                    condition=Talent.talent_id.does_not_exist())
            tx.update(TalentCounter("pool", decl.district_path), actions=[TalentCounter.approved.add(1)])
            events.publish(FEATURE, TALENT_APPROVED, tx=tx, actor=actor, org=decl.org_path,
                           event_id=f"approved-{decl.declaration_id}",
                           data={"declaration_id": decl.declaration_id, "round_id": decl.round_id,
                                 "year": int(decl.year), "org_path": decl.org_path,
                                 "occupation_code": decl.occupation_code, "level": decl.level})

    try:
        _commit(build, {("update", 0): CHANGED})
    except Conflict as exc:
        if exc.code != CHANGED.code:
            raise
        raise _already_decided(TalentDeclaration.get(declaration_id, consistent_read=True)) from exc
    _notify(decl, decision, after)
    return _view(decl)


def _notify(decl: TalentDeclaration, decision: TalentDecision, after: str) -> None:
    level = SkillLevel(decl.level)
    what = f"{decl.name_masked}（{occupations().get(decl.occupation_code, '')}·{LEVEL_NAMES[level]}）"
    titles = {"approved": "技能人才申报已通过", "city_review": "技能人才申报已通过区县审核",
              "returned": "技能人才申报被退回修改", "rejected": "技能人才申报未通过"}
    body = f"{what}：{STATE_NAMES[after]}" + (f"。理由：{decision.reason}" if decision.reason else "")
    request_notice(decl.created_by, kind="talents", title=titles[after], body=body,
                   link=f"/talents/declarations/{decl.declaration_id}",
                   dedup_key=f"talents:{decl.declaration_id}:{len(decl.decisions)}",
                   meta={"declaration_id": decl.declaration_id, "state": after}, occurred_at=decision.at)


# --- bulk declaration by XLSX --------------------------------------------------------------------

def template() -> TalentTemplateView:
    """The XLSX template: the declaration sheet's header, the accepted occupations and levels."""
    import base64

    from chalicelib.platform.spreadsheet import xlsx_book

    notes = [["每行一人；身份证号请按文本填写（18位）"], ["职业编码见「职业目录」，技能等级见「技能等级」"],
             ["职工须在本单位工会会员名册中，姓名与名册一致；推荐理由 10–2000 字"],
             ["同一文件可重复上传：已申报的人不会重复申报"]]
    content = xlsx_book([
        ("申报表", BULK_COLUMNS, []),
        ("职业目录", ["职业编码", "职业名称"], sorted(occupations().items())),
        ("技能等级", ["技能等级", "代码"], [[LEVEL_NAMES[level], level.value] for level in SkillLevel]),
        ("填写说明", ["说明"], notes),
    ])
    return TalentTemplateView(filename="千名技能人才申报模板.xlsx", content_type=XLSX,
                              content_base64=base64.b64encode(content).decode(), columns=BULK_COLUMNS)


def _bulk_key(round_id: str, org: str, upload_id: str) -> str:
    org_digest = hashlib.sha256(org.encode()).hexdigest()[:16]
    return f"{EXPIRING_PREFIX}talents/{round_id}/{org_digest}/{upload_id}.xlsx"


def bulk_ticket(principal: Principal, round_id: str) -> TalentBulkTicket:
    """A presigned POST for a filled template, under the bucket's expiring prefix (the file holds
    plain ID numbers; it is deleted once read, and by the bucket within days at the latest)."""
    rnd = _enterprise_round(principal, round_id)
    _require_open(rnd)
    upload_id = f"tu-{uuid.uuid4().hex[:20]}"
    ticket = storage.presign_upload(_bulk_key(round_id, principal.org_path, upload_id), XLSX, MAX_BULK_BYTES)
    return TalentBulkTicket(upload_id=upload_id, url=ticket["url"], fields=ticket["fields"], max_bytes=MAX_BULK_BYTES,
                            expires_in=storage.EXPIRES_IN,
                            next_step=f"上传后调用 POST /talents/rounds/{round_id}/bulk/{upload_id} 逐行校验并申报")


class _RowRejected(Exception):
    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code, self.reason = code, reason


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        raise _RowRejected("TALENT_ID_NUMBER_AS_NUMBER", "身份证号被 Excel 存成了数字，请将该列设为文本后重新填写")
    return str(value).strip()


def _read_rows(data: bytes) -> list[tuple[int, list[object]]]:
    import io
    import zipfile

    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ValidationFailed("文件不是有效的 XLSX 表格，请使用下载的模板", code="TALENT_BULK_FILE") from exc
    try:
        sheet = book["申报表"] if "申报表" in book.sheetnames else book.worksheets[0]
        rows = sheet.iter_rows(values_only=True, max_col=len(BULK_COLUMNS))
        header = [_cell(v) if not isinstance(v, float) else str(v) for v in next(rows, ())]
        if header[:len(BULK_COLUMNS)] != BULK_COLUMNS:
            raise ValidationFailed("表头应为：" + "、".join(BULK_COLUMNS) + "，请使用下载的模板",
                                   code="TALENT_BULK_COLUMNS", details=[{"expected": BULK_COLUMNS}])
        found: list[tuple[int, list[object]]] = []
        for number, row in enumerate(rows, start=2):
            values = list(row) + [None] * (len(BULK_COLUMNS) - len(row))
            if all(v is None or str(v).strip() == "" for v in values):
                continue
            found.append((number, values))
            if len(found) > MAX_BULK_ROWS:
                raise PayloadTooLarge(f"每个文件最多 {MAX_BULK_ROWS} 行", code="TALENT_BULK_TOO_MANY_ROWS",
                                      details=[{"max_rows": MAX_BULK_ROWS}])
        return found
    finally:
        book.close()


def _check_row(values: list[object]) -> tuple[str, str, str, SkillLevel, str]:
    name, raw_id, code, raw_level, recommendation = (_cell(v) for v in values[:5])
    if not 2 <= len(name) <= 30:
        raise _RowRejected("TALENT_NAME_MISSING", "姓名应为 2–30 个字")
    try:
        number = pii.normalize_id_number(raw_id)
    except ValidationFailed as exc:
        raise _RowRejected(exc.code, exc.message) from exc
    if code not in occupations():
        raise _RowRejected("TALENT_OCCUPATION_UNKNOWN", f"职业编码「{code}」不在国家职业分类大典目录中")
    level = parse_level(raw_level)
    if level is None:
        raise _RowRejected("TALENT_LEVEL_UNKNOWN", f"技能等级「{raw_level}」无法识别，应为五级/初级工至一级/高级技师")
    if not 10 <= len(recommendation) <= 2000:
        raise _RowRejected("TALENT_RECOMMENDATION_LENGTH", "推荐理由应为 10–2000 字")
    return name, number, code, level, recommendation


def bulk_declare(principal: Principal, round_id: str, upload_id: str) -> TalentBulkResult:
    """Check every row of an uploaded template; declare (and submit) the good rows once — a person
    this enterprise already declared in the round is counted, not declared again — and list the
    rejected rows with their row number and reason."""
    rnd = _enterprise_round(principal, round_id)
    _require_open(rnd)
    if not _UPLOAD_ID.fullmatch(upload_id):
        raise NotFound("找不到该上传文件", code="TALENT_UPLOAD_NOT_FOUND")
    key = _bulk_key(round_id, principal.org_path, upload_id)
    data = storage.read(key, MAX_BULK_BYTES)
    if data is None:
        raise NotFound("找不到该上传文件，请先上传", code="TALENT_UPLOAD_NOT_FOUND")
    try:
        if not data:
            raise PayloadTooLarge(f"文件超过 {MAX_BULK_BYTES // 1024 // 1024} MB 上限", code="TALENT_BULK_TOO_LARGE")
        rows = _read_rows(data)
    finally:
        storage.delete(key)
    result = _declare_rows(principal, rnd, rows)
    return TalentBulkResult(upload_id=upload_id, **result,
                            next_step="新申报已提交区县工会审核，结果会发到消息中心；被拒的行改正后可再次上传，"
                                      "已申报的人不会重复申报")


def _declare_rows(principal: Principal, rnd: TalentRound, rows: list[tuple[int, list[object]]]) -> dict[str, Any]:
    from chalicelib.identity import logic as identity

    rejected: list[TalentBulkRejection] = []
    good: list[tuple[int, str, str, str, SkillLevel, str, str]] = []   # row, name, number, code, level, text, hash
    seen: dict[str, int] = {}
    for number, values in rows:
        try:
            name, id_number, code, level, text = _check_row(values)
        except _RowRejected as exc:
            rejected.append(TalentBulkRejection(row=number, code=exc.code, reason=exc.reason))
            continue
        id_hash = pii.lookup_hash(id_number)
        if id_hash in seen:
            rejected.append(TalentBulkRejection(row=number, code="TALENT_DUPLICATE_ROW",
                                                reason=f"与第 {seen[id_hash]} 行是同一人"))
            continue
        seen[id_hash] = number
        good.append((number, name, id_number, code, level, text, id_hash))
    on_roster = identity.roster_names(principal.org_path, [g[6] for g in good])
    existing = {d.declaration_id: d for d in TalentDeclaration.batch_get(
        [declaration_id_of(rnd.round_id, g[6]) for g in good], attributes_to_get=["declaration_id", "org_path"])}
    already = 0
    fresh: list[tuple[int, str, str, str, SkillLevel, str, str]] = []
    for row in good:
        number, name, _, _, _, _, id_hash = row
        found = existing.get(declaration_id_of(rnd.round_id, id_hash))
        if id_hash not in on_roster:
            rejected.append(TalentBulkRejection(row=number, code="TALENT_NOT_ON_ROSTER",
                                                reason="该职工不在本单位工会会员名册中"))
        elif on_roster[id_hash] != name:
            rejected.append(TalentBulkRejection(row=number, code="TALENT_NAME_MISMATCH",
                                                reason="姓名与工会会员名册不一致"))
        elif found is not None and found.org_path == principal.org_path:
            already += 1
        elif found is not None:
            rejected.append(TalentBulkRejection(row=number, code="TALENT_ALREADY_DECLARED",
                                                reason="该职工在本批次已由其他单位申报"))
        else:
            fresh.append(row)
    try:
        counter = TalentCounter.get(f"progress#{rnd.round_id}", principal.org_path, consistent_read=True)
        used = int(counter.submitted or 0)
    except TalentCounter.DoesNotExist:
        used = 0
    room = max(0, int(rnd.quota_per_enterprise) - used)
    for number, *_ in fresh[room:]:
        rejected.append(TalentBulkRejection(row=number, code="TALENT_QUOTA_EXCEEDED",
                                            reason=f"超出本单位本批次名额（{int(rnd.quota_per_enterprise)} 人）"))
    fresh = fresh[:room]
    org_name, now = _org_name(principal.org_path), clock.now_iso()
    declared = 0
    for start in range(0, len(fresh), BULK_CHUNK):
        chunk = fresh[start:start + BULK_CHUNK]
        decls = [_new_declaration(principal, rnd, org_name, real_name=name, number=id_number, occupation_code=code,
                                  level=level, recommendation=text, submit=True, now=now)
                 for _, name, id_number, code, level, text, _ in chunk]
        try:
            _insert(principal, rnd, decls)
            declared += len(decls)
        except Conflict:
            # Someone declared one of these people (or used the quota) meanwhile: one by one.
            for (number, *_), decl in zip(chunk, decls, strict=True):
                try:
                    _insert(principal, rnd, [decl])
                    declared += 1
                except Conflict as exc:
                    if exc.code == ALREADY_DECLARED.code:
                        already += 1
                    else:
                        rejected.append(TalentBulkRejection(row=number, code=exc.code, reason=exc.message))
    rejected.sort(key=lambda r: r.row)
    return {"rows": len(rows), "declared": declared, "already_declared": already, "rejected": rejected}


# --- the talent pool --------------------------------------------------------------------------------

def _pool_row(talent: Talent) -> TalentPoolRow:
    level = SkillLevel(talent.level)
    return TalentPoolRow(talent_id=talent.talent_id, real_name=pii.unseal(talent.name_sealed),
                         id_masked=talent.id_masked, org_path=talent.org_path, org_name=talent.org_name,
                         occupation_code=talent.occupation_code,
                         occupation_name=occupations().get(talent.occupation_code, talent.occupation_code),
                         level=level, level_name=LEVEL_NAMES[level], year=int(talent.year),
                         approved_at=talent.approved_at)


def talent_pool(principal: Principal, query: TalentPoolQuery) -> TalentPoolPage:
    """Approved talents under ``org`` (a city, district or enterprise), by occupation and/or
    level: each combination is one Query of one index narrowed to the org, paged."""
    node = query.org or principal.org_path
    if not principal.covers(node):
        raise ORG_NOT_FOUND
    prefix = f"{node}#" if _depth(node) >= 4 else f"{node}/"
    bound = f"talents-pool:{node}:{query.occupation_code}:{query.level}"
    start = decode_cursor(query.cursor, bound_to=bound)
    level = query.level.value if query.level else None
    kwargs: dict[str, Any] = {"limit": query.limit, "last_evaluated_key": start}
    if query.occupation_code:
        occupation_name(query.occupation_code)
        if level:
            kwargs["filter_condition"] = Talent.level == level
        page = Talent.by_occupation.query(query.occupation_code, Talent.scope_key.startswith(prefix), **kwargs)
    elif level:
        page = Talent.by_level.query(level, Talent.scope_key.startswith(prefix), **kwargs)
    elif _depth(node) >= 2:
        page = Talent.by_city.query(city_of(node), Talent.scope_key.startswith(prefix), **kwargs)
    else:
        raise ValidationFailed("全省范围请按职业或技能等级查询，或选择市、区县", code="TALENT_POOL_FILTER_NEEDED")
    items = [_pool_row(t) for t in page]
    return TalentPoolPage(items=items, next_cursor=encode_cursor(page.last_evaluated_key, bound_to=bound))


def pool_counts(principal: Principal, org: str | None) -> TalentCountsView:
    """Talents in the pool per district under ``org`` against each district's target (default
    1000): one Query of the pool counters and one of the targets."""
    node = org or principal.org_path
    if not principal.covers(node):
        raise ORG_NOT_FOUND
    if _depth(node) > 3:
        raise ValidationFailed("请按市或区县查看人才数量", code="TALENT_COUNTS_ORG_LEVEL")

    def under(bucket: str) -> Iterable[TalentCounter]:
        if _depth(node) == 3:
            return TalentCounter.query(bucket, TalentCounter.key == node)
        return TalentCounter.query(bucket, TalentCounter.key.startswith(node + "/"))

    approved = {c.key: int(c.approved or 0) for c in under("pool")}
    targets = {c.key: int(c.target) for c in under("target") if c.target is not None}
    districts = sorted(set(approved) | set(targets) | ({node} if _depth(node) == 3 else set()))
    items = []
    for district in districts:
        target = targets.get(district, DEFAULT_TARGET)
        count = approved.get(district, 0)
        items.append(TalentCountRow(org_path=district, approved=count, target=target,
                                    percent=round(100 * count / target, 1)))
    return TalentCountsView(org_path=node, items=items, total=sum(approved.values()))


def set_target(principal: Principal, org_path: str, target: int) -> TalentCountsView:
    if _depth(org_path) != 3:
        raise ValidationFailed("目标人数按区县设定", code="TALENT_TARGET_ORG_LEVEL",
                               details=[{"field": "org_path", "value": org_path}])
    if not principal.covers(org_path):
        raise ORG_NOT_FOUND
    from chalicelib.orgs import logic as orgs

    if not orgs.exists(org_path):
        raise ORG_NOT_FOUND
    TalentCounter("target", org_path).update(actions=[TalentCounter.target.set(target)])
    return pool_counts(principal, org_path)

