"""Union content: channels, articles with versions and review, the channel feeds and the
Chinese search index.

Access patterns:
- the channels staff added                          → Query ``ContentChannel`` ("channels")
- one article                                       → GetItem ``ContentArticle.article_id``
- the versions of an article                        → Query ``ContentArticleVersion.article_id``
- scheduled articles whose time has come            → Query GSI ``ContentArticle.due`` ("due", publish_at <= now)
- a channel page for a reader, newest first, pinned on top
                                                    → Query ``ContentFeedEntry`` per ancestor of the reader's
                                                      node ("<channel>|<audience node>", position < cursor),
                                                      each limited to the page size, merged
- articles containing a Chinese keyword             → Query ``ContentTerm`` per bigram of the keyword
- articles awaiting review in a staff scope, newest first per audience node
                                                    → Query GSI ``ContentArticle.review_queue`` ("review",
                                                      begins_with(review_sort, "<scope>/")), sparse:
                                                      articles in review only
- a worker's own legal questions, newest first      → Query GSI ``ContentQuestion.by_asker`` (asker_id, created_at)
- legal questions waiting for / holding an answer in a staff scope
                                                    → Query GSI ``ContentQuestion.staff_queue`` (status,
                                                      begins_with(queue_sort, "<scope>/")), sparse: open and
                                                      answered questions only
Nothing is Scanned; a taken-down article's feed entry goes in the same transaction as its state.
"""
from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, ListAttribute, NumberAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.platform.db import TableMeta, table_name

CHANNELS_PARTITION = "channels"
DUE = "due"
IN_REVIEW = "review"


class ContentChannel(Model):
    class Meta(TableMeta):
        table_name = table_name("content-channels")

    partition = UnicodeAttribute(hash_key=True)    # "channels"
    channel_id = UnicodeAttribute(range_key=True)
    name = UnicodeAttribute()
    members_only = BooleanAttribute(default=False)
    reviewers = NumberAttribute(default=1)
    created_by = UnicodeAttribute()
    created_at = UnicodeAttribute()


class ContentDue(GlobalSecondaryIndex["ContentArticle"]):
    class Meta:
        index_name = "due"
        projection = AllProjection()

    due_bucket = UnicodeAttribute(hash_key=True)
    publish_at = UnicodeAttribute(range_key=True)


class ArticlesInReview(GlobalSecondaryIndex["ContentArticle"]):
    class Meta:
        index_name = "review_queue"
        projection = AllProjection()

    review_bucket = UnicodeAttribute(hash_key=True)
    review_sort = UnicodeAttribute(range_key=True)


class ContentArticle(Model):
    class Meta(TableMeta):
        table_name = table_name("content-articles")

    article_id = UnicodeAttribute(hash_key=True)
    channel_id = UnicodeAttribute()
    status = UnicodeAttribute()                    # draft · review · scheduled · published · taken_down
    version = NumberAttribute(default=1)
    title = UnicodeAttribute()
    summary = UnicodeAttribute(default="")
    cover = UnicodeAttribute(null=True)            # an uploads-bucket key under content/
    body_html = UnicodeAttribute(default="")       # sanitized HTML only
    tags: ListAttribute[str] = ListAttribute(of=UnicodeAttribute, default=list)  # type: ignore[arg-type]
    author_id = UnicodeAttribute()
    author_name = UnicodeAttribute(default="")
    author_org = UnicodeAttribute()
    audience_org = UnicodeAttribute()
    members_only = BooleanAttribute(default=False)
    min_tier = NumberAttribute(null=True)          # a 光年间 tier level (tiers) readers must reach
    publish_at = UnicodeAttribute()
    approvals: ListAttribute[str] = ListAttribute(of=UnicodeAttribute, default=list)  # type: ignore[arg-type]
    reviewers = NumberAttribute(default=1)         # the channel's number at submission
    pinned = BooleanAttribute(default=False)
    published_at = UnicodeAttribute(null=True)
    feed_position = UnicodeAttribute(null=True)
    terms: ListAttribute[str] = ListAttribute(of=UnicodeAttribute, default=list)  # type: ignore[arg-type]
    due_bucket = UnicodeAttribute(null=True)       # "due" while scheduled or publishing (sparse index)
    taken_down_reason = UnicodeAttribute(null=True)
    review_bucket = UnicodeAttribute(null=True)    # "review" while in review (sparse index)
    review_sort = UnicodeAttribute(null=True)      # "<audience_org>/#<submitted_at>#<article_id>"
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()

    due = ContentDue()
    review_queue = ArticlesInReview()


class ContentArticleVersion(Model):
    class Meta(TableMeta):
        table_name = table_name("content-versions")

    article_id = UnicodeAttribute(hash_key=True)
    version = NumberAttribute(range_key=True)
    title = UnicodeAttribute()
    summary = UnicodeAttribute(default="")
    body_html = UnicodeAttribute(default="")
    tags: ListAttribute[str] = ListAttribute(of=UnicodeAttribute, default=list)  # type: ignore[arg-type]
    edited_by = UnicodeAttribute()
    edited_at = UnicodeAttribute()


class ContentFeedEntry(Model):
    class Meta(TableMeta):
        table_name = table_name("content-feed")

    feed = UnicodeAttribute(hash_key=True)         # "<channel>|<audience node>"
    position = UnicodeAttribute(range_key=True)    # "<1 pinned|0>#<published_at>#<article_id>"
    article_id = UnicodeAttribute()
    channel_id = UnicodeAttribute()
    title = UnicodeAttribute()
    summary = UnicodeAttribute(default="")
    cover = UnicodeAttribute(null=True)
    tags: ListAttribute[str] = ListAttribute(of=UnicodeAttribute, default=list)  # type: ignore[arg-type]
    author_org = UnicodeAttribute()
    audience_org = UnicodeAttribute()
    members_only = BooleanAttribute(default=False)
    min_tier = NumberAttribute(null=True)
    pinned = BooleanAttribute(default=False)
    published_at = UnicodeAttribute()


class ContentTerm(Model):
    class Meta(TableMeta):
        table_name = table_name("content-terms")

    term = UnicodeAttribute(hash_key=True)         # a character bigram, an ASCII word, or "tag:<tag>"
    position = UnicodeAttribute(range_key=True)    # "<published_at>#<article_id>"
    article_id = UnicodeAttribute()
    channel_id = UnicodeAttribute()
    audience_org = UnicodeAttribute()


class ContentDailyRead(Model):
    """One row per article, reader and day (Shanghai): a conditional put makes the first view of
    the day count and every later one of that day count nothing. Access: Put if not exists."""

    class Meta(TableMeta):
        table_name = table_name("content-reads")

    article_day = UnicodeAttribute(hash_key=True)  # "<article_id>#<yyyy-mm-dd>"
    user_id = UnicodeAttribute(range_key=True)
    expires = TTLAttribute(null=True)


class ContentCounter(Model):
    """An article's reads / likes / favourites over shards (a hot article's counts never
    contend, and no view writes the article item). Access: Query ``article_id`` (≤ 16 rows)."""

    class Meta(TableMeta):
        table_name = table_name("content-counters")

    article_id = UnicodeAttribute(hash_key=True)
    shard = NumberAttribute(range_key=True)
    reads = NumberAttribute(default=0)
    likes = NumberAttribute(default=0)
    favourites = NumberAttribute(default=0)


class ContentReaction(Model):
    """A reader's like or favourite. Access: GetItem (user, "<kind>#<article>"); their
    favourites, newest first → Query ``user_id`` begins_with "fav#" (ordered by article id)."""

    class Meta(TableMeta):
        table_name = table_name("content-reactions")

    user_id = UnicodeAttribute(hash_key=True)
    reaction = UnicodeAttribute(range_key=True)    # "like#<article_id>" or "fav#<article_id>"
    article_id = UnicodeAttribute()
    title = UnicodeAttribute(default="")
    at = UnicodeAttribute()


class QuestionsByAsker(GlobalSecondaryIndex["ContentQuestion"]):
    class Meta:
        index_name = "by_asker"
        projection = AllProjection()

    asker_id = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class QuestionsForStaff(GlobalSecondaryIndex["ContentQuestion"]):
    class Meta:
        index_name = "staff_queue"
        projection = AllProjection()

    queue = UnicodeAttribute(hash_key=True)
    queue_sort = UnicodeAttribute(range_key=True)


class ContentQuestion(Model):
    """A worker's anonymous legal question (普法 · 法律咨询). The asker's id is kept for their own
    view only: no staff or public response carries it; staff see the district the question came
    from (``scope_org``), never the enterprise."""

    class Meta(TableMeta):
        table_name = table_name("content-questions")

    question_id = UnicodeAttribute(hash_key=True)
    asker_id = UnicodeAttribute()
    scope_org = UnicodeAttribute()                 # the asker's org cut to the district ("zj/huz/nanxun")
    text = UnicodeAttribute()
    status = UnicodeAttribute()                    # open · answered · published
    answer = UnicodeAttribute(null=True)
    answered_by = UnicodeAttribute(null=True)
    answered_by_name = UnicodeAttribute(null=True)
    answered_at = UnicodeAttribute(null=True)
    article_id = UnicodeAttribute(null=True)       # the public Q&A article once published
    created_at = UnicodeAttribute()
    queue = UnicodeAttribute(null=True)            # = status while open or answered (sparse index)
    queue_sort = UnicodeAttribute(null=True)       # "<scope_org>/#<created_at>#<question_id>"

    by_asker = QuestionsByAsker()
    staff_queue = QuestionsForStaff()
