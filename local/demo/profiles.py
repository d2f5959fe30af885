"""光年间 demo: verified members in 西湖区 and around Hangzhou with approved photos, so a new
user browsing the local stack sees faces, filters by hobby, pages, and gets recommendations.

Members are marked active directly through profiles' logic; identity's own demo walks the
real path (face verification → enterprise check → MemberActivated). Everything else goes
through the feature's logic: profiles are screened, photos are verified and cleaned by the
same code the S3 Lambda runs, and a 西湖区 union admin approves them.
"""
from __future__ import annotations

import io
import math

from PIL import Image, ImageDraw

from chalicelib.orgs import logic as orgs
from chalicelib.orgs.schemas import NewOrg
from chalicelib.platform.auth import Principal, Role
from chalicelib.platform.aws import client
from chalicelib.platform.errors import Conflict
from chalicelib.platform.settings import get_settings
from chalicelib.profiles import logic, storage
from chalicelib.profiles.schemas import PhotoDecision, ProfileInput, UploadRequest

ENTERPRISES = [
    ("zj/hz/xihu", "e-guangnian", "杭州光年科技有限公司工会"),
    ("zj/hz/xihu", "e-xihu-design", "西湖设计院工会"),
    ("zj/huz/nanxun", "e-sanxing", "浙江三行电气科技有限公司工会"),
]
XIHU_ADMIN = Principal(user_id="demo-xihu-admin", role=Role.UNION_ADMIN, org_path="zj/hz/xihu",
                       name="西湖区总工会 工会干事")
NANXUN_ADMIN = Principal(user_id="demo-nanxun-admin", role=Role.UNION_ADMIN, org_path="zj/huz/nanxun",
                         name="南浔区总工会 杨老师")

SEEK_MEN = {"gender": "male", "age_min": 25, "age_max": 38, "cities": ["hz"]}
SEEK_WOMEN = {"gender": "female", "age_min": 22, "age_max": 35, "cities": ["hz", "huz"]}

# (user id, enterprise, nickname, gender, birth year, height, city, district, job, hobbies, sports, intro, seeking)
MEMBERS = [
    # not demo-xiaowang: 王小丽 is the identity demo's newcomer, who has yet to verify and join.
    ("demo-tingting", "zj/hz/xihu/e-guangnian", "婷婷", "female", 1995, 163, "hz", "xihu", "产品经理",
     ["reading", "photography", "tea"], ["hiking", "badminton"],
     "比起收入、职业等外在条件，我更在意对方的兴趣爱好，两个人是否有心灵上的共鸣。",
     {**SEEK_MEN, "nice_to_have": ["hiking"]}),
    ("demo-lin", "zj/hz/xihu/e-guangnian", "林同学", "female", 1997, 160, "hz", "xihu", "前端工程师",
     ["movies", "baking", "pets"], ["yoga", "swimming"], "周末喜欢烤蛋糕、带猫晒太阳。", SEEK_MEN),
    ("demo-chen", "zj/hz/xihu/e-xihu-design", "陈设计", "female", 1993, 166, "hz", "xihu", "室内设计师",
     ["painting", "museums", "coffee"], ["cycling", "hiking"], "喜欢逛展和骑行，也喜欢安静地画画。", SEEK_MEN),
    ("demo-zhou", "zj/hz/xihu/e-xihu-design", "周周", "female", 1999, 158, "hz", "binjiang", "UI 设计师",
     ["anime", "music", "handcraft"], ["badminton", "frisbee"], "羽毛球和飞盘都可以约！", SEEK_MEN),
    ("demo-he", "zj/hz/xihu/e-guangnian", "何老师", "female", 1991, 165, "hz", "shangcheng", "培训讲师",
     ["reading", "writing", "theatre"], ["running"], "坚持晨跑五年了，喜欢看话剧。", SEEK_MEN),
    ("demo-sun", "zj/huz/nanxun/e-sanxing", "孙会计", "female", 1996, 161, "huz", "nanxun", "会计",
     ["cooking", "gardening", "tea"], ["hiking", "table_tennis"], "南浔古镇长大，喜欢种花喝茶。",
     {**SEEK_MEN, "cities": ["huz", "hz"]}),
    ("demo-zhang", "zj/hz/xihu/e-guangnian", "张工", "male", 1992, 178, "hz", "xihu", "后端工程师",
     ["reading", "photography", "boardgames"], ["hiking", "badminton"], "爱爬山拍照，周末常去龙井徒步。",
     SEEK_WOMEN),
    ("demo-li", "zj/hz/xihu/e-xihu-design", "李建筑", "male", 1990, 181, "hz", "xihu", "建筑师",
     ["museums", "travel", "coffee"], ["cycling", "swimming"], "去过三十多个城市看建筑。", SEEK_WOMEN),
    ("demo-wu", "zj/hz/xihu/e-guangnian", "吴同学", "male", 1996, 175, "hz", "binjiang", "算法工程师",
     ["gaming", "anime", "music"], ["basketball", "badminton"], "打球打游戏都行，也想学做饭。", SEEK_WOMEN),
    ("demo-zheng", "zj/huz/nanxun/e-sanxing", "郑师傅", "male", 1994, 176, "huz", "nanxun", "电气工程师",
     ["fishing", "cooking", "tea"], ["table_tennis", "hiking"], "三行电气的技术骨干，会做一手好菜。",
     {**SEEK_WOMEN, "cities": ["huz", "hz"]}),
    ("demo-qian", "zj/hz/xihu/e-xihu-design", "钱老师", "male", 1989, 180, "hz", "shangcheng", "结构工程师",
     ["reading", "calligraphy", "tea"], ["taichi", "running"], "练书法十年，喜欢安静的生活。", SEEK_WOMEN),
    # demo-worker is 陈宏鑫 everywhere (identity, dorms, canteen, aid): a new hire at 三行电气 in 南浔.
    ("demo-worker", "zj/huz/nanxun/e-sanxing", "阿鑫", "male", 2001, 177, "huz", "nanxun", "电气装配工",
     ["reading", "photography", "travel"], ["hiking", "badminton"],
     "刚入职南浔三行电气，住公司宿舍，想认识爱运动的朋友。", SEEK_WOMEN),
]
COLOURS = [(236, 170, 150), (150, 190, 230), (170, 210, 170), (240, 210, 140), (200, 170, 220), (160, 200, 200)]


def _ensure_enterprises() -> None:
    for parent, slug, name in ENTERPRISES:
        if orgs.exists(f"{parent}/{slug}"):
            continue
        admin = XIHU_ADMIN if parent == "zj/hz/xihu" else NANXUN_ADMIN
        try:
            orgs.create_node(admin, NewOrg(parent_path=parent, slug=slug, name=name))
        except Conflict:
            pass


def _portrait(seed: int) -> bytes:
    """A simple drawn portrait placeholder (a real camera JPEG would carry EXIF; ours is cleaned anyway)."""
    image = Image.new("RGB", (600, 800), COLOURS[seed % len(COLOURS)])
    draw = ImageDraw.Draw(image)
    skin = (245, 215, 190)
    draw.ellipse((200, 170, 400, 400), fill=skin)
    draw.rectangle((170, 430, 430, 800), fill=tuple(max(0, c - 60) for c in COLOURS[(seed + 2) % len(COLOURS)]))
    for k in range(12):
        x = 300 + int(170 * math.cos(k / 12 * 2 * math.pi))
        y = 280 + int(170 * math.sin(k / 12 * 2 * math.pi))
        draw.ellipse((x - 8, y - 8, x + 8, y + 8), fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=88)
    return out.getvalue()


def _photo(principal: Principal, seed: int) -> None:
    data = _portrait(seed)
    ticket = logic.start_upload(principal, UploadRequest(content_type="image/jpeg", size_bytes=len(data)))
    key = storage.original_key(principal.user_id, ticket.photo_id)
    client("s3").put_object(Bucket=get_settings().uploads_bucket, Key=key, Body=data, ContentType="image/jpeg")
    logic.process_upload(key)          # the S3 Lambda's work (the pump's delivery then finds it done)
    admin = XIHU_ADMIN if principal.org_path.startswith("zj/hz/xihu") else NANXUN_ADMIN
    logic.decide_photo(admin, principal.user_id, ticket.photo_id, PhotoDecision(decision="approve"))


def _verified_in_identity() -> None:
    """The demo members are verified, pledged 光年间 members in identity too (the HTTP edge
    admits only those to member routes): loaded the way the 光年间 1.0 migration loads them."""
    from chalicelib.identity import logic as identity
    from local.demo.identity import demo_id

    identity.load_verified_members(
        [{"user_id": uid, "id_number": demo_id(f"{born}0101", 900 + n), "real_name": nickname, "org_path": org,
          "enterprise": org.rsplit("/", 1)[-1], "pledged": True}
         for n, (uid, org, nickname, _g, born, *_rest) in enumerate(MEMBERS)],
        source="光年间演示", roster_scope="demo/profiles")


def seed() -> None:
    _ensure_enterprises()
    _verified_in_identity()
    for n, (uid, org, nickname, gender, born, height, city, district, job, hobbies, sports, intro, seeking) \
            in enumerate(MEMBERS):
        principal = Principal(user_id=uid, role=Role.WORKER, org_path=org, name=nickname)
        mine = logic.my_profile(principal)
        if mine.complete:
            continue                    # seeded before
        logic.save_profile(principal, ProfileInput(
            nickname=nickname, gender=gender, birth_year=born, height_cm=height, hometown="浙江",
            education="bachelor" if n % 3 else "master", industry="科技" if "工程师" in job else "服务",
            job=job, city=city, district=district, hobbies=hobbies, sports=sports, intro=intro,
            free_tags=["真诚", "爱笑"][: 1 + n % 2], seeking=seeking))  # type: ignore[arg-type]
        _photo(principal, n)
        # Demo shortcut: identity's demo walks the real verification path and publishes MemberActivated.
        logic.mark_active_for_demo(uid)
        logic.reindex(uid)              # the index consumer would do this; the demo wants it ready now
    logic.run_matching()
