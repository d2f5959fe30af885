"""Bad input is refused with a code and a Chinese message, and nothing is stored."""
from __future__ import annotations

import pytest

from tests.conftest import body
from tests.integration.content.support import DISTRICT, ENTERPRISE, LEGAL, OTHER_DISTRICT


@pytest.mark.parametrize(("html", "what"), [
    ('<p>你好<script>alert(1)</script></p>', "script"),
    ('<p onclick="steal()">点我</p>', "onclick"),
    ('<a href="javascript:alert(1)">链接</a>', "href"),
    ('<iframe src="https://evil.example/x"></iframe>', "iframe"),
    ('<img src="https://evil.example/a.jpg">', "img"),
    ('<img src="/media/content/u/a.gif">', "img"),
])
def test_unsafe_html_is_refused_naming_what_and_nothing_is_stored(login, html, what):
    author = login("union_admin", user_id="nanxun-admin", org_path=DISTRICT)
    refused = author.post("/content/manage/articles", {**LEGAL, "body_html": html})
    assert refused.status_code == 422
    err = body(refused)
    assert err["code"] == "CONTENT_UNSAFE_HTML" and "不安全" in err["message"]
    assert any(what in (d.get("tag", "") + d.get("attribute", "")) for d in err["details"])
    from chalicelib.content.models import ContentArticleVersion
    assert ContentArticleVersion.count() == 0


def test_oversized_bodies_wrong_covers_and_foreign_audiences_are_refused(login):
    from chalicelib.content.models import ContentArticle

    author = login("union_admin", user_id="nanxun-admin", org_path=DISTRICT)
    big = author.post("/content/manage/articles", {**LEGAL, "body_html": "<p>" + "字" * 30_001 + "</p>"})
    assert big.status_code == 413 and body(big)["code"] == "CONTENT_BODY_TOO_LARGE"
    cover = author.post("/content/manage/articles", {**LEGAL, "cover": "content/u/evil.svg"})
    assert cover.status_code == 422 and body(cover)["code"] == "CONTENT_IMAGE_TYPE"
    outside = author.post("/content/manage/articles", {**LEGAL, "audience_org": OTHER_DISTRICT})
    assert outside.status_code == 403 and body(outside)["code"] == "CONTENT_AUDIENCE_OUT_OF_SCOPE"
    upload = author.post("/content/manage/images", {"content_type": "image/svg+xml"})
    assert upload.status_code == 422 and body(upload)["code"] == "CONTENT_IMAGE_TYPE"
    worker = login("worker", user_id="chen-hongxin", org_path=ENTERPRISE)
    assert worker.post("/content/manage/articles", LEGAL).status_code == 403
    short = worker.get("/content/search?q=法")
    assert short.status_code == 400 and body(short)["code"] == "CONTENT_KEYWORD_TOO_SHORT"
    assert ContentArticle.count() == 0


def test_a_draft_edited_from_a_stale_version_is_refused_and_versions_are_kept(login):
    from chalicelib.content.models import ContentArticleVersion

    author = login("union_admin", user_id="nanxun-admin", org_path=DISTRICT)
    draft = body(author.post("/content/manage/articles", LEGAL))
    path = f"/content/manage/articles/{draft['article_id']}"
    edited = body(author.put(path, {**LEGAL, "title": "劳动合同法：试用期（修订）", "version": 1}))
    assert edited["version"] == 2
    stale = author.put(path, {**LEGAL, "title": "覆盖", "version": 1})
    assert stale.status_code == 409 and body(stale)["code"] == "CONTENT_ARTICLE_CHANGED"
    assert body(author.get(path))["title"] == "劳动合同法：试用期（修订）"
    versions = [v.title for v in ContentArticleVersion.query(draft["article_id"])]
    assert versions == ["劳动合同法：试用期工资怎么算", "劳动合同法：试用期（修订）"]
