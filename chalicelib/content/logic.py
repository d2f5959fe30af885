"""Union content: channels, the article workflow (draft → review → scheduled → published →
taken down, with versions), channel pages within the reader's audience, and Chinese search."""
from __future__ import annotations

import uuid
import zlib
from datetime import datetime, timedelta
from typing import Any, cast

from pynamodb.connection import Connection
from pynamodb.exceptions import DoesNotExist, PutError, TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.platform import clock
from chalicelib.platform.auth import Principal, Role
from chalicelib.platform.errors import BadRequest, Conflict, Forbidden, NotFound, PayloadTooLarge, ValidationFailed
from chalicelib.platform.pagination import decode_cursor, encode_cursor

from . import text
from .models import (
    CHANNELS_PARTITION,
    DUE,
    IN_REVIEW,
    ContentArticle,
    ContentArticleVersion,
    ContentChannel,
    ContentCounter,
    ContentDailyRead,
    ContentFeedEntry,
    ContentReaction,
    ContentTerm,
)
from .schemas import (
    ArticleStatus,
    ContentArticleDraft,
    ContentArticleEdit,
    ContentArticleView,
    ContentChannelList,
    ContentChannelView,
    ContentFeedItemView,
    ContentFeedPage,
    ContentNewChannel,
    ContentReviewPage,
    ContentReviewRow,
    ContentSearchResult,
)

MAX_BODY_CHARS = 30_000
MAX_DEPTH = 6

# The union's standing channels; staff add others (stored in ContentChannel).
DEFAULT_CHANNELS: dict[str, ContentChannelView] = {
    c.channel_id: c for c in (
        ContentChannelView(channel_id="news", name="工会资讯", members_only=False, reviewers=1),
        ContentChannelView(channel_id="party", name="党建", members_only=False, reviewers=2),
        ContentChannelView(channel_id="legal", name="普法", members_only=False, reviewers=2),
        ContentChannelView(channel_id="dating", name="恋爱攻略", members_only=True, reviewers=1),
    )
}


def _connection() -> Connection:
    return ContentArticle._get_connection().connection  # type: ignore[no-any-return]


def ancestors(org: str) -> list[str]:
    parts = org.split("/") if org else []
    return ["/".join(parts[: i + 1]) for i in range(len(parts))][-MAX_DEPTH:]


# --- channels ------------------------------------------------------------------------------------

def channels() -> ContentChannelList:
    added = [ContentChannelView(channel_id=c.channel_id, name=c.name, members_only=bool(c.members_only),
                                reviewers=int(c.reviewers))
             for c in ContentChannel.query(CHANNELS_PARTITION, limit=100)]
    return ContentChannelList(items=[*DEFAULT_CHANNELS.values(), *added])


def channel(channel_id: str) -> ContentChannelView:
    if channel_id in DEFAULT_CHANNELS:
        return DEFAULT_CHANNELS[channel_id]
    try:
        c = ContentChannel.get(CHANNELS_PARTITION, channel_id)
    except DoesNotExist:
        raise NotFound("找不到该栏目", code="CONTENT_CHANNEL_NOT_FOUND") from None
    return ContentChannelView(channel_id=c.channel_id, name=c.name, members_only=bool(c.members_only),
                              reviewers=int(c.reviewers))


def add_channel(principal: Principal, body: ContentNewChannel) -> ContentChannelView:
    if body.channel_id in DEFAULT_CHANNELS:
        raise Conflict("栏目编号已存在", code="CONTENT_CHANNEL_EXISTS")
    try:
        ContentChannel(CHANNELS_PARTITION, body.channel_id, name=body.name, members_only=body.members_only,
                       reviewers=body.reviewers, created_by=principal.user_id, created_at=clock.now_iso()).save(
            condition=ContentChannel.channel_id.does_not_exist())
    except PutError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            raise Conflict("栏目编号已存在", code="CONTENT_CHANNEL_EXISTS") from exc
        raise
    return channel(body.channel_id)


# --- writing -------------------------------------------------------------------------------------

def _view(a: ContentArticle) -> ContentArticleView:
    return ContentArticleView(
        article_id=a.article_id, channel_id=a.channel_id, status=cast(ArticleStatus, a.status), version=int(a.version),
        title=a.title,
        summary=a.summary, cover=a.cover, body_html=a.body_html, tags=list(a.tags or []), author_name=a.author_name,
        author_org=a.author_org, audience_org=a.audience_org, members_only=bool(a.members_only),
        min_tier=int(a.min_tier) if a.min_tier is not None else None, publish_at=a.publish_at,
        published_at=a.published_at, approvals=len(a.approvals or []),
        reviewers=int(a.reviewers), pinned=bool(a.pinned), reads=0, likes=0, favourites=0)


def _checked(principal: Principal, body: ContentArticleDraft) -> dict[str, Any]:
    """Everything a draft must satisfy before anything is written (4xx, nothing stored)."""
    chan = channel(body.channel_id)
    audience = body.audience_org or principal.org_path
    if not principal.covers(audience):
        raise Forbidden("只能面向本人管辖范围内的组织发布", code="CONTENT_AUDIENCE_OUT_OF_SCOPE",
                        details=[{"audience_org": audience, "scope": principal.org_path}])
    if len(body.body_html) > MAX_BODY_CHARS:
        raise PayloadTooLarge(f"正文不能超过 {MAX_BODY_CHARS} 个字符", code="CONTENT_BODY_TOO_LARGE",
                              details=[{"limit_chars": MAX_BODY_CHARS, "chars": len(body.body_html)}])
    problems = text.problems_of(body.body_html)
    if problems:
        raise ValidationFailed("正文含有不安全的内容（脚本、事件处理、外部框架或非本平台图片）",
                               code="CONTENT_UNSAFE_HTML", details=problems)
    if body.cover is not None and not text.IMAGE_KEY.match(body.cover):
        raise ValidationFailed("封面图须为本平台上传的 jpg/png/webp 图片", code="CONTENT_IMAGE_TYPE",
                               details=[{"cover": body.cover[:80]}])
    tags = [t.strip() for t in body.tags if t.strip()]
    if any(len(t) > 12 for t in tags):
        raise ValidationFailed("每个标签不超过 12 个字", code="CONTENT_TAG_TOO_LONG")
    publish_at = clock.now_iso()
    if body.publish_at:
        try:
            moment: datetime = clock.parse(body.publish_at)
        except ValueError:
            raise ValidationFailed("发布时间格式不正确", code="CONTENT_PUBLISH_AT_INVALID") from None
        publish_at = clock.isoformat(moment)
    return {"channel_id": chan.channel_id, "title": body.title.strip(), "summary": body.summary.strip(),
            "cover": body.cover, "body_html": text.sanitize(body.body_html), "tags": tags, "audience_org": audience,
            "members_only": bool(body.members_only or chan.members_only), "min_tier": body.min_tier,
            "publish_at": publish_at,
            "reviewers": chan.reviewers}


def _snapshot(a: ContentArticle, who: str) -> ContentArticleVersion:
    return ContentArticleVersion(a.article_id, int(a.version), title=a.title, summary=a.summary,
                                 body_html=a.body_html, tags=list(a.tags or []), edited_by=who,
                                 edited_at=a.updated_at)


def create_article(principal: Principal, body: ContentArticleDraft) -> ContentArticleView:
    fields = _checked(principal, body)
    now = clock.now_iso()
    article = ContentArticle(f"ca-{uuid.uuid4().hex[:16]}", status="draft", version=1, author_id=principal.user_id,
                             author_name=principal.name, author_org=principal.org_path, approvals=[],
                             created_at=now, updated_at=now, **fields)
    with TransactWrite(connection=_connection()) as tx:
        tx.save(article, condition=ContentArticle.article_id.does_not_exist())
        tx.save(_snapshot(article, principal.user_id))
    return _view(article)


def _staff_article(principal: Principal, article_id: str) -> ContentArticle:
    """An article the staff member may handle: written in, or aimed at, their scope; else 404."""
    try:
        a = ContentArticle.get(article_id, consistent_read=True)
    except DoesNotExist:
        raise NotFound("找不到该文章", code="CONTENT_ARTICLE_NOT_FOUND") from None
    if not (principal.covers(a.author_org) or principal.covers(a.audience_org)):
        raise NotFound("找不到该文章", code="CONTENT_ARTICLE_NOT_FOUND")
    return a


def get_for_staff(principal: Principal, article_id: str) -> ContentArticleView:
    return _view(_staff_article(principal, article_id))


def _stale() -> Conflict:
    return Conflict("文章已被他人修改或状态已变化，请刷新后重试", code="CONTENT_ARTICLE_CHANGED")


def edit_article(principal: Principal, article_id: str, body: ContentArticleEdit) -> ContentArticleView:
    """A new version of a draft (or of an article in review, which goes back to draft)."""
    a = _staff_article(principal, article_id)
    if a.status not in ("draft", "review"):
        raise Conflict("只有草稿或审核中的文章可以修改", code="CONTENT_NOT_EDITABLE", details=[{"status": a.status}])
    if int(a.version) != body.version:
        raise _stale()
    fields = _checked(principal, body)
    before = int(a.version)
    for name, value in fields.items():
        setattr(a, name, value)
    a.version, a.status, a.approvals, a.updated_at = before + 1, "draft", [], clock.now_iso()
    a.review_bucket, a.review_sort = None, None
    try:
        with TransactWrite(connection=_connection()) as tx:
            tx.save(a, condition=(ContentArticle.version == before) & ContentArticle.status.is_in("draft", "review"))
            tx.save(_snapshot(a, principal.user_id))
    except TransactWriteError as exc:
        raise _stale() from exc
    return _view(a)


def _transition(a: ContentArticle, actions: list[Any], *, expect: str) -> None:
    try:
        a.update(actions=[*actions, ContentArticle.updated_at.set(clock.now_iso())],
                 condition=(ContentArticle.status == expect) & (ContentArticle.version == int(a.version)))
    except Exception as exc:  # a concurrent change: the caller sees 409 and nothing is half-written
        if getattr(exc, "cause_response_code", "") == "ConditionalCheckFailedException":
            raise _stale() from exc
        raise


def submit(principal: Principal, article_id: str) -> ContentArticleView:
    a = _staff_article(principal, article_id)
    if a.status != "draft":
        raise Conflict("只有草稿可以提交审核", code="CONTENT_NOT_DRAFT", details=[{"status": a.status}])
    now = clock.now_iso()
    _transition(a, [ContentArticle.status.set("review"), ContentArticle.approvals.set([]),
                    ContentArticle.review_bucket.set(IN_REVIEW),
                    ContentArticle.review_sort.set(f"{a.audience_org}/#{now}#{a.article_id}")], expect="draft")
    return _view(a)


def approve(principal: Principal, article_id: str) -> ContentArticleView:
    """One reviewer's approval. The author never reviews their own article; when the channel's
    number of reviewers is reached the article is scheduled (or published if its time has come)."""
    a = _staff_article(principal, article_id)
    if a.status != "review":
        raise Conflict("文章不在审核中", code="CONTENT_NOT_IN_REVIEW", details=[{"status": a.status}])
    if principal.user_id == a.author_id:
        raise Forbidden("作者不能审核自己的文章", code="CONTENT_SELF_APPROVAL")
    if principal.user_id in (a.approvals or []):
        raise Conflict("您已审核通过该文章", code="CONTENT_ALREADY_APPROVED")
    approvals = [*(a.approvals or []), principal.user_id]
    actions: list[Any] = [ContentArticle.approvals.set(approvals)]
    done = len(approvals) >= int(a.reviewers)
    if done:
        actions += [ContentArticle.status.set("scheduled"), ContentArticle.due_bucket.set(DUE),
                    ContentArticle.review_bucket.remove(), ContentArticle.review_sort.remove()]
    _transition(a, actions, expect="review")
    if done and a.publish_at <= clock.now_iso():
        publish(a.article_id)
        a.refresh(consistent_read=True)
    return _view(a)


def reject(principal: Principal, article_id: str) -> ContentArticleView:
    a = _staff_article(principal, article_id)
    if a.status != "review":
        raise Conflict("文章不在审核中", code="CONTENT_NOT_IN_REVIEW", details=[{"status": a.status}])
    _transition(a, [ContentArticle.status.set("draft"), ContentArticle.approvals.set([]),
                    ContentArticle.review_bucket.remove(), ContentArticle.review_sort.remove()], expect="review")
    return _view(a)


def review_queue(principal: Principal, org: str | None, *, limit: int, cursor: str | None) -> ContentReviewPage:
    """Articles in review aimed at the caller's scope (or at ``org`` inside it): one bounded
    Query of the sparse review index, newest submission first within each audience node."""
    node = org or principal.org_path
    if not principal.covers(node):
        raise NotFound("找不到该组织节点", code="ORG_NOT_FOUND")
    bound = f"content:reviews:{node}"
    page = ContentArticle.review_queue.query(IN_REVIEW, ContentArticle.review_sort.startswith(node + "/"),
                                             scan_index_forward=False, limit=limit,
                                             last_evaluated_key=decode_cursor(cursor, bound_to=bound))
    items = [ContentReviewRow(article_id=a.article_id, channel_id=a.channel_id, title=a.title, summary=a.summary,
                              version=int(a.version), author_name=a.author_name, author_org=a.author_org,
                              audience_org=a.audience_org, approvals=len(a.approvals or []),
                              reviewers=int(a.reviewers), publish_at=a.publish_at,
                              submitted_at=(a.review_sort or "").split("#")[1] if a.review_sort else a.updated_at)
             for a in page]
    return ContentReviewPage(items=items, next_cursor=encode_cursor(page.last_evaluated_key, bound_to=bound))


# --- publishing ----------------------------------------------------------------------------------

def _position(pinned: bool, published_at: str, article_id: str) -> str:
    return f"{1 if pinned else 0}#{published_at}#{article_id}"


def _feed_entry(a: ContentArticle, position: str) -> ContentFeedEntry:
    return ContentFeedEntry(f"{a.channel_id}|{a.audience_org}", position, article_id=a.article_id,
                            channel_id=a.channel_id, title=a.title, summary=a.summary, cover=a.cover,
                            tags=list(a.tags or []), author_org=a.author_org, audience_org=a.audience_org,
                            members_only=bool(a.members_only), pinned=bool(a.pinned),
                            min_tier=a.min_tier, published_at=a.published_at or a.publish_at)


def publish(article_id: str) -> bool:
    """Publish one scheduled article (idempotent: a rerun finishes what a crash left).

    The state and the feed entry change in one transaction; the search terms follow, and the
    article leaves the due index only after them, so a rerun writes them again."""
    try:
        a = ContentArticle.get(article_id, consistent_read=True)
    except DoesNotExist:
        return False
    if a.status == "scheduled":
        published_at = clock.now_iso()
        position = _position(bool(a.pinned), published_at, a.article_id)
        terms = text.index_terms(a.title, a.summary, list(a.tags or []))
        a.published_at = published_at
        try:
            with TransactWrite(connection=_connection()) as tx:
                tx.update(a, actions=[ContentArticle.status.set("published"),
                                      ContentArticle.published_at.set(published_at),
                                      ContentArticle.feed_position.set(position),
                                      ContentArticle.terms.set(terms)],
                          condition=(ContentArticle.status == "scheduled") & (ContentArticle.version == int(a.version)))
                tx.save(_feed_entry(a, position))
        except TransactWriteError:
            return False  # taken down or changed meanwhile: the next run sees its new state
        a.refresh(consistent_read=True)
    if a.status != "published" or a.due_bucket != DUE:
        return False
    with ContentTerm.batch_write() as batch:
        for term in a.terms or []:
            batch.save(ContentTerm(term, f"{a.published_at}#{a.article_id}", article_id=a.article_id,
                                   channel_id=a.channel_id, audience_org=a.audience_org))
    a.update(actions=[ContentArticle.due_bucket.remove()])
    return True


def publish_due(limit: int = 100) -> int:
    """The schedule: publish what is due (GSI query on the sparse due index, no Scan)."""
    done = 0
    for a in ContentArticle.due.query(DUE, ContentArticle.publish_at <= clock.now_iso(), limit=limit):
        done += publish(a.article_id)
    return done


def take_down(principal: Principal, article_id: str, reason: str) -> ContentArticleView:
    """Immediate everywhere: state and feed entry in one transaction; search hits are checked
    against the article, so a lingering term never shows it; the terms are then deleted."""
    a = _staff_article(principal, article_id)
    if a.status == "taken_down":
        raise Conflict("文章已下架", code="CONTENT_ALREADY_TAKEN_DOWN")
    before = a.status
    try:
        with TransactWrite(connection=_connection()) as tx:
            tx.update(a, actions=[ContentArticle.status.set("taken_down"), ContentArticle.taken_down_reason.set(reason),
                                  ContentArticle.due_bucket.remove(), ContentArticle.review_bucket.remove(),
                                  ContentArticle.review_sort.remove(), ContentArticle.updated_at.set(clock.now_iso())],
                      condition=(ContentArticle.status == before) & (ContentArticle.version == int(a.version)))
            if a.feed_position:
                tx.delete(ContentFeedEntry(f"{a.channel_id}|{a.audience_org}", a.feed_position))
    except TransactWriteError as exc:
        raise _stale() from exc
    if a.published_at:
        with ContentTerm.batch_write() as batch:
            for term in a.terms or []:
                batch.delete(ContentTerm(term, f"{a.published_at}#{a.article_id}"))
    a.refresh(consistent_read=True)
    return _view(a)


def set_pinned(principal: Principal, article_id: str, pinned: bool) -> ContentArticleView:
    a = _staff_article(principal, article_id)
    if a.status != "published" or not a.feed_position:
        raise Conflict("只有已发布的文章可以置顶", code="CONTENT_NOT_PUBLISHED", details=[{"status": a.status}])
    if bool(a.pinned) == pinned:
        return _view(a)
    position = _position(pinned, a.published_at or a.publish_at, a.article_id)
    old = a.feed_position
    a.pinned = pinned
    try:
        with TransactWrite(connection=_connection()) as tx:
            tx.update(a, actions=[ContentArticle.pinned.set(pinned), ContentArticle.feed_position.set(position)],
                      condition=(ContentArticle.status == "published") & (ContentArticle.feed_position == old))
            tx.delete(ContentFeedEntry(f"{a.channel_id}|{a.audience_org}", old))
            tx.save(_feed_entry(a, position))
    except TransactWriteError as exc:
        raise _stale() from exc
    a.refresh(consistent_read=True)
    return _view(a)


# --- reading -------------------------------------------------------------------------------------

def _reader_sees_channel(principal: Principal, chan: ContentChannelView) -> None:
    """A members-only channel (恋爱攻略) shows only to active 光年间 members (identity decides)."""
    if not chan.members_only or principal.role is Role.PLATFORM_ADMIN:
        return
    from chalicelib.identity.logic import is_active

    if principal.role is not Role.WORKER or not is_active(principal.user_id):
        raise NotFound("找不到该栏目", code="CONTENT_CHANNEL_NOT_FOUND")


class _TierOf:
    """The reader's 光年间 tier level, asked of ``tiers`` at most once per request and only when
    an article needs it. Staff read everything their audience allows (they are not ranked)."""

    def __init__(self, principal: Principal) -> None:
        self.principal = principal
        self._level: int | None = None

    def reaches(self, min_tier: Any) -> bool:
        if min_tier is None or self.principal.role is not Role.WORKER:
            return True
        if self._level is None:
            from chalicelib.tiers import logic as tiers

            self._level = tiers.level_of(self.principal.user_id, self.principal.org_path)
        return self._level >= int(min_tier)


def _item(e: ContentFeedEntry) -> ContentFeedItemView:
    return ContentFeedItemView(article_id=e.article_id, channel_id=e.channel_id, title=e.title, summary=e.summary,
                               cover=e.cover, tags=list(e.tags or []), author_org=e.author_org, pinned=bool(e.pinned),
                               published_at=e.published_at)


def channel_page(principal: Principal, channel_id: str, *, limit: int, cursor: str | None) -> ContentFeedPage:
    """Pinned first, then newest first, of the articles aimed at the reader's node or any node
    above it: one Query per ancestor, each of at most ``limit`` items, merged."""
    chan = channel(channel_id)
    _reader_sees_channel(principal, chan)
    nodes = ancestors(principal.org_path)
    bound = f"content:{channel_id}:{principal.org_path}"
    after = decode_cursor(cursor, bound_to=bound)
    before_position = str(after["p"]) if after else None
    found: list[ContentFeedEntry] = []
    for node in nodes:
        condition = ContentFeedEntry.position < before_position if before_position else None
        found.extend(ContentFeedEntry.query(f"{channel_id}|{node}", condition, scan_index_forward=False, limit=limit))
    found.sort(key=lambda e: e.position, reverse=True)
    page = found[:limit]
    more = len(found) > limit or (len(page) == limit)
    next_cursor = encode_cursor({"p": page[-1].position}, bound_to=bound) if page and more else None
    tier = _TierOf(principal)  # articles above the reader's tier leave the page (it may come back short)
    return ContentFeedPage(items=[_item(e) for e in page if tier.reaches(e.min_tier)], next_cursor=next_cursor)


def _audience_covers(reader_org: str, audience_org: str) -> bool:
    return reader_org == audience_org or reader_org.startswith(audience_org + "/")


def _readable(principal: Principal, article_id: str) -> ContentArticle:
    try:
        a = ContentArticle.get(article_id)
    except DoesNotExist:
        raise NotFound("找不到该文章", code="CONTENT_ARTICLE_NOT_FOUND") from None
    visible = a.status == "published" and (
        _audience_covers(principal.org_path, a.audience_org) or principal.role is Role.PLATFORM_ADMIN)
    if not visible or not _TierOf(principal).reaches(a.min_tier):
        raise NotFound("找不到该文章", code="CONTENT_ARTICLE_NOT_FOUND")
    _reader_sees_channel(principal, channel(a.channel_id))
    return a


SHARDS = 16


def _shard(user_id: str) -> int:
    return zlib.crc32(user_id.encode()) % SHARDS


def count_read(article_id: str, user_id: str) -> bool:
    """Count the reader once per day (Shanghai): a conditional put of (article, day, reader) and
    the reader's counter shard move in one transaction; a repeat view of the day is refused by
    the condition and changes nothing. The article item is never written."""
    day = clock.today_shanghai().isoformat()
    try:
        with TransactWrite(connection=_connection()) as tx:
            tx.save(ContentDailyRead(f"{article_id}#{day}", user_id, expires=timedelta(days=3)),
                    condition=ContentDailyRead.user_id.does_not_exist())
            tx.update(ContentCounter(article_id, _shard(user_id)), actions=[ContentCounter.reads.add(1)])
        return True
    except TransactWriteError as exc:
        if any(getattr(r, "code", None) == "ConditionalCheckFailed" for r in (exc.cancellation_reasons or [])):
            return False
        raise


def counts(article_id: str) -> dict[str, int]:
    totals = {"reads": 0, "likes": 0, "favourites": 0}
    for row in ContentCounter.query(article_id, limit=SHARDS):
        for name in totals:
            totals[name] += int(getattr(row, name) or 0)
    return totals


def read_article(principal: Principal, article_id: str) -> ContentArticleView:
    a = _readable(principal, article_id)
    count_read(a.article_id, principal.user_id)
    view = _view(a)
    return view.model_copy(update=counts(a.article_id))


def react(principal: Principal, article_id: str, kind: str, on: bool) -> ContentArticleView:
    """Like / favourite (on) or undo (off): the reaction row and the counter shard in one
    transaction; doing what is already done changes nothing."""
    a = _readable(principal, article_id)
    prefix, field = ("like", ContentCounter.likes) if kind == "like" else ("fav", ContentCounter.favourites)
    row = ContentReaction(principal.user_id, f"{prefix}#{a.article_id}", article_id=a.article_id, title=a.title,
                          at=clock.now_iso())
    try:
        with TransactWrite(connection=_connection()) as tx:
            if on:
                tx.save(row, condition=ContentReaction.reaction.does_not_exist())
            else:
                tx.delete(row, condition=ContentReaction.reaction.exists())
            tx.update(ContentCounter(a.article_id, _shard(principal.user_id)), actions=[field.add(1 if on else -1)])
    except TransactWriteError as exc:
        if not any(getattr(r, "code", None) == "ConditionalCheckFailed" for r in (exc.cancellation_reasons or [])):
            raise
    return _view(a).model_copy(update=counts(a.article_id))


def search(principal: Principal, keyword: str, *, channel_id: str | None, limit: int) -> ContentSearchResult:
    """Articles whose title, summary or tags hold the keyword: a Query per keyword term (at most
    six, each of ``limit * 4`` index items), intersected; hits are confirmed against the
    articles (one BatchGet of at most ``limit``) so a taken-down article never shows."""
    terms = text.query_terms(keyword)
    if not terms:
        raise BadRequest("关键词至少两个字", code="CONTENT_KEYWORD_TOO_SHORT")
    if channel_id:
        _reader_sees_channel(principal, channel(channel_id))
    hits: dict[str, ContentTerm] | None = None
    for term in terms:
        rows = {t.article_id: t for t in ContentTerm.query(term, scan_index_forward=False, limit=limit * 4)
                if _audience_covers(principal.org_path, t.audience_org)
                and (channel_id is None or t.channel_id == channel_id)}
        hits = rows if hits is None else {k: v for k, v in hits.items() if k in rows}
        if not hits:
            return ContentSearchResult(items=[])
    ordered = sorted((hits or {}).values(), key=lambda t: t.position, reverse=True)[:limit]
    articles = {a.article_id: a for a in ContentArticle.batch_get([t.article_id for t in ordered])}
    items = []
    tier = _TierOf(principal)
    for t in ordered:
        a = articles.get(t.article_id)
        if a is None or a.status != "published" or not tier.reaches(a.min_tier):
            continue
        try:
            _reader_sees_channel(principal, channel(a.channel_id))
        except NotFound:
            continue
        items.append(ContentFeedItemView(article_id=a.article_id, channel_id=a.channel_id, title=a.title,
                                         summary=a.summary, cover=a.cover, tags=list(a.tags or []),
                                         author_org=a.author_org, pinned=bool(a.pinned),
                                         published_at=a.published_at or a.publish_at))
    return ContentSearchResult(items=items)


def image_upload(principal: Principal, content_type: str) -> dict[str, Any]:
    from .storage import CONTENT_TYPES
    from .storage import image_upload as presign

    if content_type not in CONTENT_TYPES:
        raise ValidationFailed("图片只能是 jpg、png 或 webp", code="CONTENT_IMAGE_TYPE",
                               details=[{"allowed": sorted(CONTENT_TYPES)}])
    return presign(principal.user_id, content_type)
