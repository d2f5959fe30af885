"""Topics a post carries: ``#话题#`` names in its text, checked by the safety rules, attached in
the post's own transaction (a new name becomes a topic waiting for staff review).

``logic.create_post`` imports this module; it imports no other social module but ``models``."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from chalicelib.platform.auth import Principal
from chalicelib.platform.errors import ValidationFailed

from .models import Post, Topic, TopicPost

if TYPE_CHECKING:
    from pynamodb.transactions import TransactWrite

TAG = re.compile(r"#([^#\s]{1,20})#")
MAX_TOPICS_PER_POST = 3


@dataclass(frozen=True)
class Tag:
    topic_id: str
    name: str


def normalise(name: str) -> str:
    return re.sub(r"\s+", "", name).strip("#").lower()


def topic_id_of(name: str) -> str:
    """The same name (ignoring spaces and case) is the same topic, whoever writes it first."""
    return "t-" + hashlib.sha256(normalise(name).encode()).hexdigest()[:12]


def check_name(principal: Principal, name: str, *, what: str = "话题名", code: str = "TOPIC_NAME_REJECTED") -> None:
    """A topic name the safety rules would hold is refused outright (422, nothing stored)."""
    from chalicelib.messaging import logic as messaging

    verdict = messaging.scan_text(name, first_message=False, orgs=(principal.org_path,))
    if verdict.action == "hold":
        raise ValidationFailed(f"{what}“{name}”包含不允许的内容，请修改后再提交", code=code,
                               details=[{"name": name, "categories": verdict.categories}])


def tags_of(principal: Principal, text: str) -> list[Tag]:
    names: dict[str, str] = {}
    for match in TAG.finditer(text):
        name = match.group(1).strip()
        if name and topic_id_of(name) not in names:
            names[topic_id_of(name)] = name
    if len(names) > MAX_TOPICS_PER_POST:
        raise ValidationFailed(f"一条动态最多带 {MAX_TOPICS_PER_POST} 个话题", code="TOO_MANY_TOPICS")
    for name in names.values():
        check_name(principal, name)
    return [Tag(topic_id, name) for topic_id, name in names.items()]


def position_of(post: Post) -> str:
    return f"{post.created_at}#{post.post_id}"


def stage_post(tx: TransactWrite, post: Post, tags: list[Tag]) -> None:
    """In the post's transaction: each topic exists (a new one as ``pending``, by this author)
    and counts one more post; the post is listed under it."""
    for tag in tags:
        tx.update(Topic(tag.topic_id), actions=[
            Topic.name.set(Topic.name | tag.name),
            Topic.status.set(Topic.status | "pending"),
            Topic.created_by.set(Topic.created_by | post.author),
            Topic.created_at.set(Topic.created_at | post.created_at),
            Topic.org.set(Topic.org | post.org),
            Topic.heat.set(Topic.heat | 0),
            Topic.posts.add(1),
        ])
        tx.save(TopicPost(tag.topic_id, position_of(post), post_id=post.post_id, heat=0))
