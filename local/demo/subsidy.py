"""Demo 产改20条 subsidies in 余姚: the 2023 policy as published, the district's yearly
budget, and a demo enterprise with one application approved line by line and one waiting
for review."""
from __future__ import annotations

import uuid

from chalicelib.accounts.logic import dev_login
from chalicelib.accounts.schemas import DevLogin
from chalicelib.platform import clock
from chalicelib.platform.auth import Principal, Role
from chalicelib.platform.aws import client
from chalicelib.platform.errors import Conflict
from chalicelib.platform.settings import get_settings
from chalicelib.subsidy import logic
from chalicelib.subsidy.models import SubsidyApplication
from chalicelib.subsidy.schemas import BudgetBody, ClaimBody, ClaimItemBody, LineDecision, ReviewBody
from chalicelib.subsidy.worked_examples import seed_policy

YUYAO = "zj/nb/yuyao"
ENTERPRISE = "zj/nb/yuyao/e-yy-optics"


def _ensure_enterprise() -> None:
    from chalicelib.orgs import logic as orgs
    from chalicelib.orgs.schemas import NewOrg

    if not orgs.exists(ENTERPRISE):
        root = Principal(user_id="demo-seed", role=Role.PLATFORM_ADMIN, org_path="zj")
        orgs.create_node(root, NewOrg(parent_path=YUYAO, slug="e-yy-optics", name="余姚某光电科技有限公司工会",
                                      region_code=None))


def _evidence(name: str) -> list[str]:
    key = f"subsidy/{ENTERPRISE}/demo-{uuid.uuid4().hex[:8]}-{name}"
    client("s3").put_object(Bucket=get_settings().uploads_bucket, Key=key, Body=b"%PDF-1.4 demo",
                            ContentType="application/pdf")
    return [key]


def _item(measure: str, subject: str, cost_fen: int | None = None, level: str | None = None) -> ClaimItemBody:
    return ClaimItemBody(measure=measure, subject=subject, cost_fen=cost_fen, level=level,
                         evidence=_evidence(f"{measure}.pdf"), note="")


def seed() -> None:
    _ensure_enterprise()
    try:
        logic.publish_policy(seed_policy(), by="demo-seed")
    except Conflict:
        pass  # published before
    dev_login(DevLogin(role="enterprise_admin", user_id="demo-yuyao-ent-admin", org_path=ENTERPRISE,
                       name="光电公司工会 人事专员"))
    dev_login(DevLogin(role="union_admin", user_id="demo-yuyao-admin", org_path=YUYAO, name="余姚市总工会 产改办"))
    enterprise = Principal(user_id="demo-yuyao-ent-admin", role=Role.ENTERPRISE_ADMIN, org_path=ENTERPRISE,
                           name="光电公司工会 人事专员")
    union = Principal(user_id="demo-yuyao-admin", role=Role.UNION_ADMIN, org_path=YUYAO, name="余姚市总工会 产改办")
    if list(SubsidyApplication.by_enterprise.query(ENTERPRISE, limit=1)):
        return
    year = clock.today_shanghai().year
    logic.set_budget(union, BudgetBody(district_path=YUYAO, year=year, total_fen=300_000_000))  # 300万元

    approved = logic.submit(enterprise, ClaimBody(items=[
        _item("training", "CERT-3302812026-0107", 280_000),
        _item("training", "CERT-3302812026-0108", 420_000),
        _item("training_centre", "光电工匠学院"),
        _item("competition", "宁波市光学冷加工职业技能竞赛", 7_200_000, "ningbo"),
        _item("operation_method", "非球面镜片一次成型操作法"),
        _item("golden_idea", "镀膜工序节能改造"),
    ]))
    logic.compute(approved.app_id)  # the subsidy-calc Lambda would do this from the queue
    logic.review(union, approved.app_id, ReviewBody(decisions=[
        LineDecision(item_id=f"L{n}", approve=True, reason="") for n in range(1, 7)]))

    logic.submit(enterprise, ClaimBody(items=[
        _item("skill_certification", f"{year}年度企业技能等级认定", 6_500_000),
        _item("golden_idea", "包装线防错料改进"),
    ]))
