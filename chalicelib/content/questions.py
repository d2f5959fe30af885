"""Legal education takes questions (普法 · 法律咨询): a worker asks anonymously, the union's legal
staff (union admins of the scope — there is no separate legal-staff grant) answer, and an answer
they choose becomes a public Q&A article in the legal-education channel with the asker hidden.

Anonymity: the asker's id is stored for their own view only. Staff responses carry the district
the question came from, never the asker or their enterprise; the public article carries the
question and the answer only (the text is PII-scrubbed). The asker is told of the answer through
the one inbox (``platform/notices.request_notice``).

Review: a Q&A is published by the staff member who chooses it (their choice is the review; the
channel's two-reviewer rule governs written articles, whose bodies staff compose freely). The
answer text was stored scrubbed and the Q&A body is built from escaped text, never from HTML."""
from __future__ import annotations

import html
import uuid
from typing import Any, cast

from pynamodb.exceptions import DoesNotExist, TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from chalicelib.platform import clock
from chalicelib.platform.auth import Principal
from chalicelib.platform.errors import Conflict, Forbidden, NotFound, ValidationFailed
from chalicelib.platform.notices import request_notice
from chalicelib.platform.pagination import decode_cursor, encode_cursor
from chalicelib.platform.pii import scrub

from . import logic, text
from .models import DUE, ContentArticle, ContentArticleVersion, ContentQuestion
from .schemas import (
    QUESTION_STATUS_NAMES,
    ContentArticleView,
    ContentMyQuestionPage,
    ContentMyQuestionView,
    ContentQuestionPublish,
    ContentStaffQuestionPage,
    ContentStaffQuestionView,
    QuestionStatus,
)

LEGAL = "legal"
QA_AUTHOR = "工会法律服务"
QA_TAG = "法律问答"
QUESTION_NOT_FOUND = NotFound("找不到该问题", code="CONTENT_QUESTION_NOT_FOUND")


def _district(org_path: str) -> str:
    return "/".join(org_path.split("/")[:3])


def _sort(q: ContentQuestion) -> str:
    return f"{q.scope_org}/#{q.created_at}#{q.question_id}"


def _mine(q: ContentQuestion) -> ContentMyQuestionView:
    step = {"open": "工会法律工作人员解答后，你会在消息中心收到通知",
            "answered": "已解答；工会可能将这条问答匿名公开到普法栏目",
            "published": "已匿名公开到普法栏目，不显示提问人"}[q.status]
    return ContentMyQuestionView(question_id=q.question_id, text=q.text, status=cast(QuestionStatus, q.status),
                                 status_name=QUESTION_STATUS_NAMES[q.status], answer=q.answer,
                                 answered_at=q.answered_at, article_id=q.article_id, created_at=q.created_at,
                                 next_step=step)


def _staff(q: ContentQuestion) -> ContentStaffQuestionView:
    return ContentStaffQuestionView(question_id=q.question_id, org_path=q.scope_org, text=q.text,
                                    status=cast(QuestionStatus, q.status), status_name=QUESTION_STATUS_NAMES[q.status],
                                    answer=q.answer, answered_by_name=q.answered_by_name, answered_at=q.answered_at,
                                    article_id=q.article_id, created_at=q.created_at)


def ask(principal: Principal, question: str) -> ContentMyQuestionView:
    cleaned = scrub(question.strip())
    if len(cleaned) < 5:
        raise ValidationFailed("问题至少 5 个字", code="CONTENT_QUESTION_EMPTY")
    now = clock.now_iso()
    q = ContentQuestion(f"cq-{uuid.uuid4().hex[:16]}", asker_id=principal.user_id,
                        scope_org=_district(principal.org_path), text=cleaned, status="open", created_at=now,
                        queue="open")
    q.queue_sort = _sort(q)
    q.save(condition=ContentQuestion.question_id.does_not_exist())
    return _mine(q)


def my_questions(principal: Principal, *, limit: int, cursor: str | None) -> ContentMyQuestionPage:
    bound = f"content:questions:{principal.user_id}"
    page = ContentQuestion.by_asker.query(principal.user_id, scan_index_forward=False, limit=limit,
                                          last_evaluated_key=decode_cursor(cursor, bound_to=bound))
    items = [_mine(q) for q in page]
    return ContentMyQuestionPage(items=items, next_cursor=encode_cursor(page.last_evaluated_key, bound_to=bound))


def _in_scope(principal: Principal, question_id: str) -> ContentQuestion:
    try:
        q = ContentQuestion.get(question_id[:64], consistent_read=True)
    except DoesNotExist:
        raise QUESTION_NOT_FOUND from None
    if not principal.covers(q.scope_org):
        raise QUESTION_NOT_FOUND
    return q


def staff_questions(principal: Principal, status: str, org: str | None, *, limit: int,
                    cursor: str | None) -> ContentStaffQuestionPage:
    node = org or principal.org_path
    if not principal.covers(node):
        raise NotFound("找不到该组织节点", code="ORG_NOT_FOUND")
    bound = f"content:staff-questions:{status}:{node}"
    page = ContentQuestion.staff_queue.query(status, ContentQuestion.queue_sort.startswith(node + "/"), limit=limit,
                                             last_evaluated_key=decode_cursor(cursor, bound_to=bound))
    items = [_staff(q) for q in page]
    return ContentStaffQuestionPage(items=items, next_cursor=encode_cursor(page.last_evaluated_key, bound_to=bound))


def answer(principal: Principal, question_id: str, reply: str) -> ContentStaffQuestionView:
    """Answer an open question of one's scope (404 outside it; 409 once answered); the asker
    gets an inbox notice."""
    q = _in_scope(principal, question_id)
    if q.status != "open":
        raise Conflict("该问题已解答", code="CONTENT_QUESTION_ANSWERED", details=[{"status": q.status}])
    cleaned = scrub(reply.strip())
    if len(cleaned) < 5:
        raise ValidationFailed("解答至少 5 个字", code="CONTENT_ANSWER_EMPTY")
    now = clock.now_iso()
    try:
        q.update(actions=[ContentQuestion.status.set("answered"), ContentQuestion.answer.set(cleaned),
                          ContentQuestion.answered_by.set(principal.user_id),
                          ContentQuestion.answered_by_name.set(principal.name or "工会法律工作人员"),
                          ContentQuestion.answered_at.set(now), ContentQuestion.queue.set("answered")],
                 condition=ContentQuestion.status == "open")
    except UpdateError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            raise Conflict("该问题已解答", code="CONTENT_QUESTION_ANSWERED") from exc
        raise
    request_notice(q.asker_id, kind="content", title="你的法律咨询有了解答", body=cleaned[:200],
                   link=f"pages/legal/questions/{q.question_id}", dedup_key=f"content:question:{q.question_id}",
                   occurred_at=now, meta={"question_id": q.question_id})
    return _staff(q)


def _qa_body(question: str, reply: str) -> str:
    paragraphs = "".join(f"<p>{html.escape(line)}</p>" for line in reply.splitlines() if line.strip())
    return text.sanitize(f"<h3>问</h3><p>{html.escape(question)}</p><h3>答</h3>{paragraphs}")


def publish(principal: Principal, question_id: str, choice: ContentQuestionPublish) -> ContentArticleView:
    """An answered question becomes a public Q&A article of the legal-education channel (the
    asker hidden): the article and the question's new state are one transaction; the article
    then publishes as any scheduled article does (the schedule finishes it after a crash)."""
    q = _in_scope(principal, question_id)
    if q.status == "open":
        raise Conflict("问题尚未解答，不能公开", code="CONTENT_QUESTION_NOT_ANSWERED")
    if q.status == "published":
        raise Conflict("该问答已公开", code="CONTENT_QUESTION_PUBLISHED", details=[{"article_id": q.article_id}])
    audience = choice.audience_org or principal.org_path
    if not principal.covers(audience):
        raise Forbidden("只能面向本人管辖范围内的组织发布", code="CONTENT_AUDIENCE_OUT_OF_SCOPE",
                        details=[{"audience_org": audience, "scope": principal.org_path}])
    title = choice.title or (q.text[:28] + ("…" if len(q.text) > 28 else ""))
    now = clock.now_iso()
    fields: dict[str, Any] = {"channel_id": LEGAL, "title": title, "summary": (q.answer or "")[:120],
                              "body_html": _qa_body(q.text, q.answer or ""), "tags": [QA_TAG],
                              "audience_org": audience, "members_only": False, "publish_at": now}
    article = ContentArticle(f"ca-{uuid.uuid4().hex[:16]}", status="scheduled", version=1,
                             author_id=principal.user_id, author_name=QA_AUTHOR, author_org=principal.org_path,
                             approvals=[principal.user_id], reviewers=1, due_bucket=DUE, created_at=now,
                             updated_at=now, **fields)
    try:
        with TransactWrite(connection=logic._connection()) as tx:
            tx.save(article, condition=ContentArticle.article_id.does_not_exist())
            tx.save(ContentArticleVersion(article.article_id, 1, title=title, summary=article.summary,
                                          body_html=article.body_html, tags=[QA_TAG], edited_by=principal.user_id,
                                          edited_at=now))
            tx.update(q, actions=[ContentQuestion.status.set("published"),
                                  ContentQuestion.article_id.set(article.article_id),
                                  ContentQuestion.queue.remove(), ContentQuestion.queue_sort.remove()],
                      condition=ContentQuestion.status == "answered")
    except TransactWriteError as exc:
        raise Conflict("该问答已公开", code="CONTENT_QUESTION_PUBLISHED") from exc
    logic.publish(article.article_id)
    return logic.get_for_staff(principal, article.article_id)
