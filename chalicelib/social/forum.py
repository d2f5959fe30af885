"""企业论坛: each enterprise's boards; threads are social posts with space ``board#<id>`` and
replies are their comments (safety scan, likes and reports included). Visible to the
enterprise's own active 光年间 members and to union staff whose scope covers it (404 to anyone
else); the enterprise union admin creates boards and pins, locks and removes threads."""
from __future__ import annotations

import uuid
from typing import Any, cast

from chalicelib.platform import clock
from chalicelib.platform.auth import Principal, Role
from chalicelib.platform.db import dynamo_errors
from chalicelib.platform.errors import NotFound, ValidationFailed
from chalicelib.platform.events import actor_of, publish, transaction
from chalicelib.platform.pagination import decode_cursor, encode_cursor

from . import planets, posts, spaces, tagging
from .models import Board, Post
from .schemas import BoardPage, BoardView, NewBoard, NewPost, NewThread, PostPage, PostView

MAX_PINNED = 5


def _org_name(org_path: str) -> str:
    from chalicelib.orgs import logic as orgs

    try:
        return orgs.get_node(org_path).name
    except NotFound:
        return ""


def _view(board: Board, org_name: str | None = None) -> BoardView:
    return BoardView(board_id=board.board_id, org_path=board.org,
                     org_name=org_name if org_name is not None else _org_name(board.org), name=board.name,
                     description=board.description or "", created_at=board.created_at)


def create_board(principal: Principal, body: NewBoard) -> BoardView:
    tagging.check_name(principal, body.name, what="版块名", code="BOARD_NAME_REJECTED")
    board = Board(f"b-{uuid.uuid4().hex[:16]}", org=principal.org_path, name=body.name, description=body.description,
                  created_by=principal.user_id, created_at=clock.now_iso())
    with dynamo_errors(), transaction() as tx:
        tx.save(board, condition=Board.board_id.does_not_exist())
        publish("social", "ForumBoardCreated", data={"board_id": board.board_id, "name": board.name},
                actor=actor_of(principal), org=board.org, tx=tx)
    return _view(board)


def boards(principal: Principal, org: str | None, *, limit: int, cursor: str | None) -> BoardPage:
    """A worker sees their own enterprise's boards; staff name the enterprise (``org``) in scope."""
    if principal.role is Role.WORKER:
        target = principal.org_path
        if org and not spaces.in_enterprise(principal, org):
            raise NotFound("找不到该企业论坛", code="FORUM_NOT_FOUND")
    else:
        target = org or (principal.org_path if principal.role is Role.ENTERPRISE_ADMIN else "")
        if not target:
            raise ValidationFailed("请指定企业（org）", code="ORG_REQUIRED")
        if not principal.covers(target):
            raise NotFound("找不到该企业论坛", code="FORUM_NOT_FOUND")
    bound = f"social:forum:{target}"
    page = Board.by_org.query(target, limit=limit, last_evaluated_key=decode_cursor(cursor, bound_to=bound))
    rows = list(page)
    name = _org_name(target) if rows else ""
    return BoardPage(items=[_view(b, name) for b in rows],
                     next_cursor=encode_cursor(page.last_evaluated_key, bound_to=bound))


def threads(principal: Principal, board_id: str, *, limit: int, cursor: str | None) -> PostPage:
    board = spaces.board_of(principal, board_id)
    return planets.space_page(principal, spaces.board_space(board_id), [str(p) for p in board.pinned or []],
                              limit=limit, cursor=cursor)


def new_thread(principal: Principal, board_id: str, body: NewThread) -> PostView:
    board = spaces.board_of(principal, board_id)
    return posts.create_post(principal, NewPost(text=body.text), space=spaces.board_space(board_id),
                             title=body.title, org=board.org)


def _thread(principal: Principal, post_id: str) -> tuple[Board, Post]:
    try:
        found = Post.get(post_id)
    except Post.DoesNotExist as exc:
        raise NotFound("找不到该帖子", code="THREAD_NOT_FOUND") from exc
    kind, board_id = spaces.kind_of(found.space)
    if kind != spaces.BOARD or found.status == "deleted":
        raise NotFound("找不到该帖子", code="THREAD_NOT_FOUND")
    try:
        board = spaces.board_of(principal, board_id)
    except NotFound as exc:
        raise NotFound("找不到该帖子", code="THREAD_NOT_FOUND") from exc
    return board, found


def pin(principal: Principal, post_id: str, *, on: bool) -> PostView:
    board, found = _thread(principal, post_id)
    pinned = [str(p) for p in board.pinned or [] if p != post_id]
    if on:
        pinned = [post_id, *pinned][:MAX_PINNED]
    board.update(actions=[Board.pinned.set(cast(Any, pinned))])
    return posts.post_view(found, pinned=on)


def lock(principal: Principal, post_id: str, *, on: bool) -> PostView:
    board, found = _thread(principal, post_id)
    found.update(actions=[Post.locked.set(on)])
    return posts.post_view(found, pinned=post_id in (board.pinned or []))


def remove(principal: Principal, post_id: str, reason: str) -> PostView:
    board, found = _thread(principal, post_id)
    if post_id in (board.pinned or []):
        board.update(actions=[Board.pinned.set(cast(Any, [p for p in board.pinned if p != post_id]))])
    return planets.remove_space_post(principal, found, reason)
