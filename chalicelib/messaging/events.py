"""Messaging Lambdas: message-send (FIFO, grouped by conversation; an offline recipient's
reminder goes to the one inbox, which pushes it) and the WebSocket API's ``$connect`` /
``$default`` / ``$disconnect`` handlers.

The WebSocket handlers need ``app.experimental_feature_flags.update(["WEBSOCKETS"])`` on the
Chalice app (deploy-time validation); they run the same under the local gateway
(``local/ws_gateway.py``)."""
from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from chalice import Blueprint
from chalice.app import WebsocketAPI

from chalicelib.platform.batch import process_sqs
from chalicelib.platform.errors import DomainError
from chalicelib.platform.lazy import lazy_import
from chalicelib.platform.observability import logger

from .specs import SEND_QUEUE

if TYPE_CHECKING:
    from . import logic
else:
    logic = lazy_import(f"{__package__}.logic")

bp = Blueprint(__name__)
# Chalice wraps WebSocket handlers (``(event, context)`` → ``WebsocketEvent``) only when the
# decorating object has a ``websocket_api``; a Blueprint has none, so its handlers would be
# left bare and fail in Lambda. Give ours one (configured per event from apiId and stage).
bp.websocket_api = WebsocketAPI()



def deliver_one(record: Any) -> None:
    logic.deliver(json.loads(record.body))


def _runs(bodies: list[Any]) -> list[list[dict[str, Any]]]:
    """The batch's well-formed messages per conversation in queue order, cut into runs of
    one sender (a run is numbered and stored in one transaction)."""
    runs: dict[str, list[list[dict[str, Any]]]] = {}
    for body in bodies:
        if not isinstance(body, dict) or not all(isinstance(body.get(k), str) for k in
                                                 ("conversation_id", "sender", "message_id")):
            continue
        conv = runs.setdefault(body["conversation_id"], [])
        if conv and conv[-1][-1]["sender"] == body["sender"]:
            conv[-1].append(body)
        else:
            conv.append([body])
    return [run for conv in runs.values() for run in conv]


def _deliver_runs(event: Any) -> set[str]:
    """Store what can be stored run by run; the message ids stored. A run that cannot (a
    redelivery, a lost counter race, a malformed record) is left, with every later message of
    its conversation, to the one-by-one path below, so a conversation's order holds."""
    raw = event.to_dict() if hasattr(event, "to_dict") else event
    bodies = []
    for record in raw.get("Records") or []:
        try:
            bodies.append(json.loads(record.get("body") or ""))
        except ValueError:
            bodies.append(None)
    stored: set[str] = set()
    held_back: set[str] = set()
    for run in _runs(bodies):
        conv = run[0]["conversation_id"]
        if conv in held_back:
            continue
        try:
            done = logic.deliver_run(run)
        except Exception:  # the one-by-one path retries the run and reports what fails
            logger.warning("message-send: a run of %d falls back to one by one", len(run), exc_info=True)
            done = None
        if done is None:
            held_back.add(conv)
        else:
            stored.update(m.message_id for m in done)
    return stored


@bp.on_sqs_message(queue=SEND_QUEUE.name, batch_size=SEND_QUEUE.batch_size)
def message_send(event: Any) -> dict[str, Any]:
    # A conversation's messages from one sender that arrive together are stored in one
    # transaction; the rest one by one. A failing message holds back only its own
    # conversation; other conversations in the batch go on (order is kept per conversation,
    # which is all FIFO promises).
    stored = _deliver_runs(event)

    def deliver_rest(record: Any) -> None:
        body = json.loads(record.body)
        if not (isinstance(body, dict) and body.get("message_id") in stored):
            logic.deliver(body)

    return process_sqs(event, deliver_rest, fifo=True, skip_group_on_error=True)


# --- WebSocket API ------------------------------------------------------------------------

def _observed(route_key: str) -> Callable[[Callable[[Any], dict[str, Any]]], Callable[[Any], dict[str, Any]]]:
    """What the app's event middleware does for other Lambdas (blueprint WebSocket handlers do
    not get it): label the work for the call recorder, log a crash once, flush metrics."""

    def decorate(fn: Callable[[Any], dict[str, Any]]) -> Callable[[Any], dict[str, Any]]:
        @functools.wraps(fn)
        def wrapper(event: Any) -> dict[str, Any]:
            from chalicelib.platform import aws
            from chalicelib.platform.observability import flush_metrics

            token = aws.set_work(f"websocket:{route_key}")
            try:
                return fn(event)
            except Exception:
                logger.exception("websocket handler failed", extra={"route_key": route_key})
                raise
            finally:
                aws.reset_work(token)
                flush_metrics()

        return wrapper

    return decorate


def _raw(event: Any) -> dict[str, Any]:
    raw: dict[str, Any] = event.to_dict() if hasattr(event, "to_dict") else dict(event)
    return raw


@bp.on_ws_connect()
@_observed("$connect")
def ws_connect(event: Any) -> dict[str, Any]:
    """Authenticate with ``?token=<access token>``; register the connection or refuse it."""
    raw = _raw(event)
    token = (raw.get("queryStringParameters") or {}).get("token")
    try:
        user = logic.connect(event.connection_id, token, event.domain_name, event.stage)
    except DomainError as exc:
        logger.info("websocket connect refused", extra={"code": exc.code})
        return {"statusCode": exc.status, "body": json.dumps(exc.to_body(), ensure_ascii=False)}
    logger.info("websocket connected", extra={"user_id": user})
    return {"statusCode": 200}


@bp.on_ws_message()
@_observed("$default")
def ws_message(event: Any) -> dict[str, Any]:
    """Frames from a registered connection; a forged or unknown connection id is refused."""
    from chalicelib.platform.http import parse_json_text

    from . import realtime

    try:
        body = parse_json_text(event.body) if event.body else {}
        if not isinstance(body, dict):
            raise ValueError("not an object")
    except (ValueError, DomainError):  # malformed, too deep, numbers out of range
        body = {"action": "invalid"}
    try:
        logic.connection_user(event.connection_id)
    except DomainError as exc:
        logger.warning("websocket message from unregistered connection", extra={"code": exc.code})
        return {"statusCode": exc.status, "body": json.dumps(exc.to_body(), ensure_ascii=False)}
    reply = logic.on_socket_message(event.connection_id, body)
    realtime.post(event.connection_id, event.domain_name, event.stage, reply)
    return {"statusCode": 200}


@bp.on_ws_disconnect()
@_observed("$disconnect")
def ws_disconnect(event: Any) -> dict[str, Any]:
    logic.disconnect(event.connection_id)
    return {"statusCode": 200}
