"""The union hierarchy."""
from __future__ import annotations

from pynamodb.exceptions import PutError
from pynamodb.transactions import TransactWrite

from chalicelib.platform import clock
from chalicelib.platform.auth import Principal
from chalicelib.platform.db import dynamo_errors
from chalicelib.platform.errors import Conflict, NotFound, ValidationFailed
from chalicelib.platform.events import actor_of, publish, transaction
from chalicelib.platform.pagination import decode_cursor, encode_cursor

from .models import OrgNode
from .schemas import CHILD_LEVEL, NewOrg, OrgList, OrgView


def _view(node: OrgNode) -> OrgView:
    return OrgView(path=node.path, parent_path=node.parent_path, name=node.name, level=node.level,  # type: ignore[arg-type]
                   region_code=node.region_code)


def get_node(path: str) -> OrgView:
    try:
        return _view(OrgNode.get(path))
    except OrgNode.DoesNotExist as exc:
        raise NotFound("找不到该组织", code="ORG_NOT_FOUND") from exc


def exists(path: str) -> bool:
    """For other features: is ``path`` a real node?"""
    try:
        OrgNode.get(path, attributes_to_get=["path"])
        return True
    except OrgNode.DoesNotExist:
        return False


def children(parent: str, *, limit: int, cursor: str | None) -> OrgList:
    bound = f"orgs:{parent}"
    start = decode_cursor(cursor, bound_to=bound)
    page = OrgNode.by_parent.query(parent, limit=limit, last_evaluated_key=start)
    items = [_view(n) for n in page]
    return OrgList(items=items, next_cursor=encode_cursor(page.last_evaluated_key, bound_to=bound))


def create_node(principal: Principal, new: NewOrg) -> OrgView:
    """A union admin registers a child node (e.g. an enterprise union) inside their scope."""
    if not principal.covers(new.parent_path):
        raise NotFound("找不到该上级组织", code="ORG_NOT_FOUND")
    parent = get_node(new.parent_path)
    level = CHILD_LEVEL.get(parent.level)
    if level is None:
        raise ValidationFailed("企业工会下不能再建下级组织", code="ORG_LEVEL_INVALID")
    node = OrgNode(f"{parent.path}/{new.slug}", parent_path=parent.path, name=new.name, level=level,
                   region_code=new.region_code, created_at=clock.now_iso())
    view = _view(node)
    with dynamo_errors(Conflict("该组织已存在", code="ORG_EXISTS")), transaction() as tx:
        tx.save(node, condition=OrgNode.path.does_not_exist())
        publish("orgs", "OrgRegistered", data=view.model_dump(), org=view.path, actor=actor_of(principal), tx=tx)
    return view


def stage_child(tx: TransactWrite, principal: Principal, parent_path: str, slug: str, name: str) -> OrgView:
    """For other features: stage a new child node of ``parent_path`` (and its event) in ``tx``,
    the transaction that writes what the node is registered for; nothing is written unless
    ``tx`` commits. The caller checked scope; the parent must exist and take children."""
    parent = get_node(parent_path)
    level = CHILD_LEVEL.get(parent.level)
    if level is None:
        raise ValidationFailed("企业工会下不能再建下级组织", code="ORG_LEVEL_INVALID")
    node = OrgNode(f"{parent.path}/{slug}", parent_path=parent.path, name=name, level=level, created_at=clock.now_iso())
    view = _view(node)
    tx.save(node, condition=OrgNode.path.does_not_exist())
    publish("orgs", "OrgRegistered", data=view.model_dump(), org=view.path, actor=actor_of(principal), tx=tx)
    return view


def seed_reference_nodes() -> int:
    """Write the province, cities and first districts (idempotent: existing nodes are kept)."""
    from .reference import nodes

    written = 0
    for node in nodes():
        try:
            OrgNode(node["path"], parent_path=node["parent_path"], name=node["name"], level=node["level"],
                    region_code=node["region_code"], created_at=clock.now_iso()).save(
                condition=OrgNode.path.does_not_exist())
            written += 1
        except PutError as exc:
            if exc.cause_response_code != "ConditionalCheckFailedException":
                raise
    return written
