"""The content text rules: what HTML is refused, what survives cleaning, and the search terms."""
from __future__ import annotations

import pytest

from chalicelib.content import text


@pytest.mark.parametrize("html", [
    "<script>alert(1)</script>", '<p onmouseover="x()">a</p>', '<a href=" JaVaScRiPt:alert(1)">a</a>',
    '<a href="java\tscript:alert(1)">a</a>', '<iframe src="https://v.qq.com/x"></iframe>', "<svg onload=1>",
    '<img src="data:image/png;base64,AAAA">', '<img src="/media/content/a/b.svg">', '<form action="/x"></form>',
    '<p style="background:url(javascript:1)">a</p>',
])
def test_html_that_could_run_or_load_something_foreign_is_refused(html):
    assert text.problems_of(html)


def test_ordinary_rich_text_passes_and_cleaning_keeps_it():
    html = ('<h2>要点</h2><p><strong>试用期</strong>工资<em>不得低于</em>……</p><ul><li>一</li></ul>'
            '<img src="/media/content/u-1/abc.jpg" alt="图"><a href="https://www.gov.cn/">链接</a>')
    assert text.problems_of(html) == []
    cleaned = text.sanitize(html)
    assert "<strong>试用期</strong>" in cleaned and 'src="/media/content/u-1/abc.jpg"' in cleaned
    assert 'href="https://www.gov.cn/"' in cleaned and 'rel="noopener noreferrer"' in cleaned


def test_cleaning_alone_removes_what_slipped_past():
    cleaned = text.sanitize('<p onclick="x">a<script>bad()</script><img src="https://evil/x.jpg" onerror="y"></p>')
    assert "script" not in cleaned and "onclick" not in cleaned and "onerror" not in cleaned and "evil" not in cleaned


def test_chinese_text_is_indexed_by_character_bigrams_words_and_whole_tags():
    terms = text.index_terms("劳动合同法解读", "试用期 OK", ["普法"])
    assert {"劳动", "动合", "合同", "同法", "试用", "用期", "ok", "普法", "tag:普法"} <= set(terms)
    assert text.query_terms("劳动合同") == ["劳动", "动合", "合同"]
    assert text.query_terms("法") == []  # one character: too short to search
