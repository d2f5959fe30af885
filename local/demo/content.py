"""Demo content: 南浔区总工会 publishes a union news item and a legal-education article (reviewed
by a colleague and the city union, as the 普法 channel requires), and a third legal article is
scheduled for tomorrow 09:00 — the content schedule Lambda publishes it through the pump."""
from __future__ import annotations

from datetime import datetime, time, timedelta

from chalicelib.content import logic
from chalicelib.content.schemas import ContentArticleDraft
from chalicelib.platform import clock
from chalicelib.platform.auth import Principal, Role

DISTRICT = "zj/huz/nanxun"
AUTHOR = Principal(user_id="demo-nanxun-admin", role=Role.UNION_ADMIN, org_path=DISTRICT, name="南浔区总工会")
REVIEWER = Principal(user_id="demo-nanxun-reviewer", role=Role.UNION_ADMIN, org_path=DISTRICT)
CITY = Principal(user_id="demo-huzhou-admin", role=Role.UNION_ADMIN, org_path="zj/huz")

ARTICLES = [
    ("news", "南浔区总工会职工书屋全面开放", "全区十二家职工书屋即日起免费向会员开放。", ["职工书屋"], None),
    ("legal", "劳动合同法：试用期工资怎么算", "试用期工资不得低于本单位相同岗位最低档工资的百分之八十。",
     ["劳动合同", "试用期"], None),
    ("legal", "加班费的计算标准", "工作日加班不低于工资的百分之一百五十，休息日百分之二百，法定节假日百分之三百。",
     ["加班费"], "tomorrow"),
]


WORKER = Principal(user_id="demo-worker", role=Role.WORKER, org_path=f"{DISTRICT}/e-sanxing")


def seed() -> None:
    if logic.search(WORKER, "职工书屋", channel_id="news", limit=1).items:
        return  # seeded by an earlier start of the stack
    tomorrow_nine = datetime.combine(clock.today_shanghai() + timedelta(days=1), time(9), tzinfo=clock.SHANGHAI)
    for channel, title, summary, tags, when in ARTICLES:
        draft = ContentArticleDraft(channel_id=channel, title=title, summary=summary, tags=tags,
                                    body_html=f"<p>{summary}</p>", audience_org=DISTRICT,
                                    publish_at=clock.isoformat(tomorrow_nine) if when else None)
        article = logic.create_article(AUTHOR, draft)
        logic.submit(AUTHOR, article.article_id)
        logic.approve(REVIEWER, article.article_id)
        if article.reviewers > 1:
            logic.approve(CITY, article.article_id)
