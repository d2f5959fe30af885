"""The tables of every registered feature, described from their PynamoDB models: infra and
the local stack create them from this, and the local stack drops cached connections with it.

It lives beside ``features.py`` (it needs the list of features); ``platform/db.py`` knows no
feature."""
from __future__ import annotations

from typing import Any

from pynamodb.attributes import TTLAttribute
from pynamodb.indexes import GlobalSecondaryIndex, LocalSecondaryIndex
from pynamodb.models import Model

from chalicelib import features
from chalicelib.platform.settings import get_settings


def all_models() -> list[type[Model]]:
    """Every concrete model of every registered feature (import side effects register them)."""
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
    from chalicelib.platform.db import forget_clients

    forget_clients()
    for model in all_models():
        model._connection = None
        for index in _indexes(model):
            index._connection = None  # type: ignore[attr-defined]


def _indexes(model: type[Model]) -> list[Any]:
    return [v for v in vars(model).values() if isinstance(v, (GlobalSecondaryIndex, LocalSecondaryIndex))]
