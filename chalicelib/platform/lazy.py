"""Deferred imports for cold start.

Every Lambda of the app (the API and each event handler) imports ``app.py``, which imports
every feature's routes and handlers. Their logic — and through it PynamoDB, botocore and the
providers — is only needed once a request or event actually arrives, so route and handler
modules bind their ``logic`` lazily::

    if TYPE_CHECKING:
        from . import logic
    else:
        logic = lazy_import(f"{__package__}.logic")

The real module is imported on the first attribute access, e.g. the first call of
``logic.apply_for_bed``, through the ordinary import system. (The standard library's
``importlib.util.LazyLoader`` is not thread-safe before Python 3.12.3: on the threaded local
server, a second request arriving while the first was still executing the module saw it half
built — ``AttributeError: module ... has no attribute 'send'`` as a 500. The import system's
own per-module lock makes a concurrent first use wait for the one import instead.)
"""
from __future__ import annotations

import importlib
import importlib.util
import sys
from types import ModuleType
from typing import Any


class _Deferred(ModuleType):
    """Stands for a module until first use; every attribute then comes from the real module."""

    def __getattr__(self, attr: str) -> Any:
        real = self.__dict__.get("_deferred_real")
        if real is None:
            real = importlib.import_module(self.__name__)  # waits while another thread imports it
            self.__dict__["_deferred_real"] = real
        return getattr(real, attr)


def lazy_import(name: str) -> ModuleType:
    if name in sys.modules:
        return sys.modules[name]
    if importlib.util.find_spec(name) is None:
        raise ModuleNotFoundError(f"no module named {name!r}", name=name)
    return _Deferred(name)
