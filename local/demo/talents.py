"""千名技能人才 demo: 南浔区总工会 has opened the 2026 round (deadline 31 December, ten places per
enterprise, no city step), and 三行电气's union roster holds three skilled workers the enterprise
can declare — 沈建国 (电工), 钱卫东 (焊工) and 陆晓峰 (多工序数控机床操作调整工).

The story: log in as ``demo-enterprise-admin`` (三行电气), ``GET /talents/template``, fill the
「申报表」 sheet with the three people below (``DEMO_TALENTS``), ``POST /talents/rounds/{id}/bulk``
for an upload ticket, upload, ``POST /talents/rounds/{id}/bulk/{upload_id}``; then as
``demo-nanxun-admin`` ``GET /talents/rounds/{id}/review`` and decide each
(``POST /talents/declarations/{id}/decision``): approve two, send one back with a reason.
"""
from __future__ import annotations

import csv
import io
from datetime import timedelta

from chalicelib.identity import roster
from chalicelib.identity.schemas import NewRosterImport
from chalicelib.platform import clock, pii
from chalicelib.platform.auth import Principal, Role
from chalicelib.platform.aws import client
from chalicelib.platform.settings import get_settings
from chalicelib.talents import logic
from chalicelib.talents.schemas import TalentRoundBody

DISTRICT = "zj/huz/nanxun"
SANXING = f"{DISTRICT}/e-sanxing"
NANXUN_ADMIN = Principal(user_id="demo-nanxun-admin", role=Role.UNION_ADMIN, org_path=DISTRICT,
                         name="南浔区总工会 杨老师")
ROUND_TITLE = "2026年度南浔区千名技能人才申报"


def _id(birth: str, seq: int) -> str:
    first17 = f"330503{birth}{seq:03d}"
    return first17 + pii.id_check_digit(first17)


# name, ID number, occupation code, level, recommendation (what the enterprise types in the template)
DEMO_TALENTS = [
    ("沈建国", _id("19780316", 213), "6-31-01-03", "二级/技师",
     "在三行电气从事电机装配电气调试二十年，带徒十二人，主持变频柜装配工艺改进，年节约成本三十万元。"),
    ("钱卫东", _id("19850922", 415), "6-18-02-04", "三级/高级工",
     "焊接车间班组长，2025年湖州市职业技能大赛焊工项目第二名，焊缝一次合格率保持在99.6%以上。"),
    ("陆晓峰", _id("19920605", 631), "6-18-01-07", "四级/中级工",
     "数控车间骨干，熟练操作五轴加工中心，提出的刀具寿命管理办法被公司采纳推广。"),
]


def seed() -> None:
    from local.demo.dorms import ensure_sanxing

    ensure_sanxing()
    _roster()
    if not any(r.title == ROUND_TITLE for r in logic.list_rounds(NANXUN_ADMIN, DISTRICT).items):
        deadline = max(clock.today_shanghai().replace(month=12, day=31), clock.today_shanghai() + timedelta(days=30))
        logic.open_round(NANXUN_ADMIN, TalentRoundBody(year=2026, title=ROUND_TITLE, deadline=deadline.isoformat(),
                                                       quota_per_enterprise=10, city_step=False))


def _roster() -> None:
    """The three talents join 三行电气's union roster through identity's own roster import."""
    from chalicelib.identity import logic as identity

    if len(identity.roster_names(SANXING, [pii.lookup_hash(t[1]) for t in DEMO_TALENTS])) == len(DEMO_TALENTS):
        return
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["姓名", "身份证号", "单位名称", "工会组织", "会员状态", "手机号"])
    for name, number, *_ in DEMO_TALENTS:
        writer.writerow([name, number, "浙江三行电气科技有限公司", SANXING, "在会", ""])
    upload = roster.start_import(NANXUN_ADMIN, NewRosterImport(scope=SANXING, file_name="三行电气技能人才名册.csv",
                                                              file_format="csv", mode="add"))
    bucket = get_settings().uploads_bucket
    client("s3").put_object(Bucket=bucket, Key=upload.object_key, Body=buffer.getvalue().encode("gbk"))
    roster.import_uploaded(bucket, upload.object_key, send=roster.handle_work)
