"""The DynamoDB seam: the base for every feature's PynamoDB models, and error translation.

Feature models declare ``class Meta(TableMeta): table_name = table_name("dorms")``.
Infra and the local stack build tables from the same model classes (``describe_tables``).
"""
from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from typing import Any

import pynamodb.connection.base as _pynamodb_base
from pynamodb.attributes import TTLAttribute
from pynamodb.exceptions import PynamoDBException
from pynamodb.indexes import GlobalSecondaryIndex, LocalSecondaryIndex
from pynamodb.models import Model

from .aws import botocore_session
from .errors import Conflict, DomainError, ServiceUnavailable
from .settings import get_settings

# PynamoDB builds a fresh botocore session per model connection; share the parsed models.
_pynamodb_base.get_session = botocore_session


def table_name(short: str) -> str:
    return get_settings().table_name(short)


class TableMeta:
    """Shared Meta for every model: region from settings, endpoint from the environment."""

    region = get_settings().region
    billing_mode = "PAY_PER_REQUEST"


_THROTTLED = {"ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded"}


def _cause_codes(exc: PynamoDBException) -> set[str]:
    codes = {exc.cause_response_code or ""}
    reasons = getattr(exc, "cancellation_reasons", None) or []
    codes.update(r.code for r in reasons if r is not None and r.code)
    return codes


@contextlib.contextmanager
def dynamo_errors(conflict: DomainError | None = None) -> Iterator[None]:
    """Translate PynamoDB failures to domain errors, once, at the data seam.

    A failed condition (or a transaction cancelled by one) becomes ``conflict``
    (409 by default); throttling becomes 503. Anything else propagates.
    """
    try:
        yield
    except PynamoDBException as exc:
        codes = _cause_codes(exc)
        if "ConditionalCheckFailed" in codes or "ConditionalCheckFailedException" in codes \
                or "TransactionConflict" in codes:
            raise (conflict or Conflict()) from exc
        if codes & _THROTTLED:
            raise ServiceUnavailable() from exc
        raise


def all_models() -> list[type[Model]]:
    """Every concrete model of every registered feature (import side effects register them)."""
    from chalicelib import features

    features.load_models()
    found: list[type[Model]] = []

    def walk(cls: type[Model]) -> None:
        for sub in cls.__subclasses__():
            meta = getattr(sub, "Meta", None)
            if meta is not None and getattr(meta, "table_name", None):
                found.append(sub)
            walk(sub)

    walk(Model)
    unique: dict[str, type[Model]] = {}
    for m in found:
        unique[f"{m.__module__}.{m.__qualname__}"] = m
    return list(unique.values())


def _keys(schema: Any) -> list[dict[str, str]]:
    """HASH first, then RANGE, in DynamoDB's own spelling."""
    return sorted(({"AttributeName": k["AttributeName"], "KeyType": k["KeyType"]} for k in schema),
                  key=lambda k: k["KeyType"] != "HASH")


def describe_tables() -> dict[str, dict[str, Any]]:
    """Table definitions (keys, attribute types, GSIs, LSIs, TTL) merged from all models."""
    tables: dict[str, dict[str, Any]] = {}
    for model in all_models():
        name = model.Meta.table_name
        schema: Any = model._get_schema()
        ttl = next((a.attr_name for a in model.get_attributes().values() if isinstance(a, TTLAttribute)), None)
        entry = tables.setdefault(name, {
            "name": name,
            "short": name.removeprefix(get_settings().resource_prefix + "-"),
            "key_schema": _keys(schema["key_schema"]),
            "attributes": {},
            "gsis": {},
            "lsis": {},
            "ttl": None,
            "stream": None,
            "models": [],
        })
        if entry["key_schema"] != _keys(schema["key_schema"]):
            raise ValueError(f"models sharing table {name} disagree on its key schema")
        for attr in schema["attribute_definitions"]:
            entry["attributes"][attr["AttributeName"]] = attr["AttributeType"]
        for idx in schema.get("global_secondary_indexes", []):
            entry["gsis"][idx["index_name"]] = {"key_schema": _keys(idx["key_schema"]), "projection": idx["projection"]}
            for attr in idx.get("attribute_definitions", []):
                entry["attributes"][attr["AttributeName"]] = attr["AttributeType"]
        for idx in schema.get("local_secondary_indexes", []):
            entry["lsis"][idx["index_name"]] = {"key_schema": _keys(idx["key_schema"]), "projection": idx["projection"]}
            for attr in idx.get("attribute_definitions", []):
                entry["attributes"][attr["AttributeName"]] = attr["AttributeType"]
        if ttl:
            entry["ttl"] = ttl
        if getattr(model.Meta, "stream_view_type", None):
            entry["stream"] = model.Meta.stream_view_type
        entry["models"].append(model.__qualname__)
    return tables


def reset_connections() -> None:
    """PynamoDB caches a connection per model; drop them when the endpoint changes."""
    for model in all_models():
        model._connection = None
        for index in _indexes(model):
            index._connection = None  # type: ignore[attr-defined]


def _indexes(model: type[Model]) -> list[Any]:
    return [v for v in vars(model).values() if isinstance(v, (GlobalSecondaryIndex, LocalSecondaryIndex))]




def get_in_scope[M: Model](model: type[M], key: str, principal: Any, *, not_found: DomainError,
                 id_pattern: str | re.Pattern[str] | None = None, org_attribute: str = "org_path") -> M:
    """The item whose hash key is ``key``, when its org node lies inside the caller's scope.

    A malformed id, a missing item and another scope's item all raise the same ``not_found``,
    so a caller cannot tell "does not exist" from "not yours".
    """
    if id_pattern is not None and not re.fullmatch(id_pattern, key):
        raise not_found
    try:
        item = model.get(key)
    except model.DoesNotExist as exc:
        raise not_found from exc
    if not principal.covers(getattr(item, org_attribute)):
        raise not_found
    return item
