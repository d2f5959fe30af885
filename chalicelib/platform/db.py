"""The DynamoDB seam: the base for every feature's PynamoDB models, and error translation.

Feature models declare ``class Meta(TableMeta): table_name = table_name("dorms")``.
Infra and the local stack build tables from the same model classes
(``chalicelib.tables.describe_tables``, which knows the features; this module does not).
"""
from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from typing import Any

import pynamodb.connection.base as _pynamodb_base
from pynamodb.exceptions import PynamoDBException
from pynamodb.models import Model

from .aws import CLIENT_LOCK, botocore_session
from .errors import Conflict, DomainError, ServiceUnavailable
from .settings import get_settings

# PynamoDB builds a fresh botocore session per model connection; share the parsed models.
_pynamodb_base.get_session = botocore_session

# ...and a botocore client per model connection (20–50 ms each in a cold Lambda, paid again
# for every table a request touches first). Models with the same settings share ONE client
# (botocore clients are thread-safe); PynamoDB's own rule to rebuild a client that cached
# empty credentials still applies.
_shared_clients: dict[tuple[Any, ...], Any] = {}
_pynamodb_client = _pynamodb_base.Connection.client


def _shared_client(self: Any) -> Any:
    key = (self.region, self.host, self._connect_timeout_seconds, self._read_timeout_seconds,
           self._max_pool_connections, repr(self._retry_configuration), self._max_retry_attempts_exception,
           self._extra_headers is None)
    found = _shared_clients.get(key)
    if found is None or (found._request_signer and not found._request_signer._credentials):
        with CLIENT_LOCK:
            found = _shared_clients.get(key)
            if found is None or (found._request_signer and not found._request_signer._credentials):
                self._client = None
                found = _shared_clients[key] = _pynamodb_client.fget(self)  # type: ignore[attr-defined]
    self._client = found
    return found


_pynamodb_base.Connection.client = property(_shared_client)  # type: ignore[method-assign,assignment]


def forget_clients() -> None:
    """Drop the shared DynamoDB clients (the endpoint or region changed)."""
    _shared_clients.clear()


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


def _key_of(model: type[Model], key: Any) -> dict[str, Any]:
    hash_attr = model._hash_key_attribute()
    range_attr = model._range_key_attribute()
    hash_value, range_value = (key if range_attr is not None else (key, None))
    out = {hash_attr.attr_name: {hash_attr.attr_type: hash_attr.serialize(hash_value)}}
    if range_attr is not None:
        out[range_attr.attr_name] = {range_attr.attr_type: range_attr.serialize(range_value)}
    return out


def batch_get_tables(*wanted: tuple[type[Model], list[Any], bool]) -> list[list[Any]]:
    """Items of several tables in ONE BatchGetItem (PynamoDB's ``batch_get`` reads one table);
    more than 100 keys in all take one more call per 100.

    ``wanted`` is ``(model, keys, consistent_read)``; a key is the hash key, or
    ``(hash, range)``; one request per table. Returns the found items per request, in no
    particular order."""
    flat = [(model.Meta.table_name, _key_of(model, key), consistent)
            for model, keys, consistent in wanted for key in keys]
    by_table: dict[str, list[dict[str, Any]]] = {}
    if flat:
        client = wanted[0][0]._get_connection().connection.client
        for start in range(0, len(flat), 100):
            request: dict[str, Any] = {}
            for table, key, consistent in flat[start:start + 100]:
                entry = request.setdefault(table, {"Keys": []})
                entry["Keys"].append(key)
                if consistent:
                    entry["ConsistentRead"] = True
            while request:
                response = client.batch_get_item(RequestItems=request)
                for table, items in (response.get("Responses") or {}).items():
                    by_table.setdefault(table, []).extend(items)
                request = response.get("UnprocessedKeys") or {}
    return [[model.from_raw_data(item) for item in by_table.get(model.Meta.table_name, [])]
            if keys else [] for model, keys, _ in wanted]


def get_or_404[M: Model](model: type[M], key: str, *, not_found: DomainError,
                       id_pattern: str | re.Pattern[str] | None = None) -> M:
    """The item whose hash key is ``key``; a malformed id and a missing item raise ``not_found``."""
    if id_pattern is not None and not re.fullmatch(id_pattern, key):
        raise not_found
    try:
        return model.get(key)
    except model.DoesNotExist as exc:
        raise not_found from exc


def get_in_scope[M: Model](model: type[M], key: str, principal: Any, *, not_found: DomainError,
                 id_pattern: str | re.Pattern[str] | None = None, org_attribute: str = "org_path") -> M:
    """The item whose hash key is ``key``, when its org node lies inside the caller's scope.

    A malformed id, a missing item and another scope's item all raise the same ``not_found``,
    so a caller cannot tell "does not exist" from "not yours".
    """
    item = get_or_404(model, key, not_found=not_found, id_pattern=id_pattern)
    if not principal.covers(getattr(item, org_attribute)):
        raise not_found
    return item
