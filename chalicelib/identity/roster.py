"""The union roster (智慧工会数据库 export): presigned upload → S3 event → chunks on a queue →
batch writes, with rows accepted/rejected (row number and reason), a progress bar, and a
sweep that marks who left when a scope is imported again.

The admin says what an import does: ``add`` writes the rows of the file and nothing else;
``replace`` also marks the scope's active members missing from the file as left. A
``dry_run`` counts what would change (added, updated, unchanged, would leave) and applies
nothing; a replace that would mark more than a set share of the scope's members as left is
refused (failed, ``ROSTER_REPLACE_NEEDS_CONFIRMATION``) unless the admin confirmed it.
Every failure ends the import ``failed`` with a code and a Chinese reason, and the file is
deleted; a watchdog fails an import that stopped moving (a Lambda killed, a chunk in the DLQ).

ID numbers are validated and turned into keyed hashes while the file is split, so neither
the chunk messages nor the tables hold them; phone numbers likewise. The uploaded file is
deleted once it has been split.
"""
from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import unquote_plus

from pynamodb.exceptions import TransactWriteError, UpdateError
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from chalicelib.orgs.schemas import check_path
from chalicelib.platform import clock, pii
from chalicelib.platform.auth import Principal
from chalicelib.platform.db import dynamo_errors
from chalicelib.platform.errors import Conflict, NotFound, ValidationFailed
from chalicelib.platform.events import Actor, publish, transaction
from chalicelib.platform.observability import logger
from chalicelib.platform.pagination import decode_cursor, encode_cursor
from chalicelib.platform.schema import clean_text, one_line
from chalicelib.platform.settings import get_settings

from . import uploads
from .logic import FEATURE, _connection, apply_roster_status
from .models import RosterChunk, RosterEntry, RosterImport, RosterRejection
from .roster_files import RosterFile, RosterFileError, cell, read_roster
from .schemas import (
    NewRosterImport,
    RejectionPage,
    RejectionView,
    RosterImportPage,
    RosterImportView,
    RosterUpload,
)

PREFIX = uploads.ROSTER_PREFIX
CHUNK_ROWS = 500
# Who joined or left the active roster, per org, as each chunk (or sweep page) lands: data
# ``{"import_id", "changes": [{"org_path", "added", "left"}]}``.
ROSTER_CHANGED = "RosterMembersChanged"
SWEEP_PAGE = 98   # a page's leavers, the import's count and the event: one transaction (<= 100 items)
UPLOAD_EXPIRES = 900
MAX_STORED_REJECTIONS = 5000
_CHUNK_TTL = timedelta(days=7)
OPEN = "open"                       # RosterImport.watch while the import is not finished
STALL_AFTER = timedelta(hours=2)    # an import not finished by then is failed by the watchdog
STATUS_WORDS = {
    "active": ("在会", "会员", "正常", "有效", "在册", "active"),
    "left": ("离会", "退会", "转出", "注销", "已离会", "离职", "left", "inactive"),
}
_PHONE = re.compile(r"^1[3-9]\d{9}$")


# --- starting an import ------------------------------------------------------------------

def start_import(principal: Principal, request: NewRosterImport) -> RosterUpload:
    """A union admin asks to upload a roster for a node inside their scope."""
    from chalicelib.orgs import logic as orgs

    if not principal.covers(request.scope) or not orgs.exists(request.scope):
        raise NotFound("找不到该组织", code="ORG_NOT_FOUND")
    suffix = PurePosixPath(request.file_name).suffix.lower().lstrip(".")
    if suffix != request.file_format:
        raise ValidationFailed(f"文件扩展名应为 .{request.file_format}", code="ROSTER_FILE_NAME")
    import_id = f"ri-{uuid.uuid4().hex[:20]}"
    key = f"{PREFIX}{import_id}.{request.file_format}"
    RosterImport(import_id, scope=request.scope, file_name=request.file_name, file_format=request.file_format,
                 object_key=key, uploaded_by=principal.user_id, created_at=clock.now_iso(), mode=request.mode,
                 dry_run=request.dry_run, confirm_leavers=request.confirm_leavers, watch=OPEN).save(
        condition=RosterImport.import_id.does_not_exist())
    url, headers = uploads.presign_put(key, request.file_format, expires_in=UPLOAD_EXPIRES)
    return RosterUpload(import_id=import_id, upload_url=url, upload_headers=headers, object_key=key,
                        expires_in=UPLOAD_EXPIRES)


def _import_view(imp: RosterImport) -> RosterImportView:
    total, done = int(imp.rows_total or 0), int(imp.rows_done or 0)
    if imp.status in ("completed", "previewed"):
        percent = 100
    elif total:
        percent = min(99, done * 100 // total)
    else:
        percent = 0
    return RosterImportView(
        import_id=imp.import_id, scope=imp.scope, file_name=imp.file_name, file_format=imp.file_format,
        status=imp.status, encoding=imp.encoding, rows_total=total, rows_done=done,
        rows_accepted=int(imp.rows_accepted or 0), rows_rejected=int(imp.rows_rejected or 0),
        rows_left=int(imp.rows_left or 0), mode=imp.mode, dry_run=bool(imp.dry_run),  # type: ignore[arg-type]
        rows_added=_count(imp.rows_added), rows_updated=_count(imp.rows_updated),
        rows_unchanged=_count(imp.rows_unchanged), rows_would_leave=_count(imp.rows_would_leave),
        members_before=_count(imp.members_before), progress_percent=percent, error_code=imp.error_code,
        error_message=imp.error_message, created_at=imp.created_at, finished_at=imp.finished_at)


def _count(value: object) -> int | None:
    return None if value is None else int(value)  # type: ignore[call-overload]


def _import_in_scope(principal: Principal, import_id: str) -> RosterImport:
    try:
        imp = RosterImport.get(import_id)
    except RosterImport.DoesNotExist:
        imp = None
    if imp is None or not principal.covers(imp.scope):
        raise NotFound("找不到该导入任务", code="ROSTER_IMPORT_NOT_FOUND")
    return imp


def import_status(principal: Principal, import_id: str) -> RosterImportView:
    return _import_view(_import_in_scope(principal, import_id))


def list_imports(principal: Principal, scope: str, *, limit: int, cursor: str | None) -> RosterImportPage:
    if not principal.covers(scope):
        raise NotFound("找不到该组织", code="ORG_NOT_FOUND")
    bound = f"identity-rosters:{scope}"
    page = RosterImport.by_scope.query(scope, scan_index_forward=False, limit=limit,
                                       last_evaluated_key=decode_cursor(cursor, bound_to=bound))
    items = [_import_view(i) for i in page]
    return RosterImportPage(items=items, next_cursor=encode_cursor(page.last_evaluated_key, bound_to=bound))


def rejections(principal: Principal, import_id: str, *, limit: int, cursor: str | None) -> RejectionPage:
    _import_in_scope(principal, import_id)
    bound = f"identity-rejections:{import_id}"
    page = RosterRejection.query(import_id, limit=limit, last_evaluated_key=decode_cursor(cursor, bound_to=bound))
    items = [RejectionView(row_no=int(r.row_no), field=r.field, code=r.code, reason=r.reason) for r in page]
    return RejectionPage(items=items, next_cursor=encode_cursor(page.last_evaluated_key, bound_to=bound))


# --- splitting an uploaded file ----------------------------------------------------------

class RowRejected(Exception):
    def __init__(self, field: str, code: str, reason: str) -> None:
        super().__init__(reason)
        self.field, self.code, self.reason = field, code, reason


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return one_line(clean_text(str(value)))  # as every API string: no hidden characters, one line


def parse_status(value: object) -> str:
    word = _text(value).lower()
    for status, words in STATUS_WORDS.items():
        if word in words:
            return status
    raise RowRejected("status", "ROW_STATUS", f"会员状态“{_text(value)[:10]}”无法识别，应为 在会 或 离会")


def check_row(row: list[object], columns: dict[str, int], scope: str, org_exists: Callable[[str], bool]
              ) -> dict[str, Any]:
    """One roster row → what is stored (hashes instead of numbers), or ``RowRejected``."""
    name = _text(cell(row, columns, "name"))
    if not name:
        raise RowRejected("name", "ROW_NAME_MISSING", "姓名为空")
    if len(name) > 30:
        raise RowRejected("name", "ROW_NAME_TOO_LONG", "姓名超过 30 个字")
    raw_id = cell(row, columns, "id_number")
    if isinstance(raw_id, (int, float)) and not isinstance(raw_id, bool):
        raise RowRejected("id_number", "ROW_ID_NUMBER_AS_NUMBER",
                          "身份证号被存成了数字（末几位可能已丢失），请把该列设为文本后重新导出")
    try:
        number = pii.normalize_id_number(_text(raw_id))
    except ValidationFailed as exc:
        raise RowRejected("id_number", exc.code, exc.message) from exc
    enterprise = _text(cell(row, columns, "enterprise"))
    if not enterprise:
        raise RowRejected("enterprise", "ROW_ENTERPRISE_MISSING", "单位名称为空")
    if len(enterprise) > 60:
        raise RowRejected("enterprise", "ROW_ENTERPRISE_TOO_LONG", "单位名称超过 60 个字")
    org_path = _text(cell(row, columns, "org_path")).strip("/")
    try:
        check_path(org_path)
    except ValueError as exc:
        raise RowRejected("org_path", "ROW_ORG_FORMAT", "工会组织路径格式不正确，例如 zj/hz/xihu/e-xxx") from exc
    if org_path != scope and not org_path.startswith(scope + "/"):
        raise RowRejected("org_path", "ROW_ORG_OUT_OF_SCOPE", f"工会组织不在本次导入范围（{scope}）内")
    if not org_exists(org_path):
        raise RowRejected("org_path", "ROW_ORG_UNKNOWN", "工会组织不存在，请先在系统中登记该企业工会")
    status = parse_status(cell(row, columns, "status"))
    phone_hash = None
    phone = re.sub(r"[\s-]", "", _text(cell(row, columns, "phone")))
    if phone:
        phone = phone.removeprefix("+86")
        if not _PHONE.fullmatch(phone):
            raise RowRejected("phone", "ROW_PHONE", "手机号格式不正确")
        phone_hash = pii.lookup_hash(phone, kind="phone")
    return {"h": pii.lookup_hash(number), "o": org_path, "n": name, "e": enterprise, "s": status, "p": phone_hash}


def import_id_of(key: str) -> str | None:
    match = re.fullmatch(re.escape(PREFIX) + r"(ri-[0-9a-f]{20})\.(csv|xlsx)", key)
    return match.group(1) if match else None


def import_uploaded(bucket: str, raw_key: str, *, send: Callable[[dict[str, Any]], Any] | None = None) -> str:
    """The S3 event: read the file, check every row, queue the accepted rows in chunks."""
    key = unquote_plus(raw_key)
    import_id = import_id_of(key)
    if import_id is None:
        logger.warning("roster upload with an unexpected key", extra={"key": key[:100]})
        _discard(bucket, key)
        return "ignored"
    try:
        imp = RosterImport.get(import_id, consistent_read=True)
    except RosterImport.DoesNotExist:
        logger.warning("roster upload without an import", extra={"import_id": import_id})
        _discard(bucket, key)
        return "ignored"
    # S3 may deliver the event twice, and Lambda retries a failed split: every step below is
    # safe to repeat, so an import still "splitting" may be split again; once "running" it is not.
    try:
        imp.update(actions=[RosterImport.status.set("splitting"), RosterImport.started_at.set(clock.now_iso())],
                   condition=RosterImport.status.is_in("awaiting_upload", "splitting"))
    except UpdateError as exc:
        if exc.cause_response_code != "ConditionalCheckFailedException":
            raise
        _discard(bucket, key)  # read already, or put again after the import ended: not kept either way
        return "duplicate"
    try:
        try:
            data = uploads.read_object(bucket, key)
        except uploads.FileTooLarge as exc:
            raise RosterFileError("ROSTER_TOO_LARGE", "名册文件超过 64 MB，请按组织拆分后上传") from exc
        parsed = read_roster(data, imp.file_format)
    except RosterFileError as exc:
        _fail(imp, exc.code, exc.message)
        _discard(bucket, key)
        return "failed"
    del data
    accepted, rejected = _check_rows(parsed.rows, parsed.columns, imp.scope)
    fresh = _first_import_of_scope(imp)
    with RosterRejection.batch_write() as batch:
        for row_no, field, code, reason in rejected[:MAX_STORED_REJECTIONS]:
            batch.save(RosterRejection(import_id, row_no, field=field, code=code, reason=reason))
    sweep = imp.mode == "replace" and not fresh
    if imp.dry_run or sweep:
        outcome = _count_changes(imp, parsed, accepted, rejected, sweep=sweep)
        if outcome is not None:
            _discard(bucket, key)
            return outcome
    chunks = [accepted[i: i + CHUNK_ROWS] for i in range(0, len(accepted), CHUNK_ROWS)]
    try:  # totals once: a repeated split finds them set
        imp.update(actions=[RosterImport.encoding.set(parsed.encoding), RosterImport.rows_total.set(len(parsed.rows)),
                            RosterImport.rows_done.add(len(rejected)), RosterImport.rows_rejected.set(len(rejected)),
                            RosterImport.chunks_total.set(len(chunks))],
                   condition=(RosterImport.status == "splitting") & (RosterImport.rows_total == 0))
    except UpdateError as exc:
        if exc.cause_response_code != "ConditionalCheckFailedException":
            raise
    send = send or _send_work
    for number, rows in enumerate(chunks):  # a re-sent chunk is counted once (chunk markers)
        send({"kind": "chunk", "import_id": import_id, "scope": imp.scope, "chunk_no": number, "fresh": fresh,
              "sweep": sweep, "rows": rows})
    try:
        RosterImport(import_id).update(actions=[RosterImport.status.set("running")],
                                       condition=RosterImport.status == "splitting")
    except UpdateError as exc:
        if exc.cause_response_code != "ConditionalCheckFailedException":
            raise
    _discard(bucket, key)
    _finish_if_done(import_id, send, sweep=sweep)
    logger.info("roster split", extra={"import_id": import_id, "rows": len(parsed.rows), "accepted": len(accepted),
                                       "rejected": len(rejected), "chunks": len(chunks)})
    return "split"


def _count_changes(imp: RosterImport, parsed: RosterFile, accepted: list[dict[str, Any]],
                   rejected: list[tuple[int, str, str, str]], *, sweep: bool) -> str | None:
    """Before anything is written: how many rows add, update or leave unchanged an entry, and
    how many of the scope's active members a replace would mark as left. A dry run ends here
    ("previewed"); so does a replace over the share without confirmation ("failed")."""
    keys = [(r["h"], r["o"]) for r in accepted]
    fields = ["id_hash", "org_path", "name", "enterprise", "status", "phone_hash"]
    # What this scope's imports wrote (one paged Query), then only the rows not among them.
    before: dict[tuple[str, str], tuple[Any, ...]] = {}
    for entry in RosterEntry.by_roster_scope.query(imp.scope, attributes_to_get=fields):
        before[(entry.id_hash, entry.org_path)] = (entry.name, entry.enterprise, entry.status, entry.phone_hash)
    active = {k for k, v in before.items() if v[2] == "active"} if imp.mode == "replace" else set()
    elsewhere = [k for k in keys if k not in before]
    for entry in RosterEntry.batch_get(elsewhere, attributes_to_get=fields):
        before[(entry.id_hash, entry.org_path)] = (entry.name, entry.enterprise, entry.status, entry.phone_hash)
    added = sum(1 for k in keys if k not in before)
    unchanged = sum(1 for r in accepted if before.get((r["h"], r["o"])) == (r["n"], r["e"], r["s"], r["p"]))
    would_leave = len(active - set(keys))
    actions: list[Action] = [RosterImport.rows_added.set(added),
                             RosterImport.rows_updated.set(len(keys) - added - unchanged),
                             RosterImport.rows_unchanged.set(unchanged),
                             RosterImport.rows_would_leave.set(would_leave)]
    if imp.mode == "replace":
        actions.append(RosterImport.members_before.set(len(active)))
    if imp.dry_run:  # the totals are written here; an import that goes on writes them with its chunks
        actions += [RosterImport.status.set("previewed"), RosterImport.encoding.set(parsed.encoding),
                    RosterImport.rows_total.set(len(parsed.rows)), RosterImport.rows_done.set(len(parsed.rows)),
                    RosterImport.rows_rejected.set(len(rejected)), RosterImport.rows_accepted.set(len(accepted)),
                    RosterImport.finished_at.set(clock.now_iso()), RosterImport.watch.remove()]
    try:
        imp.update(actions=actions, condition=RosterImport.status == "splitting")
    except UpdateError as exc:
        if exc.cause_response_code != "ConditionalCheckFailedException":
            raise
        return "duplicate"
    if imp.dry_run:
        logger.info("roster previewed", extra={"import_id": imp.import_id, "rows": len(parsed.rows)})
        return "previewed"
    limit = get_settings().roster_max_leave_percent
    if sweep and not imp.confirm_leavers and would_leave * 100 > limit * len(active):
        share = would_leave * 100 // max(1, len(active))
        _fail(imp, "ROSTER_REPLACE_NEEDS_CONFIRMATION",
              f"以名册替换将使本范围 {len(active)} 名在会会员中的 {would_leave} 名（约 {share}%）标记为离会，"
              f"超过 {limit}%。请先预演核对，确认无误后勾选“确认离会”重新导入，或改用“仅新增/更新”方式")
        return "failed"
    return None


def _discard(bucket: str, key: str) -> None:
    """The uploaded file holds plain ID numbers: it is not kept once read (failures are logged,
    and the bucket's own expiry is the backstop)."""
    try:
        uploads.delete_object(bucket, key)
    except Exception:
        logger.exception("roster file could not be deleted", extra={"key": key[:100]})


def _check_rows(rows: list[tuple[int, list[object]]], columns: dict[str, int], scope: str
                ) -> tuple[list[dict[str, Any]], list[tuple[int, str, str, str]]]:
    from chalicelib.orgs import logic as orgs

    known: dict[str, bool] = {}

    def org_exists(path: str) -> bool:
        if path not in known:
            known[path] = orgs.exists(path)
        return known[path]

    seen: dict[tuple[str, str], int] = {}
    accepted: list[dict[str, Any]] = []
    rejected: list[tuple[int, str, str, str]] = []
    for row_no, row in rows:
        try:
            checked = check_row(row, columns, scope, org_exists)
            first = seen.setdefault((checked["h"], checked["o"]), row_no)
            if first != row_no:
                raise RowRejected("id_number", "ROW_DUPLICATE", f"与第 {first} 行的身份证号重复")
        except RowRejected as exc:
            rejected.append((row_no, exc.field, exc.code, exc.reason))
            continue
        checked["r"] = row_no
        accepted.append(checked)
    return accepted, rejected


def _first_import_of_scope(imp: RosterImport) -> bool:
    """No earlier import of this scope wrote anything (dry runs and failures did not)."""
    for earlier in RosterImport.by_scope.query(imp.scope, scan_index_forward=False, limit=20):
        if earlier.import_id != imp.import_id and earlier.status in ("completed", "sweeping", "running", "splitting"):
            return False
    return True


def _fail(imp: RosterImport, code: str, message: str) -> bool:
    """End an unfinished import as failed, with a reason the admin sees."""
    return _end(imp, [RosterImport.status.set("failed"), RosterImport.error_code.set(code),
                      RosterImport.error_message.set(message), RosterImport.finished_at.set(clock.now_iso()),
                      RosterImport.watch.remove()],
                condition=RosterImport.status.is_in(*_UNFINISHED), detail_type="RosterImportFailed",
                data={"import_id": imp.import_id, "code": code})


def _end(imp: RosterImport, actions: list[Action], *, condition: Any, detail_type: str,
         data: dict[str, Any]) -> bool:
    """Move an import to its end state and announce it in ONE transaction (the outbox): the
    event is published if and only if this call ended the import (False when the condition
    found it ended already, e.g. a redelivered last chunk)."""
    try:
        with dynamo_errors(Conflict()), transaction() as tx:
            tx.update(imp, actions=actions, condition=condition)
            publish(FEATURE, detail_type, data=data, org=imp.scope, actor=_uploader(imp), tx=tx)
    except Conflict:
        return False
    return True


_UNFINISHED = ("awaiting_upload", "splitting", "running", "sweeping")


def fail_import(import_id: str, code: str, message: str) -> bool:
    """A chunk that went to the DLQ, or the watchdog: the import ends failed."""
    try:
        imp = RosterImport.get(import_id, consistent_read=True)
    except RosterImport.DoesNotExist:
        return False
    return _fail(imp, code, message)


def fail_stalled_imports(*, now: datetime | None = None) -> int:
    """The watchdog (a schedule): an import not finished ``STALL_AFTER`` after it was asked
    for never will be (upload abandoned, a Lambda killed on every retry, a chunk in the DLQ).
    It is failed, and a file still in the bucket is deleted (the bucket expires it anyway)."""
    cutoff = clock.isoformat((now or clock.now()) - STALL_AFTER)
    failed = 0
    for imp in RosterImport.by_watch.query(OPEN, RosterImport.created_at < cutoff):
        waiting = imp.status == "awaiting_upload"
        message = ("名册文件未在有效期内上传，请重新发起导入" if waiting
                   else "名册导入长时间未完成，已停止；已写入的行保留，请重新导入以确保完整")
        if _fail(imp, "ROSTER_UPLOAD_EXPIRED" if waiting else "ROSTER_STALLED", message):
            failed += 1
            _discard(get_settings().uploads_bucket, imp.object_key)
    return failed


def _uploader(imp: RosterImport) -> Actor:
    return Actor(user_id=imp.uploaded_by, role="union_admin")


def _send_work(body: dict[str, Any]) -> None:
    from chalicelib.platform.queues import send

    from .specs import ROSTER_QUEUE

    send(ROSTER_QUEUE, body)


# --- the chunk Lambda ------------------------------------------------------------------------

def roster_changes(moves: list[tuple[str | None, str, str]]) -> list[dict[str, Any]]:
    """(status before or None, status after, org) per row → per org how many joined the active
    roster and how many left it (rows whose standing did not change count for nothing)."""
    per_org: dict[str, dict[str, int]] = {}
    for before, after, org in moves:
        was, now = before == "active", after == "active"
        if was != now:
            counts = per_org.setdefault(org, {"added": 0, "left": 0})
            counts["added" if now else "left"] += 1
    return [{"org_path": org, **counts} for org, counts in sorted(per_org.items())]


def handle_work(body: dict[str, Any]) -> str:
    if body.get("kind") == "chunk":
        return write_chunk(body)
    if body.get("kind") == "sweep":
        return sweep_leavers(body["import_id"], body.get("cursor"))
    raise ValueError(f"unknown roster work {body.get('kind')!r}")


def write_chunk(body: dict[str, Any], *, send: Callable[[dict[str, Any]], Any] | None = None) -> str:
    """Write one chunk of roster rows (25 per BatchWriteItem) and move the progress bar once."""
    import_id, scope, chunk_no, rows = body["import_id"], body["scope"], int(body["chunk_no"]), body["rows"]
    now = clock.now_iso()
    previous: dict[tuple[str, str], str] = {}
    if not body.get("fresh"):
        keys = [(r["h"], r["o"]) for r in rows]
        for entry in RosterEntry.batch_get(keys, attributes_to_get=["id_hash", "org_path", "status"]):
            previous[(entry.id_hash, entry.org_path)] = entry.status
    with RosterEntry.batch_write() as batch:
        for r in rows:
            batch.save(RosterEntry(r["h"], r["o"], name=r["n"], enterprise=r["e"], status=r["s"], phone_hash=r.get("p"),
                                   roster_scope=scope, import_id=import_id, source="import", updated_at=now))
    for r in rows:
        before = previous.get((r["h"], r["o"]))
        if before is not None and before != r["s"]:
            apply_roster_status(r["h"], r["o"], r["s"], import_id=import_id)
    changes = roster_changes([(previous.get((r["h"], r["o"])), r["s"], r["o"]) for r in rows])
    try:
        with TransactWrite(connection=_connection()) as tx:
            tx.save(RosterChunk(import_id, chunk_no, rows=len(rows), expires=clock.now() + _CHUNK_TTL),
                    condition=RosterChunk.chunk_no.does_not_exist())
            if changes:  # counted with the chunk, once (the figures roll-ups read it)
                publish(FEATURE, ROSTER_CHANGED, org=scope, event_id=f"roster-{import_id}-{chunk_no}", tx=tx,
                        data={"import_id": import_id, "changes": changes})
            tx.update(RosterImport(import_id), actions=[RosterImport.rows_done.add(len(rows)),
                                                        RosterImport.rows_accepted.add(len(rows))],
                      condition=RosterImport.status.is_in("splitting", "running"))
    except TransactWriteError as exc:
        codes = {r.code for r in (exc.cancellation_reasons or []) if r is not None}
        if "ConditionalCheckFailed" in codes:
            return "duplicate"  # this chunk was counted already
        raise
    # Chunks queued before import modes carry no "sweep": they swept whenever not fresh.
    _finish_if_done(import_id, send or _send_work, sweep=bool(body.get("sweep", not body.get("fresh"))))
    return "written"


def _finish_if_done(import_id: str, send: Callable[[dict[str, Any]], Any], *, sweep: bool) -> None:
    imp = RosterImport.get(import_id, consistent_read=True)
    if imp.status == "running" and int(imp.rows_total) and int(imp.rows_done) >= int(imp.rows_total):
        _finish_writes(import_id, send, sweep=sweep)


def _finish_writes(import_id: str, send: Callable[[dict[str, Any]], Any], *, sweep: bool) -> None:
    """Every row is written: look for members who are no longer on the roster."""
    try:
        RosterImport(import_id).update(actions=[RosterImport.status.set("sweeping")],
                                       condition=RosterImport.status == "running")
    except UpdateError as exc:
        if exc.cause_response_code != "ConditionalCheckFailedException":
            raise
        return
    if sweep:
        send({"kind": "sweep", "import_id": import_id, "cursor": None})
    else:
        _complete(import_id)


def sweep_leavers(import_id: str, cursor: str | None, *, send: Callable[[dict[str, Any]], Any] | None = None) -> str:
    """Entries this scope's earlier imports wrote and this one did not: they left the union."""
    imp = RosterImport.get(import_id, consistent_read=True)
    if imp.status != "sweeping":
        return "skipped"
    start = json.loads(cursor) if cursor else None
    page = RosterEntry.by_roster_scope.query(
        imp.scope, limit=SWEEP_PAGE, last_evaluated_key=start,
        filter_condition=(RosterEntry.import_id != import_id) & (RosterEntry.status == "active"))
    page_id = hashlib.sha256((cursor or "first").encode()).hexdigest()[:16]
    for entry in _mark_left(imp, list(page), event_id=f"roster-sweep-{import_id}-{page_id}"):
        apply_roster_status(entry.id_hash, entry.org_path, "left", import_id=import_id)
    if page.last_evaluated_key:
        (send or _send_work)({"kind": "sweep", "import_id": import_id, "cursor": json.dumps(page.last_evaluated_key)})
        return "continued"
    _complete(import_id)
    return "completed"


def _mark_left(imp: RosterImport, candidates: list[RosterEntry], *, event_id: str) -> list[RosterEntry]:
    """Mark a sweep page's entries as left, count them on the import and announce them, in one
    transaction (so a crash cannot leave entries marked whose departure was never counted or
    announced: a redelivered page no longer finds them). An entry that changed meanwhile (a
    newer import wrote it) is left out. Returns the entries marked."""
    import_id = imp.import_id
    now = clock.now_iso()
    still = candidates
    while still:
        try:
            with transaction() as tx:
                for entry in still:
                    tx.update(entry, actions=[RosterEntry.status.set("left"), RosterEntry.updated_at.set(now)],
                              condition=(RosterEntry.import_id != import_id) & (RosterEntry.status == "active"))
                tx.update(RosterImport(import_id), actions=[RosterImport.rows_left.add(len(still))])
                publish(FEATURE, ROSTER_CHANGED, org=imp.scope, event_id=event_id, tx=tx, data={
                    "import_id": import_id, "changes": roster_changes([("active", "left", e.org_path) for e in still])})
            return still
        except TransactWriteError as exc:
            if "ConditionalCheckFailed" not in {r.code for r in (exc.cancellation_reasons or []) if r is not None}:
                raise
        fresh = {(e.id_hash, e.org_path): e for e in RosterEntry.batch_get(
            [(e.id_hash, e.org_path) for e in still], consistent_read=True)}
        still = [e for e in still if (f := fresh.get((e.id_hash, e.org_path))) is not None
                 and f.import_id != import_id and f.status == "active"]
    return []


def _complete(import_id: str) -> None:
    imp = RosterImport.get(import_id, consistent_read=True)  # the figures the event carries (the sweep is done)
    if imp.status != "sweeping":
        return
    _end(imp, [RosterImport.status.set("completed"), RosterImport.finished_at.set(clock.now_iso()),
               RosterImport.watch.remove()],
         condition=RosterImport.status == "sweeping", detail_type="RosterImported", data={
             "import_id": import_id, "scope": imp.scope, "rows_total": int(imp.rows_total),
             "rows_accepted": int(imp.rows_accepted), "rows_rejected": int(imp.rows_rejected),
             "rows_left": int(imp.rows_left)})
