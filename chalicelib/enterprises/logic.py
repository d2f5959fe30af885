"""The enterprise register, the legal-person login (法人登录) and the figures the union reads.

The register lists each district's enterprises under their union org node: created and
edited by the staff of that district or its city, read a page at a time from the district's
or the city's index (never a Scan). The legal person of a registered enterprise signs in at
浙江政务服务网 and becomes that enterprise's union admin (``accounts.login_legal_person``);
a credit code not in the register is refused. The figures are the roll-up's (``figures``).
"""
from __future__ import annotations

from typing import Any

from pynamodb.exceptions import TransactWriteError

from chalicelib.platform import clock
from chalicelib.platform.auth import Principal, Role
from chalicelib.platform.db import get_in_scope
from chalicelib.platform.errors import BadRequest, Conflict, Forbidden, NotFound, ValidationFailed
from chalicelib.platform.events import actor_of, publish, transaction
from chalicelib.platform.pagination import decode_cursor, encode_cursor

from . import creditcode, figures
from .models import Enterprise
from .schemas import (
    INDUSTRY_NAMES,
    SIZE_NAMES,
    EnterpriseBody,
    EnterpriseChildFigures,
    EnterpriseChildrenView,
    EnterpriseFiguresView,
    EnterpriseList,
    EnterpriseListQuery,
    EnterpriseMetric,
    EnterpriseMonthFigures,
    EnterprisePatch,
    EnterpriseView,
)
from .specs import FEATURE

NOT_FOUND = NotFound("找不到该企业", code="ENTERPRISE_NOT_FOUND")
ORG_NOT_FOUND = NotFound("找不到该组织", code="ORG_NOT_FOUND")
MAX_MONTHS = 36
LEVELS = {1: "province", 2: "city", 3: "district", 4: "enterprise"}


def _view(e: Enterprise) -> EnterpriseView:
    return EnterpriseView(credit_code=e.credit_code, name=e.name, org_path=e.org_path, district_path=e.district_path,
                          industry=e.industry, industry_name=INDUSTRY_NAMES.get(e.industry, e.industry),
                          size=e.size, size_name=SIZE_NAMES.get(e.size, e.size), union_founded=bool(e.union_founded),
                          legal_person=e.legal_person, updated_at=e.updated_at)


def check_credit_code(code: str) -> None:
    problem = creditcode.problem(code)
    if problem:
        raise ValidationFailed(problem, code="CREDIT_CODE_INVALID",
                               details=[{"field": "credit_code", "type": "credit_code", "message": problem}])


def _level(path: str) -> str:
    return LEVELS.get(len(path.split("/")), "below_enterprise")


def _cancelled(exc: TransactWriteError) -> list[str | None]:
    return [r.code if r is not None else None for r in (exc.cancellation_reasons or [])]


# --- the register -------------------------------------------------------------------------------

def register(principal: Principal, body: EnterpriseBody) -> EnterpriseView:
    """District or city staff register an enterprise of their scope (and its union node, when
    the district has none yet for it): one transaction, so a refused code leaves nothing."""
    from chalicelib.orgs import logic as orgs

    check_credit_code(body.credit_code)
    parent, _, slug = body.org_path.rpartition("/")
    if not principal.covers(body.org_path) or _level(body.org_path) != "enterprise":
        raise ORG_NOT_FOUND if not principal.covers(body.org_path) else ValidationFailed(
            "企业工会组织应在区县总工会之下，例如 zj/huz/nanxun/e-sanxing", code="ENTERPRISE_ORG_INVALID")
    if by_credit_code(body.credit_code) is not None:
        raise Conflict("该统一社会信用代码已登记", code="CREDIT_CODE_TAKEN")
    if next(iter(Enterprise.by_org.query(body.org_path, limit=1)), None) is not None:
        raise Conflict("该工会组织已对应另一家企业", code="ENTERPRISE_ORG_TAKEN")
    node_exists = orgs.exists(body.org_path)
    if not node_exists and not orgs.exists(parent):
        raise ORG_NOT_FOUND
    now = clock.now_iso()
    parts = body.org_path.split("/")
    item = Enterprise(body.credit_code, name=body.name, org_path=body.org_path, district_path=parent,
                      city_path="/".join(parts[:2]), sort_name=f"{body.name}#{body.credit_code}",
                      industry=body.industry, size=body.size, union_founded=body.union_founded,
                      created_at=now, updated_at=now, updated_by=principal.user_id)
    try:
        with transaction() as tx:
            tx.save(item, condition=Enterprise.credit_code.does_not_exist())
            if not node_exists:
                orgs.stage_child(tx, principal, parent, slug, f"{body.name}工会" if body.union_founded else body.name)
            publish(FEATURE, "EnterpriseRegistered", org=body.org_path, actor=actor_of(principal), tx=tx,
                    data={"credit_code": body.credit_code, "name": body.name, "org_path": body.org_path,
                          "industry": body.industry, "size": body.size, "union_founded": body.union_founded})
    except TransactWriteError as exc:
        reasons = _cancelled(exc)
        if reasons and reasons[0] == "ConditionalCheckFailed":
            raise Conflict("该统一社会信用代码已登记", code="CREDIT_CODE_TAKEN") from exc
        if "ConditionalCheckFailed" in reasons or "TransactionConflict" in reasons:
            raise Conflict("该工会组织刚刚被登记，请刷新后重试", code="ENTERPRISE_ORG_TAKEN") from exc
        raise
    return _view(item)


def get(principal: Principal, credit_code: str) -> EnterpriseView:
    return _view(get_in_scope(Enterprise, credit_code.upper(), principal, not_found=NOT_FOUND,
                              id_pattern=r"[0-9A-Za-z]{18}"))


def update(principal: Principal, credit_code: str, patch: EnterprisePatch) -> EnterpriseView:
    item = get_in_scope(Enterprise, credit_code.upper(), principal, not_found=NOT_FOUND,
                        id_pattern=r"[0-9A-Za-z]{18}")
    if principal.role is Role.ENTERPRISE_ADMIN:
        raise Forbidden("企业名录由区县、市总工会维护", code="ENTERPRISE_EDIT_FORBIDDEN")
    changed = patch.model_dump(exclude_none=True)
    if not changed:
        return _view(item)
    seen = item.updated_at
    for name, value in changed.items():
        setattr(item, name, value)
    item.sort_name = f"{item.name}#{item.credit_code}"
    item.updated_at, item.updated_by = clock.now_iso(), principal.user_id
    try:
        with transaction() as tx:
            tx.save(item, condition=Enterprise.updated_at == seen)
            publish(FEATURE, "EnterpriseUpdated", org=item.org_path, actor=actor_of(principal), tx=tx,
                    data={"credit_code": item.credit_code, "changed": sorted(changed)})
    except TransactWriteError as exc:
        raise Conflict("该企业信息刚刚被他人修改，请刷新后重试", code="ENTERPRISE_CHANGED") from exc
    return _view(item)


def list_enterprises(principal: Principal, query: EnterpriseListQuery) -> EnterpriseList:
    """One page of a district's (or a city's) enterprises by name, filtered within the page:
    a page reads at most ``limit`` items, so a narrow filter may answer fewer with a next page."""
    org = query.org or principal.org_path
    if not principal.covers(org):
        raise ORG_NOT_FOUND
    level = _level(org)
    condition: Any = None
    for attribute, value in ((Enterprise.industry, query.industry), (Enterprise.size, query.size),
                             (Enterprise.union_founded, query.union_founded)):
        if value is not None:
            term = attribute == value
            condition = term if condition is None else condition & term
    bound = f"enterprises:{org}:{query.industry}:{query.size}:{query.union_founded}"
    start = decode_cursor(query.next_token, bound_to=bound)
    if level == "enterprise":
        items = [e for e in Enterprise.by_org.query(org, limit=1)
                 if condition is None or (query.industry in (None, e.industry) and query.size in (None, e.size)
                                          and query.union_founded in (None, bool(e.union_founded)))]
        return EnterpriseList(items=[_view(e) for e in items], next_token=None)
    index = {"district": Enterprise.by_district, "city": Enterprise.by_city}.get(level)
    if index is None:
        raise BadRequest("请指定市或区县（org），例如 zj/huz/nanxun", code="ENTERPRISE_ORG_TOO_WIDE")
    results = index.query(org, filter_condition=condition, limit=query.limit, page_size=query.limit,
                          last_evaluated_key=start)
    page = next(results.page_iter, None) or {}
    items = [Enterprise.from_raw_data(raw) for raw in page.get("Items", [])]
    return EnterpriseList(items=[_view(e) for e in items],
                          next_token=encode_cursor(results.page_iter.last_evaluated_key, bound_to=bound))


def by_credit_code(credit_code: str) -> EnterpriseView | None:
    """For other features (talents, craftsmen): the registered enterprise, or None."""
    try:
        return _view(Enterprise.get(credit_code.upper()))
    except Enterprise.DoesNotExist:
        return None


def by_org(org_path: str) -> EnterpriseView | None:
    """For other features: the enterprise whose union node is ``org_path``, or None."""
    found = next(iter(Enterprise.by_org.query(org_path, limit=1)), None)
    return _view(found) if found is not None else None


# --- 法人登录 ------------------------------------------------------------------------------------

def login_legal_person(ssotoken: str) -> Any:
    """The legal person came back from 浙江政务服务网 with ``ssotoken``: validate it with the
    portal, find the credit code in the register, sign in as its enterprise union admin."""
    from chalicelib.accounts import logic as accounts
    from chalicelib.providers import zwfw

    person = zwfw.legal_person_by_token(ssotoken)
    if creditcode.problem(person.credit_code):
        raise Forbidden("政务服务网提供的统一社会信用代码无效，请联系所在区县总工会", code="ENTERPRISE_NOT_REGISTERED")
    try:
        enterprise = Enterprise.get(person.credit_code)
    except Enterprise.DoesNotExist as exc:
        raise Forbidden("该企业尚未登记在工会企业名录中，请联系所在区县总工会登记后再登录",
                        code="ENTERPRISE_NOT_REGISTERED") from exc
    if person.legal_representative and person.legal_representative != enterprise.legal_person:
        enterprise.update(actions=[Enterprise.legal_person.set(person.legal_representative)])
    return accounts.login_legal_person(enterprise.credit_code, org_path=enterprise.org_path,
                                       name=person.legal_representative or enterprise.name)


# --- figures -------------------------------------------------------------------------------------

def _metrics() -> list[EnterpriseMetric]:
    return [EnterpriseMetric(key=k, name=n, unit=u) for k, n, u in figures.METRICS]


def _node_in_scope(principal: Principal, org: str | None) -> Any:
    from chalicelib.orgs import logic as orgs

    node = org or principal.org_path
    if not principal.covers(node):
        raise ORG_NOT_FOUND
    return orgs.get_node(node)  # ORG_NOT_FOUND when there is no such node


def _check_range(first: str, last: str) -> None:
    if first > last:
        raise ValidationFailed("起始月份不能晚于截止月份", code="FIGURES_RANGE_INVALID")
    if len(figures.months_between(first, last)) > MAX_MONTHS:
        raise ValidationFailed(f"一次最多查询 {MAX_MONTHS} 个月", code="FIGURES_RANGE_TOO_LONG")


def figures_view(principal: Principal, org: str | None, first: str, last: str) -> EnterpriseFiguresView:
    _check_range(first, last)
    node = _node_in_scope(principal, org)
    months = [EnterpriseMonthFigures(month=m, figures=f) for m, f in figures.series(node.path, first, last)]
    return EnterpriseFiguresView(org_path=node.path, org_name=node.name, metrics=_metrics(), months=months)


def children_view(principal: Principal, org: str | None, month: str, *, limit: int,
                  next_token: str | None) -> EnterpriseChildrenView:
    """One page of the node's children with their figures for ``month``: the org tree's page,
    then at most two items per child (``figures.as_of_many``)."""
    from chalicelib.orgs import logic as orgs

    node = _node_in_scope(principal, org)
    page = orgs.children(node.path, limit=limit, cursor=next_token)
    found = figures.as_of_many([child.path for child in page.items], month)
    items = [EnterpriseChildFigures(org_path=c.path, org_name=c.name, kind=c.level, figures=f)  # type: ignore[arg-type]
             for c, f in zip(page.items, found, strict=True)]
    return EnterpriseChildrenView(org_path=node.path, month=month, items=items, next_token=page.next_cursor)


def export(principal: Principal, org: str | None, first: str, last: str) -> tuple[str, bytes]:
    """(file name, XLSX) of the node's months: one row a month, one column a metric."""
    from chalicelib.platform.spreadsheet import xlsx_bytes

    view = figures_view(principal, org, first, last)
    header = ["组织", "组织路径", "月份", *[f"{m.name}（{m.unit}）" for m in view.metrics]]
    rows = [[view.org_name, view.org_path, m.month, *[m.figures.get(k.key, 0) for k in view.metrics]]
            for m in view.months]
    name = f"enterprise-figures-{view.org_path.replace('/', '-')}-{first}-{last}.xlsx"
    return name, xlsx_bytes(header, rows, sheet="企业数据")
