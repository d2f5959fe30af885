"""A local stand-in for API Gateway's WebSocket API, for the local stack and the tests.

The ``websockets`` package is not installed in the project's virtualenv, so this is built on
the standard library's asyncio with a minimal RFC 6455 server (handshake, masked client
frames, text/binary/ping/pong/close, fragmented messages) — enough for browsers, mini-program
``wx.connectSocket`` / ``my.connectSocket`` and the small client below.

What it emulates:
- ``ws://host:port/<stage>?token=...``: on the upgrade it invokes the app's ``$connect``
  handler with a Lambda-shaped event (``requestContext.routeKey "$connect"``,
  ``connectionId``, ``domainName``, ``stage``, ``apiId``, ``queryStringParameters``); a non-2xx
  answer refuses the upgrade with that status. Each text frame goes to the ``$default``
  handler; a close (or a dropped socket) to ``$disconnect``.
- the management API, ``POST|GET|DELETE /<stage>/@connections/{id}``, spoken by boto3's
  ``apigatewaymanagementapi`` client with ``endpoint_url`` pointed here — so the app's
  ``post_to_connection`` seam works unchanged (an unknown id answers 410 ``GoneException``).

Run beside the local stack: ``python -m local.ws_gateway`` (port 8001), with
``GONGHUI_WS_ENDPOINT=http://127.0.0.1:8001/local`` in the environment of the process that
runs the event pump.
"""
from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import os
import secrets
import socket
import struct
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
MAX_FRAME = 128 * 1024  # API Gateway's WebSocket frame limit is 32 KB; be generous


def accept_key(key: str) -> str:
    return base64.b64encode(hashlib.sha1((key + GUID).encode(), usedforsecurity=False).digest()).decode()


def encode_frame(payload: bytes, opcode: int = 1, *, mask: bool = False) -> bytes:
    head = bytes([0x80 | opcode])
    length = len(payload)
    mask_bit = 0x80 if mask else 0
    if length < 126:
        head += bytes([mask_bit | length])
    elif length < 65536:
        head += bytes([mask_bit | 126]) + struct.pack("!H", length)
    else:
        head += bytes([mask_bit | 127]) + struct.pack("!Q", length)
    if not mask:
        return head + payload
    key = secrets.token_bytes(4)
    return head + key + bytes(b ^ key[i % 4] for i, b in enumerate(payload))


async def read_frame(reader: asyncio.StreamReader) -> tuple[bool, int, bytes]:
    first, second = await reader.readexactly(2)
    fin, opcode = bool(first & 0x80), first & 0x0F
    masked, length = bool(second & 0x80), second & 0x7F
    if length == 126:
        (length,) = struct.unpack("!H", await reader.readexactly(2))
    elif length == 127:
        (length,) = struct.unpack("!Q", await reader.readexactly(8))
    if length > MAX_FRAME:
        raise ValueError("frame too large")
    key = await reader.readexactly(4) if masked else b""
    data = await reader.readexactly(length)
    if masked:
        data = bytes(b ^ key[i % 4] for i, b in enumerate(data))
    return fin, opcode, data


@dataclass
class _Client:
    connection_id: str
    writer: asyncio.StreamWriter
    connected_at: float = field(default_factory=time.time)
    last_active: float = field(default_factory=time.time)
    source_ip: str = "127.0.0.1"
    user_agent: str = ""


@dataclass
class _Context:
    function_name: str
    aws_request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = ""

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


class WsGateway:
    """``start()`` it in a background thread; ``url`` for clients, ``management_endpoint``
    for ``GONGHUI_WS_ENDPOINT``."""

    def __init__(self, app: Any, *, host: str = "127.0.0.1", port: int = 0, stage: str = "local") -> None:
        self.app = app
        self.host, self.port, self.stage = host, port, stage
        self._clients: dict[str, _Client] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.AbstractServer | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()

    # --- lifecycle -----------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"ws://{self.host}:{self.port}/{self.stage}"

    @property
    def management_endpoint(self) -> str:
        return f"http://{self.host}:{self.port}/{self.stage}"

    def start(self) -> WsGateway:
        if not self.port:
            with socket.socket() as probe:
                probe.bind((self.host, 0))
                self.port = probe.getsockname()[1]
        self._thread = threading.Thread(target=self._run, name="ws-gateway", daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("ws gateway did not start")
        return self

    def _run(self) -> None:
        self._loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(asyncio.start_server(self._handle, self.host, self.port))
        self._ready.set()
        self._loop.run_forever()
        # stopping: refuse new sockets, let open connections run their $disconnect, then close
        self._server.close()
        for client in list(self._clients.values()):
            client.writer.close()
        pending = asyncio.all_tasks(self._loop)
        if pending:
            self._loop.run_until_complete(asyncio.wait(pending, timeout=5))
        for task in asyncio.all_tasks(self._loop):
            task.cancel()
        self._loop.run_until_complete(asyncio.sleep(0))
        self._loop.close()

    def stop(self) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(timeout=5)

    @property
    def connection_ids(self) -> list[str]:
        return list(self._clients)

    # --- Lambda invocation ---------------------------------------------------------------
    def _handler(self, route_key: str) -> Any:
        import importlib

        config = self.app.websocket_handlers.get(route_key)
        if config is None:
            return None
        module, _, name = config.handler_string.rpartition(".")
        return getattr(importlib.import_module(module), name)

    def _event(self, route_key: str, connection_id: str, *, body: str | None = None,
               query: dict[str, str] | None = None, headers: dict[str, str] | None = None) -> dict[str, Any]:
        event_type = {"$connect": "CONNECT", "$disconnect": "DISCONNECT"}.get(route_key, "MESSAGE")
        event: dict[str, Any] = {
            "requestContext": {
                "routeKey": route_key, "eventType": event_type, "connectionId": connection_id,
                "domainName": f"{self.host}:{self.port}", "stage": self.stage, "apiId": "local",
                "requestId": uuid.uuid4().hex, "connectedAt": int(time.time() * 1000),
                "messageDirection": "IN", "requestTimeEpoch": int(time.time() * 1000),
                "identity": {"sourceIp": "127.0.0.1"},
            },
            "isBase64Encoded": False,
        }
        if route_key == "$connect":
            event["queryStringParameters"] = query or None
            event["headers"] = headers or {}
        if body is not None:
            event["body"] = body
        return event

    async def _invoke(self, route_key: str, event: dict[str, Any]) -> dict[str, Any]:
        handler = self._handler(route_key)
        if handler is None:
            return {"statusCode": 200}
        context = _Context(function_name=f"websocket_{route_key.strip('$')}")
        loop = asyncio.get_running_loop()
        try:
            result = await loop.run_in_executor(None, handler, event, context)
        except Exception as exc:  # a crashing handler is a 500, as API Gateway reports it
            print(f"[ws-gateway] {route_key} handler failed: {type(exc).__name__}: {exc}", flush=True)
            return {"statusCode": 500}
        return result if isinstance(result, dict) else {"statusCode": 200}

    # --- connections ---------------------------------------------------------------------
    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            writer.close()
            return
        lines = head.decode("latin-1").split("\r\n")
        method, target, _ = [*lines[0].split(" ", 2), "", ""][:3]
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip()
        parts = urlsplit(target)
        if "/@connections/" in parts.path:
            await self._management(method, parts.path, headers, reader, writer)
        elif headers.get("upgrade", "").lower() == "websocket":
            await self._websocket(parts.query, headers, reader, writer)
        else:
            self._respond(writer, 426, {"message": "Upgrade Required"})
            await writer.drain()
            writer.close()

    def _respond(self, writer: asyncio.StreamWriter, status: int, payload: dict[str, Any] | None,
                 extra: dict[str, str] | None = None) -> None:
        body = json.dumps(payload).encode() if payload is not None else b""
        reason = {200: "OK", 204: "No Content", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden",
                  404: "Not Found", 410: "Gone", 426: "Upgrade Required", 500: "Internal Server Error"}
        lines = [f"HTTP/1.1 {status} {reason.get(status, 'Error')}", "Content-Type: application/json",
                 f"Content-Length: {len(body)}", "Connection: close"]
        lines += [f"{k}: {v}" for k, v in (extra or {}).items()]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)

    async def _websocket(self, query: str, headers: dict[str, str], reader: asyncio.StreamReader,
                         writer: asyncio.StreamWriter) -> None:
        key = headers.get("sec-websocket-key")
        if not key or headers.get("sec-websocket-version") != "13":
            self._respond(writer, 400, {"message": "Bad WebSocket handshake"})
            await writer.drain()
            writer.close()
            return
        connection_id = base64.b64encode(secrets.token_bytes(10)).decode()
        params = dict(parse_qsl(query))
        answer = await self._invoke("$connect", self._event("$connect", connection_id, query=params,
                                                             headers=headers))
        status = int(answer.get("statusCode", 200))
        if not 200 <= status < 300:
            self._respond(writer, status, {"message": "Forbidden"})
            await writer.drain()
            writer.close()
            return
        client = _Client(connection_id, writer, user_agent=headers.get("user-agent", ""))
        self._clients[connection_id] = client
        writer.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                      f"Sec-WebSocket-Accept: {accept_key(key)}\r\n\r\n").encode())
        await writer.drain()
        try:
            await self._frames(client, reader)
        finally:
            self._clients.pop(connection_id, None)
            await self._invoke("$disconnect", self._event("$disconnect", connection_id))
            if not writer.is_closing():
                writer.close()

    async def _frames(self, client: _Client, reader: asyncio.StreamReader) -> None:
        buffer, buffer_opcode = b"", 0
        while True:
            try:
                fin, opcode, data = await read_frame(reader)
            except (asyncio.IncompleteReadError, ConnectionError, ValueError):
                return
            client.last_active = time.time()
            if opcode == 8:  # close: echo it and stop
                client.writer.write(encode_frame(data[:2], 8))
                await client.writer.drain()
                return
            if opcode == 9:
                client.writer.write(encode_frame(data, 10))
                await client.writer.drain()
                continue
            if opcode == 10:
                continue
            if opcode in (1, 2):
                buffer, buffer_opcode = data, opcode
            elif opcode == 0:
                buffer += data
            if not fin:
                continue
            text = buffer.decode("utf-8", errors="replace") if buffer_opcode == 1 else \
                base64.b64encode(buffer).decode()
            buffer = b""
            await self._invoke("$default", self._event("$default", client.connection_id, body=text))

    async def _management(self, method: str, path: str, headers: dict[str, str], reader: asyncio.StreamReader,
                          writer: asyncio.StreamWriter) -> None:
        connection_id = unquote(path.rsplit("/@connections/", 1)[1])
        length = int(headers.get("content-length") or 0)
        data = await reader.readexactly(length) if length else b""
        client = self._clients.get(connection_id)
        if client is None or client.writer.is_closing():
            self._respond(writer, 410, {"__type": "GoneException", "message": "Gone"},
                          {"x-amzn-ErrorType": "GoneException"})
        elif method == "POST":
            client.writer.write(encode_frame(data, 1))
            await client.writer.drain()
            self._respond(writer, 200, None)
        elif method == "GET":
            self._respond(writer, 200, {
                "ConnectedAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(client.connected_at)),
                "LastActiveAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(client.last_active)),
                "Identity": {"SourceIp": client.source_ip, "UserAgent": client.user_agent}})
        elif method == "DELETE":
            client.writer.write(encode_frame(struct.pack("!H", 1000), 8))
            await client.writer.drain()
            client.writer.close()
            self._respond(writer, 204, None)
        else:
            self._respond(writer, 400, {"message": "Unsupported"})
        await writer.drain()
        writer.close()


# --- a small blocking client (tests, demo) -------------------------------------------------

class WsClient:
    """``WsClient.connect("ws://127.0.0.1:8001/local?token=...")``; ``send_json``, ``recv_json``."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self._buffer = b""

    @classmethod
    def connect(cls, url: str, timeout: float = 10) -> WsClient:
        parts = urlsplit(url)
        sock = socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 80), timeout=timeout)
        key = base64.b64encode(secrets.token_bytes(16)).decode()
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        sock.sendall((f"GET {target or '/'} HTTP/1.1\r\nHost: {parts.netloc}\r\nUpgrade: websocket\r\n"
                      f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        client = cls(sock)
        head = client._read_until(b"\r\n\r\n").decode("latin-1")
        status = int(head.split(" ", 2)[1])
        if status != 101:
            sock.close()
            raise ConnectionRefusedError(status)
        if accept_key(key) not in head:
            sock.close()
            raise ConnectionError("bad Sec-WebSocket-Accept")
        return client

    def _read_until(self, marker: bytes) -> bytes:
        while marker not in self._buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            self._buffer += chunk
        head, _, self._buffer = self._buffer.partition(marker)
        return head

    def _read(self, n: int) -> bytes:
        while len(self._buffer) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            self._buffer += chunk
        data, self._buffer = self._buffer[:n], self._buffer[n:]
        return data

    def send_json(self, payload: dict[str, Any]) -> None:
        self.sock.sendall(encode_frame(json.dumps(payload, ensure_ascii=False).encode(), 1, mask=True))

    def recv_json(self, timeout: float = 10) -> dict[str, Any]:
        self.sock.settimeout(timeout)
        while True:
            first, second = self._read(2)
            opcode, length = first & 0x0F, second & 0x7F
            if length == 126:
                (length,) = struct.unpack("!H", self._read(2))
            elif length == 127:
                (length,) = struct.unpack("!Q", self._read(8))
            data = self._read(length)
            if opcode == 8:
                raise ConnectionError("closed by server")
            if opcode == 1:
                result: dict[str, Any] = json.loads(data)
                return result

    def close(self) -> None:
        try:
            self.sock.sendall(encode_frame(struct.pack("!H", 1000), 8, mask=True))
        except OSError:
            pass
        self.sock.close()


def start(app: Any, *, host: str = "127.0.0.1", port: int = 8001, stage: str = "local") -> WsGateway:
    """What the local stack calls: serve the app's WebSocket handlers in the background."""
    gateway = WsGateway(app, host=host, port=port, stage=stage).start()
    print(f"[local] WebSocket     {gateway.url}?token=<access token>", flush=True)
    return gateway


def main() -> None:
    """Serve the app's WebSocket handlers on :8001 (against the running local stack)."""
    port = int(os.environ.get("GONGHUI_WS_PORT", "8001"))
    os.environ.setdefault("GONGHUI_WS_ENDPOINT", f"http://127.0.0.1:{port}/local")
    from chalicelib.platform.settings import reset_settings

    reset_settings()
    import app as app_module

    gateway = WsGateway(app_module.app, port=port).start()
    print(f"WebSocket API on {gateway.url}?token=<access token>; management API {gateway.management_endpoint}",
          flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        gateway.stop()


if __name__ == "__main__":
    main()
