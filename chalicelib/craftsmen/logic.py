"""南浔工匠 一人一档: the enterprise union keeps a file per craftsman, the district union
verifies each entry, the person reads their own file, the file prints as a PDF, and verified
competition results, advanced operation methods and golden ideas are claimed for the
enterprise's 产改20条 subsidy without typing them again.

- A person is in the file as identity keeps people: the ID number as a lookup hash, sealed
  (AES-GCM) and masked; only someone on the enterprise's union roster gets a file there.
- Entries are never edited silently: each change (an edit, an added piece of evidence) is the
  next version with who and when, written with the current row in one transaction guarded by
  the version the writer saw; a verified entry that changes is unverified again.
- A claim creates the subsidy application (``subsidy.logic.submit_prefilled``; the policy still
  computes the amount) and marks every claimed entry in the same transaction, under the
  condition that it is verified, unchanged and unclaimed: of two concurrent claims exactly one
  is written. A claim held by an application the union *rejected* is released: the entry may
  be claimed again (the marker is replaced under a condition on the rejected holder). An
  approved application keeps its claim even for a line the reviewer did not approve: the
  entry was decided on. A claimed entry cannot change while its claim holds.
- The PDF is drawn on request, put under the bucket's expiring prefix and answered as a
  presigned download: the JSON answer keeps one API contract, needs no binary media types at
  API Gateway, and no file's PDF meets Lambda's 6 MB response limit.
"""
from __future__ import annotations

import hashlib
import re
import uuid
from typing import Any

from pynamodb.exceptions import DoesNotExist, TransactWriteError

from chalicelib.identity import logic as identity
from chalicelib.platform import clock, pii
from chalicelib.platform.auth import Principal
from chalicelib.platform.db import dynamo_errors, get_in_scope
from chalicelib.platform.errors import Conflict, Forbidden, NotFound, ValidationFailed
from chalicelib.platform.events import actor_of, publish, transaction
from chalicelib.platform.pagination import decode_cursor, encode_cursor
from chalicelib.subsidy import logic as subsidy
from chalicelib.subsidy.schemas import ClaimItemBody

from . import pdf, storage
from .models import CraftsmanEntry, CraftsmanEntryVersion, CraftsmanFile, EvidenceAttr
from .schemas import (
    CHANGE_NAMES,
    EVIDENCE_TYPES,
    GENDER_NAMES,
    KIND_NAMES,
    LEVEL_NAMES,
    MAX_EVIDENCE_BYTES,
    CraftsmanClaimBody,
    CraftsmanClaimedEntry,
    CraftsmanClaimView,
    CraftsmanEntryBody,
    CraftsmanEntryEdit,
    CraftsmanEntryView,
    CraftsmanEvidenceBody,
    CraftsmanEvidenceView,
    CraftsmanFileBody,
    CraftsmanFilePage,
    CraftsmanFileRow,
    CraftsmanFileView,
    CraftsmanHistory,
    CraftsmanPdfTicket,
    CraftsmanUploadTicket,
    CraftsmanVersionView,
)

FEATURE = "craftsmen"
FILE_ID = r"cm-[0-9a-f]{24}"
ENTRY_ID = r"ce-[0-9a-f]{16}"
MAX_ENTRIES = 200
MAX_EVIDENCE = 10
# Archive kinds a 产改20条 application can carry, and the policy measure each becomes.
CLAIMABLE = {"competition": "competition", "operation_method": "operation_method", "golden_idea": "golden_idea"}
SECTIONS = ("certificate", "competition", "patent", "operation_method", "golden_idea", "training", "honour")
CONTENT = ("title", "year", "level", "rank", "number", "issuer", "hours", "description")
FILE_NOT_FOUND = NotFound("找不到该工匠档案", code="CRAFTSMEN_FILE_NOT_FOUND")
ENTRY_NOT_FOUND = NotFound("找不到该档案条目", code="CRAFTSMEN_ENTRY_NOT_FOUND")
CHANGED = Conflict("该条目刚被他人修改或核验，请刷新后重试", code="CRAFTSMEN_ENTRY_CHANGED")


def file_id_of(id_hash: str) -> str:
    """One file per person: the id follows from the ID number's lookup hash (itself keyed)."""
    return "cm-" + hashlib.sha256(id_hash.encode()).hexdigest()[:24]


def _entry_sk(entry_id: str) -> str:
    return f"C#{entry_id}"


def _version_sk(entry_id: str, version: int) -> str:
    return f"H#{entry_id}#{version:04d}"


def _district(path: str) -> str:
    return "/".join(path.split("/")[:3])


def _enterprise_of(principal: Principal) -> str:
    if len(principal.org_path.split("/")) < 4:
        raise ValidationFailed("请使用企业工会管理员账号建档", code="CRAFTSMEN_NOT_ENTERPRISE")
    return principal.org_path


# --- files --------------------------------------------------------------------------------

def _born(number: str) -> tuple[str | None, str | None]:
    if len(number) != 18:
        return None, None
    return ("male" if int(number[16]) % 2 else "female"), f"{number[6:10]}-{number[10:12]}-{number[12:14]}"


def create_file(principal: Principal, body: CraftsmanFileBody) -> CraftsmanFileView:
    enterprise = _enterprise_of(principal)
    number = pii.normalize_id_number(body.id_number)
    id_hash = pii.lookup_hash(number)
    entry = identity.roster_match(id_hash)
    if entry is None or entry.org_path != enterprise:
        raise ValidationFailed("该职工不在本企业工会会员名册中，不能为其建立工匠档案", code="CRAFTSMEN_NOT_IN_ROSTER")
    if entry.name != body.real_name:
        raise ValidationFailed("姓名与会员名册中的不一致，请核对", code="CRAFTSMEN_NAME_MISMATCH")
    from chalicelib.orgs import logic as orgs

    try:
        org_name = orgs.get_node(enterprise).name
    except NotFound:
        org_name = entry.enterprise
    now = clock.now_iso()
    file_id = file_id_of(id_hash)
    gender, birth = _born(number)
    record = CraftsmanFile(
        file_id, org_path=enterprise, org_name=org_name, district_path=_district(enterprise),
        list_sort=f"{enterprise}/|{now}|{file_id}", real_name=body.real_name, id_hash=id_hash,
        id_sealed=pii.seal(number), id_masked=pii.mask_id_number(number), gender=gender, birth_date=birth,
        occupation=body.occupation, job_title=body.job_title, created_by=principal.user_id,
        created_by_name=principal.name, created_at=now)
    with dynamo_errors(Conflict("该职工已有工匠档案（一人一档）", code="CRAFTSMEN_FILE_EXISTS")), transaction() as tx:
        tx.save(record, condition=CraftsmanFile.file_id.does_not_exist())
        publish(FEATURE, "CraftsmanFileOpened", data={"file_id": file_id}, org=enterprise,
                actor=actor_of(principal), tx=tx)
    return _file_view(record, [])


def _file_in_scope(principal: Principal, file_id: str) -> CraftsmanFile:
    return get_in_scope(CraftsmanFile, file_id, principal, not_found=FILE_NOT_FOUND, id_pattern=FILE_ID)


def _own_enterprise_file(principal: Principal, file_id: str) -> CraftsmanFile:
    """A file the caller's enterprise keeps (entries come from that enterprise's union only)."""
    record = _file_in_scope(principal, file_id)
    if record.org_path != principal.org_path:
        raise FILE_NOT_FOUND
    return record


def _entries(file_id: str) -> list[CraftsmanEntry]:
    return list(CraftsmanEntry.query(file_id, CraftsmanEntry.sk.startswith("C#"), consistent_read=True))


def get_file(principal: Principal, file_id: str) -> CraftsmanFileView:
    record = _file_in_scope(principal, file_id)
    return _file_view(record, _entries(file_id))


def _my_file(principal: Principal) -> CraftsmanFile:
    id_hash = identity.id_hash_of(principal.user_id)
    if id_hash is None:
        raise NotFound("还没有你的工匠档案（完成实名认证后才能查看）", code="CRAFTSMEN_FILE_NOT_FOUND")
    try:
        return CraftsmanFile.get(file_id_of(id_hash))
    except DoesNotExist as exc:
        raise NotFound("还没有你的工匠档案", code="CRAFTSMEN_FILE_NOT_FOUND") from exc


def my_file(principal: Principal) -> CraftsmanFileView:
    record = _my_file(principal)
    return _file_view(record, _entries(record.file_id))


def list_files(principal: Principal, org: str | None, *, limit: int, cursor: str | None) -> CraftsmanFilePage:
    scope = org or principal.org_path
    if not principal.covers(scope):
        raise NotFound("找不到该组织", code="ORG_NOT_FOUND")
    if len(scope.split("/")) < 3:
        raise ValidationFailed("请用 org 选择一个区县或企业", code="CRAFTSMEN_ORG_REQUIRED",
                               details=[{"field": "org", "type": "missing", "message": "org：请选择区县或企业"}])
    bound = f"craftsmen-files:{scope}"
    page = CraftsmanFile.by_district.query(_district(scope), CraftsmanFile.list_sort.startswith(f"{scope}/"),
                                           limit=limit, last_evaluated_key=decode_cursor(cursor, bound_to=bound))
    rows = [CraftsmanFileRow(file_id=f.file_id, real_name=f.real_name, id_masked=f.id_masked, occupation=f.occupation,
                             org_path=f.org_path, org_name=f.org_name, created_at=f.created_at) for f in page]
    return CraftsmanFilePage(items=rows, next_cursor=encode_cursor(page.last_evaluated_key, bound_to=bound))


# --- views --------------------------------------------------------------------------------

def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def _released(entry: CraftsmanEntry) -> bool:
    """Is the entry's claim released (its application was rejected)? No claim: nothing to release."""
    return bool(entry.claimed_app_id) and subsidy.application_state(str(entry.claimed_app_id)) == "rejected"


def _entry_view(entry: CraftsmanEntry) -> CraftsmanEntryView:
    return CraftsmanEntryView(
        entry_id=entry.entry_id, kind=entry.kind, kind_name=KIND_NAMES[entry.kind],  # type: ignore[arg-type]
        title=entry.title, year=_int(entry.year), level=entry.level,  # type: ignore[arg-type]
        level_name=LEVEL_NAMES.get(entry.level) if entry.level else None, rank=entry.rank, number=entry.number,
        issuer=entry.issuer, hours=_int(entry.hours), description=entry.description,
        evidence=[CraftsmanEvidenceView(key=e.key, filename=e.filename, content_type=e.content_type,
                                        size_bytes=int(e.size_bytes), uploaded_at=e.uploaded_at,
                                        download_url=storage.download_url(e.key, e.filename))
                  for e in entry.evidence],
        version=int(entry.version), verified=bool(entry.verified),
        verified_by_name=entry.verified_by_name if entry.verified else None,
        verified_at=entry.verified_at if entry.verified else None, claimed_app_id=entry.claimed_app_id,
        claimable=bool(entry.verified) and entry.kind in CLAIMABLE and (not entry.claimed_app_id or _released(entry)),
        updated_by_name=entry.updated_by_name, updated_at=entry.updated_at)


def _file_view(record: CraftsmanFile, entries: list[CraftsmanEntry]) -> CraftsmanFileView:
    entries = sorted(entries, key=lambda e: (SECTIONS.index(e.kind), -(e.year or 0), e.created_at))
    verified = [e for e in entries if e.verified]
    return CraftsmanFileView(
        file_id=record.file_id, real_name=record.real_name, id_masked=record.id_masked,
        gender=record.gender, gender_name=GENDER_NAMES.get(record.gender or ""),  # type: ignore[arg-type]
        birth_date=record.birth_date, occupation=record.occupation, job_title=record.job_title,
        org_path=record.org_path, org_name=record.org_name, created_by_name=record.created_by_name,
        created_at=record.created_at, training_hours=sum(int(e.hours or 0) for e in verified if e.kind == "training"),
        verified_entries=len(verified), unverified_entries=len(entries) - len(verified),
        entries=[_entry_view(e) for e in entries])


# --- entries ------------------------------------------------------------------------------

def _load_entry(file_id: str, entry_id: str) -> CraftsmanEntry:
    if not re.fullmatch(ENTRY_ID, entry_id):
        raise ENTRY_NOT_FOUND
    try:
        return CraftsmanEntry.get(file_id, _entry_sk(entry_id), consistent_read=True)
    except DoesNotExist as exc:
        raise ENTRY_NOT_FOUND from exc


def _version_row(entry: CraftsmanEntry, change: str, principal: Principal, now: str) -> CraftsmanEntryVersion:
    return CraftsmanEntryVersion(
        entry.file_id, _version_sk(entry.entry_id, int(entry.version)), entry_id=entry.entry_id, kind=entry.kind,
        **{name: getattr(entry, name) for name in CONTENT}, evidence=list(entry.evidence),
        version=int(entry.version), change=change, changed_by=principal.user_id, changed_by_name=principal.name,
        changed_at=now)


def _write_version(entry: CraftsmanEntry, change: str, principal: Principal, *, previous: int | None,
                   released: str | None = None) -> None:
    """The current row moves to ``entry.version`` (from ``previous``, or created) with its version
    row; a row claimed meanwhile (or still held by a claim other than ``released``) is refused."""
    now = entry.updated_at
    unclaimed = CraftsmanEntry.claimed_app_id.does_not_exist()
    if released:
        unclaimed = unclaimed | (CraftsmanEntry.claimed_app_id == released)
    condition = (CraftsmanEntry.sk.does_not_exist() if previous is None
                 else (CraftsmanEntry.version == previous) & unclaimed)
    try:
        with transaction() as tx:
            tx.save(entry, condition=condition)
            tx.save(_version_row(entry, change, principal, now), condition=CraftsmanEntryVersion.sk.does_not_exist())
            publish(FEATURE, "CraftsmanEntryRecorded",
                    data={"file_id": entry.file_id, "entry_id": entry.entry_id, "kind": entry.kind,
                          "version": int(entry.version), "change": change},
                    org=entry.org_path, actor=actor_of(principal), tx=tx)
    except TransactWriteError as exc:
        with dynamo_errors(CHANGED):
            raise exc


def _stamp(entry: CraftsmanEntry, principal: Principal) -> None:
    entry.updated_by, entry.updated_by_name, entry.updated_at = principal.user_id, principal.name, clock.now_iso()


def add_entry(principal: Principal, file_id: str, body: CraftsmanEntryBody) -> CraftsmanEntryView:
    record = _own_enterprise_file(principal, file_id)
    if len(_entries(file_id)) >= MAX_ENTRIES:
        raise ValidationFailed(f"每份档案最多 {MAX_ENTRIES} 个条目", code="CRAFTSMEN_TOO_MANY_ENTRIES")
    entry_id = f"ce-{uuid.uuid4().hex[:16]}"
    entry = CraftsmanEntry(file_id, _entry_sk(entry_id), entry_id=entry_id, kind=body.kind,
                           **{name: _clean(body, name) for name in CONTENT}, evidence=[], version=1,
                           org_path=record.org_path, verified=False, created_at=clock.now_iso())
    _stamp(entry, principal)
    _write_version(entry, "created", principal, previous=None)
    return _entry_view(entry)


def _clean(body: CraftsmanEntryBody, name: str) -> Any:
    value = getattr(body, name)
    return pii.scrub(value) if name == "description" else value


def _changeable(principal: Principal, file_id: str, entry_id: str, version: int | None) -> CraftsmanEntry:
    _own_enterprise_file(principal, file_id)
    entry = _load_entry(file_id, entry_id)
    if entry.claimed_app_id and not _released(entry):
        raise Conflict("该条目已申报产改20条补助，申报期间不能修改", code="CRAFTSMEN_ENTRY_CLAIMED")
    if version is not None and version != int(entry.version):
        raise CHANGED
    return entry


def _next_version(entry: CraftsmanEntry, principal: Principal) -> tuple[int, str | None]:
    """Make ``entry`` its next version; (the version it was, the released claim it held)."""
    previous, released = int(entry.version), entry.claimed_app_id
    entry.version = previous + 1
    entry.verified = False  # what the union verified was the previous version
    entry.claimed_app_id = entry.claimed_by = entry.claimed_at = None  # a released claim is gone for good
    _stamp(entry, principal)
    return previous, released


def edit_entry(principal: Principal, file_id: str, entry_id: str, body: CraftsmanEntryEdit) -> CraftsmanEntryView:
    entry = _changeable(principal, file_id, entry_id, body.version)
    if body.kind != entry.kind:
        raise ValidationFailed("条目类别不能修改，请新建条目", code="CRAFTSMEN_KIND_FIXED")
    if all(_clean(body, name) == getattr(entry, name) for name in CONTENT):
        return _entry_view(entry)  # nothing changed: no new version
    previous, released = _next_version(entry, principal)
    for name in CONTENT:
        setattr(entry, name, _clean(body, name))
    _write_version(entry, "edited", principal, previous=previous, released=released)
    return _entry_view(entry)


def request_evidence(principal: Principal, file_id: str, entry_id: str,
                     body: CraftsmanEvidenceBody) -> CraftsmanUploadTicket:
    if body.content_type not in EVIDENCE_TYPES:
        raise ValidationFailed("证明材料仅限 JPEG、PNG 图片或 PDF", code="CRAFTSMEN_EVIDENCE_TYPE",
                               details=[{"field": "content_type", "type": "literal_error",
                                         "message": "content_type：仅限 image/jpeg、image/png、application/pdf"}])
    if body.size_bytes > MAX_EVIDENCE_BYTES:
        raise ValidationFailed("证明材料不能超过 10 MB", code="CRAFTSMEN_EVIDENCE_TOO_LARGE",
                               details=[{"field": "size_bytes", "type": "less_than_equal",
                                         "message": "size_bytes：不超过 10 MB"}])
    entry = _changeable(principal, file_id, entry_id, None)
    if len(entry.evidence) >= MAX_EVIDENCE:
        raise ValidationFailed(f"每个条目最多 {MAX_EVIDENCE} 份证明材料", code="CRAFTSMEN_TOO_MANY_EVIDENCE")
    key = f"craftsmen/{file_id}/{entry_id}/{uuid.uuid4().hex[:8]}-{body.filename}"
    previous, released = _next_version(entry, principal)
    entry.evidence = [*entry.evidence, EvidenceAttr(key=key, filename=body.filename, content_type=body.content_type,
                                                    size_bytes=body.size_bytes, uploaded_at=entry.updated_at)]
    _write_version(entry, "evidence_added", principal, previous=previous, released=released)
    ticket = storage.presign_upload(key, body.content_type, MAX_EVIDENCE_BYTES)
    return CraftsmanUploadTicket(key=key, url=ticket["url"], fields=ticket["fields"], max_bytes=MAX_EVIDENCE_BYTES,
                                 expires_in=storage.UPLOAD_EXPIRES_IN, entry=_entry_view(entry))


def verify_entry(principal: Principal, file_id: str, entry_id: str, version: int) -> CraftsmanEntryView:
    """The district union (or a union above it) verifies one version of an entry."""
    _file_in_scope(principal, file_id)
    if len(principal.org_path.split("/")) > 3:
        raise Forbidden("档案条目由区县及以上总工会核验", code="CRAFTSMEN_NOT_DISTRICT")
    entry = _load_entry(file_id, entry_id)
    if version != int(entry.version):
        raise CHANGED
    if entry.verified:
        return _entry_view(entry)  # verified already (a retry)
    uploaded = storage.keys_under(f"craftsmen/{file_id}/{entry_id}/") if entry.evidence else set()
    missing = [e.filename for e in entry.evidence if e.key not in uploaded]
    if not entry.evidence or missing:
        raise ValidationFailed("该条目缺少证明材料或材料未上传成功，不能核验", code="CRAFTSMEN_EVIDENCE_MISSING",
                               details=[{"missing": name} for name in missing])
    now = clock.now_iso()
    entry.verified, entry.verified_version = True, version
    entry.verified_by, entry.verified_by_name, entry.verified_at = principal.user_id, principal.name, now
    with dynamo_errors(CHANGED), transaction() as tx:
        tx.update(entry, actions=[CraftsmanEntry.verified.set(True), CraftsmanEntry.verified_version.set(version),
                                  CraftsmanEntry.verified_by.set(principal.user_id),
                                  CraftsmanEntry.verified_by_name.set(principal.name),
                                  CraftsmanEntry.verified_at.set(now)],
                  condition=CraftsmanEntry.version == version)
        tx.update(CraftsmanEntryVersion(file_id, _version_sk(entry_id, version)),
                  actions=[CraftsmanEntryVersion.verified_by_name.set(principal.name),
                           CraftsmanEntryVersion.verified_at.set(now)],
                  condition=CraftsmanEntryVersion.sk.exists())
        publish(FEATURE, "CraftsmanEntryVerified", data={"file_id": file_id, "entry_id": entry_id, "version": version},
                org=entry.org_path, actor=actor_of(principal), tx=tx)
    return _entry_view(entry)


def history(principal: Principal, file_id: str, entry_id: str) -> CraftsmanHistory:
    _file_in_scope(principal, file_id)
    entry = _load_entry(file_id, entry_id)
    rows = CraftsmanEntryVersion.query(file_id, CraftsmanEntryVersion.sk.startswith(f"H#{entry_id}#"),
                                       consistent_read=True)
    return CraftsmanHistory(entry_id=entry_id, kind=entry.kind, kind_name=KIND_NAMES[entry.kind],  # type: ignore[arg-type]
                            current_version=int(entry.version), versions=[
        CraftsmanVersionView(version=int(v.version), change=v.change, change_name=CHANGE_NAMES[v.change],  # type: ignore[arg-type]
                             changed_by_name=v.changed_by_name, changed_at=v.changed_at, title=v.title,
                             year=_int(v.year), level=v.level, rank=v.rank, number=v.number,  # type: ignore[arg-type]
                             issuer=v.issuer, hours=_int(v.hours), description=v.description,
                             evidence=[e.filename for e in v.evidence], verified_by_name=v.verified_by_name,
                             verified_at=v.verified_at) for v in rows])


# --- the paper archive --------------------------------------------------------------------

def _day(iso: str) -> str:
    return clock.to_shanghai(clock.parse(iso)).date().isoformat()


def _details(entry: CraftsmanEntry) -> str:
    parts = [LEVEL_NAMES.get(entry.level or "", ""), entry.rank or "", f"{int(entry.year)} 年" if entry.year else "",
             f"编号 {entry.number}" if entry.number else "", f"{int(entry.hours)} 学时" if entry.hours else "",
             entry.issuer or "", entry.description]
    return " · ".join(p for p in parts if p)


def _pdf_data(record: CraftsmanFile, entries: list[CraftsmanEntry]) -> pdf.PdfFile:
    view = _file_view(record, entries)
    by_kind: dict[str, list[pdf.PdfEntry]] = {kind: [] for kind in SECTIONS}
    for e in sorted(entries, key=lambda e: (-(e.year or 0), e.created_at)):
        status = f"已核验（{e.verified_by_name} {_day(e.verified_at)}）" if e.verified and e.verified_at else "未核验"
        by_kind[e.kind].append(pdf.PdfEntry(kind_name=KIND_NAMES[e.kind], title=e.title, details=_details(e),
                                            evidence="、".join(x.filename for x in e.evidence), status=status,
                                            version=int(e.version)))
    now = clock.to_shanghai(clock.now())
    return pdf.PdfFile(real_name=record.real_name, id_masked=record.id_masked, gender_name=view.gender_name or "",
                       birth_date=record.birth_date or "", org_name=record.org_name, occupation=record.occupation,
                       job_title=record.job_title, created_at=_day(record.created_at),
                       printed_at=now.strftime("%Y-%m-%d %H:%M"), training_hours=view.training_hours,
                       sections=[(KIND_NAMES[k], by_kind[k]) for k in SECTIONS])


def _export(record: CraftsmanFile) -> CraftsmanPdfTicket:
    data = pdf.render(_pdf_data(record, _entries(record.file_id)))
    key = f"{storage.PDF_PREFIX}{record.file_id}/{uuid.uuid4().hex[:12]}.pdf"
    storage.put_pdf(key, data)
    filename = f"南浔工匠档案-{record.real_name}.pdf"
    return CraftsmanPdfTicket(filename=filename, url=storage.download_url(key, filename),
                              expires_in=storage.DOWNLOAD_EXPIRES_IN, size_bytes=len(data))


def export_pdf(principal: Principal, file_id: str) -> CraftsmanPdfTicket:
    return _export(_file_in_scope(principal, file_id))


def my_pdf(principal: Principal) -> CraftsmanPdfTicket:
    return _export(_my_file(principal))


# --- 产改20条 claims ----------------------------------------------------------------------

def claim(principal: Principal, body: CraftsmanClaimBody) -> CraftsmanClaimView:
    """Claim verified entries of the enterprise's craftsmen as the items of a new 产改20条
    application (the policy computes the amount; one entry is claimed at most once)."""
    enterprise = _enterprise_of(principal)
    picked: list[tuple[CraftsmanFile, CraftsmanEntry, str | None]] = []
    files: dict[str, CraftsmanFile] = {}
    for item in body.items:
        record = files.get(item.file_id) or _own_enterprise_file(principal, item.file_id)
        files[item.file_id] = record
        entry = _load_entry(item.file_id, item.entry_id)
        if entry.kind not in CLAIMABLE:
            raise ValidationFailed(f"{KIND_NAMES[entry.kind]}不能申报产改20条补助"
                                   "（可申报：竞赛成绩、先进操作法、金点子）",
                                   code="CRAFTSMEN_ENTRY_NOT_CLAIMABLE", details=[{"entry_id": entry.entry_id}])
        if not entry.verified:
            raise Conflict("该条目尚未经区县工会核验，不能申报", code="CRAFTSMEN_ENTRY_NOT_VERIFIED",
                           details=[{"entry_id": entry.entry_id}])
        holder = entry.claimed_app_id
        if holder and not _released(entry):
            raise Conflict("该条目已申报过产改20条补助，不能重复申报", code="CRAFTSMEN_ALREADY_CLAIMED",
                           details=[{"entry_id": entry.entry_id, "app_id": holder}])
        picked.append((record, entry, holder))
    costs = {(i.file_id, i.entry_id): i.cost_fen for i in body.items}
    items = [ClaimItemBody(measure=CLAIMABLE[e.kind], subject=e.title, cost_fen=costs[(e.file_id, e.entry_id)],
                           level=e.level, evidence=[x.key for x in e.evidence][:10],
                           note=f"南浔工匠档案：{f.real_name}（{f.id_masked}）{KIND_NAMES[e.kind]}，"
                                f"第 {int(e.version)} 版已核验")
             for f, e, _ in picked]
    now = clock.now_iso()

    def stage(tx: Any, app_id: str) -> None:
        for _, entry, holder in picked:
            free = CraftsmanEntry.claimed_app_id.does_not_exist() if holder is None \
                else CraftsmanEntry.claimed_app_id == holder
            tx.update(entry, actions=[CraftsmanEntry.claimed_app_id.set(app_id),
                                      CraftsmanEntry.claimed_by.set(principal.user_id),
                                      CraftsmanEntry.claimed_at.set(now)],
                      condition=(CraftsmanEntry.version == int(entry.version))
                      & (CraftsmanEntry.verified == True) & free)  # noqa: E712  (a DynamoDB condition)
        publish(FEATURE, "CraftsmanEntriesClaimed",
                data={"app_id": app_id, "entries": [[e.file_id, e.entry_id] for _, e, _ in picked]},
                org=enterprise, actor=actor_of(principal), tx=tx)

    try:
        application = subsidy.submit_prefilled(principal, items, stage)
    except TransactWriteError as exc:
        taken = [e.entry_id for _, e, _ in picked
                 if CraftsmanEntry.get(e.file_id, e.sk, consistent_read=True).claimed_app_id]
        error = Conflict("该条目已申报过产改20条补助，不能重复申报", code="CRAFTSMEN_ALREADY_CLAIMED",
                         details=[{"entry_id": t} for t in taken]) if taken else CHANGED
        with dynamo_errors(error):
            raise exc
    return CraftsmanClaimView(
        app_id=application.app_id, state=application.state, state_name=application.state_name,
        claimed=[CraftsmanClaimedEntry(file_id=e.file_id, entry_id=e.entry_id, real_name=f.real_name,
                                       kind=e.kind, kind_name=KIND_NAMES[e.kind], title=e.title,  # type: ignore[arg-type]
                                       measure=CLAIMABLE[e.kind]) for f, e, _ in picked],
        next_step=f"补助金额由产改20条政策在后台计算（通常几秒），之后进入区县工会审核；"
                  f"用 GET /subsidy/applications/{application.app_id} 查看。申请被驳回时，这些条目可重新申报")
