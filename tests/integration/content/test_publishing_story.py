"""A district admin writes a legal-education article; two other reviewers approve it (the
author may not); it publishes at its time; a worker of the district finds it by a Chinese
keyword and on the channel page; take-down removes it everywhere at once."""
from __future__ import annotations

from datetime import timedelta

from tests.conftest import body
from tests.integration.content.support import CITY, DISTRICT, ENTERPRISE, LEGAL, OTHER_DISTRICT, PUBLISH, iso_in, later


def _staff(login):
    return (login("union_admin", user_id="nanxun-admin", org_path=DISTRICT, name="南浔区总工会"),
            login("union_admin", user_id="nanxun-reviewer", org_path=DISTRICT),
            login("union_admin", user_id="huzhou-reviewer", org_path=CITY))


def test_a_legal_article_is_reviewed_twice_published_at_its_time_and_found_by_keyword(login, pump):
    author, reviewer, city = _staff(login)
    worker = login("worker", user_id="chen-hongxin", org_path=ENTERPRISE)
    elsewhere = login("worker", user_id="xihu-worker", org_path=f"{OTHER_DISTRICT}/e-1")

    draft = body(author.post("/content/manage/articles", {**LEGAL, "publish_at": iso_in(timedelta(hours=2))}))
    assert draft["status"] == "draft" and draft["reviewers"] == 2 and "<strong>" in draft["body_html"]
    path = f"/content/manage/articles/{draft['article_id']}"
    assert body(author.post(f"{path}/submit"))["status"] == "review"

    own = author.post(f"{path}/approve")
    assert own.status_code == 403 and body(own)["code"] == "CONTENT_SELF_APPROVAL"
    assert body(author.get(path))["approvals"] == 0

    assert body(reviewer.post(f"{path}/approve"))["status"] == "review"  # one of two
    again = reviewer.post(f"{path}/approve")
    assert again.status_code == 409 and body(again)["code"] == "CONTENT_ALREADY_APPROVED"
    assert body(city.post(f"{path}/approve"))["status"] == "scheduled"

    assert pump.run_schedule(PUBLISH) == {"published": 0}  # not yet its time
    assert body(worker.get("/content/search?q=试用期工资"))["items"] == []
    assert body(worker.get("/content/channels/legal/articles"))["items"] == []

    with later(timedelta(hours=2, minutes=1)):
        assert pump.run_schedule(PUBLISH) == {"published": 1}
        assert pump.run_schedule(PUBLISH) == {"published": 0}  # a rerun publishes nothing twice

    found = body(worker.get("/content/search?q=试用期工资"))["items"]
    assert [f["title"] for f in found] == ["劳动合同法：试用期工资怎么算"]
    assert [f["article_id"] for f in body(worker.get("/content/search?q=劳动合同&channel=legal"))["items"]] \
        == [draft["article_id"]]
    assert body(worker.get("/content/channels/legal/articles"))["items"][0]["article_id"] == draft["article_id"]
    article = body(worker.get(f"/content/articles/{draft['article_id']}"))
    assert article["status"] == "published" and article["published_at"]

    # outside the audience: not on the page, not in search, not readable
    assert body(elsewhere.get("/content/search?q=试用期工资"))["items"] == []
    assert body(elsewhere.get("/content/channels/legal/articles"))["items"] == []
    assert elsewhere.get(f"/content/articles/{draft['article_id']}").status_code == 404

    gone = body(author.post(f"{path}/take-down", {"reason": "政策已更新"}))
    assert gone["status"] == "taken_down"
    assert body(worker.get("/content/search?q=试用期工资"))["items"] == []
    assert body(worker.get("/content/channels/legal/articles"))["items"] == []
    assert worker.get(f"/content/articles/{draft['article_id']}").status_code == 404


def test_the_channel_page_is_pinned_first_then_newest_and_pages_through(login, pump):
    author, reviewer, _ = _staff(login)
    worker = login("worker", user_id="chen-hongxin", org_path=ENTERPRISE)
    ids = []
    for i in range(5):
        a = body(author.post("/content/manage/articles", {"channel_id": "news", "title": f"工会新闻{i}",
                                                         "body_html": "<p>内容</p>", "audience_org": DISTRICT}))
        author.post(f"/content/manage/articles/{a['article_id']}/submit")
        with later(timedelta(seconds=i)):
            assert body(reviewer.post(f"/content/manage/articles/{a['article_id']}/approve"))["status"] == "published"
        ids.append(a["article_id"])
    assert body(author.post(f"/content/manage/articles/{ids[1]}/pin", {"pinned": True}))["pinned"] is True

    first = body(worker.get("/content/channels/news/articles?limit=2"))
    second = body(worker.get(f"/content/channels/news/articles?limit=2&cursor={first['next_cursor']}"))
    third = body(worker.get(f"/content/channels/news/articles?limit=2&cursor={second['next_cursor']}"))
    order = [i["article_id"] for p in (first, second, third) for i in p["items"]]
    assert order == [ids[1], ids[4], ids[3], ids[2], ids[0]]
    assert first["items"][0]["pinned"] is True


def test_reads_count_once_per_person_per_day_and_likes_toggle_without_writing_the_article(login, pump):
    from chalicelib.content.models import ContentArticle

    author, reviewer, _ = _staff(login)
    a = body(author.post("/content/manage/articles", {"channel_id": "news", "title": "职工书屋开放",
                                                     "body_html": "<p>内容</p>", "audience_org": DISTRICT}))
    author.post(f"/content/manage/articles/{a['article_id']}/submit")
    reviewer.post(f"/content/manage/articles/{a['article_id']}/approve")
    before = ContentArticle.get(a["article_id"]).serialize()
    readers = [login("worker", user_id=f"w-{i}", org_path=ENTERPRISE) for i in range(3)]
    for reader in readers:
        for _ in range(3):
            assert reader.get(f"/content/articles/{a['article_id']}").status_code == 200
    assert body(readers[0].get(f"/content/articles/{a['article_id']}"))["reads"] == 3
    assert ContentArticle.get(a["article_id"]).serialize() == before  # no view wrote the article
    from chalicelib.content.logic import count_read, counts

    with later(timedelta(days=1)):  # the next day counts again (tokens are not issued a day ahead)
        assert count_read(a["article_id"], "w-0") is True
        assert count_read(a["article_id"], "w-0") is False
    assert counts(a["article_id"])["reads"] == 4

    liked = body(readers[0].post(f"/content/articles/{a['article_id']}/like", {"on": True}))
    again = body(readers[0].post(f"/content/articles/{a['article_id']}/like", {"on": True}))
    assert liked["likes"] == again["likes"] == 1
    assert body(readers[1].post(f"/content/articles/{a['article_id']}/favourite", {"on": True}))["favourites"] == 1
    assert body(readers[0].post(f"/content/articles/{a['article_id']}/like", {"on": False}))["likes"] == 0
    assert body(readers[0].post(f"/content/articles/{a['article_id']}/like", {"on": False}))["likes"] == 0
    assert ContentArticle.get(a["article_id"]).serialize() == before
