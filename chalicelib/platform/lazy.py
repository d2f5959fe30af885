"""Deferred imports for cold start.

Every Lambda of the app (the API and each event handler) imports ``app.py``, which imports
every feature's routes and handlers. Their logic — and through it PynamoDB, botocore and the
providers — is only needed once a request or event actually arrives, so route and handler
modules bind their ``logic`` lazily::

    if TYPE_CHECKING:
        from . import logic
    else:
        logic = lazy_import(f"{__package__}.logic")

The module is loaded (by the standard library's ``importlib.util.LazyLoader``) on the first
attribute access, e.g. the first call of ``logic.apply_for_bed``.
"""
from __future__ import annotations

import importlib.util
import sys
from types import ModuleType


def lazy_import(name: str) -> ModuleType:
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(f"no module named {name!r}", name=name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module
