"""Every MEMBERS, OWNER and SCOPE route, walked by five kinds of caller who must get nothing.

Given the local stack's demo world (every feature's demo: unions in 西湖区, 南浔区, 余姚 …,
their members, posts, chats, dorms, canteens, aid and subsidy cases, appeals and rosters), and
five callers from outside it — a worker who never verified, a banned worker, an active member
of another enterprise, the enterprise admin of another enterprise and the union admin of
another district — when each calls every ``MEMBERS``, ``OWNER`` and ``SCOPE`` route it may
call, with path parameters naming real objects of that world (read from the tables), query
parameters naming its organisations and bodies built from the schemas' examples, then:

- a ``MEMBERS`` route gives a worker who is no member (unverified, banned) no 2xx at all;
- a route naming a real object gives no outsider a 2xx;
- a listing gives no outsider a 2xx that mentions any object of that world.

The active member of another enterprise may use ``MEMBERS`` routes (光年间 is cross-enterprise),
so those are walked for the other four. Routes whose parameters no stored object could fill
are still called (dummy values) and counted in the printed coverage.
"""
from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from pydantic import BaseModel

from chalicelib.platform.auth import Role
from chalicelib.platform.http import Ownership
from tests.members import set_standing
from tests.quality.routes import Route, all_routes

ELSEWHERE = "zj/wz/lucheng"                     # a district with nothing of the demo world
ELSEWHERE_ENTERPRISE = f"{ELSEWHERE}/e-walker"
WALKED = (Ownership.MEMBERS, Ownership.OWNER, Ownership.SCOPE)
PER_ROUTE = 2                                   # real objects tried per route
ORG_FIELDS = ("org", "org_path", "scope", "district", "enterprise_path")
_PARAM = re.compile(r"\{([^}]+)\}")
# a route parameter → the attribute names stored objects carry it under
ALIASES = {"app_id": ("app_id", "application_id"), "application_id": ("application_id", "app_id"),
           "room_no": ("room_no", "room"), "bed_no": ("bed_no", "bed")}


# Readable by every staff member by design, whoever owns the object: the province-wide scam
# rules apply to every district's members, so all union staff see them and their history
# (issue 10.4). Writing them stays walked: PUT/DELETE by an outsider must fail.
READ_BY_ALL_STAFF = {"GET /messaging/safety/rules", "GET /messaging/safety/rules/{rule_id}/history"}


@dataclass(frozen=True)
class Outsider:
    name: str
    role: Role
    user_id: str
    org_path: str
    member: bool                 # may use MEMBERS routes (an active member elsewhere)


OUTSIDERS = (
    Outsider("unverified worker", Role.WORKER, "walk-unverified", ELSEWHERE_ENTERPRISE, member=False),
    Outsider("banned worker", Role.WORKER, "walk-banned", ELSEWHERE_ENTERPRISE, member=False),
    Outsider("worker of another enterprise", Role.WORKER, "walk-outsider", ELSEWHERE_ENTERPRISE, member=True),
    Outsider("enterprise admin elsewhere", Role.ENTERPRISE_ADMIN, "walk-ent-admin", ELSEWHERE_ENTERPRISE,
             member=False),
    Outsider("district admin elsewhere", Role.UNION_ADMIN, "walk-district-admin", ELSEWHERE, member=False),
)


@dataclass
class World:
    """What the demo stored: values per attribute name, and whole items (for multi-parameter routes)."""

    values: dict[str, list[str]]
    items: list[dict[str, Any]]
    orgs: list[str]
    ids: set[str]


def _seed_demo_world(monkeypatch: pytest.MonkeyPatch, pump: Any, *, drain: bool = True) -> None:
    from local.demo import dorms as dorms_demo
    from local.demo import identity as identity_demo
    from local.demo import profiles as profiles_demo

    # the demo world, small: a few of each kind is what the walk needs
    monkeypatch.setattr(identity_demo, "IN_BACKGROUND", False)
    monkeypatch.setattr(identity_demo, "VERIFIED", 12)
    monkeypatch.setattr(identity_demo, "ACTIVE", 6)
    rooms = dorms_demo.gongjiang_rooms()
    monkeypatch.setattr(dorms_demo, "gongjiang_rooms", lambda: rooms[:6] + rooms[60:64])
    monkeypatch.setattr(profiles_demo, "MEMBERS", profiles_demo.MEMBERS[:4])
    from local import demo

    demo.seed_all()
    if drain:
        pump.drain()
    _pending_appeal()


def _harvest() -> World:
    """Read every table once (a test-side Scan, outside any request)."""
    from chalicelib.tables import all_models

    values: dict[str, list[str]] = {}
    items: list[dict[str, Any]] = []
    orgs: set[str] = set()
    for model in all_models():
        for item in model.scan(limit=400):
            data = {k: v for k, v in item.attribute_values.items() if isinstance(v, str | int) and not isinstance(v, bool)}
            items.append(data)
            for name, value in data.items():
                bucket = values.setdefault(name, [])
                if str(value) not in bucket and len(bucket) < 50:
                    bucket.append(str(value))
                if name in ("org_path", "org", "scope") and isinstance(value, str) and value.startswith("zj"):
                    orgs.add(value)
    ids = {v for name, vs in values.items() if name.endswith("_id") for v in vs if len(v) >= 6}
    return World(values=values, items=items, orgs=sorted(orgs), ids=ids)


def _derived(param: str) -> list[str] | None:
    """Values no table stores under the parameter's name (a menu week is named by its Monday)."""
    if param == "week_start":
        from datetime import timedelta

        from chalicelib.platform import clock

        today = clock.today_shanghai()
        return [(today + timedelta(days=7 - today.weekday())).isoformat()]
    return None


def _pending_appeal() -> None:
    """A pending membership appeal to 西湖区 (the demo files none)."""
    from chalicelib.identity.models import Appeal, AppealInbox
    from chalicelib.platform import clock

    now, org = clock.now_iso(), "zj/hz/xihu/e-lightyear"
    Appeal("ap-walk-victim", user_id="walk-victim", org_path=org, enterprise="杭州光年科技有限公司",
           created_at=now, inbox_scopes=["zj", "zj/hz", "zj/hz/xihu", org]).save()
    for scope in ("zj", "zj/hz", "zj/hz/xihu", org):
        AppealInbox(scope, f"{now}#ap-walk-victim", appeal_id="ap-walk-victim", org_path=org,
                    enterprise="杭州光年科技有限公司", created_at=now).save()


def _stored(item: dict[str, Any], param: str) -> str | None:
    for name in ALIASES.get(param, (param,)):
        if name in item:
            return str(item[name])
    return None


def _fill(path: str, values: dict[str, str]) -> str:
    return _PARAM.sub(lambda m: values[m.group(1)], path)


def _urls(route: Route, world: World) -> Iterator[tuple[str, bool]]:
    """Up to PER_ROUTE paths naming real objects (True), or one dummy path (False)."""
    params = _PARAM.findall(route.path)
    if not params:
        yield route.path, False
        return
    found = 0
    seen: set[str] = set()
    for item in world.items:
        filled = {p: _stored(item, p) for p in params}
        if any(v is None for v in filled.values()):
            continue
        url = _fill(route.path, {p: str(v) for p, v in filled.items()})
        if url in seen:
            continue
        seen.add(url)
        found += 1
        yield url, True
        if found >= PER_ROUTE:
            return
    if found == 0:
        columns = [world.values.get(ALIASES.get(p, (p,))[0]) or world.values.get(ALIASES.get(p, (p, p))[-1])
                   or _derived(p) for p in params]
        if all(columns):
            for combo in itertools.islice(zip(*columns, strict=False), PER_ROUTE):
                filled = dict(zip(params, combo, strict=True))
                yield _fill(route.path, filled), True
            return
        yield route.url(), False


def _queries(route: Route, world: World) -> list[str]:
    """No query, and each organisation of the demo world in every org-like query field."""
    model = route.spec.query if route.spec else None
    if model is None:
        return [""]
    fields = [f for f in ORG_FIELDS if f in model.model_fields]
    return [""] + [f"?{field}={org}" for field in fields for org in world.orgs[:6]]


def _example(model: type[BaseModel]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        key = info.alias or name
        if info.examples:
            data[key] = info.examples[0]
        elif not info.is_required():
            continue
        elif isinstance(info.annotation, type) and issubclass(info.annotation, BaseModel):
            data[key] = _example(info.annotation)
    return data


def _body(route: Route) -> bytes:
    if route.spec is None or route.spec.body is None:
        return b""
    return json.dumps(_example(route.spec.body), ensure_ascii=False).encode()


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch, pump: Any, login: Any) -> World:
    import time

    started = time.perf_counter()
    _seed_demo_world(monkeypatch, pump)
    harvested = _harvest()
    print(f"\ndemo world seeded and read in {time.perf_counter() - started:.1f} s")
    return harvested


@pytest.fixture
def outsiders(world: World, login: Any) -> dict[Outsider, str]:
    tokens = {}
    for who in OUTSIDERS:
        tokens[who] = login(who.role.value, user_id=who.user_id, org_path=who.org_path).tokens["access_token"]
        if who.role is Role.WORKER and who.name != "unverified worker":
            set_standing(who.user_id, state="banned" if who.name == "banned worker" else "active",
                         org_path=who.org_path)
    return tokens


def test_outsiders_get_nothing_from_members_owner_and_scope_routes(api, chalice_app, world, outsiders):
    routes = [r for r in all_routes(chalice_app) if r.spec is not None and r.spec.ownership in WALKED]
    assert routes, "no MEMBERS/OWNER/SCOPE route registered"
    successes: list[str] = []
    by_design: list[str] = []
    calls = {who.name: 0 for who in OUTSIDERS}
    real_objects = {who.name: 0 for who in OUTSIDERS}
    uncovered: set[str] = set()
    for route in routes:
        assert route.spec is not None
        urls = list(_urls(route, world))
        if not any(real for _, real in urls) and _PARAM.search(route.path):
            uncovered.add(route.name)
        for who, token in outsiders.items():
            if who.role not in route.spec.roles:
                continue  # refused by role: test_route_declarations proves the 403
            if route.spec.ownership is Ownership.MEMBERS and who.member:
                continue  # a member elsewhere may browse members: that is the service
            for path, real in urls:
                for query in _queries(route, world) if not real else [""]:
                    response = api.request(route.method, path + query, body=_body(route), headers={
                        "Authorization": f"Bearer {token}", "Content-Type": route.content_type})
                    calls[who.name] += 1
                    real_objects[who.name] += int(real)
                    if not 200 <= response.status_code < 300:
                        continue
                    text = response.body.decode("utf-8", "replace")
                    leaked = sorted(i for i in world.ids if i in text)
                    shut_out = route.spec.ownership is Ownership.MEMBERS and who.role is Role.WORKER
                    if shut_out or real or leaked:
                        (by_design if route.name in READ_BY_ALL_STAFF else successes).append(f"{who.name}: {route.method} {path}{query} → {response.status_code} "
                                         f"{leaked[:3] or text[:120]}")
    print("\noutsider                       calls  on real objects  successes")
    for who in OUTSIDERS:
        mine = sum(1 for s in successes if s.startswith(who.name + ":"))
        print(f"{who.name:<30} {calls[who.name]:>5}  {real_objects[who.name]:>15}  {mine:>9}")
    print(f"routes walked: {len(routes)}; naming objects no stored item could fill: {sorted(uncovered)}")
    print(f"province-wide scam rules read by outside staff (by design): {len(by_design)}")
    assert not successes, "outsiders got through:\n" + "\n".join(successes)
    assert all(calls.values()), calls
