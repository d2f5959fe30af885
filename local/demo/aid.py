"""Demo hardship aid in 南浔: 三行电气's enterprise union and the district union take real
steps through the aid logic. 陈宏鑫 (the demo worker) has one serious-illness application
followed all the way to payment and a 金秋助学 application waiting for the enterprise union;
a colleague's application is on public notice."""
from __future__ import annotations

from datetime import timedelta

from chalicelib.accounts.logic import dev_login
from chalicelib.accounts.schemas import DevLogin
from chalicelib.aid import logic
from chalicelib.aid.models import AidApplication
from chalicelib.aid.rules import AID_TYPES
from chalicelib.aid.schemas import AidDraftBody, StepBody, UploadRequest
from chalicelib.platform import clock
from chalicelib.platform.auth import Principal, Role
from chalicelib.platform.aws import client
from chalicelib.platform.events import actor_of
from chalicelib.platform.settings import get_settings

ENTERPRISE = "zj/huz/nanxun/e-sanxing"
DISTRICT = "zj/huz/nanxun"


def _card(prefix: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(prefix)):
        d = int(ch)
        total += (d * 2 - 9 if d > 4 else d * 2) if i % 2 == 0 else d
    return prefix + str((10 - total % 10) % 10)


def _ensure_enterprise() -> None:
    from chalicelib.orgs import logic as orgs
    from chalicelib.orgs.schemas import NewOrg

    if not orgs.exists(ENTERPRISE):
        root = Principal(user_id="demo-seed", role=Role.PLATFORM_ADMIN, org_path="zj")
        orgs.create_node(root, NewOrg(parent_path=DISTRICT, slug="e-sanxing", name="浙江三行电气科技有限公司工会",
                                             region_code=None))


def _person(role: str, user_id: str, org: str, name: str) -> Principal:
    dev_login(DevLogin(role=role, user_id=user_id, org_path=org, name=name))  # type: ignore[arg-type]
    return Principal(user_id=user_id, role=Role(role), org_path=org, name=name)


def _apply(worker: Principal, *, aid_type: str, requested_fen: int, description: str, household: tuple[int, int],
           card_prefix: str) -> str:
    app = logic.create_draft(worker, AidDraftBody(
        aid_type=aid_type, household_size=household[0], household_income_fen=household[1],  # type: ignore[arg-type]
        requested_fen=requested_fen, description=description, bank_card=_card(card_prefix), applicant_name=worker.name,
        bank_name="湖州银行南浔支行"))
    s3 = client("s3")
    for kind in AID_TYPES[aid_type].required_docs:
        ticket = logic.request_upload(worker, app.app_id, UploadRequest(kind=kind, filename=f"{kind}.jpg",  # type: ignore[arg-type]
                                                                        content_type="image/jpeg"))
        s3.put_object(Bucket=get_settings().uploads_bucket, Key=ticket.key, Body=b"\xff\xd8demo",
                      ContentType="image/jpeg")
    logic.submit(worker, app.app_id)
    return app.app_id


def _step(admin: Principal, app_id: str, action: str, opinion: str = "", amount: int | None = None) -> None:
    state = AidApplication.get(app_id).state
    logic.take_step(admin, app_id, StepBody(from_state=state, action=action, opinion=opinion,  # type: ignore[arg-type]
                                            amount_fen=amount))


def seed() -> None:
    _ensure_enterprise()
    worker = _person("worker", "demo-worker", ENTERPRISE, "陈宏鑫")
    colleague = _person("worker", "demo-worker-2", ENTERPRISE, "李娜")
    enterprise = _person("enterprise_admin", "demo-sanxing-admin", ENTERPRISE, "三行电气工会主席 沈嘉俊")
    district = _person("union_admin", "demo-nanxun-admin", DISTRICT, "南浔区总工会 杨雪莉")
    if list(AidApplication.by_applicant.query(worker.user_id, limit=1)):
        return  # seeded before

    moved = timedelta(0)

    def wait(days: int) -> None:  # the story happened over the last fortnight
        nonlocal moved
        clock.travel(timedelta(days=days))
        moved += timedelta(days=days)

    wait(-12)
    try:
        paid = _apply(worker, aid_type="serious_illness", requested_fen=1_500_000,
                      description="父亲确诊尿毒症，需要每周透析三次，家庭收入难以负担医疗费用。",
                      household=(4, 4_800_000), card_prefix="621700123456789012")
        wait(1)
        _step(enterprise, paid, "approve", "情况属实，职工在岗表现良好")
        wait(2)
        _step(district, paid, "approve", "符合大病救助条件，核定1万元", 1_000_000)
        logic.start_notice(paid)
        wait(6)
        logic.close_due_notices()
    finally:
        clock.travel(-moved)
    logic.record_disbursement(paid, 1_000_000, "HZB20261120001", actor=actor_of(district),
                              actor_name=district.name, source="http")

    on_notice = _apply(colleague, aid_type="family_hardship", requested_fen=300_000,
                       description="丈夫因工伤在家休养，两个孩子上学，家庭生活困难。",
                       household=(4, 3_600_000), card_prefix="622848001234567890")
    _step(enterprise, on_notice, "approve", "情况属实")
    _step(district, on_notice, "approve", "同意帮扶", 300_000)
    logic.start_notice(on_notice)

    _apply(worker, aid_type="education", requested_fen=300_000,
           description="女儿今年考入浙江工业大学，学费和住宿费有困难，申请金秋助学。",
           household=(4, 4_800_000), card_prefix="621700123456789013")
