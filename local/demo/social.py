"""光年间 demo: 西湖区 members who passed identity's checks, following each other (小王 and
小林 are friends), a few 动态, and one member whose messages will look like a 杀猪盘."""
from __future__ import annotations

from chalicelib.accounts.logic import dev_login
from chalicelib.accounts.schemas import DevLogin
from chalicelib.platform.auth import Principal, Role
from chalicelib.platform.events import DomainEvent
from chalicelib.social import logic
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
            logic.create_post(principal(author), NewPost(text=text))
