"""Reviewers find what awaits them: articles in review aimed at their scope, newest submission
first, paged; approved, sent back or edited articles leave the queue; a worker may not look,
and a staff member cannot read another district's queue by naming it."""
from __future__ import annotations

from datetime import timedelta

from tests.conftest import body
from tests.integration.content.support import DISTRICT, OTHER_DISTRICT, later

QUEUE = "/content/manage/reviews"


def _article(author, title: str, audience: str = DISTRICT) -> str:
    a = body(author.post("/content/manage/articles", {"channel_id": "news", "title": title,
                                                      "body_html": "<p>内容</p>", "audience_org": audience}))
    return str(a["article_id"])


def test_articles_in_review_are_listed_newest_first_and_leave_the_queue_when_decided(login):
    author = login("union_admin", user_id="nanxun-admin", org_path=DISTRICT, name="南浔区总工会")
    reviewer = login("union_admin", user_id="nanxun-reviewer", org_path=DISTRICT)
    ids = [_article(author, f"工会新闻{i}") for i in range(3)]
    draft_only = _article(author, "还在写的草稿")
    for i, article_id in enumerate(ids):
        with later(timedelta(seconds=i)):
            assert body(author.post(f"/content/manage/articles/{article_id}/submit"))["status"] == "review"

    first = reviewer.get(f"{QUEUE}?limit=2")
    assert first.status_code == 200
    page = body(first)
    assert [r["title"] for r in page["items"]] == ["工会新闻2", "工会新闻1"]
    assert page["items"][0]["author_name"] == "南浔区总工会" and page["items"][0]["reviewers"] == 1
    rest = body(reviewer.get(f"{QUEUE}?limit=2&cursor={page['next_cursor']}"))
    assert [r["article_id"] for r in rest["items"]] == [ids[0]] and rest["next_cursor"] is None
    assert draft_only not in {r["article_id"] for r in page["items"] + rest["items"]}

    assert body(reviewer.post(f"/content/manage/articles/{ids[2]}/approve"))["status"] == "published"
    assert body(reviewer.post(f"/content/manage/articles/{ids[1]}/reject"))["status"] == "draft"
    assert [r["article_id"] for r in body(reviewer.get(QUEUE))["items"]] == [ids[0]]


def test_a_worker_and_another_districts_staff_are_refused_and_nothing_changes(login):
    author = login("union_admin", user_id="nanxun-admin", org_path=DISTRICT)
    worker = login("worker", user_id="chen-hongxin", org_path=f"{DISTRICT}/e-sanxing")
    xihu = login("union_admin", user_id="xihu-admin", org_path=OTHER_DISTRICT)
    article_id = _article(author, "待审核的文章")
    author.post(f"/content/manage/articles/{article_id}/submit")

    refused = worker.get(QUEUE)
    assert refused.status_code == 403 and body(refused)["code"] == "ROLE_FORBIDDEN"
    foreign = xihu.get(f"{QUEUE}?org={DISTRICT}")
    assert foreign.status_code == 404 and body(foreign)["code"] == "ORG_NOT_FOUND"
    assert body(xihu.get(QUEUE))["items"] == []
    assert [r["article_id"] for r in body(author.get(QUEUE))["items"]] == [article_id]
    assert body(author.get(f"/content/manage/articles/{article_id}"))["status"] == "review"
