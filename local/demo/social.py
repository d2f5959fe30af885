"""光年间 demo: 西湖区 members who passed identity's checks, following each other (小王 and
小林 are friends), a few 动态, and one member whose messages will look like a 杀猪盘."""
from __future__ import annotations

from chalicelib.accounts.logic import dev_login
from chalicelib.accounts.schemas import DevLogin
from chalicelib.platform.auth import Principal, Role
from chalicelib.platform.events import DomainEvent
from chalicelib.social import logic, posts
from chalicelib.social.models import Post
from chalicelib.social.schemas import NewPost

XIHU = "zj/hz/xihu"
MEMBERS = [
    ("glnj-xiaowang", "小王（90后，互联网公司产品经理）"),
    ("glnj-xiaolin", "小林（喜欢跑步和羽毛球）"),
    ("glnj-azhe", "阿哲（读书角常客）"),
    ("glnj-meimei", "梅梅（周末爱爬山）"),
    ("glnj-suspect", "“成功人士”张总（演示：可疑账号）"),
]
FOLLOWS = [
    ("glnj-xiaowang", "glnj-xiaolin"), ("glnj-xiaolin", "glnj-xiaowang"),   # friends
    ("glnj-azhe", "glnj-xiaowang"), ("glnj-meimei", "glnj-xiaolin"), ("glnj-xiaowang", "glnj-meimei"),
]
POSTS = [
    ("glnj-xiaolin", "周末在西湖边跑了10公里，断桥的日出真好看 🌅"),
    ("glnj-xiaowang", "工会读书角新到了一批书，有人周六一起去吗？"),
    ("glnj-meimei", "宝石山爬山打卡，求一起爬山的搭子～"),
    ("glnj-azhe", "今天在“光年间”上看到好多喜欢羽毛球的，组个局？"),
]


def principal(user_id: str) -> Principal:
    return Principal(user_id=user_id, role=Role.WORKER, org_path=XIHU, name=user_id)


def seed() -> None:
    from chalicelib.identity import logic as identity
    from local.demo.identity import demo_id

    # verified, pledged members in identity too: the HTTP edge admits only those to member routes
    identity.load_verified_members(
        [{"user_id": user_id, "id_number": demo_id("19950606", 950 + n), "real_name": name.split("（")[0],
          "org_path": XIHU, "enterprise": "西湖区", "pledged": True} for n, (user_id, name) in enumerate(MEMBERS)],
        source="光年间演示", roster_scope="demo/social")
    for user_id, name in MEMBERS:
        dev_login(DevLogin(role="worker", user_id=user_id, org_path=XIHU, name=name))  # type: ignore[arg-type]
        if not logic.is_active(user_id):
            logic.apply_identity_event("MemberActivated", DomainEvent(
                org=XIHU, data={"user_id": user_id, "reason": "face_verified"}))
    for follower, followed in FOLLOWS:
        logic.follow(principal(follower), followed)
    for author, text in POSTS:
        if not list(Post.by_author.query(author, limit=1)):
            posts.create_post(principal(author), NewPost(text=text))
    _seed_spaces()


# --- spaces: featured topics, the hiking planet, 三行电气's forum --------------------------------

XIHU_STAFF = Principal(user_id="demo-xihu-admin", role=Role.UNION_ADMIN, org_path=XIHU, name="西湖区总工会 工会干事")
SANXING = "zj/huz/nanxun/e-sanxing"
SANXING_ADMIN = Principal(user_id="demo-enterprise-admin", role=Role.ENTERPRISE_ADMIN, org_path=SANXING)
TOPICS = [
    ("周末徒步", "杭州周边的徒步路线、装备和搭子", "covers/topics/hiking.jpg"),
    ("读书会", "这周在读什么？", "covers/topics/reading.jpg"),
    ("西湖夜跑", "下班后一起绕湖跑", "covers/topics/running.jpg"),
]
TOPIC_POSTS = [
    ("glnj-meimei", "#周末徒步# 九溪十八涧走到龙井村，全程 8 公里，秋天的枫叶正好 🍁"),
    ("glnj-azhe", "#读书会# 这周读完了《额尔古纳河右岸》，推荐！"),
    ("glnj-xiaolin", "#西湖夜跑# 周三晚上 7 点断桥集合，配速 6 分半"),
]


def _seed_spaces() -> None:
    """A demo member (陈宏鑫, ``demo-worker``, hiking among his sports) finds 周末徒步 on the topic
    square and the 徒步 planet among his suggestions; 三行电气 has a forum board."""
    from chalicelib.social import forum, planets, topics
    from chalicelib.social.models import Board, Planet, Topic
    from chalicelib.social.schemas import NewBoard, NewPlanet, NewTopic, SpaceReview
    from chalicelib.social.tagging import topic_id_of

    # identity moved 陈宏鑫 in with the 1.0 roster (no per-member event): 光年间 counts him active too
    if not logic.is_active("demo-worker"):
        logic.apply_identity_event("MemberActivated", DomainEvent(
            org=SANXING, data={"user_id": "demo-worker", "reason": "face_verified"}))
    for name, description, cover in TOPICS:
        try:
            Topic.get(topic_id_of(name))
        except Topic.DoesNotExist:
            topics.create_featured(XIHU_STAFF, NewTopic(name=name, description=description, cover=cover))
    for author, text in TOPIC_POSTS:
        if not any(p.text == text for p in Post.by_author.query(author, limit=20)):
            posts.create_post(principal(author), NewPost(text=text))
    if not list(Planet.by_interest.query("hiking", limit=1)):
        planet = planets.create(principal("glnj-meimei"), NewPlanet(
            name="西湖徒步星球", interest="hiking", description="每周末一起走杭州周边的山：宝石山、九溪、北高峰",
            join_mode="open", cap=200))
        planets.review(XIHU_STAFF, planet.planet_id, SpaceReview(approve=True, reason="演示：同意上线"))
        planets.join(principal("glnj-xiaolin"), planet.planet_id)
        planets.post(principal("glnj-meimei"), planet.planet_id,
                     NewPost(text="本周六 8:00 宝石山保俶塔集合，新人欢迎！"))
    if not list(Board.by_org.query(SANXING, limit=1)):
        forum.create_board(SANXING_ADMIN, NewBoard(name="食堂建议", description="对食堂菜品、服务的建议"))
        forum.create_board(SANXING_ADMIN, NewBoard(name="宿舍生活", description="宿舍里的大事小情"))
