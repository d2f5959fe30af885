"""The OpenAPI document is one a front-end team can build on.

- OpenAPI 3.0.3 (what Swagger UI 4 and client generators read), valid, with none of JSON
  Schema 2020-12's constructs left in it;
- every schema has one name: two classes with one name would overwrite each other (the
  profile photo upload was once documented with the aid document's body);
- every operation says in Chinese who may call it (the role is in the summary Swagger UI
  lists and in the text), what it changes, what happens later in the background, and its
  error codes, and documents each status it can answer.

That the document is *true* — the suite's traffic conforms to it — is checked on every test's
requests and responses by the ``api`` and ``live_api`` fixtures (tests/contract.py)."""
from __future__ import annotations

import json
import re
from typing import Any

import pytest

from chalicelib.platform.openapi import ROLE_NAMES, build, schema_collisions, to_oas30


@pytest.fixture(scope="module")
def document(chalice_app: Any) -> dict[str, Any]:
    return build(chalice_app)


def _operations(document: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(f"{method.upper()} {path}", op) for path, methods in document["paths"].items()
            for method, op in methods.items()]


def test_the_document_is_openapi_3_0_with_no_3_1_constructs(document):
    from openapi_spec_validator import validate

    assert document["openapi"] == "3.0.3"
    validate(document)
    text = json.dumps(document)
    for construct in ('"const"', '"examples"', '"type": "null"', '"prefixItems"', '"$defs"'):
        assert construct not in text, construct


def test_no_two_classes_share_a_schema_name(chalice_app, document):
    assert schema_collisions(chalice_app) == []
    assert not [name for name in document["components"]["schemas"] if "__" in name]


def test_the_collision_check_notices_two_features_using_one_class_name():
    """The check above can fail: two routes whose bodies are different classes named alike."""
    from chalice import Chalice
    from pydantic import BaseModel

    from chalicelib.platform.auth import Role
    from chalicelib.platform.http import Ownership, endpoint

    def model(feature: str) -> type[BaseModel]:
        return type("UploadTicket", (BaseModel,), {"__module__": f"chalicelib.{feature}.schemas",
                                                  "__annotations__": {feature: str}})

    probe = Chalice(app_name="probe")
    for feature in ("aid", "profiles"):
        @probe.route(f"/{feature}/upload", methods=["POST"])
        @endpoint(roles={Role.WORKER}, ownership=Ownership.SELF, response=model(feature), summary="上传")
        def upload() -> None: ...

    problems = schema_collisions(probe)
    assert any(p.startswith("UploadTicket") for p in problems), problems


def test_every_operation_says_who_may_call_what_changes_what_follows_and_its_errors(document):
    missing = []
    for name, op in _operations(document):
        text = op.get("description") or ""
        roles = op.get("x-gonghui-roles") or []
        wanted = ["**谁可以调用**", "**改变什么**", "**后台随后**", "**错误码**"]
        wanted += [ROLE_NAMES[r] for r in roles]
        gaps = [w for w in wanted if w not in text]
        if roles and not all(ROLE_NAMES[r].split("（")[0] in op["summary"] for r in roles):
            gaps.append("role in the summary")
        if not re.search(r"[\u4e00-\u9fff]", op.get("summary", "")):
            gaps.append("Chinese summary")
        if gaps:
            missing.append(f"{name}: {gaps}")
    assert not missing, "\n".join(missing)


def test_every_error_status_an_operation_names_is_documented_with_its_codes(document):
    for name, op in _operations(document):
        for status, response in op["responses"].items():
            if status.startswith(("4", "5")):
                assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
                assert "`" in response["description"], f"{name} {status}: no error code listed"
        if op.get("security"):
            assert {"401", "403"} <= set(op["responses"]), name


def test_background_work_is_named_where_the_code_sets_it_off(document):
    """The dorm application is decided in the background: the document says so."""
    apply = document["paths"]["/dorms/applications"]["post"]["description"]
    assert "dorm-apply" in apply and "自动审批" in apply
    assert "DORM_BED_TAKEN" in apply
    assert "只读" in document["paths"]["/dorms/applications"]["get"]["description"]


@pytest.mark.parametrize(("given", "expected"), [
    ({"anyOf": [{"type": "string"}, {"type": "null"}], "default": None},
     {"type": "string", "nullable": True, "default": None}),
    ({"anyOf": [{"$ref": "#/components/schemas/X"}, {"type": "null"}]},
     {"anyOf": [{"$ref": "#/components/schemas/X"}, {"nullable": True, "enum": [None]}]}),
    ({"const": "ok", "type": "string"}, {"enum": ["ok"], "type": "string"}),
    ({"type": "integer", "exclusiveMinimum": 0, "examples": [3, 4]},
     {"type": "integer", "minimum": 0, "exclusiveMinimum": True, "example": 3}),
    ({"type": "object", "properties": {"examples": {"type": "string", "examples": ["a"]}}},
     {"type": "object", "properties": {"examples": {"type": "string", "example": "a"}}}),
    ({"$ref": "#/components/schemas/X", "description": "说明"},
     {"allOf": [{"$ref": "#/components/schemas/X"}], "description": "说明"}),
])
def test_json_schema_2020_becomes_openapi_3_0(given, expected):
    assert to_oas30(given) == expected


def test_every_request_and_response_carries_an_example_that_conforms(document):
    """Swagger UI and client developers see a filled-in example for each body; each one is
    valid against its own schema (a wrong example misleads more than none)."""
    from openapi_schema_validator import OAS30ReadValidator, OAS30WriteValidator

    problems, checked = [], 0
    for name, op in _operations(document):
        media = []
        body = (op.get("requestBody") or {}).get("content", {}).get("application/json")
        if body:
            media.append(("request", body, OAS30WriteValidator))
        for status, response in op["responses"].items():
            content = (response.get("content") or {}).get("application/json")
            if content:
                media.append((status, content, OAS30ReadValidator))
        for where, content, validator in media:
            checked += 1
            if "example" not in content:
                problems.append(f"{name} {where}: no example")
                continue
            root = {"allOf": [content["schema"]], "components": document["components"]}
            errors = [e.message for e in validator(root).iter_errors(content["example"])]
            if errors:
                problems.append(f"{name} {where}: {errors[:2]}")
    assert checked > 300
    assert not problems, "\n".join(problems)


def test_one_name_for_a_chinese_label(document):
    """The Chinese label of an enumerated field is ``<field>_name`` (``state_name``,
    ``status_name``, ``meal_name``). The older ``_cn`` / ``_text`` labels are still sent for one
    release, marked deprecated, next to their ``_name`` twin (money text like ``rent_text`` is
    a formatted amount, not a label)."""
    problems = []
    for schema_name_, schema in document["components"]["schemas"].items():
        properties = schema.get("properties", {})
        for name, prop in properties.items():
            base = re.sub(r"_(cn|text)$", "", name)
            if base == name or f"{base}_fen" in properties:
                continue
            if not prop.get("deprecated"):
                problems.append(f"{schema_name_}.{name}: a label not named {base}_name (and not deprecated)")
            if f"{base}_name" not in properties:
                problems.append(f"{schema_name_}.{name}: no {base}_name next to it")
    assert not problems, "\n".join(problems)


# The organisation filter of a query has one name, ``org`` (an org path: that org and its
# subtree). ``district``/``city`` remain only as place filters of 光年间 browse (where someone
# lives or works), which are place codes, not org paths.
OLD_ORG_FILTERS = {"org_path", "scope", "parent", "district_path", "district", "enterprise_path"}
PLACE_FILTERS = {("/profiles/browse", "district")}


def test_one_name_for_the_organisation_filter(document):
    """A front-end team filters every list by organisation the same way: ``?org=zj/huz/nanxun``.
    No query parameter is called ``org_path``, ``scope``, ``parent``, ``district`` or
    ``district_path`` (they were six names for one thing, and ``district`` meant an org path in
    subsidy but a place code in browse)."""
    problems = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            for parameter in operation.get("parameters", []):
                name = parameter["name"]
                if parameter.get("in") == "query" and name in OLD_ORG_FILTERS and (path, name) not in PLACE_FILTERS:
                    problems.append(f"{method.upper()} {path}: ?{name}= (call it ?org=)")
                if parameter.get("in") == "query" and name == "org" and parameter.get("required"):
                    problems.append(f"{method.upper()} {path}: ?org= is required (infer it from the caller's org)")
    assert not problems, "\n".join(problems)


def test_the_conformance_check_catches_a_document_that_lies(document):
    """The suite-wide check (tests/contract.py) is only worth its 100% if it can fail: a
    response missing a documented field, an undocumented status, an accepted request whose
    body or query the document forbids — each is reported; a conforming exchange is not."""
    from tests.contract import Contract

    contract = Contract(document)
    health = json.dumps({"status": "ok", "stage": "local", "time": "2026-05-01T01:30:00.000Z"})
    assert contract.check("GET", "/health", None, 200, "application/json", health) == []
    assert contract.check("GET", "/health", None, 200, "application/json", json.dumps({"status": "ok"}))
    assert contract.check("GET", "/health", None, 418, "application/json", "{}")
    login = json.dumps({"role": "boss"})
    assert contract.check("POST", "/dev/login", login, 200, "application/json", "{}")
    assert any("query limit" in v for v in
               contract.check("GET", "/dorms/applications?limit=many", None, 200, "application/json", "{}"))
    assert contract.operation("GET", "/dorms/me") is not contract.operation("GET", "/dorms/applications/a-1")
