"""The API's local HTTP server: Chalice's local request handler behind a threaded server
with a listen backlog a load test does not overflow.

``chalice local``'s server keeps socketserver's backlog of 5: 64 simultaneous connections
reset about half of them before the app sees them, which API Gateway never does.
"""
from __future__ import annotations

import importlib.util
import sys
from http.server import ThreadingHTTPServer
from typing import Any

BACKLOG = 128


class ApiHttpServer(ThreadingHTTPServer):
    """A thread per connection, ``BACKLOG`` connections waiting to be accepted."""

    request_queue_size = BACKLOG
    daemon_threads = True
    allow_reuse_address = True


def load_lazy_modules() -> int:
    """Load every module bound with ``lazy_import`` now. The LazyLoader of Python 3.12.1 is not
    thread-safe (CPython gh-114763, fixed in later releases): two threads touching a lazy
    module at once can find it empty (``AttributeError: ... has no attribute 'send'``). A
    Lambda process serves one request at a time; a threaded local server does not."""
    lazy = [m for m in list(sys.modules.values()) if type(m) is importlib.util._LazyModule]  # type: ignore[attr-defined]
    for module in lazy:
        module.__dict__  # noqa: B018  (any attribute access loads it)
    return len(lazy)


def _handler_class() -> Any:
    """Chalice's request handler, with ``/console`` (the union console's built files, see
    ``local/console.py``) answered before the API's routes."""
    from chalice.local import ChaliceRequestHandler

    from local import console

    class Handler(ChaliceRequestHandler):
        def _console_or_api(self) -> None:
            if self.command in ("GET", "HEAD") and console.wants(self.path.split("?", 1)[0]):
                status, headers, body = console.answer(self.path)
                self.send_response(status)
                for name, value in {**headers, "Content-Length": str(len(body))}.items():
                    self.send_header(name, value)
                self.end_headers()
                if self.command == "GET":
                    self.wfile.write(body)
                return
            self._generic_handle()

        do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = do_PATCH = do_OPTIONS = _console_or_api

    return Handler


def create_api_server(app: Any, config: Any, host: str, port: int) -> Any:
    """Chalice's ``LocalDevServer`` (its request handler: API Gateway's event shape, CORS,
    authorizers) on ``ApiHttpServer``, serving the union console at ``/console`` too. The app is
    adapted for local serving once per process, and its lazily imported modules are loaded
    before the first request."""
    from chalice.local import CustomLocalChalice, LocalChalice, LocalDevServer

    load_lazy_modules()

    if not isinstance(app, CustomLocalChalice):  # what chalice.local.create_local_server does
        CustomLocalChalice.__bases__ = (LocalChalice, app.__class__)
        app.__class__ = CustomLocalChalice
    return LocalDevServer(app, config, host, port, handler_cls=_handler_class(), server_cls=ApiHttpServer)
