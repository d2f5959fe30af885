"""Legal education takes questions: a worker asks anonymously, the district's union staff answer
(the worker hears of it in the inbox), and a chosen answer becomes a public Q&A of the legal
channel with the asker hidden. Articles may be aimed at a 光年间 tier: readers below it do not
see them anywhere. Refusals change nothing."""
from __future__ import annotations

import json

from chalicelib.content.models import ContentArticle, ContentQuestion
from chalicelib.platform.events import DomainEvent
from chalicelib.tiers import logic as tiers
from tests.conftest import body
from tests.integration.content.support import DISTRICT, ENTERPRISE, LEGAL, OTHER_DISTRICT


def test_a_worker_asks_staff_answer_and_the_answer_becomes_a_public_qa(login, pump):
    worker = login("worker", user_id="chen-hongxin", org_path=ENTERPRISE)
    staff = login("union_admin", user_id="nanxun-admin", org_path=DISTRICT, name="南浔区总工会 杨老师")
    asked = worker.post("/content/legal/questions", {"text": "试用期被辞退，公司说不用给补偿，我的电话13812345678"})
    assert asked.status_code == 201
    question = body(asked)
    assert question["status"] == "open" and "13812345678" not in question["text"]

    waiting = body(staff.get("/content/manage/legal/questions"))["items"]
    assert [q["question_id"] for q in waiting] == [question["question_id"]]
    assert waiting[0]["org_path"] == DISTRICT and "chen-hongxin" not in json.dumps(waiting, ensure_ascii=False)

    path = f"/content/manage/legal/questions/{question['question_id']}"
    answered = staff.post(f"{path}/answer", {"answer": "试用期内用人单位无法定理由解除的，应当支付赔偿金。"})
    assert answered.status_code == 200 and "chen-hongxin" not in json.dumps(body(answered))
    pump.drain()
    inbox = body(worker.get("/inbox"))["items"]
    assert [i["title"] for i in inbox] == ["你的法律咨询有了解答"]
    mine = body(worker.get("/content/legal/questions/mine"))["items"][0]
    assert mine["status"] == "answered" and mine["answer"].startswith("试用期内")

    published = staff.post(f"{path}/publish", {"title": "试用期被辞退有没有补偿？"})
    assert published.status_code == 201
    article_id = body(published)["article_id"]
    reader = login("worker", user_id="another-worker", org_path=ENTERPRISE)
    page = body(reader.get("/content/channels/legal/articles"))["items"]
    assert [i["title"] for i in page] == ["试用期被辞退有没有补偿？"]
    shown = json.dumps(body(reader.get(f"/content/articles/{article_id}")), ensure_ascii=False)
    assert "赔偿金" in shown and "chen-hongxin" not in shown and "杨老师" not in shown
    assert [i["article_id"] for i in body(reader.get("/content/search?q=试用期"))["items"]] == [article_id]
    assert body(worker.get("/content/legal/questions/mine"))["items"][0]["article_id"] == article_id


def test_refused_questions_answers_and_publishing_change_nothing(login):
    worker = login("worker", user_id="chen-hongxin", org_path=ENTERPRISE)
    staff = login("union_admin", user_id="nanxun-admin", org_path=DISTRICT)
    outsider = login("union_admin", user_id="xihu-admin", org_path=OTHER_DISTRICT)
    for text, code in (("", "VALIDATION_FAILED"), ("   \u3000   ", "CONTENT_QUESTION_EMPTY"),
                       ("问" * 1001, "VALIDATION_FAILED")):
        refused = worker.post("/content/legal/questions", {"text": text})
        assert (refused.status_code, body(refused)["code"]) == (422, code)
    assert list(ContentQuestion.scan()) == []

    question = body(worker.post("/content/legal/questions", {"text": "加班费应该怎么计算才对？"}))
    path = f"/content/manage/legal/questions/{question['question_id']}"
    cases = [
        (outsider, f"{path}/answer", {"answer": "应当按照工资的百分之一百五十支付。"}, 404, "CONTENT_QUESTION_NOT_FOUND"),
        (staff, f"{path}/publish", {}, 409, "CONTENT_QUESTION_NOT_ANSWERED"),
        (staff, "/content/manage/legal/questions/cq-nothing/answer", {"answer": "应当按照法律规定。"}, 404,
         "CONTENT_QUESTION_NOT_FOUND"),
    ]
    for who, url, request, status, code in cases:
        refused = who.post(url, request)
        assert (refused.status_code, body(refused)["code"]) == (status, code), url
        assert body(refused)["message"]
    assert outsider.get("/content/manage/legal/questions").status_code == 200
    assert body(outsider.get("/content/manage/legal/questions"))["items"] == []
    stored = ContentQuestion.get(question["question_id"])
    assert stored.status == "open" and stored.answer is None
    assert list(ContentArticle.scan()) == []

    staff.post(f"{path}/answer", {"answer": "应当按照工资的百分之一百五十支付。"})
    again = staff.post(f"{path}/answer", {"answer": "另一个解答，不应覆盖。"})
    assert (again.status_code, body(again)["code"]) == (409, "CONTENT_QUESTION_ANSWERED")
    wide = staff.post(f"{path}/publish", {"audience_org": "zj"})
    assert (wide.status_code, body(wide)["code"]) == (403, "CONTENT_AUDIENCE_OUT_OF_SCOPE")
    assert ContentQuestion.get(question["question_id"]).answer.startswith("应当按照工资")
    assert list(ContentArticle.scan()) == []


def test_an_article_for_a_tier_is_hidden_from_readers_below_it(login):
    author = login("union_admin", user_id="nanxun-admin", org_path=DISTRICT)
    reviewer = login("union_admin", user_id="nanxun-reviewer", org_path=DISTRICT)
    tips = {**LEGAL, "channel_id": "news", "title": "亮星会员专享：职工疗休养名额", "tags": ["疗休养"], "min_tier": 1}
    draft = body(author.post("/content/manage/articles", tips))
    assert draft["min_tier"] == 1
    path = f"/content/manage/articles/{draft['article_id']}"
    author.post(f"{path}/submit")
    assert body(reviewer.post(f"{path}/approve"))["status"] == "published"

    star = login("worker", user_id="star", org_path=ENTERPRISE)
    newcomer = login("worker", user_id="newcomer", org_path=ENTERPRISE)
    tiers.count_event("ProfileUpdated", DomainEvent(data={"user_id": "star"}, org=ENTERPRISE))
    city = login("platform_admin", user_id="admin-1")
    assert city.put("/tiers/config", {"org_path": "zj", "based_on_version": 0, "tiers": [
        {"name": "新星", "min_points": 0}, {"name": "亮星", "min_points": 20}]}).status_code == 200

    for reader, sees in ((star, True), (newcomer, False)):
        page = body(reader.get("/content/channels/news/articles"))["items"]
        assert ([i["article_id"] for i in page] == [draft["article_id"]]) is sees
        found = body(reader.get("/content/search?q=疗休养"))["items"]
        assert bool(found) is sees
        assert reader.get(f"/content/articles/{draft['article_id']}").status_code == (200 if sees else 404)
