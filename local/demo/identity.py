"""光年间 demo: 西湖区 with its 2,600 real-name-verified members (1,447 active) brought over
from 光年间 1.0, two enterprise unions, a roster import, and two people a new user can be:

- 王小丽 ``330106199605122468``-style number printed below: in the 光年科技 roster; log in as a
  worker (``POST /dev/login {"role": "worker", "user_id": "demo-xiaowang", "org_path": "zj/hz/xihu"}``),
  ``POST /identity/face/start`` with her name and number, ``POST /identity/face/callback``
  (the Alipay fake passes every face check unless told otherwise), then sign the pledge.
- 李晓: not in the roster, so she ends at "not in roster" and can appeal to demo-xihu-admin.
- 陈宏鑫 (``demo-worker``, the 优享 demo's new hire at 三行电气 in 南浔): a verified, pledged
  member, so he is the same active person in 光年间 (nickname 阿鑫) as in dorms, canteen and aid.
"""
from __future__ import annotations

import csv
import io
import threading

from chalicelib.identity import logic, roster
from chalicelib.identity.schemas import NewRosterImport
from chalicelib.orgs.logic import create_node, exists
from chalicelib.orgs.schemas import NewOrg
from chalicelib.platform import pii
from chalicelib.platform.auth import Principal, Role
from chalicelib.platform.aws import client
from chalicelib.platform.errors import Conflict
from chalicelib.platform.settings import get_settings

XIHU = "zj/hz/xihu"
ENTERPRISES = [
    ("e-lightyear", "杭州光年科技有限公司工会", "杭州光年科技有限公司"),
    ("e-westlake", "西湖数智科技有限公司工会", "西湖数智科技有限公司"),
    ("e-zhijiang", "之江网络科技有限公司工会", "之江网络科技有限公司"),
    ("e-longjing", "龙井文旅发展有限公司工会", "龙井文旅发展有限公司"),
]
VERIFIED, ACTIVE = 2600, 1447
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["小丽", "晓", "伟", "芳", "敏", "静", "磊", "洋", "婷", "杰", "丹", "超", "娟", "涛", "琳"]


def demo_id(birth: str, seq: int) -> str:
    first17 = f"330106{birth}{seq:03d}"
    return first17 + pii.id_check_digit(first17)


WANG_ID = demo_id("19960512", 246)
LI_ID = demo_id("19930101", 555)
CHEN_ID = demo_id("20010304", 771)
SANXING = "zj/huz/nanxun/e-sanxing"
CHEN = {"user_id": "demo-worker", "id_number": CHEN_ID, "real_name": "陈宏鑫", "org_path": SANXING,
        "enterprise": "浙江三行电气科技有限公司", "pledged": True}


def _admin() -> Principal:
    return Principal(user_id="demo-xihu-admin", role=Role.UNION_ADMIN, org_path=XIHU, name="西湖区总工会 工会干事")


IN_BACKGROUND = True  # the stack answers at once; the 1.0 population arrives a few seconds later


def seed() -> None:
    admin = _admin()
    for slug, name, _ in ENTERPRISES:
        if not exists(f"{XIHU}/{slug}"):
            try:
                create_node(admin, NewOrg(parent_path=XIHU, slug=slug, name=name, region_code=None))
            except Conflict:
                pass
    _roster_with_wang(admin)
    logic.load_verified_members([CHEN], source="三行电气名册", roster_scope=SANXING)  # present already: no-op
    if IN_BACKGROUND:
        threading.Thread(target=_load_population, name="identity-demo-population", daemon=True).start()
    else:
        _load_population()


def _load_population() -> None:
    records = []
    for n in range(VERIFIED):
        slug, _, enterprise = ENTERPRISES[n % len(ENTERPRISES)]
        birth = f"{1986 + n % 14}{1 + n % 12:02d}{1 + n % 28:02d}"
        records.append({"user_id": f"gnj-{n:04d}", "id_number": demo_id(birth, 600 + n // 400),
                        "real_name": SURNAMES[n % len(SURNAMES)] + GIVEN[n % len(GIVEN)],
                        "org_path": f"{XIHU}/{slug}", "enterprise": enterprise, "pledged": n < ACTIVE})
    try:
        # figures-only people (the article's 2,600 / 1,447): nobody signs in as them, so they are
        # not announced to 光年间's other features — that would keep the local stack busy for minutes
        logic.load_verified_members(records, source="光年间1.0", roster_scope=f"{XIHU}/legacy", announce=False)
        logic.roll_up_figures()
    except Exception as exc:  # the stack may be stopping meanwhile
        print(f"[identity] demo population not loaded: {type(exc).__name__}", flush=True)
        return
    print(f"[identity] 西湖区 光年间: {VERIFIED} verified, {ACTIVE} active; demo worker 王小丽 ID "
          f"{pii.mask_id_number(WANG_ID)} (full number in local/demo/identity.py: WANG_ID), 李晓 not in roster",
          flush=True)


def _roster_with_wang(admin: Principal) -> None:
    if roster.list_imports(admin, f"{XIHU}/e-lightyear", limit=1, cursor=None).items:
        return
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["姓名", "身份证号", "单位名称", "工会组织", "会员状态", "手机号"])
    writer.writerow(["王小丽", WANG_ID, "杭州光年科技有限公司", f"{XIHU}/e-lightyear", "在会", ""])
    writer.writerow(["赵磊", demo_id("19980716", 772), "杭州光年科技有限公司", f"{XIHU}/e-lightyear", "在会", ""])
    writer.writerow(["错误示例", WANG_ID[:-1], "杭州光年科技有限公司", f"{XIHU}/e-lightyear", "在会", ""])
    upload = roster.start_import(admin, NewRosterImport(scope=f"{XIHU}/e-lightyear", file_name="光年科技会员名册.csv",
                                                        file_format="csv", mode="add"))
    bucket = get_settings().uploads_bucket
    client("s3").put_object(Bucket=bucket, Key=upload.object_key, Body=buffer.getvalue().encode("gbk"))
    # The S3 notification reaches the pump too; whichever runs first imports, the other is a no-op.
    roster.import_uploaded(bucket, upload.object_key, send=roster.handle_work)
