"""Pure text rules of content: the HTML allow-list (nh3) and the Chinese search tokens.

Bodies are checked first: HTML that tries to run anything (scripts, event handlers,
``javascript:`` links, frames, embeds, forms) or shows images that are not our uploads is
refused with the reasons, so an editor learns what was wrong. What passes is cleaned with
nh3's allow-list anyway and only that is stored and served.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

import nh3

IMAGE_KEY = re.compile(r"^content/[A-Za-z0-9_-]{1,64}/[A-Za-z0-9_-]{1,64}\.(jpg|png|webp)$")
IMAGE_SRC = re.compile(r"^/media/(content/[A-Za-z0-9_-]{1,64}/[A-Za-z0-9_-]{1,64}\.(jpg|png|webp))$")

TAGS = {"p", "br", "strong", "b", "em", "i", "u", "s", "h2", "h3", "h4", "blockquote", "ul", "ol", "li",
        "a", "img", "table", "thead", "tbody", "tr", "th", "td", "hr", "span", "sub", "sup"}
ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "width", "height"}, "td": {"colspan", "rowspan"},
              "th": {"colspan", "rowspan"}}
FORBIDDEN_TAGS = {"script", "style", "iframe", "frame", "frameset", "object", "embed", "form", "input", "button",
                  "textarea", "select", "link", "meta", "base", "svg", "math", "video", "audio", "source"}


class _Inspector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in FORBIDDEN_TAGS:
            self.problems.append({"tag": tag, "reason": "不允许的标签"})
        for name, value in attrs:
            text = (value or "").strip().lower()
            if name.startswith("on"):
                self.problems.append({"tag": tag, "attribute": name, "reason": "不允许事件处理属性"})
            elif name in ("href", "src", "action", "formaction", "xlink:href") and \
                    re.sub(r"[\s\x00-\x1f]", "", text).startswith(("javascript:", "vbscript:", "data:")):
                self.problems.append({"tag": tag, "attribute": name, "reason": "不允许脚本或内嵌数据链接"})
            elif name == "style" and ("expression" in text or "url(" in text):
                self.problems.append({"tag": tag, "attribute": name, "reason": "不允许可执行的样式"})
        if tag == "img":
            src = dict(attrs).get("src") or ""
            if not IMAGE_SRC.match(src):
                self.problems.append({"tag": "img", "attribute": "src",
                                      "reason": "图片须通过本平台上传（jpg/png/webp）"})


def problems_of(html: str) -> list[dict[str, str]]:
    """What in this HTML would run code or load something foreign (empty: acceptable)."""
    inspector = _Inspector()
    inspector.feed(html)
    inspector.close()
    return inspector.problems[:20]


def _keep_attribute(tag: str, name: str, value: str) -> str | None:
    if tag == "img" and name == "src":
        return value if IMAGE_SRC.match(value) else None
    if tag == "a" and name == "href":
        return value if value.startswith(("https://", "/", "#")) else None
    return value


def sanitize(html: str) -> str:
    """The allow-list cleaning of what is stored and served."""
    return nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, attribute_filter=_keep_attribute,
                     clean_content_tags={"script", "style"}, url_schemes={"https"}, strip_comments=True,
                     link_rel="noopener noreferrer")


_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[A-Za-z0-9]{2,}")
MAX_TERMS = 400


def _bigrams(text: str) -> list[str]:
    out: list[str] = []
    for run in _CJK.findall(text):
        out.extend(run[i:i + 2] for i in range(len(run) - 1))
    return out


def index_terms(title: str, summary: str, tags: list[str]) -> list[str]:
    """The index terms of an article: character bigrams of its Chinese text, its ASCII words
    (lower case) and each whole tag."""
    terms: dict[str, None] = {}
    for text in (title, summary, *tags):
        for term in _bigrams(text) + [w.lower() for w in _WORD.findall(text)]:
            terms.setdefault(term)
    for tag in tags:
        terms.setdefault(f"tag:{tag.strip().lower()}")
    return list(terms)[:MAX_TERMS]


def query_terms(keyword: str) -> list[str]:
    """The terms a keyword must all match: its bigrams and ASCII words (empty: too short)."""
    terms = list(dict.fromkeys(_bigrams(keyword) + [w.lower() for w in _WORD.findall(keyword)]))
    return terms[:6]
