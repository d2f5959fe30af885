"""Where a post lives: the 光年间 feed (no space), an interest planet (``planet#<id>``) or an
enterprise forum board (``board#<id>``). One place decides who may read and who may write in
a space, so posts, comments, likes and reports stay one implementation for all of them.

``logic`` (posts, comments, likes), ``planets``, ``forum`` and ``topics`` import this module; it
imports none of them."""
from __future__ import annotations

import re

from chalicelib.platform.auth import Principal, Role
from chalicelib.platform.errors import Conflict, Forbidden, NotFound, ValidationFailed

from .models import Board, Planet, PlanetMember, Post

PLANET, BOARD = "planet", "board"
POST_NOT_FOUND = "找不到该动态"


def planet_space(planet_id: str) -> str:
    return f"{PLANET}#{planet_id}"


def board_space(board_id: str) -> str:
    return f"{BOARD}#{board_id}"


def kind_of(space: str | None) -> tuple[str | None, str]:
    if not space:
        return None, ""
    kind, _, ident = space.partition("#")
    return kind, ident


def in_enterprise(principal: Principal, org: str) -> bool:
    """A worker of the enterprise (or one of its sub-units), or staff whose scope covers it."""
    if principal.role is Role.WORKER:
        return principal.org_path == org or principal.org_path.startswith(org + "/")
    return principal.covers(org)


def membership(planet_id: str, user_id: str) -> PlanetMember | None:
    try:
        return PlanetMember.get(planet_id, user_id, consistent_read=True)
    except PlanetMember.DoesNotExist:
        return None


def approved_planet(planet_id: str) -> Planet:
    if not re.fullmatch(r"pl-[0-9a-f]{1,32}", planet_id):
        raise NotFound("找不到该星球", code="PLANET_NOT_FOUND")
    try:
        planet = Planet.get(planet_id)
    except Planet.DoesNotExist as exc:
        raise NotFound("找不到该星球", code="PLANET_NOT_FOUND") from exc
    if planet.status != "approved":
        raise NotFound("找不到该星球", code="PLANET_NOT_FOUND")
    return planet


def require_planet_member(planet_id: str, user_id: str) -> PlanetMember:
    found = membership(planet_id, user_id)
    if found is None or found.state != "member":
        raise Forbidden("你还不是该星球的成员，加入后才能发帖、评论和点赞", code="PLANET_NOT_MEMBER")
    return found


def board_of(principal: Principal, board_id: str) -> Board:
    """The board, when the caller belongs to its enterprise; 404 otherwise (existence is not told)."""
    if not re.fullmatch(r"b-[0-9a-f]{1,32}", board_id):
        raise NotFound("找不到该版块", code="BOARD_NOT_FOUND")
    try:
        board = Board.get(board_id)
    except Board.DoesNotExist as exc:
        raise NotFound("找不到该版块", code="BOARD_NOT_FOUND") from exc
    if not in_enterprise(principal, board.org):
        raise NotFound("找不到该版块", code="BOARD_NOT_FOUND")
    return board


def check_post_access(principal: Principal, post: Post, *, write: bool) -> None:
    """Reading a planet post: any active member (planets are open to look into); commenting or
    liking: its members only. Forum threads: the enterprise's own people only (404 to anyone
    else); a locked thread takes no more replies."""
    kind, ident = kind_of(post.space)
    if kind == PLANET:
        try:
            approved_planet(ident)
        except NotFound as exc:
            raise NotFound(POST_NOT_FOUND, code="POST_NOT_FOUND") from exc
        if write:
            require_planet_member(ident, principal.user_id)
    elif kind == BOARD:
        try:
            board_of(principal, ident)
        except NotFound as exc:
            raise NotFound(POST_NOT_FOUND, code="POST_NOT_FOUND") from exc
        if write and post.locked:
            raise Conflict("该帖子已被锁定，不能再回复", code="THREAD_LOCKED")
    elif kind is not None:
        raise ValidationFailed("未知的空间", code="SPACE_UNKNOWN")
