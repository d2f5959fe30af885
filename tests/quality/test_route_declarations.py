"""Every route says who may call it, and the edge enforces it.

Given every route registered on the app (features add theirs; nothing here lists them),
then each one has an ``@endpoint`` declaration with real roles, appears in /openapi.json with
``x-gonghui-roles``, refuses a caller without a token with 401 TOKEN_MISSING, and refuses a
caller whose role it does not name with 403 ROLE_FORBIDDEN — never a 500."""
from __future__ import annotations

import inspect
import json
from typing import Any

import pytest

from chalicelib.platform.auth import Role
from chalicelib.platform.http import Ownership
from tests.conftest import body
from tests.quality.routes import PUBLIC_ROUTES, Route, all_routes, public_reason


@pytest.fixture(scope="module")
def routes(chalice_app: Any) -> list[Route]:
    found = all_routes(chalice_app)
    assert len(found) >= 10, "the app registers fewer routes than the platform itself has"
    return found


def _declared(routes: list[Route]) -> list[Route]:
    return [r for r in routes if r.spec is not None]


def test_every_route_is_declared_with_endpoint(routes):
    undeclared = [r.name for r in routes if r.spec is None]
    assert not undeclared, f"routes without @endpoint(roles=..., ownership=...): {undeclared}"


def test_every_declared_role_is_a_role_and_non_public_routes_name_one(routes):
    problems = []
    for route in _declared(routes):
        spec = route.spec
        assert spec is not None
        if not isinstance(spec.ownership, Ownership):
            problems.append(f"{route.name}: ownership {spec.ownership!r} is not an Ownership")
        strangers = [r for r in spec.roles if not isinstance(r, Role)]
        if strangers:
            problems.append(f"{route.name}: roles {strangers!r} are not Role members")
        if not spec.public and not spec.roles:
            problems.append(f"{route.name}: non-public route declares no role")
        if spec.public and spec.roles:
            problems.append(f"{route.name}: PUBLIC route names roles {sorted(spec.roles)} that are never checked")
    assert not problems, "\n".join(problems)


def test_only_allow_listed_routes_are_public(routes):
    unexplained = [r.name for r in _declared(routes) if r.spec and r.spec.public and public_reason(r) is None]
    assert not unexplained, (
        f"public routes without a documented reason: {unexplained}; "
        f"add them to PUBLIC_ROUTES in tests/quality/routes.py with why (allowed now: {sorted(PUBLIC_ROUTES)})")


def test_member_visible_routes_naming_an_object_document_who_sees_it(routes):
    """A MEMBERS route that names one object by path (``/profiles/{profile_id}``) is readable by
    any member: its view's docstring must say why that object is not private."""
    silent = [r.name for r in _declared(routes)
              if r.params and r.spec and r.spec.ownership is Ownership.MEMBERS
              and not (inspect.getdoc(r.view) or "").strip()]
    assert not silent, f"MEMBERS routes naming an object without a docstring saying who may see it: {silent}"


def test_every_route_appears_in_the_openapi_document_with_its_roles(api, routes):
    response = api.get("/openapi.json")
    assert response.status_code == 200
    paths = body(response)["paths"]
    problems = []
    for route in _declared(routes):
        operation = paths.get(route.path, {}).get(route.method.lower())
        if operation is None:
            problems.append(f"{route.name}: missing from /openapi.json")
            continue
        assert route.spec is not None
        declared = sorted(r.value for r in route.spec.roles)
        if operation.get("x-gonghui-roles") != declared:
            problems.append(f"{route.name}: x-gonghui-roles {operation.get('x-gonghui-roles')} != {declared}")
        if not route.spec.public and operation.get("security") != [{"bearer": []}]:
            problems.append(f"{route.name}: non-public but no bearer security in the document")
    assert not problems, "\n".join(problems)


def test_the_openapi_document_is_valid_for_client_generators(api):
    from openapi_spec_validator import validate

    document = body(api.get("/openapi.json"))
    validate(document)  # raises with the offending path and keyword


def _call(api: Any, route: Route, headers: dict[str, str]) -> Any:
    return api.request(route.method, route.url(), headers={"Content-Type": route.content_type, **headers},
                       body=b"")


def test_every_non_public_route_refuses_a_caller_without_a_token(api, routes):
    wrong = []
    for route in _declared(routes):
        if route.spec is None or route.spec.public:
            continue
        response = _call(api, route, {})
        code = (body(response) or {}).get("code") if response.body else None
        if response.status_code != 401 or code != "TOKEN_MISSING":
            wrong.append(f"{route.name} → {response.status_code} {code}")
    assert not wrong, f"routes that did not answer 401 TOKEN_MISSING without a token: {wrong}"


@pytest.fixture
def tokens(login) -> dict[Role, str]:
    """One dev-login token per role (accounts in the default demo nodes)."""
    return {role: login(role.value, user_id=f"quality-{role.value.replace('_', '-')}").tokens["access_token"] for role in Role}


def test_every_route_refuses_the_roles_it_does_not_name(api, routes, tokens):
    wrong = []
    checked = 0
    for route in _declared(routes):
        if route.spec is None or route.spec.public:
            continue
        for role in sorted(set(Role) - route.spec.roles, key=lambda r: r.value):
            response = _call(api, route, {"Authorization": f"Bearer {tokens[role]}"})
            code = (body(response) or {}).get("code") if response.body else None
            checked += 1
            if response.status_code != 403 or code != "ROLE_FORBIDDEN":
                wrong.append(f"{route.name} as {role.value} → {response.status_code} {code}")
    assert not wrong, f"routes that did not answer 403 ROLE_FORBIDDEN to a role they exclude: {wrong}"
    assert checked > 0


def test_a_bare_call_by_an_allowed_role_gets_an_answer_not_a_crash(api, routes, tokens):
    """Dummy path values, no body, no query: each allowed role gets a 2xx or a clear 4xx with a
    code and a Chinese message — never a 500."""
    crashes = []
    for route in _declared(routes):
        if route.spec is None:
            continue
        roles = sorted(route.spec.roles, key=lambda r: r.value) or [None]
        for role in roles:
            headers = {"Authorization": f"Bearer {tokens[role]}"} if role else {}
            response = _call(api, route, headers)
            if response.status_code >= 500:
                crashes.append(f"{route.name} as {role.value if role else 'anyone'} → {response.status_code}")
            elif response.status_code >= 400:
                answer = json.loads(response.body)
                if not answer.get("code") or not answer.get("message"):
                    crashes.append(f"{route.name} → {response.status_code} without code/message: {answer}")
    assert not crashes, f"server errors or bare error bodies: {crashes}"


def test_the_walker_notices_a_route_someone_forgot_to_declare():
    """The checks above are only as good as the walk: an undeclared route must show up in it."""
    from chalice import Chalice

    from chalicelib.platform.http import PUBLIC, endpoint

    probe = Chalice(app_name="probe")

    @probe.route("/probe/{thing_id}", methods=["GET", "DELETE"])
    def forgotten(thing_id: str) -> dict[str, str]:
        return {}

    @probe.route("/probe", methods=["GET"])
    @endpoint(roles=PUBLIC, ownership=Ownership.PUBLIC)
    def declared() -> dict[str, str]:
        return {}

    walked = {r.name: r for r in all_routes(probe)}
    assert set(walked) == {"GET /probe/{thing_id}", "DELETE /probe/{thing_id}", "GET /probe"}
    assert walked["GET /probe/{thing_id}"].spec is None and walked["GET /probe"].spec is not None
    assert walked["DELETE /probe/{thing_id}"].url() == "/probe/dummy-thing-id"
    assert public_reason(walked["GET /probe"]) is None  # not on the allow-list
