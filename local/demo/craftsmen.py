"""Demo 南浔工匠 一人一档: 陈宏鑫 (``demo-worker``) of 三行电气 has a craftsman's file kept by his
enterprise union (``demo-enterprise-admin``): a certificate, a competition result, an advanced
operation method, a golden idea, training hours and an honour, each with evidence; 南浔区总工会
(``demo-nanxun-admin``) verified all but the golden idea. Export it with
``GET /craftsmen/files/{file_id}/pdf`` (staff) or ``GET /craftsmen/me/pdf`` (陈宏鑫 himself)."""
from __future__ import annotations

from chalicelib.craftsmen import logic
from chalicelib.craftsmen.models import CraftsmanFile
from chalicelib.craftsmen.schemas import CraftsmanEntryBody, CraftsmanEvidenceBody, CraftsmanFileBody
from chalicelib.platform import pii
from chalicelib.platform.auth import Principal, Role
from chalicelib.platform.aws import client
from chalicelib.platform.settings import get_settings

NANXUN = "zj/huz/nanxun"
SANXING = f"{NANXUN}/e-sanxing"
ENTERPRISE = Principal("demo-enterprise-admin", Role.ENTERPRISE_ADMIN, SANXING, "三行电气工会主席 沈嘉俊")
DISTRICT = Principal("demo-nanxun-admin", Role.UNION_ADMIN, NANXUN, "南浔区总工会 杨老师")

# (entry, evidence file name, verified by the district)
ENTRIES: list[tuple[dict[str, object], str, bool]] = [
    ({"kind": "certificate", "title": "电工职业技能等级证书（二级/技师）", "number": "S000033050000251000123",
      "issuer": "湖州市人力资源和社会保障局", "year": 2025}, "技能等级证书.pdf", True),
    ({"kind": "competition", "title": "湖州市电工职业技能竞赛", "level": "city", "rank": "一等奖", "year": 2025},
     "竞赛获奖证书.jpg", True),
    ({"kind": "operation_method", "title": "开关柜母线一次对位操作法", "level": "district", "year": 2025,
      "description": "母线装配一次对位，装配工时缩短三成"}, "操作法认定文件.pdf", True),
    ({"kind": "golden_idea", "title": "装配线工装快换改进", "year": 2026}, "金点子采纳通知.pdf", False),
    ({"kind": "training", "title": "高压开关柜装配技师研修班", "hours": 48, "year": 2026,
      "issuer": "南浔区职工技能培训中心"}, "结业证书.jpg", True),
    ({"kind": "honour", "title": "南浔工匠", "level": "district", "year": 2025, "issuer": "南浔区总工会"},
     "荣誉证书.jpg", True),
]


def seed() -> None:
    from local.demo.dorms import ensure_sanxing
    from local.demo.identity import CHEN, CHEN_ID

    ensure_sanxing()
    from chalicelib.identity import logic as identity

    identity.load_verified_members([CHEN], source="三行电气名册", roster_scope=SANXING)  # present already: no-op
    file_id = logic.file_id_of(pii.lookup_hash(CHEN_ID))
    try:
        CraftsmanFile.get(file_id)
        return  # seeded before
    except CraftsmanFile.DoesNotExist:
        pass
    logic.create_file(ENTERPRISE, CraftsmanFileBody(real_name="陈宏鑫", id_number=CHEN_ID, occupation="电工",
                                                    job_title="二级/技师"))
    bucket = get_settings().uploads_bucket
    for fields, filename, verified in ENTRIES:
        entry = logic.add_entry(ENTERPRISE, file_id, CraftsmanEntryBody.model_validate(fields))
        kind = "application/pdf" if filename.endswith(".pdf") else "image/jpeg"
        ticket = logic.request_evidence(ENTERPRISE, file_id, entry.entry_id,
                                        CraftsmanEvidenceBody(filename=filename, content_type=kind, size_bytes=2048))
        client("s3").put_object(Bucket=bucket, Key=ticket.key, Body=b"%PDF-1.4 demo" if kind.endswith("pdf")
                                else b"\xff\xd8\xff demo", ContentType=kind)  # what the browser's POST would store
        if verified:
            logic.verify_entry(DISTRICT, file_id, entry.entry_id, ticket.entry.version)
    print(f"[craftsmen] 南浔工匠 陈宏鑫's file {file_id}: 6 entries, 5 verified", flush=True)
